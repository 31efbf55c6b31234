"""Pushes on WhatsApp through Twilio's Messages API: free text inside the 24-hour window, the
approved template of the resident's language outside it, at the sender's pace. A photo goes with
the free text as a MediaUrl Twilio fetches; a template goes without it (a template with a media
header needs an approval of its own), which is logged once per photo.

The call is made with httpx in Twilio's exact shape rather than with twilio's client: that client
is synchronous (or needs aiohttp), and its exceptions drop the Retry-After header a 429 carries.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NoReturn

import httpx

from conversations.kit import PHOTO_TYPES, Address, Outgoing
from conversations.seams import Push, Rejected, TransientFailure, Unreachable
from handlers.metrics import Metrics
from handlers.pacing import Pace
from handlers.splitting import split, units
from handlers.whatsapp.capabilities import CHANNEL, MAX_BODY, MAX_VARIABLE
from handlers.whatsapp.messages import PREFIX, to_text

log = logging.getLogger(__name__)

# WhatsApp allows free text for 24 hours after the resident's last message; the margin covers
# the time between their message reaching Twilio and reaching us.
WINDOW = timedelta(hours=24) - timedelta(minutes=10)
# When the resident's language has no approved template, the first of these that has one (a
# reader of Tamazight in Latin letters is sent the French one before the Tifinagh one).
FALLBACK = ("ar", "fr", "en", "zgh", "zgh_Latn")
OUTSIDE_WINDOW = 63016
# The number unsubscribed, is not on WhatsApp, or is not a valid number: retrying cannot help.
UNREACHABLE_CODES = frozenset({21610, 21211, 21614, 63003, 63024})
TIMEOUT = httpx.Timeout(10.0)
# The image types WhatsApp shows as a photo (a WebP is a sticker there).
IMAGES = frozenset({"image/jpeg", "image/png"})
# Photos whose absence was already logged; forgotten past this many.
NOTED = 1000
_SPACES = re.compile(r"\s*\n\s*|\s{4,}|\t")


@dataclass(frozen=True, slots=True)
class Sender:
    """The Twilio account and WhatsApp sender pushes go out from."""

    account_sid: str
    auth_token: str
    # As Twilio writes it: whatsapp:+14155238886.
    number: str
    api_base_url: str
    # Where Twilio reports what became of each message.
    status_callback: str
    # The approved notice template (ContentSid) per language; its one variable is the notice.
    templates: Mapping[str, str] = field(default_factory=dict)


class TwilioRefused(Rejected):
    """Twilio refused the message for a reason a retry may not mend."""

    def __init__(self, reason: str, code: int | None) -> None:
        super().__init__(reason)
        self.code = code


class WhatsAppOutbox:
    """The `Outbox` of the WhatsApp channel."""

    channel = CHANNEL

    def __init__(
        self,
        sender: Sender,
        pace: Pace,
        client: httpx.AsyncClient | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        metrics: Metrics | None = None,
    ) -> None:
        self.sender = sender
        self.metrics = metrics or Metrics()
        self.pace = pace
        self.client = client or httpx.AsyncClient(timeout=TIMEOUT)
        self.clock = clock
        self.url = f"{sender.api_base_url}/2010-04-01/Accounts/{sender.account_sid}/Messages.json"
        self._noted: set[tuple[str, str]] = set()

    async def send(self, push: Push) -> str | None:
        """Send one push; returns Twilio's MessageSid."""
        last = push.last_inbound_at
        if last is not None and self.clock() - last < WINDOW:
            try:
                return await self._post(push, {"Body": body(push), **self._photo(push)})
            except TwilioRefused as refused:
                if refused.code != OUTSIDE_WINDOW:
                    raise
                log.info("free text refused outside the window; sending the template instead")
        template = self._template(push)
        # A template with a media header needs an approval of its own: the text goes alone.
        self._without_photo(push, "outside the 24-hour window, the approved template has no photo")
        return await self._post(push, template)

    async def send_file(self, address: Address, url: str) -> str:
        """Send the document at ``url`` (Twilio fetches it) to a resident who wrote within the
        window: WhatsApp takes media in a conversation, not in a template."""
        return await self._post(Push(address, Outgoing("")), {"MediaUrl": url})

    async def close(self) -> None:
        await self.client.aclose()

    def _photo(self, push: Push) -> dict[str, str]:
        """The MediaUrl of the push's photo, when it has one WhatsApp shows and Twilio can fetch."""
        photo = push.message.attachment
        if photo is None or photo.content_type not in PHOTO_TYPES:
            return {}
        if photo.content_type not in IMAGES:
            self._without_photo(push, "WhatsApp shows WebP only as a sticker")
            return {}
        if not photo.url:
            self._without_photo(push, "the photo has no public link (PUBLIC_BASE_URL)")
            return {}
        return {"MediaUrl": photo.url}

    def _without_photo(self, push: Push, reason: str) -> None:
        """Log, once per photo rather than once per recipient, that its text went alone."""
        photo = push.message.attachment
        if photo is None or photo.content_type not in PHOTO_TYPES:
            return
        seen = (photo.url or photo.filename, reason)
        if seen in self._noted:
            return
        if len(self._noted) >= NOTED:
            self._noted.clear()
        self._noted.add(seen)
        log.info("the text of an update goes without its photo %s: %s", photo.filename, reason)

    def _template(self, push: Push) -> dict[str, str]:
        templates = self.sender.templates
        locale = push.message.locale
        sid = templates.get(locale) or next((templates[k] for k in FALLBACK if k in templates), "")
        if not sid:
            # Free text would be refused (63016): the resident is out of reach until they write.
            raise Unreachable(
                "outside WhatsApp's 24-hour window and no approved template is configured "
                "(TWILIO_TEMPLATES)"
            )
        variables = json.dumps({"1": variable(push)}, ensure_ascii=False)
        return {"ContentSid": sid, "ContentVariables": variables}

    async def _post(self, push: Push, content: dict[str, str]) -> str:
        form = {
            "To": PREFIX + push.address.user,
            "From": self.sender.number,
            "StatusCallback": self.sender.status_callback,
            **content,
        }
        await self.pace.wait()
        if not push.in_time():
            raise TransientFailure("the claim ran out while waiting for the sender's pace")
        auth = (self.sender.account_sid, self.sender.auth_token)
        try:
            response = await self.client.post(self.url, data=form, auth=auth)
        except httpx.HTTPError as error:
            raise TransientFailure(f"Twilio unreachable: {type(error).__name__}") from error
        if response.is_success:
            sid = response.json().get("sid")
            if not isinstance(sid, str) or not sid:
                raise TransientFailure("Twilio answered without a message sid")
            return sid
        self._fail(response)

    def _fail(self, response: httpx.Response) -> NoReturn:
        code, message = _error(response)
        reason = f"Twilio {response.status_code}, error {code}: {message}"
        if response.status_code == 429 or response.status_code >= 500:
            retry_after = _seconds(response.headers.get("Retry-After"))
            if response.status_code == 429:
                # Every send of this sender waits, not only this one.
                self.pace.hold(retry_after or 1.0)
                self.metrics.too_many_requests(CHANNEL)
            raise TransientFailure(reason, retry_after)
        if code in UNREACHABLE_CODES:
            raise Unreachable(reason)
        raise TwilioRefused(reason, code)


