"""`hayna organizers remove`: an operator takes an organizer's scopes away, the removal is
audited, and the organizer's next action in the chat, even in the middle of writing an update,
is refused; the addresses of HAYNA_ADMINS cannot be removed this way and the command says why."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.app import build_engine
from bot.cli import main
from conversations.engine import Engine
from conversations.kit import Address
from conversations.organizing import NOT_ALLOWED
from conversations.text import SourceTranslator
from storage import groups
from storage.database import Database
from storage.models import AUDIT_ENTRY, ORGANIZER
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.organizers import invite
from tests.support.petitions import onboard
from tests.support.vault import VAULT

REFUSED = NOT_ALLOWED.render(SourceTranslator())


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def engine_on_both(db: Database, gazetteer, clock: Clock) -> Engine:
    return build_engine(db, gazetteer, VAULT, clock)


@pytest.fixture
def hayna(db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """`hayna ...` in this process, on the test's database, with one address in HAYNA_ADMINS."""
    monkeypatch.setenv("DATABASE_URL", db.url.url)
    monkeypatch.setenv("HAYNA_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("HAYNA_ADMINS", "console:leila")

    async def run(*args: str) -> Ran:
        capsys.readouterr()
        try:
            # Its own event loop, as from a shell.
            code = await asyncio.to_thread(main, ["organizers", *args])
        except SystemExit as exit_:  # argparse refusing an argument
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


async def _audit(db: Database) -> list[tuple[str, str, bool]]:
    query = select(AUDIT_ENTRY.c.action, AUDIT_ENTRY.c.target, AUDIT_ENTRY.c.allowed)
    async with db.transaction() as tx:
        return [tuple(row) for row in await tx.run(lambda c: c.execute(query).all())]


async def test_a_removed_organizer_is_refused_in_the_chat_at_the_next_step(
    engine_on_both: Engine, db: Database, clock: Clock, hayna
) -> None:
    khadija, omar = FakeResident(engine_on_both, "khadija"), FakeResident(engine_on_both, "omar")
    commune = await onboard(khadija, "en")
    await onboard(omar, "en")
    async with db.transaction() as tx:
        youth = (await tx.run(groups.groups_in, commune, None, clock()))[0]
    await khadija.say(f"ORG {await invite(db, clock, commune)}")
    await khadija.say("menu")
    await khadija.say(f"ORG {await invite(db, clock, commune, youth.id)}")
    await omar.say(f"ORG {await invite(db, clock, commune)}")
    # Half-way through an update when the operator removes her.
    await khadija.tap("broadcast")
    await khadija.say("Atelier samedi à 10h.")
    assert "continue" in khadija.option_ids

    removed = await hayna("remove", "console:khadija", "--commune", commune, "--by", "ops")
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.splitlines() == [
        f"removed: console:khadija as organizer of {commune}",
        f"removed: console:khadija as organizer of group {youth.id} of {commune}",
    ]

    await khadija.tap("continue")
    assert khadija.text.startswith(REFUSED)
    await khadija.say("menu")
    await khadija.tap("meetings")
    assert "organize" not in khadija.option_ids
    async with db.transaction() as tx:
        left = await tx.run(lambda c: c.execute(select(ORGANIZER.c.resident_id)).scalars().all())
    assert len(left) == 1, "Omar stays an organizer"
    await omar.say("menu")
    await omar.tap("meetings")
    assert "organize" in omar.option_ids

    audit = await _audit(db)
    (entry,) = [row for row in audit if row[0] == "remove_organizer"]
    assert entry[2] is True and entry[1].startswith("console resident ")
    assert "khadija" not in entry[1], "the audit log names no chat id"
    assert ("see_reach", "", False) in audit, "her refused try is logged"
    listed = await hayna("audit")
    assert "ops" in listed.stdout and "remove_organizer" in listed.stdout

    again = await hayna("remove", "console:khadija", "--all")
    assert again.returncode == 2
    assert "console:khadija has no organizer scope to remove anywhere" in again.stderr


async def test_one_group_only_and_bad_requests(
    engine_on_both: Engine, db: Database, clock: Clock, hayna
) -> None:
    omar = FakeResident(engine_on_both, "omar")
    commune = await onboard(omar, "en")
    async with db.transaction() as tx:
        youth, women = (await tx.run(groups.groups_in, commune, None, clock()))[:2]
    await omar.say(f"ORG {await invite(db, clock, commune, youth.id)}")
    await omar.say("menu")
    await omar.say(f"ORG {await invite(db, clock, commune, women.id)}")

    only = await hayna("remove", "console:omar", "--commune", commune, "--group", str(women.id))
    assert (
        only.stdout.strip()
        == f"removed: console:omar as organizer of group {women.id} of {commune}"
    )
    async with db.transaction() as tx:
        rid = await tx.run(groups.resident_at, Address("console", "omar"))
        scope = await tx.run(groups.scope_of, rid)
    assert scope.groups == {youth.id} and not scope.communes

    none = await hayna("remove", "console:omar", "--commune", commune, "--group", str(women.id))
    assert none.returncode == 2 and f"in group {women.id} of {commune}" in none.stderr
    stranger = await hayna("remove", "console:omar", "--commune", commune, "--group", "999")
    assert stranger.returncode == 2 and f"group 999 is not a group of {commune}" in stranger.stderr
    typo = await hayna("remove", "omar", "--all")
    assert typo.returncode == 2 and "is not CHANNEL:ID" in typo.stderr
    neither = await hayna("remove", "console:omar")
    assert neither.returncode == 2, "a scope or --all must be said"


async def test_hayna_admins_cannot_be_removed_and_the_command_says_why(
    engine_on_both: Engine, db: Database, clock: Clock, hayna
) -> None:
    leila = FakeResident(engine_on_both, "leila")
    await onboard(leila, "en")
    refused = await hayna("remove", "console:leila", "--all", "--by", "ops")
    assert refused.returncode == 2
    assert "HAYNA_ADMINS" in refused.stderr and "cannot" in refused.stderr
    assert "restart" in refused.stderr
    audit = await _audit(db)
    assert [(a, allowed) for a, _, allowed in audit] == [("remove_organizer", False)]
    assert "REFUSED" in (await hayna("audit")).stdout
