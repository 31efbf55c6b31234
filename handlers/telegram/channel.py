"""The Telegram channel: the bot built from its settings, its command list, and the way one update
becomes the engine's answer sent back at Telegram's pace (from the webhook or from polling)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from starlette.routing import BaseRoute
from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from conversations.kit import Outgoing
from conversations.language import DEFAULT, SUPPORTED
from conversations.seams import Answerer, Backend, MediaFetcher, Outbox
from conversations.text import Translator
from handlers.metrics import Metrics
from handlers.pacing import Booking
from handlers.telegram.fetcher import TelegramFetcher
from handlers.telegram.inbound import ALLOWED_UPDATES, Me, chat_of, to_inbound
from handlers.telegram.limits import OutOfRange
from handlers.telegram.markup import commands
from handlers.telegram.pace import TelegramPace
from handlers.telegram.sender import TelegramSender
from handlers.telegram.settings import TelegramSettings
from handlers.telegram.webhook import WEBHOOK_PATH, webhook_route

log = logging.getLogger(__name__)

# Concurrent requests to the Bot API (replies to several chats, pushes, taps).
CONNECTIONS = 16
# How long one getUpdates waits for news before asking again.
POLL_SECONDS = 25


class TelegramChannel:
    name = "telegram"

    def __init__(
        self,
        settings: TelegramSettings,
        translator: Callable[[str], Translator],
        public_base_url: str | None = None,
        pace: TelegramPace | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.settings = settings
        # Shared with the app, which serves them at /metrics.
        self.metrics = metrics or Metrics()
        self.translator = translator
        self.public_base_url = public_base_url
        # A Bot API URL carries the bot's token: httpx logs each URL at INFO, PTB at DEBUG.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("telegram").setLevel(logging.INFO)
        self.bot = Bot(
            settings.token,
            base_url=settings.api_base_url + "/bot",
            base_file_url=settings.api_base_url + "/file/bot",
            request=HTTPXRequest(connection_pool_size=CONNECTIONS),
            get_updates_request=HTTPXRequest(read_timeout=POLL_SECONDS + 10),
        )
        pace = pace or TelegramPace(settings.rate)
        self.sender = TelegramSender(self.bot, pace, translator, self.metrics)
        self.outbox: Outbox = self.sender
        self.fetcher: MediaFetcher = TelegramFetcher(self.bot)
        self._me: Me | None = None
        # Each chat's latest delivery, so a chat's replies go out in the order of its updates.
        self._last: dict[int, asyncio.Future[None]] = {}

    @property
    def me(self) -> Me:
        if self._me is None:
            raise RuntimeError("the Telegram channel is not started")
        return self._me

    async def open(self) -> None:
        """Ask Telegram who the bot is (which checks the token) and publish its command list in
        each language Telegram knows (Tamazight has no two-letter code: it gets the default)."""
        await self.bot.initialize()
        self._me = Me(self.bot.id, self.bot.username)
        await self.bot.set_my_commands(commands(self.translator(DEFAULT)))
        for locale in SUPPORTED:
            if len(locale) == 2:
                await self.bot.set_my_commands(
                    commands(self.translator(locale)), language_code=locale
                )

    async def start(self) -> None:
        """Open, then have Telegram post updates to this server, with the secret token."""
        if self.public_base_url is None or self.settings.webhook_secret is None:
            # `bot.channels` refuses to build such a channel for serving: this is a bug.
            raise RuntimeError("the webhook needs a public URL and a secret token")
        await self.open()
        await self.bot.set_webhook(
            self.public_base_url + WEBHOOK_PATH,
            secret_token=self.settings.webhook_secret,
            allowed_updates=list(ALLOWED_UPDATES),
        )

    async def stop(self) -> None:
        await self.bot.shutdown()

    def share_pace(self, booking: Booking) -> None:
        """Keep the bot's rate with the other processes sending for it."""
        self.sender.pace.overall.shared = booking

    def routes(self, backend: Backend) -> Sequence[BaseRoute]:
        return [webhook_route(self, backend.answerer, self.settings.webhook_secret or "")]

    async def answer(self, engine: Answerer, update: Update) -> list[Outgoing]:
        """The engine's replies to one update (none for what is not addressed to Hayna)."""
        try:
            inbound = to_inbound(update, self.me)
        except OutOfRange as error:
            # Never stored; its id may itself be what is out of range, so it is not logged.
            log.warning("an update refused: %s", error)
            return []
        except Exception:
            # An update this code cannot read would fail the same way each time Telegram sent it
            # again (or each time polling fetched it): log it and let it go.
            log.exception("update %s could not be read", update.update_id)
            return []
        return [] if inbound is None else await engine.handle(inbound)

    async def deliver(self, update: Update, replies: Sequence[Outgoing]) -> None:
        """Acknowledge a tap at once, then send the replies, in order, after the chat's earlier
        ones.

        An update the engine gave no answer to is not acknowledged: that is a redelivery (its id
        was already in the inbox: the first delivery answered the tap), a message dropped by
        flood control, or one refused. The inbox, not a memory of this process, so a tap is
        answered once across restarts and processes, and a redelivered tap costs no request
        (Telegram refuses answers to queries older than a few seconds anyway).
        """
        if not replies:
            return
        chat = chat_of(update)
        key = 0 if chat is None else chat.id
        earlier = self._last.get(key)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._last[key] = done
        try:
            await self._acknowledge(update)
            if earlier is not None:
                await earlier
            if chat is not None:
                for out in replies:
                    await self.sender.reply(chat, out)
        except (TelegramError, OSError):
            log.exception("replies to update %s not delivered", update.update_id)
        finally:
            done.set_result(None)
            if self._last.get(key) is done:
                del self._last[key]

    async def _acknowledge(self, update: Update) -> None:
        query = update.callback_query
        if query is not None:
            message = query.message
            await self.sender.acknowledge(
                query.id,
                None if message is None else message.chat.id,
                None if message is None else message.message_id,
            )

    async def process(self, engine: Answerer, update: Update) -> None:
        await self.deliver(update, await self.answer(engine, update))
