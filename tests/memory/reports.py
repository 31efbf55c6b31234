"""`Reports` in memory: filing, the open reports nearby, support and the history."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta

from conversations.fixed_check import Pending, Said, move
from conversations.folding import fold
from conversations.kit import MOROCCO
from conversations.report import CLOSED, Brief, Detail, Draft, Event, ReportStatus
from tests.memory.here import Here
from tests.memory.world import Report

NEARBY_METRES, NEARBY_DAYS, NEARBY_MAX = 300, 90, 3


def _brief(report: Report) -> Brief:
    d = report.draft
    return Brief(
        report.ref,
        d.category,
        d.other_label,
        d.place,
        report.status,
        report.created_at,
        report.updated_at,
        len(report.supporters),
    )


def _metres(a: Draft, b: Draft) -> float:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return math.inf
    dy = (a.lat - b.lat) * 111_000
    dx = (a.lon - b.lon) * 111_000 * math.cos(math.radians(a.lat))
    return math.hypot(dx, dy)


class MemoryReports:
    def __init__(self, here: Here) -> None:
        self.here = here

    async def file_report(self, draft: Draft) -> str:
        world, now = self.here.world, self.here.clock()
        number = len(world.reports) + 1
        ref = f"R-{now.astimezone(MOROCCO).year}-{number:06d}"
        report = Report(number, ref, self.here.me, draft, ReportStatus.RECEIVED, now, now)
        report.history.append(Event(ReportStatus.RECEIVED, "", now))
        world.reports.append(report)
        return ref

    async def nearby_reports(self, draft: Draft) -> Sequence[Brief]:
        now, key = self.here.clock(), fold(draft.place)
        found = []
        for r in self.here.world.reports:
            if (
                r.draft.commune_code != draft.commune_code
                or r.draft.category != draft.category
                or r.status in CLOSED
                or r.created_at < now - timedelta(days=NEARBY_DAYS)
                or r.author == self.here.me
            ):
                continue
            metres = _metres(draft, r.draft)
            if metres <= NEARBY_METRES or (key and fold(r.draft.place) == key):
                found.append((metres, r.created_at, r))
        found.sort(key=lambda item: (item[0], item[1]))
        return [_brief(r) for _, _, r in found[:NEARBY_MAX]]

    async def support_report(self, ref: str) -> bool | None:
        report = self._find(ref)
        if report is None or report.status in CLOSED:
            return None
        if self.here.me in report.supporters:
            return False
        report.supporters[self.here.me] = self.here.clock()
        return True

    async def my_reports(self, limit: int) -> Sequence[Brief]:
        me = self.here.me
        mine = [r for r in self.here.world.reports if r.author == me or me in r.supporters]
        mine.sort(key=lambda r: (r.updated_at, r.id), reverse=True)
        return [_brief(r) for r in mine[:limit]]

    async def report_detail(self, ref: str) -> Detail | None:
        report = self._find(ref)
        if report is None:
            return None
        d = report.draft
        return Detail(_brief(report), d.description, d.media, "", tuple(report.history))

    def _find(self, ref: str) -> Report | None:
        return next((r for r in self.here.world.reports if r.ref == ref), None)

    async def fixed_question(self) -> Pending | None:
        me = self.here.me
        for report in self.here.world.reports:
            if me in report.checks and report.checks[me] is None:
                return Pending(report.ref, report.status is ReportStatus.RESOLVED)
        return None

    async def answer_fixed(self, ref: str, said: Said) -> bool:
        me, now = self.here.me, self.here.clock()
        report = next((r for r in self.here.world.reports if r.ref == ref), None)
        if report is None or me not in report.checks or report.checks[me] is not None:
            return False
        report.checks[me] = said is Said.FIXED
        status = move(said, report.status)
        if status is not None:
            report.status, report.updated_at = status, now
            report.history.append(Event(status, "", now))
        return True
