"""A chat several people share (a Telegram group) is never a resident: whatever is sent there gets
one answer pointing to a private chat, and nothing is read, stored or remembered."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import build_engine
from bot.i18n import translator
from conversations.engine import Engine
from conversations.flood import Flood, Limit
from conversations.kit import Address, Inbound, Location, Media, MediaKind
from conversations.phrases import SLOW_DOWN, private_only
from storage.database import Database
from storage.models import CONVERSATION, INBOX, RESIDENT
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.petitions import PIN, onboard
from tests.support.vault import VAULT

GROUP = Address("telegram", "-1002233445566")
LINK = "https://t.me/hayna_test_bot"
# Everything that would act for a resident: rights, an organizer code, a petition link, a CIN,
# an option by number or by tap, a place, a photo.
ATTEMPTS: list[dict[str, Any]] = [
    {"text": "/menu"},
    {"text": "my data"},
    {"text": "erase my data"},
    {"text": "ORG K7P2QX9M"},
    {"text": "/start", "start_payload": "p_K7QD2M"},
    {"text": "BE123456"},
    {"text": "1"},
    {"option": "agree"},
    {"location": Location(*PIN)},
    {"media": (Media(MediaKind.PHOTO, "AgACAgQ", "image/jpeg", 1000),)},
]


async def rows(db: Database) -> tuple[int, ...]:
    counts = []
    for table in (INBOX, RESIDENT, CONVERSATION):
        async with db.transaction() as tx:
            query = select(func.count()).select_from(table)
            counts.append(int(await tx.run(lambda c, q=query: c.execute(q).scalar_one())))
    return tuple(counts)


@pytest.fixture
def engine(db: Database, gazetteer: Any, clock: Clock) -> Engine:
    return build_engine(db, gazetteer, VAULT, clock)


@pytest.mark.parametrize("locale", ["ar", "fr", "zgh", "zgh_Latn", "en"])
async def test_a_shared_chat_gets_the_private_chat_answer_and_nothing_is_kept(
    engine: Engine, db: Database, locale: str
) -> None:
    expected = private_only(LINK).render(translator(locale))
    assert LINK in expected
    for i, fields in enumerate(ATTEMPTS):
        msg = Inbound(
            GROUP, f"g{i}", language_hint=locale, shared=True, private_link=LINK, **fields
        )
        (out,) = await engine.handle(msg)
        assert (out.text, out.options, out.attachment, out.locale) == (expected, (), None, locale)
    assert await rows(db) == (0, 0, 0)


async def test_without_a_link_the_answer_says_to_write_privately(engine: Engine) -> None:
    msg = Inbound(GROUP, "g1", text="my data", language_hint="fr", shared=True)
    (out,) = await engine.handle(msg)
    assert out.text == private_only("").render(translator("fr"))
    assert "http" not in out.text and "{link}" not in out.text
    # A language Hayna does not speak gets the default one.
    (out,) = await engine.handle(
        Inbound(GROUP, "g2", text="/menu", language_hint="de", shared=True)
    )
    assert out.text == private_only("").render(translator("ar"))


async def test_a_group_that_was_a_resident_before_keeps_its_data_untouched(
    engine: Engine, db: Database
) -> None:
    """A group that talked to an older Hayna has a resident row: it is neither shown nor changed."""
    before = FakeResident(engine, GROUP.user, channel=GROUP.channel)
    await onboard(before, "fr")
    kept = await rows(db)
    async with db.transaction() as tx:
        query = select(CONVERSATION.c.version)
        version = await tx.run(lambda c: c.execute(query).scalar_one())
    for text in ("my data", "erase my data", "menu"):
        (out,) = await before.send(text=text, shared=True, private_link=LINK)
        assert out.text == private_only(LINK).render(translator("ar"))
        assert out.attachment is None
    assert await rows(db) == kept
    async with db.transaction() as tx:
        assert await tx.run(lambda c: c.execute(query).scalar_one()) == version


async def test_flood_control_still_applies_to_a_shared_chat(
    sqlite_db: Database, gazetteer: Any, clock: Clock
) -> None:
    flood = Flood(Limit(per_minute=1, burst=2))
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock, flood=flood)
    answers = []
    for i in range(5):
        msg = Inbound(GROUP, f"f{i}", text="/menu", language_hint="en", shared=True)
        answers.append([out.text for out in await engine.handle(msg)])
    tr = translator("en")
    assert answers == [[private_only("").render(tr)]] * 2 + [[SLOW_DOWN.render(tr)], [], []]
    assert await rows(sqlite_db) == (0, 0, 0)
