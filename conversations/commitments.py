"""Commitments for residents: those of their commune, each with its status, its due date and
whether it is overdue, then one with where it was said and its history, to follow (told of
each change) or stop following."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import assert_never

from conversations.commitment import LIFE_LABELS, Commitment, CommitmentChange, SourceKind
from conversations.context import Context
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.kit import MOROCCO, Inbound, Option, Reply, Turn
from conversations.paging import offer, turned
from conversations.phrases import NOT_AN_OPTION
from conversations.text import Gist, Renderable, Verbatim, _, lines, pgettext

# A commitment's text as its line in the list shows it, at most.
LISTED = 60


class Step(StrEnum):
    LIST = "list"
    DETAIL = "detail"


@dataclass(frozen=True, slots=True)
class Answers:
    commitment: int = 0
    # The commitments of the page of the list shown, and that page.
    ids: tuple[str, ...] = ()
    page: int = 0


BACK = Option("back", pgettext("commitments", "Back"))
FOLLOW = Option("follow", pgettext("commitments", "Follow"))
UNFOLLOW = Option("unfollow", pgettext("commitments", "Unfollow"))
GONE = _("This commitment is no longer listed for your commune.")


def status_line(c: Commitment, today: date) -> Renderable:
    """Its status and due date, and a flag when it is overdue."""
    said = _("{status} · due {date}", status=LIFE_LABELS[c.life], date=c.due_on)
    if c.overdue(today):
        return lines(said, _("⚠ overdue"), sep=" · ")
    return said


def source_line(c: Commitment) -> Renderable:
    match c.source_kind:
        case SourceKind.PETITION:
            return _("Made in answer to the petition {code}.", code=c.source_ref)
        case SourceKind.MEETING:
            return _("Decided at meeting {number}.", number=c.source_ref)
        case SourceKind.ORGANIZER:
            return _("Recorded by the organizers.")
        case _:
            assert_never(c.source_kind)


def history_line(change: CommitmentChange) -> Renderable:
    day = change.at.astimezone(MOROCCO).date()
    said = _("{date}: {status}", date=day, status=LIFE_LABELS[change.life])
    return lines(said, Verbatim(change.note), sep=" — ") if change.note else said


class CommitmentsFlow(Flow[Step, Answers]):
    name = FlowName.COMMITMENTS
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        return await self._list(ctx, ())

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.LIST:
                return await self._on_list(ctx, data, msg)
            case Step.DETAIL:
                return await self._on_detail(ctx, data, msg)
            case _:
                assert_never(step)

    async def _list(
        self, ctx: Context, before: tuple[Reply, ...], page: int = 0
    ) -> Turn[Step, Answers]:
        # A commune's commitments are few: loaded whole, paged here.
        found = await ctx.services.commitments.commune_commitments()
        if not found:
            none = _("No commitment of your commune is recorded yet.")
            return Turn((*before, Reply(none)), None, Answers())
        today = ctx.now.astimezone(MOROCCO).date()
        options = [
            Option(str(c.id), lines(Gist(Verbatim(c.text), LISTED), status_line(c, today)))
            for c in found
        ]
        asked = _("Commitments of your commune: choose one to see its history.")
        question, shown = offer(asked, options, page, (BACK,))
        kept = Answers(ids=tuple(o.id for o in shown.items), page=shown.page)
        return Turn((*before, question), Step.LIST, kept)

    async def _on_list(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id:
            return Turn((), None, data)
        if (page := turned(msg)) is not None:
            return await self._list(ctx, (), page)
        if msg.option in data.ids:
            return await self._detail(ctx, int(msg.option or 0), data.page, ())
        return await self._list(ctx, (Reply(NOT_AN_OPTION),), data.page)

    async def _detail(
        self, ctx: Context, commitment: int, page: int, before: tuple[Reply, ...]
    ) -> Turn[Step, Answers]:
        found = await ctx.services.commitments.commitment(commitment)
        if found is None:
            return await self._list(ctx, (*before, Reply(GONE)), page)
        today = ctx.now.astimezone(MOROCCO).date()
        text = lines(
            _("Commitment {number}", number=found.id),
            Verbatim(found.text),
            _("Made by {maker}.", maker=found.made_by),
            source_line(found),
            status_line(found, today),
            _("History:"),
            *(history_line(change) for change in found.history),
        )
        choice = UNFOLLOW if found.following else FOLLOW
        data = Answers(commitment=commitment, page=page)
        return Turn((*before, Reply(text, (choice, BACK))), Step.DETAIL, data)

    async def _on_detail(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        services = ctx.services.commitments
        if msg.option == BACK.id:
            return await self._list(ctx, (), data.page)
        if msg.option == FOLLOW.id:
            if await services.follow(data.commitment) is None:
                return await self._list(ctx, (Reply(GONE),), data.page)
            said = _("You follow this commitment: you will be told of each change.")
            return await self._detail(ctx, data.commitment, data.page, (Reply(said),))
        if msg.option == UNFOLLOW.id:
            await services.unfollow(data.commitment)
            said = _("You no longer follow this commitment.")
            return await self._detail(ctx, data.commitment, data.page, (Reply(said),))
        return await self._detail(ctx, data.commitment, data.page, (Reply(NOT_AN_OPTION),))
