"""Rendered replies as Telegram messages: options as inline buttons, a location button where a
pin is asked, texts cut to Telegram's 4,096 characters; and the bot's command list."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from conversations.kit import Outgoing
from conversations.text import Text, Translator, pgettext
from handlers.numbered import numbered
from handlers.splitting import split
from handlers.telegram.capabilities import CAPABILITIES, MAX_TEXT

log = logging.getLogger(__name__)

# Telegram's keyboard: how many buttons one message carries, each id of how many bytes.
MAX_BUTTONS, MAX_ID = CAPABILITIES.buttons, CAPABILITIES.button_id_limit
# TRANSLATORS: a button shown in place of the phone's keyboard; it sends the location. Short.
SHARE_LOCATION = pgettext("telegram", "📍 Share my location")
# The bot's command list; each name is also a global word the engine understands.
COMMANDS: tuple[tuple[str, Text], ...] = (
    # TRANSLATORS: the descriptions of Telegram's command menu (/start, /menu...): short lines.
    ("start", pgettext("command", "Start, or receive notices again")),
    ("menu", pgettext("command", "The main menu")),
    ("report", pgettext("command", "Report a need in your neighbourhood")),
    ("language", pgettext("command", "Change the language")),
    ("help", pgettext("command", "Help")),
    ("stop", pgettext("command", "Stop notices")),
)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(frozen=True, slots=True)
class Send:
    """One sendMessage: text within Telegram's limit and, maybe, a keyboard."""

    text: str
    markup: Markup | None = None


def render(out: Outgoing, tr: Translator, private: bool = True, reply: bool = True) -> list[Send]:
    """The sendMessage calls for one reply (or a push: ``reply`` False): its text in pieces of
    at most 4,096 characters, the keyboard on the last piece."""
    text, markup = out.text, _markup(out, tr, private, reply)
    if out.options and markup is None:
        text = numbered(out)
    # Telegram refuses an empty message: a blank reply still says something.
    pieces = split(text, MAX_TEXT) or ["…"]
    sends = [Send(piece) for piece in pieces[:-1]]
    return [*sends, Send(pieces[-1], markup)]


def _markup(out: Outgoing, tr: Translator, private: bool, reply: bool) -> Markup | None:
    if out.options:
        too_long = [c.id for c in out.options if not 0 < len(c.id.encode()) <= MAX_ID]
        if too_long:
            # Buttons cannot carry these ids: numbered lines work everywhere, and the engine
            # maps a typed number back to the option.
            log.warning("options %r too long for Telegram's buttons: numbered text", too_long)
            return None
        if len(out.options) > MAX_BUTTONS:
            # Flows page their lists (conversations/paging.py); should one still offer more,
            # numbered lines reach the resident where the keyboard would be refused.
            log.warning(
                "%d options are too many for Telegram's buttons: numbered text", len(out.options)
            )
            return None
        if out.ask_location:
            log.info("a question with options cannot also offer the location button")
        rows = [[InlineKeyboardButton(c.label, callback_data=c.id)] for c in out.options]
        return InlineKeyboardMarkup(rows)
    if out.ask_location and private:
        # Telegram offers the location button in private chats only.
        button = KeyboardButton(SHARE_LOCATION.render(tr), request_location=True)
        return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
    # A reply takes away a location button left from an earlier question; a push must not, as
    # it may arrive while that question still waits for its answer.
    return ReplyKeyboardRemove() if private and reply else None


def commands(tr: Translator) -> list[BotCommand]:
    return [BotCommand(name, description.render(tr)) for name, description in COMMANDS]
