"""The council's answer clock on SQLite and PostgreSQL: filing records the deposit day and the
receipt, the answer is due three calendar months on, the organizer is reminded once two weeks
before (however many rounds and processes), each chat signer is told once when the delay ends
unanswered and no one when the council answered first; the lists put overdue petitions first
with their days awaited; a bad deposit is refused."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.i18n import translator
from conversations.answer_clock import Deposit, due_day, remind_now
from conversations.desk import Done
from conversations.engine import Engine
from conversations.petition import PetitionLife
from conversations.petition_rules import PetitionError, PetitionWhy
from conversations.text import from_json
from storage import answer_clock, petitions
from storage.answer_clock import LAPSE, REMINDER, clock_key, keep_answer_clock
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.groups import organizer_label
from storage.models import DELIVERY, PETITION
from storage.operator import Operator
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.deliveries import add_resident
from tests.support.desk import AGADIR, board, make_organizer, signed_in
from tests.support.petitions import onboard, open_petition, sign_by_chat
from tests.support.vault import VAULT

# The tests' clock starts on 22 November 2026 (09:00 UTC, 10:00 in Morocco).
DEPOSITED = date(2026, 11, 22)
DUE = date(2027, 2, 22)


async def filed_petition(
    db: Database,
    clock: Clock,
    actor: str,
    signers: tuple[tuple[str, str], ...],
    deposited: date = DEPOSITED,
) -> str:
    """A petition by ``actor``, opened, signed in the chat by ``signers`` (user, language) and
    filed with receipt R-118, deposited on ``deposited``."""
    new = petitions.NewPetition(
        AGADIR, "Éclairage", "Des lampadaires", "Le texte.", "Installer.", "Fatima", len(signers),
        (clock() + timedelta(days=30)).date(),
    )  # fmt: skip
    async with db.transaction() as tx:
        code = await tx.run(petitions.create, new, actor, clock())
        await tx.run(petitions.move, code, PetitionLife.OPEN, "", actor, clock())
    for number, (user, language) in enumerate(signers):
        resident = await add_resident(db, clock, user, language)
        cin = f"AB{number:06d}"
        async with db.transaction() as tx:
            await tx.run(
                petitions.sign, code, resident, user, VAULT.key(cin), VAULT.seal(cin), clock()
            )
    async with db.transaction() as tx:
        operator = Operator.at_terminal(tx, "Khadija", clock())
        moved = await operator.move_petition(
            code, PetitionLife.FILED, "", Deposit("R-118", deposited)
        )
    assert moved is not None, operator.refusal
    return code


async def queued(db: Database, code: str, kind: str) -> list[tuple[int, str]]:
    """(resident, the body rendered in French) of the clock's deliveries of this kind."""
    async with db.transaction() as tx:
        petition_id = await tx.run(
            lambda c: c.execute(select(PETITION.c.id).where(PETITION.c.code == code)).scalar_one()
        )
        rows = await tx.run(
            lambda c: c.execute(
                select(DELIVERY.c.resident_id, DELIVERY.c.body)
                .where(DELIVERY.c.message_key == clock_key(petition_id, kind))
                .order_by(DELIVERY.c.resident_id)
            ).all()
        )
    return [(r.resident_id, r.body) for r in rows]


def rendered(body: str, locale: str) -> str:
    return from_json(json.loads(body)).render(translator(locale))


