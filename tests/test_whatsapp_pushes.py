"""Pushes on WhatsApp: free text inside the 24-hour window, a template outside it, nothing after
STOP; Twilio's errors and status callbacks recorded on the delivery rows; the sender's pace."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.i18n import translator
from conversations.kit import Address, Outgoing
from conversations.seams import Push, TransientFailure, Unreachable
from conversations.text import _
from handlers.pacing import Pace
from handlers.splitting import units
from handlers.whatsapp.capabilities import MAX_BODY, MAX_VARIABLE
from handlers.whatsapp.outbox import Sender, TwilioRefused, WhatsAppOutbox
from storage.database import Database
from storage.deliveries import LEASE, DeliveryQueue
from storage.models import DELIVERY, RESIDENT
from tests.fake_twilio import SID, TOKEN, FakeTwilio, running
from tests.support.clock import Clock
from tests.whatsapp_phone import PUBLIC, SENDER, TEMPLATES, Phone, WhatsApp

NEWS = _("Notifications are on again.")
STATUS_URL = PUBLIC + "/webhooks/whatsapp/status"


async def joined(chat: WhatsApp, number: str, language: str) -> Phone:
    phone = chat.phone(number)
    await phone.say("Salam")
    await phone.choose({"ar": "العربية", "fr": "Français"}[language], "number")
    return phone


async def queue_news(chat: WhatsApp, clock: Clock, *phones: Phone) -> None:
    queue = DeliveryQueue(chat.app.db)
    async with chat.app.db.transaction() as tx:
        ids = await tx.run(
            lambda conn: dict(conn.execute(select(RESIDENT.c.user_id, RESIDENT.c.id)).all())
        )
    for phone in phones:
        await queue.enqueue("news", ids[phone.number], NEWS.to_json(), clock())


async def deliveries(db: Database) -> dict[str, dict[str, object]]:
    """Each delivery row, by its recipient's number."""
    query = select(RESIDENT.c.user_id, DELIVERY).join(RESIDENT)
    async with db.transaction() as tx:
        found = await tx.run(lambda conn: conn.execute(query).all())
    return {row.user_id: dict(row._mapping) for row in found}


async def test_outside_the_window_a_template_inside_it_text_after_stop_nothing(
    chat: WhatsApp, clock: Clock
) -> None:
    silent = await joined(chat, "+212600000011", "ar")
    clock.advance(hours=24)
    active = await joined(chat, "+212600000012", "fr")
    stopped = await joined(chat, "+212600000013", "fr")
    await stopped.say("STOP")
    clock.advance(hours=1)  # silent for 25 hours; the others wrote an hour ago
    await queue_news(chat, clock, silent, active, stopped)

    assert await chat.app.dispatcher.run_once() == 3

    by_number = {m["To"].removeprefix("whatsapp:"): m for m in chat.fake.messages}
    assert set(by_number) == {silent.number, active.number}
    template = by_number[silent.number]
    assert template["ContentSid"] == TEMPLATES["ar"] and "Body" not in template
    variables = json.loads(template["ContentVariables"])
    assert variables == {"1": NEWS.render(translator("ar"))}
    text = by_number[active.number]
    assert text["Body"] == NEWS.render(translator("fr")) and "ContentSid" not in text
    assert {m["From"] for m in chat.fake.messages} == {SENDER}
    assert {m["StatusCallback"] for m in chat.fake.messages} == {STATUS_URL}

    rows = await deliveries(chat.app.db)
    assert rows[stopped.number]["status"] == "opted_out"
    assert rows[silent.number]["provider_ref"] == template["sid"]
    assert rows[active.number]["provider_ref"] == text["sid"]


async def test_a_push_that_waited_past_its_claim_for_the_pace_is_left_for_the_next_claim(
    chat: WhatsApp, clock: Clock
) -> None:
    amina = await joined(chat, "+212600000031", "fr")
    await queue_news(chat, clock, amina)
    pace = chat.channel.outbox.pace
    waited = pace.wait

    async def slow() -> None:  # a long 429 hold, as seen by the dispatcher's clock
        await waited()
        clock.advance(seconds=LEASE.total_seconds())

    pace.wait = slow  # type: ignore[method-assign]
    await chat.app.dispatcher.run_once()
    assert chat.fake.messages == [], "not sent beside whoever claims it next"
    pace.wait = waited  # type: ignore[method-assign]
    clock.advance(minutes=5)
    await chat.app.dispatcher.run_once()
    assert [m["To"] for m in chat.fake.messages] == ["whatsapp:" + amina.number]


async def test_status_callbacks_move_deliveries_forward_with_the_error_code(
    chat: WhatsApp, clock: Clock
) -> None:
    amina = await joined(chat, "+212600000021", "ar")
    hugo = await joined(chat, "+212600000022", "fr")
    await queue_news(chat, clock, amina, hugo)
    await chat.app.dispatcher.run_once()
    sids = {m["To"].removeprefix("whatsapp:"): m["sid"] for m in chat.fake.messages}

    async def callback(number: str, status: str, code: str = "") -> None:
        form = {"MessageSid": sids[number], "MessageStatus": status, "AccountSid": SID}
        form |= {"ErrorCode": code} if code else {}
        response = await chat.post("/webhooks/whatsapp/status", form)
        assert response.status_code == 204

    await callback(amina.number, "queued")  # not a delivery's status: changes nothing
    await callback(amina.number, "delivered")
    await callback(amina.number, "sent")  # late and out of order: stays delivered
    await callback(hugo.number, "undelivered", "63024")
    await callback(hugo.number, "read")  # nothing moves an undelivered message on

    rows = await deliveries(chat.app.db)
    outcome = {n: (row["status"], row["error_code"]) for n, row in rows.items()}
    assert outcome == {amina.number: ("delivered", None), hugo.number: ("undelivered", "63024")}

    await callback(amina.number, "failed", "63016")  # not after delivered
    assert (await deliveries(chat.app.db))[amina.number]["status"] == "delivered"

    # 63024 (not a WhatsApp user any more) said afterwards: no more pushes tried for Hugo.
    async with chat.app.db.transaction() as tx:
        reachable = await tx.run(
            lambda c: dict(c.execute(select(RESIDENT.c.user_id, RESIDENT.c.reachable)).all())
        )
    assert reachable == {amina.number: True, hugo.number: False}


