"""The voice prompts: which questions and notices of the resident flows an association can record
in each language, each under a short stable key, and the key a reply carries.

A key names a message id, so a reworded question is a new prompt while a translation fixed in a
catalog keeps its recording. The set is what a resident is asked on the way through Hayna: the
language menu, the privacy notice and the commune, the main menu, every question of a report and
the notice that it is filed, the questions of signing a petition, and asking the association.
Pushes (status changes, meeting reminders) stay text: they are read later, not answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from conversations.asking import ASK_TEXT
from conversations.language import WRITTEN, language_menu
from conversations.menu import HOME
from conversations.onboarding import ASK_COMMUNE, PRIVACY
from conversations.petitions import ASK_CIN, ASK_ELIGIBLE, ASK_NAME
from conversations.report_need import (
    ASK_CATEGORY,
    ASK_DESCRIPTION,
    ASK_OTHER,
    ASK_PHOTOS,
    ASK_PLACE,
    filed,
)
from conversations.text import Gist, Joined, Renderable, Text, written_language

# Recorded once per spoken language: both Tamazight scripts hear the same recording.
LANGUAGES = WRITTEN
KEY_MAX = 32


@dataclass(frozen=True, slots=True)
class Prompt:
    """One recordable question or notice: its key, and the text it reads aloud."""

    key: str
    text: Text


def _text(renderable: Renderable) -> Text:
    assert isinstance(renderable, Text), "a prompt is one message of the catalog"
    return renderable


PROMPTS = tuple(
    Prompt(key, _text(text))
    for key, text in (
        ("language", language_menu().text),
        ("privacy", PRIVACY.text),
        ("commune", ASK_COMMUNE.text),
        ("menu", HOME.text),
        ("report.category", ASK_CATEGORY.text),
        ("report.other", ASK_OTHER.text),
        ("report.place", ASK_PLACE.text),
        ("report.description", ASK_DESCRIPTION.text),
        ("report.photos", ASK_PHOTOS),
        ("report.filed", filed("")),
        ("petition.name", ASK_NAME.text),
        ("petition.cin", ASK_CIN.text),
        ("petition.eligible", ASK_ELIGIBLE.text),
        ("ask.question", ASK_TEXT.text),
    )
)
KEYS = tuple(prompt.key for prompt in PROMPTS)
_BY_MESSAGE = {(p.text.msgid, p.text.context): p.key for p in PROMPTS}


def prompt_named(key: str) -> Prompt | None:
    return next((prompt for prompt in PROMPTS if prompt.key == key), None)


def prompt_key(text: Renderable) -> str:
    """The prompt a reply's text reads, or "": the message itself, or the last part of one made
    of several (the menu under a line about what was left half done)."""
    if isinstance(text, Text):
        return _BY_MESSAGE.get((text.msgid, text.context), "")
    if isinstance(text, Joined):
        keys = [key for part in text.parts if (key := prompt_key(part))]
        return keys[-1] if keys else ""
    return ""


def spoken(locale: str) -> str:
    """The language a prompt is recorded in for a reader of ``locale``."""
    return written_language(locale)


def gist(prompt: Prompt) -> Gist:
    """The prompt in one line, for a list of them."""
    return Gist(prompt.text, 70)
