"""Consultations for residents: the open ones, what one is about (who asks, why, until when,
how many questions, whether answers are anonymous), then its questions one by one.

Each answer is stored as it is given, so a half-done set resumes where it stopped, on any
process, and a resident may come back to change their answers until the consultation closes.
Several choices toggle with ✅ and end with Done; a ranking is three successive picks; a scale
reads a digit in any script; a free answer is text or a voice note.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import assert_never

from conversations.consultation import (
    FREE_TEXT_MAX,
    RANKED,
    SCALE_HIGH,
    SCALE_LOW,
    AnswerOutcome,
    AnswerWhy,
    Asked,
    QuestionKind,
    Response,
    Shown,
    read_scale,
)
from conversations.context import Context
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.kit import MOROCCO, Inbound, Option, Reply, Turn
from conversations.paging import offer, turned
from conversations.phrases import NOT_AN_OPTION
from conversations.text import Renderable, Verbatim, _, lines, ngettext, pgettext
from conversations.voice import refusal, voice_of


class Step(StrEnum):
    LIST = "list"
    INTRO = "intro"
    QUESTION = "question"


@dataclass(frozen=True, slots=True)
class Answers:
    consultation: int = 0
    position: int = 0
    # The options picked so far of a question of several choices, or of a ranking.
    picks: tuple[int, ...] = ()
    # The consultations of the page of the list shown, and that page.
    ids: tuple[str, ...] = ()
    page: int = 0


BACK = Option("back", pgettext("consultations", "Back"))
START = Option("start", pgettext("consultations", "Answer"))
AGAIN = Option("start", pgettext("consultations", "Change my answers"))
SKIP = Option("skip", pgettext("consultations", "Skip this question"))
DONE = Option("done", pgettext("consultations", "Done"))
YES = Option("o1", pgettext("consultations", "Yes"))
NO = Option("o0", pgettext("consultations", "No"))
SCALE = range(SCALE_LOW, SCALE_HIGH + 1)
CLOSED = _("This consultation is closed, or no longer open to you.")
WHY: dict[AnswerWhy, Renderable] = {
    AnswerWhy.NOT_AN_OPTION: NOT_AN_OPTION,
    AnswerWhy.TOO_MANY: _("That is more choices than this question allows."),
    AnswerWhy.RANK_THREE: _("Please choose three priorities, one after the other."),
    AnswerWhy.SCALE: _("Please answer with a number from 1 to 5."),
    AnswerWhy.TEXT_LENGTH: ngettext(
        "Please shorten your answer to at most {n} character.",
        "Please shorten your answer to at most {n} characters.",
        FREE_TEXT_MAX,
    ),
    AnswerWhy.EMPTY: _("Please answer the question, or send a voice note."),
    AnswerWhy.NOT_OPTIONAL: _("This question needs an answer."),
}


class Consulting(Flow[Step, Answers]):
    name = FlowName.CONSULTATIONS
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        return await self._list(ctx, ())

    async def open(self, ctx: Context, link: str) -> Turn[Step, Answers]:
        """Straight to one consultation, as a reply to its push ("C 12") asks."""
        return await self._intro(ctx, int(link), 0)

    def underway(self, step: Step, data: Answers) -> Renderable | None:
        if step is Step.QUESTION:
            return _("You were answering a consultation.")
        return None

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.LIST:
                return await self._on_list(ctx, data, msg)
            case Step.INTRO:
                return await self._on_intro(ctx, data, msg)
            case Step.QUESTION:
                return await self._on_question(ctx, data, msg)
            case _:
                assert_never(step)

    async def _list(
        self, ctx: Context, before: tuple[Reply, ...], page: int = 0
    ) -> Turn[Step, Answers]:
        # A commune's open consultations are few: loaded whole, paged here.
        found = await ctx.services.consultations.open_consultations()
        if not found:
            none = _("There is no open consultation for you at the moment.")
            return Turn((*before, Reply(none)), None, Answers())
        options = [
            Option(str(asked.id), lines(asked.title, _until(asked), sep=" · ")) for asked in found
        ]
        question, shown = offer(_("Consultations open to you: choose one."), options, page, (BACK,))
        kept = Answers(ids=tuple(o.id for o in shown.items), page=shown.page)
        return Turn((*before, question), Step.LIST, kept)

    async def _on_list(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id:
            return Turn((), None, data)
        if (page := turned(msg)) is not None:
            return await self._list(ctx, (), page)
        if msg.option in data.ids:
            return await self._intro(ctx, int(msg.option or 0), data.page)
        return await self._list(ctx, (Reply(NOT_AN_OPTION),), data.page)

    async def _intro(self, ctx: Context, consultation: int, page: int) -> Turn[Step, Answers]:
        asked = await ctx.services.consultations.consultation(consultation)
        if asked is None:
            return await self._list(ctx, (Reply(CLOSED),), page)
        privacy = (
            _("Your answers are anonymous: organizers and the council see only the counts.")
            if asked.anonymous
            else _("Your answers are kept with your account: the organizers can read them.")
        )
        text = lines(
            asked.title,
            _("Asked by {name}.", name=asked.asked_by),
            asked.purpose,
            _until(asked),
            ngettext("{n} question.", "{n} questions.", len(asked.questions)),
            privacy,
            *([_("You have answered: you can change your answers until it closes.")]
              if asked.answers else []),
        )  # fmt: skip
        start = AGAIN if asked.answers else START
        data = Answers(consultation=consultation, page=page)
        return Turn((Reply(text, (start, BACK)),), Step.INTRO, data)

    async def _on_intro(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == START.id:
            return await self._ask(ctx, replace(data, position=0, picks=()), ())
        if msg.option == BACK.id:
            return await self._list(ctx, (), data.page)
        again = await self._intro(ctx, data.consultation, data.page)
        return replace(again, replies=(Reply(NOT_AN_OPTION), *again.replies))

    async def _ask(
        self, ctx: Context, data: Answers, before: tuple[Reply, ...], asked: Asked | None = None
    ) -> Turn[Step, Answers]:
        """The question at ``data.position``, or the end when all are answered; ``asked`` is the
        consultation as this message already read it (its questions do not change)."""
        asked = asked or await ctx.services.consultations.consultation(data.consultation)
        if asked is None:
            return Turn((*before, Reply(CLOSED)), None, Answers(), settled=True)
        if data.position >= len(asked.questions):
            await ctx.services.consultations.complete(data.consultation)
            thanks = _(
                "Thank you: your answers are counted. You can change them until {date} from "
                "Menu → Consultations.",
                date=asked.closes_at.astimezone(MOROCCO).date(),
            )
            return Turn((*before, Reply(thanks)), None, Answers(), settled=True)
        question = _question(asked, data)
        return Turn((*before, question), Step.QUESTION, data)

    async def _on_question(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        asked = await ctx.services.consultations.consultation(data.consultation)
        if asked is None or data.position >= len(asked.questions):
            return Turn((Reply(CLOSED),), None, Answers(), settled=True)
        shown = asked.questions[data.position]
        voice = voice_of(msg.media) if shown.kind is QuestionKind.TEXT else None
        if voice is not None and (why := refusal(voice)) is not None:
            return Turn((Reply(why), _question(asked, data)), Step.QUESTION, data)
        read = _read(shown, data, msg)
        if isinstance(read, Answers):
            # A pick toward several choices or a ranking: the question again, with it.
            return Turn((_question(asked, read),), Step.QUESTION, read)
        if read is None:
            return Turn((Reply(NOT_AN_OPTION), _question(asked, data)), Step.QUESTION, data)
        given = await ctx.services.consultations.answer(data.consultation, data.position, read)
        match given.outcome:
            case AnswerOutcome.COUNTED:
                following = replace(data, position=data.position + 1, picks=())
                return await self._ask(ctx, following, (), asked)
            case AnswerOutcome.REFUSED:
                said = WHY[given.why] if given.why else NOT_AN_OPTION
                cleared = replace(data, picks=())
                return Turn((Reply(said), _question(asked, cleared)), Step.QUESTION, cleared)
            case AnswerOutcome.NOT_OPEN:
                return Turn((Reply(CLOSED),), None, Answers(), settled=True)
            case _:
                assert_never(given.outcome)


def _until(asked: Asked) -> Renderable:
    return _("Open until {date}.", date=asked.closes_at.astimezone(MOROCCO).date())


def _read(shown: Shown, data: Answers, msg: Inbound) -> Response | Answers | None:
    """The resident's message as an answer, a pick toward one, or None when it is neither."""
    if msg.option == SKIP.id and shown.optional:
        return Response(skipped=True)
    picked = _option(msg, len(shown.options) or 2)
    match shown.kind:
        case QuestionKind.ONE | QuestionKind.YES_NO:
            return Response(options=(picked,)) if picked is not None else None
        case QuestionKind.SEVERAL | QuestionKind.RANK:
            return _picking(shown.kind, data, msg, picked)
        case QuestionKind.SCALE:
            value = read_scale(msg.option.removeprefix("v") if msg.option else msg.text)
            return Response(value=value) if value is not None else None
        case QuestionKind.TEXT:
            voice = voice_of(msg.media)
            if voice is not None:
                return Response(voice=voice.ref)
            return Response(text=msg.text.strip()) if msg.text.strip() else None


