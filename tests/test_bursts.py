"""Bursts of signatures from new accounts are flagged for the organizers; a day of ordinary
signing by established residents is not."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Connection, insert, select, update

from bot.i18n import translator
from bot.petition_commands import _list
from conversations.kit import Address
from conversations.petition import SigningOutcome
from conversations.text import from_json
from storage.database import Database
from storage.models import DELIVERY, PETITION, PETITION_FLAG, RESIDENT
from storage.petitions import sign
from tests.support.clock import Clock
from tests.support.petitions import open_petition

SIGNERS = 300
ORGANIZER = Address("whatsapp", "+212600000099")


def _residents(conn: Connection, prefix: str, created: list[datetime]) -> list[int]:
    conn.execute(
        insert(RESIDENT),
        [
            {
                "channel": "whatsapp",
                "user_id": f"{prefix}{i}",
                "pushes_enabled": True,
                "created_at": at,
            }
            for i, at in enumerate(created)
        ],
    )
    query = select(RESIDENT.c.id).where(RESIDENT.c.user_id.like(f"{prefix}%"))
    return list(conn.execute(query.order_by(RESIDENT.c.id)).scalars())


def _organizer(conn: Connection, code: str, since: datetime) -> None:
    conn.execute(
        insert(RESIDENT).values(
            channel=ORGANIZER.channel,
            user_id=ORGANIZER.user,
            language="fr",
            pushes_enabled=True,
            created_at=since,
        )
    )
    conn.execute(update(PETITION).where(PETITION.c.code == code).values(created_by=str(ORGANIZER)))


async def _told(db: Database) -> list[str]:
    """The organizer's notices about flags, rendered in French."""
    query = (
        select(DELIVERY.c.body)
        .join(RESIDENT, RESIDENT.c.id == DELIVERY.c.resident_id)
        .where(RESIDENT.c.user_id == ORGANIZER.user, DELIVERY.c.message_key.like("petition-flag:%"))
    )
    async with db.transaction() as tx:
        bodies = await tx.run(lambda c: c.execute(query).scalars().all())
    return [from_json(json.loads(body)).render(translator("fr")) for body in bodies]


async def _campaign(
    db: Database, clock: Clock, account_age: timedelta, spacing: timedelta
) -> tuple[str, list[tuple[int, int]]]:
    """SIGNERS signatures, one every ``spacing``, each from an account ``account_age`` old."""
    code = await open_petition(db, clock, "CASA-TEST", threshold=1000)
    start = clock()
    moments = [start + spacing * i for i in range(SIGNERS)]
    async with db.transaction() as tx:
        # Drafted in the chat by an organizer on WhatsApp: their address is its author.
        await tx.run(_organizer, code, start - timedelta(days=90))
        ids = await tx.run(_residents, "signer-", [at - account_age for at in moments])
        for i, (rid, at) in enumerate(zip(ids, moments, strict=True)):
            signing = await tx.run(sign, code, rid, f"Signer {i}", f"key-{i}", "sealed", at)
            assert signing.outcome is SigningOutcome.SIGNED
        flags = await tx.run(
            lambda c: c.execute(select(PETITION_FLAG.c.signatures, PETITION_FLAG.c.young)).all()
        )
    return code, [tuple(flag) for flag in flags]


async def test_three_hundred_new_accounts_in_two_minutes_are_flagged(
    db: Database, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    code, flags = await _campaign(db, clock, timedelta(minutes=3), timedelta(seconds=0.4))
    # One flag for the hour, raised as soon as the burst was clear.
    assert len(flags) == 1
    total, young = flags[0]
    assert young == total >= 50
    await _list(db, argparse.Namespace(commune=None, status=None))
    assert f"⚑ {code}: 1 burst" in capsys.readouterr().out
    (notice,) = await _told(db)
    assert code in notice and "comptées" in notice


async def test_three_hundred_established_residents_over_a_day_are_not(
    db: Database, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    _code, flags = await _campaign(db, clock, timedelta(days=30), timedelta(seconds=288))
    assert flags == []
    await _list(db, argparse.Namespace(commune=None, status=None))
    assert "⚑" not in capsys.readouterr().out
    assert await _told(db) == []


async def test_new_accounts_signing_at_a_human_pace_are_not_flagged(
    db: Database, clock: Clock
) -> None:
    # A petition shared in a neighbourhood group: newcomers, but a few a minute.
    _code, flags = await _campaign(db, clock, timedelta(minutes=3), timedelta(seconds=60))
    assert flags == []
