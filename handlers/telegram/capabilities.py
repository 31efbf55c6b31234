"""What Telegram shows and carries, declared once: inline buttons, a location button in private
chats, the Bot API's limits, and the deep link a petition is shared with."""

from __future__ import annotations

from conversations.capabilities import Capabilities
from conversations.text import Renderable, _, pgettext

CHANNEL = "telegram"
MAX_TEXT = 4_096
MAX_CAPTION = 1_024
# A button's callback data and a deep link's payload, in bytes.
MAX_CALLBACK_DATA = 64
# Telegram refuses a message whose inline keyboard has more buttons than this.
MAX_BUTTONS = 100
# What the Bot API uploads as a photo.
MAX_PHOTO = 10 * 1024 * 1024


def _share(code: str) -> Renderable:
    return _(
        "on Telegram, the bot's link ending in ?start=p_{code} (it sends /start p_{code})",
        code=code,
    )


CAPABILITIES = Capabilities(
    name=CHANNEL,
    label=pgettext("channel", "Telegram"),
    location_hint=None,
    text_limit=MAX_TEXT,
    caption_limit=MAX_CAPTION,
    media_limit=MAX_PHOTO,
    buttons=MAX_BUTTONS,
    button_id_limit=MAX_CALLBACK_DATA,
    share=_share,
)
