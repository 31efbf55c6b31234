"""A resident's rights over their data, exercised from the chat."""

from __future__ import annotations

from conversations.personal import PersonalData
from storage import petitions, rights
from storage.services.bound import Bound


class SqlRights:
    """`Rights` on storage/rights.py, in the message's transaction."""

    def __init__(self, bound: Bound) -> None:
        self.bound = bound

    async def my_data(self) -> PersonalData:
        return await self.bound.tx.run(rights.export, self.bound.subject, self.bound.vault)

    async def erase_me(self) -> None:
        b = self.bound
        await b.tx.run(petitions.fold_signed, b.me)
        await b.tx.run(rights.erase, b.subject, b.clock())
        b.erased = True
