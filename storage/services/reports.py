"""Reports of local needs, as flows file, support and follow them."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.fixed_check import Pending, Said
from conversations.report import Brief, Detail, Draft
from storage import fixed_checks, reports
from storage.services.bound import Bound


class SqlReports:
    """`Reports` on storage/reports.py, in the message's transaction."""

    def __init__(self, bound: Bound) -> None:
        self.bound = bound

    async def file_report(self, draft: Draft) -> str:
        return await self.bound.tx.run(reports.file, self.bound.me, draft, self.bound.clock())

    async def nearby_reports(self, draft: Draft) -> Sequence[Brief]:
        return await self.bound.tx.run(reports.nearby, self.bound.me, draft, self.bound.clock())

    async def support_report(self, ref: str) -> bool | None:
        return await self.bound.tx.run(reports.support, ref, self.bound.me, self.bound.clock())

    async def my_reports(self, limit: int) -> Sequence[Brief]:
        return await self.bound.tx.run(reports.mine, self.bound.me, limit)

    async def report_detail(self, ref: str) -> Detail | None:
        return await self.bound.tx.run(reports.detail, ref, self.bound.me)

    async def fixed_question(self) -> Pending | None:
        return await self.bound.tx.run(fixed_checks.pending, self.bound.me)

    async def answer_fixed(self, ref: str, said: Said) -> bool:
        b = self.bound
        return await b.tx.run(fixed_checks.answer, b.me, ref, said, b.clock())
