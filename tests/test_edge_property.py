"""Arbitrary text and ids through both adapters' real routes, signed as the platforms sign them,
on SQLite and PostgreSQL: every answer is a 2xx or a 4xx, no message fails in the engine nor
leaves a traceback in the log, and no sender or message id is stored that a platform would not
give.

Hypothesis drives a synchronous test, since its examples cannot share pytest-asyncio's loop;
the app lives on an event loop of the test's own, kept for all its examples.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.app import App, build_engine
from bot.dispatcher import Dispatcher
from bot.i18n import translator
from bot.settings import Settings
from bot.web import web_app
from handlers.telegram.channel import TelegramChannel
from handlers.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH
from handlers.whatsapp.channel import WhatsAppChannel
from handlers.whatsapp.webhook import MESSAGES, STATUSES
from storage.database import Database
from storage.deliveries import DeliveryQueue
from storage.gazetteer import Gazetteer
from storage.models import INBOX, RESIDENT
from tests.fake_telegram import TOKEN as BOT_TOKEN
from tests.fake_telegram import FakeTelegram
from tests.fake_twilio import SID
from tests.fake_twilio import TOKEN as TWILIO_TOKEN
from tests.support.clock import Clock
from tests.support.logs import problems
from tests.support.postgres import empty
from tests.support.sqlite import copied
from tests.support.telegram import SECRET, fast
from tests.support.vault import VAULT
from tests.whatsapp_phone import PUBLIC, SENDER, sign

# Nowhere: no push goes out from this test, and no media is fetched.
TWILIO_API = "http://127.0.0.1:9"


def mostly(
    usual: st.SearchStrategy[Any], odd: st.SearchStrategy[Any], one_in: int = 25
) -> st.SearchStrategy[Any]:
    """``odd`` once in ``one_in`` draws, ``usual`` otherwise, so that most examples, drawing many
    fields, go past the first check; examples shrink towards ``usual``."""
    return st.integers(0, one_in - 1).flatmap(lambda n: odd if n == one_in - 1 else usual)


HOSTILE = "\x00\x07\ufdd0\ufffe\U0010ffff\u202e\u200b\r\n\t é٣ⵣ🙂\\\"'<&%+="
text = mostly(
    st.text(st.characters(codec="utf-8"), max_size=60) | st.text(HOSTILE, max_size=30),
    st.integers(1_000, 20_000).map(lambda n: "x" * n),
)
# JSON carries lone surrogates (as \ud800): Telegram's side of the text may hold them too.
json_text = mostly(text, st.text(st.characters(codec=None), max_size=30))
huge = st.integers(-(2**80), 2**80)
SIDS = st.integers(0, 2**128 - 1).map(lambda n: f"SM{n:032x}")
# Ids are where a platform's input reaches a key of the database: odd ones come often.
odd_id = st.one_of(
    st.text("\x00\ufdd0\u202e +-0123456789abcdefSMwhatsap:é", max_size=40),
    st.integers(60, 300).map(lambda n: "SM" + "1" * n),
    huge.map(str),
)


@dataclass
class Served:
    loop: asyncio.AbstractEventLoop
    client: httpx.AsyncClient
    telegram: TelegramChannel
    whatsapp: WhatsAppChannel
    db: Database

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)


@pytest.fixture(params=["sqlite", "postgresql"])
def served(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    gazetteer: Gazetteer,
    fake_telegram: FakeTelegram,
    sqlite_template: Path,
) -> Iterator[Served]:
    """Both channels in one app, on each backend, on a loop of this test's own."""
    loop = asyncio.new_event_loop()
    clock = Clock()
    env = {
        "DATABASE_URL": "sqlite:///unused.db",
        "HAYNA_SECRET_KEY": "test-secret-key-that-is-long-enough-for-hayna",
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_API_BASE_URL": fake_telegram.url,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_WHATSAPP_FROM": SENDER,
        "TWILIO_API_BASE_URL": TWILIO_API,
        "PUBLIC_BASE_URL": PUBLIC,
    }
    config = Settings.from_env(env)
    assert config.telegram is not None and config.whatsapp is not None

    async def start() -> Served:
        if request.param == "sqlite":
            db = copied(sqlite_template, tmp_path / "hayna.db")
        else:
            url = request.getfixturevalue("pg_database")
            await empty(url)
            db = Database.open(url)
        telegram = TelegramChannel(config.telegram, translator, PUBLIC, fast())  # type: ignore[arg-type]
        whatsapp = WhatsAppChannel(config.whatsapp, PUBLIC, clock)  # type: ignore[arg-type]
        outboxes = {"telegram": telegram.outbox, "whatsapp": whatsapp.outbox}
        dispatcher = Dispatcher(DeliveryQueue(db), outboxes, translator, clock)
        engine = build_engine(db, gazetteer, VAULT, clock)
        web = web_app(App(config, db, engine, dispatcher), [telegram, whatsapp])
        await telegram.start()
        transport = httpx.ASGITransport(app=web)
        client = httpx.AsyncClient(transport=transport, base_url="http://10.0.0.5:8080")
        return Served(loop, client, telegram, whatsapp, db)

    both = loop.run_until_complete(start())
    try:
        yield both
    finally:

        async def stop() -> None:
            await both.client.aclose()
            await both.telegram.stop()
            await both.whatsapp.stop()
            await both.db.close()

        loop.run_until_complete(stop())
        loop.close()


