"""Meetings & groups for residents: join or leave the groups of their commune, see what they
follow, read the consultations to come, answer Attending / Maybe / Not attending (with a code
to show at the door), get a calendar file of one they attend, and read what came out of those
held."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from conversations.assent import answer
from conversations.context import Context
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.groups import ANSWER_LABELS, Answer, Group, Meeting, details
from conversations.kit import Attachment, Inbound, Option, Reply, Turn
from conversations.outcome import attendance_line, outcome_text
from conversations.paging import offer, turned
from conversations.phrases import NOT_AN_OPTION
from conversations.text import Joined, Renderable, Verbatim, _, lines, ngettext, pgettext

# The groups followed named at the top; the others are counted, so the message stays short.
NAMED = 5


class Step(StrEnum):
    HOME = "home"
    GROUPS = "groups"
    MEETINGS = "meetings"
    MEETING = "meeting"


@dataclass(frozen=True, slots=True)
class Answers:
    meeting: int = 0
    # The page of the list shown (groups, or meetings), kept while one of its meetings is open.
    page: int = 0


BACK = Option("back", pgettext("meetings", "Back"))
GROUPS = Option("groups", pgettext("meetings", "Join or leave groups"))
MEETINGS = Option("meetings", pgettext("meetings", "Upcoming meetings"))
TOOLS = Option("organize", pgettext("meetings", "Organizer tools"))
CALENDAR = Option("calendar", pgettext("meetings", "Calendar file (.ics)"))
ANSWERS = tuple(Option(answer.value, ANSWER_LABELS[answer]) for answer in Answer)
BY_ANSWER = {Answer(option.id): option for option in ANSWERS}
TICK = "✅ "


def _group_option(group: Group) -> Option:
    label: Renderable = group.label()
    if group.member:
        label = Joined((Verbatim(TICK), label), "")
    return Option(f"g{group.id}", label)


def _meeting_option(meeting: Meeting) -> Option:
    label = _("{title}, {when}", title=meeting.title, when=meeting.starts_at)
    return Option(f"m{meeting.id}", label)


def _closed_option(meeting: Meeting) -> Option:
    """A meeting held, whose outcome can be read."""
    label = _("📝 {title}, {when}", title=meeting.title, when=meeting.starts_at)
    return Option(f"m{meeting.id}", label)


class Subscriptions(Flow[Step, Answers]):
    name = FlowName.SUBSCRIPTIONS
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        return await self._home(ctx, ())

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.HOME:
                return await self._on_home(ctx, data, msg)
            case Step.GROUPS:
                return await self._on_groups(ctx, data, msg)
            case Step.MEETINGS:
                return await self._on_meetings(ctx, data, msg)
            case Step.MEETING:
                return await self._on_meeting(ctx, data, msg)
            case _:
                assert_never(step)

    async def _on_home(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id:
            return Turn((), None, data)
        if msg.option == GROUPS.id:
            return await self._groups(ctx, ())
        if msg.option == MEETINGS.id:
            return await self._meetings(ctx, ())
        if msg.option == TOOLS.id:
            return Turn((), None, data, next_flow=FlowName.ORGANIZING)
        return await self._home(ctx, (Reply(NOT_AN_OPTION),))

    async def _on_groups(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """A group tapped is joined, or left if the resident is a member."""
        if msg.option == BACK.id:
            return await self._home(ctx, ())
        if (page := turned(msg)) is not None:
            return await self._groups(ctx, (), page)
        chosen = next(
            (g for g in await ctx.services.community.groups() if f"g{g.id}" == msg.option),
            None,
        )
        if chosen is None:
            return await self._groups(ctx, (Reply(NOT_AN_OPTION),), data.page)
        if chosen.member:
            await ctx.services.community.leave_group(chosen.id)
            done = _("You left {group}.", group=chosen.label())
        else:
            await ctx.services.community.join_group(chosen.id)
            done = _("You joined {group}.", group=chosen.label())
        return await self._groups(ctx, (Reply(done),), data.page)

    async def _on_meetings(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id:
            return await self._home(ctx, ())
        if (page := turned(msg)) is not None:
            return await self._meetings(ctx, (), page)
        if msg.option and msg.option.startswith("m") and msg.option[1:].isdigit():
            return await self._meeting(ctx, int(msg.option[1:]), (), data.page)
        return await self._meetings(ctx, (Reply(NOT_AN_OPTION),), data.page)

    async def _on_meeting(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id:
            return await self._meetings(ctx, (), data.page)
        if msg.option == CALENDAR.id:
            calendar = await ctx.services.community.meeting_calendar(data.meeting)
            if calendar is None:
                return await self._meeting(ctx, data.meeting, (Reply(NOT_AN_OPTION),), data.page)
            sent = Reply(
                _("Here is the meeting's calendar file: open it to add it to your calendar."),
                attachment=Attachment(
                    f"meeting-{data.meeting}.ics", "text/calendar", calendar.encode("utf-8")
                ),
            )
            return await self._meeting(ctx, data.meeting, (sent,), data.page)
        # "Will you come?": a typed yes or no is Attending or Not attending.
        chosen = answer(msg, ANSWERS, BY_ANSWER[Answer.YES], BY_ANSWER[Answer.NO])
        if chosen is None:
            return await self._meeting(ctx, data.meeting, (Reply(NOT_AN_OPTION),), data.page)
        said = Answer(chosen.id)
        if not await ctx.services.community.answer_meeting(data.meeting, said):
            gone = _("This meeting is no longer open for answers.")
            return await self._meetings(ctx, (Reply(gone),), data.page)
        thanks: Renderable = _(
            "Thank you, your answer is saved: {answer}.", answer=ANSWER_LABELS[said]
        )
        code = await ctx.services.community.meeting_code(data.meeting)
        if said is Answer.YES and code:
            thanks = lines(thanks, _("Show this code at the door: {code}", code=code))
        return await self._meeting(ctx, data.meeting, (Reply(thanks),), data.page)

    async def _home(self, ctx: Context, before: tuple[Reply, ...]) -> Turn[Step, Answers]:
        followed = [g.label() for g in await ctx.services.community.groups() if g.member]
        named = Joined(tuple(followed[:NAMED]), ", ")
        if len(followed) > NAMED:
            status: Renderable = ngettext(
                "You follow: {groups} and {n} other group",
                "You follow: {groups} and {n} other groups",
                len(followed) - NAMED,
                groups=named,
            )
        elif followed:
            status = _("You follow: {groups}", groups=named)
        else:
            status = _("You follow no group yet.")
        options: tuple[Option, ...] = (GROUPS, MEETINGS)
        if await ctx.services.organizing.is_organizer():
            options += (TOOLS,)
        home = Reply(lines(_("Meetings & groups of your commune."), status), (*options, BACK))
        return Turn((*before, home), Step.HOME, Answers())

    async def _groups(
        self, ctx: Context, before: tuple[Reply, ...], page: int = 0
    ) -> Turn[Step, Answers]:
        # Every group of the commune is loaded: organizers name them one by one, so they stay
        # few enough to page through in memory.
        found = await ctx.services.community.groups()
        ask = _("Choose a group to join it, or a ✅ one to leave it.")
        asked, shown = offer(ask, [_group_option(g) for g in found], page, (BACK,))
        return Turn((*before, asked), Step.GROUPS, Answers(page=shown.page))

    async def _meetings(
        self, ctx: Context, before: tuple[Reply, ...], page: int = 0
    ) -> Turn[Step, Answers]:
        found = await ctx.services.community.upcoming_meetings()
        closed = await ctx.services.community.closed_meetings()
        if not found and not closed:
            none = _("No consultation is planned for you yet. Join groups to hear of theirs.")
            return await self._home(ctx, (*before, Reply(none)))
        ask = _("The consultations to come. Choose one to read it and answer:")
        if closed:
            ask = _("The consultations to come, and what came out of the last ones (📝):")
        options = [*map(_meeting_option, found), *(_closed_option(m) for m in closed)]
        asked, shown = offer(ask, options, page, (BACK,))
        return Turn((*before, asked), Step.MEETINGS, Answers(page=shown.page))

    async def _meeting(
        self, ctx: Context, meeting_id: int, before: tuple[Reply, ...], page: int
    ) -> Turn[Step, Answers]:
        meeting = await ctx.services.community.meeting(meeting_id)
        if meeting is None or meeting.status != "published":
            return await self._meetings(ctx, before, page)
        text: Renderable = details(meeting)
        if meeting.starts_at <= ctx.now:
            # Held: what came out of it, if published; nothing to answer any more.
            told = await ctx.services.community.meeting_outcome(meeting.id)
            if told is not None:
                text = lines(text, attendance_line(told.attended))
                text = lines(text, outcome_text(told.summary, told.decisions))
            card = Reply(text, (BACK,))
            return Turn((*before, card), Step.MEETING, Answers(meeting=meeting.id, page=page))
        if meeting.answer is not None:
            text = lines(text, _("Your answer: {answer}", answer=ANSWER_LABELS[meeting.answer]))
        code = await ctx.services.community.meeting_code(meeting.id)
        if meeting.answer is Answer.YES and code:
            text = lines(text, _("Your code at the door: {code}", code=code))
        extra = (CALENDAR,) if meeting.answer is Answer.YES else ()
        card = Reply(text, (*ANSWERS, *extra, BACK))
        return Turn((*before, card), Step.MEETING, Answers(meeting=meeting.id, page=page))
