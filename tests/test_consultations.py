"""Consultations in storage, on SQLite and PostgreSQL: a draft is checked, published, opened and
closed on time; each kind of answer is read, refused when wrong and changed until it closes;
results come from grouped queries (counts, shares, Borda points, a scale's mean and spread, the
shown free texts, participation); the audience of groups holds; erasure deletes a named
consultation's answers and detaches an anonymous one's. On PostgreSQL, 2,000 residents at once
and one resident from two processes at once each count once."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.i18n import translator
from conversations.consultation import (
    AnswerWhy,
    ConsultationDraft,
    ConsultationLife,
    ConsultationWhy,
    Question,
    QuestionKind,
    Response,
)
from conversations.groups import Answer as Attending
from conversations.groups import GroupKind, MeetingDraft
from conversations.kit import Address
from conversations.text import from_json
from storage import consultations, meetings, rights
from storage.announcements import expand_due
from storage.consultations import AnswerOutcome, ConsultationError
from storage.database import Database
from storage.groups import create_group, join
from storage.models import ANSWER, ANSWER_SET, DELIVERY, RESIDENT
from storage.subject import Subject
from tests.support.clock import Clock
from tests.support.deliveries import add_resident
from tests.support.postgres import empty
from tests.support.vault import VAULT

COMMUNE = "TEST-001"
PRIORITIES = ({"fr": "Éclairage"}, {"fr": "Transport scolaire"}, {"fr": "Eau"}, {"fr": "Sport"})
QUESTIONS = (
    Question(QuestionKind.ONE, {"fr": "Le plus urgent ?", "ar": "الأكثر استعجالا؟"}, PRIORITIES),
    Question(QuestionKind.SEVERAL, {"fr": "Lesquels ?"}, PRIORITIES, most=2),
    Question(QuestionKind.SCALE, {"fr": "Satisfaction ?"}),
    Question(QuestionKind.RANK, {"fr": "Classez trois priorités"}, PRIORITIES),
    Question(QuestionKind.TEXT, {"fr": "Autre chose ?"}, optional=True),
    Question(QuestionKind.YES_NO, {"fr": "Viendrez-vous ?"}),
)


def draft(clock: Clock, **changed: Any) -> ConsultationDraft:
    values: dict[str, Any] = {
        "commune_code": COMMUNE,
        "asked_by": "Association Nour",
        "title": {"fr": "Priorités du quartier", "ar": "أولويات الحي"},
        "purpose": {"fr": "Préparer le budget participatif."},
        "opens_at": clock(),
        "closes_at": clock() + timedelta(days=7),
        "questions": QUESTIONS,
        **changed,
    }
    return ConsultationDraft(**values)


async def run(db: Database, work, *args):  # type: ignore[no-untyped-def]
    async with db.transaction() as tx:
        return await tx.run(work, *args)


async def opened(db: Database, clock: Clock, **changed: Any) -> int:
    made = await run(db, consultations.create, draft(clock, **changed), "organizer", clock())
    assert await run(db, consultations.publish, made, clock()) is ConsultationLife.OPEN
    return made


async def test_a_draft_is_checked_then_opens_and_closes_on_time(db: Database, clock: Clock) -> None:
    refusals = {
        ConsultationWhy.NO_QUESTION: {"questions": ()},
        ConsultationWhy.NO_TEXT: {"title": {"fr": "  "}},
        ConsultationWhy.LANGUAGE: {"title": {"de": "Prioritäten"}},
        ConsultationWhy.OPTIONS: {"questions": (Question(QuestionKind.RANK, {"fr": "?"}, PRIORITIES[:2]),)},  # noqa: E501
        ConsultationWhy.CLOSES_BEFORE_OPENING: {"closes_at": clock() - timedelta(hours=1)},
    }  # fmt: skip
    for why, changed in refusals.items():
        with pytest.raises(ConsultationError) as refused:
            await run(db, consultations.create, draft(clock, **changed), "organizer", clock())
        assert refused.value.refusal.why is why
    later = await run(
        db,
        consultations.create,
        draft(clock, opens_at=clock() + timedelta(days=1), closes_at=clock() + timedelta(days=3)),
        "organizer",
        clock(),
    )
    assert await run(db, consultations.publish, later, clock()) is ConsultationLife.SCHEDULED
    assert await run(db, consultations.publish, later, clock()) is None, "published once"
    clock.advance(days=1)
    assert await run(db, consultations.keep_time, clock()) == ([later], [])
    clock.advance(days=2)
    assert await run(db, consultations.keep_time, clock()) == ([], [later])
    resident = await add_resident(db, clock, "amina", "fr")
    late = await run(
        db, consultations.answer, later, resident, COMMUNE, 2, Response(value=3), clock()
    )
    assert late.outcome is AnswerOutcome.NOT_OPEN


async def test_answers_are_read_refused_changed_and_counted(db: Database, clock: Clock) -> None:
    made = await opened(db, clock)
    residents = [await add_resident(db, clock, f"r{i}", "fr") for i in range(6)]
    wrong = {
        AnswerWhy.TOO_MANY: (0, Response(options=(0, 1))),
        AnswerWhy.NOT_AN_OPTION: (0, Response(options=(9,))),
        AnswerWhy.SCALE: (2, Response(value=6)),
        AnswerWhy.RANK_THREE: (3, Response(options=(0, 1))),
        AnswerWhy.NOT_OPTIONAL: (0, Response(skipped=True)),
        AnswerWhy.TEXT_LENGTH: (4, Response(text="x" * 501)),
    }
    for why, (position, given) in wrong.items():
        refused = await run(
            db, consultations.answer, made, residents[0], COMMUNE, position, given, clock()
        )
        assert (refused.outcome, refused.why) == (AnswerOutcome.REFUSED, why)
    for n, resident in enumerate(residents):
        given = (
            Response(options=(n % 2,)),
            Response(options=(0, 2)),
            Response(value=n % 5 + 1),
            Response(options=(1, 0, 3)),
            Response(skipped=True) if n % 2 else Response(text=f"Un banc, n° {n}"),
            Response(options=(1,)),
        )
        for position, answer in enumerate(given):
            done = await run(
                db, consultations.answer, made, resident, COMMUNE, position, answer, clock()
            )
            assert done.outcome is AnswerOutcome.COUNTED, (position, done)
        await run(db, consultations.complete, made, resident, clock())
    # Changed until it closes: the last answer counts, once.
    again = Response(options=(3,))
    await run(db, consultations.answer, made, residents[0], COMMUNE, 0, again, clock())
    found = await run(db, consultations.results, made)
    one, several, scale, rank, text, yes = found.questions
    assert [o.count for o in one.options] == [2, 3, 0, 1] and one.answered == 6
    assert [o.count for o in several.options] == [6, 0, 6, 0]
    assert scale.spread == (2, 1, 1, 1, 1) and scale.mean == pytest.approx(16 / 6)
    assert [o.points for o in rank.options] == [12, 18, 0, 6], "Borda: 3, 2, 1 points"
    assert (text.answered, text.skipped) == (3, 3)
    assert sorted(t.text for t in text.texts) == ["Un banc, n° 0", "Un banc, n° 2", "Un banc, n° 4"]
    assert [o.count for o in yes.options] == [0, 6] and yes.options[1].share == 1.0
    assert (found.participation.started, found.participation.completed) == (6, 6)
    assert found.participation.curve[-1][1] == 6
    sets = await run(db, lambda c: c.execute(select(func.count()).select_from(ANSWER_SET)).scalar())
    assert sets == 6, "one answer set per resident"


async def test_a_group_audience_reaches_its_members_only(db: Database, clock: Clock) -> None:
    async with db.transaction() as tx:
        youth = await tx.run(create_group, COMMUNE, GroupKind.YOUTH, "", "admin", clock())
    made = await opened(db, clock, group_ids=(youth,))
    everyone = await opened(db, clock)
    member = await add_resident(db, clock, "member", "fr")
    other = await add_resident(db, clock, "other", "fr")
    await run(db, join, youth, member, clock())
    assert await run(db, consultations.open_for, member, COMMUNE, clock()) == [made, everyone]
    assert await run(db, consultations.open_for, other, COMMUNE, clock()) == [everyone]
    assert await run(db, consultations.open_for, other, "TEST-002", clock()) == []


async def test_erasure_deletes_named_answers_and_detaches_anonymous_ones(
    db: Database, clock: Clock
) -> None:
    anonymous = await opened(db, clock)
    named = await opened(db, clock, anonymous=False)
    amina = await add_resident(db, clock, "amina", "fr")
    for made in (anonymous, named):
        text = Response(text="Appelez-moi au 0612345678")
        await run(db, consultations.answer, made, amina, COMMUNE, 4, text, clock())
        await run(
            db, consultations.answer, made, amina, COMMUNE, 0, Response(options=(2,)), clock()
        )
    mine = await run(db, rights.export, Subject(amina, Address("console", "amina")), VAULT)
    answered = dict(mine.sections)["consultation_answers"]
    assert [row.consultation for row in answered] == [anonymous, named]
    await run(db, rights.erase, Subject(amina, Address("console", "amina")), clock())
    kept = await run(db, lambda c: c.execute(select(ANSWER_SET)).all())
    assert [(row.consultation_id, row.resident_id) for row in kept] == [(anonymous, None)]
    texts = await run(db, lambda c: c.execute(select(ANSWER.c.text)).scalars().all())
    assert all("0612345678" not in (t or "") for t in texts)
    found = await run(db, consultations.results, anonymous)
    assert found.questions[0].options[2].count == 1, "the count stays"


async def _residents(db: Database, n: int, clock: Clock) -> list[int]:
    rows = [
        {"channel": "console", "user_id": f"c{i}", "language": "fr", "commune_code": COMMUNE,
         "pushes_enabled": True, "created_at": clock()}
        for i in range(n)
    ]  # fmt: skip
    async with db.transaction() as tx:
        await tx.run(lambda c: c.execute(RESIDENT.insert(), rows))
        return await tx.run(
            lambda c: list(c.execute(select(RESIDENT.c.id).order_by(RESIDENT.c.id)).scalars())
        )


async def test_two_thousand_at_once_and_one_from_two_processes(
    pg_database: str, clock: Clock
) -> None:
    await empty(pg_database)
    db = Database.open(pg_database)
    other = Database.open(pg_database)
    try:
        made = await opened(db, clock)
        residents = await _residents(db, 2_000, clock)

        # In flight at once as a serving process lets them be (its pool holds 20 connections;
        # the others wait for one, which a checkout bounds to 30 s).
        flight = asyncio.Semaphore(200)

        async def answering(resident: int, base: Database) -> None:
            # A resident's two answers in one transaction, as one message could carry them.
            chosen = Response(options=(resident % 4,))
            async with flight, base.transaction() as tx:
                for position, given in ((0, chosen), (2, Response(value=4))):
                    await tx.run(
                        consultations.answer, made, resident, COMMUNE, position, given, clock()
                    )

        await asyncio.wait_for(asyncio.gather(*(answering(r, db) for r in residents)), 120)
        found = await run(db, consultations.results, made)
        assert found.questions[0].answered == 2_000
        assert [o.count for o in found.questions[0].options] == [500] * 4
        assert found.questions[2].spread == (0, 0, 0, 2_000, 0)
        # One resident, two processes, the same moment: one set, one answer.
        both = residents[0]
        await asyncio.wait_for(
            asyncio.gather(*(answering(both, base) for base in (db, other, db, other))), 30
        )
        found = await run(db, consultations.results, made)
        assert found.questions[0].answered == 2_000 and found.participation.started == 2_000
    finally:
        await db.close()
        await other.close()


async def test_its_push_at_opening_and_its_reminder_to_those_who_have_not_answered(
    db: Database, clock: Clock
) -> None:
    answered, silent = [await add_resident(db, clock, user, "ar") for user in ("a", "s")]
    async with db.transaction() as tx:
        await tx.run(lambda c: c.execute(RESIDENT.update().values(commune_code=COMMUNE)))
    opens = clock() + timedelta(hours=2)
    made = await run(
        db,
        consultations.create,
        draft(clock, opens_at=opens, closes_at=opens + timedelta(days=3)),
        "organizer",
        clock(),
    )
    assert await run(db, consultations.publish, made, clock()) is ConsultationLife.SCHEDULED
    assert await expand_due(db, clock()) == 0, "nothing before its time"
    clock.advance(hours=2)
    assert await expand_due(db, clock()) == 2
    assert await run(db, consultations.open_for, silent, COMMUNE, clock()) == [made]
    await run(db, consultations.answer, made, answered, COMMUNE, 2, Response(value=4), clock())
    await run(db, consultations.complete, made, answered, clock())
    clock.advance(days=2)
    assert await expand_due(db, clock()) == 1, "the reminder: only to who has not answered"
    rows = await run(
        db,
        lambda c: c.execute(
            select(DELIVERY.c.resident_id, DELIVERY.c.body).order_by(DELIVERY.c.id)
        ).all(),
    )
    assert [r.resident_id for r in rows] == [answered, silent, silent]
    opening, _, closing = (from_json(json.loads(r.body)).render(translator("ar")) for r in rows)
    assert "أولويات الحي" in opening and "Association Nour" in opening
    assert "أولويات الحي" in closing
    found = await run(db, consultations.results, made)
    assert found.participation.reached == 2


async def test_breakdowns_by_group_and_commune_hide_cells_under_five(
    db: Database, clock: Clock
) -> None:
    async with db.transaction() as tx:
        youth = await tx.run(create_group, COMMUNE, GroupKind.YOUTH, "", "admin", clock())
    made = await opened(db, clock)
    residents = [await add_resident(db, clock, f"b{i}", "fr") for i in range(7)]
    for n, resident in enumerate(residents):
        if n < 5:
            await run(db, join, youth, resident, clock())
        chosen = Response(options=(0 if n < 5 else 1,))
        await run(db, consultations.answer, made, resident, COMMUNE, 0, chosen, clock())
    found = await run(db, consultations.results, made)
    (group,) = found.by_group[0]
    assert group.label == "youth"
    assert [c.count for c in group.cells] == [5, None, None, None], "0 is under 5 too"
    (commune,) = found.by_commune[0]
    assert commune.label == COMMUNE and [c.count for c in commune.cells] == [5, None, None, None]
    assert found.by_group.get(2) is None, "a scale has no options to break down"


async def test_after_a_meeting_only_those_who_said_they_attend_are_asked(
    db: Database, clock: Clock
) -> None:
    coming, maybe, other = [await add_resident(db, clock, u, "fr") for u in ("c", "m", "o")]
    async with db.transaction() as tx:
        await tx.run(lambda c: c.execute(RESIDENT.update().values(commune_code=COMMUNE)))
        meeting = await tx.run(
            meetings.create,
            MeetingDraft(COMMUNE, "Forum", clock() + timedelta(days=1), "Salle", "Budget"),
            "organizer",
            clock(),
        )
        elsewhere = await tx.run(
            meetings.create,
            MeetingDraft("TEST-002", "Ailleurs", clock() + timedelta(days=1), "Salle", "-"),
            "organizer",
            clock(),
        )
        for resident, said in ((coming, Attending.YES), (maybe, Attending.MAYBE)):
            await tx.run(meetings.answer, meeting, resident, said, clock())
    with pytest.raises(ConsultationError) as refused:
        await run(db, consultations.create, draft(clock, meeting_id=elsewhere), "org", clock())
    assert refused.value.refusal.why is ConsultationWhy.NO_MEETING
    made = await opened(db, clock, meeting_id=meeting)
    for resident, shown in ((coming, [made]), (maybe, []), (other, [])):
        assert await run(db, consultations.open_for, resident, COMMUNE, clock()) == shown
    assert await expand_due(db, clock()) == 1, "the push: to who said they attend"
    found = await run(db, consultations.results, made)
    assert found.participation.reached == 1
