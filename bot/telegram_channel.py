"""The Telegram channel: the bot built from its settings, the webhook route, the command list,
and the way one update becomes an engine's answer sent back at Telegram's pace."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Sequence

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot.app import App
from bot.i18n import translator
from bot.settings import SettingsError, TelegramSettings
from conversations.engine import Engine
from conversations.kit import Outgoing
from conversations.language import DEFAULT, SUPPORTED
from conversations.seams import MediaFetcher, Outbox
from handlers.telegram import ALLOWED_UPDATES, Me, chat_of, to_inbound
from handlers.telegram_fetch import TelegramFetcher
from handlers.telegram_limits import OutOfRange
from handlers.telegram_markup import commands
from handlers.telegram_pace import TelegramPace
from handlers.telegram_sender import TelegramSender
from handlers.webhook_request import (
    Malformed,
    NotJSON,
    TooLarge,
    parse_json,
    read_body,
    sole_header,
)

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
# Concurrent requests to the Bot API (replies to several chats, pushes, taps).
CONNECTIONS = 16
# How long one getUpdates waits for news before asking again.
POLL_SECONDS = 25
# An update is a few kilobytes: a text of at most 4,096 characters (about 50 KB at worst once
# JSON escapes every UTF-16 unit), the message it replies to, entities, a keyboard. A megabyte
# is well above any of them, and bounds what a request holding the secret can make us read.
MAX_UPDATE_BYTES = 1024 * 1024


class TelegramChannel:
    name = "telegram"

    def __init__(
        self,
        settings: TelegramSettings,
        public_base_url: str | None = None,
        pace: TelegramPace | None = None,
    ) -> None:
        self.settings = settings
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
        self.sender = TelegramSender(self.bot, pace or TelegramPace(), translator)
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
        await self.bot.set_my_commands(commands(translator(DEFAULT)))
        for locale in SUPPORTED:
            if len(locale) == 2:
                await self.bot.set_my_commands(commands(translator(locale)), language_code=locale)

    async def start(self) -> None:
        """Open, then have Telegram post updates to this server, with the secret token."""
        if self.public_base_url is None or self.settings.webhook_secret is None:
            raise SettingsError(
                "TELEGRAM_WEBHOOK_SECRET",
                "PUBLIC_BASE_URL and TELEGRAM_WEBHOOK_SECRET are required to serve the webhook",
            )
        await self.open()
        await self.bot.set_webhook(
            self.public_base_url + WEBHOOK_PATH,
            secret_token=self.settings.webhook_secret,
            allowed_updates=list(ALLOWED_UPDATES),
        )

    async def stop(self) -> None:
        await self.bot.shutdown()

    def routes(self, app: App) -> Sequence[BaseRoute]:
        engine = app.engine
        secret = (self.settings.webhook_secret or "").encode()

        async def webhook(request: Request) -> Response:
            # One secret header exactly: with two, which one a check reads is a matter of luck.
            given = sole_header(request, SECRET_HEADER)
            # Constant time, so the secret cannot be guessed a character at a time.
            if not secret or given is None or not hmac.compare_digest(given.encode(), secret):
                return Response(status_code=403)
            try:
                update = self._update(await read_body(request, MAX_UPDATE_BYTES))
            except TooLarge:
                return Response(status_code=413)
            except Malformed as error:
                log.warning("webhook request not read: %s", error)
                update = None
            if update is None:
                # From the secret's holder, yet unreadable: any answer but a 2xx would have
                # Telegram send it again and again, holding back the updates behind it.
                return Response(status_code=200)
            # Handled (stored, answered, state saved) before the 200: Telegram redelivers
            # anything not acknowledged, and the inbox drops what was already handled.
            replies = await self.answer(engine, update)
            then = BackgroundTask(self.deliver, update, replies)
            return Response(status_code=200, background=then)

        return [Route(WEBHOOK_PATH, webhook, methods=["POST"])]

    def _update(self, body: bytes) -> Update | None:
        """The update a webhook body holds; None (logged) when it holds none."""
        try:
            data = parse_json(body)
        except NotJSON as error:
            log.warning("webhook body is not JSON: %s", error)
            return None
        if not isinstance(data, dict):
            log.warning("webhook body is not a Telegram update: a JSON %s", type(data).__name__)
            return None
        try:
            return Update.de_json(data, self.bot)
        except Exception as error:
            # python-telegram-bot reads any JSON object it is given, and fails on some in any
            # number of ways: none of them is an update Telegram sent.
            log.warning("webhook body is not a Telegram update (%s)", type(error).__name__)
            return None

    async def answer(self, engine: Engine, update: Update) -> list[Outgoing]:
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

    async def process(self, engine: Engine, update: Update) -> None:
        await self.deliver(update, await self.answer(engine, update))