# Twilio's answers, one outbox call at a time.


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    async with running() as fake:
        yield fake


def outbox(
    fake: FakeTwilio, clock: Clock, templates: dict[str, str] | None = None
) -> WhatsAppOutbox:
    chosen = TEMPLATES if templates is None else templates
    sender = Sender(SID, TOKEN, SENDER, fake.url, STATUS_URL, chosen)
    return WhatsAppOutbox(sender, Pace(1_000), clock=clock)


def push(
    clock: Clock, hours_ago: float | None, text: str = "Votre lampadaire est réparé.", locale="fr"
) -> Push:
    """A push to a resident whose last message is ``hours_ago`` old (None: they never wrote)."""
    last = None if hours_ago is None else clock() - timedelta(hours=hours_ago)
    return Push(Address("whatsapp", "+212600000031"), Outgoing(text, locale=locale), last)


async def test_free_text_refused_outside_the_window_goes_again_as_the_template(
    fake: FakeTwilio, clock: Clock
) -> None:
    fake.fail(400, 63016)
    box = outbox(fake, clock)
    sid = await box.send(push(clock, hours_ago=23.5))
    await box.close()
    assert [r.get("Body") for r in fake.refused] == ["Votre lampadaire est réparé."]
    (sent,) = fake.messages
    assert sent["sid"] == sid and sent["ContentSid"] == TEMPLATES["fr"]


async def test_twilio_errors_become_retries_or_unreachable(fake: FakeTwilio, clock: Clock) -> None:
    box = outbox(fake, clock)
    fake.fail(429, 20429, retry_after="7")
    with pytest.raises(TransientFailure) as busy:
        await box.send(push(clock, hours_ago=1))
    assert busy.value.retry_after == 7
    assert box.pace._held_until > box.pace.clock() + 6  # the whole sender waits
    box.pace = Pace(1_000)

    fake.fail(503, 20500)
    with pytest.raises(TransientFailure):
        await box.send(push(clock, hours_ago=1))
    for code in (21610, 63024, 21211):
        fake.fail(400, code)
        with pytest.raises(Unreachable, match=str(code)):
            await box.send(push(clock, hours_ago=1))
    fake.fail(400, 21656)  # invalid ContentVariables: retried later, within the attempts
    with pytest.raises(TwilioRefused):
        await box.send(push(clock, hours_ago=30))
    assert fake.messages == []
    await box.close()


async def test_twilio_out_of_reach_is_a_transient_failure(clock: Clock) -> None:
    sender = Sender(SID, TOKEN, SENDER, "http://127.0.0.1:9", STATUS_URL, TEMPLATES)
    box = WhatsAppOutbox(sender, Pace(1_000), clock=clock)
    with pytest.raises(TransientFailure, match="unreachable"):
        await box.send(push(clock, hours_ago=1))
    await box.close()


async def test_a_language_without_template_borrows_one_and_none_at_all_gives_up(
    fake: FakeTwilio, clock: Clock
) -> None:
    box = outbox(fake, clock)
    await box.send(push(clock, hours_ago=48, text="ⴰⵣⵓⵍ", locale="zgh"))
    assert fake.messages[-1]["ContentSid"] == TEMPLATES["ar"]
    bare = outbox(fake, clock, templates={})
    for never_or_long_ago in (25, None):
        with pytest.raises(Unreachable, match="TWILIO_TEMPLATES"):
            await bare.send(push(clock, hours_ago=never_or_long_ago))
    assert len(fake.messages) == 1
    await box.close()
    await bare.close()


async def test_long_notices_fit_a_message_and_a_template_variable(
    fake: FakeTwilio, clock: Clock
) -> None:
    long = "\n".join(f"Ligne {n} : le lampadaire de la rue {n} est réparé." for n in range(100))
    box = outbox(fake, clock)
    await box.send(push(clock, hours_ago=2, text=long))
    await box.send(push(clock, hours_ago=26, text=long))
    await box.close()
    text, template = fake.messages
    assert units(text["Body"]) <= MAX_BODY and text["Body"].startswith("Ligne 0 :")
    variable = json.loads(template["ContentVariables"])["1"]
    assert len(variable) <= MAX_VARIABLE and "\n" not in variable and " · Ligne 1 :" in variable


async def test_pushes_go_at_the_senders_pace(fake: FakeTwilio, clock: Clock) -> None:
    moments: list[float] = []
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    box = outbox(fake, clock)
    box.pace = Pace(80, clock=lambda: now[0], sleep=sleep)
    for _push in range(5):
        await box.send(push(clock, hours_ago=1))
        moments.append(now[0])
    assert moments == pytest.approx([0, 1 / 80, 2 / 80, 3 / 80, 4 / 80])
    assert len(fake.messages) == 5
    await box.close()
