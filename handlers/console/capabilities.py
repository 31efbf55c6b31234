"""What the terminal shows: numbered lines, a command to send a location, no size limits worth
the name, and no flood control (it is the operator's own)."""

from __future__ import annotations

from conversations.capabilities import Capabilities
from conversations.text import pgettext

CHANNEL = "console"
# Nothing in a terminal cuts a text or refuses a file; these only keep the numbers finite.
NO_LIMIT = 1 << 30

CAPABILITIES = Capabilities(
    name=CHANNEL,
    label=pgettext("channel", "the terminal"),
    # The adapter shows its own /location command.
    location_hint=None,
    text_limit=NO_LIMIT,
    caption_limit=NO_LIMIT,
    media_limit=NO_LIMIT,
    limited=False,
)
