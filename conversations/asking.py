"""Ask the association: a resident writes a question (text, a photo or a voice note) to the
organizers of their commune or of a group they follow, choosing when there is more than one;
their questions still open are listed first, each to read with its answers and to reply to (a
reply re-opens it for the organizer who answered)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import assert_never

from conversations.context import Context
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.kit import Inbound, MediaKind, Option, Reply, Turn
from conversations.paging import offer, turned
from conversations.phrases import NOT_AN_OPTION
from conversations.question import QUESTION_MAX, Destination, Ticket, fits, label, thread
from conversations.text import Renderable, _, lines, ngettext, pgettext
from conversations.voice import refusal, voice_of


class Step(StrEnum):
    MINE = "mine"
    WHERE = "where"
    TEXT = "text"
    FOLLOW = "follow"


@dataclass(frozen=True, slots=True)
class Answers:
    # The group asked, 0 for the commune's organizers.
    group: int = 0
    # The ticket being replied to.
    ticket: int = 0
    # The tickets or destinations of the list shown, and its page.
    ids: tuple[str, ...] = ()
    page: int = 0


NEW = Option("new", pgettext("ask", "New question"))
BACK = Option("back", pgettext("ask", "Back"))
COMMUNE = Option("c", pgettext("ask", "The organizers of my commune"))
ASK_TEXT = Reply(
    ngettext(
        "Write your question (at most {n} character), or send a photo or a voice note:",
        "Write your question (at most {n} characters), or send a photo or a voice note:",
        QUESTION_MAX,
    )
)
EMPTY = _("Your question is empty: please write it, or send a photo or a voice note.")
TOO_LONG = ngettext(
    "Please shorten it to at most {n} character.",
    "Please shorten it to at most {n} characters.",
    QUESTION_MAX,
)
GONE = _("This question is closed or unknown. You can ask a new one.")
ASK_REPLY = _("Type your reply, or send a photo or a voice note:")


class Asking(Flow[Step, Answers]):
    name = FlowName.ASKING
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        mine = await ctx.services.questions.my_questions()
        if not mine:
            return await self._where(ctx, ())
        return self._mine(mine, (), 0)

    def underway(self, step: Step, data: Answers) -> Renderable | None:
        if step in (Step.TEXT, Step.FOLLOW):
            return _("You were writing a question to the association.")
        return None

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.MINE:
                return await self._on_mine(ctx, data, msg)
            case Step.WHERE:
                return await self._on_where(ctx, data, msg)
            case Step.TEXT:
                return await self._on_text(ctx, data, msg)
            case Step.FOLLOW:
                return await self._on_follow(ctx, data, msg)
            case _:
                assert_never(step)

    def _mine(
        self, mine: Sequence[Ticket], before: tuple[Reply, ...], page: int
    ) -> Turn[Step, Answers]:
        options = [Option(f"q{t.id}", label(t)) for t in mine]
        question, shown = offer(_("Your questions: read one, or ask a new one."), options, page)
        shown_reply = Reply(question.text, (NEW, *question.options, BACK))
        kept = Answers(ids=tuple(o.id for o in shown.items), page=shown.page)
        return Turn((*before, shown_reply), Step.MINE, kept)

    async def _on_mine(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id:
            return Turn((), None, data)
        if msg.option == NEW.id:
            return await self._where(ctx, ())
        mine = tuple(await ctx.services.questions.my_questions())
        if (page := turned(msg)) is not None:
            return self._mine(mine, (), page)
        found = next((t for t in mine if f"q{t.id}" == msg.option), None)
        if found is None or msg.option not in data.ids:
            return self._mine(mine, (Reply(NOT_AN_OPTION),), data.page)
        shown = Reply(lines(thread(found, _("You:")), ASK_REPLY), (BACK,))
        return Turn((shown,), Step.FOLLOW, replace(data, ticket=found.id))

    async def _where(self, ctx: Context, before: tuple[Reply, ...]) -> Turn[Step, Answers]:
        places = await ctx.services.questions.destinations()
        if len(places) <= 1:
            group = places[0].group_id if places else None
            return Turn((*before, ASK_TEXT), Step.TEXT, Answers(group=group or 0))
        options = tuple(_destination(place) for place in places)
        ask = Reply(_("Whom do you want to ask?"), (*options, BACK))
        return Turn((*before, ask), Step.WHERE, Answers(ids=tuple(o.id for o in options)))

    async def _on_where(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id:
            return Turn((), None, data)
        if msg.option not in data.ids:
            return await self._where(ctx, (Reply(NOT_AN_OPTION),))
        group = int(msg.option[1:]) if msg.option and msg.option.startswith("g") else 0
        return Turn((ASK_TEXT,), Step.TEXT, Answers(group=group))

    async def _on_text(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        voice = voice_of(msg.media)
        if voice is not None and (why := refusal(voice)) is not None:
            return Turn((Reply(why), ASK_TEXT), Step.TEXT, data)
        text, media = msg.text.strip(), _media(msg)
        if not fits(text, media):
            return Turn((Reply(EMPTY if not text else TOO_LONG), ASK_TEXT), Step.TEXT, data)
        made = await ctx.services.questions.ask(data.group or None, text, media)
        if made is None:
            # The group was left meanwhile: asked again, among what is left.
            return await self._where(ctx, (Reply(NOT_AN_OPTION),))
        return Turn((Reply(sent_notice(made)),), None, Answers(), settled=True)

    async def _on_follow(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id:
            return await self.start(ctx)
        voice = voice_of(msg.media)
        if voice is not None and (why := refusal(voice)) is not None:
            return Turn((Reply(why), Reply(ASK_REPLY, (BACK,))), Step.FOLLOW, data)
        text, media = msg.text.strip(), _media(msg)
        if not fits(text, media):
            said = EMPTY if not text else TOO_LONG
            return Turn((Reply(said), Reply(ASK_REPLY, (BACK,))), Step.FOLLOW, data)
        if not await ctx.services.questions.follow_up(data.ticket, text, media):
            return Turn((Reply(GONE),), None, Answers(), settled=True)
        sent = _("Your reply to question #{n} is sent to the organizers.", n=data.ticket)
        return Turn((Reply(sent),), None, Answers(), settled=True)


def sent_notice(number: int) -> Renderable:
    """What a resident reads once their question is sent."""
    return _(
        "Your question #{n} is sent to the organizers. Their answer will come here; you can "
        "follow it under Menu → Ask the association.",
        n=number,
    )


def _media(msg: Inbound) -> str:
    """The photo or voice note a question carries, as its channel refers to it."""
    kinds = (MediaKind.PHOTO, MediaKind.VOICE)
    return next((m.ref for m in msg.media if m.kind in kinds), "")


def _destination(place: Destination) -> Option:
    if place.group is None:
        return COMMUNE
    return Option(f"g{place.group.id}", place.group.label())
