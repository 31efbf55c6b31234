"""Bursts of signatures from brand-new accounts: flagged for the petition's organizers.

Every `EVERY` signatures, one count over the petition's signatures of the last `WINDOW` (on the
index of signatures by petition and time), joined to the signers' accounts. When at least
`MIN_YOUNG` of them, and most of them, came from accounts created minutes before, a
`petition_flag` row is raised, once an hour; `hayna petitions list` shows it. A flag is a
question for the organizers, not a verdict: nothing is removed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Connection, case, func, select

from storage.dialect import insert_ignore
from storage.models import PETITION_FLAG, RESIDENT, SIGNATURE

log = logging.getLogger(__name__)

WINDOW = timedelta(minutes=10)
# An account created less than this before the window began counts as new.
YOUNG = timedelta(minutes=30)
MIN_YOUNG = 50
EVERY = 10
YOUNG_BURST = "young_burst"


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
    if new < MIN_YOUNG or new * 2 <= total:
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
        log.warning(
            "petition %s flagged: %s of %s signatures in %s min from new accounts",
            petition_id,
            new,
            total,
            int(WINDOW.total_seconds() // 60),
        )
    return raised


def flags(conn: Connection) -> dict[int, int]:
    """How many flags each flagged petition has."""
    rows = conn.execute(
        select(PETITION_FLAG.c.petition_id, func.count()).group_by(PETITION_FLAG.c.petition_id)
    )
    return {int(petition_id): int(count) for petition_id, count in rows}
