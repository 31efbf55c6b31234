"""The chat's word for the dashboard, in the four languages: an organizer gets a one-time link
that opens a session once; anyone else is told what the dashboard is for; the question being
asked stays open, so nothing typed so far is lost."""

from __future__ import annotations

import re

import pytest

from bot.app import build_engine
from conversations.desk import LinkWhy, Opened
from conversations.engine import Engine
from storage.database import Database
from storage.desk import SqlSignIn
from storage.gazetteer import Gazetteer
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.organizers import invite
from tests.support.petitions import onboard
from tests.support.vault import VAULT

SITE = "https://hayna.example"
LINK = re.compile(r"https://hayna\.example/dashboard/sign-in/([\w-]+)\?l=(\w+)")


@pytest.mark.parametrize(
    ("language", "word"),
    [("ar", "لوحة التحكم"), ("fr", "tableau de bord"), ("zgh", "ⵜⴰⴼⵍⵡⵉⵜ"), ("en", "dashboard")],
)
async def test_an_organizer_gets_a_link_that_opens_one_session(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock, language: str, word: str
) -> None:
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock, dashboard=SITE)
    amina = FakeResident(engine, "amina")
    commune = await onboard(amina, language)
    await amina.say(f"ORG {await invite(sqlite_db, clock, commune)}")
    await amina.say("menu")
    asked = amina.option_ids
    await amina.say(word)
    found = LINK.search(amina.text)
    assert found, amina.text
    assert found.group(2) == language, "the page opens in the organizer's chat language"
    assert amina.option_ids == asked, "the menu is still there to answer"
    doors = SqlSignIn(sqlite_db, frozenset(), clock)
    assert isinstance(await doors.redeem(found.group(1)), Opened)
    assert await doors.redeem(found.group(1)) is LinkWhy.USED


async def test_a_resident_who_does_not_organize_is_told_what_the_dashboard_is_for(
    engine: Engine, sqlite_db: Database
) -> None:
    omar = FakeResident(engine, "omar")
    await onboard(omar, "en")
    await omar.say("dashboard")
    assert "for the organizers of associations and groups" in omar.text
    assert "/dashboard/sign-in/" not in omar.text
