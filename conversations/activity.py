"""My activity: what the resident has done with Hayna: their reports, their signatures, and all
the data kept about them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import assert_never

from conversations.context import Context
from conversations.fixed_check import Pending, Said, question
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.kit import Inbound, Option, Reply, Turn, pick
from conversations.paging import offer, turned, window
from conversations.petition import LIFE_LABELS, Card, PetitionKind, count_of, life_labels
from conversations.phrases import NOT_AN_OPTION
from conversations.report import STATUS_LABELS, Detail
from conversations.report_summary import brief_line
from conversations.text import Renderable, _, lines, ngettext, pgettext

# The latest reports a resident pages through in the chat; the file of "My data" holds them all.
LISTED = 200

REPORTS = Option("reports", pgettext("activity", "My reports"))
SIGNATURES = Option("signatures", pgettext("activity", "My signatures"))
CONSULTED = Option("consultations", pgettext("activity", "My consultations"))
MY_DATA = Option("my_data", pgettext("activity", "My data (see or delete)"))
BACK = Option("back", pgettext("activity", "Back to the menu"))
CHOICES = (REPORTS, SIGNATURES, CONSULTED, MY_DATA, BACK)
HOME = Reply(_("My activity: what would you like to see?"), CHOICES)
FIXED = Option(Said.FIXED.value, pgettext("fixed", "Yes, it is fixed"))
NOT_FIXED = Option(Said.NOT_FIXED.value, pgettext("fixed", "No, it is not fixed"))
LATER = Option("later", pgettext("fixed", "Not now"))


class Step(StrEnum):
    HOME = "home"
    REPORTS = "reports"
    SIGNATURES = "signatures"
    FIXED = "fixed"


@dataclass(frozen=True, slots=True)
class Answers:
    # The reports of the page shown, and that page.
    refs: tuple[str, ...] = ()
    page: int = 0
    # The report asked about: "is it fixed?", and whether it was marked resolved.
    ref: str = ""
    resolved: bool = False


def _detail(detail: Detail) -> Renderable:
    history = [
        _("• {date}: {status}", date=event.at, status=STATUS_LABELS[event.status])
        if not event.note
        else _(
            "• {date}: {status} ({note})",
            date=event.at,
            status=STATUS_LABELS[event.status],
            note=event.note,
        )
        for event in detail.history
    ]
    parts: list[Renderable] = [brief_line(detail.brief)]
    if detail.brief.place:
        parts.append(_("Where: {place}", place=detail.brief.place))
    if detail.description:
        parts.append(_("What: “{text}”", text=detail.description))
    if detail.duplicate_of:
        parts.append(_("Followed as {ref}.", ref=detail.duplicate_of))
    parts.append(ngettext("{n} supporter", "{n} supporters", detail.brief.supporters))
    parts.append(_("History:"))
    return lines(*parts, *history)


class Activity(Flow[Step, Answers]):
    name = FlowName.ACTIVITY
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        # A question "is it fixed?" waiting for this resident comes first.
        pending = await ctx.services.reports.fixed_question()
        if pending is not None:
            asked = Reply(question(pending), (FIXED, NOT_FIXED, LATER))
            return Turn((asked,), Step.FIXED, Answers(ref=pending.ref, resolved=pending.resolved))
        return Turn((HOME,), Step.HOME, Answers())

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.HOME:
                return await self._home(ctx, data, msg)
            case Step.REPORTS:
                return await self._reports(ctx, data, msg)
            case Step.FIXED:
                return await self._fixed(ctx, data, msg)
            case Step.SIGNATURES:
                if (page := turned(msg)) is not None:
                    return await self._signatures(ctx, page)
                # The list is all there is to see here: any other answer goes back to the menu.
                return Turn((), None, data)
            case _:
                assert_never(step)

    async def _home(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        chosen = pick(msg, CHOICES)
        if chosen is CONSULTED:
            return await self._consulted(ctx)
        if chosen is MY_DATA:
            return Turn((), None, data, next_flow=FlowName.MY_DATA)
        if chosen is REPORTS:
            return await self._list(ctx, ())
        if chosen is SIGNATURES:
            return await self._signatures(ctx, 0)
        if chosen is BACK:
            return Turn((), None, data)
        return Turn((Reply(NOT_AN_OPTION), HOME), Step.HOME, data)

    async def _reports(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """A report picked from the list (its details above the list), another page, or back."""
        if msg.option == BACK.id:
            return Turn((), None, data)
        if (page := turned(msg)) is not None:
            return await self._list(ctx, (), page)
        if msg.option in data.refs:
            detail = await ctx.services.reports.report_detail(msg.option)
            shown = (Reply(_detail(detail)),) if detail else ()
            return await self._list(ctx, shown, data.page)
        return await self._list(ctx, (Reply(NOT_AN_OPTION),), data.page)

    async def _fixed(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """The answer to "is it fixed?": kept, the report moved as it says; then My activity."""
        chosen = pick(msg, (FIXED, NOT_FIXED, LATER))
        if chosen is None:
            pending = Pending(data.ref, data.resolved)
            again = Reply(question(pending), (FIXED, NOT_FIXED, LATER))
            return Turn((Reply(NOT_AN_OPTION), again), Step.FIXED, data)
        if chosen is LATER:
            return Turn((HOME,), Step.HOME, Answers())
        said = Said(chosen.id)
        await ctx.services.reports.answer_fixed(data.ref, said)
        thanks = (
            _("Thank you: the organizers will see that {ref} is fixed.", ref=data.ref)
            if said is Said.FIXED
            else _("Thank you: the organizers will see that {ref} is not fixed.", ref=data.ref)
        )
        return Turn((Reply(thanks), HOME), Step.HOME, Answers(), settled=True)

    async def _consulted(self, ctx: Context) -> Turn[Step, Answers]:
        """The consultations answered, and how far: the list is all there is to see here."""
        found = await ctx.services.consultations.answered()
        if not found:
            none = _("You have not answered any consultation yet.")
            return Turn((Reply(none), HOME), Step.HOME, Answers())
        listed = [
            _(
                "• {title} ({name}): {n} of {total} answered, {state}",
                title=asked.title,
                name=asked.asked_by,
                n=len(asked.answers),
                total=len(asked.questions),
                state=_("completed") if asked.completed else _("not finished"),
            )
            for asked in found
        ]
        text = lines(_("The consultations you answered:"), *listed)
        return Turn((Reply(text, (BACK,)),), Step.SIGNATURES, Answers())

    async def _signatures(self, ctx: Context, page: int) -> Turn[Step, Answers]:
        # Loaded whole and paged here: one resident's signatures are a bounded few.
        cards = await ctx.services.petitions.my_signatures()
        if not cards:
            none = _("You have not signed or supported any petition yet.")
            return Turn((Reply(none), HOME), Step.HOME, Answers())
        shown = window(cards, page)
        listed = [_signed(card, card.signed_at or ctx.now) for card in shown.items]
        text = lines(_("The petitions you signed or supported:"), *shown.position, *listed)
        mine = Reply(text, (*shown.turns, BACK))
        return Turn((mine,), Step.SIGNATURES, Answers(page=shown.page))

    async def _list(
        self, ctx: Context, before: tuple[Reply, ...], page: int = 0
    ) -> Turn[Step, Answers]:
        briefs = await ctx.services.reports.my_reports(LISTED)
        if not briefs:
            empty = _("You have no reports yet. Choose Report a need in the menu to make one.")
            return Turn((*before, Reply(empty)), None, Answers())
        options = [Option(brief.ref, brief_line(brief)) for brief in briefs]
        ask = _("Your reports: choose one to see its details.")
        question, shown = offer(ask, options, page, (BACK,))
        refs = tuple(option.id for option in shown.items)
        return Turn((*before, question), Step.REPORTS, Answers(refs, shown.page))


def _signed(card: Card, on: datetime) -> Renderable:
    if card.kind is PetitionKind.ASSOCIATION:
        return _(
            "• {title}: {status}, {count}, supported on {date}",
            title=card.title,
            status=life_labels(card.kind)[card.life],
            count=count_of(card),
            date=on,
        )
    return _(
        "• {title}: {status}, {bar}, signed on {date}",
        title=card.title,
        status=LIFE_LABELS[card.life],
        bar=count_of(card),
        date=on,
    )
