"""APScheduler wakes the dispatcher when a planned announcement comes due; the `announcement`
table stays the truth: the jobs are rebuilt from it at start and resynced every minute (other
processes and `hayna meetings` plan too), and a time missed while down runs late, never skipped."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from storage.announcements import planned
from storage.database import Database

log = logging.getLogger(__name__)

RESYNC_SECONDS = 60
_SYNC = "resync"
_PREFIX = "announcement-"


class Wakeups:
    """One date job per announcement still to come, each setting the dispatcher's ``wake``."""

    def __init__(self, db: Database, wake: asyncio.Event) -> None:
        self.db = db
        self.wake = wake
        self.scheduler = AsyncIOScheduler(timezone=UTC)

    async def start(self) -> None:
        """Rebuild the jobs from the table, then keep them in step with it."""
        self.scheduler.start()
        await self.sync()
        self.scheduler.add_job(self.sync, "interval", seconds=RESYNC_SECONDS, id=_SYNC)

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def jobs(self) -> dict[int, datetime]:
        """The announcement ids with a wake-up, and when."""
        return {
            int(job.id.removeprefix(_PREFIX)): job.next_run_time
            for job in self.scheduler.get_jobs()
            if job.id.startswith(_PREFIX)
        }

    async def sync(self) -> None:
        try:
            due = {row.id: row.due_at for row in await planned(self.db)}
        except Exception:
            log.exception("cannot read the planned announcements; keeping the current jobs")
            return
        now = datetime.now(UTC)
        known = self.jobs()
        for announcement_id in known.keys() - due.keys():
            self.scheduler.remove_job(f"{_PREFIX}{announcement_id}")
        for announcement_id, at in due.items():
            if announcement_id in known:
                continue
            self.scheduler.add_job(
                self._wake,
                "date",
                # A time already past (the process was down) runs at once: late, never skipped.
                run_date=max(at, now),
                id=f"{_PREFIX}{announcement_id}",
                misfire_grace_time=None,
                coalesce=True,
            )

    async def _wake(self) -> None:
        self.wake.set()
