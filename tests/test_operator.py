"""The organizer commands of `hayna` go through storage's checks and audit, as the chat's
actions do: what they do and what they are refused is in the audit log, with the operator's
name, and a refusal changes nothing else."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

import pytest

from storage import groups
from storage.database import Database
from tests.support.cli import Ran
from tests.support.cli import hayna as hayna_in

AGADIR, BEN_MSICK = "001.01.01", "141.01.61"
DEADLINE = (date.today() + timedelta(days=30)).isoformat()


@pytest.fixture
def hayna(sqlite_db: Database, tmp_path: Path):
    """`hayna ...` in this process, on the test's database."""

    async def run(*args: str) -> Ran:
        # Its own event loop in a thread, as from a shell; standard error past the line every
        # command starts with, which names the database and the key.
        return await asyncio.to_thread(
            hayna_in, tmp_path, *args, DATABASE_URL=sqlite_db.url.url, HAYNA_SECRET_KEY="k" * 40
        )

    return run


async def audited(db: Database) -> list[tuple[str, str, str, bool]]:
    """The audit log, oldest first: who, what, on what, allowed."""
    async with db.transaction() as tx:
        trail = await tx.run(groups.audit_trail, 100)
    return [(who, action, target, allowed) for _at, who, action, target, allowed in trail][::-1]


def draft(*extra: str) -> list[str]:
    return [
        "petitions", "create", "--commune", AGADIR, "--summary", "Des lampadaires",
        "--text", "Nous demandons l'éclairage.", "--requests", "Installer 8 lampadaires",
        "--representative", "Amina Benali", "--deadline", DEADLINE, "--by", "Khadija", *extra,
    ]  # fmt: skip


async def test_petition_commands_are_audited_done_or_refused(hayna, sqlite_db: Database) -> None:
    long = await hayna(*draft("--title", "x" * 121))
    assert long.returncode == 2
    assert long.stderr.strip() == "hayna: --title must be 1 to 120 characters; it has 121"
    assert (await hayna("petitions", "list")).stdout.strip() == "no petitions match"

    made = await hayna(*draft("--title", "Éclairer la rue", "--threshold", "2"))
    assert made.returncode == 0, made.stderr
    code = made.stdout.strip()
    early = await hayna("petitions", "file", code, "--receipt", "R-1", "--by", "Khadija")
    assert early.stderr.strip() == f"hayna: {code} is draft: it can become open"
    opened = await hayna("petitions", "publish", code, "--by", "Khadija")
    assert opened.stdout.strip() == f"{code}: draft → open (by Khadija)"
    short = await hayna("petitions", "file", code, "--receipt", "R-1", "--by", "Khadija")
    assert short.returncode == 2 and "has 0 of the 2 signatures it needs" in short.stderr

    assert await audited(sqlite_db) == [
        ("Khadija", "draft_petition", "x" * 64, False),
        ("Khadija", "draft_petition", code, True),
        ("Khadija", "filed_petition", code, False),
        ("Khadija", "open_petition", code, True),
        ("Khadija", "filed_petition", code, False),
    ]


async def test_a_report_status_change_is_audited_done_or_refused(
    hayna, sqlite_db: Database
) -> None:
    assert (await hayna("demo")).returncode == 0
    listed = (await hayna("reports", "list")).stdout.splitlines()
    ref = listed[1].split()[0]
    bare = await hayna("reports", "set-status", ref, "rejected", "--by", "Omar")
    assert bare.returncode == 2
    assert bare.stderr.strip() == "hayna: a rejection needs its reason: --note TEXT"
    unknown = await hayna("reports", "set-status", "R-2026-999999", "resolved", "--by", "Omar")
    assert unknown.stderr.strip() == "hayna: no report R-2026-999999"
    lonely = await hayna("reports", "set-status", ref, "duplicate", "--of", ref, "--by", "Omar")
    assert "another open report: --of REF" in lonely.stderr
    done = await hayna("reports", "set-status", ref, "in_progress", "--by", "Omar")
    assert done.returncode == 0 and f"{ref}: received → in_progress (by Omar)" in done.stdout

    assert [entry for entry in await audited(sqlite_db) if entry[0] == "Omar"] == [
        ("Omar", "report_status", ref, False),
        ("Omar", "report_status", "R-2026-999999", False),
        ("Omar", "report_status", ref, False),
        ("Omar", "report_status", ref, True),
    ]


async def test_a_group_of_another_commune_is_refused_and_the_try_audited(
    hayna, sqlite_db: Database
) -> None:
    # The built-in groups of Ben M'Sick, made when a commune's groups are first listed.
    assert (await hayna("groups", "list", "--commune", BEN_MSICK)).returncode == 0
    day = (date.today() + timedelta(days=9)).isoformat()
    meeting = await hayna(
        "meetings", "create", "--commune", AGADIR, "--title", "Forum", "--at", f"{day} 18:00",
        "--place", "Salle", "--agenda", "Budget", "--group", "1", "--by", "Leila",
    )  # fmt: skip
    assert meeting.returncode == 2
    assert meeting.stderr.strip() == f"hayna: group 1 is not a group of {AGADIR}"
    update = await hayna(
        "broadcast", "send", "--commune", AGADIR, "--group", "1", "--text", "fr=Bonjour",
        "--by", "Leila",
    )  # fmt: skip
    assert update.returncode == 2 and f"group 1 is not a group of {AGADIR}" in update.stderr
    invite = await hayna(
        "organizers", "invite", "--commune", AGADIR, "--group", "1", "--by", "Leila"
    )
    assert invite.returncode == 2 and f"group 1 is not a group of {AGADIR}" in invite.stderr
    published = await hayna("meetings", "publish", "7", "--by", "Leila")
    assert published.stderr.strip() == "hayna: there is no meeting 7"

    assert [entry for entry in await audited(sqlite_db) if entry[0] == "Leila"] == [
        ("Leila", "create_meeting", "Forum", False),
        ("Leila", "broadcast", AGADIR, False),
        ("Leila", "invite", AGADIR, False),
        ("Leila", "publish_meeting", "7", False),
    ]
    assert (await hayna("meetings", "list")).stdout.count("\n") == 1, "no meeting was made"
    nothing = await hayna("broadcast", "report", "9")
    assert nothing.returncode == 2 and nothing.stderr.strip() == "hayna: there is no update 9"
    assert [entry[1:] for entry in await audited(sqlite_db)][-1] == ("report", "9", False)
