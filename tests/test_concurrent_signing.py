"""Many residents sign one petition at the same moment, through the storage service as the chat
does: the count is exact wherever it is read, withdrawals and erasures keep it so, and crossing
the threshold notifies each signer exactly once, even signers whose transactions could not see
one another."""

from __future__ import annotations

import argparse
import asyncio
import itertools
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bot.housekeeping import chores
from bot.petition_commands import _list
from conversations.kit import Address
from conversations.petition import PetitionLife, SigningOutcome
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import DELIVERY, PETITION, PETITION_EVENT, PETITION_TALLY, RESIDENT, SIGNATURE
from storage.petitions import StoredSigning, settle, sign
from storage.services import SqlServices
from storage.store import SqlStore
from tests.support.clock import Clock
from tests.support.petitions import open_petition
from tests.support.vault import VAULT

COMMUNE = "141.01.61"
AT_ONCE = 300
_messages = itertools.count()


def _residents(conn: Any, n: int, now: Any) -> list[int]:
    conn.execute(
        RESIDENT.insert(),
        [
            {"channel": "console", "user_id": f"s{i}", "language": "fr", "consent_version": "1",
             "commune_code": COMMUNE, "pushes_enabled": True,
             "created_at": now - timedelta(days=90)}
            for i in range(n)
        ],
    )  # fmt: skip
    return list(conn.execute(select(RESIDENT.c.id).order_by(RESIDENT.c.id)).scalars())


def _as(store: SqlStore, i: int, act: Callable[[SqlServices], Awaitable[Any]]) -> Awaitable[Any]:
    """``act`` in one message's transaction as signer ``i``, its post-commit work included."""

    async def run() -> Any:
        async with store.unit(Address("console", f"s{i}")) as unit:
            assert await unit.open(f"m{next(_messages)}") is not None
            return await act(unit.services)

    return run()


def _signing(code: str, i: int) -> Callable[[SqlServices], Awaitable[Any]]:
    async def act(services: SqlServices) -> Any:
        return await services.petitions.sign_petition(
            code, f"Signer {i}", VAULT.seal(f"AB{100000 + i}")
        )

    return act


async def _crossing_notices(db: Database) -> tuple[int, Counter[int]]:
    """How many threshold events, and each resident's notices of one."""

    def read(conn: Any) -> tuple[int, Counter[int]]:
        events = (
            conn.execute(
                select(PETITION_EVENT.c.id).where(
                    PETITION_EVENT.c.status == PetitionLife.THRESHOLD_REACHED
                )
            )
            .scalars()
            .all()
        )
        keys = [f"petition-event:{event}" for event in events]
        told = conn.execute(
            select(DELIVERY.c.resident_id).where(DELIVERY.c.message_key.in_(keys))
        ).scalars()
        return len(events), Counter(told)

    async with db.transaction() as tx:
        return await tx.run(read)


async def _rows(db: Database) -> int:
    async with db.transaction() as tx:
        return int(
            await tx.run(lambda c: c.execute(select(func.count()).select_from(SIGNATURE)).scalar())
        )


async def _everywhere(
    store: SqlStore, code: str, i: int, capsys: pytest.CaptureFixture[str]
) -> set[str]:
    """The count as each reader shows it: the card, the list of the commune, the signer's
    activity, `hayna petitions list`."""
    card = await _as(store, i, lambda s: s.petitions.petition(code))
    listed = await _as(store, i, lambda s: s.petitions.open_petitions())
    mine = await _as(store, i, lambda s: s.petitions.my_signatures())
    capsys.readouterr()
    await _list(store.db, argparse.Namespace(commune=None, status=None))
    row = next(line for line in capsys.readouterr().out.splitlines() if code in line)
    shown = {f"{c.signatures}/{c.threshold}" for c in (card, *listed, *mine)}
    return shown | {row.split()[3]}


