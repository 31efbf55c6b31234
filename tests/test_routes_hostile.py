"""Every route of `hayna serve`'s app, served by uvicorn as in production, walked with a hostile
corpus (bad encodings, huge lengths, deep nesting, wrong methods, odd content types, non-ASCII
and malformed paths, repeated secrets): never a 5xx, never a connection dropped without an
answer, never a traceback in the log."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from bot.app import create_app
from bot.channels import configured_channels
from bot.settings import Settings
from bot.web import web_app
from conversations.kit import Address
from handlers.telegram.webhook import SECRET_HEADER
from tests.fake_telegram import TOKEN as BOT_TOKEN
from tests.fake_telegram import FakeTelegram
from tests.fake_twilio import SID
from tests.fake_twilio import TOKEN as TWILIO_TOKEN
from tests.support.logs import problems
from tests.support.ports import free_port
from tests.support.telegram import SECRET, update
from tests.support.web_session import web_session
from tests.whatsapp_phone import PUBLIC, SENDER, sign

ADMIN = Address("console", "admin")
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW")
# What may stand where a route has a parameter, as a client would put it in the URL.
SEGMENTS = (
    "1-" + "é" * 32,  # non-ASCII where a signature goes: compare_digest refused str
    "é",
    "1-" + "0" * 32,
    "9" * 19 + "-" + "a" * 32,
    "1-" + "A" * 32,
    "%00",
    "%ff%fe",
    "%c0%ae%c0%ae",
    "..%2f..%2fetc%2fpasswd",
    "%E2%80%AE1-abc",
    "🙂" * 50,
    "x" * 5_000,
    "a%20b",
    "1-" + "a" * 31 + "%00",
    "-",
    "",
)
DEEP = b"[" * 100_000 + b"]" * 100_000
BODIES = (
    b"",
    b"\x00" * 64,
    b"\xff\xfe\xfd",
    b"\xed\xa0\x80",  # a lone surrogate in UTF-8
    b"not json & not=a%form%zz",
    b'{"update_id": NaN}',
    b'{"update_id": 1, "message": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_001,
    DEEP,
    b"9" * 10_000,
    b"Body=" + b"%00" * 1_000 + b"&From=whatsapp%3A%2B212600000009",
    b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n\xff\r\n--x--",
    json.dumps(update()).encode(),
    b"x" * (2 * 1024 * 1024),
)
CONTENT_TYPES = (
    None,
    b"application/json",
    b"application/x-www-form-urlencoded; charset=evil",
    b"multipart/form-data; boundary=x",
    b"text/plain; charset=utf-16",
    "é/é".encode("latin-1"),
)


@asynccontextmanager
async def serving(database_url: str, fake_telegram: FakeTelegram) -> AsyncIterator[Starlette]:
    """`hayna serve`'s app with both channels, under uvicorn on a free port of 127.0.0.1."""
    settings = Settings.from_env(
        {
            "DATABASE_URL": database_url,
            "HAYNA_SECRET_KEY": "k" * 40,
            "HAYNA_LOG_LEVEL": "WARNING",
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "TELEGRAM_API_BASE_URL": fake_telegram.url,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TWILIO_ACCOUNT_SID": SID,
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "TWILIO_WHATSAPP_FROM": SENDER,
            "TWILIO_API_BASE_URL": "http://127.0.0.1:9",  # no push goes out
            "PUBLIC_BASE_URL": PUBLIC,
            "HAYNA_ADMINS": str(ADMIN),
        }
    )
    channels = configured_channels(settings)
    app = await create_app(
        settings,
        {channel.name: channel.outbox for channel in channels},
        fetchers={channel.name: channel.fetcher for channel in channels},
    )
    web = web_app(app, channels)
    port = free_port()
    config = uvicorn.Config(web, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:  # noqa: ASYNC110 - uvicorn says it listens by a flag only
                await asyncio.sleep(0.01)
        web.state.port = port
        # A dashboard session of an organizer (HAYNA_ADMINS: every page is theirs to open).
        web.state.session, web.state.csrf = await web_session(app, ADMIN)
        yield web
    finally:
        server.should_exit = True
        async with asyncio.timeout(10):
            await task
        await app.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def served(
    request: pytest.FixtureRequest, tmp_path: Path, fake_telegram: FakeTelegram
) -> AsyncIterator[Starlette]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'hayna.db'}"
    else:
        url = request.getfixturevalue("pg_database")
    async with serving(url, fake_telegram) as web:
        yield web


def paths(web: Starlette, segment: str) -> list[str]:
    """Every route's path, each parameter replaced by ``segment`` (already URL-encoded)."""
    found = []
    for route in web.routes:
        if isinstance(route, Mount):  # the dashboard's stylesheet and its folder
            found.append(f"{route.path}/{segment}")
            continue
        assert isinstance(route, Route)
        found.append(re.sub(r"\{[^}]+\}", lambda _m: segment, route.path))
    return found


