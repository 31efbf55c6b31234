"""WhatsApp through Twilio as a channel of `hayna serve`: its webhooks, the outbox for pushes,
the fetcher of residents' media, and replies that follow through the Messages API when the
engine is slower than Twilio waits."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from starlette.routing import BaseRoute

from conversations.kit import Address, Attachment, Inbound, Outgoing
from conversations.seams import Answerer, Backend, FilePublisher, MediaFetcher, Outbox, Push
from handlers.metrics import Metrics
from handlers.pacing import Booking, Pace
from handlers.whatsapp.capabilities import CHANNEL
from handlers.whatsapp.fetcher import WhatsAppFetcher
from handlers.whatsapp.messages import served_type, to_parts
from handlers.whatsapp.outbox import Sender, WhatsAppOutbox
from handlers.whatsapp.settings import WhatsAppSettings
from handlers.whatsapp.signature import SignatureCheck
from handlers.whatsapp.webhook import MESSAGES, STATUSES, webhook_routes

log = logging.getLogger(__name__)

# Twilio waits 15 s for the answer; past this, the replies follow through the REST API instead.
REPLY_WITHIN = 10.0


class WhatsAppChannel:
    """The `Channel` for a Twilio WhatsApp sender."""

    name = CHANNEL

    def __init__(
        self,
        settings: WhatsAppSettings,
        public_base_url: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        reply_within: float = REPLY_WITHIN,
        metrics: Metrics | None = None,
    ) -> None:
        self.public_base_url = public_base_url.rstrip("/")
        # Shared with the app, which serves them at /metrics.
        self.metrics = metrics or Metrics()
        # Where the account's media are: a MediaUrl elsewhere is no resident's file.
        self.media_base = settings.api_base_url
        self.signature = SignatureCheck(settings.auth_token, self.public_base_url, self.metrics)
        self.clock = clock
        self.reply_within = reply_within
        sender = Sender(
            settings.account_sid,
            settings.auth_token,
            settings.sender,
            settings.api_base_url,
            self.public_base_url + STATUSES,
            settings.templates,
        )
        self.pushes = WhatsAppOutbox(sender, Pace(settings.rate), clock=clock, metrics=self.metrics)
        self.outbox: Outbox = self.pushes
        self.media = WhatsAppFetcher(
            settings.account_sid, settings.auth_token, settings.api_base_url
        )
        self.fetcher: MediaFetcher = self.media
        self._late: set[asyncio.Task[None]] = set()
        # Where files sent with replies are served for Twilio to fetch; set with the routes.
        self.files: FilePublisher | None = None

    def routes(self, backend: Backend) -> Sequence[BaseRoute]:
        self.files = backend.files
        return webhook_routes(self, backend)

    async def open(self) -> None:
        """Nothing to open: Twilio's REST API takes each request with the account's keys."""

    async def start(self) -> None:
        log.info(
            "WhatsApp webhooks to set in Twilio: %s (messages), %s (status callbacks)",
            self.public_base_url + MESSAGES,
            self.public_base_url + STATUSES,
        )

    def share_pace(self, booking: Booking) -> None:
        """Keep the sender's rate with the other processes sending for it (pushes and the
        replies that follow late; a reply in the webhook's answer is Twilio's to send)."""
        self.pushes.pace.shared = booking

    async def stop(self) -> None:
        # Replies still being worked out are sent before the client closes.
        await asyncio.gather(*self._late, return_exceptions=True)
        await self.pushes.close()
        await self.media.close()

    async def answer(self, answerer: Answerer, inbound: Inbound) -> list[Outgoing]:
        """The engine's replies, if they come in time; else they follow through the REST API."""
        work = asyncio.ensure_future(answerer.handle(inbound))
        try:
            return await asyncio.wait_for(asyncio.shield(work), self.reply_within)
        except TimeoutError:
            log.warning("message %s is slow; its replies will follow", inbound.message_id)
            self._follow(work, inbound)
            return []
        except asyncio.CancelledError:
            # The request went away (Twilio hung up): the message is still answered.
            self._follow(work, inbound)
            raise

    def _follow(self, work: asyncio.Future[list[Outgoing]], inbound: Inbound) -> None:
        late = asyncio.ensure_future(self._send_late(work, inbound))
        self._late.add(late)
        late.add_done_callback(self._late.discard)

    async def _send_late(self, work: asyncio.Future[list[Outgoing]], inbound: Inbound) -> None:
        try:
            replies = await work
            if not replies:
                return
            # The resident has just written: free text is allowed.
            now, locale = self.clock(), replies[-1].locale
            for part in to_parts(replies):
                await self.outbox.send(Push(inbound.address, Outgoing(part, locale=locale), now))
            for url in await self.publish(inbound.address, replies):
                await self.pushes.send_file(inbound.address, url)
        except Exception:
            log.exception("a late reply to %s could not be sent", inbound.message_id)

    async def publish(self, address: Address, replies: Sequence[Outgoing]) -> list[str]:
        """The public URL of each file and voice prompt sent with ``replies``, served as WhatsApp
        takes it (a voice prompt becomes an audio message); a file
        that cannot be stored is logged and left out, and the replies' text still goes."""
        if self.files is None:
            return []
        urls: list[str] = []
        # Each reply's file, then its voice prompt: after the text, in the replies' order.
        files = [f for reply in replies for f in (reply.attachment, reply.voice) if f is not None]
        for attachment in files:
            if attachment.url:
                # Served where it is stored (a voice prompt): one link for every resident.
                urls.append(attachment.url)
                continue
            served = Attachment(
                attachment.filename, served_type(attachment.content_type), attachment.data
            )
            try:
                url = await self.files.publish(address, served)
            except Exception:
                log.exception("a file sent with a reply could not be stored")
                continue
            if url is not None:
                urls.append(url)
        return urls
