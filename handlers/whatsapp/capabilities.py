"""What WhatsApp through Twilio shows and carries, declared once: numbered lines (buttons need
approved templates), a hint for sharing a location, Twilio's limits, approved templates outside
the 24-hour window, and the first message a petition is shared with."""

from __future__ import annotations

from conversations.capabilities import Capabilities
from conversations.text import Renderable, _, pgettext

CHANNEL = "whatsapp"
# Twilio refuses a WhatsApp body over 1,600 characters; it counts UTF-16 code units.
MAX_BODY = 1_600
# A template is at most 1,024 characters, its own words included.
MAX_VARIABLE = 900
# What WhatsApp takes as an image.
MAX_IMAGE = 5 * 1024 * 1024
# TRANSLATORS: added below a question that asks for a location, on chats without a location
# button (WhatsApp). 📎 is the attach button of Android, + the one of iPhone.
SHARE_LOCATION = _(
    "To share a location: tap 📎 or +, choose Location, then send your current location or "
    "move the pin to the place."
)


def _share(code: str) -> Renderable:
    return _("on WhatsApp, a first message P {code}", code=code)


CAPABILITIES = Capabilities(
    name=CHANNEL,
    label=pgettext("channel", "WhatsApp"),
    location_hint=SHARE_LOCATION,
    text_limit=MAX_BODY,
    # A photo's text goes as the body of its message.
    caption_limit=MAX_BODY,
    media_limit=MAX_IMAGE,
    template_variable_limit=MAX_VARIABLE,
    share=_share,
    phone_addresses=True,
)
