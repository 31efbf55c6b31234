""" "Is it fixed?" on SQLite and PostgreSQL: 4 weeks after a report is resolved, or 8 weeks
without an answer, its reporter and supporters are asked once (whatever the rounds); a "no"
reopens a resolved report, the history saying so, a "yes" confirms it; the share of "not
fixed" is counted; in the chat the question waits under My activity, in the four languages."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import build_engine
from bot.i18n import translator
from conversations.fixed_check import Pending, Said, question
from conversations.report import Category, Draft, ReportStatus
from conversations.text import _, from_json
from storage import fixed_checks, reports
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import DELIVERY, REPORT, REPORT_EVENT
from tests.resident import FakeResident
from tests.support.cli import run as hayna
from tests.support.clock import Clock
from tests.support.deliveries import add_resident
from tests.support.petitions import onboard
from tests.support.vault import VAULT

COMMUNE = "TEST-001"


def need(commune: str = COMMUNE) -> Draft:
    return Draft(Category.LIGHTING, "", commune, "Derb Nour", None, None, "Lampe éteinte", ())


async def run(db: Database, work, *args):  # type: ignore[no-untyped-def]
    async with db.transaction() as tx:
        return await tx.run(work, *args)


async def status_of(db: Database, ref: str) -> ReportStatus:
    found = await run(
        db, lambda c: c.execute(select(REPORT.c.status).where(REPORT.c.ref == ref)).scalar_one()
    )
    return ReportStatus(found)


async def test_asked_once_then_a_no_reopens_and_a_yes_confirms(db: Database, clock: Clock) -> None:
    amina, omar = [await add_resident(db, clock, user, "fr") for user in ("amina", "omar")]
    ref = await run(db, reports.file, amina, need(), clock())
    await run(db, reports.support, ref, omar, clock())
    await run(db, reports.set_status, ref, ReportStatus.RESOLVED, "", "organizer", clock())
    clock.advance(days=27)
    assert await run(db, fixed_checks.ask_due, clock()) == [], "not before 4 weeks"
    clock.advance(days=2)
    assert await run(db, fixed_checks.ask_due, clock()) == [ref]
    assert await run(db, fixed_checks.ask_due, clock()) == [], "once"
    bodies = await run(
        db,
        lambda c: c.execute(
            select(DELIVERY.c.resident_id, DELIVERY.c.body).where(
                DELIVERY.c.message_key.like("fixed-check:%")
            )
        ).all(),
    )
    assert sorted(r.resident_id for r in bodies) == [amina, omar]
    said = from_json(json.loads(bodies[0].body)).render(translator("fr"))
    assert ref in said
    assert await run(db, fixed_checks.pending, amina) == Pending(ref, True)
    assert await run(db, fixed_checks.answer, amina, ref, Said.NOT_FIXED, clock())
    assert not await run(db, fixed_checks.answer, amina, ref, Said.FIXED, clock()), "once"
    assert await status_of(db, ref) is ReportStatus.RECEIVED
    actors = await run(
        db,
        lambda c: (
            c.execute(select(REPORT_EVENT.c.actor).order_by(REPORT_EVENT.c.id)).scalars().all()
        ),
    )
    assert actors[-1] == "residents: not fixed", "the history says who reopened it, and why"
    assert await run(db, fixed_checks.pending, amina) is None
    assert await run(db, fixed_checks.answer, omar, ref, Said.FIXED, clock())
    assert await status_of(db, ref) is ReportStatus.RESOLVED
    rate = await run(db, fixed_checks.rate, COMMUNE)
    assert (rate.asked, rate.answered, rate.not_fixed, rate.share) == (2, 2, 1, 0.5)


async def test_a_report_without_an_answer_for_eight_weeks(db: Database, clock: Clock) -> None:
    amina = await add_resident(db, clock, "amina", "fr")
    ref = await run(db, reports.file, amina, need(), clock())
    clock.advance(weeks=7)
    assert await run(db, fixed_checks.ask_due, clock()) == []
    clock.advance(weeks=1, minutes=1)
    assert await run(db, fixed_checks.ask_due, clock()) == [ref]
    assert await run(db, fixed_checks.pending, amina) == Pending(ref, False)
    await run(db, fixed_checks.answer, amina, ref, Said.NOT_FIXED, clock())
    assert await status_of(db, ref) is ReportStatus.RECEIVED, "still waiting: counted only"
    assert (await run(db, fixed_checks.rate, None)).not_fixed == 1


@pytest.mark.parametrize("language", ["ar", "fr", "zgh", "zgh_Latn", "en"])
async def test_in_the_chat_the_question_waits_under_my_activity(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock, language: str
) -> None:
    amina = FakeResident(build_engine(sqlite_db, gazetteer, VAULT, clock), "amina")
    commune = await onboard(amina, language)
    resident = await run(
        sqlite_db, lambda c: c.exec_driver_sql("SELECT id FROM resident").scalar_one()
    )
    ref = await run(sqlite_db, reports.file, resident, need(commune), clock())
    await run(sqlite_db, reports.set_status, ref, ReportStatus.RESOLVED, "", "org", clock())
    clock.advance(weeks=5)
    await run(sqlite_db, fixed_checks.ask_due, clock())
    await amina.say("menu")
    await amina.tap("activity")
    assert question(Pending(ref, True)).render(translator(language)) in amina.text
    assert amina.option_ids == ["fixed", "not_fixed", "later"]
    await amina.say("peut-être")
    assert amina.option_ids == ["fixed", "not_fixed", "later"], "asked again"
    await amina.tap("not_fixed")
    thanks = _("Thank you: the organizers will see that {ref} is not fixed.", ref=ref)
    assert thanks.render(translator(language)) in amina.texts[0]
    assert "reports" in amina.option_ids, "then My activity"
    assert await status_of(sqlite_db, ref) is ReportStatus.RECEIVED
    await amina.say("menu")
    await amina.tap("activity")
    assert "reports" in amina.option_ids, "asked once: not again"


def test_hayna_reports_list_says_the_share_not_fixed(tmp_path: Path, clock: Clock) -> None:
    assert hayna(tmp_path, "db", "upgrade", HAYNA_SECRET_KEY="k" * 40).returncode == 0
    db = Database.open(f"sqlite:///{tmp_path / 'hayna.db'}")

    async def seed() -> None:
        try:
            amina = await add_resident(db, clock, "amina", "fr")
            ref = await run(db, reports.file, amina, need("141.01.61"), clock())
            await run(db, reports.set_status, ref, ReportStatus.RESOLVED, "", "org", clock())
            clock.advance(weeks=5)
            await run(db, fixed_checks.ask_due, clock())
            await run(db, fixed_checks.answer, amina, ref, Said.NOT_FIXED, clock())
        finally:
            await db.close()

    asyncio.run(seed())
    listed = hayna(tmp_path, "reports", "list", HAYNA_SECRET_KEY="k" * 40).stdout
    assert "is it fixed? asked 1, answered 1, not fixed 1 (100% of the answers)" in listed
