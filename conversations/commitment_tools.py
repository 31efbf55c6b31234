"""Organizer tools → Commitments: the commitments of one's communes, a new one (its commune when
one organizes several, its text, who made it, its due date as DD/MM/YYYY), or a change of status
with a note for its followers. Storage checks the scope and audits every action again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import assert_never

from conversations.commitment import (
    LIFE_LABELS,
    MAKER_MAX,
    NOTE_MAX,
    TEXT_MAX,
    CommitmentDraft,
    CommitmentLife,
    draft_refusal,
)
from conversations.commitments import status_line
from conversations.context import Context
from conversations.dates import read_day
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.folding import to_ascii_digits
from conversations.kit import MOROCCO, Inbound, Option, Reply, Turn, pick
from conversations.phrases import CANCELLED, NOT_ALLOWED, NOT_AN_OPTION
from conversations.text import Gist, Renderable, Verbatim, _, lines, ngettext, pgettext

# The commitments the tools list, the soonest due first.
LISTED = 10


class Step(StrEnum):
    TOOLS = "tools"
    COMMUNE = "commune"
    TEXT = "text"
    MAKER = "maker"
    DUE = "due"
    NUMBER = "number"
    STATUS = "status"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Answers:
    commune: str = ""
    text: str = ""
    made_by: str = ""
    commitment: int = 0
    # Its status when chosen, and the one chosen for it.
    was: str = ""
    life: str = ""


ADD = Option("add", pgettext("commitment tools", "New commitment"))
CHANGE = Option("change", pgettext("commitment tools", "Change a status"))
BACK = Option("back", pgettext("commitment tools", "Back"))
CANCEL = Option("cancel", pgettext("commitment tools", "Cancel"))
SKIP = Option("skip", pgettext("commitment tools", "No note"))
LIVES = tuple(Option(life.value, LIFE_LABELS[life]) for life in CommitmentLife)

ASK_TEXT = Reply(
    _("What did the commune commit to? (at most {most} characters)", most=TEXT_MAX), (CANCEL,)
)
ASK_MAKER = Reply(
    _("Who made it? For example: Conseil communal, Président de la commune."), (CANCEL,)
)
ASK_DUE = Reply(_("By when? Type the due date as DD/MM/YYYY, for example 31/03/2027."), (CANCEL,))
# No option: a number typed here names a commitment, never an option's line.
ASK_NUMBER = Reply(_("Type the number of the commitment (or cancel):"))
ASK_STATUS = Reply(_("Its new status:"), (*LIVES, CANCEL))
ASK_NOTE = Reply(
    _(
        "A note for its followers: what the commune said or did (at most {most} characters).",
        most=NOTE_MAX,
    ),
    (SKIP, CANCEL),
)


class CommitmentTools(Flow[Step, Answers]):
    name = FlowName.COMMITMENT_TOOLS
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        found = await ctx.services.commitments.organizer_commitments()
        if found is None:
            return Turn((Reply(NOT_ALLOWED),), None, Answers())
        today = ctx.now.astimezone(MOROCCO).date()
        listed = [
            lines(f"{c.id}.", Gist(Verbatim(c.text), 60), status_line(c, today), sep=" ")
            for c in found[:LISTED]
        ]
        head = (
            ngettext(
                "{n} commitment in your communes:", "{n} commitments in your communes:", len(found)
            )
            if found
            else _("No commitment is recorded in your communes yet.")
        )
        return Turn((Reply(lines(head, *listed), (ADD, CHANGE, BACK)),), Step.TOOLS, Answers())

    def underway(self, step: Step, data: Answers) -> Renderable | None:
        if step in (Step.TEXT, Step.MAKER, Step.DUE):
            return _("You were recording a commitment.")
        return None

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        if step is not Step.TOOLS and msg.option == CANCEL.id:
            return Turn((Reply(CANCELLED),), None, Answers())
        match step:
            case Step.TOOLS:
                return await self._on_tools(ctx, data, msg)
            case Step.COMMUNE:
                return self._on_commune(data, msg)
            case Step.TEXT:
                return self._on_text(data, msg.text.strip())
            case Step.MAKER:
                return self._on_maker(data, msg.text.strip())
            case Step.DUE:
                return await self._on_due(ctx, data, msg.text)
            case Step.NUMBER:
                return await self._on_number(ctx, data, msg.text)
            case Step.STATUS:
                return self._on_status(data, msg)
            case Step.NOTE:
                note = "" if msg.option == SKIP.id else msg.text.strip()
                return await self._on_note(ctx, data, note)
            case _:
                assert_never(step)

    async def _on_tools(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id:
            return Turn((), None, data, next_flow=FlowName.ORGANIZING)
        if msg.option == CHANGE.id:
            return Turn((ASK_NUMBER,), Step.NUMBER, data)
        if msg.option != ADD.id:
            again = await self.start(ctx)
            return replace(again, replies=(Reply(NOT_AN_OPTION), *again.replies))
        reach = await ctx.services.organizing.organizer_reach()
        communes = reach.communes if reach is not None else ()
        if not communes:
            return Turn((Reply(NOT_ALLOWED),), None, data)
        if len(communes) == 1:
            return Turn((ASK_TEXT,), Step.TEXT, replace(data, commune=communes[0]))
        return Turn((await _ask_commune(ctx, communes),), Step.COMMUNE, data)

    def _on_commune(self, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if not msg.option or not msg.option.startswith("c:"):
            return Turn((Reply(NOT_AN_OPTION),), Step.COMMUNE, data)
        return Turn((ASK_TEXT,), Step.TEXT, replace(data, commune=msg.option.removeprefix("c:")))

    def _on_text(self, data: Answers, text: str) -> Turn[Step, Answers]:
        if not text:
            return Turn(
                (Reply(_("Please type what the commune committed to.")), ASK_TEXT), Step.TEXT, data
            )
        if len(text) > TEXT_MAX:
            too_long = ngettext(
                "Please shorten it to at most {n} character.",
                "Please shorten it to at most {n} characters.",
                TEXT_MAX,
            )
            return Turn((Reply(too_long), ASK_TEXT), Step.TEXT, data)
        return Turn((ASK_MAKER,), Step.MAKER, replace(data, text=text))

    def _on_maker(self, data: Answers, maker: str) -> Turn[Step, Answers]:
        if not maker or len(maker) > MAKER_MAX:
            said = _("Please type who made it, in at most {most} characters.", most=MAKER_MAX)
            return Turn((Reply(said), ASK_MAKER), Step.MAKER, data)
        return Turn((ASK_DUE,), Step.DUE, replace(data, made_by=maker))

    async def _on_due(self, ctx: Context, data: Answers, typed: str) -> Turn[Step, Answers]:
        day = read_day(typed)
        if day is None:
            said = _("I could not read this date. Please type it as DD/MM/YYYY.")
            return Turn((Reply(said), ASK_DUE), Step.DUE, data)
        draft = CommitmentDraft(data.commune, data.text, data.made_by, day)
        if draft_refusal(draft, ctx.now.astimezone(MOROCCO).date()) is not None:
            said = _("This date is past: the due date must be today or later.")
            return Turn((Reply(said), ASK_DUE), Step.DUE, data)
        made = await ctx.services.commitments.add(draft)
        if made is None:
            return Turn((Reply(NOT_ALLOWED),), None, Answers())
        done = _(
            "Commitment {number} recorded. Residents of the commune see it under Menu → "
            "Commitments, and can follow it.",
            number=made,
        )
        return Turn((Reply(done),), None, Answers())

    async def _on_number(self, ctx: Context, data: Answers, typed: str) -> Turn[Step, Answers]:
        number = to_ascii_digits(typed).strip().removeprefix("#")
        found = await ctx.services.commitments.organizer_commitments()
        ours = {str(c.id): c for c in found or ()}
        if number not in ours:
            said = _("There is no commitment {number} in your communes.", number=typed.strip()[:12])
            return Turn((Reply(said), ASK_NUMBER), Step.NUMBER, data)
        chosen = ours[number]
        kept = replace(data, commitment=chosen.id, was=chosen.life.value)
        return Turn((ASK_STATUS,), Step.STATUS, kept)

    def _on_status(self, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        chosen = pick(msg, LIVES)
        if chosen is None:
            return Turn((Reply(NOT_AN_OPTION), ASK_STATUS), Step.STATUS, data)
        if chosen.id == data.was:
            said = _("Commitment {number} already has this status.", number=data.commitment)
            return Turn((Reply(said), ASK_STATUS), Step.STATUS, data)
        return Turn((ASK_NOTE,), Step.NOTE, replace(data, life=chosen.id))

    async def _on_note(self, ctx: Context, data: Answers, note: str) -> Turn[Step, Answers]:
        if len(note) > NOTE_MAX:
            said = _("Please shorten the note to at most {most} characters.", most=NOTE_MAX)
            return Turn((Reply(said), ASK_NOTE), Step.NOTE, data)
        life = CommitmentLife(data.life)
        told = await ctx.services.commitments.set_status(data.commitment, life, note)
        if told is None:
            return Turn((Reply(NOT_ALLOWED),), None, Answers())
        done = ngettext(
            "Commitment {number} is now {status}. {n} follower will be told.",
            "Commitment {number} is now {status}. {n} followers will be told.",
            told,
            number=data.commitment,
            status=LIFE_LABELS[life],
        )
        return Turn((Reply(done),), None, Answers())


async def _ask_commune(ctx: Context, communes: tuple[str, ...]) -> Reply:
    options = []
    for code in communes:
        place = await ctx.services.places.commune(code)
        options.append(Option(f"c:{code}", Verbatim(place.name_fr if place else code)))
    return Reply(_("Which commune is it of?"), (*options, CANCEL))
