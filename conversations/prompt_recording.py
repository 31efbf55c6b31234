"""Organizer tools → Record prompts: the voice prompts still missing in the organizer's language
(all of them once none is), one chosen, its text shown to read aloud, and the voice note that
records it. The note is fetched, checked (at most 1 MB and 60 seconds) and stored after the
message; storage checks the organizer's scope and audits it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from conversations.audio import MAX_BYTES
from conversations.context import Context
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.kit import Inbound, Media, Option, Reply, Turn, pick
from conversations.phrases import NOT_ALLOWED, NOT_AN_OPTION
from conversations.prompts import PROMPTS, Prompt, gist, prompt_named, spoken
from conversations.text import Renderable, _, lines, ngettext, pgettext
from conversations.voice import refusal, voice_of


class Step(StrEnum):
    CHOOSE = "choose"
    VOICE = "voice"


@dataclass(frozen=True, slots=True)
class Answers:
    key: str = ""


BACK = Option("back", pgettext("prompts", "Back"))
ASK_VOICE = _("Send a voice note reading this in your language, in at most 60 seconds:")
NOT_A_VOICE = Reply(_("Please send a voice note of at most 60 seconds, or choose Back."), (BACK,))
RECEIVED = _(
    "Thank you: it will be checked and stored in a moment. Residents who chose voice will hear it."
)
ALL_RECORDED = _("Every prompt is recorded in your language. Choose one to record it again:")


class PromptRecording(Flow[Step, Answers]):
    name = FlowName.PROMPT_RECORDING
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        return Turn((await _missing(ctx),), Step.CHOOSE, Answers())

    def underway(self, step: Step, data: Answers) -> Renderable | None:
        return _("You were recording a voice prompt.") if step is Step.VOICE else None

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.CHOOSE:
                return await self._on_choose(ctx, data, msg)
            case Step.VOICE:
                return await self._on_voice(ctx, data, msg)
            case _:
                assert_never(step)

    async def _on_choose(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id:
            return Turn((), None, data, next_flow=FlowName.ORGANIZING)
        asked = await _missing(ctx)
        chosen = pick(msg, asked.options)
        prompt = prompt_named(chosen.id) if chosen is not None else None
        if prompt is None:
            return Turn((Reply(NOT_AN_OPTION), asked), Step.CHOOSE, data)
        return Turn((_ask_voice(prompt),), Step.VOICE, Answers(prompt.key))

    async def _on_voice(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id:
            return Turn((await _missing(ctx),), Step.CHOOSE, Answers())
        voice = _voice_note(msg)
        if voice is None:
            return Turn((NOT_A_VOICE,), Step.VOICE, data)
        if not await ctx.services.prompts.record(data.key, spoken(ctx.locale), voice):
            return Turn((Reply(NOT_ALLOWED),), None, data, next_flow=FlowName.MENU)
        return Turn((Reply(RECEIVED), await _missing(ctx, data.key)), Step.CHOOSE, Answers())


def _voice_note(msg: Inbound) -> Media | None:
    """The voice note the message carries, when it may be a prompt: one a resident's note could
    be (`voice.refusal`), of a prompt's size when known (its length is read once fetched)."""
    voice = voice_of(msg.media)
    if voice is None or refusal(voice) is not None:
        return None
    return voice if voice.size is None or voice.size <= MAX_BYTES else None


def _ask_voice(prompt: Prompt) -> Reply:
    return Reply(lines(ASK_VOICE, prompt.text), (BACK,))


async def _missing(ctx: Context, sent: str = "") -> Reply:
    """The prompts not yet recorded in the organizer's language (``sent`` is on its way)."""
    recorded = await ctx.services.prompts.recorded(spoken(ctx.locale)) | {sent}
    missing = [prompt for prompt in PROMPTS if prompt.key not in recorded]
    if not missing:
        options = tuple(Option(prompt.key, gist(prompt)) for prompt in PROMPTS)
        return Reply(ALL_RECORDED, (*options, BACK))
    head = ngettext(
        "{n} prompt is not recorded in your language yet. Choose one to record it:",
        "{n} prompts are not recorded in your language yet. Choose one to record it:",
        len(missing),
    )
    return Reply(head, (*(Option(p.key, gist(p)) for p in missing), BACK))
