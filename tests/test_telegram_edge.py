"""The Telegram webhook's edge: one secret header, a bounded body, anything but an update
answered 200 and forgotten, ids and fields out of Telegram's range refused before the database,
NUL in any field never failing a message, a redelivered tap answered once."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from handlers.telegram.webhook import MAX_UPDATE_BYTES, SECRET_HEADER, WEBHOOK_PATH
from storage.database import Database
from storage.models import CONVERSATION, INBOX, REPORT, REPORT_MEDIA, RESIDENT
from tests.fake_telegram import FakeTelegram
from tests.support.logs import problems
from tests.support.tables import count
from tests.support.telegram import SECRET, update
from tests.telegram_user import TelegramUser

AUTHORIZED = {SECRET_HEADER: SECRET}


async def nothing_stored(db: Database) -> bool:
    return [await count(db, table) for table in (INBOX, RESIDENT, CONVERSATION)] == [0, 0, 0]


async def test_a_repeated_secret_header_is_refused_whichever_comes_first(
    served, db: Database
) -> None:
    client, _channel = served
    for pair in ((SECRET, "wrong"), ("wrong", SECRET), (SECRET, SECRET)):
        headers = [(SECRET_HEADER, value) for value in pair]
        response = await client.post(WEBHOOK_PATH, json=update(), headers=headers)
        assert response.status_code == 403, pair
    assert await nothing_stored(db)


async def test_a_body_over_a_megabyte_is_refused_unread(served, db: Database) -> None:
    client, _channel = served
    padded = {**update(), "padding": "x" * (5 * 1024 * 1024)}
    response = await client.post(WEBHOOK_PATH, json=padded, headers=AUTHORIZED)
    assert response.status_code == 413

    async def chunks():  # no Content-Length: the size is found while reading
        for _ in range(MAX_UPDATE_BYTES // 1000 + 10):
            yield b" " * 1000

    response = await client.post(WEBHOOK_PATH, content=chunks(), headers=AUTHORIZED)
    assert response.status_code == 413
    # Just under the bound, the update is read as usual.
    body = json.dumps({**update(), "padding": "x" * (MAX_UPDATE_BYTES - 1000)}).encode()
    response = await client.post(WEBHOOK_PATH, content=body, headers=AUTHORIZED)
    assert response.status_code == 200
    assert await count(db, INBOX) == 1


DEEP = b'{"update_id": 1, "message": ' + b'{"a": [' * 20_000 + b"]}" * 20_000 + b"}"


NOT_UPDATES = (
    b"not json",
    b"",
    b"\xff\xfe\x00",
    b"[1, 2]",
    b'"an update"',
    b'{"update_id": NaN}',
    b'{"no": "update_id"}',
    b'{"update_id": 1, "message": "text"}',
    b'{"update_id": 1, "message": {"chat": 5}}',
    b'{"update_id": 1, "message": {"message_id": 1, "date": 1e300, "chat": {"id": 1}}}',
    b"[" * 50_000 + b"]" * 50_000,
    DEEP,
    b'{"update_id": 1, "x": 1}' + b"}" * 10,  # trailing garbage
)


async def test_an_authenticated_body_that_is_no_update_is_logged_and_acknowledged(
    served, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """Anything but a 2xx and Telegram would send it again forever, holding back the rest."""
    client, _channel = served
    for body in NOT_UPDATES:
        seen = len(caplog.records)
        with caplog.at_level(logging.WARNING):
            response = await client.post(WEBHOOK_PATH, content=body, headers=AUTHORIZED)
        said = [r.getMessage() for r in caplog.records[seen:]]
        assert response.status_code == 200, body[:40]
        assert any("webhook body" in line for line in said), (body[:40], said)
    assert problems(caplog.records) == []
    assert await nothing_stored(db)


def with_message(**changes: Any) -> dict[str, Any]:
    body = update(update_id=77)
    body["message"].update(changes)
    return body


def with_sender(**changes: Any) -> dict[str, Any]:
    body = update(update_id=78)
    body["message"]["from"].update(changes)
    return body


def with_chat(chat_id: Any) -> dict[str, Any]:
    body = update(update_id=79)
    body["message"]["chat"]["id"] = chat_id
    return body


OUT_OF_RANGE = (
    with_chat(10**70),  # longer than resident.user_id
    with_chat(2**53),
    with_chat("5012345678"),
    with_chat(1.5),
    with_sender(first_name=12),
    with_sender(first_name="A" * 5_000),
    with_sender(language_code=["fr"]),
    with_sender(is_bot="no"),
    with_message(text="x" * 5_000),
    with_message(text={"a": 1}),
    with_message(location={"latitude": 1e308, "longitude": 0}),
    with_message(location={"latitude": "north", "longitude": 0}),
    with_message(
        text=None,
        photo=[
            {
                "file_id": "a",
                "file_unique_id": "u",
                "width": 1,
                "height": 1,
                "file_size": 2**60,
            }
        ],
    ),
    with_message(voice={"file_id": "v" * 2_000, "file_unique_id": "u", "duration": 1}),
    {**update(), "update_id": -1},
    {**update(), "update_id": 2**64},
    {**update(), "update_id": "9001"},
)


async def test_ids_and_fields_out_of_telegrams_range_are_refused_before_the_database(
    served, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    client, _channel = served
    for body in OUT_OF_RANGE:
        with caplog.at_level(logging.WARNING):
            response = await client.post(WEBHOOK_PATH, json=body, headers=AUTHORIZED)
        assert response.status_code == 200, body
        assert problems(caplog.records) == [], body
        assert await nothing_stored(db), body


NUL = "\x00"


async def test_a_nul_in_any_field_never_fails_the_message(
    served, db: Database, fake_telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL refuses NUL in text: a file's type or id carrying one used to fail the report
    at its confirmation, and the whole message with it."""
    client, _channel = served
    ids = iter(range(1, 100))

    async def post(body: dict[str, Any]) -> None:
        body = {"update_id": next(ids), **body}
        response = await client.post(WEBHOOK_PATH, json=body, headers=AUTHORIZED)
        assert response.status_code == 200

    amina = TelegramUser(fake_telegram, post, 5012345678, first_name=f"Ami{NUL}na")
    amina.user["language_code"] = f"fr{NUL}"
    with caplog.at_level(logging.WARNING):
        await amina.say(f"/start p_{NUL}K7QD2M")
        message_id, _options = amina.keyboard()
        tap = {
            "id": f"q{NUL}1",
            "from": amina.user,
            "message": {"message_id": message_id, "chat": amina.chat, "date": 1, "text": "…"},
            "chat_instance": "-1",
            "data": f"f{NUL}r",
        }
        await post({"callback_query": tap})
        assert amina.options == ["agree", "decline"]  # the data, cleaned, named French
        await amina.tap("agree")
        await amina.share_location(33.5570, -7.5850)
        await amina.tap(amina.options[0])
        await amina.say("/report")
        await amina.tap("lighting")
        await amina.share_location(33.5570, -7.5850)
        for voice in (
            {"file_id": "AwAC-voice", "mime_type": f"audio/og{NUL}g"},
            {"file_id": f"AwAC{NUL}-voice", "mime_type": "audio/ogg"},
        ):
            await post(amina.message(voice={**voice, "file_unique_id": "u", "duration": 3}))
        await amina.say(f"Lampadaire{NUL} éteint")
        document = {"file_id": "AgAC-lamp", "file_unique_id": "u", "mime_type": f"image/jp{NUL}eg"}
        await post(amina.message(document=document))
        await amina.tap("skip")
        await amina.tap("confirm")
    assert problems(caplog.records) == []
    assert any("R-" in text for text in amina.texts[-3:]), amina.texts[-3:]
    for table in (RESIDENT, REPORT, REPORT_MEDIA):
        async with db.transaction() as tx:
            kept = await tx.run(lambda c, table=table: c.execute(table.select()).all())
        assert not any(NUL in str(value) for row in kept for value in row), table


async def test_a_redelivered_tap_is_answered_once(
    served, db: Database, fake_telegram: FakeTelegram
) -> None:
    client, _channel = served
    taps: list[dict[str, Any]] = []

    async def post(body: dict[str, Any]) -> None:
        body = {"update_id": 500 + len(taps), **body}
        taps.append(body)
        response = await client.post(WEBHOOK_PATH, json=body, headers=AUTHORIZED)
        assert response.status_code == 200

    amina = TelegramUser(fake_telegram, post, 5012345678)
    await amina.say("salam")
    await amina.tap("fr")
    for _ in range(4):  # Telegram sends it again: the 200 was lost on the way
        response = await client.post(WEBHOOK_PATH, json=taps[-1], headers=AUTHORIZED)
        assert response.status_code == 200
    (answered,) = fake_telegram.calls("answerCallbackQuery")
    assert answered.params["callback_query_id"] == taps[-1]["callback_query"]["id"]
    assert len(fake_telegram.calls("editMessageReplyMarkup")) == 1
    assert await count(db, INBOX) == 2
