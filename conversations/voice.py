"""Voice notes residents send: at most `VOICE_MAX` bytes, kept as bytes of our own on arrival
(their reference then reads ``stored:<id>``), and the refusal a flow answers for one that
cannot be used, before asking its question again."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.kit import Media, MediaKind
from conversations.text import Renderable, _

# Two minutes or more of speech on every platform (Opus at 16 kbit/s is 120 kB a minute);
# a larger file is kept by no one.
VOICE_MAX = 2 * 1024 * 1024
# The sounds a voice note (or a prompt) may be, and the ending its file is named with.
EXTENSIONS = {
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/aac": "aac",
    "audio/amr": "amr",
}
# A voice note whose bytes Hayna keeps: the id of its row in `media`.
STORED = "stored:"

TOO_LARGE = _(
    "This voice note is too long: it can have at most 2 MB (about two minutes). Please send a "
    "shorter one, or type your answer."
)
NOT_AUDIO = _(
    "This file could not be used as a voice note. Please record it again, or type your answer."
)


def stored_ref(media_id: int) -> str:
    return f"{STORED}{media_id}"


def stored_id(ref: str | None) -> int | None:
    """The `media` row a reference names, when it names one of ours."""
    if not ref or not ref.startswith(STORED):
        return None
    digits = ref.removeprefix(STORED)
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 18 else None


def voice_of(media: Sequence[Media]) -> Media | None:
    """The first voice note of a message, if it has one."""
    return next((m for m in media if m.kind is MediaKind.VOICE), None)


def refusal(voice: Media) -> Renderable | None:
    """Why this voice note cannot be kept (too large, not sound), or None when it can."""
    if voice.size is not None and voice.size > VOICE_MAX:
        return TOO_LARGE
    if voice.content_type and not voice.content_type.startswith("audio/"):
        return NOT_AUDIO
    return None
