"""A consultation: the commune or an association asks residents questions and counts the
answers. What a consultation and its questions are, how an answer is read and checked, and how
results are scored and shown without exposing anyone, as data and pure functions.

Texts come in up to four languages (the organizer writes those they can); a resident reads the
consultation in their language, else in the first language it was written in. Privacy: a
result cell (an option's count in a group or a commune) is shown only from `MIN_CELL` answers;
below it says "fewer than 5", so that a small group's answers cannot be told apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from conversations.folding import to_ascii_digits
from conversations.text import ByLocale, Renderable, _, lines, ngettext, written_language

LANGUAGES = ("ar", "fr", "zgh", "en")
TITLE_MAX, PURPOSE_MAX, PROMPT_MAX, OPTION_MAX, ASKER_MAX = 120, 600, 300, 60, 120
FREE_TEXT_MAX = 500
OPTIONS_MIN, OPTIONS_MAX = 2, 12
QUESTIONS_MAX = 20
SCALE_LOW, SCALE_HIGH = 1, 5
# A ranking asks for the top three priorities; Borda gives them 3, 2 and 1 points.
RANKED = 3
# The smallest count a breakdown shows (privacy): below it, "fewer than 5".
MIN_CELL = 5
# Those who have not answered are reminded this long before it closes (once).
REMINDER_LEAD = timedelta(hours=24)


class QuestionKind(StrEnum):
    ONE = "one"
    SEVERAL = "several"
    SCALE = "scale"
    RANK = "rank"
    TEXT = "text"
    YES_NO = "yes_no"


# The kinds whose answers are options of the question.
CHOSEN = frozenset({QuestionKind.ONE, QuestionKind.SEVERAL, QuestionKind.RANK})


class ConsultationLife(StrEnum):
    DRAFT = "draft"
    # Published, waiting for its opening time (its push is queued for then).
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


# Texts by language: {"fr": "…", "ar": "…"}; at least one.
Texts = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Question:
    kind: QuestionKind
    prompt: Texts
    # For ONE, SEVERAL and RANK: the options, each its texts by language.
    options: tuple[Texts, ...] = ()
    # May the resident skip it?
    optional: bool = False
    # For SEVERAL: at most this many options (0: as many as there are).
    most: int = 0


@dataclass(frozen=True, slots=True)
class ConsultationDraft:
    commune_code: str
    # Who asks, as residents read it: "Association Nour", "Commune de Tiznit" (a name).
    asked_by: str
    title: Texts
    purpose: Texts
    opens_at: datetime
    closes_at: datetime
    questions: tuple[Question, ...]
    anonymous: bool = True
    # An audience of groups of the commune; none: the whole commune.
    group_ids: tuple[int, ...] = ()
    # After a meeting: asked only of those who said they attend it.
    meeting_id: int | None = None


class ConsultationWhy(StrEnum):
    NO_ASKER = "no_asker"
    NO_TEXT = "no_text"
    TEXT_LENGTH = "text_length"
    LANGUAGE = "language"
    NO_QUESTION = "no_question"
    TOO_MANY_QUESTIONS = "too_many_questions"
    OPTIONS = "options"
    MOST = "most"
    CLOSES_BEFORE_OPENING = "closes_before_opening"
    CLOSES_IN_THE_PAST = "closes_in_the_past"
    # The meeting it follows is not one of its commune's.
    NO_MEETING = "no_meeting"


@dataclass(frozen=True, slots=True)
class ConsultationRefusal:
    why: ConsultationWhy
    # The question concerned (0-based), when one is.
    question: int | None = None


def text_refusal(texts: Texts, most: int) -> ConsultationWhy | None:
    """A text in one to four known languages, each 1 to ``most`` characters."""
    if not texts or not any(value.strip() for value in texts.values()):
        return ConsultationWhy.NO_TEXT
    if any(language not in LANGUAGES for language in texts):
        return ConsultationWhy.LANGUAGE
    if any(not value.strip() or len(value) > most for value in texts.values()):
        return ConsultationWhy.TEXT_LENGTH
    return None


def question_refusal(question: Question) -> ConsultationWhy | None:
    """What is wrong with one question; None when it may be asked."""
    why = text_refusal(question.prompt, PROMPT_MAX)
    if why is not None:
        return why
    if question.kind in CHOSEN:
        if not OPTIONS_MIN <= len(question.options) <= OPTIONS_MAX:
            return ConsultationWhy.OPTIONS
        for option in question.options:
            if (why := text_refusal(option, OPTION_MAX)) is not None:
                return why
    elif question.options:
        return ConsultationWhy.OPTIONS
    if question.kind is QuestionKind.RANK and len(question.options) < RANKED:
        return ConsultationWhy.OPTIONS
    if question.kind is QuestionKind.SEVERAL and not 0 <= question.most <= len(question.options):
        return ConsultationWhy.MOST
    return None


def draft_refusal(draft: ConsultationDraft, now: datetime) -> ConsultationRefusal | None:
    """What keeps a consultation from being stored, the first thing found."""
    if not draft.asked_by.strip() or len(draft.asked_by) > ASKER_MAX:
        return ConsultationRefusal(ConsultationWhy.NO_ASKER)
    for texts, most in ((draft.title, TITLE_MAX), (draft.purpose, PURPOSE_MAX)):
        if (why := text_refusal(texts, most)) is not None:
            return ConsultationRefusal(why)
    if not draft.questions:
        return ConsultationRefusal(ConsultationWhy.NO_QUESTION)
    if len(draft.questions) > QUESTIONS_MAX:
        return ConsultationRefusal(ConsultationWhy.TOO_MANY_QUESTIONS)
    for number, question in enumerate(draft.questions):
        if (why := question_refusal(question)) is not None:
            return ConsultationRefusal(why, number)
    if draft.closes_at <= draft.opens_at:
        return ConsultationRefusal(ConsultationWhy.CLOSES_BEFORE_OPENING)
    if draft.closes_at <= now:
        return ConsultationRefusal(ConsultationWhy.CLOSES_IN_THE_PAST)
    return None


def in_language(texts: Texts, language: str | None) -> str:
    """The text in ``language``, else in the first language it was written in."""
    if language and texts.get(language, "").strip():
        return texts[language]
    written = written_language(language) if language else None
    if written and texts.get(written, "").strip():
        return texts[written]
    return next((value for value in texts.values() if value.strip()), "")


@dataclass(frozen=True, slots=True)
class Response:
    """One answer to one question: the options chosen (in rank order for RANK; 0 is no, 1 is
    yes for YES_NO), a scale's value, a free text or a voice note (its reference on the
    resident's channel, as a report's), or skipped."""

    options: tuple[int, ...] = ()
    value: int | None = None
    text: str = ""
    voice: str = ""
    skipped: bool = False


class AnswerOutcome(StrEnum):
    """What became of an answer: counted, refused (`Answered.why`), or the consultation (or
    that question) is not open to answers."""

    COUNTED = "counted"
    REFUSED = "refused"
    NOT_OPEN = "not_open"


class AnswerWhy(StrEnum):
    NOT_AN_OPTION = "not_an_option"
    TOO_MANY = "too_many"
    RANK_THREE = "rank_three"
    SCALE = "scale"
    TEXT_LENGTH = "text_length"
    EMPTY = "empty"
    NOT_OPTIONAL = "not_optional"


@dataclass(frozen=True, slots=True)
class Answered:
    outcome: AnswerOutcome
    why: AnswerWhy | None = None


@dataclass(frozen=True, slots=True)
class Shown:
    """A question as one resident reads it: in their language, options in order."""

    kind: QuestionKind
    prompt: str
    options: tuple[str, ...] = ()
    optional: bool = False
    most: int = 0


@dataclass(frozen=True, slots=True)
class Asked:
    """A consultation as one resident reads it, with their answers so far by question."""

    id: int
    asked_by: str
    title: str
    purpose: str
    closes_at: datetime
    anonymous: bool
    questions: tuple[Shown, ...]
    answers: Mapping[int, Response] = field(default_factory=dict)
    completed: bool = False


def shown(question: Question, language: str | None) -> Shown:
    options = tuple(in_language(option, language) for option in question.options)
    prompt = in_language(question.prompt, language)
    return Shown(question.kind, prompt, options, question.optional, question.most)


def answer_refusal(question: Question, answer: Response) -> AnswerWhy | None:
    """What is wrong with ``answer`` to ``question``; None when it counts."""
    if answer.skipped:
        return None if question.optional else AnswerWhy.NOT_OPTIONAL
    match question.kind:
        case QuestionKind.ONE | QuestionKind.SEVERAL | QuestionKind.RANK:
            return _chosen_refusal(question, answer.options)
        case QuestionKind.YES_NO:
            return None if answer.options in ((0,), (1,)) else AnswerWhy.NOT_AN_OPTION
        case QuestionKind.SCALE:
            inside = answer.value is not None and SCALE_LOW <= answer.value <= SCALE_HIGH
            return None if inside else AnswerWhy.SCALE
        case QuestionKind.TEXT:
            if answer.voice:
                return None
            if not answer.text.strip():
                return AnswerWhy.EMPTY
            return AnswerWhy.TEXT_LENGTH if len(answer.text) > FREE_TEXT_MAX else None


def _chosen_refusal(question: Question, chosen: tuple[int, ...]) -> AnswerWhy | None:
    if not chosen:
        return AnswerWhy.EMPTY
    if len(set(chosen)) != len(chosen) or any(
        not 0 <= option < len(question.options) for option in chosen
    ):
        return AnswerWhy.NOT_AN_OPTION
    if question.kind is QuestionKind.ONE and len(chosen) != 1:
        return AnswerWhy.TOO_MANY
    if question.kind is QuestionKind.SEVERAL and question.most and len(chosen) > question.most:
        return AnswerWhy.TOO_MANY
    if question.kind is QuestionKind.RANK and len(chosen) != RANKED:
        return AnswerWhy.RANK_THREE
    return None


def read_scale(typed: str) -> int | None:
    """A digit from 1 to 5 in any script (٣, ۳, 3), alone in the message."""
    text = to_ascii_digits(typed).strip()
    if len(text) == 1 and text.isdigit() and SCALE_LOW <= int(text) <= SCALE_HIGH:
        return int(text)
    return None


def borda(rank: int) -> int:
    """The points a priority gets at ``rank`` (0-based) of a top three: 3, 2, 1."""
    return RANKED - rank


@dataclass(frozen=True, slots=True)
class Cell:
    """A count as a breakdown shows it: the count, or None when it is under `MIN_CELL`."""

    count: int | None

    @classmethod
    def of(cls, count: int) -> Cell:
        return cls(count if count >= MIN_CELL else None)


@dataclass(frozen=True, slots=True)
class OptionResult:
    option: int
    count: int
    # Of the answer sets that answered the question.
    share: float
    # For RANK: the Borda points.
    points: int = 0


@dataclass(frozen=True, slots=True)
class FreeText:
    """A free answer as the results list it: its number (an organizer hides it by it)."""

    id: int
    text: str


@dataclass(frozen=True, slots=True)
class QuestionResult:
    question: int
    kind: QuestionKind
    answered: int
    skipped: int
    options: tuple[OptionResult, ...] = ()
    # For SCALE: the mean (None with no answer) and the count of each value 1 to 5.
    mean: float | None = None
    spread: tuple[int, ...] = ()
    # For TEXT: the shown (not hidden) free texts, the newest first, the voice notes, and
    # how many an organizer hid.
    texts: tuple[FreeText, ...] = ()
    voices: int = 0
    hidden: int = 0
    # The answers whose voice notes Hayna kept, to play on the dashboard.
    voice_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Breakdown:
    """One question's options counted within one group or commune, cells under 5 hidden."""

    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Participation:
    reached: int
    started: int
    completed: int
    # (hour, answer sets completed by its end), oldest first.
    curve: tuple[tuple[datetime, int], ...] = ()

    @property
    def rate(self) -> float:
        """Of those reached, the share who completed. Residents who settled in its audience
        after it was published find it in the menu without its push: they count as reached
        once they start, so that the share never passes 100 %."""
        asked = max(self.reached, self.started)
        return self.completed / asked if asked else 0.0


