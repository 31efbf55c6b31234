"""A file sent with a reply on WhatsApp: "my data" answers with a TwiML Media URL that serves the
JSON as text until it expires, then housekeeping deletes it; a slow answer sends it through the
Messages API; erasure takes waiting files with the rest."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from xml.etree import ElementTree

import pytest

from bot.housekeeping import chores
from bot.i18n import translator
from conversations import my_data, onboarding
from conversations.kit import Address, Attachment
from storage.database import Database
from storage.downloads import KEEP
from storage.gazetteer import Gazetteer
from storage.models import DOWNLOAD
from tests.fake_twilio import running
from tests.support.clock import Clock
from tests.support.petitions import PIN
from tests.support.tables import rows
from tests.support.vault import VAULT
from tests.whatsapp_phone import PUBLIC, Phone, WhatsApp, whatsapp

FRENCH = translator("fr")


@pytest.fixture
async def chat(db: Database, gazetteer: Gazetteer, clock: Clock) -> AsyncIterator[WhatsApp]:
    async with running() as fake, whatsapp(fake, db, gazetteer, clock) as chat:
        yield chat


async def onboarded(chat: WhatsApp, number: str = "+212600000007") -> Phone:
    phone = chat.phone(number, "Amina")
    await phone.say("Salam")
    await phone.choose("Français")
    phone.locale = "fr"
    await phone.choose(onboarding.AGREE)
    await phone.share_location(*PIN)
    await phone.say("1")  # the commune found at the pin
    return phone


def media_of(twiml: str) -> list[str]:
    return [media.text or "" for media in ElementTree.fromstring(twiml).iter("Media")]


async def test_my_data_is_served_at_a_media_url_until_it_expires(
    chat: WhatsApp, db: Database, clock: Clock, gazetteer: Gazetteer
) -> None:
    phone = await onboarded(chat)
    response = await phone.say("mes données")

    assert FRENCH.gettext("Here is everything Hayna keeps about you:") in phone.text
    (url,) = media_of(response.text)
    assert url.startswith(PUBLIC + "/files/") and url.endswith("/" + my_data.FILENAME)
    # The document comes last, in a message of its own: Twilio sends no caption with it.
    last = list(ElementTree.fromstring(response.text).iter("Message"))[-1]
    assert [child.tag for child in last] == ["Media"]

    path = url.removeprefix(PUBLIC)
    served = await chat.client.get(path)
    assert served.status_code == 200
    # WhatsApp refuses application/json documents: the JSON goes as UTF-8 text.
    assert served.headers["content-type"] == "text/plain; charset=utf-8"
    assert served.headers["cache-control"] == "no-store"
    (profile,) = json.loads(served.content)["profile"]
    assert profile["commune_code"] == gazetteer.at(*PIN).code
    assert (profile["channel"], profile["user"]) == ("whatsapp", "+212600000007")

    token = path.split("/")[2]
    (row,) = await rows(db, DOWNLOAD)
    assert token not in str(row["token_hash"]), "only the token's hash is stored"
    assert row["expires_at"] == clock() + KEEP
    other = token[:-1] + ("A" if token[-1] != "A" else "B")
    for wrong in (
        f"/files/{other}/{my_data.FILENAME}",
        f"/files/{token}/another-name.json",
        f"/files/{'x' * 500}/{my_data.FILENAME}",
        f"/files/{token}",
        "/files/",
        "/files",
    ):
        assert (await chat.client.get(wrong)).status_code == 404, wrong

    clock.advance(seconds=KEEP.total_seconds() - 1)
    await chores(db, VAULT, clock())
    assert (await chat.client.get(path)).status_code == 200
    assert len(await rows(db, DOWNLOAD)) == 1
    clock.advance(seconds=1)
    assert (await chat.client.get(path)).status_code == 404
    await chores(db, VAULT, clock())
    assert await rows(db, DOWNLOAD) == []


async def test_waiting_copies_are_listed_without_their_contents_and_erased_with_the_data(
    chat: WhatsApp, db: Database
) -> None:
    phone = await onboarded(chat)
    await phone.say("mes données")
    second = await phone.say("mes données")
    assert "1 copie de ce fichier" in phone.text
    served = await chat.client.get(media_of(second.text)[0].removeprefix(PUBLIC))
    (copy,) = json.loads(served.content)["downloads"]
    assert set(copy) == {"file", "created_at", "expires_at"}
    assert len(await rows(db, DOWNLOAD)) == 2

    await phone.choose(my_data.ERASE)
    await phone.choose(my_data.CONFIRM)
    assert await rows(db, DOWNLOAD) == []


async def test_a_slow_answer_sends_the_file_through_the_messages_api(chat: WhatsApp) -> None:
    phone = await onboarded(chat)
    chat.channel.reply_within = 0.0  # every answer is late: it follows through the REST API
    response = await phone.say("mes données")
    assert media_of(response.text) == []
    deadline = time.monotonic() + 5
    while not any("MediaUrl" in sent for sent in chat.fake.messages):
        assert time.monotonic() < deadline, "the file was not sent"
        await asyncio.sleep(0.01)
    *texts, document = chat.fake.messages
    assert "Body" not in document and document["To"] == "whatsapp:+212600000007"
    assert FRENCH.gettext("Here is everything Hayna keeps about you:") in texts[0]["Body"]
    served = await chat.client.get(document["MediaUrl"].removeprefix(PUBLIC))
    assert json.loads(served.content)["profile"][0]["user"] == "+212600000007"


async def test_a_file_for_nobody_stored_gets_no_link(chat: WhatsApp, db: Database) -> None:
    files = chat.channel.files
    assert files is not None
    stranger = Address("whatsapp", "+212600000099")
    assert await files.publish(stranger, Attachment("x.json", "application/json", b"{}")) is None
    assert await rows(db, DOWNLOAD) == []
