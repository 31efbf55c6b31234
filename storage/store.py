"""The SQL conversation store: one transaction per inbound message, the resident's row locked.

Hot-path statements are SQLAlchemy Core on the ORM's tables: the ORM's unit of work costs more
than the whole message on SQLite (measured in DESIGN.md §4).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from conversations.kit import Address, Location, Place
from conversations.kit import Resident as ResidentView
from conversations.personal import PersonalData
from conversations.petition import Card, Life, PetitionDraft, Signing
from conversations.report import Brief, Detail, Draft
from conversations.seams import FlowState
from conversations.text import Renderable
from storage import petitions, reports, rights
from storage.conversation_row import flow_state, prompt_column
from storage.database import Connected, Database, Tx
from storage.deliveries import enqueue
from storage.dialect import insert_ignore
from storage.gazetteer import Commune, Gazetteer
from storage.models import CONVERSATION, INBOX, RESIDENT
from storage.organizing import GroupServices
from storage.personal_rows import Subject
from storage.prepared import Prepared
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
    CONVERSATION.c.flow,
    CONVERSATION.c.step,
    CONVERSATION.c.data,
    CONVERSATION.c.offered,
    CONVERSATION.c.prompt,
    CONVERSATION.c.version,
    CONVERSATION.c.updated_at,
)


def place_of(commune: Commune) -> Place:
    return Place(
        commune.code,
        commune.name_ar,
        commune.name_fr,
        commune.province_ar,
        commune.province_fr,
        commune.kind,
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
_CHANGE_RESIDENT = update(RESIDENT).where(RESIDENT.c.id == bindparam("_rid"))


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
    rid, language, consent, commune, pushes, created, reachable, *conversation = row
    flow, step, data, offered, prompt, version, saved_at = conversation
    if not reachable:
        # They wrote, so the platform can reach them again (they unblocked the bot).
        _update_resident(conn, rid, {"reachable": True})
    resident = ResidentView(rid, address, language, consent, commune, bool(pushes), created)
    # A conversation created by this very message has no previous message to count from.
    return resident, flow_state(
        flow, step, data, offered, prompt, version, saved_at if version else None
    )


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


def _update_resident(conn: Connection, resident_id: int, values: dict[str, Any]) -> None:
    conn.execute(_CHANGE_RESIDENT, {"_rid": resident_id, **values})


class SqlUnit:
    """The `Unit` of one message, with its services bound to the same transaction."""

    def __init__(
        self,
        tx: Tx,
        address: Address,
        gazetteer: Gazetteer,
        vault: Vault,
        clock: Callable[[], datetime],
        organizers: frozenset[Address] = frozenset(),
    ) -> None:
        self.tx = tx
        self.address = address
        self.gazetteer = gazetteer
        self.vault = vault
        self.clock = clock
        self.organizers = organizers
        self._resident: ResidentView | None = None
        # Set once the resident erased their data: there is no state left to save.
        self.erased = False
        # Petitions whose threshold to check again once this unit is committed.
        self.unsettled: list[int] = []

    @property
    def resident(self) -> ResidentView:
        if self._resident is None:
            raise RuntimeError("open() the unit first")
        return self._resident

    @property
    def services(self) -> SqlServices:
        return SqlServices(self)

    async def open(self, message_id: str) -> FlowState | None:
        opened = await self.tx.run(_open, self.address, message_id, self.clock())
        if opened is None:
            return None
        self._resident, state = opened
        return state

    async def save(self, state: FlowState) -> None:
        if self.erased:
            return
        await self.tx.run(_save, self.resident.id, state, self.clock())

    async def change(self, values: dict[str, Any], **view: Any) -> None:
        await self.tx.run(_update_resident, self.resident.id, values)
        self._resident = replace(self.resident, **view)


class SqlServices(GroupServices):
    """Side effects of flows, written in the message's transaction."""

    def __init__(self, unit: SqlUnit) -> None:
        self.unit = unit

    async def set_language(self, language: str) -> None:
        await self.unit.change({"language": language}, language=language)

    async def give_consent(self, version: str) -> None:
        now = self.unit.clock()
        values = {"consent_version": version, "consented_at": now}
        await self.unit.change(values, consent_version=version)
        await self._agree("privacy", version)

    async def agree_to_signing(self, version: str) -> None:
        await self._agree("petition_signing", version)

    async def _agree(self, kind: str, version: str) -> None:
        channel = self.unit.address.channel
        await self.unit.tx.run(rights.agree, self._me, kind, version, channel, self.unit.clock())

    async def my_data(self) -> PersonalData:
        return await self.unit.tx.run(rights.export, self._subject, self.unit.vault)

    async def erase_me(self) -> None:
        await self.unit.tx.run(petitions.fold_signed, self._me)
        await self.unit.tx.run(rights.erase, self._subject, self.unit.clock())
        self.unit.erased = True

    async def set_commune(self, code: str) -> None:
        await self.unit.change({"commune_code": code}, commune_code=code)

    async def set_pushes(self, enabled: bool) -> None:
        await self.unit.change({"pushes_enabled": enabled}, pushes_enabled=enabled)

    async def find_communes(self, query: str, limit: int) -> Sequence[Place]:
        return [place_of(commune) for commune in self.unit.gazetteer.search(query, limit)]

    async def commune_at(self, location: Location) -> Place | None:
        commune = self.unit.gazetteer.at(location.lat, location.lon)
        return place_of(commune) if commune else None

    async def communes_near(self, location: Location) -> Sequence[Place]:
        return [place_of(c) for c in self.unit.gazetteer.around(location.lat, location.lon)]

    async def commune(self, code: str) -> Place | None:
        commune = self.unit.gazetteer.get(code)
        return place_of(commune) if commune else None

    async def push(self, key: str, resident_id: int, body: Renderable) -> bool:
        return await self.unit.tx.run(enqueue, key, resident_id, body.to_json(), self.unit.clock())

    async def file_report(self, draft: Draft) -> str:
        return await self.unit.tx.run(reports.file, self._me, draft, self.unit.clock())

    async def nearby_reports(self, draft: Draft) -> Sequence[Brief]:
        return await self.unit.tx.run(reports.nearby, self._me, draft, self.unit.clock())

    async def support_report(self, ref: str) -> bool | None:
        return await self.unit.tx.run(reports.support, ref, self._me, self.unit.clock())

    async def my_reports(self, limit: int) -> Sequence[Brief]:
        return await self.unit.tx.run(reports.mine, self._me, limit)

    async def report_detail(self, ref: str) -> Detail | None:
        return await self.unit.tx.run(reports.detail, ref)

    async def open_petitions(self) -> Sequence[Card]:
        commune = self.unit.resident.commune_code or ""
        return await self.unit.tx.run(petitions.open_in, commune, self._me, self.unit.clock())

    async def petition(self, code: str) -> Card | None:
        return await self.unit.tx.run(petitions.card, code, self._me)

    async def seal(self, secret: str) -> str:
        return self.unit.vault.seal(secret)

    async def sign_petition(self, code: str, full_name: str, sealed_cin: str) -> Signing:
        vault = self.unit.vault
        cin = vault.open(sealed_cin)
        signed = await self.unit.tx.run(
            petitions.sign, code, self._me, full_name, vault.key(cin), sealed_cin, self.unit.clock()
        )
        if signed.unsettled is not None:
            self.unit.unsettled.append(signed.unsettled)
        return signed

    async def withdraw_signature(self, code: str) -> bool:
        return await self.unit.tx.run(petitions.withdraw, code, self._me, self.unit.clock())

    async def my_signatures(self) -> Sequence[Card]:
        return await self.unit.tx.run(petitions.mine, self._me)

    async def draft_petition(self, draft: PetitionDraft) -> str:
        # Checked here, not only in the flow: no path into storage skips the check.
        await self._must_organize()
        return await self.unit.tx.run(petitions.create, draft, self._actor, self.unit.clock())

    async def publish_petition(self, code: str) -> None:
        await self._must_organize()
        await self.unit.tx.run(petitions.move, code, Life.OPEN, "", self._actor, self.unit.clock())

    async def _must_organize(self) -> None:
        if not await self.is_organizer():
            raise PermissionError(f"{self.unit.address.channel} resident is not an organizer")

    @property
    def _actor(self) -> str:
        return str(self.unit.address)[: petitions.ACTOR_MAX]

    @property
    def _subject(self) -> Subject:
        return Subject(self._me, self.unit.address)

    @property
    def _me(self) -> int:
        return self.unit.resident.id


class SqlStore:
    """`ConversationStore` over SQLite or PostgreSQL."""

    def __init__(
        self,
        db: Database,
        gazetteer: Gazetteer,
        vault: Vault,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        organizers: frozenset[Address] = frozenset(),
    ) -> None:
        self.db = db
        self.gazetteer = gazetteer
        self.vault = vault
        self.clock = clock
        self.organizers = organizers

    @asynccontextmanager
    async def unit(self, address: Address) -> AsyncIterator[SqlUnit]:
        async with self.db.connection() as connected:
            async with connected.transaction() as tx:
                unit = SqlUnit(tx, address, self.gazetteer, self.vault, self.clock, self.organizers)
                yield unit
            for petition_id in unit.unsettled:
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
