"""Residents' questions in storage, on SQLite and PostgreSQL: two organizers on two processes
claim the same question at once and exactly one wins; answered tickets quiet for a week are
closed by the housekeeping (an unanswered one stays open); erasure takes a resident's questions
and leaves an organizer's answers to others without them."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.housekeeping import chores
from conversations.kit import Address
from conversations.question import Claim, QuestionStatus
from storage import questions, rights
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import QUESTION, QUESTION_MESSAGE, RESIDENT
from storage.store import SqlStore
from storage.subject import Subject
from tests.support.clock import Clock
from tests.support.contracts import ADMIN, DEPUTY, acting, settle_in
from tests.support.postgres import empty
from tests.support.vault import VAULT

ORGANIZERS = frozenset({ADMIN, DEPUTY})


async def test_two_organizers_on_two_processes_one_claim_wins(
    pg_database: str, gazetteer: Gazetteer, clock: Clock
) -> None:
    await empty(pg_database)
    one, two = Database.open(pg_database), Database.open(pg_database)
    try:
        first = SqlStore(one, gazetteer, VAULT, clock, ORGANIZERS)
        second = SqlStore(two, gazetteer, VAULT, clock, ORGANIZERS)
        await settle_in(first, "amina")
        for organizer in (ADMIN, DEPUTY):
            await settle_in(first, organizer)
        for round_ in range(20):
            async with acting(first, "amina") as services:
                made = await services.questions.ask(None, f"Question {round_}")
            assert made is not None

            async def claim(store: SqlStore, who: object, ticket: int = made) -> Claim:
                async with acting(store, who) as services:  # type: ignore[arg-type]
                    return await services.questions.claim(ticket)

            won = await asyncio.gather(claim(first, ADMIN), claim(second, DEPUTY))
            assert sorted(won) == [Claim.CLAIMED, Claim.TAKEN], won
    finally:
        await one.close()
        await two.close()


async def test_quiet_answered_questions_close_after_a_week(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    store = SqlStore(db, gazetteer, VAULT, clock, ORGANIZERS)
    await settle_in(store, "amina")
    async with acting(store, "amina") as services:
        answered = await services.questions.ask(None, "Le marché ?")
        waiting = await services.questions.ask(None, "La piscine ?")
    assert answered is not None and waiting is not None
    async with acting(store, ADMIN) as services:
        assert await services.questions.claim(answered) is Claim.CLAIMED
        assert await services.questions.answer(answered, "Le dimanche.", "fr")
    clock.advance(days=6)
    assert await _run(db, questions.close_quiet, clock()) == 0, "not yet a week"
    clock.advance(days=1, minutes=1)
    await chores(db, VAULT, clock())
    async with db.transaction() as tx:
        status = dict(
            await tx.run(lambda c: c.execute(select(QUESTION.c.id, QUESTION.c.status)).all())
        )
    assert status == {answered: QuestionStatus.CLOSED, waiting: QuestionStatus.OPEN}
    async with acting(store, "amina") as services:
        assert not await services.questions.follow_up(answered, "Et le lundi ?"), "closed"
        assert [t.id for t in await services.questions.my_questions()] == [waiting]


async def test_erasure_takes_the_questions_and_keeps_answers_to_others(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    store = SqlStore(db, gazetteer, VAULT, clock, ORGANIZERS)
    for user in ("amina", "karim"):
        await settle_in(store, user)
    async with acting(store, "amina") as services:
        hers = await services.questions.ask(None, "Ma rue ?")
    async with acting(store, "karim") as services:
        his = await services.questions.ask(None, "Mon école ?")
    assert hers is not None and his is not None
    async with acting(store, ADMIN) as services:
        for ticket in (hers, his):
            assert await services.questions.claim(ticket) is Claim.CLAIMED
            assert await services.questions.answer(ticket, "Bientôt.", "fr")
    for user in ("amina", str(ADMIN.user)):
        async with db.transaction() as tx:
            rid = await tx.run(
                lambda c, u=user: c.execute(
                    select(RESIDENT.c.id).where(RESIDENT.c.user_id == u)
                ).scalar_one()
            )
            address = Address("console", user)
            await tx.run(rights.erase, Subject(rid, address), clock())
    async with db.transaction() as tx:
        left = await tx.run(lambda c: c.execute(select(QUESTION)).all())
        said = await tx.run(lambda c: c.execute(select(QUESTION_MESSAGE)).all())
    assert [t.id for t in left] == [his] and left[0].answered_by is None
    assert [m.text for m in said] == ["Mon école ?", "Bientôt."]
    assert all(m.organizer_id is None for m in said)


async def _run(db: Database, fn: object, *args: object) -> int:
    async with db.transaction() as tx:
        return int(await tx.run(fn, *args))  # type: ignore[arg-type]