def authorizations(path: str, body: bytes) -> Iterable[list[tuple[str, str | bytes]]]:
    """No credential, the right one, and the right one given twice beside a wrong one."""
    yield []
    if path.startswith("/webhooks/telegram"):
        yield [(SECRET_HEADER, SECRET)]
        yield [(SECRET_HEADER, SECRET), (SECRET_HEADER, "wrong")]
    elif path.startswith("/webhooks/whatsapp"):
        form = dict(httpx.QueryParams(body.decode("utf-8", "replace")))
        signed = sign(PUBLIC + path, form)
        yield [("X-Twilio-Signature", signed)]
        yield [("X-Twilio-Signature", signed), ("X-Twilio-Signature", "d3Jvbmc=")]


def hostile_requests(web: Starlette) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The corpus: every method on every route, odd segments, webhook posts of every body,
    content type and credential, and paths httpx would not write itself."""
    for path in paths(web, "1-" + "0" * 32):
        for method in METHODS:
            yield method, path, {}
    # Each odd segment where a route takes one; routes without a parameter were walked above.
    fixed = set(paths(web, "{}"))
    for segment in SEGMENTS:
        taking = {path for path in paths(web, segment) if path not in fixed}
        for path in {*taking, "/" + segment, "/healthz/" + segment}:
            yield "GET", path, {}
    for path in paths(web, "x"):
        if path.startswith("/webhooks"):
            yield from webhook_posts(path)
        elif path.startswith("/dashboard"):
            yield from dashboard_posts(path, web.state.csrf)
    # A query string and a path in scripts httpx would not write itself.
    for target in ("/media/%ff?%00=%ff", "/webhooks/telegram?" + quote("é" * 3000)):
        yield "GET", target, {}
        yield "POST", target, {"content": b"{}"}


# Fields of the dashboard's forms, each as a page would never send it.
FIELDS = (
    {"status": "nonsense", "note": "x" * 5_000},
    {"status": "rejected", "note": ""},
    {"status": "duplicate", "duplicate_of": "%00" * 50},
    {"media": "-1", "reason": "r"},
    {"media": "9" * 30, "reason": "r"},
    {"reason": "x" * 10_000},
    {"language": "xx", "back": "//evil.example/"},
    {"back": "/dashboard/../../etc", "language": "ar"},
    {"pressed": "é" * 100},
)


# Every form of the dashboard is read by the same bounded parser before its token is checked
# (handlers/web/session.py): odd bodies are sent to one form of each kind, not to all.
RAW_BODIES_TO = ("/dashboard/sign-in/", "/dashboard/language", "/dashboard/reports/x/status")


def dashboard_posts(path: str, csrf: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The dashboard's forms with the session's token and odd fields, and odd bodies."""
    for fields in FIELDS:
        yield "POST", path, {"data": {"csrf": csrf, **fields}}
    if not path.startswith(RAW_BODIES_TO):
        return
    for body in BODIES[:6]:
        for kind in CONTENT_TYPES:
            typed = [("Content-Type", kind)] if kind else []
            yield "POST", path, {"content": body, "headers": typed}


def webhook_posts(path: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for body in BODIES:
        for kind in CONTENT_TYPES:
            for credential in authorizations(path, body):
                typed = [("Content-Type", kind)] if kind else []
                yield "POST", path, {"content": body, "headers": credential + typed}


async def test_no_route_answers_a_hostile_request_with_a_5xx_or_a_traceback(
    served: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    web, base = served, f"http://127.0.0.1:{served.state.port}"
    answered: list[tuple[str, str, int]] = []
    # Signed in to the dashboard: its pages answer the corpus, not only its sign-in page.
    cookie = {"Cookie": f"hayna_session={web.state.session}"}
    async with httpx.AsyncClient(base_url=base, timeout=20, headers=cookie) as client:
        assert (await client.get("/dashboard")).status_code == 200, "signed in"
        with caplog.at_level(logging.WARNING):
            for method, path, kwargs in hostile_requests(web):
                response = await client.request(method, path, **kwargs)
                answered.append((method, path[:60], response.status_code))
    failures = [entry for entry in answered if entry[2] >= 500]
    assert failures == []
    assert problems(caplog.records) == []
    assert len(answered) > 800  # the whole corpus went


RAW = (
    b"GET /media/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /media/1-\xc3\xa9\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /files/\x80/\x80 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Odd: \xff\xfe\r\n\r\n",
    b"POST /webhooks/telegram HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 9\r\n"
    b"\r\nhello",
    b"POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"zz\r\nnot hex\r\n0\r\n\r\n",
    b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # TLS spoken to plain HTTP
)


async def test_malformed_http_is_answered_not_dropped(
    served: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    """What httpx would never send, on a raw socket: each gets a status line below 500."""
    port = served.state.port
    with caplog.at_level(logging.WARNING):
        for raw in RAW:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(raw)
            await writer.drain()
            async with asyncio.timeout(10):
                status = await reader.readline()
            writer.close()
            assert re.fullmatch(rb"HTTP/1\.1 [1-4]\d\d .*\r\n", status), (raw[:40], status)
    assert problems(caplog.records) == []
