"""A stateful test: people sign, withdraw, erase their data and register again, petitions get
filed, tallies get folded, and no CIN is ever counted twice; each petition's count (its column
plus its tallies) stays its signatures' count."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import Engine, create_engine, event, insert, select

from conversations.kit import Address
from conversations.petition import SIGNING, PetitionLife
from conversations.petition_rules import FILED
from storage import tally
from storage.models import PETITION, RESIDENT, SIGNATURE, Base
from storage.petitions import NewPetition, create, move, sign, withdraw
from storage.rights import erase
from storage.subject import Subject
from tests.support.vault import VAULT

PEOPLE = ("AB123456", "C654321", "XY111222")
START = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)

people = st.integers(min_value=0, max_value=len(PEOPLE) - 1)
petitions = st.integers(min_value=0, max_value=1)


def _engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _foreign_keys(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA foreign_keys=ON")

    return engine


_schemas: list[TemporaryDirectory[str]] = []


@cache
def _schema() -> Path:
    """An empty database with every table, made once: each example starts from a copy."""
    _schemas.append(TemporaryDirectory())  # removed when the process ends
    path = Path(_schemas[0].name) / "schema.db"
    engine = _engine(path)
    Base.metadata.create_all(engine)
    engine.dispose()
    return path


class Signing(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = TemporaryDirectory()
        path = Path(self.tmp.name) / "machine.db"
        shutil.copyfile(_schema(), path)
        self.db = _engine(path)
        self.now = START
        self.accounts: dict[int, int | None] = dict.fromkeys(range(len(PEOPLE)))
        self.registrations = 0
        self.codes: list[str] = []
        # The model: who has a signature counted on each petition, and from which account (None
        # once that account is erased: ids are the database's, and SQLite may give an erased
        # account's id to the next one).
        self.signed: list[dict[int, int | None]] = [{}, {}]

    def teardown(self) -> None:
        self.db.dispose()
        self.tmp.cleanup()

    def _life(self, petition: int) -> PetitionLife:
        with self.db.connect() as conn:
            query = select(PETITION.c.status).where(PETITION.c.code == self.codes[petition])
            return PetitionLife(conn.execute(query).scalar_one())

    def _tick(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now

    @initialize()
    def two_petitions(self) -> None:
        with self.db.begin() as conn:
            for threshold in (1, 3):
                new = NewPetition(
                    "CASA",
                    "Title",
                    "Summary",
                    "Body",
                    "Requests",
                    "Rep",
                    threshold,
                    date(2026, 12, 31),
                )
                code = create(conn, new, "organizer", self.now)
                move(conn, code, PetitionLife.OPEN, "", "organizer", self.now)
                self.codes.append(code)

    @rule(person=people)
    def register(self, person: int) -> None:
        if self.accounts[person] is not None:
            return
        self.registrations += 1
        with self.db.begin() as conn:
            key = conn.execute(
                insert(RESIDENT).values(
                    channel="whatsapp",
                    user_id=f"+2126{person:08d}",
                    pushes_enabled=True,
                    created_at=self._tick(),
                )
            ).inserted_primary_key
            assert key is not None
            self.accounts[person] = int(key[0])

    @rule(person=people, petition=petitions)
    def sign(self, person: int, petition: int) -> None:
        rid = self.accounts[person]
        if rid is None:
            return
        cin = PEOPLE[person]
        if self._life(petition) in SIGNING:
            self.signed[petition].setdefault(person, rid)
        with self.db.begin() as conn:
            sign(
                conn,
                self.codes[petition],
                rid,
                f"Person {person}",
                VAULT.key(cin),
                VAULT.seal(cin),
                self._tick(),
            )

    @rule(person=people, petition=petitions)
    def withdraw(self, person: int, petition: int) -> None:
        rid = self.accounts[person]
        if rid is not None:
            if self._life(petition) in SIGNING:
                self.signed[petition].pop(person, None)
            with self.db.begin() as conn:
                withdraw(conn, self.codes[petition], rid, self._tick())

    @rule(person=people)
    def erase(self, person: int) -> None:
        rid = self.accounts[person]
        if rid is None:
            return
        for petition in (0, 1):
            if self._life(petition) not in FILED:
                self.signed[petition].pop(person, None)
            elif person in self.signed[petition]:
                self.signed[petition][person] = None
        with self.db.begin() as conn:
            erase(conn, Subject(rid, Address("whatsapp", f"+2126{person:08d}")), self._tick())
        self.accounts[person] = None

    @rule(petition=petitions)
    def fold(self, petition: int) -> None:
        with self.db.begin() as conn:
            petition_id = conn.execute(
                select(PETITION.c.id).where(PETITION.c.code == self.codes[petition])
            ).scalar_one()
            tally.fold(conn, petition_id)

    @rule(petition=petitions)
    def file(self, petition: int) -> None:
        with self.db.begin() as conn:
            status = conn.execute(
                select(PETITION.c.status).where(PETITION.c.code == self.codes[petition])
            ).scalar_one()
            if PetitionLife(status) is PetitionLife.THRESHOLD_REACHED:
                move(conn, self.codes[petition], PetitionLife.FILED, "", "organizer", self._tick())

    @invariant()
    def one_signature_per_cin_and_true_counters(self) -> None:
        with self.db.connect() as conn:
            for code, signed in zip(self.codes, self.signed, strict=True):
                petition = conn.execute(select(*tally.COUNTED).where(PETITION.c.code == code)).one()
                keys = (
                    conn.execute(
                        select(SIGNATURE.c.cin_key).where(SIGNATURE.c.petition_id == petition.id)
                    )
                    .scalars()
                    .all()
                )
                assert len(keys) == len(set(keys)), "a CIN counted twice"
                assert petition.signatures == len(keys) <= len(PEOPLE)
                assert set(keys) == {VAULT.key(PEOPLE[person]) for person in signed}
                # Once filed, nothing takes a signature away: an erased signer's stays, tied to
                # no account (not even their new one), and every other stays tied to its signer.
                linked = dict(
                    conn.execute(
                        select(SIGNATURE.c.cin_key, SIGNATURE.c.resident_id).where(
                            SIGNATURE.c.petition_id == petition.id
                        )
                    ).all()
                )
                assert linked == {VAULT.key(PEOPLE[person]): rid for person, rid in signed.items()}
            # An erased person's account leaves no row behind.
            live = {rid for rid in self.accounts.values() if rid is not None}
            rows = set(conn.execute(select(RESIDENT.c.id)).scalars())
            assert rows == live


Signing.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
TestSigning = Signing.TestCase


def test_erasing_a_signer_of_a_filed_petition_unties_their_signature_only() -> None:
    """The path the invariant guards on filed petitions, taken for sure: two people sign, the
    petition is filed, one of them erases their data and registers again."""
    machine = Signing()
    try:
        machine.two_petitions()
        for person in (0, 1):
            machine.register(person)
            machine.sign(person, 0)
        machine.sign(1, 1)
        machine.file(0)
        assert machine._life(0) is PetitionLife.FILED
        machine.erase(0)
        machine.register(0)
        machine.one_signature_per_cin_and_true_counters()
    finally:
        machine.teardown()
