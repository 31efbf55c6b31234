"""`hayna commitments` as an operator runs it: one made from the council's answer to a petition
(its text by default, its signers following it), another typed, each mistake said in one line,
a status changed with a note (its followers counted), listed, and exported as a CSV and as a PDF
in French and Arabic for the council."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pypdfium2
from sqlalchemy import update

from storage import petitions
from storage.database import Database
from storage.models import PETITION
from tests.support.cli import Ran
from tests.support.cli import run as in_process
from tests.support.clock import Clock
from tests.support.deliveries import add_resident
from tests.support.petitions import open_petition
from tests.support.vault import VAULT

BEN_MSICK = "141.01.61"
ANSWER = "Le conseil s'engage à éclairer le boulevard avant l'été"


def hayna(path: Path, *args: str) -> Ran:
    return in_process(path, *args, HAYNA_SECRET_KEY="k" * 40)


async def answered_petition(path: Path, clock: Clock) -> str:
    """A petition of Ben M'Sick signed by one resident, the council's answer recorded."""
    assert hayna(path, "db", "upgrade").returncode == 0
    db = Database.open(f"sqlite:///{path / 'hayna.db'}")
    code = await open_petition(db, clock, BEN_MSICK)
    resident = await add_resident(db, clock, "amina", "fr")
    async with db.transaction() as tx:
        await tx.run(
            petitions.sign,
            code,
            resident,
            "Amina",
            VAULT.key("AB123456"),
            VAULT.seal("AB123456"),
            clock(),
        )
        await tx.run(
            lambda c: c.execute(
                update(PETITION).where(PETITION.c.code == code).values(decision_note=ANSWER)
            )
        )
    await db.close()
    return code


async def test_from_a_petition_changed_listed_and_exported(tmp_path: Path, clock: Clock) -> None:
    code = await answered_petition(tmp_path, clock)
    due = ("--made-by", "Conseil communal", "--due", "31/03/2027")
    made = hayna(tmp_path, "commitments", "add", "--petition", code.lower(), *due)
    assert (made.returncode, made.stdout.strip()) == (0, "1"), made.stderr
    typed = hayna(
        tmp_path, "commitments", "add", "--commune", "Ben M'Sick", "--text", "Ouvrir la crèche",
        "--made-by", "Président de la commune", "--due", "2026-12-31",
    )  # fmt: skip
    assert typed.stdout.strip() == "2", typed.stderr
    listed = hayna(tmp_path, "commitments", "list").stdout
    assert f"petition {code}" in listed and ANSWER[:30] in listed and "pending" in listed
    changed = hayna(tmp_path, "commitments", "set-status", "1", "in-progress", "--note", "Devis")
    assert changed.stdout.strip() == "commitment 1: in_progress, followers told: 1"
    out = tmp_path / "commitments.csv"
    exported = hayna(
        tmp_path, "commitments", "export", "--commune", BEN_MSICK, "--output", str(out)
    )
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8"))))
    assert rows[0][:4] == ["id", "status", "due", "overdue"]
    assert rows[1][:3] == ["2", "pending", "31/12/2026"]
    assert rows[2][:2] == ["1", "in_progress"] and rows[2][-2:] == ["1", ANSWER]
    pdf = tmp_path / "commitments.pdf"
    hayna(
        tmp_path, "commitments", "export", "--commune", BEN_MSICK, "--format", "pdf",
        "--output", str(pdf),
    )  # fmt: skip
    document = pypdfium2.PdfDocument(pdf.read_bytes())
    text = "".join(page.get_textpage().get_text_range() for page in document)
    for shown in ("Engagements de la commune", "Ben M'Sick", "Ouvrir la crèche", "en cours",
                  "Conseil communal", "« Devis »", "échéance 31/03/2027"):  # fmt: skip
        assert shown in text, shown
    # Arabic as shaped and laid out right to left: single words read back whole.
    assert "الجماعة" in text and "العريضة" in text, "the Arabic beside the French"


async def test_mistakes_are_said_in_one_line(tmp_path: Path, clock: Clock) -> None:
    await answered_petition(tmp_path, clock)
    base = ("commitments", "add", "--commune", BEN_MSICK, "--made-by", "Conseil communal")
    cases = (
        ((*base, "--text", " ", "--due", "31/03/2027"), "--text is empty"),
        ((*base, "--text", "Une crèche", "--due", "01/01/2020"), "--due is in the past"),
        ((*base, "--text", "Une crèche", "--due", "bientôt"), "is not a date as DD/MM/YYYY"),
        (("commitments", "add", "--petition", "ZZZZ", "--made-by", "C", "--due", "31/03/2027"),
         "no petition ZZZZ"),
        (("commitments", "set-status", "9", "done"), "no commitment 9"),
        (("commitments", "set-status", "1", "finished"), "'finished' is no status"),
    )  # fmt: skip
    for args, said in cases:
        result = hayna(tmp_path, *args)
        assert result.returncode == 2, args
        assert said in result.stderr, (said, result.stderr)
    assert hayna(tmp_path, "commitments", "list").stdout.strip() == "no commitments"
