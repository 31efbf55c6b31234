"""Telegram's pace against the fake Bot API: 429 bursts waited out with nothing sent inside a
retry_after window and every message arriving once, 403 making a resident unreachable, replies
going before queued pushes, chats and groups spaced."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest
from sqlalchemy import select
from telegram import Update

from bot.app import build_engine
from bot.dispatcher import Dispatcher
from bot.i18n import translator
from conversations.kit import Address, Inbound, Outgoing
from conversations.seams import Push, TransientFailure, Unreachable
from conversations.text import _
from handlers.pacing import Pace
from handlers.telegram.channel import TelegramChannel
from handlers.telegram.inbound import Chat
from handlers.telegram.pace import TelegramPace
from handlers.telegram.settings import TelegramSettings
from storage.database import Database
from storage.deliveries import DeliveryQueue
from storage.models import DELIVERY, RESIDENT
from tests.fake_telegram import PACED, TOKEN, FakeTelegram
from tests.support.clock import Clock
from tests.support.vault import VAULT

NEWS = _("The meeting is on Saturday at 10.")
CHATS = [7_000_000 + n for n in range(12)]


def assert_nothing_inside_windows(fake: FakeTelegram) -> None:
    for start, end in fake.windows:
        inside = [c for c in fake.calls() if c.method in PACED and start < c.at < end]
        assert not inside, f"sent inside a retry_after window: {inside}"


async def test_pushes_under_429_bursts_arrive_once_and_a_block_makes_unreachable(
    sqlite_db: Database, gazetteer, clock: Clock, fake_telegram: FakeTelegram
) -> None:
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock)
    for n, chat in enumerate(CHATS):  # each resident writes once, so they exist
        await engine.handle(Inbound(Address("telegram", str(chat)), f"u{n}", text="salam"))
    async with sqlite_db.transaction() as tx:
        ids = await tx.run(
            lambda c: dict(c.execute(select(RESIDENT.c.user_id, RESIDENT.c.id)).all())
        )
    queue = DeliveryQueue(sqlite_db)
    for chat in CHATS:
        await queue.enqueue("meeting:1", ids[str(chat)], NEWS.to_json(), clock())

    channel = TelegramChannel(
        TelegramSettings(TOKEN, fake_telegram.url), translator, pace=TelegramPace()
    )
    await channel.bot.initialize()
    fake_telegram.fail("sendMessage", 429, retry_after=1, times=1, after=2)  # one 429...
    fake_telegram.fail("sendMessage", 429, retry_after=1, times=2, after=6)  # ...then two
    blocked = CHATS[4]
    fake_telegram.block(blocked)
    dispatcher = Dispatcher(queue, {"telegram": channel.outbox}, translator, clock)
    began = time.monotonic()
    assert await dispatcher.run_once(batch=50) == len(CHATS)
    elapsed = time.monotonic() - began
    await channel.stop()

    assert len(fake_telegram.windows) == 3
    assert_nothing_inside_windows(fake_telegram)
    assert elapsed >= 3  # three one-second holds, back to back for the last two
    for chat in CHATS:
        expected = 0 if chat == blocked else 1
        assert len(fake_telegram.messages(chat)) == expected, chat
    async with sqlite_db.transaction() as tx:
        statuses = await tx.run(lambda c: list(c.execute(select(DELIVERY.c.status)).scalars()))
        reachable = await tx.run(
            lambda c: c.execute(
                select(RESIDENT.c.reachable).where(RESIDENT.c.user_id == str(blocked))
            ).scalar_one()
        )
    assert sorted(statuses) == ["sent"] * 11 + ["unreachable"]
    assert reachable is False or reachable == 0


async def test_a_reply_waits_out_a_429_and_arrives_once(fake_telegram: FakeTelegram) -> None:
    channel = TelegramChannel(TelegramSettings(TOKEN, fake_telegram.url), translator)
    await channel.bot.initialize()
    fake_telegram.fail("sendMessage", 429, retry_after=1, times=1)
    await channel.sender.reply(Chat(5012345678, True), Outgoing("Merci", locale="fr"))
    await channel.stop()
    first, second = fake_telegram.calls("sendMessage")
    assert second.at - first.at >= 1
    assert [m["text"] for m in fake_telegram.messages(5012345678)] == ["Merci"]
    assert_nothing_inside_windows(fake_telegram)


async def test_a_reply_goes_before_queued_pushes() -> None:
    pace = TelegramPace(rate=50)  # one send every 20 ms
    done: list[str] = []

    async def push(chat: int) -> None:
        await pace.wait(chat, reply=False)
        done.append("push")

    pushes = [asyncio.create_task(push(chat)) for chat in CHATS * 2]
    await asyncio.sleep(0.05)
    before = len(done)
    await pace.wait(1, reply=True)
    overtaken = len(done) - before
    await asyncio.gather(*pushes)
    assert overtaken <= 2, f"the reply waited for {overtaken} pushes"
    assert len(done) == len(CHATS) * 2


async def test_private_chats_and_groups_are_spaced_and_a_hold_stops_everything() -> None:
    pace = TelegramPace(rate=1000, private_interval=0.05, group_interval=0.15)
    private, group = [], []
    for _n in range(3):
        await pace.wait(42, reply=True)
        private.append(time.monotonic())
    for _n in range(3):
        await pace.wait(-1002233445566, reply=False)
        group.append(time.monotonic())
    assert min(b - a for a, b in itertools.pairwise(private)) >= 0.049
    assert min(b - a for a, b in itertools.pairwise(group)) >= 0.149
    pace.hold(0.2)
    held = time.monotonic()
    await pace.wait(None, reply=True)
    assert time.monotonic() - held >= 0.199


async def test_the_token_stays_out_of_the_logs(fake_telegram: FakeTelegram, caplog) -> None:
    caplog.set_level("DEBUG")  # HAYNA_LOG_LEVEL=DEBUG
    channel = TelegramChannel(TelegramSettings(TOKEN, fake_telegram.url), translator)
    await channel.bot.initialize()
    await channel.sender.reply(Chat(5012345678, True), Outgoing("Merci", locale="fr"))
    await channel.stop()
    assert fake_telegram.messages(5012345678)
    assert TOKEN.split(":")[1] not in caplog.text


async def test_a_push_says_unreachable_or_later_as_telegram_answers(
    fake_telegram: FakeTelegram,
) -> None:
    fast = TelegramPace(rate=1000, private_interval=0.001)
    channel = TelegramChannel(TelegramSettings(TOKEN, fake_telegram.url), translator, pace=fast)
    await channel.bot.initialize()
    push = Push(Address("telegram", "5012345678"), Outgoing("Réunion samedi", locale="fr"))
    fake_telegram.fail("sendMessage", 403)
    with pytest.raises(Unreachable):
        await channel.outbox.send(push)
    fake_telegram.fail("sendMessage", 400, description="Bad Request: chat not found")
    with pytest.raises(Unreachable):
        await channel.outbox.send(push)
    # A claim that ran out while the push waited for the pace: left for the next claim.
    late = Push(push.address, push.message, in_time=lambda: False)
    with pytest.raises(TransientFailure, match="claim ran out"):
        await channel.outbox.send(late)
    fake_telegram.fail("sendMessage", 429, retry_after=30)  # too long to wait in place
    with pytest.raises(TransientFailure) as later:
        await channel.outbox.send(push)
    assert later.value.retry_after == 30
    await channel.stop()
    assert fake_telegram.messages() == []


async def test_a_chats_replies_keep_the_order_of_its_updates(fake_telegram: FakeTelegram) -> None:
    pace = TelegramPace(rate=1000, private_interval=0.1)
    channel = TelegramChannel(TelegramSettings(TOKEN, fake_telegram.url), translator, pace=pace)
    await channel.bot.initialize()
    chat = {"id": 5012345678, "type": "private"}
    sender = {"id": 5012345678, "is_bot": False, "first_name": "Amina"}

    def update(n: int) -> Update:
        message = {"message_id": n, "from": sender, "chat": chat, "date": 1, "text": "x"}
        return Update.de_json({"update_id": n, "message": message}, channel.bot)

    first = [Outgoing(text, locale="fr") for text in ("A1", "A2", "A3")]
    await asyncio.gather(
        channel.deliver(update(1), first),
        channel.deliver(update(2), [Outgoing("B1", locale="fr")]),
    )
    await channel.stop()
    assert [m["text"] for m in fake_telegram.messages()] == ["A1", "A2", "A3", "B1"]


def test_take_books_a_slot_only_when_it_is_due() -> None:
    now = [0.0]
    pace = Pace(10, lambda: now[0])
    assert pace.take() == 0.0
    assert pace.take() == pytest.approx(0.1)
    assert pace.take() == pytest.approx(0.1)  # asking again booked nothing
    now[0] = 0.1
    assert pace.take() == 0.0
    pace.hold(2)
    assert pace.take() == pytest.approx(2.0)
