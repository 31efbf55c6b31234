"""The WhatsApp channel, Twilio's side: a webhook's form becomes an `Inbound`, replies become TwiML.

Options go out as numbered lines (WhatsApp has no buttons without approved templates); the engine
maps a typed number or label back to the option.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from twilio.twiml.messaging_response import MessagingResponse

from conversations.kit import Address, Inbound, Location, Media, MediaKind, Outgoing
from handlers.numbered import numbered
from handlers.splitting import split

CHANNEL = "whatsapp"
PREFIX = "whatsapp:"
# Twilio refuses a WhatsApp body over 1,600 characters; it counts UTF-16 code units.
MAX_BODY = 1_600
# Twilio forwards at most 10 media per message.
MAX_MEDIA = 10
JSON = "application/json"
PLAIN_TEXT = "text/plain; charset=utf-8"
_KINDS = (("image/", MediaKind.PHOTO), ("audio/", MediaKind.VOICE), ("video/", MediaKind.VIDEO))


class NotAMessage(ValueError):
    """A form that is not an incoming WhatsApp message (no sender or no MessageSid)."""


def to_inbound(form: Mapping[str, str]) -> Inbound:
    """Turn Twilio's webhook form into an `Inbound`; the sender's number is the address."""
    sender = form.get("From", "")
    message_id = form.get("MessageSid", "").strip()
    if not sender.startswith(PREFIX) or len(sender) <= len(PREFIX) or not message_id:
        raise NotAMessage("not an incoming WhatsApp message")
    # "whatsapp:+2126..." -> ("whatsapp", "+2126..."), as HAYNA_ADMINS writes it.
    address = Address(CHANNEL, sender.removeprefix(PREFIX))
    return Inbound(
        address,
        message_id,
        text=form.get("Body", ""),
        option=form.get("ButtonPayload") or None,
        location=_location(form),
        media=_media(form),
        display_name=form.get("ProfileName", ""),
    )


def _location(form: Mapping[str, str]) -> Location | None:
    try:
        lat, lon = float(form["Latitude"]), float(form["Longitude"])
    except (KeyError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return Location(lat, lon)


def _media(form: Mapping[str, str]) -> tuple[Media, ...]:
    count = form.get("NumMedia", "0").strip()
    if not count.isascii() or not count.isdigit():
        return ()
    found = []
    for index in range(min(int(count), MAX_MEDIA)):
        url = form.get(f"MediaUrl{index}", "")
        if not url:
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
