"""The WhatsApp webhooks' edge: only Twilio's signature over the public URL gets in, a retried
MessageSid has one effect, slow answers follow through the REST API, `hayna serve` wires it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.channel import Wiring
from bot.channels import configured_channels
from bot.settings import SettingsError
from bot.web import web_app
from conversations.kit import Inbound, Outgoing
from handlers.whatsapp.channel import WhatsAppChannel
from handlers.whatsapp.webhook import MESSAGES, STATUSES
from storage.database import Database
from storage.models import CONVERSATION, INBOX, RESIDENT
from tests.fake_twilio import SID, running
from tests.support.clock import Clock
from tests.whatsapp_phone import PUBLIC, SENDER, WhatsApp, settings_for, sign, whatsapp


@pytest.fixture
async def chat(sqlite_db: Database, gazetteer, clock: Clock) -> AsyncIterator[WhatsApp]:
    async with running() as fake, whatsapp(fake, sqlite_db, gazetteer, clock) as chat:
        yield chat


@pytest.fixture
async def chat_on_both(db: Database, gazetteer, clock: Clock) -> AsyncIterator[WhatsApp]:
    """For what the database guarantees: on SQLite and on PostgreSQL."""
    async with running() as fake, whatsapp(fake, db, gazetteer, clock) as chat:
        yield chat


def message(body: str = "Salam", sid: str = "SM" + "1" * 32) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "AccountSid": SID,
        "From": "whatsapp:+212600000009",
        "To": SENDER,
        "Body": body,
        "NumMedia": "0",
        "ProfileName": "Karim",
    }


async def count(db: Database, table) -> int:
    async with db.transaction() as tx:
        query = select(func.count()).select_from(table)
        return int(await tx.run(lambda conn: conn.execute(query).scalar_one()))


async def test_forged_requests_are_refused_and_change_nothing(chat_on_both: WhatsApp) -> None:
    chat = chat_on_both
    form = message()
    tampered = {**form, "Body": "STOP"}
    attempts = {
        "tampered parameter": (tampered, sign(PUBLIC + MESSAGES, form)),
        "missing signature": (form, None),
        "http instead of https": (form, sign(PUBLIC.replace("https", "http") + MESSAGES, form)),
        "another host": (form, sign("https://evil.example.org" + MESSAGES, form)),
        "the address the app sees": (form, sign("http://10.0.0.5:8080" + MESSAGES, form)),
        "another token": (form, "c2lnbmVkIHdpdGggYW5vdGhlciB0b2tlbg=="),
    }
    for what, (sent, signature) in attempts.items():
        headers = {"X-Twilio-Signature": signature} if signature else {}
        response = await chat.client.post(MESSAGES, data=sent, headers=headers)
        assert response.status_code == 403, what
    status = {"MessageSid": "SM" + "2" * 32, "MessageStatus": "delivered"}
    response = await chat.client.post(STATUSES, data=status)
    assert response.status_code == 403
    for table in (INBOX, RESIDENT, CONVERSATION):
        assert await count(chat.app.db, table) == 0


async def test_a_query_string_is_part_of_what_is_signed(chat: WhatsApp) -> None:
    form = message()
    signed = sign(f"{PUBLIC}{MESSAGES}?source=sandbox", form)
    headers = {"X-Twilio-Signature": signed}
    response = await chat.client.post(f"{MESSAGES}?source=sandbox", data=form, headers=headers)
    assert response.status_code == 200
    response = await chat.client.post(f"{MESSAGES}?source=other", data=form, headers=headers)
    assert response.status_code == 403


async def test_a_retried_message_sid_has_one_effect(chat_on_both: WhatsApp) -> None:
    chat = chat_on_both
    form = message()
    answers = [await chat.post(MESSAGES, form) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert "<Message>" in answers[0].text
    assert "<Message>" not in answers[1].text and "<Message>" not in answers[2].text
    assert await count(chat.app.db, INBOX) == 1
    assert await count(chat.app.db, RESIDENT) == 1
    async with chat.app.db.transaction() as tx:
        query = select(CONVERSATION.c.version)
        versions = await tx.run(lambda conn: conn.execute(query).scalars().all())
    assert versions == [1]


@pytest.mark.parametrize(
    "form",
    [
        {"MessageSid": "SM" + "3" * 32, "Body": "no sender"},
        {"From": "whatsapp:+212600000009", "Body": "no sid"},
        {"MessageSid": "SM" + "3" * 32, "From": "+212600000009", "Body": "an SMS"},
    ],
)
async def test_a_signed_form_that_is_no_message_is_a_bad_request(
    chat: WhatsApp, form: dict[str, str]
) -> None:
    response = await chat.post(MESSAGES, form)
    assert response.status_code == 400
    assert await count(chat.app.db, INBOX) == 0


async def test_an_oversized_body_is_refused_unread(chat: WhatsApp) -> None:
    form = message(body="x" * 70_000)
    response = await chat.post(MESSAGES, form)
    assert response.status_code == 413

    async def chunks():  # no Content-Length: the size is found while reading
        for _ in range(100):
            yield b"Body=" + b"x" * 1_000 + b"&"

    response = await chat.client.post(MESSAGES, content=chunks())
    assert response.status_code == 413
    assert await count(chat.app.db, INBOX) == 0


async def test_replies_too_slow_for_twilio_follow_through_the_rest_api(
    sqlite_db: Database, gazetteer, clock: Clock
) -> None:
    release = asyncio.Event()

    class SlowEngine:
        async def handle(self, inbound: Inbound) -> list[Outgoing]:
            await release.wait()
            return [Outgoing("Bonjour", locale="fr"), Outgoing("Et ensuite ?", locale="fr")]

    async with running() as fake, whatsapp(fake, sqlite_db, gazetteer, clock) as chat:
        chat.channel.reply_within = 0.05
        chat.app.engine = SlowEngine()  # type: ignore[assignment]
        response = await chat.post(MESSAGES, message())
        assert response.status_code == 200 and "<Message>" not in response.text
        assert fake.messages == []
        release.set()
        await chat.channel.stop()  # waits for the replies still on their way
        (sent,) = fake.messages
    assert sent["Body"] == "Bonjour\n\nEt ensuite ?"
    assert (sent["To"], sent["From"]) == ("whatsapp:+212600000009", SENDER)


async def test_serve_registers_the_whatsapp_channel_and_its_routes(
    chat: WhatsApp,
) -> None:
    settings = settings_for(chat.fake)
    (channel,) = configured_channels(settings)
    assert isinstance(channel, WhatsAppChannel) and channel.outbox.channel == "whatsapp"
    assert channel.pushes.pace.interval == 1 / 80  # Twilio's default pace for a sender
    paths = {route.path for route in channel.routes(Wiring(chat.app))}  # type: ignore[attr-defined]
    assert paths == {MESSAGES, STATUSES}
    served = {getattr(route, "path", "") for route in web_app(chat.app, [channel]).routes}
    assert {MESSAGES, STATUSES, "/files/{token}/{name}"} <= served
    await channel.stop()
    with pytest.raises(SettingsError, match="PUBLIC_BASE_URL"):
        configured_channels(settings_for(chat.fake, PUBLIC_BASE_URL=""))
    health = await chat.client.get("/healthz")
    assert health.json() == {
        "status": "ok",
        "database": True,
        "channels": ["whatsapp"],
        # The dispatcher runs with the server's lifespan, which this client does not start.
        "senders": {"whatsapp": False},
    }
