"""The petition page's form for signatures collected on paper: what was typed, kept for the
next line of the same sheet, and what became of a line, in the organizer's words."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData

from conversations.paper import PAPER_WHY, Entered, PaperOutcome, PaperWhy
from conversations.text import Renderable, _
from handlers.web.session import text_field


@dataclass(frozen=True, slots=True)
class PaperForm:
    """The paper form as typed; ``said`` is what became of the line just sent."""

    name: str = ""
    cin: str = ""
    residence: str = ""
    signed_on: str = ""
    sheet: str = ""
    said: Renderable | None = None
    added: bool = False

    @classmethod
    def of(cls, form: FormData) -> PaperForm:
        def typed(name: str) -> str:
            return text_field(form, name)

        return cls(
            typed("name"), typed("cin"), typed("residence"), typed("signed_on"), typed("sheet")
        )

    def next_line(self) -> PaperForm:
        """The form for the next line of the same sheet: its day and its number stay."""
        return PaperForm(signed_on=self.signed_on, sheet=self.sheet, added=True)


def paper_said(entered: Entered) -> Renderable:
    match entered.outcome:
        case PaperOutcome.ADDED:
            return _("Counted. Type the next line of the sheet, or go back to the petition.")
        case PaperOutcome.DUPLICATE:
            if entered.counted_on is None:
                return _("This CIN has already signed: it is not counted twice.")
            return _(
                "This CIN has already signed, on {date}: it is not counted twice.",
                date=entered.counted_on,
            )
        case PaperOutcome.NOT_OPEN | PaperOutcome.SUPPORTS_ONLY:
            return _("This petition is not collecting signatures.")
        case _:
            return PAPER_WHY.get(entered.why or PaperWhy.CIN, PAPER_WHY[PaperWhy.CIN])
