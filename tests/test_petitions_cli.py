"""`hayna petitions` as an organizer runs it: draft, publish, list, file, decide, export; an
association's petition, its checklist ticked before filing, and the settings of that checklist."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
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
    """Each petition's status, count, deadline and commune, by code; its kind must be the
    residents'."""
    found = columns(path, *args)
    assert {cells[0] for cells in found.values()} <= {"residents"}, found
    return {code: cells[1:5] for code, cells in found.items()}


def columns(path: Path, *args: str) -> dict[str, list[str]]:
    """The cells of `hayna petitions list` after the code, by code; columns are 2 spaces apart
    or more, so a cell such as "2 supporters" stays one."""
    result = hayna(path, "list", *args)
    assert result.returncode == 0, result.stderr
    header, *lines, _total = result.stdout.splitlines()
    assert re.split(r"\s{2,}", header) == [
        "CODE", "KIND", "STATUS", "SIGNATURES", "DEADLINE", "COMMUNE", "THEME", "TITLE", "ANSWER"
    ]  # fmt: skip
    return {cells[0]: cells[1:] for cells in (re.split(r"\s{2,}", line) for line in lines)}


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
    themes = {code: cells[5] for code, cells in columns(tmp_path).items()}
    assert themes == {water: "water", other: "other"}
    assert set(listed(tmp_path, "--category", "water")) == {water}
    refused = hayna(tmp_path, "create", "--commune", "Agadir", "--category", "potholes")
    assert refused.returncode == 2 and "--category" in refused.stderr


NOUR = "Association Nour"
TWO = {"HAYNA_ASSOCIATION_CHECKLIST": "existence, statutes"}


