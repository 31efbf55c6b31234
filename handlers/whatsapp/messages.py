"""The WhatsApp channel, Twilio's side: a webhook's form becomes an `Inbound`, replies become TwiML.

Options go out as numbered lines (WhatsApp has no buttons without approved templates); the engine
maps a typed number or label back to the option.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from twilio.twiml.messaging_response import MessagingResponse

from conversations.kit import Address, Inbound, Location, Media, MediaKind, Outgoing
from handlers.numbered import numbered
from handlers.splitting import split
from handlers.whatsapp.capabilities import CHANNEL, MAX_BODY

PREFIX = "whatsapp:"
# Twilio forwards at most 10 media per message.
MAX_MEDIA = 10
JSON = "application/json"
PLAIN_TEXT = "text/plain; charset=utf-8"
_KINDS = (("image/", MediaKind.PHOTO), ("audio/", MediaKind.VOICE), ("video/", MediaKind.VIDEO))


# A WhatsApp number as Twilio writes it: E.164, at most 15 digits, no leading zero.
_SENDER = re.compile(r"whatsapp:\+[1-9][0-9]{6,14}")
# Twilio's Message SID: SM (or MM for a message with media) and 32 hexadecimal digits.
_MESSAGE_SID = re.compile(r"(?:SM|MM)[0-9a-fA-F]{32}")
# The longest each field Hayna reads can be, far above what Twilio sends (WhatsApp caps a text at
# 4,096 characters and a profile name at 25, but may count an emoji of several code points as
# one); a longer one did not come from Twilio. A media field is checked with its number.
_LONGEST = {
    "Body": 16_384,
    "ProfileName": 256,
    "ButtonPayload": 1_024,
    "Latitude": 64,
    "Longitude": 64,
    "NumMedia": 8,
    "MediaUrl": 2_048,
    "MediaContentType": 255,
}
# What a URL may hold (RFC 3986), so that every parser reads the same host in it.
_URL = re.compile(r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+")

log = logging.getLogger(__name__)


class NotAMessage(ValueError):
    """A form that is not an incoming WhatsApp message: no sender or no MessageSid of Twilio's
    shape, or a field longer than Twilio sends; str() says which."""


def is_message_sid(value: str) -> bool:
    return _MESSAGE_SID.fullmatch(value) is not None


def to_inbound(form: Mapping[str, str], media_base: str) -> Inbound:
    """Turn Twilio's webhook form into an `Inbound`; the sender's number is the address.
    Media are kept only at ``media_base``, the Twilio API the account's media are fetched from."""
    sender = form.get("From", "")
    message_id = form.get("MessageSid", "")
    if not _SENDER.fullmatch(sender) or not is_message_sid(message_id):
        raise NotAMessage("not an incoming WhatsApp message")
    for name, value in form.items():
        longest = _LONGEST.get(name.rstrip("0123456789"))
        if longest is not None and len(value) > longest:
            raise NotAMessage(f"{name} is longer than Twilio sends")
    # "whatsapp:+2126..." -> ("whatsapp", "+2126..."), as HAYNA_ADMINS writes it.
    address = Address(CHANNEL, sender.removeprefix(PREFIX))
    return Inbound(
        address,
        message_id,
        text=form.get("Body", ""),
        option=form.get("ButtonPayload") or None,
        location=_location(form),
        media=_media(form, media_base),
        display_name=form.get("ProfileName", ""),
    )


def is_platform_media(url: str, media_base: str) -> bool:
    """Whether ``url`` is at ``media_base`` (same scheme, host and port, under its path): only
    there do the account's credentials go, and only there are a resident's media."""
    if not _URL.fullmatch(url):
        return False
    given, base = urlsplit(url), urlsplit(media_base.rstrip("/") + "/")
    return (given.scheme, given.netloc) == (base.scheme, base.netloc) and given.path.startswith(
        base.path
    )


def _location(form: Mapping[str, str]) -> Location | None:
    try:
        lat, lon = float(form["Latitude"]), float(form["Longitude"])
    except (KeyError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return Location(lat, lon)


def _media(form: Mapping[str, str], media_base: str) -> tuple[Media, ...]:
    count = form.get("NumMedia", "0").strip()
    if not count.isascii() or not count.isdigit():
        return ()
    found = []
    for index in range(min(int(count), MAX_MEDIA)):
        url = form.get(f"MediaUrl{index}", "")
        if not url:
            continue
        if not is_platform_media(url, media_base):
            # Signed, so Twilio's or its account holder's: the text still goes, the file is
            # not one to fetch with the account's credentials nor to keep with a report.
            log.warning("media %s of %s dropped: not at the Twilio API", index, form["MessageSid"])
            continue
        # What Twilio reports, without parameters such as "; codecs=opus".
        content_type = form.get(f"MediaContentType{index}", "").split(";")[0].strip().lower()
        kind = next((k for prefix, k in _KINDS if content_type.startswith(prefix)), None)
        # Twilio does not give the size: the flow accepts the file by its type alone.
        found.append(Media(kind or MediaKind.DOCUMENT, url, content_type))
    return tuple(found)


def to_text(message: Outgoing) -> str:
    """One reply as WhatsApp shows it: numbered options, and how to share a location if asked."""
    text = numbered(message)
    return f"{text}\n\n{message.location_hint}" if message.location_hint else text


def to_parts(replies: Sequence[Outgoing]) -> list[str]:
    """The replies of one message as WhatsApp messages: one, split only over Twilio's limit.

    One message rather than one per reply: separate messages may arrive out of order.
    """
    return split("\n\n".join(filter(None, (to_text(reply) for reply in replies))), MAX_BODY)


def to_twiml(replies: Sequence[Outgoing], media: Sequence[str] = ()) -> str:
    """The webhook's answer, carrying the replies, then each file at its public URL."""
    response = MessagingResponse()
    for part in to_parts(replies):
        response.message(part)
    for url in media:
        # A message of its own: Twilio sends no caption with a document on WhatsApp.
        response.message().media(url)
    return str(response.to_xml(xml_declaration=True))


CALENDAR = "text/calendar"


def served_type(content_type: str) -> str:
    """The content type to serve a file with so WhatsApp takes it as a document.

    WhatsApp accepts text/plain and application/pdf documents but refuses application/json and
    text/calendar, and Twilio checks the type the URL answers with: JSON and calendar files go
    as UTF-8 text (their .json or .ics name stays, so the phone still opens them as such).
    """
    if content_type.split(";")[0].strip().lower() in (JSON, CALENDAR, "text/plain"):
        return PLAIN_TEXT
    return content_type
