"""A consultation written in the chat, for organizers: who asks, its title and purpose, its last
day, anonymous or not, then its questions one by one (kind, question, options one per line);
a preview; publish. Written in the organizer's language; the command line's JSON file takes up
to four (docs/organizers.md). Nothing is stored before the preview is confirmed, and storage
checks the scope and the rules again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import assert_never

from conversations.consultation import (
    ASKER_MAX,
    CHOSEN,
    OPTION_MAX,
    OPTIONS_MAX,
    OPTIONS_MIN,
    PROMPT_MAX,
    PURPOSE_MAX,
    QUESTIONS_MAX,
    RANKED,
    TITLE_MAX,
    ConsultationDraft,
    Question,
    QuestionKind,
)
from conversations.context import Context
from conversations.dates import read_day
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.kit import MOROCCO, Inbound, Option, Reply, Turn, pick
from conversations.phrases import CANCELLED, NOT_AN_OPTION, type_within
from conversations.text import Renderable, _, lines, pgettext, written_language


class Step(StrEnum):
    ASKER = "asker"
    TITLE = "title"
    PURPOSE = "purpose"
    CLOSES = "closes"
    ANONYMOUS = "anonymous"
    KIND = "kind"
    PROMPT = "prompt"
    OPTIONS = "options"
    PREVIEW = "preview"


@dataclass(frozen=True, slots=True)
class Answers:
    asked_by: str = ""
    title: str = ""
    purpose: str = ""
    closes: str = ""  # ISO day: the state is JSON
    anonymous: bool = True
    # The questions so far: their kinds, prompts, and options one per line.
    kinds: tuple[str, ...] = ()
    prompts: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    # The question being written.
    kind: str = ""
    prompt: str = ""


KINDS = (
    Option(QuestionKind.ONE.value, pgettext("question", "One choice")),
    Option(QuestionKind.SEVERAL.value, pgettext("question", "Several choices")),
    Option(QuestionKind.SCALE.value, pgettext("question", "A scale from 1 to 5")),
    Option(QuestionKind.RANK.value, pgettext("question", "The top three priorities")),
    Option(QuestionKind.TEXT.value, pgettext("question", "A free answer or a voice note")),
    Option(QuestionKind.YES_NO.value, pgettext("question", "Yes or no")),
)
KIND_OF = {option.id: option.label for option in KINDS}
DONE = Option("done", pgettext("question", "No more questions: preview"))
YES = Option("yes", pgettext("drafting", "Anonymous"))
NO = Option("no", pgettext("drafting", "Kept with each account"))
PUBLISH = Option("publish", pgettext("drafting", "Publish now"))
CANCEL = Option("cancel", pgettext("drafting", "Cancel"))
ASK_ASKER = Reply(_("Who asks? The name residents will read, such as your association's:"))
TEXTS: dict[Step, tuple[Reply, int]] = {
    Step.ASKER: (ASK_ASKER, ASKER_MAX),
    Step.TITLE: (Reply(_("The consultation's title:")), TITLE_MAX),
    Step.PURPOSE: (Reply(_("Why you ask, in a few lines:")), PURPOSE_MAX),
    Step.PROMPT: (Reply(_("The question:")), PROMPT_MAX),
}
ASK_CLOSES = Reply(_("The last day to answer, as DD/MM/YYYY:"))
ASK_ANONYMOUS = Reply(_("Are the answers anonymous (organizers see only the counts)?"), (YES, NO))
ASK_OPTIONS = Reply(
    _(
        "The options, one per line ({low} to {high}, each at most {most} characters):",
        low=OPTIONS_MIN,
        high=OPTIONS_MAX,
        most=OPTION_MAX,
    )
)
NOT_SAVED = _("This consultation could not be saved: it is outside your reach or breaks a rule.")


class ConsultationDrafting(Flow[Step, Answers]):
    name = FlowName.CONSULTATION_DRAFTING
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        return Turn((TEXTS[Step.ASKER][0],), Step.ASKER, Answers())

    def underway(self, step: Step, data: Answers) -> Renderable:
        return _("You were writing a consultation.")

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.ASKER | Step.TITLE | Step.PURPOSE | Step.PROMPT:
                return self._text(step, data, msg)
            case Step.CLOSES:
                return self._closes(ctx, data, msg)
            case Step.ANONYMOUS:
                chosen = pick(msg, (YES, NO))
                if chosen is None:
                    return Turn((Reply(NOT_AN_OPTION), ASK_ANONYMOUS), step, data)
                return Turn((_ask_kind(data),), Step.KIND, replace(data, anonymous=chosen is YES))
            case Step.KIND:
                return self._kind(data, msg)
            case Step.OPTIONS:
                return self._options(data, msg)
            case Step.PREVIEW:
                return await self._preview_answer(ctx, data, msg)
            case _:
                assert_never(step)

    def _text(self, step: Step, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        question, most = TEXTS[step]
        text = " ".join(msg.text.split()) if step is not Step.PURPOSE else msg.text.strip()
        if not text or len(text) > most:
            return Turn((Reply(type_within(most)), question), step, data)
        match step:
            case Step.ASKER:
                return Turn((TEXTS[Step.TITLE][0],), Step.TITLE, replace(data, asked_by=text))
            case Step.TITLE:
                return Turn((TEXTS[Step.PURPOSE][0],), Step.PURPOSE, replace(data, title=text))
            case Step.PURPOSE:
                return Turn((ASK_CLOSES,), Step.CLOSES, replace(data, purpose=text))
            case _:
                return self._prompted(replace(data, prompt=text))

    def _closes(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        day = read_day(msg.text)
        today = ctx.now.astimezone(MOROCCO).date()
        if day is None or day <= today:
            bad = _("Please type a day after today ({today}), as DD/MM/YYYY.", today=today)
            return Turn((Reply(bad), ASK_CLOSES), Step.CLOSES, data)
        return Turn((ASK_ANONYMOUS,), Step.ANONYMOUS, replace(data, closes=day.isoformat()))

    def _kind(self, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == DONE.id and data.kinds:
            return Turn(_preview(data), Step.PREVIEW, data)
        chosen = pick(msg, KINDS)
        if chosen is None or len(data.kinds) >= QUESTIONS_MAX:
            return Turn((Reply(NOT_AN_OPTION), _ask_kind(data)), Step.KIND, data)
        return Turn((TEXTS[Step.PROMPT][0],), Step.PROMPT, replace(data, kind=chosen.id))

    def _prompted(self, data: Answers) -> Turn[Step, Answers]:
        """A question written: its options next when it has some, else the next question."""
        if QuestionKind(data.kind) in CHOSEN:
            return Turn((ASK_OPTIONS,), Step.OPTIONS, data)
        return self._added(data, ())

    def _options(self, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        options = [" ".join(line.split()) for line in msg.text.splitlines() if line.strip()]
        fewest = RANKED if data.kind == QuestionKind.RANK else OPTIONS_MIN
        if not fewest <= len(options) <= OPTIONS_MAX or any(len(o) > OPTION_MAX for o in options):
            bad = _(
                "Please type {low} to {high} options, one per line, each at most {most} "
                "characters.",
                low=fewest,
                high=OPTIONS_MAX,
                most=OPTION_MAX,
            )
            return Turn((Reply(bad), ASK_OPTIONS), Step.OPTIONS, data)
        return self._added(data, tuple(options))

    def _added(self, data: Answers, options: tuple[str, ...]) -> Turn[Step, Answers]:
        added = replace(
            data,
            kinds=(*data.kinds, data.kind),
            prompts=(*data.prompts, data.prompt),
            options=(*data.options, "\n".join(options)),
            kind="",
            prompt="",
        )
        return Turn((_ask_kind(added),), Step.KIND, added)

    async def _preview_answer(
        self, ctx: Context, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        chosen = pick(msg, (PUBLISH, CANCEL))
        if chosen is CANCEL:
            return Turn((Reply(CANCELLED),), None, Answers(), next_flow=FlowName.ORGANIZING)
        if chosen is None:
            return Turn((Reply(NOT_AN_OPTION), *_preview(data)), Step.PREVIEW, data)
        organizing = ctx.services.organizing
        made = await organizing.create_consultation(_draft(ctx, data))
        if made is None or await organizing.publish_consultation(made) is None:
            return Turn((Reply(NOT_SAVED),), None, Answers(), next_flow=FlowName.ORGANIZING)
        done = _("Published: consultation {n} is open; its audience is told now.", n=made)
        return Turn((Reply(done),), None, Answers(), next_flow=FlowName.ORGANIZING, settled=True)


def _ask_kind(data: Answers) -> Reply:
    """The next question's kind; once there is one, "no more questions" too."""
    done = (DONE,) if data.kinds else ()
    asked = _("Question {n}: what kind of question?", n=len(data.kinds) + 1)
    return Reply(asked, (*KINDS, *done))