async def test_three_hundred_at_once_one_count_and_one_notice_each(
    db: Database, gazetteer: Gazetteer, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await open_petition(db, clock, COMMUNE, threshold=AT_ONCE)
    store = SqlStore(db, gazetteer, VAULT, clock)
    async with db.transaction() as tx:
        ids = await tx.run(_residents, AT_ONCE, clock())

    signed = await asyncio.wait_for(
        asyncio.gather(*(_as(store, i, _signing(code, i)) for i in range(AT_ONCE))), 120
    )
    assert {s.outcome for s in signed} == {SigningOutcome.SIGNED}
    assert await _rows(db) == AT_ONCE
    assert await _everywhere(store, code, 0, capsys) == {f"{AT_ONCE}/{AT_ONCE}"}
    events, told = await _crossing_notices(db)
    assert events == 1, "the threshold is crossed once"
    assert told == Counter(dict.fromkeys(ids, 1)), "each signer is told once"
    card = await _as(store, 0, lambda s: s.petitions.petition(code))
    assert card.life is PetitionLife.THRESHOLD_REACHED


async def test_withdrawals_and_an_erasure_during_a_burst_keep_the_count_exact(
    db: Database, gazetteer: Gazetteer, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await open_petition(db, clock, COMMUNE, threshold=1000)
    store = SqlStore(db, gazetteer, VAULT, clock)
    async with db.transaction() as tx:
        await tx.run(_residents, 260, clock())
    await asyncio.gather(*(_as(store, i, _signing(code, i)) for i in range(200)))

    def withdrawing(services: SqlServices) -> Awaitable[bool]:
        return services.petitions.withdraw_signature(code)

    async def erasing(services: SqlServices) -> None:
        await services.rights.erase_me()

    # At once: 50 withdraw, 60 more sign, one signer erases their data.
    await asyncio.gather(
        *(_as(store, i, withdrawing) for i in range(50)),
        *(_as(store, i, _signing(code, i)) for i in range(200, 260)),
        _as(store, 199, erasing),
    )
    rows = await _rows(db)
    assert rows == 200 - 50 + 60 - 1
    assert await _everywhere(store, code, 100, capsys) == {f"{rows}/1000"}

    await chores(db, VAULT, clock())  # the hourly fold
    async with db.transaction() as tx:
        column, left = await tx.run(
            lambda c: (
                c.execute(select(PETITION.c.signatures)).scalar_one(),
                c.execute(select(func.count()).select_from(PETITION_TALLY)).scalar_one(),
            )
        )
    assert (column, left) == (rows, 0), "folded: the column alone holds the count"
    assert await _everywhere(store, code, 100, capsys) == {f"{rows}/1000"}


async def test_housekeeping_crosses_a_threshold_whose_check_never_ran(
    db: Database, clock: Clock
) -> None:
    code = await open_petition(db, clock, COMMUNE, threshold=5)
    async with db.transaction() as tx:
        ids = await tx.run(_residents, 2, clock())
        for i, rid in enumerate(ids):
            cin = f"AB{100000 + i}"
            await tx.run(sign, code, rid, f"S {i}", VAULT.key(cin), VAULT.seal(cin), clock())
        # As if the count had reached it without the check after the commit running.
        await tx.run(lambda c: c.execute(update(PETITION).values(threshold=2)))
    await chores(db, VAULT, clock())
    events, told = await _crossing_notices(db)
    assert events == 1 and told == Counter(dict.fromkeys(ids, 1))
    await chores(db, VAULT, clock())
    assert await _crossing_notices(db) == (events, told), "once"


# Only PostgreSQL runs two signers' transactions at once (SQLite has one writer): there, a
# signer may count without one still in flight, and must not miss the crossing for it.


@pytest.fixture
async def pg(pg_database: str) -> Any:
    from tests.support.postgres import empty

    await empty(pg_database)
    database = Database.open(pg_database)
    yield database
    await database.close()


async def _held(
    db: Database, code: str, rid: int, i: int, signed: asyncio.Event, release: asyncio.Event
) -> StoredSigning:
    """A signature whose transaction stays open until ``release``."""
    cin = f"AB{200000 + i}"
    async with db.transaction() as tx:
        result = await tx.run(sign, code, rid, f"S {i}", VAULT.key(cin), VAULT.seal(cin), Clock()())
        signed.set()
        await release.wait()
    return result


async def test_two_signers_blind_to_each_other_cross_after_their_commits(
    pg: Database, clock: Clock
) -> None:
    code = await open_petition(pg, clock, COMMUNE, threshold=2)
    async with pg.transaction() as tx:
        a, b = await tx.run(_residents, 2, clock())
    events = [asyncio.Event() for _ in range(4)]
    first = asyncio.create_task(_held(pg, code, a, 0, events[0], events[1]))
    second = asyncio.create_task(_held(pg, code, b, 1, events[2], events[3]))
    await asyncio.wait_for(asyncio.gather(events[0].wait(), events[2].wait()), 10)
    events[1].set()
    events[3].set()
    signed = await asyncio.gather(first, second)
    # Each counted 1 of 2: neither could cross in its own transaction.
    assert [s.unsettled for s in signed] != [None, None]
    assert await _crossing_notices(pg) == (0, Counter())
    for result, rid in zip(signed, (a, b), strict=True):
        if result.unsettled is not None:
            async with pg.transaction() as tx:
                await tx.run(settle, result.unsettled, rid, clock())
    assert await _crossing_notices(pg) == (1, Counter({a: 1, b: 1}))


async def test_a_signer_that_loses_the_crossing_is_still_told(pg: Database, clock: Clock) -> None:
    code = await open_petition(pg, clock, COMMUNE, threshold=2)
    async with pg.transaction() as tx:
        early, a, b = await tx.run(_residents, 3, clock())
        await tx.run(sign, code, early, "S", VAULT.key("AB100001"), VAULT.seal("AB100001"), clock())
    events = [asyncio.Event() for _ in range(4)]
    first = asyncio.create_task(_held(pg, code, a, 0, events[0], events[1]))
    await asyncio.wait_for(events[0].wait(), 10)  # crossed, not committed yet
    second = asyncio.create_task(_held(pg, code, b, 1, events[2], events[3]))
    await asyncio.sleep(0.3)
    assert not events[2].is_set(), "the second waits on the first's crossing"
    events[1].set()
    events[3].set()
    won, lost = await asyncio.wait_for(asyncio.gather(first, second), 10)
    assert won.unsettled is None and lost.unsettled is None
    assert await _crossing_notices(pg) == (1, Counter({early: 1, a: 1, b: 1}))
