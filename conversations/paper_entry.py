"""Organizer tools → Paper signatures: an organizer types the lines of a signature sheet into the
chat, one after another: the petition once, the sheet's day and number once, then for each line
the name, the CIN and the residence. Each line is counted at once, or told why not (a card
already counted, online or on paper, is counted once). The CIN is sealed as soon as it is typed
and leaves the conversation state once the line is counted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from conversations.cin import masked, parse_cin
from conversations.context import Context
from conversations.dates import read_day
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.kit import MOROCCO, Inbound, Option, Reply, Turn
from conversations.paper import (
    NAME_MAX,
    PAPER_WHY,
    RESIDENCE_MAX,
    SHEET_MAX,
    PaperOutcome,
    PaperSignature,
    PaperWhy,
)
from conversations.petition import petition_code
from conversations.phrases import NOT_ALLOWED, NOT_AN_OPTION
from conversations.text import Renderable, Verbatim, _, ngettext, pgettext


class Step(StrEnum):
    PETITION = "petition"
    DAY = "day"
    SHEET = "sheet"
    NAME = "name"
    CIN = "cin"
    RESIDENCE = "residence"
    NEXT = "next"


@dataclass(frozen=True, slots=True)
class Answers:
    code: str = ""
    codes: tuple[str, ...] = ()
    day: str = ""
    sheet: str = ""
    name: str = ""
    sealed_cin: str = ""
    masked_cin: str = ""
    counted: int = 0


BACK = Option("back", pgettext("paper", "Back to the organizer tools"))
TODAY = Option("today", pgettext("paper", "Today"))
NO_SHEET = Option("no_sheet", pgettext("paper", "No number"))
ANOTHER = Option("another", pgettext("paper", "Next line of this sheet"))
DONE = Option("done", pgettext("paper", "Done with this sheet"))

ASK_DAY = Reply(
    _("On which day were these signatures collected? (for example 05/01/2026)"), (TODAY, BACK)
)
ASK_SHEET = Reply(_("The sheet's number, as written on it:"), (NO_SHEET, BACK))
# Within a line only "done" ends the sheet: "back", "cancel" and "menu" are the engine's, which
# keep what was typed (a typed "back" must not be taken for a button that leaves the sheet).
ASK_NAME = Reply(_("The signer's full name, as written on the sheet:"), (DONE,))
ASK_CIN = Reply(_("Their CIN number (one or two letters, then digits):"))
ASK_RESIDENCE = Reply(
    _("Where they live in the commune, or their interest in it, as on the sheet:")
)
NONE_OPEN = Reply(_("No petition of your communes is collecting signatures."))


def _next(data: Answers, said: Renderable) -> Turn[Step, Answers]:
    # Once a line is counted or refused, its name and CIN leave the conversation state.
    kept = replace(data, name="", sealed_cin="", masked_cin="")
    return Turn((Reply(said, (ANOTHER, DONE)),), Step.NEXT, kept, settled=True)


class PaperEntry(Flow[Step, Answers]):
    name = FlowName.PAPER_ENTRY
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        found = await ctx.services.organizing.paper_petitions()
        if found is None:
            return Turn((Reply(NOT_ALLOWED),), None, Answers(), next_flow=FlowName.ORGANIZING)
        if not found:
            return Turn((NONE_OPEN,), None, Answers(), next_flow=FlowName.ORGANIZING)
        options = tuple(Option(card.code, Verbatim(card.title)) for card in found)
        ask = Reply(_("Which petition are these paper signatures for?"), (*options, BACK))
        return Turn((ask,), Step.PETITION, Answers(codes=tuple(c.code for c in found)))

    def underway(self, step: Step, data: Answers) -> Renderable | None:
        if step in (Step.PETITION, Step.NEXT):
            return None
        return _("You were typing a sheet of paper signatures.")

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        if msg.option in (BACK.id, DONE.id):
            return Turn((), None, Answers(), next_flow=FlowName.ORGANIZING)
        match step:
            case Step.PETITION:
                return await self._on_petition(ctx, data, msg)
            case Step.DAY:
                return self._on_day(ctx, data, msg)
            case Step.SHEET:
                return self._on_sheet(data, msg)
            case Step.NAME:
                return self._on_name(data, msg)
            case Step.CIN:
                return await self._on_cin(ctx, data, msg)
            case Step.RESIDENCE:
                return await self._on_residence(ctx, data, msg)
            case Step.NEXT:
                if msg.option == ANOTHER.id:
                    return Turn((ASK_NAME,), Step.NAME, data)
                return Turn((Reply(NOT_AN_OPTION), Reply(_("Next?"), (ANOTHER, DONE))),
                            Step.NEXT, data)  # fmt: skip

    async def _on_petition(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        code = msg.option if msg.option in data.codes else petition_code(msg.text)
        if code not in data.codes:
            again = await self.start(ctx)
            return replace(again, replies=(Reply(NOT_AN_OPTION), *again.replies))
        return Turn((ASK_DAY,), Step.DAY, replace(data, code=code))

    def _on_day(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        today = ctx.now.astimezone(MOROCCO).date()
        day = today if msg.option == TODAY.id else read_day(msg.text)
        if day is None or day > today:
            return Turn((Reply(PAPER_WHY[PaperWhy.DATE]), ASK_DAY), Step.DAY, data)
        return Turn((ASK_SHEET,), Step.SHEET, replace(data, day=day.isoformat()))

    def _on_sheet(self, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        sheet = "" if msg.option == NO_SHEET.id else msg.text.strip()
        if len(sheet) > SHEET_MAX:
            return Turn((Reply(PAPER_WHY[PaperWhy.SHEET]), ASK_SHEET), Step.SHEET, data)
        return Turn((ASK_NAME,), Step.NAME, replace(data, sheet=sheet))

    def _on_name(self, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        name = " ".join(msg.text.split())
        if not 0 < len(name) <= NAME_MAX:
            return Turn((Reply(PAPER_WHY[PaperWhy.NAME]), ASK_NAME), Step.NAME, data)
        return Turn((ASK_CIN,), Step.CIN, replace(data, name=name))

    async def _on_cin(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        cin = parse_cin(msg.text)
        if cin is None:
            return Turn((Reply(PAPER_WHY[PaperWhy.CIN]), ASK_CIN), Step.CIN, data)
        sealed = await ctx.services.petitions.seal(cin)
        kept = replace(data, sealed_cin=sealed, masked_cin=masked(cin))
        return Turn((ASK_RESIDENCE,), Step.RESIDENCE, kept)

    async def _on_residence(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        residence = " ".join(msg.text.split())
        if not 0 < len(residence) <= RESIDENCE_MAX:
            return Turn((Reply(PAPER_WHY[PaperWhy.RESIDENCE]), ASK_RESIDENCE), Step.RESIDENCE, data)
        line = PaperSignature(
            data.name, data.masked_cin, residence, date.fromisoformat(data.day), data.sheet
        )
        entered = await ctx.services.organizing.add_paper(data.code, line, data.sealed_cin)
        match entered.outcome:
            case PaperOutcome.ADDED:
                counted = data.counted + 1
                said = ngettext(
                    "Counted: {name} ({cin}). {n} line counted from this sheet so far.",
                    "Counted: {name} ({cin}). {n} lines counted from this sheet so far.",
                    counted, name=data.name, cin=data.masked_cin,
                )  # fmt: skip
                return _next(replace(data, counted=counted), said)
            case PaperOutcome.DUPLICATE:
                on = entered.counted_on or ctx.now
                return _next(data, _(
                    "This CIN ({cin}) has already signed, on {date}: it is not counted twice.",
                    cin=data.masked_cin, date=on.astimezone(MOROCCO).date(),
                ))  # fmt: skip
            case PaperOutcome.INVALID if entered.why is not None:
                return _next(data, PAPER_WHY[entered.why])
            case PaperOutcome.NOT_OPEN | PaperOutcome.SUPPORTS_ONLY:
                return _next(data, _("This petition is not collecting signatures any more."))
            case _:
                return Turn((Reply(NOT_ALLOWED),), None, Answers(), next_flow=FlowName.ORGANIZING)
