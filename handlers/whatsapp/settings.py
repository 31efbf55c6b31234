"""What the WhatsApp channel is configured with (read from the environment by `bot.settings`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

TWILIO_API = "https://api.twilio.com"
# Twilio's default pace for a WhatsApp sender, messages per second.
WHATSAPP_RATE = 80


@dataclass(frozen=True, slots=True)
class WhatsAppSettings:
    """The Twilio WhatsApp sender, when ``TWILIO_ACCOUNT_SID`` is set."""

    account_sid: str
    auth_token: str
    # The sender, as Twilio writes it: whatsapp:+14155238886.
    sender: str
    api_base_url: str = TWILIO_API
    # The approved template (ContentSid) per language, for pushes outside the 24-hour window.
    templates: Mapping[str, str] = field(default_factory=dict)
    rate: int = WHATSAPP_RATE