def test_the_due_day_is_three_calendar_months_on() -> None:
    assert due_day(DEPOSITED) == DUE
    assert due_day(date(2026, 8, 31)) == date(2026, 11, 30)
    assert due_day(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert due_day(date(2026, 1, 15), 12) == date(2027, 1, 15)
    assert not remind_now(DUE, DUE - timedelta(days=15))
    assert remind_now(DUE, DUE - timedelta(days=14))
    assert not remind_now(DUE, DUE)


async def test_filing_records_the_deposit_the_receipt_and_the_due_day(
    db: Database, clock: Clock
) -> None:
    code = await filed_petition(db, clock, "Khadija", (("amina", "fr"), ("said", "ar")))
    async with db.transaction() as tx:
        row = await tx.run(
            lambda c: c.execute(select(PETITION).where(PETITION.c.code == code)).one()
        )
    assert (row.status, row.deposited_on, row.receipt, row.answer_due) == (
        PetitionLife.FILED, DEPOSITED, "R-118", DUE
    )  # fmt: skip
    assert row.reminded_at is None and row.lapse_told_at is None


async def test_a_bad_deposit_is_refused_and_changes_nothing(db: Database, clock: Clock) -> None:
    new = petitions.NewPetition(
        AGADIR, "T", "S", "B", "R", "Rep", 1, (clock() + timedelta(days=30)).date()
    )
    signer = await add_resident(db, clock, "amina", "fr")
    async with db.transaction() as tx:
        code = await tx.run(petitions.create, new, "Khadija", clock())
        await tx.run(petitions.move, code, PetitionLife.OPEN, "", "Khadija", clock())
        await tx.run(
            petitions.sign, code, signer, "A", VAULT.key("A123456"), VAULT.seal("A123456"), clock()
        )
    for deposit, why in (
        (Deposit("R-1", DEPOSITED + timedelta(days=1)), PetitionWhy.DEPOSIT_AHEAD),
        (Deposit("R-1", DEPOSITED - timedelta(days=1)), PetitionWhy.DEPOSIT_BEFORE_OPENING),
        (Deposit("9" * 41, DEPOSITED), PetitionWhy.RECEIPT_LENGTH),
        (Deposit("  ", DEPOSITED), PetitionWhy.NO_RECEIPT),
    ):
        with pytest.raises(PetitionError) as refused:
            async with db.transaction() as tx:
                await tx.run(petitions.move, code, PetitionLife.FILED, "", "K", clock(), deposit)
        assert refused.value.refusal.why is why
    async with db.transaction() as tx:
        assert await tx.run(petitions.status, code) is PetitionLife.THRESHOLD_REACHED


async def test_the_organizer_who_created_it_is_reminded_once_two_weeks_before(
    db: Database, clock: Clock
) -> None:
    creator = await add_resident(db, clock, "creator", "fr")
    code = await filed_petition(
        db, clock, organizer_label("console", creator), (("amina", "fr"), ("said", "ar"))
    )
    clock.advance(days=(DUE - DEPOSITED).days - 15)  # 15 days before: not yet
    await keep_answer_clock(db, clock())
    assert await queued(db, code, REMINDER) == []
    clock.advance(days=1)
    # Two rounds, and two processes at once: a single reminder.
    await asyncio.gather(keep_answer_clock(db, clock()), keep_answer_clock(db, clock()))
    await keep_answer_clock(db, clock())
    reminders = await queued(db, code, REMINDER)
    assert [resident for resident, _body in reminders] == [creator]
    said = rendered(reminders[0][1], "fr")
    assert code in said and translator("fr").format_date(DUE) in said
    assert await queued(db, code, LAPSE) == []


async def test_an_operators_petition_reminds_the_communes_organizers(
    db: Database, clock: Clock
) -> None:
    first = await add_resident(db, clock, "org1", "fr")
    second = await add_resident(db, clock, "org2", "ar")
    for resident in (first, second):
        await make_organizer(db, clock, resident, AGADIR)
    code = await filed_petition(db, clock, "Khadija", (("amina", "fr"),))
    clock.advance(days=(DUE - DEPOSITED).days - 14)
    async with db.transaction() as tx:
        assert await tx.run(answer_clock.remind, clock()) == [code]
        assert await tx.run(answer_clock.remind, clock()) == []
    assert [resident for resident, _body in await queued(db, code, REMINDER)] == [first, second]


async def test_each_chat_signer_is_told_once_in_their_language_when_the_delay_ends(
    db: Database, clock: Clock
) -> None:
    code = await filed_petition(db, clock, "Khadija", (("amina", "fr"), ("said", "ar")))
    clock.advance(days=(DUE - DEPOSITED).days - 1)
    await keep_answer_clock(db, clock())
    assert await queued(db, code, LAPSE) == []
    clock.advance(days=1)
    await asyncio.gather(keep_answer_clock(db, clock()), keep_answer_clock(db, clock()))
    await keep_answer_clock(db, clock())
    told = await queued(db, code, LAPSE)
    assert len(told) == 2
    for (_resident, body), locale in zip(told, ("fr", "ar"), strict=True):
        said = rendered(body, locale)
        assert code in said and translator(locale).format_date(DUE) in said


async def test_no_end_notice_when_the_council_answered_first(db: Database, clock: Clock) -> None:
    code = await filed_petition(db, clock, "Khadija", (("amina", "fr"),))
    async with db.transaction() as tx:
        await tx.run(petitions.move, code, PetitionLife.ACCEPTED, "", "Khadija", clock())
    clock.advance(days=(DUE - DEPOSITED).days + 1)
    await keep_answer_clock(db, clock())
    assert await queued(db, code, LAPSE) == []
    assert await queued(db, code, REMINDER) == []


async def test_the_dashboard_lists_overdue_petitions_first_with_their_days(
    db: Database, clock: Clock, gazetteer: Gazetteer
) -> None:
    resident = await add_resident(db, clock, "org", "fr")
    await make_organizer(db, clock, resident, AGADIR)
    who = await signed_in(db, clock, resident)
    late = await filed_petition(db, clock, "Khadija", (("amina", "fr"),))
    clock.advance(days=20)
    desk = board(db, gazetteer, clock).petitions
    recent = await filed_petition(
        db, clock, "Khadija", (("said", "ar"),), DEPOSITED + timedelta(days=20)
    )
    # Newest first, but the overdue one before it.
    assert [line.code for line in await desk.petitions(who, None)] == [recent, late]
    clock.advance(days=(DUE - DEPOSITED).days - 20 + 5)  # the first is 5 days overdue
    lines = await desk.petitions(who, None)
    assert [line.code for line in lines] == [late, recent]
    assert lines[0].clock is not None and lines[1].clock is not None
    assert (lines[0].clock.days, lines[0].clock.overdue) == ((DUE - DEPOSITED).days + 5, 5)
    assert (lines[1].clock.days, lines[1].clock.overdue) == ((DUE - DEPOSITED).days - 15, 0)
    page = await desk.petition(who, late)
    assert not isinstance(page, Done) and page.line.clock == lines[0].clock


async def test_a_signers_card_says_when_it_was_filed_and_that_it_awaits_the_answer(
    engine: Engine, sqlite_db: Database, clock: Clock
) -> None:
    amina = FakeResident(engine, "amina")
    code = await open_petition(sqlite_db, clock, await onboard(amina, "en"), threshold=1)
    await sign_by_chat(amina, code, "Amina Alaoui", "AB123456")
    clock.advance(days=3)
    async with sqlite_db.transaction() as tx:
        await tx.run(
            petitions.move, code, PetitionLife.FILED, "", "organizer", clock(),
            Deposit("R-7", DEPOSITED + timedelta(days=1)),
        )  # fmt: skip
    await amina.tap("read")  # the card again, as it is now
    card = "\n".join(amina.texts)
    filed_on = translator("en").format_date(DEPOSITED + timedelta(days=1))
    assert f"Filed with the commune on {filed_on}; it awaits the council's answer." in card
    async with sqlite_db.transaction() as tx:
        await tx.run(petitions.move, code, PetitionLife.ACCEPTED, "", "organizer", clock())
    await amina.tap("read")
    assert "awaits the council's answer" not in "\n".join(amina.texts)
