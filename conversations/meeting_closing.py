"""Closing a meeting held, in the organizer's chat: check residents in at the door by their
codes, then record the outcome — attendance, a summary, decisions one at a time (who is
responsible, by when) — preview it, and publish it to those who answered and the audience.
Storage checks the scope and audits every action again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import assert_never

from conversations.context import Context
from conversations.dates import read_day
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.groups import details
from conversations.kit import Inbound, Option, Reply, Turn, pick
from conversations.outcome import (
    DECISION_MAX,
    DECISIONS_MAX,
    DOOR_OPENS,
    RESPONSIBLE_MAX,
    SUMMARY_MAX,
    CheckedIn,
    Decision,
    OutcomeDraft,
    attendance_line,
    code_of,
    count_of,
    moroccan_day,
    outcome_text,
)
from conversations.paging import offer, turned
from conversations.phrases import CANCELLED, NOT_ALLOWED, NOT_AN_OPTION, type_within
from conversations.text import Renderable, _, lines, ngettext, pgettext

# The link that opens the list of meetings held, rather than one of them.
HELD_LINK = "held"


class Step(StrEnum):
    HELD = "held"
    CARD = "card"
    CODE = "code"
    ATTENDED = "attended"
    SUMMARY = "summary"
    DECISION = "decision"
    RESPONSIBLE = "responsible"
    DUE = "due"
    PREVIEW = "preview"


@dataclass(frozen=True, slots=True)
class Answers:
    meeting: int = 0
    page: int = 0
    attended: int = 0
    summary: str = ""
    # Each decision typed so far: its text, who is responsible ("" none), its due day (ISO).
    decisions: tuple[tuple[str, str, str], ...] = ()
    # The decision being written: its text, then who is responsible.
    text: str = ""
    responsible: str = ""


BACK = Option("back", pgettext("organizer", "Back"))
CHECK_IN = Option("check_in", pgettext("organizer", "Check in at the door"))
RECORD = Option("record", pgettext("organizer", "Record the outcome"))
PUBLISH = Option("publish", pgettext("organizer", "Publish the outcome"))
DONE = Option("done", pgettext("organizer", "Done"))
NO_MORE = Option("no_more", pgettext("organizer", "No more decisions"))
SKIP = Option("skip", pgettext("organizer", "Skip"))
SAVE = Option("save", pgettext("organizer", "Save without publishing"))
CANCEL = Option("cancel", pgettext("organizer", "Cancel"))

ASK_CODE = Reply(_("Type the code a resident shows at the door (or Done):"), (DONE,))
ASK_ATTENDED = Reply(_("How many people attended? Type a number:"))
ASK_SUMMARY = Reply(_("A summary of the meeting (at most 3,000 characters):"))
ASK_RESPONSIBLE = Reply(_("Who is responsible for it? Type a name, or skip:"), (SKIP,))
ASK_DUE = Reply(_("By when? Type a date as DD/MM/YYYY, or skip:"), (SKIP,))
FAILED = _("That did not work: the meeting may have changed meanwhile.")
CHECKED = {
    CheckedIn.OK: _("✅ Checked in."),
    CheckedIn.ALREADY: _("This code is already checked in."),
    CheckedIn.UNKNOWN: _(
        "No one answered this meeting with this code. Check it and type it again."
    ),
}


def _ask_decision(data: Answers) -> Reply:
    n = len(data.decisions) + 1
    ask = _("Decision {n}: type it (at most 300 characters), or No more decisions:", n=n)
    return Reply(ask, (NO_MORE,))


def _decisions(data: Answers) -> tuple[Decision, ...]:
    return tuple(
        Decision(i, text, who, date.fromisoformat(due) if due else None)
        for i, (text, who, due) in enumerate(data.decisions, start=1)
    )


def _draft(data: Answers) -> OutcomeDraft:
    return OutcomeDraft(data.summary, data.attended, _decisions(data))


class MeetingClosing(Flow[Step, Answers]):
    name = FlowName.MEETING_CLOSING
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        return await self._held(ctx, ())

    async def open(self, ctx: Context, link: str) -> Turn[Step, Answers]:
        """``held``: the meetings held; a meeting's number: that one."""
        if link.isdigit():
            return await self._card(ctx, int(link), ())
        return await self._held(ctx, ())

    def underway(self, step: Step, data: Answers) -> Renderable | None:
        if step in (Step.HELD, Step.CARD, Step.CODE):
            return None
        return _("You were recording the outcome of a meeting.")

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.HELD:
                return await self._on_held(ctx, data, msg)
            case Step.CARD:
                return await self._on_card(ctx, data, msg)
            case Step.CODE:
                return await self._on_code(ctx, data, msg)
            case Step.ATTENDED:
                return self._on_attended(data, msg)
            case Step.SUMMARY:
                return self._on_summary(data, msg)
            case Step.DECISION:
                return await self._on_decision(ctx, data, msg)
            case Step.RESPONSIBLE:
                return self._on_responsible(data, msg)
            case Step.DUE:
                return await self._on_due(ctx, data, msg)
            case Step.PREVIEW:
                return await self._on_preview(ctx, data, msg)
            case _:
                assert_never(step)

    async def _on_held(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id:
            return Turn((), None, data, next_flow=FlowName.ORGANIZER_MEETINGS, link="list")
        if (page := turned(msg)) is not None:
            return await self._held(ctx, (), page)
        if msg.option and msg.option.startswith("m") and msg.option[1:].isdigit():
            return await self._card(ctx, int(msg.option[1:]), (), data.page)
        return await self._held(ctx, (Reply(NOT_AN_OPTION),), data.page)

    async def _on_card(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        chosen = pick(msg, (CHECK_IN, RECORD, PUBLISH, BACK))
        if chosen is CHECK_IN:
            return Turn((ASK_CODE,), Step.CODE, data)
        if chosen is RECORD:
            meeting = await ctx.services.community.meeting(data.meeting)
            if meeting is None or meeting.starts_at > ctx.now:
                not_yet = Reply(_("This meeting has not started yet: record its outcome after."))
                return await self._card(ctx, data.meeting, (not_yet,), data.page)
            return Turn((ASK_ATTENDED,), Step.ATTENDED, Answers(data.meeting, data.page))
        if chosen is PUBLISH:
            told = await ctx.services.organizing.publish_outcome(data.meeting)
            return await self._published(ctx, data, told)
        if chosen is BACK:
            return await self._held(ctx, (), data.page)
        return await self._card(ctx, data.meeting, (Reply(NOT_AN_OPTION),), data.page)

    async def _on_code(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """Codes typed one after another, until Done."""
        if msg.option == DONE.id or pick(msg, (DONE,)) is DONE:
            return await self._card(ctx, data.meeting, (), data.page)
        if not code_of(msg.text):
            return Turn((ASK_CODE,), Step.CODE, data)
        said = await ctx.services.organizing.check_in(data.meeting, msg.text)
        if said is None:
            return Turn((Reply(NOT_ALLOWED),), None, Answers())
        return replace(Turn((Reply(CHECKED[said]), ASK_CODE), Step.CODE, data), settled=True)

    def _on_attended(self, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        n = count_of(msg.text)
        if n is None:
            said = _("“{typed}” is not a number of people.", typed=msg.text.strip()[:40])
            return Turn((Reply(said), ASK_ATTENDED), Step.ATTENDED, data)
        return Turn((ASK_SUMMARY,), Step.SUMMARY, replace(data, attended=n))

    def _on_summary(self, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        summary = msg.text.strip()
        if not summary or len(summary) > SUMMARY_MAX:
            return Turn((Reply(type_within(SUMMARY_MAX)), ASK_SUMMARY), Step.SUMMARY, data)
        summed = replace(data, summary=summary)
        return Turn((_ask_decision(summed),), Step.DECISION, summed)

    async def _on_decision(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == NO_MORE.id or pick(msg, (NO_MORE,)) is NO_MORE:
            return self._preview(data)
        text = msg.text.strip()
        if not text:
            empty = _("A decision cannot be empty: type it, or choose No more decisions.")
            return Turn((Reply(empty), _ask_decision(data)), Step.DECISION, data)
        if len(text) > DECISION_MAX:
            too_long = Reply(type_within(DECISION_MAX))
            return Turn((too_long, _ask_decision(data)), Step.DECISION, data)
        return Turn((ASK_RESPONSIBLE,), Step.RESPONSIBLE, replace(data, text=text))

    def _on_responsible(self, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        skipped = msg.option == SKIP.id or pick(msg, (SKIP,)) is SKIP
        who = "" if skipped else msg.text.strip()
        if not skipped and (not who or len(who) > RESPONSIBLE_MAX):
            hint = Reply(type_within(RESPONSIBLE_MAX))
            return Turn((hint, ASK_RESPONSIBLE), Step.RESPONSIBLE, data)
        return Turn((ASK_DUE,), Step.DUE, replace(data, responsible=who))

    async def _on_due(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        skipped = msg.option == SKIP.id or pick(msg, (SKIP,)) is SKIP
        due = None if skipped else read_day(msg.text)
        if not skipped and due is None:
            said = _("“{typed}” is not a date as DD/MM/YYYY.", typed=msg.text.strip()[:40])
            return Turn((Reply(said), ASK_DUE), Step.DUE, data)
        if due is not None and due < moroccan_day(ctx.now):
            past = _("This date has already passed: type a date to come, or skip.")
            return Turn((Reply(past), ASK_DUE), Step.DUE, data)
        typed = (data.text, data.responsible, due.isoformat() if due else "")
        decided = replace(data, decisions=(*data.decisions, typed), text="", responsible="")
        if len(decided.decisions) >= DECISIONS_MAX:
            return self._preview(decided)
        return Turn((_ask_decision(decided),), Step.DECISION, decided)

    async def _on_preview(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        chosen = pick(msg, (PUBLISH, SAVE, CANCEL))
        if chosen is None:
            return self._preview(data, (Reply(NOT_AN_OPTION),))
        if chosen is CANCEL:
            return await self._card(ctx, data.meeting, (Reply(CANCELLED),), data.page)
        publish = chosen is PUBLISH
        done = await ctx.services.organizing.record_outcome(data.meeting, _draft(data), publish)
        if publish:
            return await self._published(ctx, data, done)
        said = Reply(_("The outcome is saved; it is not published yet.") if done else FAILED)
        return replace(await self._card(ctx, data.meeting, (said,), data.page), settled=True)

    async def _published(self, ctx: Context, data: Answers, done: bool) -> Turn[Step, Answers]:
        said = _("Published: everyone who answered and the meeting's audience are told once.")
        told = Reply(said if done else FAILED)
        return replace(await self._card(ctx, data.meeting, (told,), data.page), settled=True)

    def _preview(self, data: Answers, before: tuple[Reply, ...] = ()) -> Turn[Step, Answers]:
        text = lines(
            _("The outcome as it will be published:"),
            attendance_line(data.attended),
            outcome_text(data.summary, _decisions(data)),
        )
        return Turn((*before, Reply(text, (PUBLISH, SAVE, CANCEL))), Step.PREVIEW, data)

    async def _held(
        self, ctx: Context, before: tuple[Reply, ...], page: int = 0
    ) -> Turn[Step, Answers]:
        found = await ctx.services.organizing.held_meetings()
        if found is None:
            return Turn((Reply(NOT_ALLOWED),), None, Answers())
        if not found:
            none = Reply(_("No meeting was held in the last 30 days."))
            back = FlowName.ORGANIZER_MEETINGS
            return Turn((*before, none), None, Answers(), next_flow=back, link="list")
        options = [
            Option(f"m{m.id}", _("{title}, {when}", title=m.title, when=m.starts_at)) for m in found
        ]
        ask, shown = offer(_("Meetings held:"), options, page, (BACK,))
        return Turn((*before, ask), Step.HELD, Answers(page=shown.page))

    async def _card(
        self, ctx: Context, meeting_id: int, before: tuple[Reply, ...], page: int = 0
    ) -> Turn[Step, Answers]:
        """A meeting held: its answers, those checked in, its outcome, and what can be done."""
        meeting = await ctx.services.community.meeting(meeting_id)
        told = await ctx.services.organizing.meeting_outcome(meeting_id)
        counts = await ctx.services.organizing.meeting_counts(meeting_id)
        if meeting is None or counts is None or meeting.starts_at > ctx.now + DOOR_OPENS:
            return await self._held(ctx, before, page)
        text = lines(
            details(meeting),
            _("Attending: {yes}", yes=counts.yes),
            ngettext("{n} checked in at the door.", "{n} checked in at the door.", counts.at_door),
        )
        # Before the start the door is open, but nothing has come out of the meeting yet.
        started = meeting.starts_at <= ctx.now
        actions: tuple[Option, ...] = (CHECK_IN, RECORD) if started else (CHECK_IN,)
        if told is not None:
            text = lines(text, _told(told.published_at is not None))
            text = lines(text, attendance_line(told.attended))
            text = lines(text, outcome_text(told.summary, told.decisions))
            actions = (CHECK_IN,) if told.published_at else (CHECK_IN, RECORD, PUBLISH)
        data = Answers(meeting=meeting_id, page=page)
        return Turn((*before, Reply(text, (*actions, BACK))), Step.CARD, data)


def _told(published: bool) -> Renderable:
    if published:
        return _("Outcome: {status}", status=pgettext("outcome", "Published"))
    return _("Outcome: {status}", status=pgettext("outcome", "Not published yet"))