def _picking(
    kind: QuestionKind, data: Answers, msg: Inbound, picked: int | None
) -> Response | Answers | None:
    """Several choices toggle until Done; a ranking takes three picks, one after the other."""
    if kind is QuestionKind.SEVERAL and msg.option == DONE.id:
        return Response(options=data.picks) if data.picks else None
    if picked is None:
        return None
    if kind is QuestionKind.SEVERAL:
        toggled = tuple(p for p in data.picks if p != picked)
        return replace(data, picks=toggled if picked in data.picks else (*data.picks, picked))
    if picked in data.picks:
        return None
    picks = (*data.picks, picked)
    return Response(options=picks) if len(picks) == RANKED else replace(data, picks=picks)


def _option(msg: Inbound, count: int) -> int | None:
    option = (msg.option or "").removeprefix("o")
    if msg.option and msg.option.startswith("o") and option.isdigit() and int(option) < count:
        return int(option)
    return None


def _question(asked: Asked, data: Answers) -> Reply:
    """The question at ``data.position`` with its options, the picks so far marked."""
    shown = asked.questions[data.position]
    head = _("Question {n} of {total}", n=data.position + 1, total=len(asked.questions))
    skip = (SKIP,) if shown.optional else ()
    labels = [Verbatim(option) for option in shown.options]
    match shown.kind:
        case QuestionKind.ONE:
            options = tuple(Option(f"o{i}", label) for i, label in enumerate(labels))
            return Reply(lines(head, shown.prompt), (*options, *skip))
        case QuestionKind.YES_NO:
            return Reply(lines(head, shown.prompt), (YES, NO, *skip))
        case QuestionKind.SEVERAL:
            return _several(head, shown, data, skip)
        case QuestionKind.RANK:
            left = tuple(
                Option(f"o{i}", labels[i]) for i in range(len(labels)) if i not in data.picks
            )
            which = _("Choose priority number {k} of {n}.", k=len(data.picks) + 1, n=RANKED)
            return Reply(lines(head, shown.prompt, which), (*left, *skip))
        case QuestionKind.SCALE:
            values = tuple(
                Option(f"v{v}", Verbatim(str(v))) for v in range(SCALE_LOW, SCALE_HIGH + 1)
            )
            scale = _("Answer from 1 (not at all) to 5 (very much).")
            return Reply(lines(head, shown.prompt, scale), (*values, *skip))
        case QuestionKind.TEXT:
            free = ngettext(
                "Type your answer (at most {n} character), or send a voice note.",
                "Type your answer (at most {n} characters), or send a voice note.",
                FREE_TEXT_MAX,
            )
            return Reply(lines(head, shown.prompt, free), skip)
        case _:
            assert_never(shown.kind)


def _several(head: Renderable, shown: Shown, data: Answers, skip: tuple[Option, ...]) -> Reply:
    """Several choices: each pick toggles its ✅; Done once at least one is picked."""
    options = tuple(
        Option(f"o{i}", Verbatim(f"✅ {label}" if i in data.picks else label))
        for i, label in enumerate(shown.options)
    )
    if shown.most:
        hint = ngettext("Choose up to {n}, then Done.", "Choose up to {n}, then Done.", shown.most)
    else:
        hint = _("Choose all that apply, then Done.")
    done = (DONE,) if data.picks else ()
    return Reply(lines(head, shown.prompt, hint), (*options, *done, *skip))