def _preview(data: Answers) -> tuple[Reply, ...]:
    questions = [
        lines(
            _("{n}. {question} ({kind})", n=n, question=prompt, kind=KIND_OF[kind]),
            *(f"   – {option}" for option in options.splitlines()),
        )
        for n, (kind, prompt, options) in enumerate(
            zip(data.kinds, data.prompts, data.options, strict=True), 1
        )
    ]
    head = lines(
        _("Preview of the consultation (not saved yet):"),
        data.title,
        _("Asked by {name}.", name=data.asked_by),
        data.purpose,
        _("Last day to answer: {date}", date=datetime.fromisoformat(data.closes).date()),
        _("Anonymous") if data.anonymous else _("Kept with each account"),
        *questions,
    )
    return (Reply(head, (PUBLISH, CANCEL)),)


def _draft(ctx: Context, data: Answers) -> ConsultationDraft:
    """The consultation written, in the organizer's language, for their home commune; it
    closes at the end of its last day, Moroccan time. Tamazight is kept as Tamazight, whichever
    script the organizer reads."""
    language = written_language(ctx.locale)
    day = datetime.fromisoformat(data.closes).replace(tzinfo=MOROCCO)
    questions = tuple(
        Question(
            QuestionKind(kind),
            {language: prompt},
            tuple({language: option} for option in options.splitlines()),
            optional=kind == QuestionKind.TEXT,
        )
        for kind, prompt, options in zip(data.kinds, data.prompts, data.options, strict=True)
    )
    return ConsultationDraft(
        ctx.resident.commune_code or "",
        data.asked_by,
        {language: data.title},
        {language: data.purpose},
        ctx.now,
        day + timedelta(days=1) - timedelta(seconds=1),
        questions,
        anonymous=data.anonymous,
    )
