"""What an update holds when Telegram sent it: the range of each id Hayna reads and the length of
each field, as the Bot API documents them. python-telegram-bot builds its objects from whatever
JSON it is given, without checking types or sizes; an update outside these limits did not come
from Telegram as it is, and is refused whole before anything is stored."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TypeGuard

from telegram import Chat, MaybeInaccessibleMessage, Message, Update, User

from handlers.telegram.capabilities import MAX_CALLBACK_DATA, MAX_CAPTION, MAX_TEXT

# "At most 52 significant bits" (Bot API, Chat.id and User.id).
MAX_CHAT_ID = 2**52
# update_id and message_id are counters; a signed 64-bit integer holds them.
MAX_COUNTER = 2**63 - 1
# Not documented as numbers, but far above anything Telegram sends: a first name (the apps
# allow 64 characters), a language tag (BCP 47: 35), a file_id (about 80), a MIME type (RFC
# 6838: 127 + 1 + 127), a callback query id (a 64-bit number).
MAX_NAME, MAX_LANGUAGE, MAX_FILE_ID, MAX_MIME, MAX_QUERY_ID = 256, 35, 512, 255, 64
MAX_CHAT_TYPE = 16
# Bytes, width and height of a file: Telegram's own files stay far below 2**53.
MAX_SIZE = 2**53


class OutOfRange(ValueError):
    """An update with an id or a field Telegram never sends; str() names which."""


def check(update: Update) -> None:
    """Raise `OutOfRange` unless every id and field Hayna reads from ``update`` is in range."""
    _counter(update.update_id, "update_id")
    query = update.callback_query
    if query is not None:
        _string(query.id, MAX_QUERY_ID, "callback query id")
        _user(query.from_user)
        if query.data is not None:
            _string(query.data, MAX_CALLBACK_DATA, "callback data")
            if len(query.data.encode("utf-8", "replace")) > MAX_CALLBACK_DATA:
                raise OutOfRange("callback data over 64 bytes")
        if query.message is not None:
            _origin(query.message)
    if update.message is not None:
        _message(update.message)


def _origin(message: MaybeInaccessibleMessage) -> None:
    _counter(message.message_id, "message_id")
    _chat(message.chat)


def _message(message: Message) -> None:
    _origin(message)
    if message.from_user is not None:
        _user(message.from_user)
    _optional_string(message.text, MAX_TEXT, "text")
    _optional_string(message.caption, MAX_CAPTION, "caption")
    if message.location is not None:
        _degrees(message.location.latitude, 90, "latitude")
        _degrees(message.location.longitude, 180, "longitude")
    photo: object = message.photo
    if not isinstance(photo, Iterable) or isinstance(photo, str | bytes):
        raise OutOfRange("photo is not a list of sizes")
    for size in photo:
        _file(size.file_id, size.file_size)
        _number(size.width, MAX_SIZE, "width")
        _number(size.height, MAX_SIZE, "height")
    for sent in (message.voice, message.audio, message.video, message.document):
        if sent is not None:
            _file(sent.file_id, sent.file_size)
            _optional_string(sent.mime_type, MAX_MIME, "mime_type")


def _chat(chat: Chat) -> None:
    _identifier(chat.id, "chat id")
    _string(chat.type, MAX_CHAT_TYPE, "chat type")


def _user(user: User) -> None:
    _identifier(user.id, "user id")
    if not isinstance(user.is_bot, bool):
        raise OutOfRange("is_bot is not a boolean")
    _string(user.first_name, MAX_NAME, "first_name")
    _optional_string(user.language_code, MAX_LANGUAGE, "language_code")


def _file(file_id: object, size: object) -> None:
    _string(file_id, MAX_FILE_ID, "file_id")
    if size is not None:
        _number(size, MAX_SIZE, "file_size")


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, float) or _is_int(value)


def _identifier(value: object, what: str) -> None:
    if not _is_int(value) or not -MAX_CHAT_ID < value < MAX_CHAT_ID:
        raise OutOfRange(f"{what} out of range")


def _counter(value: object, what: str) -> None:
    _number(value, MAX_COUNTER, what)


def _number(value: object, limit: int, what: str) -> None:
    if not _is_int(value) or not 0 <= value <= limit:
        raise OutOfRange(f"{what} out of range")


def _degrees(value: object, limit: int, what: str) -> None:
    if not _is_number(value) or not math.isfinite(value) or abs(value) > limit:
        raise OutOfRange(f"{what} out of range")


def _string(value: object, limit: int, what: str) -> None:
    if not isinstance(value, str) or len(value) > limit:
        raise OutOfRange(f"{what} is not text of at most {limit} characters")


def _optional_string(value: object, limit: int, what: str) -> None:
    if value is not None:
        _string(value, limit, what)
