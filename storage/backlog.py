"""The delivery table as monitoring reads it: how many rows are in each state, and per channel
how many are due and not sent, and how long the longest-waiting one has been due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, func, select

from storage.database import Database
from storage.deliveries import DeliveryStatus
from storage.models import DELIVERY

# Due and not sent: waiting, or claimed by a process whose lease ran out.
_UNSENT = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


@dataclass(frozen=True, slots=True)
class Backlog:
    """Counts read at one moment; every state is present, zero when no row has it."""

    by_state: dict[str, int]
    # Per channel: due rows not sent, and the seconds the longest-waiting one has been due.
    due: dict[str, int] = field(default_factory=dict)
    oldest_due_seconds: dict[str, float] = field(default_factory=dict)


def _read(conn: Connection, now: datetime) -> Backlog:
    states = dict.fromkeys((str(status) for status in DeliveryStatus), 0)
    counted = select(DELIVERY.c.status, func.count()).group_by(DELIVERY.c.status)
    states.update({status: count for status, count in conn.execute(counted)})
    waiting = (
        select(DELIVERY.c.channel, func.count(), func.min(DELIVERY.c.next_attempt_at))
        .where(DELIVERY.c.status.in_(_UNSENT), DELIVERY.c.next_attempt_at <= now)
        .group_by(DELIVERY.c.channel)
    )
    due: dict[str, int] = {}
    oldest: dict[str, float] = {}
    for channel, count, since in conn.execute(waiting):
        due[channel] = count
        # min() of a typed column comes back as the column's type: an aware UTC datetime.
        oldest[channel] = max(0.0, (now - since).total_seconds())
    return Backlog(states, due, oldest)


async def read_backlog(db: Database, now: datetime) -> Backlog:
    """The delivery table's counts at ``now``, in one transaction."""
    async with db.transaction() as tx:
        return await tx.run(_read, now)
