"""The WhatsApp webhooks' edge: a form that is not Twilio's (sender, MessageSid, sizes, a repeated
field or signature) is refused before the database, NUL in any other field never fails the
message, and a MediaUrl elsewhere than the Twilio API is neither kept nor fetched."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select
from starlette.datastructures import ImmutableMultiDict
from twilio.request_validator import RequestValidator

from conversations import menu, onboarding
from conversations.report import CATEGORIES
from conversations.report_need import CONFIRM, SKIP
from handlers.whatsapp.fetcher import WhatsAppFetcher
from handlers.whatsapp.messages import to_inbound
from handlers.whatsapp.webhook import MESSAGES, STATUSES
from storage.database import Database
from storage.models import CONVERSATION, INBOX, REPORT, REPORT_MEDIA, RESIDENT
from tests.fake_twilio import SID, TOKEN, running
from tests.support.clock import Clock
from tests.support.logs import problems
from tests.whatsapp_phone import PUBLIC, SENDER, WhatsApp, sign, whatsapp

NUL = "\x00"
LIGHTING = next(option for option in CATEGORIES if option.id == "lighting")


@pytest.fixture
async def chat(db: Database, gazetteer, clock: Clock) -> AsyncIterator[WhatsApp]:
    async with running() as fake, whatsapp(fake, db, gazetteer, clock) as chat:
        yield chat


def message(**fields: str) -> dict[str, str]:
    return {
        "MessageSid": "SM" + "7" * 32,
        "AccountSid": SID,
        "From": "whatsapp:+212600000009",
        "To": SENDER,
        "Body": "Salam",
        "NumMedia": "0",
        "ProfileName": "Karim",
        **fields,
    }


async def rows(db: Database, table) -> list[dict[str, object]]:
    async with db.transaction() as tx:
        found = await tx.run(lambda conn: conn.execute(select(table)).all())
    return [dict(row._mapping) for row in found]


async def nothing_stored(db: Database) -> bool:
    return all([not await rows(db, table) for table in (INBOX, RESIDENT, CONVERSATION)])


async def test_a_repeated_signature_is_refused_whichever_comes_first(chat: WhatsApp) -> None:
    form = message()
    right = sign(PUBLIC + MESSAGES, form)
    for pair in ((right, "d3Jvbmc="), ("d3Jvbmc=", right), (right, right)):
        headers = [("X-Twilio-Signature", value) for value in pair]
        response = await chat.client.post(MESSAGES, data=form, headers=headers)
        assert response.status_code == 403, pair
    # Nor the header naming the algorithm: each copy could name another.
    settings = "X-Twilio-Webhooks-Signature-Settings"
    headers = [("X-Twilio-Signature", right), (settings, "key=k"), (settings, "algorithm=x")]
    response = await chat.client.post(MESSAGES, data=form, headers=headers)
    assert response.status_code == 403
    assert await nothing_stored(chat.app.db)


NOT_TWILIOS = (
    {"From": "whatsapp:+" + "2" * 70},  # longer than resident.user_id
    {"From": "whatsapp:+2126" + NUL},
    {"From": "whatsapp:+212 600000009"},
    {"From": "whatsapp:212600000009"},
    {"From": "whatsapp:+٢١٢٦٠٠٠٠٠٠٠٩"},
    {"MessageSid": "SM" + "7" * 31 + NUL},
    {"MessageSid": "SM" + "x" * 200},  # longer than inbox.message_id
    {"MessageSid": "SM" + "g" * 32},
    {"MessageSid": "AC" + "7" * 32},
    {"MessageSid": " SM" + "7" * 32},
    {"Body": "x" * 20_000},
    {"ProfileName": "K" * 1_000},
    {"ButtonPayload": "p" * 2_000},
    {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/" + "m" * 3_000},
    {"Latitude": "1" * 100, "Longitude": "-7.5"},
)


async def test_a_form_that_is_not_twilios_is_refused_before_the_database(
    chat: WhatsApp, caplog: pytest.LogCaptureFixture
) -> None:
    for fields in NOT_TWILIOS:
        with caplog.at_level(logging.WARNING):
            response = await chat.post(MESSAGES, message(**fields))
        assert response.status_code == 400, fields
        assert problems(caplog.records) == [], fields
        assert await nothing_stored(chat.app.db), fields


async def test_a_repeated_field_is_refused(chat: WhatsApp) -> None:
    pairs = [*message().items(), ("From", "whatsapp:+212600000099")]
    content = str(httpx.QueryParams(pairs))
    signature = sign_pairs(PUBLIC + MESSAGES, pairs)
    headers = {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"}
    response = await chat.client.post(MESSAGES, content=content, headers=headers)
    assert response.status_code == 400
    assert await nothing_stored(chat.app.db)


def sign_pairs(url: str, pairs: list[tuple[str, str]]) -> str:
    """Twilio's signature over a form that repeats a field (every value counts)."""
    return str(RequestValidator(TOKEN).compute_signature(url, ImmutableMultiDict(pairs)))