def groups_create(path: Path, name: str) -> None:
    made = run_hayna(
        path, "groups", "create", "--commune", AGADIR, "--kind", "association", "--name", name,
        HAYNA_SECRET_KEY=KEY,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr


def by_association(path: Path, association: str, *extra: str, **env: str) -> Ran:
    return run_hayna(
        path,
        "petitions", "create",
        "--commune", AGADIR,
        "--title", "Rouvrir la maison des jeunes",
        "--summary", "La maison des jeunes est fermée depuis deux ans",
        "--text", "L'association demande la réouverture de la maison des jeunes.",
        "--requests", "La rouvrir avant l'été",
        "--representative", "Youssef Amrani",
        "--deadline", DEADLINE,
        "--association", association,
        *extra,
        HAYNA_SECRET_KEY=KEY, **env,
    )  # fmt: skip


def test_an_association_petition_names_an_association_of_its_commune(tmp_path: Path) -> None:
    declared = ("--declared", "2019-05-01")
    none = by_association(tmp_path, NOUR, *declared)
    assert none.returncode == 2
    assert none.stderr.strip() == (
        f"hayna: {AGADIR} has no association yet: create it with `hayna groups create --commune "
        f"{AGADIR} --kind association --name NAME`"
    )
    groups_create(tmp_path, NOUR)
    unknown = by_association(tmp_path, "Association Amal", *declared)
    assert unknown.returncode == 2 and len(unknown.stderr.splitlines()) == 1
    assert "no association 'Association Amal'" in unknown.stderr
    assert f" {NOUR} (a name or an id)" in unknown.stderr
    for extra, said in (
        (("--declared", "2019-05-01", "--threshold", "100"), "--threshold has no meaning"),
        ((), "--association needs --declared YYYY-MM-DD"),
        (("--declared", "1/5/2019"), "argument --declared: '1/5/2019' is not a date"),
        (("--declared", "2099-01-01"), "--declared 2099-01-01 is in the future"),
    ):
        refused = by_association(tmp_path, NOUR, *extra)
        assert refused.returncode == 2 and said in refused.stderr, refused.stderr
    alone = hayna(tmp_path, "create", "--commune", AGADIR, "--declared", "2019-05-01")
    assert alone.returncode == 2
    assert hayna(tmp_path, "list").stdout.strip() == "no petitions match"

    made = by_association(tmp_path, "association NOUR", *declared, **TWO)
    assert made.returncode == 0, made.stderr
    code = made.stdout.strip()
    assert (
        f"draft {code}: association petition of {NOUR} (declaration received on 2019-05-01), "
        "no signature threshold; checklist: 2 items to tick before filing"
    ) in made.stderr
    assert "warning" not in made.stderr
    shown = hayna(tmp_path, "checklist", code)
    assert shown.returncode == 0, shown.stderr
    assert [line.split()[0] for line in shown.stdout.splitlines()[3:5]] == ["existence", "statutes"]
    # Named by its id as well.
    (group_id,) = re.findall(r"(\d+) " + NOUR, unknown.stderr)
    again = by_association(tmp_path, group_id, *declared)
    assert again.returncode == 0, again.stderr
    assert "checklist: 7 items" in again.stderr
    assert columns(tmp_path)[again.stdout.strip()][:3] == ["association", "draft", "0 supporters"]


async def test_filing_an_association_petition_waits_for_its_checklist(
    tmp_path: Path, sqlite_db: Database
) -> None:
    groups_create(tmp_path, NOUR)
    two_years_ago = (date.today() - timedelta(days=2 * 365 + 1)).isoformat()
    made = by_association(tmp_path, NOUR, "--declared", two_years_ago, **TWO)
    assert made.returncode == 0, made.stderr
    code = made.stdout.strip()
    # Three years are commonly cited, not verified: a warning, no refusal.
    young = "warning: the association's declaration was received 2 years ago"
    assert young in made.stderr and "the item existence asks for at least 3" in made.stderr
    assert hayna(tmp_path, "publish", code).returncode == 0

    early = hayna(tmp_path, "file", code, "--receipt", "2026/7")
    assert early.returncode == 2
    assert early.stderr.strip() == (
        f"hayna: {code}'s checklist is not complete: tick existence, statutes first "
        f"(`hayna petitions checklist {code}`)"
    )
    ticked = hayna(tmp_path, "checklist", code, "--tick", "existence", "--by", "Khadija")
    assert ticked.returncode == 0, ticked.stderr
    lines = ticked.stdout.splitlines()
    assert lines[0] == f"{code}: association petition of {NOUR}"
    assert lines[1] == f"declaration received on {two_years_ago} (2 years ago)"
    assert re.split(r"\s{2,}", lines[2]) == ["ITEM", "CHECK", "TICKED BY", "WHEN"]
    existence = re.split(r"\s{2,}", lines[3])
    assert existence[:3] == [
        "existence",
        "The association has been legally constituted for at least 3 years",
        "Khadija",
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", existence[3]), existence
    assert re.split(r"\s{2,}", lines[4]) == ["statutes", "A copy of its statutes is attached"]
    assert lines[-1] == "1 of 2 ticked; to tick: statutes"
    assert young in ticked.stderr

    for args, said in (
        (("--tick", "seat"), f"hayna: {code}'s checklist has no seat: it has existence, statutes"),
        (("--tick", "statutes", "--untick", "statutes"), "given to both --tick and --untick"),
        (("--tick", "bylaws"), "argument --tick: invalid choice: 'bylaws'"),
    ):
        refused = hayna(tmp_path, "checklist", code, *args)
        assert refused.returncode == 2 and said in refused.stderr, refused.stderr
    unticked = hayna(tmp_path, "checklist", code, "--untick", "existence")
    assert unticked.stdout.splitlines()[-1] == "0 of 2 ticked; to tick: existence, statutes"

    for number in range(2):
        resident = await add_resident(sqlite_db, clock=Clock(), user=f"s{number}", language="fr")
        async with sqlite_db.transaction() as tx:
            await tx.run(petitions.support, code, resident, datetime.now(UTC))
    assert columns(tmp_path)[code][:3] == ["association", "open", "2 supporters"]

    done = hayna(tmp_path, "checklist", code, "--tick", "existence", "--tick", "statutes")
    assert done.stdout.splitlines()[-1] == (
        f"all ticked: file it with `hayna petitions file {code} --receipt NUMBER`"
    )
    filed = hayna(tmp_path, "file", code, "--receipt", "2026/7")
    assert filed.returncode == 0, filed.stderr
    assert f"{code}: open → filed" in filed.stdout and "supporters to notify: 2" in filed.stdout
    late = hayna(tmp_path, "checklist", code, "--untick", "statutes")
    assert late.returncode == 2
    assert late.stderr.strip() == (
        f"hayna: {code} is filed: its checklist went to the commune with it and no longer changes"
    )

    audit = run_hayna(tmp_path, "organizers", "audit", "--limit", "20", HAYNA_SECRET_KEY=KEY)
    assert re.search(rf"Khadija\s+check_petition\s+{code} [+-]\S+.*\s+yes", audit.stdout), (
        audit.stdout
    )
    assert re.search(rf"check_petition\s+{code}\b.*\s+REFUSED", audit.stdout), audit.stdout

    output = tmp_path / "filing.csv"
    written = hayna(tmp_path, "export", code, "--format", "csv", "--output", str(output))
    assert written.stdout.strip() == (
        f"{code}: the association's filing, with 2 residents' supports (not legal signatures), "
        f"written to {output}"
    )
    rows = list(csv.reader(io.StringIO(output.read_text("utf-8-sig"), newline="")))
    fields = {row[0]: row[1] for row in rows[: rows.index([])]}
    assert fields["Association / الجمعية"] == NOUR
    assert fields["Représentant de l'association / ممثل الجمعية"] == "Youssef Amrani"
    assert fields["Déclaration reçue le / تاريخ تسلم التصريح"] == two_years_ago
    assert fields[next(label for label in fields if "pas des signatures légales" in label)] == "2"
    assert "Seuil / النصاب" not in fields
    heading, *checks = rows[rows.index([]) + 1 :]
    assert heading[:2] == ["n° / رقم", "Élément / البند"]
    assert [(row[1], row[4]) for row in checks] == [("existence", "root"), ("statutes", "root")]


def test_a_residents_petition_has_no_checklist(tmp_path: Path) -> None:
    code = create(tmp_path, AGADIR)
    for args in ((), ("--tick", "seat")):
        refused = hayna(tmp_path, "checklist", code, *args)
        assert refused.returncode == 2
        assert refused.stderr.strip() == (
            f"hayna: {code} is a residents' petition: only an association's petition has a "
            "checklist"
        )


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("HAYNA_ASSOCIATION_CHECKLIST", "existence,bylaws", "unknown item bylaws; the items are "
         "existence, seat, standing, purpose, statutes, receipt, decision"),
        ("HAYNA_ASSOCIATION_CHECKLIST", " , ", "names no item; the items are existence, seat"),
        ("HAYNA_ASSOCIATION_YEARS", "0", "'0' is not a whole number of years, 1 to 20"),
        ("HAYNA_ASSOCIATION_YEARS", "three", "'three' is not a whole number of years"),
        ("HAYNA_ASSOCIATION_YEARS", "²", "'²' is not a whole number of years"),
    ],
)  # fmt: skip
def test_a_bad_association_setting_stops_every_command_in_one_line(
    tmp_path: Path, variable: str, value: str, said: str
) -> None:
    result = run_hayna(tmp_path, "petitions", "list", HAYNA_SECRET_KEY=KEY, **{variable: value})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"hayna: {variable}: ")
    assert said in result.stderr
