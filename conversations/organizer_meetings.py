"""Organizers' meetings in the chat: draft one (audience, title, time, place or pin, agenda),
change any of it at the preview, publish it or keep it as a draft; read the answers to one,
change its time or cancel it; and open the meetings held (conversations/meeting_closing.py).
Storage checks and audits every action again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import assert_never

from conversations.assent import answer
from conversations.audience_steps import AudienceSteps, chosen_audience
from conversations.context import Context
from conversations.dates import DateReader, NumericDates, ask_when, why_not
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.groups import Meeting, MeetingDraft, details
from conversations.kit import Inbound, Option, Reply, Turn, pick
from conversations.meeting_closing import HELD_LINK
from conversations.paging import offer, turned
from conversations.phrases import CANCELLED, NOT_ALLOWED, NOT_AN_OPTION
from conversations.text import Renderable, _, lines, pgettext

TITLE_MAX, PLACE_MAX, AGENDA_MAX = 120, 200, 1000


class Step(StrEnum):
    AUDIENCE = "audience"
    TITLE = "title"
    WHEN = "when"
    PLACE = "place"
    AGENDA = "agenda"
    PREVIEW = "preview"
    EDIT = "edit"
    LIST = "list"
    CARD = "card"
    MOVE = "move"
    CANCEL = "cancel"


@dataclass(frozen=True, slots=True)
class Answers:
    audience: str = ""
    title: str = ""
    at: str = ""
    place: str = ""
    lat: float | None = None
    lon: float | None = None
    agenda: str = ""
    meeting: int = 0
    # The page of the list shown (audiences, or meetings), kept while one of its meetings is open.
    page: int = 0
    # Set while one answer is changed from the preview: the preview comes back after it.
    editing: bool = False


BACK = Option("back", pgettext("organizer", "Back"))
# The meetings held, to check residents in at the door and record their outcome.
HELD = Option("held", pgettext("organizer", "Meetings held"))
PUBLISH = Option("publish", pgettext("organizer", "Publish"))
DRAFT = Option("draft", pgettext("organizer", "Save as draft"))
MOVE = Option("move", pgettext("organizer", "Change the time"))
CANCEL_MEETING = Option("cancel_meeting", pgettext("organizer", "Cancel the meeting"))
YES_CANCEL = Option("yes", pgettext("organizer", "Yes, cancel it"))
CANCEL = Option("cancel", pgettext("organizer", "Cancel"))
EDIT = Option("edit", pgettext("organizer", "Change something"))
# What can be changed at the preview: each option names the step that asks it again.
FIELDS = (
    Option(Step.TITLE, pgettext("field", "The title")),
    Option(Step.WHEN, pgettext("field", "The day and time")),
    Option(Step.PLACE, pgettext("field", "The place")),
    Option(Step.AGENDA, pgettext("field", "The agenda")),
    BACK,
)
ASK_FIELD = Reply(_("What do you want to change?"), FIELDS)

ASK_TITLE = Reply(_("Title of the meeting (at most 120 characters):"))
ASK_PLACE = Reply(
    _("Where? Type the place, or share a location pin and then type its name:"), ask_location=True
)
ASK_AGENDA = Reply(_("The agenda (at most 1,000 characters):"))
FAILED = _("That did not work: the meeting may have changed meanwhile.")


def _draft(data: Answers) -> MeetingDraft:
    audience = chosen_audience(data.audience)
    return MeetingDraft(
        audience.commune_code,
        data.title,
        datetime.fromisoformat(data.at),
        data.place,
        data.agenda,
        audience.group_ids,
        data.lat,
        data.lon,
    )


# Whom a meeting is for, and its preview.
WHO = AudienceSteps(Step.AUDIENCE, Step.PREVIEW, _("Who is the meeting for?"), CANCEL, Answers)


async def _ask_title(data: Answers) -> Turn[Step, Answers]:
    """After the audience: the title."""
    return Turn((ASK_TITLE,), Step.TITLE, data)


class OrganizerMeetings(Flow[Step, Answers]):
    name = FlowName.ORGANIZER_MEETINGS
    steps = Step
    answers = Answers

    def __init__(self, dates: DateReader | None = None) -> None:
        self.dates = dates or NumericDates()

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        return await WHO.ask(ctx, Answers())

    async def open(self, ctx: Context, link: str) -> Turn[Step, Answers]:
        """``list``: the organizer's meetings to come, rather than a new one."""
        return await self._list(ctx, ())

    def underway(self, step: Step, data: Answers) -> Renderable | None:
        if step in (Step.LIST, Step.CARD, Step.CANCEL):
            return None
        if step is Step.MOVE:
            return _("You were changing the time of a meeting.")
        return _("You were preparing a meeting.")

    async def handle(  # noqa: C901 -- one case per step, each a call: the flow's contents
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.AUDIENCE:
                back: Turn[Step, Answers] = Turn(
                    (Reply(CANCELLED),), None, data, next_flow=FlowName.ORGANIZING
                )
                return await WHO.answer(ctx, data, msg, back, _ask_title)
            case Step.TITLE:
                return await self._on_title(ctx, data, msg)
            case Step.WHEN:
                return await self._on_when(ctx, data, msg)
            case Step.PLACE:
                return await self._on_place(ctx, data, msg)
            case Step.AGENDA:
                return await self._on_agenda(ctx, data, msg)
            case Step.PREVIEW:
                return await self._on_preview(ctx, data, msg)
            case Step.EDIT:
                return await self._on_edit(ctx, data, msg)
            case Step.LIST:
                return await self._on_list(ctx, data, msg)
            case Step.CARD:
                return await self._on_card(ctx, data, msg)
            case Step.MOVE:
                return await self._on_move(ctx, data, msg)
            case Step.CANCEL:
                return await self._on_cancel(ctx, data, msg)
            case _:
                assert_never(step)

    async def _on_title(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        title = msg.text.strip()
        if not title or len(title) > TITLE_MAX:
            return Turn((ASK_TITLE,), Step.TITLE, data)
        titled = replace(data, title=title)
        return await self._next(ctx, titled, ask_when(ctx.now), Step.WHEN)

    async def _on_when(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        reading = self.dates.read(msg.text, ctx.now, ctx.locale)
        if reading.moment is None:
            return Turn((why_not(reading, msg.text, ctx.now),), Step.WHEN, data)
        timed = replace(data, at=reading.moment.isoformat())
        return await self._next(ctx, timed, ASK_PLACE, Step.PLACE)

    async def _on_place(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """A place typed; a pin shared first is kept with it."""
        if msg.location is not None:
            pinned = replace(data, lat=msg.location.lat, lon=msg.location.lon)
            return Turn((ASK_PLACE,), Step.PLACE, pinned)
        place = msg.text.strip()
        if not place or len(place) > PLACE_MAX:
            return Turn((ASK_PLACE,), Step.PLACE, data)
        return await self._next(ctx, replace(data, place=place), ASK_AGENDA, Step.AGENDA)

    async def _on_agenda(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        agenda = msg.text.strip()
        if not agenda or len(agenda) > AGENDA_MAX:
            return Turn((ASK_AGENDA,), Step.AGENDA, data)
        return await self._preview(ctx, replace(data, agenda=agenda, editing=False))

    async def _on_list(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """A meeting picked from the list, another page, or back to the tools."""
        if msg.option == BACK.id:
            return Turn((), None, data, next_flow=FlowName.ORGANIZING)
        if msg.option == HELD.id:
            return Turn((), None, data, next_flow=FlowName.MEETING_CLOSING, link=HELD_LINK)
        if (page := turned(msg)) is not None:
            return await self._list(ctx, (), page)
        if msg.option and msg.option.startswith("m") and msg.option[1:].isdigit():
            return await self._card(ctx, int(msg.option[1:]), (), data.page)
        return await self._list(ctx, (Reply(NOT_AN_OPTION),), data.page)

    async def _on_card(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """An action on the meeting shown: publish it, move it, cancel it, or back."""
        chosen = pick(msg, (PUBLISH, MOVE, CANCEL_MEETING, BACK))
        if chosen is PUBLISH:
            done = await ctx.services.organizing.publish_meeting(data.meeting)
            published = await self._card(ctx, data.meeting, (self._said(done),), data.page)
            return replace(published, settled=True)
        if chosen is MOVE:
            return Turn((ask_when(ctx.now),), Step.MOVE, data)
        if chosen is CANCEL_MEETING:
            ask = _("Cancel this meeting? Everyone it was announced to is told.")
            return Turn((Reply(ask, (YES_CANCEL, BACK)),), Step.CANCEL, data)
        if chosen is BACK:
            return await self._list(ctx, (), data.page)
        return await self._card(ctx, data.meeting, (Reply(NOT_AN_OPTION),), data.page)

    async def _on_move(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """The meeting's new time."""
        reading = self.dates.read(msg.text, ctx.now, ctx.locale)
        if reading.moment is None:
            return Turn((why_not(reading, msg.text, ctx.now),), Step.MOVE, data)
        moved = await ctx.services.organizing.move_meeting(data.meeting, reading.moment)
        said = _("The new time is saved; those who answered are told.")
        told = Reply(said if moved else FAILED)
        return replace(await self._card(ctx, data.meeting, (told,), data.page), settled=True)

    async def _on_cancel(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """Whether the meeting is cancelled after all."""
        if answer(msg, (YES_CANCEL, BACK), YES_CANCEL, BACK) is not YES_CANCEL:
            return await self._card(ctx, data.meeting, (), data.page)
        done = await ctx.services.organizing.cancel_meeting(data.meeting)
        said = _("The meeting is cancelled; everyone is told once.")
        gone = Reply(said if done else FAILED)
        return replace(await self._list(ctx, (gone,), data.page), settled=True)

    @staticmethod
    def _said(published: bool) -> Reply:
        if not published:
            return Reply(FAILED)
        return Reply(_("Published: its audience is told now, and reminded before it."))

    async def _next(
        self, ctx: Context, data: Answers, ask: Reply, step: Step
    ) -> Turn[Step, Answers]:
        """After an answer: the next question, or the preview again when it was a change."""
        if data.editing:
            return await self._preview(ctx, replace(data, editing=False))
        return Turn((ask,), step, data)

    async def _on_edit(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        chosen = pick(msg, FIELDS)
        if chosen is None:
            return Turn((Reply(NOT_AN_OPTION), ASK_FIELD), Step.EDIT, data)
        if chosen is BACK:
            return await self._preview(ctx, data)
        editing = replace(data, editing=True)
        match Step(chosen.id):
            case Step.TITLE:
                return Turn((ASK_TITLE,), Step.TITLE, editing)
            case Step.WHEN:
                return Turn((ask_when(ctx.now),), Step.WHEN, editing)
            case Step.PLACE:
                # A new place drops the old pin: the organizer may share the new one.
                return Turn((ASK_PLACE,), Step.PLACE, replace(editing, lat=None, lon=None))
            case _:
                return Turn((ASK_AGENDA,), Step.AGENDA, editing)

    async def _on_preview(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        chosen = pick(msg, (PUBLISH, DRAFT, EDIT, CANCEL))
        if chosen is EDIT:
            return Turn((ASK_FIELD,), Step.EDIT, data)
        if chosen is CANCEL:
            return Turn((Reply(CANCELLED),), None, Answers(), next_flow=FlowName.ORGANIZING)
        if chosen is None:
            return await self._preview(ctx, data, (Reply(NOT_AN_OPTION),))
        meeting_id = await ctx.services.organizing.create_meeting(_draft(data))
        if meeting_id is None:
            return Turn((Reply(NOT_ALLOWED),), None, Answers())
        # Created: "back" must not lead to creating it twice.
        if chosen is DRAFT:
            kept = await self._card(ctx, meeting_id, (Reply(_("Saved as a draft.")),))
            return replace(kept, settled=True)
        published = await ctx.services.organizing.publish_meeting(meeting_id)
        return replace(await self._card(ctx, meeting_id, (self._said(published),)), settled=True)

    async def _preview(
        self, ctx: Context, data: Answers, before: tuple[Reply, ...] = ()
    ) -> Turn[Step, Answers]:
        draft = _draft(data)
        shown = Meeting(0, draft.commune_code, draft.title, draft.starts_at, draft.place,
                        draft.agenda, "draft", draft.lat, draft.lon)  # fmt: skip
        return await WHO.preview(
            ctx, data, (details(shown),), (PUBLISH, DRAFT, EDIT, CANCEL), before
        )

    async def _list(
        self, ctx: Context, before: tuple[Reply, ...], page: int = 0
    ) -> Turn[Step, Answers]:
        found = await ctx.services.organizing.organizer_meetings()
        if found is None:
            return Turn((Reply(NOT_ALLOWED),), None, Answers())
        if not found:
            none = Reply(_("You have no meeting to come."), (HELD, BACK))
            return Turn((*before, none), Step.LIST, Answers())
        options = [
            Option(f"m{m.id}", _("{title}, {when}", title=m.title, when=m.starts_at)) for m in found
        ]
        ask, shown = offer(_("Your meetings to come:"), options, page, (HELD, BACK))
        return Turn((*before, ask), Step.LIST, Answers(page=shown.page))

    async def _card(
        self, ctx: Context, meeting_id: int, before: tuple[Reply, ...], page: int = 0
    ) -> Turn[Step, Answers]:
        """A meeting's answers and actions; Back returns to ``page`` of the list."""
        meeting = await ctx.services.community.meeting(meeting_id)
        counts = await ctx.services.organizing.meeting_counts(meeting_id)
        if meeting is None or counts is None:
            return await self._list(ctx, before, page)
        draft = meeting.status == "draft"
        status = pgettext("meeting", "Draft") if draft else pgettext("meeting", "Published")
        text = lines(
            details(meeting),
            _("Status: {status}", status=status),
            _(
                "Attending: {yes} · Maybe: {maybe} · Not attending: {no}",
                yes=counts.yes,
                maybe=counts.maybe,
                no=counts.no,
            ),
        )
        actions = (PUBLISH,) if draft else (MOVE, CANCEL_MEETING)
        data = Answers(meeting=meeting_id, page=page)
        return Turn((*before, Reply(text, (*actions, BACK))), Step.CARD, data)
