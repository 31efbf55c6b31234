"""The dashboard's consultations: the list an organizer reads, what becomes of a new one, why
one is refused (said in the organizer's language), as plain data and a Protocol.

`storage` implements `ConsultationDesk` through the chat's and the command line's own actions
(storage/services/consultation_actions.py), within the organizer's scope and audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from conversations.consultation import (
    ASKER_MAX,
    OPTION_MAX,
    OPTIONS_MAX,
    OPTIONS_MIN,
    PROMPT_MAX,
    PURPOSE_MAX,
    QUESTIONS_MAX,
    RANKED,
    TITLE_MAX,
    ConsultationDraft,
    ConsultationLife,
    ConsultationRefusal,
    ConsultationReport,
    ConsultationWhy,
    Texts,
)
from conversations.desk import Done, Signed
from conversations.kit import Attachment
from conversations.petition_desk import Download, FilingKind
from conversations.text import Renderable, _, pgettext

# An opening time given as none: the desk opens it when it is published (an opening time
# already gone does the same).
AT_ONCE = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ConsultationLine:
    """A consultation in the organizers' list, with how many started and completed it."""

    id: int
    life: ConsultationLife
    commune_code: str
    title: Texts
    opens_at: datetime
    closes_at: datetime
    reached: int
    started: int
    completed: int


class FormWhy(StrEnum):
    """What the dashboard's form itself finds wrong, before the consultation's rules."""

    AUDIENCE = "audience"
    TIMES = "times"
    # A question's options are not as many in each language they are written in.
    OPTION_LINES = "option_lines"


@dataclass(frozen=True, slots=True)
class Created:
    """What became of a new consultation: DONE with its number, INVALID with the rule it
    breaks, REFUSED outside the scope; DONE with ``life`` None when it was kept as a draft
    but could not be published."""

    done: Done
    number: int = 0
    refusal: ConsultationRefusal | None = None
    life: ConsultationLife | None = None


LIVES: dict[ConsultationLife, Renderable] = {
    ConsultationLife.DRAFT: pgettext("consultation", "Draft"),
    ConsultationLife.SCHEDULED: pgettext("consultation", "Scheduled"),
    ConsultationLife.OPEN: pgettext("consultation", "Open"),
    ConsultationLife.CLOSED: pgettext("consultation", "Closed"),
}

WHY: dict[ConsultationWhy | FormWhy, Renderable] = {
    ConsultationWhy.NO_ASKER: _(
        "Say who asks: a name of at most {most} characters.", most=ASKER_MAX
    ),
    ConsultationWhy.NO_TEXT: _("A text is missing: write it in at least one language."),
    ConsultationWhy.TEXT_LENGTH: _(
        "A text is too long: the title at most {title} characters, the purpose {purpose}, a "
        "question {prompt} and an option {option}.",
        title=TITLE_MAX,
        purpose=PURPOSE_MAX,
        prompt=PROMPT_MAX,
        option=OPTION_MAX,
    ),
    ConsultationWhy.LANGUAGE: _("A text is in a language Hayna does not speak."),
    ConsultationWhy.NO_QUESTION: _("Ask at least one question."),
    ConsultationWhy.TOO_MANY_QUESTIONS: _(
        "A consultation asks at most {most} questions.", most=QUESTIONS_MAX
    ),
    ConsultationWhy.OPTIONS: _(
        "Give {low} to {high} options, one per line ({ranked} at least for the top three "
        "priorities); a scale, a free answer and a yes or no have none.",
        low=OPTIONS_MIN,
        high=OPTIONS_MAX,
        ranked=RANKED,
    ),
    ConsultationWhy.MOST: _("At most: a number from 0 (no limit) to the number of options."),
    ConsultationWhy.CLOSES_BEFORE_OPENING: _("It must close after it opens."),
    ConsultationWhy.CLOSES_IN_THE_PAST: _("It must close in the future."),
    ConsultationWhy.NO_MEETING: _("The meeting it follows is not one of its commune's."),
    FormWhy.AUDIENCE: _("Choose who it is for."),
    FormWhy.TIMES: _("Give the closing day and time (and the opening one, or leave it empty)."),
    FormWhy.OPTION_LINES: _(
        "Give the same number of options, in the same order, in each language you write them in."
    ),
}


def question_named(refusal: ConsultationRefusal) -> int | None:
    """The question a refusal is about, counted from 1 as the form shows them."""
    return None if refusal.question is None else refusal.question + 1


class ConsultationDesk(Protocol):
    """An organizer's consultations, one transaction per call, within their scope: what is
    outside it is REFUSED (audited) and nothing changes."""

    async def consultations(self, who: Signed) -> Sequence[ConsultationLine]:
        """The scope's consultations, the latest to close first."""
        ...

    async def consultation(self, who: Signed, consultation_id: int) -> ConsultationReport | Done:
        """The consultation with its results at this moment."""
        ...

    async def check(self, who: Signed, draft: ConsultationDraft) -> ConsultationRefusal | None:
        """What the rules find wrong with a draft now, for its preview; nothing is stored."""
        ...

    async def create(self, who: Signed, draft: ConsultationDraft, publish: bool) -> Created:
        """A draft for ``draft``'s audience (a group's commune is found from it), published at
        once when asked, as the chat and `hayna consultations` do."""
        ...

    async def publish(self, who: Signed, consultation_id: int) -> ConsultationLife | Done:
        """Open it now, or at its opening time; INVALID when it is no draft any more."""
        ...

    async def hide(self, who: Signed, consultation_id: int, answer_id: int) -> Done:
        """A free text kept out of the results (moderation): DONE, MISSING when it is no shown
        free text of the consultation, REFUSED outside the scope (audited)."""
        ...

    async def voice(self, who: Signed, consultation_id: int, answer_id: int) -> Attachment | Done:
        """A shown voice note answering the consultation, to play: MISSING when there is none
        Hayna kept, REFUSED outside the scope (audited)."""
        ...

    async def export(self, who: Signed, consultation_id: int, kind: FilingKind) -> Download | Done:
        """Its results as `hayna consultations results --format csv|pdf` writes them."""
        ...