def body(push: Push) -> str:
    """The notice as free text, cut to one message: a notice is short, and several messages
    would need several ids for one delivery."""
    text = to_text(push.message)
    if units(text) <= MAX_BODY:
        return text
    log.warning("a push of %d characters was cut to one WhatsApp message", len(text))
    return split(text, MAX_BODY - 1)[0] + "…"


def variable(push: Push) -> str:
    """The notice as a template variable: one line (Twilio refuses line breaks and runs of
    spaces in variables), at most `MAX_VARIABLE` characters."""
    text = _SPACES.sub(" · ", to_text(push.message).strip())
    return text if len(text) <= MAX_VARIABLE else text[: MAX_VARIABLE - 1].rstrip() + "…"


def _error(response: httpx.Response) -> tuple[int | None, str]:
    """Twilio's error code and message from its JSON error body, if it has one."""
    try:
        body = response.json()
    except ValueError:
        return None, response.text[:200]
    if not isinstance(body, dict):
        return None, str(body)[:200]
    code = body.get("code")
    return (code if isinstance(code, int) else None), str(body.get("message", ""))[:200]


def _seconds(raw: str | None) -> float | None:
    try:
        seconds = float(raw) if raw else None
    except ValueError:
        return None
    return seconds if seconds is not None and 0 < seconds < 86_400 else None
