"""Bursts of signatures from brand-new accounts: flagged for the petition's organizers.

What a burst is lives in conversations/burst_rules.py. Here, one count over the petition's
signatures of the window (on the index of signatures by petition and time), joined to the
signers' accounts; a burst raises a `petition_flag` row, once an hour: `hayna petitions list`
shows it, and the organizer who drafted the petition in the chat is told. A flag is a question
for the organizers, not a verdict: nothing is removed.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Connection, case, func, select

from conversations.burst_rules import WINDOW, YOUNG, due, is_burst, window_minutes
from conversations.petition_flags import burst_notice
from storage.deliveries import enqueue
from storage.dialect import insert_ignore
from storage.models import PETITION, PETITION_FLAG, RESIDENT, SIGNATURE

log = logging.getLogger(__name__)

YOUNG_BURST = "young_burst"


def check_due(conn: Connection, petition_id: int, count: int, now: datetime) -> bool:
    """`check`, when the signature that brought the petition to ``count`` is one that checks."""
    return due(count) and check(conn, petition_id, now)


def check(conn: Connection, petition_id: int, now: datetime) -> bool:
    """Raise a flag if the petition's last minutes look like a burst; True when raised now."""
    since = now - WINDOW
    young = case((RESIDENT.c.created_at >= since - YOUNG, 1), else_=0)
    total, new = conn.execute(
        select(func.count(), func.coalesce(func.sum(young), 0))
        .select_from(SIGNATURE)
        .join(RESIDENT, RESIDENT.c.id == SIGNATURE.c.resident_id, isouter=True)
        .where(SIGNATURE.c.petition_id == petition_id, SIGNATURE.c.created_at >= since)
    ).one()
    if not is_burst(int(total), int(new)):
        return False
    raised = insert_ignore(
        conn,
        PETITION_FLAG,
        petition_id=petition_id,
        kind=YOUNG_BURST,
        hour=now.strftime("%Y-%m-%dT%H"),
        signatures=int(total),
        young=int(new),
        created_at=now,
    )
    if raised:
        minutes = window_minutes()
        log.warning(
            "petition %s flagged: %s of %s signatures in %s min from new accounts",
            petition_id,
            new,
            total,
            minutes,
        )
        _tell_organizer(conn, petition_id, int(new), minutes, now)
    return raised


def _tell_organizer(
    conn: Connection, petition_id: int, young: int, minutes: int, now: datetime
) -> None:
    """A push to the organizer who drafted the petition in the chat (their address is its
    author); one drafted on the command line has no chat to tell, only the list."""
    code, title, author = conn.execute(
        select(PETITION.c.code, PETITION.c.title, PETITION.c.created_by).where(
            PETITION.c.id == petition_id
        )
    ).one()
    channel, _, user = author.partition(":")
    organizer = conn.execute(
        select(RESIDENT.c.id).where(RESIDENT.c.channel == channel, RESIDENT.c.user_id == user)
    ).scalar_one_or_none()
    if organizer is not None:
        body = burst_notice(code, title, young, minutes).to_json()
        enqueue(conn, f"petition-flag:{petition_id}:{now:%Y-%m-%dT%H}", organizer, body, now)


def flags(conn: Connection) -> dict[int, int]:
    """How many flags each flagged petition has."""
    rows = conn.execute(
        select(PETITION_FLAG.c.petition_id, func.count()).group_by(PETITION_FLAG.c.petition_id)
    )
    return {int(petition_id): int(count) for petition_id, count in rows}
