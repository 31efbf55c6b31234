"""`hayna meetings outcome|checkin|export` as an operator runs them: an outcome recorded with
decisions and attendance by group, published once, exported as CSV and PDF, and bad input
refused with one clear line; every try in the audit log."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from storage.database import Database
from storage.models import MEETING
from tests.support.cli import Ran
from tests.support.cli import run as in_process

DAY = (date.today() + timedelta(days=10)).isoformat()
SOON = (date.today() + timedelta(days=30)).isoformat()


@pytest.fixture
def hayna():
    def run(path: Path, *args: str) -> Ran:
        return in_process(path, *args, HAYNA_SECRET_KEY="k" * 40)

    return run


def held(tmp_path: Path, meeting_id: int) -> None:
    """The meeting started an hour ago, as if the days had passed."""

    async def move() -> None:
        db = Database.open(f"sqlite:///{tmp_path / 'hayna.db'}")
        try:
            async with db.transaction() as tx:
                started = datetime.now(UTC) - timedelta(hours=1)
                await tx.run(
                    lambda c: c.execute(
                        update(MEETING).where(MEETING.c.id == meeting_id).values(starts_at=started)
                    )
                )
        finally:
            await db.close()

    asyncio.run(move())


def test_an_operator_records_publishes_and_exports_an_outcome(tmp_path: Path, hayna) -> None:
    def ok(*args: str) -> str:
        result = hayna(tmp_path, *args)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert ok("groups", "list", "--commune", "141.01.61").splitlines()[1].split() == ["1", "youth"]
    meeting = ok(
        "meetings", "create", "--commune", "141.01.61", "--title", "Forum des jeunes",
        "--at", f"{DAY} 18:00", "--place", "Maison des jeunes", "--agenda", "Budget",
    )  # fmt: skip
    ok("meetings", "publish", meeting)
    early = hayna(tmp_path, "meetings", "outcome", meeting, "--summary", "s", "--attended", "3")
    assert early.returncode == 2 and "has not been held yet" in early.stderr
    held(tmp_path, int(meeting))

    bad = hayna(tmp_path, "meetings", "outcome", meeting, "--summary", "s", "--attended", "many")
    assert bad.returncode == 2 and "'many' is not a number of people" in bad.stderr
    past = hayna(tmp_path, "meetings", "outcome", meeting, "--summary", "s", "--attended", "3",
                 "--decision", "Réparer;Commune;2020-01-01")  # fmt: skip
    assert past.returncode == 2 and "due date has passed" in past.stderr
    empty = hayna(tmp_path, "meetings", "outcome", meeting, "--summary", "s", "--attended", "3",
                  "--decision", " ;Commune")  # fmt: skip
    assert empty.returncode == 2 and "must have a text" in empty.stderr

    said = ok("meetings", "outcome", meeting, "--summary", "Un terrain éclairé est demandé.",
              "--attended", "41", "--group-attended", "1=12",
              "--decision", f"Éclairer le terrain;Service technique;{SOON}",
              "--decision", "تنظيم يوم مفتوح", "--publish")  # fmt: skip
    assert said == f"meeting {meeting}: outcome published"
    again = hayna(tmp_path, "meetings", "outcome", meeting, "--summary", "x", "--attended", "1")
    assert again.returncode == 2 and "published already" in again.stderr
    assert ok("meetings", "checkin", meeting, "ZZZZ") == "ZZZZ: unknown"

    rows = list(csv.reader(io.StringIO(ok("meetings", "export", meeting, "--format", "csv"))))
    assert rows[0] == ["section", "position", "text", "responsible", "due_on", "count"]
    assert ["attended", "", "", "", "", "41"] in rows
    assert ["group", "1", "youth", "", "", "12"] in rows
    assert ["decision", "1", "Éclairer le terrain", "Service technique", SOON, ""] in rows
    assert ["decision", "2", "تنظيم يوم مفتوح", "", "", ""] in rows
    pdf = hayna(tmp_path, "meetings", "export", meeting, "--format", "pdf")
    assert pdf.returncode == 0 and pdf.output.startswith(b"%PDF")
    # The decision with a day became a commitment of the commune; the other one did not.
    promised = ok("commitments", "list", "--commune", "141.01.61")
    assert "Éclairer le terrain" in promised and "Service technique" in promised
    assert "تنظيم يوم مفتوح" not in promised

    audit = ok("organizers", "audit")
    for action in ("record_outcome", "publish_outcome", "check_in", "see_outcome"):
        assert action in audit, action


def test_a_meeting_without_an_outcome_has_nothing_to_export(tmp_path: Path, hayna) -> None:
    missing = hayna(tmp_path, "meetings", "export", "7", "--format", "csv")
    assert missing.returncode == 2 and "there is no meeting 7" in missing.stderr
