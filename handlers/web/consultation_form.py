"""A consultation written on the dashboard's form: who asks, its audience, its times, its title
and purpose in up to four languages, and its questions, each with its options one per line in
every language it is written in. Read into a draft, or into what the form finds wrong; the
form as typed is kept to be shown again (with one more question when asked)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData

from conversations.consultation import (
    LANGUAGES,
    QUESTIONS_MAX,
    ConsultationDraft,
    Question,
    QuestionKind,
    Texts,
)
from conversations.consultation_desk import AT_ONCE, FormWhy
from handlers.web.fields import audience_of, choice, kept_text, moroccan, number_of

# The form's fields: a question's are prefixed by its number, "q2_kind", "q2_prompt_fr".
FIELDS = ("asked_by", "audience", "opens", "closes", "anonymous", "meeting")
TEXTS = ("title", "purpose")
QUESTION_FIELDS = ("kind", "optional", "most")
QUESTION_TEXTS = ("prompt", "options")
# Every field a form of `QUESTIONS_MAX` questions sends, with its token and its button.
MOST_FIELDS = (
    4
    + len(FIELDS)
    + len(TEXTS) * len(LANGUAGES)
    + QUESTIONS_MAX * (len(QUESTION_FIELDS) + len(QUESTION_TEXTS) * len(LANGUAGES))
)
# What the longest form weighs: its texts in Arabic, each letter six bytes once encoded.
MOST_BYTES = 512 * 1024


@dataclass(frozen=True, slots=True)
class ConsultationForm:
    """The form as typed: its fields by name, and how many questions it shows."""

    values: dict[str, str]
    count: int = 1

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def field(self, number: int, name: str, language: str = "") -> str:
        """A question's field (counted from 1), in a language for its texts."""
        return self.values.get(_named(number, name, language), "")

    def written(self, name: str, first: str) -> bool:
        """Whether a text (of the consultation, or "q2_prompt") is written in another language
        than ``first``, the form's: its other languages are then shown open."""
        return any(self.values.get(f"{name}_{lang}") for lang in LANGUAGES if lang != first)


def _named(number: int, name: str, language: str = "") -> str:
    return f"q{number}_{name}" + (f"_{language}" if language else "")


def blank() -> ConsultationForm:
    return ConsultationForm({"anonymous": "on"})


def typed(form: FormData) -> ConsultationForm:
    """Every field the form sent, trimmed; "more" asks for one more question."""
    count = form.get("count")
    shown = int(count) if isinstance(count, str) and count.isdigit() else 1
    if form.get("action") == "more":
        shown += 1
    shown = max(1, min(shown, QUESTIONS_MAX))
    names = [*FIELDS, *(f"{t}_{lang}" for t in TEXTS for lang in LANGUAGES)]
    for number in range(1, shown + 1):
        names += [_named(number, name) for name in QUESTION_FIELDS]
        names += [_named(number, t, lang) for t in QUESTION_TEXTS for lang in LANGUAGES]
    return ConsultationForm({name: kept_text(form.get(name)) for name in names}, shown)


def draft_of(form: ConsultationForm) -> ConsultationDraft | FormWhy:
    """The consultation the form describes, or what the form finds wrong; the consultation's
    own rules are checked after, with the rest (conversations/consultation.py)."""
    audience = audience_of(form.get("audience"))
    if audience is None:
        return FormWhy.AUDIENCE
    closes = moroccan(form.get("closes"))
    opens = moroccan(form.get("opens")) if form.get("opens") else AT_ONCE
    if closes is None or opens is None:
        return FormWhy.TIMES
    questions = []
    for number in range(1, form.count + 1):
        question = _question(form, number)
        if isinstance(question, FormWhy):
            return question
        if question is not None:
            questions.append(question)
    return ConsultationDraft(
        audience.commune_code,
        form.get("asked_by"),
        _texts(form, "title"),
        _texts(form, "purpose"),
        opens,
        closes,
        tuple(questions),
        anonymous=form.get("anonymous") == "on",
        group_ids=audience.group_ids,
        # After a meeting: asked only of those who said they attend (storage checks it is one
        # of the commune's).
        meeting_id=number_of(form.get("meeting")),
    )


def _texts(form: ConsultationForm, name: str) -> Texts:
    """A text in the languages it is written in."""
    return {lang: text for lang in LANGUAGES if (text := form.get(f"{name}_{lang}"))}


def _question(form: ConsultationForm, number: int) -> Question | FormWhy | None:
    """One question; None for one left empty (a question added but not written)."""
    prompt = {lang: text for lang in LANGUAGES if (text := form.field(number, "prompt", lang))}
    lines = {
        lang: [line.strip() for line in typed.splitlines() if line.strip()]
        for lang in LANGUAGES
        if (typed := form.field(number, "options", lang))
    }
    if not prompt and not lines:
        return None
    if len({len(given) for given in lines.values()}) > 1:
        return FormWhy.OPTION_LINES
    kind = choice(QuestionKind, form.field(number, "kind")) or QuestionKind.ONE
    count = len(next(iter(lines.values()), []))
    options = tuple({lang: given[i] for lang, given in lines.items()} for i in range(count))
    most = form.field(number, "most")
    return Question(
        kind,
        prompt,
        options,
        optional=form.field(number, "optional") == "on",
        most=int(most) if most.isascii() and most.isdigit() and len(most) < 4 else 0,
    )
