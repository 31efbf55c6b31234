"""Telegram's side of a conversation: Bot API updates into `Inbound`, rendered replies into
messages with Telegram's controls (inline keyboards, a location button), within its limits."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from conversations.kit import Address, Inbound, Location, Media, MediaKind, Outgoing
from conversations.text import Text, Translator, pgettext
from handlers.numbered import numbered

log = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
GROUPS = ("group", "supergroup")
# The updates Hayna reads; Telegram sends nothing else, so nothing else costs a request.
ALLOWED_UPDATES = ("message", "callback_query")

SHARE_LOCATION = pgettext("telegram", "📍 Share my location")
# The bot's command list; each name is also a global word the engine understands.
COMMANDS: tuple[tuple[str, Text], ...] = (
    ("start", pgettext("command", "Start, or receive notices again")),
    ("menu", pgettext("command", "The main menu")),
    ("report", pgettext("command", "Report a need in your neighbourhood")),
    ("language", pgettext("command", "Change the language")),
    ("help", pgettext("command", "Help")),
    ("stop", pgettext("command", "Stop notices")),
)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(frozen=True, slots=True)
class Me:
    """The bot itself, as getMe describes it: groups address it by name or by replying to it."""

    id: int
    username: str


@dataclass(frozen=True, slots=True)
class Chat:
    """Where replies go: the chat an update came from."""

    id: int
    private: bool


@dataclass(frozen=True, slots=True)
class Send:
    """One sendMessage: text within Telegram's limit and, maybe, a keyboard."""

    text: str
    markup: Markup | None = None


def chat_of(update: Update) -> Chat | None:
    chat = update.effective_chat
    return None if chat is None else Chat(chat.id, chat.type == "private")


def address(chat_id: int) -> Address:
    """A chat is one conversation; a private chat's id is its user's id, as HAYNA_ADMINS has it."""
    return Address(CHANNEL, str(chat_id))


def to_inbound(update: Update, me: Me) -> Inbound | None:
    """The message a resident sent, or None for what Hayna does not answer (edits, other
    chats' chatter, updates of other kinds)."""
    message_id = str(update.update_id)  # unique per bot: a redelivered update is dropped
    if update.callback_query is not None:
        query = update.callback_query
        if query.message is None:  # a button of an inline-mode message: not ours
            return None
        user = query.from_user
        return Inbound(
            address(query.message.chat.id),
            message_id,
            option=query.data or "",
            language_hint=user.language_code,
            display_name=user.first_name,
        )
    if update.edited_message is not None:
        log.info("edited message %s ignored: only new messages are answered", message_id)
        return None
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    text = message.text or message.caption or ""
    if message.chat.type in GROUPS:
        command = _command_for(text, me)
        if command is None and not _replies_to(message, me):
            log.debug("group message %s not addressed to the bot ignored", message_id)
            return None
        text = command or text
    payload = None
    command, _space, rest = text.partition(" ")
    if command == "/start" and rest.strip():
        payload = rest.strip()[:64]  # Telegram's deep links carry at most 64 characters
        text = command
    user = message.from_user
    return Inbound(
        address(message.chat.id),
        message_id,
        text=text,
        location=_location(message),
        media=_media(message),
        language_hint=user.language_code,
        display_name=user.first_name,
        start_payload=payload,
    )


def _command_for(text: str, me: Me) -> str | None:
    """``/menu`` or ``/menu@ThisBot`` as ``/menu``; None for text or another bot's command."""
    if not text.startswith("/"):
        return None
    word, space, rest = text.partition(" ")
    name, _at, bot = word.partition("@")
    if bot and bot.lower() != me.username.lower():
        return None
    return name + space + rest


def _replies_to(message: Message, me: Me) -> bool:
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == me.id


def _location(message: Message) -> Location | None:
    pin = message.location
    return None if pin is None else Location(pin.latitude, pin.longitude)


def _media(message: Message) -> tuple[Media, ...]:
    if message.photo:
        # Telegram sends several sizes of one photo: keep the largest.
        largest = max(message.photo, key=lambda size: size.width * size.height)
        return (Media(MediaKind.PHOTO, largest.file_id, "image/jpeg", largest.file_size),)
    sound = message.voice or message.audio
    if sound is not None:
        mime = sound.mime_type or "audio/ogg"
        return (Media(MediaKind.VOICE, sound.file_id, mime, sound.file_size),)
    if message.video is not None:
        video = message.video
        mime = video.mime_type or "video/mp4"
        return (Media(MediaKind.VIDEO, video.file_id, mime, video.file_size),)
    if message.document is not None:
        document = message.document
        mime = document.mime_type or "application/octet-stream"
        # A photo sent "as a file" keeps its quality: it is still a photo.
        kind = MediaKind.PHOTO if mime.startswith("image/") else MediaKind.DOCUMENT
        return (Media(kind, document.file_id, mime, document.file_size),)
    return ()


def render(out: Outgoing, tr: Translator, private: bool = True) -> list[Send]:
    """The sendMessage calls for one reply: its text in pieces of at most 4,096 characters,
    the keyboard on the last piece."""
    text, markup = out.text, _markup(out, tr, private)
    if out.options and markup is None:
        text = numbered(out)
    pieces = split(text)
    sends = [Send(piece) for piece in pieces[:-1]]
    return [*sends, Send(pieces[-1], markup)]


def _markup(out: Outgoing, tr: Translator, private: bool) -> Markup | None:
    if out.options:
        too_long = [c.id for c in out.options if not 0 < len(c.id.encode()) <= MAX_CALLBACK_DATA]
        if too_long:
            # Buttons cannot carry these ids: numbered lines work everywhere, and the engine
            # maps a typed number back to the option.
            log.warning("options %r too long for Telegram's buttons: numbered text", too_long)
            return None
        if out.ask_location:
            log.info("a question with options cannot also offer the location button")
        rows = [[InlineKeyboardButton(c.label, callback_data=c.id)] for c in out.options]
        return InlineKeyboardMarkup(rows)
    if out.ask_location and private:
        # Telegram offers the location button in private chats only.
        button = KeyboardButton(SHARE_LOCATION.render(tr), request_location=True)
        return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
    # Takes away a location button left from an earlier question.
    return ReplyKeyboardRemove() if private else None


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split(text: str, limit: int = MAX_TEXT) -> list[str]:
    """``text`` in pieces of at most ``limit`` units, cut at line ends, else at spaces."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if units(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = ""
        while units(line) > limit:
            head = _cut(line, limit)
            pieces.append(head.rstrip())
            line = line[len(head) :].lstrip()
        current = line
    if current or not pieces:
        pieces.append(current)
    # Telegram refuses a message of blanks only.
    return [piece for piece in pieces if piece.strip()] or ["…"]


def _cut(line: str, limit: int) -> str:
    """The longest start of ``line`` within ``limit`` units, ending at a space if one is near."""
    size, end = 0, 0
    for end, char in enumerate(line):  # noqa: B007 - end is used after the loop
        size += 2 if ord(char) > 0xFFFF else 1
        if size > limit:
            break
    else:
        return line
    space = line.rfind(" ", 0, end)
    return line[: space + 1] if space > end // 2 else line[:end]


def commands(tr: Translator) -> list[BotCommand]:
    return [BotCommand(name, description.render(tr)) for name, description in COMMANDS]
