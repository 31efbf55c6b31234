"""The flow that changes a resident's language: the language menu, then one line in the language
chosen. The menu's last option turns voice prompts on or off (`voice_choice.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.context import Context
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.kit import Inbound, Reply, Turn
from conversations.language import chosen_language, language_menu
from conversations.phrases import NOT_AN_OPTION
from conversations.text import _
from conversations.voice_choice import WITH_VOICE, chosen, toggle


class Step(StrEnum):
    CHOOSE = "choose"


@dataclass(frozen=True, slots=True)
class Answers:
    pass


class ChangeLanguage(Flow[Step, Answers]):
    name = FlowName.LANGUAGE
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        return Turn((_menu(ctx),), Step.CHOOSE, Answers())

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        voice = chosen(msg.option) if msg.option == toggle(ctx.resident).id else None
        if voice is not None:
            await ctx.services.profile.set_voice(msg.option == WITH_VOICE.id)
            return Turn((voice,), None, data)
        code = chosen_language(msg)
        if code is None:
            return Turn((Reply(NOT_AN_OPTION), _menu(ctx)), step, data)
        await ctx.services.profile.set_language(code)
        # TRANSLATORS: each catalog names its own language here ("en français", "بالعربية"...).
        done = _("Done: I will write to you in English from now on.")
        return Turn((Reply(done),), None, data)


def _menu(ctx: Context) -> Reply:
    """The languages, then voice on or off."""
    menu = language_menu(ctx.locale)
    return Reply(menu.text, (*menu.options, toggle(ctx.resident)))
