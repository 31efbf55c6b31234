"""Signatures collected on paper: one CIN counts once across paper and chat, whichever came
first; a typed sheet is answered line by line; an organizer outside the petition's commune is
refused and audited; and on PostgreSQL, 500 online signers and a sheet of 500 paper lines that
share 100 CINs end with an exact count and no CIN twice."""

from __future__ import annotations

import asyncio
import itertools
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from conversations.kit import MOROCCO, Address
from conversations.paper import PaperOutcome, PaperSignature, PaperWhy
from conversations.petition import SigningOutcome
from storage import filing
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import AUDIT_ENTRY, ORGANIZER, RESIDENT, SIGNATURE
from storage.operator import Operator
from storage.services.authority import OrganizerAuthority
from storage.store import SqlStore
from tests.support.cli import run
from tests.support.clock import Clock
from tests.support.petitions import count, open_petition
from tests.support.vault import VAULT
from tests.support.vault import VAULT_KEY as KEY

COMMUNE = "141.01.61"
AGADIR = "001.01.01"
_messages = itertools.count()


def paper(cin: str, name: str = "Fatima Alaoui", day: date = date(2026, 1, 5)) -> PaperSignature:
    return PaperSignature(name, cin, "Hay Ben M'Sick, rue 12", day, "F-3")


async def enter(db: Database, clock: Clock, code: str, line: PaperSignature) -> Any:
    async with db.transaction() as tx:
        return await Operator.at_terminal(tx, "amina", clock()).add_paper(code, line, VAULT)


async def sign_online(store: SqlStore, user: str, code: str, cin: str) -> Any:
    async with store.unit(Address("console", user)) as unit:
        assert await unit.open(f"m{next(_messages)}") is not None
        return await unit.services.petitions.sign_petition(code, "Signer", VAULT.seal(cin))


async def _resident(db: Database, clock: Clock, user: str) -> None:
    async with db.transaction() as tx:
        await tx.run(
            lambda c: c.execute(
                RESIDENT.insert().values(
                    channel="console", user_id=user, language="fr", consent_version="1",
                    commune_code=COMMUNE, pushes_enabled=True, created_at=clock(),
                )
            )
        )  # fmt: skip


