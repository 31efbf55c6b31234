"""A consultation's results as rows of plain cells, in French: every question's counts, its
breakdowns by group and by commune (a cell under `MIN_CELL` answers unshown) and the
participation. The command line prints them as a table or writes them as a CSV; the dashboard
offers the same CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import replace

from conversations.consultation import (
    CHOSEN,
    MIN_CELL,
    Breakdown,
    ConsultationReport,
    QuestionKind,
    QuestionResult,
    in_language,
)

HEAD = ["question", "kind", "answer", "count", "share", "points"]
TEXTS_SHOWN = 20
# The command line's table cuts long cells; a CSV keeps them whole.
Cut = Callable[[str, int], str]


def _whole(text: str, _most: int) -> str:
    return text


def result_rows(
    report: ConsultationReport, commune_name: Callable[[str], str], cut: Cut = _whole
) -> list[list[str]]:
    """The head row, then each question's rows and the participation's."""
    found, asked = report.results, report.questions
    rows = [HEAD]
    for result in found.questions:
        question = asked[result.question]
        prompt = in_language(question.prompt, "fr")
        labels = [in_language(o, "fr") for o in question.options] or ["no", "yes"]
        rows.extend(_lines(result, prompt, labels, cut))
        for by, breakdowns in (("group", found.by_group), ("commune", found.by_commune)):
            named = list(breakdowns.get(result.question, ()))
            if by == "commune":
                named = [replace(b, label=commune_name(b.label)) for b in named]
            rows.extend(_breakdown(by, named, labels))
    p = found.participation
    rows.append(["participation", "", "reached", str(p.reached), "", ""])
    rows.append(["participation", "", "answered", str(p.started), "", ""])
    rows.append(["participation", "", "completed", str(p.completed), f"{p.rate:.0%}", ""])
    return rows


def as_csv(rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _breakdown(by: str, breakdowns: Sequence[Breakdown], labels: list[str]) -> list[list[str]]:
    """A question's options within each group or commune; a cell under 5 answers unshown."""
    rows = []
    for breakdown in breakdowns:
        name = breakdown.label
        for label, cell in zip(labels, breakdown.cells, strict=False):
            shown = str(cell.count) if cell.count is not None else f"fewer than {MIN_CELL}"
            rows.append([f"  by {by}: {name}", "", label, shown, "", ""])
    return rows


def _lines(result: QuestionResult, prompt: str, labels: list[str], cut: Cut) -> list[list[str]]:
    number = f"{result.question + 1}. {cut(prompt, 40)}"
    rows = [[number, result.kind, "answered", str(result.answered), "", ""]]
    if result.kind in CHOSEN or result.kind is QuestionKind.YES_NO:
        names = labels if result.kind is not QuestionKind.YES_NO else ["no", "yes"]
        for option in result.options:
            points = str(option.points) if result.kind is QuestionKind.RANK else ""
            share = f"{option.share:.0%}"
            rows.append(["", "", names[option.option], str(option.count), share, points])
    elif result.kind is QuestionKind.SCALE:
        mean = f"{result.mean:.2f}" if result.mean is not None else "-"
        rows.append(["", "", "mean", mean, "", ""])
        spread = enumerate(result.spread, 1)
        rows.extend(["", "", str(value), str(count), "", ""] for value, count in spread)
    else:
        rows.append(["", "", "voice notes", str(result.voices), "", ""])
        listed = result.texts[:TEXTS_SHOWN] if cut is not _whole else result.texts
        # Its number, for `hayna consultations hide`.
        rows.extend(["", "", cut(t.text, 60), f"#{t.id}", "", ""] for t in listed)
        if result.hidden:
            rows.append(["", "", "hidden", str(result.hidden), "", ""])
    if result.skipped:
        rows.append(["", "", "skipped", str(result.skipped), "", ""])
    return rows