async def test_a_nul_in_any_other_field_never_fails_the_message(
    chat: WhatsApp, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL refuses NUL in text: a voice note's type carrying one used to fail the report
    at its confirmation, and the whole message with it."""
    phone = chat.phone("+212600000031", f"Ka{NUL}rim")
    phone.locale = "fr"
    media = f"{chat.fake.url}/2010-04-01/Accounts/{SID}/Messages/MM1/Media/ME"
    with caplog.at_level(logging.WARNING):
        await phone.say(f"Sa{NUL}lam")
        await phone.send(ButtonPayload=f"f{NUL}r", Body="")
        await phone.choose(onboarding.AGREE)
        await phone.send(Latitude=f"33.5{NUL}", Longitude="-7.58", Body="")
        await phone.share_location(33.5570, -7.5850)
        await phone.say("1")
        await phone.choose(menu.REPORT)
        await phone.choose(LIGHTING)
        await phone.share_location(33.5570, -7.5850)
        for url, kind in ((media + "1", f"audio/og{NUL}g"), (media + NUL, "audio/ogg")):
            await phone.send(NumMedia="1", MediaUrl0=url, MediaContentType0=kind)
        await phone.say(f"Lampadaire{NUL} éteint")
        await phone.send(NumMedia="1", MediaUrl0=media + "2", MediaContentType0=NUL)
        await phone.choose(SKIP)
        await phone.choose(CONFIRM)
    assert problems(caplog.records) == []
    (report,) = await rows(chat.app.db, REPORT)
    assert str(report["ref"]) in phone.text
    for table in (RESIDENT, REPORT, REPORT_MEDIA):
        found = await rows(chat.app.db, table)
        assert not any(NUL in str(value) for row in found for value in row.values()), table


ELSEWHERE = (
    "file:///etc/passwd",
    "https://evil.example.org/photo.jpg",
    "{api}@evil.example.org/photo.jpg",
    "{api}\\@evil.example.org/",
    "{api}.evil.example.org/photo.jpg",
    "http://127.0.0.2:{port}/2010-04-01/Accounts/AC0/Media/ME1",
)


async def test_a_media_url_outside_the_twilio_api_is_dropped_and_the_text_goes(
    chat: WhatsApp, caplog: pytest.LogCaptureFixture
) -> None:
    api = chat.fake.url
    phone = chat.phone("+212600000032")
    phone.locale = "fr"
    await phone.say("Salam")
    await phone.choose("Français")
    await phone.choose(onboarding.AGREE)
    await phone.share_location(33.5570, -7.5850)
    await phone.say("1")
    await phone.choose(menu.REPORT)
    await phone.choose(LIGHTING)
    await phone.share_location(33.5570, -7.5850)
    await phone.say("Lampadaire éteint")
    for url in ELSEWHERE:
        url = url.format(api=api, port=api.rsplit(":", 1)[1])
        seen = len(caplog.records)
        with caplog.at_level(logging.WARNING):
            await phone.send(
                Body="la photo", NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg"
            )
        said = [r.getMessage() for r in caplog.records[seen:]]
        assert any("dropped: not at the Twilio API" in line for line in said), url
        # The words reached the flow, which still waits for a photo or "No photo".
        assert phone.number_of(SKIP) == 1, url
    await phone.choose(SKIP)
    await phone.choose(CONFIRM)
    (report,) = await rows(chat.app.db, REPORT)
    assert str(report["ref"]) in phone.text
    assert await rows(chat.app.db, REPORT_MEDIA) == []


def test_the_adapter_keeps_media_of_the_configured_api_only() -> None:
    base = "https://api.twilio.com"
    form = message(NumMedia="3", MediaContentType0="image/jpeg", MediaContentType1="image/png")
    form |= {
        "MediaUrl0": base + "/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
        "MediaUrl1": "https://api.twilio.com.evil.example/x",
        "MediaUrl2": "HTTPS://api.twilio.com:443/x",
    }
    (kept,) = to_inbound(form, base).media
    assert kept.ref == form["MediaUrl0"]


async def test_the_fetcher_sends_nothing_outside_the_configured_api() -> None:
    asked: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, content=b"\xff\xd8\xff")

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    fetcher = WhatsAppFetcher(SID, TOKEN, "https://api.twilio.com", client)
    for ref in (
        "file:///etc/passwd",
        "https://evil.example.org/x",
        "https://api.twilio.com@evil.example.org/x",
        "https://api.twilio.com\\@evil.example.org/x",
        "https://api.twilio.com.evil.example.org/x",
        "http://api.twilio.com/x",
        "https://api.twilio.com:8443/x",
    ):
        with pytest.raises(ValueError, match="not a media URL"):
            await fetcher.fetch(ref, 100)
    assert asked == []
    assert await fetcher.fetch("https://api.twilio.com/2010-04-01/x", 100) == b"\xff\xd8\xff"
    assert [str(r.url) for r in asked] == ["https://api.twilio.com/2010-04-01/x"]
    await fetcher.close()


NOT_CALLBACKS = (
    {"MessageSid": "SM" + "1" * 31 + NUL, "MessageStatus": "delivered"},
    {"MessageSid": "x" * 500, "MessageStatus": "delivered"},
    {"MessageSid": "SM" + "1" * 32, "MessageStatus": "failed", "ErrorCode": "6" * 40},
    {"MessageSid": "SM" + "1" * 32, "MessageStatus": "failed", "ErrorCode": f"63{NUL}16"},
)


async def test_a_status_callback_that_is_not_twilios_is_a_bad_request(
    chat: WhatsApp, caplog: pytest.LogCaptureFixture
) -> None:
    for fields in NOT_CALLBACKS:
        with caplog.at_level(logging.WARNING):
            response = await chat.post(STATUSES, {"AccountSid": SID, **fields})
        assert response.status_code == 400, fields
    assert problems(caplog.records) == []