async def test_one_card_counts_once_across_paper_and_chat(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    code = await open_petition(db, clock, COMMUNE, threshold=100)
    store = SqlStore(db, gazetteer, VAULT, clock)
    await _resident(db, clock, "online")
    assert (await sign_online(store, "online", code, "AB100001")).outcome is SigningOutcome.SIGNED
    clock.advance(hours=1)
    again = await enter(db, clock, code, paper("ab-100001"))
    assert again.outcome is PaperOutcome.DUPLICATE
    assert again.counted_on == clock() - timedelta(hours=1), "the date it was counted"
    assert (await enter(db, clock, code, paper("CD 200002"))).outcome is PaperOutcome.ADDED
    await _resident(db, clock, "late")
    late = await sign_online(store, "late", code, "CD0200002")
    assert late.outcome is SigningOutcome.CIN_USED, "a card on paper cannot sign in the chat"
    assert await count(db) == (2, 2)
    async with store.unit(Address("console", "late")) as unit:
        assert await unit.open(f"m{next(_messages)}") is not None
        seen = await unit.services.petitions.petition(code)
    assert seen is not None and (seen.signatures, seen.paper) == (2, 1), "the count, with the split"
    bad = await enter(db, clock, code, paper("12345"))
    assert (bad.outcome, bad.why) == (PaperOutcome.INVALID, PaperWhy.CIN)
    future = await enter(db, clock, code, paper("EF300003", day=date(2030, 1, 1)))
    assert (future.outcome, future.why) == (PaperOutcome.INVALID, PaperWhy.DATE)
    nameless = await enter(db, clock, code, paper("EF300003", name=" "))
    assert nameless.why is PaperWhy.NAME
    assert await count(db) == (2, 2)
    async with db.transaction() as tx:
        kept = await tx.run(
            lambda c: c.execute(
                select(SIGNATURE.c.source, SIGNATURE.c.sheet, SIGNATURE.c.entered_by).where(
                    SIGNATURE.c.resident_id.is_(None)
                )
            ).all()
        )
    assert kept == [("paper", "F-3", "amina")]
    async with db.transaction() as tx:
        filed = await tx.run(filing.gathered, code, VAULT, gazetteer)
    assert filed is not None
    text = filing.to_csv(filed).decode("utf-8-sig")
    assert "CD200002,2026-01-05,papier / ورقي F-3" in text, "the source and the paper's day"
    assert "AB100001," in text and "en ligne / عبر الدردشة" in text
    assert "Dont sur papier / منها على الورق,1" in text


async def test_an_organizer_of_another_commune_is_refused_and_audited(
    db: Database, clock: Clock
) -> None:
    code = await open_petition(db, clock, COMMUNE)
    await _resident(db, clock, "agadir")
    async with db.transaction() as tx:
        resident = await tx.run(lambda c: c.execute(select(func.max(RESIDENT.c.id))).scalar_one())
        await tx.run(
            lambda c: c.execute(
                ORGANIZER.insert().values(
                    resident_id=resident, commune_code=AGADIR, invite_code="X", granted_at=clock()
                )
            )
        )
        authority = OrganizerAuthority(
            tx, clock, resident, Address("console", "agadir"), frozenset()
        )
        entered = await Operator(authority).add_paper(code, paper("GH400004"), VAULT)
    assert entered.outcome is PaperOutcome.REFUSED
    assert await count(db) == (0, 0)
    async with db.transaction() as tx:
        tries = await tx.run(
            lambda c: c.execute(select(AUDIT_ENTRY.c.action, AUDIT_ENTRY.c.allowed)).all()
        )
    assert tries == [("add_paper", False)]


SHEET = """nom,cin,residence,date,feuille
Fatima Alaoui,AB100001,Hay Ben M'Sick,05/01/2026,1
Omar Bennani,CD 200002,Hay Ben M'Sick,2026-01-05,1
Omar Bennani bis,cd-200002,Hay Ben M'Sick,2026-01-06,2
Sans carte,12345,Hay Ben M'Sick,2026-01-06,2
Date folle,EF300003,Hay Ben M'Sick,le 6 janvier,2

Khadija,GH400004,,2026-01-06,2
"""


def test_a_typed_sheet_is_answered_line_by_line(tmp_path: Path) -> None:
    demo = run(tmp_path, "demo", HAYNA_SECRET_KEY=KEY)
    assert demo.returncode == 0, demo.stderr
    codes = demo.stdout.split("petition codes: ")[1].split(";")[0]
    code = codes.split(", ")[0]
    sheet = tmp_path / "feuille.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    done = run(tmp_path, "petitions", "add-paper", code, "--from-csv", str(sheet),
               HAYNA_SECRET_KEY=KEY)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "line 2: added",
        "line 3: added",
        f"line 4: duplicate CIN, already counted on {datetime.now(MOROCCO).date().isoformat()}",
        "line 5: invalid CIN",
        "line 6: the date 'le 6 janvier' is not YYYY-MM-DD or DD/MM/YYYY",
        "line 8: the residence (or interest in the commune) is missing or too long",
    ]
    assert "2 added" in done.stderr and "1 duplicate" in done.stderr
    one = run(tmp_path, "petitions", "add-paper", code, "--name", "Fatima Alaoui", "--cin",
              "AB100001", "--residence", "Hay", "--signed-on", "2026-01-05",
              HAYNA_SECRET_KEY=KEY)  # fmt: skip
    assert one.returncode == 2 and one.stdout.startswith("duplicate CIN"), one.stdout


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
async def test_500_online_and_500_paper_lines_sharing_100_cins_count_exactly(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    code = await open_petition(db, clock, COMMUNE, threshold=10_000)
    store = SqlStore(db, gazetteer, VAULT, clock)
    async with db.transaction() as tx:
        await tx.run(
            lambda c: c.execute(
                RESIDENT.insert(),
                [{"channel": "console", "user_id": f"s{i}", "language": "fr",
                  "consent_version": "1", "commune_code": COMMUNE, "pushes_enabled": True,
                  "created_at": clock()} for i in range(500)],
            )
        )  # fmt: skip
    # Online CINs 0..499; paper CINs 400..899: 100 cards on both.
    online = [sign_online(store, f"s{i}", code, f"AB{100000 + i}") for i in range(500)]
    lines = [enter(db, clock, code, paper(f"AB{100000 + i}")) for i in range(400, 900)]
    done = await asyncio.wait_for(asyncio.gather(*online, *lines), 180)
    signed = sum(1 for d in done[:500] if d.outcome is SigningOutcome.SIGNED)
    added = sum(1 for d in done[500:] if d.outcome is PaperOutcome.ADDED)
    assert signed + added == 900, (signed, added)
    assert await count(db) == (900, 900)
    async with db.transaction() as tx:
        twice = await tx.run(
            lambda c: c.execute(
                select(func.count()).select_from(
                    select(SIGNATURE.c.cin_key)
                    .group_by(SIGNATURE.c.cin_key)
                    .having(func.count() > 1)
                    .subquery()
                )
            ).scalar_one()
        )
    assert twice == 0


def test_a_sheet_with_a_quote_left_open_is_said_so_not_counted_unseen(tmp_path: Path) -> None:
    demo = run(tmp_path, "demo", HAYNA_SECRET_KEY=KEY)
    code = demo.stdout.split("petition codes: ")[1].split(";")[0].split(", ")[0]
    sheet = tmp_path / "feuille.csv"
    sheet.write_text(
        'name,cin,residence,date\n"Fatima Alaoui,AB100001,Hay,2026-01-05\n'
        "Omar,CD200002,Hay,2026-01-05\n",
        encoding="utf-8",
    )
    done = run(tmp_path, "petitions", "add-paper", code, "--from-csv", str(sheet),
               HAYNA_SECRET_KEY=KEY)  # fmt: skip
    assert done.returncode == 2
    assert "a quote" in done.stdout and "added" not in done.stdout
    extra = tmp_path / "extra.csv"
    extra.write_text("name,cin,adresse,date\nOmar,CD200002,Hay,2026-01-05\n", encoding="utf-8")
    refused = run(tmp_path, "petitions", "add-paper", code, "--from-csv", str(extra),
                  HAYNA_SECRET_KEY=KEY)  # fmt: skip
    assert refused.returncode == 2 and "names the columns" in refused.stderr
