"""Telegram's webhook: ``POST /webhooks/telegram`` with the secret token Telegram was given,
checked in constant time before anything is read; the update is handled before the 200."""

from __future__ import annotations

import hmac
import logging
from typing import TYPE_CHECKING

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot, Update

from conversations.seams import Answerer
from handlers.metrics import Refusal
from handlers.telegram.capabilities import CHANNEL
from handlers.webhook_request import (
    Malformed,
    NotJSON,
    TooLarge,
    parse_json,
    read_body,
    sole_header,
)

if TYPE_CHECKING:
    from handlers.telegram.channel import TelegramChannel

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
# An update is a few kilobytes: a text of at most 4,096 characters (about 50 KB at worst once
# JSON escapes every UTF-16 unit), the message it replies to, entities, a keyboard. A megabyte
# is well above any of them, and bounds what a request holding the secret can make us read.
MAX_UPDATE_BYTES = 1024 * 1024


def webhook_route(channel: TelegramChannel, answerer: Answerer, secret_token: str) -> Route:
    """The route Telegram posts updates to; without a secret every request is refused."""
    secret = secret_token.encode()
    metrics = channel.metrics

    async def webhook(request: Request) -> Response:
        # One secret header exactly: with two, which one a check reads is a matter of luck.
        given = sole_header(request, SECRET_HEADER)
        # Constant time, so the secret cannot be guessed a character at a time.
        if not secret or given is None or not hmac.compare_digest(given.encode(), secret):
            metrics.refused(CHANNEL, Refusal.SIGNATURE)
            return Response(status_code=403)
        try:
            update = _update(await read_body(request, MAX_UPDATE_BYTES), channel.bot)
        except TooLarge:
            metrics.refused(CHANNEL, Refusal.TOO_LARGE)
            return Response(status_code=413)
        except Malformed as error:
            log.warning("webhook request not read: %s", error)
            update = None
        if update is None:
            metrics.refused(CHANNEL, Refusal.MALFORMED)
            # From the secret's holder, yet unreadable: any answer but a 2xx would have
            # Telegram send it again and again, holding back the updates behind it.
            return Response(status_code=200)
        # Handled (stored, answered, state saved) before the 200: Telegram redelivers
        # anything not acknowledged, and the inbox drops what was already handled.
        replies = await channel.answer(answerer, update)
        then = BackgroundTask(channel.deliver, update, replies)
        return Response(status_code=200, background=then)

    return Route(WEBHOOK_PATH, webhook, methods=["POST"])


def _update(body: bytes, bot: Bot) -> Update | None:
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
        return Update.de_json(data, bot)
    except Exception as error:
        # python-telegram-bot reads any JSON object it is given, and fails on some in any
        # number of ways: none of them is an update Telegram sent.
        log.warning("webhook body is not a Telegram update (%s)", type(error).__name__)
        return None
