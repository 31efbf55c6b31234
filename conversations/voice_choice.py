"""Whether questions come with their voice prompt: offered once to a resident who answers with a
voice note (an answer of the engine's own, like "stop all?" in `returning.py`), and changed in
the language menu at any time."""

from __future__ import annotations

from conversations.kit import Inbound, MediaKind, Option, Reply, Resident
from conversations.text import _, pgettext

# TRANSLATORS: options of the question offered after a resident's voice note.
VOICE_ON = Option("hayna.voice_on", pgettext("voice", "Yes, with voice"))
VOICE_OFF = Option("hayna.voice_off", pgettext("voice", "No, text only"))
ANSWERS = frozenset((VOICE_ON.id, VOICE_OFF.id))
OFFER = Reply(
    _(
        "You sent a voice note. Would you like my questions to come with a voice message too, "
        "where the association recorded one?"
    ),
    (VOICE_ON, VOICE_OFF),
)
# TRANSLATORS: the last options of the language menu, to hear questions read aloud or not.
WITH_VOICE = Option("voice", pgettext("language", "🔊 With voice"))
TEXT_ONLY = Option("text", pgettext("language", "🔇 Text only"))
VOICE_CHOSEN = _(
    "Done: my questions will come with a voice message too, where one is recorded. You can "
    "change this in the language menu."
)
TEXT_CHOSEN = _("Done: my questions will come as text only.")


def heard(msg: Inbound) -> bool:
    """Whether the message carries a voice note."""
    return any(media.kind is MediaKind.VOICE for media in msg.media)


def to_offer(resident: Resident, msg: Inbound) -> bool:
    """Whether to offer voice now: a voice note from a resident never asked nor choosing."""
    return resident.voice is None and heard(msg)


def toggle(resident: Resident) -> Option:
    """The language menu's option that changes the choice as it stands."""
    return TEXT_ONLY if resident.voice else WITH_VOICE


def chosen(option: str | None) -> Reply | None:
    """What is said when voice is turned on or off by ``option``; None for another option."""
    if option in (VOICE_ON.id, WITH_VOICE.id):
        return Reply(VOICE_CHOSEN)
    if option in (VOICE_OFF.id, TEXT_ONLY.id):
        return Reply(TEXT_CHOSEN)
    return None
