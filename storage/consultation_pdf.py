"""A consultation's results as a printable A4 report in French and Arabic, for the council: who
asked, what and when, the participation, then each question with a bar per option (its count
and share, a ranking's Borda points), a scale's mean and spread, the free answers, and the
breakdowns by group and commune where no cell under 5 answers is shown.

Pure formatting, on the document of storage/plex.py; imported only when a PDF is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from conversations.consultation import (
    MIN_CELL,
    Breakdown,
    ConsultationReport,
    Question,
    QuestionKind,
    QuestionResult,
    Results,
    in_language,
)
from conversations.kit import MOROCCO
from storage.plex import LEADING, PlexDocument, plex_fonts

BAR = 5.0  # millimetres: one option's bar
TEXTS_SHOWN = 30
KINDS = {
    QuestionKind.ONE: ("choix unique", "اختيار واحد"),
    QuestionKind.SEVERAL: ("choix multiples", "اختيارات متعددة"),
    QuestionKind.SCALE: ("échelle de 1 à 5", "سلم من 1 إلى 5"),
    QuestionKind.RANK: ("classement des trois premières priorités", "ترتيب الأولويات الثلاث"),
    QuestionKind.TEXT: ("réponse libre", "جواب حر"),
    QuestionKind.YES_NO: ("oui ou non", "نعم أو لا"),
}


def to_pdf(report: ConsultationReport, made_at: datetime | None = None) -> bytes:
    with plex_fonts() as fonts:
        pdf = PlexDocument(f"C-{report.id}", fonts)
        if made_at is not None:
            pdf.set_creation_date(made_at)
        pdf.add_page()
        _heading(pdf, report)
        for result in report.results.questions:
            _question(pdf, report.questions[result.question], result, report.results)
        return bytes(pdf.output())


def _day(moment: datetime) -> str:
    return moment.astimezone(MOROCCO).strftime("%Y-%m-%d %H:%M")


def _heading(pdf: PlexDocument, report: ConsultationReport) -> None:
    pdf.pair("Résultats de la consultation", "نتائج الاستشارة", size=13, style="B")
    pdf.pair(in_language(report.title, "fr"), in_language(report.title, "ar"), size=12, style="B")
    pdf.pair(f"Posée par {report.asked_by}", f"الجهة: {report.asked_by}", size=10)
    pdf.pair(f"Commune : {report.commune_fr}", f"الجماعة: {report.commune_ar}", size=10)
    opens, closes = _day(report.opens_at), _day(report.closes_at)
    pdf.pair(f"Du {opens} au {closes}", f"من {opens} إلى {closes}", size=9)
    secret = ("anonyme", "مجهولة الهوية") if report.anonymous else ("nominative", "غير مجهولة")
    pdf.pair(f"Réponses : {secret[0]}", f"الأجوبة: {secret[1]}", size=9)
    pdf.paragraphs(in_language(report.purpose, "fr"), size=9)
    p = report.results.participation
    pdf.pair(
        f"Atteints {p.reached} · ont répondu {p.started} · ont terminé {p.completed} "
        f"({p.rate:.0%})",
        f"بلغتهم {p.reached} · أجابوا {p.started} · أكملوا {p.completed}",
        size=10, style="B",
    )  # fmt: skip
    pdf.ln(3)


def _question(pdf: PlexDocument, question: Question, result: QuestionResult, all_: Results) -> None:
    """One question: its prompt in both languages, its figures, its breakdowns."""
    prompt_fr, prompt_ar = (in_language(question.prompt, lang) for lang in ("fr", "ar"))
    kind_fr, kind_ar = KINDS[question.kind]
    pdf.pair(f"{result.question + 1}. {prompt_fr}", prompt_ar, size=11, style="B")
    answered = f"{kind_fr} · {result.answered} réponses · {result.skipped} passées"
    pdf.pair(answered, f"{kind_ar} · {result.answered} جوابا", size=8)
    labels = _labels(question)
    if question.kind is QuestionKind.SCALE:
        _scale(pdf, result)
    elif question.kind is QuestionKind.TEXT:
        pdf.pair(f"Messages vocaux : {result.voices}", f"رسائل صوتية: {result.voices}", size=9)
        for shown in result.texts[:TEXTS_SHOWN]:
            pdf.paragraphs(f"« {shown.text} »", size=8)
    else:
        _options(pdf, question, result, labels)
        _breakdowns(
            pdf, ("Par groupe", "حسب المجموعة"), all_.by_group.get(result.question, ()), labels
        )
        by_commune = all_.by_commune.get(result.question, ())
        _breakdowns(pdf, ("Par commune", "حسب الجماعة"), by_commune, labels)
    pdf.ln(3)


def _scale(pdf: PlexDocument, result: QuestionResult) -> None:
    mean = f"{result.mean:.2f}" if result.mean is not None else "-"
    pdf.pair(f"Moyenne : {mean}", f"المتوسط: {mean}", size=9)
    total = sum(result.spread) or 1
    for value, count in enumerate(result.spread, 1):
        _bar(pdf, str(value), count / total, f"{count}")


def _options(
    pdf: PlexDocument, question: Question, result: QuestionResult, labels: list[str]
) -> None:
    """A bar per option: its share of the answers, or for a ranking its Borda points."""
    most = max((o.points for o in result.options), default=0) or 1
    for option in result.options:
        label = labels[option.option]
        if question.kind is QuestionKind.RANK:
            _bar(pdf, label, option.points / most, f"{option.points} pts")
        else:
            _bar(pdf, label, option.share, f"{option.count} · {option.share:.0%}")


def _labels(question: Question) -> list[str]:
    if question.kind is QuestionKind.YES_NO:
        return ["non · لا", "oui · نعم"]
    return [
        " · ".join(dict.fromkeys((in_language(o, "fr"), in_language(o, "ar"))))
        for o in question.options
    ]


def _bar(pdf: PlexDocument, label: str, share: float, said: str) -> None:
    """A label, a bar as long as its share of the widest, and its figures."""
    left = pdf.l_margin
    pdf.use_font(label, 8)
    pdf.set_x(left)
    pdf.cell(62, BAR, label[:48])
    width = (pdf.epw - 62 - 28) * max(0.0, min(1.0, share))
    pdf.set_fill_color(31, 111, 139)
    pdf.rect(left + 62, pdf.get_y() + 1, max(width, 0.3), BAR - 2, style="F")
    pdf.set_fill_color(230, 230, 230)
    pdf.set_x(pdf.epw + left - 26)
    pdf.use_font(said, 8)
    pdf.cell(26, BAR, said, align="R", new_x="LMARGIN", new_y="NEXT")


def _breakdowns(
    pdf: PlexDocument, title: tuple[str, str], breakdowns: Sequence[Breakdown], labels: list[str]
) -> None:
    if not breakdowns:
        return
    pdf.pair(*title, size=8, style="B")
    for breakdown in breakdowns:
        cells = [
            f"{label}: {cell.count if cell.count is not None else f'< {MIN_CELL}'}"
            for label, cell in zip(labels, breakdown.cells, strict=False)
        ]
        text = f"{breakdown.label} — " + " ; ".join(cells)
        pdf.use_font(text, 7)
        pdf.multi_cell(0, LEADING * 7, text, new_x="LMARGIN", new_y="NEXT")
