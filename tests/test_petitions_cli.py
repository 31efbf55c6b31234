"""`hayna petitions` as an organizer runs it: draft, publish, list, file, decide, export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from conversations.petition import SigningOutcome
from storage import petitions
from storage.database import Database
from storage.models import PETITION
from storage.vault import Vault
from tests.support.cli import Ran
from tests.support.cli import hayna as run_hayna
from tests.support.clock import Clock
from tests.support.deliveries import add_resident

KEY = "k" * 40
AGADIR, ANFA = "001.01.01", "141.01.01"
DEADLINE = (date.today() + timedelta(days=30)).isoformat()
SIGNERS = (("amina", "Amina Benali", "AB123456"), ("hugo", "=Hugo Martin", "K98765"))


def hayna(path: Path, *args: str) -> Ran:
    return run_hayna(path, "petitions", *args, HAYNA_SECRET_KEY=KEY)


def exported(path: Path, code: str, kind: str) -> Ran:
    """An export to standard output, taken as bytes (``output``)."""
    return run_hayna(path, "petitions", "export", code, "--format", kind, HAYNA_SECRET_KEY=KEY)


def create(path: Path, commune: str, *extra: str) -> str:
    result = hayna(
        path,
        "create",
        "--commune", commune,
        "--title", "Éclairer le boulevard",
        "--summary", "Rallumer les lampadaires éteints depuis l'été",
        "--text", "نطالب بإصلاح الإنارة العمومية في شارع الحسن الثاني.",
        "--requests", "Réparer les lampadaires avant l'hiver",
        "--representative", "Amina Benali",
        "--deadline", DEADLINE,
        "--by", "Khadija",
        *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    code = result.stdout.strip()
    assert len(code) == petitions.CODE_LENGTH and code.isalnum(), result.stdout
    return code


def listed(path: Path, *args: str) -> dict[str, list[str]]:
    result = hayna(path, "list", *args)
    assert result.returncode == 0, result.stderr
    header, *lines, _total = result.stdout.splitlines()
    assert header.split() == [
        "CODE", "STATUS", "SIGNATURES", "DEADLINE", "COMMUNE", "THEME", "TITLE", "ANSWER"
    ]  # fmt: skip
    return {line.split()[0]: line.split()[1:5] for line in lines}


async def test_a_petition_from_draft_to_filed_and_a_rejection_needs_reasons(
    tmp_path: Path, sqlite_db: Database, clock: Clock
) -> None:
    code = create(tmp_path, "Agadir", "--threshold", "1")
    arrondissement = create(tmp_path, ANFA)
    custom = create(tmp_path, AGADIR, "--threshold", "100")
    assert listed(tmp_path) == {
        custom: ["draft", "0/100", DEADLINE, "Agadir"],
        arrondissement: ["draft", "0/400", DEADLINE, "Anfa"],
        code: ["draft", "0/1", DEADLINE, "Agadir"],
    }

    published = hayna(tmp_path, "publish", code.lower(), "--by", "Khadija")
    assert published.returncode == 0, published.stderr
    assert published.stdout.strip() == f"{code}: draft → open (by Khadija)"
    assert list(listed(tmp_path, "--status", "open")) == [code]
    assert list(listed(tmp_path, "--commune", ANFA)) == [arrondissement]

    too_early = hayna(tmp_path, "file", code, "--receipt", "R-1")
    assert too_early.returncode == 2, "an open petition without its signatures cannot be filed"
    assert too_early.stderr.strip() == (
        f"hayna: {code} has 0 of the 1 signatures it needs: it can be filed once it has them all"
    )

    (user, name, cin), vault = SIGNERS[0], Vault(KEY)
    resident = await add_resident(sqlite_db, clock, user, "fr")
    async with sqlite_db.transaction() as tx:
        signing = await tx.run(
            petitions.sign, code, resident, name, vault.key(cin), vault.seal(cin), datetime.now(UTC)
        )
    assert signing.outcome is SigningOutcome.SIGNED
    filed = hayna(tmp_path, "file", code, "--receipt", "2026/118", "--by", "Khadija")
    assert filed.returncode == 0, filed.stderr
    assert f"{code}: threshold_reached → filed (by Khadija)" in filed.stdout
    assert "signers to notify: 1" in filed.stdout

    unreasoned = hayna(tmp_path, "decide", code, "rejected")
    assert unreasoned.returncode == 2
    assert (
        unreasoned.stderr.strip() == "hayna: a rejection needs the council's reasons: --note TEXT"
    )
    assert listed(tmp_path, "--status", "filed")[code][0] == "filed"

    rejected = hayna(tmp_path, "decide", code, "rejected", "--note", "Hors compétence")
    assert rejected.returncode == 0, rejected.stderr
    assert f"{code}: filed → rejected" in rejected.stdout


def test_bad_fields_and_moves_are_refused_and_store_nothing(tmp_path: Path) -> None:
    base = ["create", "--commune", AGADIR, "--summary", "s", "--text", "t", "--requests", "r"]
    base += ["--representative", "A"]
    long_title = hayna(tmp_path, *base, "--title", "x" * 121, "--deadline", DEADLINE)
    assert long_title.returncode == 2
    assert "hayna: --title must be 1 to 120 characters; it has 121" in long_title.stderr
    past = hayna(tmp_path, *base, "--title", "T", "--deadline", date.today().isoformat())
    assert past.returncode == 2 and "--deadline" in past.stderr
    assert hayna(tmp_path, "list").stdout.strip() == "no petitions match"

    code = create(tmp_path, AGADIR)
    early = hayna(tmp_path, "file", code, "--receipt", "R-1")
    assert early.returncode == 2
    assert early.stderr.strip() == f"hayna: {code} is draft: it can become open"
    draft = hayna(tmp_path, "export", code, "--format", "csv")
    assert draft.returncode == 2 and "publish it" in draft.stderr
    unknown = hayna(tmp_path, "publish", "ZZZZZZ")
    assert unknown.returncode == 2 and unknown.stderr.strip() == "hayna: no petition ZZZZZZ"


async def test_export_opens_the_cins_for_the_commune(
    tmp_path: Path, sqlite_db: Database, clock: Clock
) -> None:
    code = create(tmp_path, "Agadir")
    assert hayna(tmp_path, "publish", code).returncode == 0
    vault = Vault(KEY)
    for user, name, cin in SIGNERS:
        resident = await add_resident(sqlite_db, clock, user, "fr")
        async with sqlite_db.transaction() as tx:
            signing = await tx.run(
                petitions.sign,
                code, resident, name, vault.key(cin), vault.seal(cin), datetime.now(UTC),
            )  # fmt: skip
        assert signing.outcome is SigningOutcome.SIGNED

    output = tmp_path / "petition.csv"
    result = hayna(tmp_path, "export", code, "--format", "csv", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert f"{code}: 2 signatories written to {output}" in result.stdout
    data = output.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert output.stat().st_mode & 0o077 == 0, "CINs in clear are for the organizer only"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Pétition / العريضة", code]
    assert ["Commune", "Agadir"] in rows
    assert rows[-2:] == [
        ["1", "Amina Benali", "AB123456", rows[-2][3], "en ligne / عبر الدردشة"],
        ["2", "'=Hugo Martin", "K98765", rows[-1][3], "en ligne / عبر الدردشة"],
    ]
    assert listed(tmp_path)[code][:2] == ["open", "2/200"]

    pdf = exported(tmp_path, code, "pdf")
    assert pdf.returncode == 0, pdf.stderr
    assert pdf.output.startswith(b"%PDF")

    another_key = run_hayna(
        tmp_path, "petitions", "export", code, "--format", "csv", HAYNA_SECRET_KEY="z" * 40
    )
    assert another_key.returncode == 2
    assert "created with another HAYNA_SECRET_KEY" in another_key.stderr

    closed = hayna(tmp_path, "close", code, "--by", "Khadija")
    assert closed.returncode == 0, closed.stderr
    assert "signers to notify: 2" in closed.stdout


async def test_filing_needs_its_receipt_and_the_list_shows_the_answer_clock(
    tmp_path: Path, sqlite_db: Database, clock: Clock
) -> None:
    late, code = (
        create(tmp_path, AGADIR, "--threshold", "1"),
        create(tmp_path, AGADIR, "--threshold", "1"),
    )
    vault = Vault(KEY)
    for number, petition in enumerate((late, code)):
        assert hayna(tmp_path, "publish", petition).returncode == 0
        resident = await add_resident(sqlite_db, clock, f"signer{number}", "fr")
        cin = f"AB12345{number}"
        async with sqlite_db.transaction() as tx:
            await tx.run(
                petitions.sign,
                petition,
                resident,
                "A",
                vault.key(cin),
                vault.seal(cin),
                datetime.now(UTC),
            )
    bare = hayna(tmp_path, "file", code)
    assert bare.returncode == 2 and "the following arguments are required: --receipt" in bare.stderr
    long = hayna(tmp_path, "file", code, "--receipt", "9" * 41)
    assert long.returncode == 2
    assert long.stderr.strip() == "hayna: --receipt must be 1 to 40 characters; it has 41"
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    ahead = hayna(tmp_path, "file", code, "--receipt", "R-1", "--deposited", tomorrow)
    assert ahead.returncode == 2 and "is in the future" in ahead.stderr
    early = (date.today() - timedelta(days=2)).isoformat()
    before = hayna(tmp_path, "file", code, "--receipt", "R-1", "--deposited", early)
    assert before.returncode == 2 and "before the petition was opened" in before.stderr
    for petition in (late, code):
        filed = hayna(tmp_path, "file", petition, "--receipt", "2026/118")
        assert filed.returncode == 0, filed.stderr
        assert "the council's answer is due by" in filed.stdout
    # The first was deposited 100 days ago, as if: its answer is 8 days overdue.
    async with sqlite_db.transaction() as tx:
        await tx.run(
            lambda c: c.execute(
                update(PETITION)
                .where(PETITION.c.code == late)
                .values(
                    deposited_on=date.today() - timedelta(days=100),
                    answer_due=date.today() - timedelta(days=8),
                )
            )
        )
    result = hayna(tmp_path, "list")
    assert result.returncode == 0, result.stderr
    _header, *lines, _total = result.stdout.splitlines()
    assert [(line.split()[0], " ".join(line.split()[-3:])) for line in lines] == [
        (late, "overdue 8 days"),
        (code, "awaiting 0 days"),
    ]


def test_a_petitions_theme_is_given_listed_and_filtered(tmp_path: Path) -> None:
    water = create(tmp_path, "Agadir", "--category", "water")
    other = create(tmp_path, "Agadir")
    shown = hayna(tmp_path, "list").stdout.splitlines()
    themes = {line.split()[0]: line.split()[5] for line in shown[1:-1]}
    assert themes == {water: "water", other: "other"}
    assert set(listed(tmp_path, "--category", "water")) == {water}
    refused = hayna(tmp_path, "create", "--commune", "Agadir", "--category", "potholes")
    assert refused.returncode == 2 and "--category" in refused.stderr
