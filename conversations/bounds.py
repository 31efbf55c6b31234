"""The sizes and shapes an inbound message keeps before any flow reads it or any column stores it.

An id (the sender, the message) is never altered, since a changed id is another resident or
another message: one that no platform would give is refused whole. Every other field is cleaned
(`safetext.clean`) and bounded, or dropped when it cannot be read; a pin is left as it is, since
flows answer an impossible one themselves. The bounds are those of the columns the fields reach
(tests/test_bounds.py holds them against storage/models.py).
"""

from __future__ import annotations

import re
from dataclasses import replace

from conversations.kit import Inbound, Media
from conversations.safetext import MAX_INBOUND, clean

# resident.channel and inbox.channel; resident.user_id; inbox.message_id.
MAX_CHANNEL = 16
MAX_USER = 64
MAX_MESSAGE_ID = 128
# What a resident's display name is cut to.
MAX_NAME = 80
# A button's data and a link's start payload are at most 64 bytes on the platforms that carry
# them; no option id is longer.
MAX_OPTION = 64
MAX_PAYLOAD = 64
# report_media.content_type.
MAX_CONTENT_TYPE = 64
# A platform's file id or media URL, or a local file's path (PATH_MAX on Linux).
MAX_REF = 4_096
# report_media.size is a 32-bit integer; a larger file is refused by every flow anyway.
MAX_SIZE = 2**31 - 1
MAX_LINK = 256
# A language tag as BCP 47 writes it ("fr", "fr-MA", "zh-Hant-TW"), within its 35 characters.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8}){0,6}")
_MAX_TAG = 35
# type/subtype, in the characters RFC 6838 allows (after an adapter lowercased it).
_CONTENT_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")
UNKNOWN_TYPE = "application/octet-stream"


def is_clean_id(value: str, limit: int, blanks: str = "") -> bool:
    """True for 1 to ``limit`` characters that cleaning would leave as they are, with no blank
    but those of ``blanks``: an id a platform gives, which can be stored and compared as it is."""
    return (
        0 < len(value) <= limit
        and clean(value, limit) == value
        and not any(ch.isspace() and ch not in blanks for ch in value)
    )


def bounded(msg: Inbound) -> Inbound | None:
    """``msg`` with every field cleaned and within its bound; None when its sender or its id is
    not one to store as it is."""
    address = msg.address
    if not (
        is_clean_id(address.channel, MAX_CHANNEL)
        and is_clean_id(address.user, MAX_USER)
        and is_clean_id(msg.message_id, MAX_MESSAGE_ID)
    ):
        return None
    return replace(
        msg,
        text=clean(msg.text, MAX_INBOUND),
        option=None if msg.option is None else _option(msg.option),
        media=tuple(m for m in (_media(item) for item in msg.media) if m is not None),
        language_hint=_language(msg.language_hint),
        display_name=clean(msg.display_name, MAX_NAME),
        start_payload=clean(msg.start_payload or "", MAX_PAYLOAD) or None,
        private_link=clean(msg.private_link, MAX_LINK),
    )


def _option(option: str) -> str:
    """A tapped option's id; one longer than any id offered still counts as a tap, of nothing."""
    kept = clean(option, MAX_OPTION + 1)
    return kept if len(kept) <= MAX_OPTION else ""


def _media(item: Media) -> Media | None:
    """The item, or None when its reference cannot be used as it is (a changed one is another
    file); an unreadable type becomes the unknown type, an impossible size no size."""
    # A local path may hold spaces; no platform's reference does.
    if not is_clean_id(item.ref, MAX_REF, blanks=" "):
        return None
    kind = item.content_type
    if kind and not (len(kind) <= MAX_CONTENT_TYPE and _CONTENT_TYPE.fullmatch(kind)):
        kind = UNKNOWN_TYPE
    size = item.size
    if size is not None:
        size = None if size < 0 else min(size, MAX_SIZE)
    return replace(item, content_type=kind, size=size)


def _language(hint: str | None) -> str | None:
    if hint is None or len(hint) > _MAX_TAG or not _LANGUAGE_TAG.fullmatch(hint):
        return None
    return hint
