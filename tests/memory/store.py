"""A `ConversationStore` in memory: one message at a time, its changes undone when it fails."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime

from conversations.kit import Address, Resident
from conversations.seams import ConversationStore, FlowState, Services
from tests.memory.commitments import MemoryCommitments
from tests.memory.community import MemoryCommunity
from tests.memory.consultations import MemoryConsultations
from tests.memory.here import Here
from tests.memory.organizing import MemoryOrganizing
from tests.memory.petitions import MemoryPetitions
from tests.memory.places import AREAS, MemoryPlaces
from tests.memory.profile import MemoryProfile
from tests.memory.prompts import MemoryPrompts
from tests.memory.questions import MemoryQuestions
from tests.memory.reports import MemoryReports
from tests.memory.rights import MemoryRights
from tests.memory.world import Area, World


class MemoryServices:
    """`Services` in memory, each noun over one message's view of the world."""

    def __init__(self, here: Here) -> None:
        self.profile = MemoryProfile(here)
        self.places = MemoryPlaces(here.world.areas)
        self.reports = MemoryReports(here)
        self.petitions = MemoryPetitions(here)
        self.community = MemoryCommunity(here)
        self.consultations = MemoryConsultations(here)
        self.questions = MemoryQuestions(here)
        self.commitments = MemoryCommitments(here)
        self.organizing = MemoryOrganizing(here)
        self.rights = MemoryRights(here)
        self.prompts = MemoryPrompts(here)


class MemoryUnit:
    def __init__(self, here: Here) -> None:
        self.here = here
        self.services = MemoryServices(here)

    @property
    def resident(self) -> Resident:
        return self.here.resident

    @property
    def erased(self) -> bool:
        return self.here.erased

    async def open(self, message_id: str) -> FlowState | None:
        world, address, now = self.here.world, self.here.address, self.here.clock()
        if (address.channel, message_id) in world.inbox:
            return None
        world.inbox.add((address.channel, message_id))
        if address not in world.by_address:
            rid = world.next_id()
            world.by_address[address] = rid
            world.residents[rid] = Resident(rid, address, None, None, None, True, now)
            world.states[rid] = FlowState()
        rid = world.by_address[address]
        self.here.resident = world.residents[rid]
        return world.states[rid]

    async def save(self, state: FlowState) -> None:
        if self.here.erased:
            return
        saved = replace(state, version=state.version + 1, saved_at=self.here.clock())
        self.here.world.states[self.here.me] = saved


class MemoryStore:
    """The world of one test, and the units of its messages."""

    def __init__(
        self,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        organizers: frozenset[Address] = frozenset(),
        areas: Sequence[Area] = AREAS,
    ) -> None:
        self.world = World(tuple(areas), organizers)
        self.clock = clock
        # One message at a time, as SQLite's single writer.
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def unit(self, address: Address) -> AsyncIterator[MemoryUnit]:
        async with self._lock:
            before = copy.deepcopy(self.world)
            try:
                yield MemoryUnit(Here(self.world, address, self.clock))
            except BaseException:
                # Rolled back: the world as it was before the message.
                vars(self.world).update(vars(before))
                raise


def _typed(store: MemoryStore, services: MemoryServices) -> tuple[ConversationStore, Services]:
    # mypy holds the memory implementation to every Protocol it stands in for.
    return store, services