@st.composite
def updates(draw: st.DrawFn) -> dict[str, Any]:
    """A Telegram update of any kind Hayna reads, with any text and any id in it."""
    chat_id = draw(mostly(st.sampled_from([5012345678, -1002233445566]), huge | odd_id, 4))
    user = {
        "id": draw(mostly(st.just(5012345678), huge)),
        "is_bot": False,
        "first_name": draw(json_text),
        "language_code": draw(st.one_of(st.none(), st.sampled_from(["fr", "ar"]), json_text)),
    }
    chat = {"id": chat_id, "type": draw(mostly(st.sampled_from(["private", "group"]), json_text))}
    message: dict[str, Any] = {
        "message_id": draw(mostly(st.integers(1, 2**31), huge)),
        "from": user,
        "chat": chat,
        "date": 1764583200,
    }
    file = {
        "file_id": draw(json_text),
        "file_unique_id": "u",
        "file_size": draw(mostly(st.none() | st.integers(0, 10**6), huge)),
        "mime_type": draw(json_text),
        "duration": 1,
    }
    kind = draw(st.sampled_from(["text", "start", "callback", "photo", "voice", "location"]))
    if kind == "text":
        message["text"] = draw(json_text)
    elif kind == "start":
        message["text"] = "/start " + draw(json_text)
    elif kind == "photo":
        message["photo"] = [{**file, "width": draw(mostly(st.just(1280), huge)), "height": 1}]
        message["caption"] = draw(json_text)
    elif kind == "voice":
        message["voice"] = file
    elif kind == "location":
        message["location"] = {"latitude": draw(st.floats()), "longitude": draw(st.floats())}
    update_id = draw(mostly(st.integers(1, 2**31), huge | odd_id, 4))
    if kind != "callback":
        return {"update_id": update_id, "message": message}
    query = {"id": draw(json_text), "from": user, "message": message, "chat_instance": "-1"}
    return {"update_id": update_id, "callback_query": {**query, "data": draw(json_text)}}


@st.composite
def forms(draw: st.DrawFn) -> dict[str, str]:
    """A Twilio form for a WhatsApp message, with any text and any id in it."""
    number = draw(mostly(st.sampled_from(["+212600000001", "+212600000002"]), odd_id, 4))
    sid = draw(mostly(SIDS, odd_id, 4))
    form = {
        "MessageSid": sid,
        "AccountSid": SID,
        "From": draw(mostly(st.just("whatsapp:"), st.just(""))) + number,
        "To": SENDER,
        "Body": draw(text),
        "ProfileName": draw(text),
        "NumMedia": draw(mostly(st.sampled_from(["0", "1", "10", "٣"]), text)),
    }
    media = st.one_of(st.just(TWILIO_API + "/2010-04-01/Accounts/AC1/Media/ME1"), text)
    for name, values in (
        ("ButtonPayload", text),
        ("Latitude", mostly(st.floats().map(str), text)),
        ("Longitude", mostly(st.floats().map(str), text)),
        ("MediaUrl0", media),
        ("MediaContentType0", mostly(st.sampled_from(["image/jpeg", "audio/ogg"]), text)),
    ):
        if draw(st.booleans()):
            form[name] = draw(values)
    return form


@st.composite
def status_callbacks(draw: st.DrawFn) -> dict[str, str]:
    sid = draw(mostly(SIDS, odd_id, 4))
    status = draw(mostly(st.sampled_from(["delivered", "failed", "read", "queued"]), text))
    form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": SID}
    if draw(st.booleans()):
        form["ErrorCode"] = draw(mostly(st.sampled_from(["63016", "21610"]), odd_id, 4))
    return form


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(update=updates(), form=forms(), status=status_callbacks())
def test_any_text_and_ids_through_both_adapters_never_fail(
    served: Served,
    caplog: pytest.LogCaptureFixture,
    update: dict[str, Any],
    form: dict[str, str],
    status: dict[str, str],
) -> None:
    async def send() -> list[int]:
        client = served.client
        body = json.dumps(update, ensure_ascii=True).encode()  # NaN included: not JSON
        headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
        answers = [await client.post(WEBHOOK_PATH, content=body, headers=headers)]
        for path, fields in ((MESSAGES, form), (STATUSES, status)):
            signed = {"X-Twilio-Signature": sign(PUBLIC + path, fields)}
            answers.append(await client.post(path, data=fields, headers=signed))
        return [answer.status_code for answer in answers]

    seen = len(caplog.records)
    with caplog.at_level(logging.WARNING):
        codes = served.run(send())
    assert all(200 <= code < 300 or 400 <= code < 500 for code in codes), codes
    assert codes[0] == 200  # Telegram's: never anything it would send again
    assert problems(caplog.records[seen:]) == []
    assert served.run(odd_keys(served.db)) == []


# What the platforms give as a sender and as a message id, and so all the database may hold.
KEYS = {
    "telegram": (re.compile(r"-?[1-9][0-9]{0,15}"), re.compile(r"[0-9]{1,19}")),
    "whatsapp": (re.compile(r"\+[1-9][0-9]{6,14}"), re.compile(r"(?:SM|MM)[0-9a-fA-F]{32}")),
}


async def odd_keys(db: Database) -> list[tuple[str, str]]:
    """Senders and message ids stored that no platform would give."""
    async with db.transaction() as tx:
        senders = await tx.run(
            lambda c: c.execute(select(RESIDENT.c.channel, RESIDENT.c.user_id)).all()
        )
        ids = await tx.run(lambda c: c.execute(select(INBOX.c.channel, INBOX.c.message_id)).all())
    return [
        (channel, key)
        for rows, which in ((senders, 0), (ids, 1))
        for channel, key in rows
        if not KEYS[channel][which].fullmatch(key)
    ]