@dataclass(frozen=True, slots=True)
class Results:
    questions: tuple[QuestionResult, ...]
    participation: Participation
    # By question: its breakdown by group and by commune.
    by_group: Mapping[int, tuple[Breakdown, ...]] = field(default_factory=dict)
    by_commune: Mapping[int, tuple[Breakdown, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ConsultationReport:
    """A consultation as its report to the council shows it: who asked, what, when, where."""

    id: int
    asked_by: str
    title: Texts
    purpose: Texts
    commune_fr: str
    commune_ar: str
    opens_at: datetime
    closes_at: datetime
    anonymous: bool
    questions: tuple[Question, ...]
    results: Results
    life: ConsultationLife


def shares(counts: Sequence[int], answered: int) -> tuple[float, ...]:
    return tuple(count / answered if answered else 0.0 for count in counts)


def titled(texts: Texts) -> Renderable:
    """A text the organizer wrote in several languages, as each resident's language reads it."""
    return ByLocale(tuple(texts.items()), in_language(texts, None))


def opened_notice(
    number: int, asked_by: str, title: Texts, questions: int, closes_on: date
) -> Renderable:
    """The push its audience gets when a consultation opens; a reply "C number" opens it."""
    return lines(
        _("📋 A new consultation from {name}: {title}", name=asked_by, title=titled(title)),
        ngettext(
            "{n} question, open until {date}.", "{n} questions, open until {date}.", questions,
            date=closes_on,
        ),
        _answer(number),
    )  # fmt: skip


def _answer(number: int) -> Renderable:
    return _("Reply “C {n}” to answer, or find it in the menu: Consultations.", n=number)


def closing_notice(number: int, asked_by: str, title: Texts, closes_on: date) -> Renderable:
    """The reminder of those who have not answered, the day before it closes."""
    return lines(
        _(
            "⏰ The consultation “{title}” from {name} closes on {date}.",
            title=titled(title), name=asked_by, date=closes_on,
        ),
        _answer(number),
    )  # fmt: skip
