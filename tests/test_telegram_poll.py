"""`hayna poll` against the fake Bot API: a newcomer onboards and reports a need,
another arrives by a petition's link and signs it, by taps and typed text."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.poll import poll
from bot.settings import Settings
from conversations.text import Verbatim
from handlers.telegram import channel as telegram_channel
from handlers.telegram.pace import TelegramPace
from storage.database import Database
from storage.deliveries import DeliveryQueue
from storage.models import RESIDENT
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.support.cli import hayna, run_until_terminated
from tests.support.telegram import fast
from tests.telegram_user import TelegramUser

PIN = (33.5570, -7.5850)  # Hay Ben M'Sick, Casablanca, where the demo petition is open
KEY = "poll-test-secret-key-long-enough-for-hayna-0123456789"


async def onboard(user: TelegramUser, first: str, language: str) -> None:
    await user.say(first)
    await user.tap(language)
    await user.tap("agree")
    asked = user.fake.messages(user.id)[-1]
    assert asked["reply_markup"]["keyboard"][0][0]["request_location"] is True
    await user.share_location(*PIN)
    await user.tap(user.options[0])  # the commune the pin fell in


async def report_a_need(amina: TelegramUser) -> None:
    await onboard(amina, "/start", "fr")
    await amina.tap("report")
    await amina.tap("lighting")
    await amina.share_location(*PIN)
    if "different" in amina.options:  # the demo's reports nearby are offered first
        await amina.tap("different")
    await amina.say("Le lampadaire devant l'école est éteint depuis deux semaines.")
    await amina.send_photo("AgACAgQ-lamp-photo")
    await amina.tap("done")
    assert amina.options == ["confirm", "change", "cancel"]
    await amina.tap("confirm")


async def sign_by_link(karim: TelegramUser, code: str) -> None:
    await onboard(karim, f"/start p_{code}", "ar")
    await karim.tap("sign")  # the link's petition opens once onboarding is done
    await karim.tap("agree")
    await karim.say("كريم الإدريسي")
    await karim.say("BK654321")
    await karim.tap("yes")
    await karim.tap("confirm")


def test_poll_onboards_reports_and_signs(
    tmp_path: Path, fake_telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The scripted residents answer faster than a person can read: no flood limit for them, and
    # Telegram's pace shortened (tests/test_telegram_pace.py is about the pace itself).
    extra = {"HAYNA_SECRET_KEY": KEY, "HAYNA_FLOOD_BURST": "1000"}
    monkeypatch.setattr(telegram_channel, "TelegramPace", fast)
    demo = hayna(tmp_path, "demo", **extra)
    assert demo.returncode == 0, demo.stderr
    code = re.search(r"petition codes: (\w+)", demo.stdout).group(1)
    bot = run_until_terminated(
        tmp_path,
        "poll",
        meanwhile=lambda: asyncio.run(converse(fake_telegram, code)),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake_telegram.url,
        **extra,
    )
    assert bot.returncode == 0, bot.stderr
    assert "polling Telegram as @hayna_test_bot" in bot.stdout

    methods = [call.method for call in fake_telegram.calls()]
    assert methods.index("deleteWebhook") < methods.index("getUpdates")
    assert methods.count("setMyCommands") == 4
    keyboards = [m for m in fake_telegram.messages() if "inline_keyboard" in m["reply_markup"]]
    assert len(keyboards) >= 15
    assert len(fake_telegram.calls("answerCallbackQuery")) == methods.count(
        "editMessageReplyMarkup"
    )
    with sqlite3.connect(tmp_path / "hayna.db") as conn:
        reports = conn.execute(
            "SELECT r.category, r.description, m.ref FROM report r "
            "JOIN report_media m ON m.report_id = r.id JOIN resident p ON p.id = r.resident_id "
            "WHERE p.channel = 'telegram' AND p.user_id = '5012345678'"
        ).fetchall()
        signers = conn.execute(
            "SELECT s.full_name FROM signature s JOIN resident p ON p.id = s.resident_id "
            "WHERE p.channel = 'telegram' AND p.user_id = '6098765432'"
        ).fetchall()
    assert reports == [
        (
            "lighting",
            "Le lampadaire devant l'école est éteint depuis deux semaines.",
            "AgACAgQ-lamp-photo",
        )
    ]
    assert signers == [("كريم الإدريسي",)]


async def converse(fake: FakeTelegram, code: str) -> None:
    async def post(update: dict[str, Any]) -> None:
        await fake.handled(fake.add_update(update))

    amina = TelegramUser(fake, post, 5012345678, "Amina", "fr")
    karim = TelegramUser(fake, post, 6098765432, "Karim", "ar")
    await asyncio.gather(report_a_need(amina), sign_by_link(karim, code))
    assert re.search(r"R-\d{4}-\d+", "\n".join(amina.texts[-3:]))


async def test_poll_rides_out_a_failed_get_updates_sends_pushes_and_stops_on_its_event(
    tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'hayna.db'}",
            "HAYNA_SECRET_KEY": KEY,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake_telegram.url,
        }
    )
    fake_telegram.fail("getUpdates", 502, description="Bad Gateway")
    stop = asyncio.Event()
    now = lambda: datetime.now(UTC)  # noqa: E731
    fast = TelegramPace(rate=1000, private_interval=0.001)
    polling = asyncio.create_task(poll(settings, stop, lambda _line: None, fast))

    async def post(update: dict[str, Any]) -> None:
        await fake_telegram.handled(fake_telegram.add_update(update))

    amina = TelegramUser(fake_telegram, post, 5012345678)
    await amina.say("/start")
    assert amina.options[0] == "fr"
    # A notice queued by another process goes out from the poller's dispatcher.
    db = Database(settings.database_url)
    async with db.transaction() as tx:
        resident = await tx.run(lambda c: c.execute(select(RESIDENT.c.id)).scalar_one())
    await DeliveryQueue(db).enqueue("news:1", resident, Verbatim("Réunion samedi").to_json(), now())
    await db.close()
    for _ in range(500):
        if "Réunion samedi" in amina.texts:
            break
        await asyncio.sleep(0.01)
    assert amina.texts[-1] == "Réunion samedi"
    stop.set()
    assert await asyncio.wait_for(polling, 10) == 0
    assert [c.method for c in fake_telegram.calls("getUpdates")].count("getUpdates") >= 2
