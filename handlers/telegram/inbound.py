"""Telegram's updates into `Inbound`: what a resident sent, from which chat (a group's is marked
shared, with the bot's link for a private chat), and what Hayna does not answer (edits, group
chatter not addressed to the bot)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import CallbackQuery, Message, Update

from conversations.kit import Address, Inbound, Location, Media, MediaKind
from handlers.telegram.capabilities import CHANNEL
from handlers.telegram.limits import check

log = logging.getLogger(__name__)

GROUPS = ("group", "supergroup")
# The updates Hayna reads; Telegram sends nothing else, so nothing else costs a request.
ALLOWED_UPDATES = ("message", "callback_query")


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


def chat_of(update: Update) -> Chat | None:
    chat = update.effective_chat
    return None if chat is None else Chat(chat.id, chat.type == "private")


def address(chat_id: int) -> Address:
    """A chat is one conversation; a private chat's id is its user's id, as HAYNA_ADMINS has it."""
    return Address(CHANNEL, str(chat_id))


def to_inbound(update: Update, me: Me) -> Inbound | None:
    """The message a resident sent, or None for what Hayna does not answer (edits, other
    chats' chatter, updates of other kinds); `OutOfRange` for an update Telegram never sends."""
    check(update)
    message_id = str(update.update_id)  # unique per bot: a redelivered update is dropped
    if update.callback_query is not None:
        return _tapped(update.callback_query, message_id, me)
    if update.edited_message is not None:
        log.info("edited message %s ignored: only new messages are answered", message_id)
        return None
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    text = message.text or message.caption or ""
    command = _command_for(text, me)
    shared = message.chat.type in GROUPS
    if shared and command is None and not _replies_to(message, me):
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
        shared=shared,
        private_link=_link(me) if shared else "",
    )


def _tapped(query: CallbackQuery, message_id: str, me: Me) -> Inbound | None:
    """A button tapped, as the option it names."""
    if query.message is None:  # a button of an inline-mode message: not ours
        return None
    user = query.from_user
    shared = query.message.chat.type in GROUPS
    return Inbound(
        address(query.message.chat.id),
        message_id,
        option=query.data or "",
        language_hint=user.language_code,
        display_name=user.first_name,
        shared=shared,
        private_link=_link(me) if shared else "",
    )


def _link(me: Me) -> str:
    """The bot's t.me link, which opens a private chat with it."""
    return f"https://t.me/{me.username}" if me.username else ""


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
