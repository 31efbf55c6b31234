"""The SQL conversation store: one transaction per inbound message, the resident's row locked.

Hot-path statements are SQLAlchemy Core on the ORM's tables: the ORM's unit of work costs more
than the whole message on SQLite (measured in DESIGN.md §4).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from conversations.association import DEFAULT_CHECKLIST, Checklist
from conversations.kit import Address
from conversations.kit import Resident as ResidentView
from conversations.seams import FlowState
from storage import petitions
from storage.conversation_row import flow_state, prompt_column
from storage.database import Connected, Database
from storage.dialect import insert_ignore
from storage.gazetteer import Gazetteer
from storage.models import CONVERSATION, INBOX, RESIDENT
from storage.prepared import Prepared
from storage.services import SqlServices
from storage.services.bound import Bound, update_resident
from storage.vault import Vault

log = logging.getLogger(__name__)

# The order matters: `_open` unpacks a row into the resident, then the conversation state.
_COLUMNS = (
    RESIDENT.c.id,
    RESIDENT.c.language,
    RESIDENT.c.consent_version,
    RESIDENT.c.commune_code,
    RESIDENT.c.pushes_enabled,
    RESIDENT.c.created_at,
    RESIDENT.c.reachable,
    RESIDENT.c.voice,
    CONVERSATION.c.flow,
    CONVERSATION.c.step,
    CONVERSATION.c.data,
    CONVERSATION.c.offered,
    CONVERSATION.c.prompt,
    CONVERSATION.c.version,
    CONVERSATION.c.updated_at,
)


# Statements are built once and given their values at each call (see storage/prepared.py).
_BY_ADDRESS = (
    RESIDENT.c.channel == bindparam("_channel"),
    RESIDENT.c.user_id == bindparam("_user"),
)
_LOCKED_ROW = Prepared(
    select(*_COLUMNS)
    .join(CONVERSATION, CONVERSATION.c.resident_id == RESIDENT.c.id)
    .where(*_BY_ADDRESS)
    # Both rows: on PostgreSQL a waiter then re-reads both, not a stale resident beside a fresh
    # conversation.
    # NO KEY UPDATE: a notice queued for this resident by someone else's message (a delivery row
    # references the resident) must not wait for this one, or the two can deadlock.
    .with_for_update(of=(CONVERSATION, RESIDENT), key_share=True),
    ("_channel", "_user"),
)
_RESIDENT_ID = select(RESIDENT.c.id).where(*_BY_ADDRESS)
# The SET clause comes from the values named like columns; the WHERE ones start with "_".
_SAVE = Prepared(
    update(CONVERSATION).where(
        CONVERSATION.c.resident_id == bindparam("_rid"),
        CONVERSATION.c.version == bindparam("_version"),
    ),
    ("_rid", "_version", "flow", "step", "data", "offered", "prompt", "version", "updated_at"),
)


def _locked_row(conn: Connection, where: dict[str, str]) -> tuple[Any, ...] | None:
    rows = _LOCKED_ROW.rows(conn, where)
    return rows[0] if rows else None


def _open(
    conn: Connection, address: Address, message_id: str, now: datetime
) -> tuple[ResidentView, FlowState] | None:
    if not insert_ignore(
        conn, INBOX, channel=address.channel, message_id=message_id, received_at=now
    ):
        return None
    where = {"_channel": address.channel, "_user": address.user}
    row = _locked_row(conn, where)
    if row is None:
        # First message ever: create the resident and an empty conversation, racing safely.
        insert_ignore(
            conn,
            RESIDENT,
            channel=address.channel,
            user_id=address.user,
            pushes_enabled=True,
            created_at=now,
        )
        resident_id = conn.execute(_RESIDENT_ID, where).scalar_one()
        insert_ignore(
            conn,
            CONVERSATION,
            resident_id=resident_id,
            data="{}",
            offered="[]",
            prompt="[]",
            version=0,
            updated_at=now,
        )
        row = _locked_row(conn, where)
        assert row is not None
    rid, language, consent, commune, pushes, created, reachable, voice, *conversation = row
    flow, step, data, offered, prompt, version, saved_at = conversation
    if not reachable:
        # They wrote, so the platform can reach them again (they unblocked the bot).
        update_resident(conn, rid, {"reachable": True})
    resident = ResidentView(
        rid, address, language, consent, commune, bool(pushes), created, _voice(voice)
    )
    # A conversation created by this very message has no previous message to count from.
    return resident, flow_state(
        flow, step, data, offered, prompt, version, saved_at if version else None
    )


def _voice(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _save(conn: Connection, resident_id: int, state: FlowState, now: datetime) -> None:
    values = {
        "_rid": resident_id,
        "_version": state.version,
        "flow": state.flow,
        "step": state.step,
        "data": state.data,
        "offered": state.offered,
        "prompt": prompt_column(state),
        "version": state.version + 1,
        "updated_at": now,
    }
    if _SAVE.run(conn, values) != 1:
        # Only possible if something bypassed the row lock: refuse rather than overwrite.
        raise RuntimeError(f"conversation of resident {resident_id} changed underneath")


class SqlUnit:
    """The `Unit` of one message, with its services bound to the same transaction."""

    def __init__(self, bound: Bound) -> None:
        self.bound = bound
        self.services = SqlServices(bound)

    @property
    def resident(self) -> ResidentView:
        return self.bound.resident

    @property
    def erased(self) -> bool:
        return self.bound.erased

    async def open(self, message_id: str) -> FlowState | None:
        opened = await self.bound.tx.run(_open, self.bound.address, message_id, self.bound.clock())
        if opened is None:
            return None
        self.bound.resident, state = opened
        return state

    async def save(self, state: FlowState) -> None:
        if self.bound.erased:
            return
        await self.bound.tx.run(_save, self.resident.id, state, self.bound.clock())


class SqlStore:
    """`ConversationStore` over SQLite or PostgreSQL."""

    def __init__(
        self,
        db: Database,
        gazetteer: Gazetteer,
        vault: Vault,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        organizers: frozenset[Address] = frozenset(),
        dashboard: str = "",
        checklist: Checklist = DEFAULT_CHECKLIST,
    ) -> None:
        self.db = db
        self.gazetteer = gazetteer
        self.vault = vault
        self.clock = clock
        self.organizers = organizers
        self.dashboard = dashboard
        self.checklist = checklist

    @asynccontextmanager
    async def unit(self, address: Address) -> AsyncIterator[SqlUnit]:
        async with self.db.connection() as connected:
            async with connected.transaction() as tx:
                bound = Bound(
                    tx,
                    address,
                    self.gazetteer,
                    self.vault,
                    self.clock,
                    self.organizers,
                    self.dashboard,
                    self.checklist,
                )
                unit = SqlUnit(bound)
                yield unit
            for petition_id in bound.unsettled:
                await self._settle(connected, petition_id, unit.resident.id)

    async def _settle(self, connected: Connected, petition_id: int, resident_id: int) -> None:
        """A signature is committed: see whether it, with the others, crossed the threshold.
        On the same connection: waiting for the pool again would double the signer's wait."""
        try:
            async with connected.transaction() as tx:
                await tx.run(petitions.settle, petition_id, resident_id, self.clock())
        except Exception:
            # The signature stands and the resident was answered: the hourly housekeeping
            # crosses a threshold that was reached (cross_reached).
            log.exception("petition %s: the threshold check after a signature failed", petition_id)
