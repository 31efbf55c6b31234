"""`hayna groups`, `hayna organizers`, `hayna meetings` and `hayna broadcast` as an operator
runs them: every action done, refused with a clear line, and written to the audit log."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from conversations.kit import MOROCCO
from tests.support.cli import Ran
from tests.support.cli import run as in_process

DAY = (date.today() + timedelta(days=10)).isoformat()


@pytest.fixture
def hayna():
    """The commands run in this process (each with its own event loop), on a fresh database."""

    def run(path: Path, *args: str) -> Ran:
        return in_process(path, *args, HAYNA_SECRET_KEY="k" * 40)

    return run


@pytest.fixture
def ok(hayna):
    def run(path: Path, *args: str) -> str:
        result = hayna(path, *args)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    return run


def test_an_operator_plans_a_meeting_and_an_update(tmp_path: Path, ok, hayna) -> None:
    groups = ok(tmp_path, "groups", "list", "--commune", "141.01.61")
    assert groups.splitlines()[1].split() == ["1", "youth"]
    named = ok(tmp_path, "groups", "create", "--commune", "141.01.61", "--kind", "association",
               "--name", "Association Nour")  # fmt: skip
    assert named == "4"
    code = ok(tmp_path, "organizers", "invite", "--commune", "141.01.61", "--group", "1")
    assert len(code) == 8 and code.isalnum()

    meeting = ok(
        tmp_path, "meetings", "create", "--commune", "141.01.61", "--title", "Forum des jeunes",
        "--at", f"{DAY} 18:00", "--place", "Maison des jeunes", "--pin", "33.557,-7.585",
        "--agenda", "Plan d'action communal", "--group", "1", "--reminders", "2d,2h",
    )  # fmt: skip
    assert ok(tmp_path, "meetings", "publish", meeting).startswith("meeting 1 published")
    listed = ok(tmp_path, "meetings", "list", "--commune", "141.01.61")
    assert f"{DAY} 18:00" in listed and "published" in listed
    ok(tmp_path, "meetings", "move", meeting, "--at", f"{DAY} 19:00")
    assert ok(tmp_path, "meetings", "rsvps", meeting) == "attending 0, maybe 0, not attending 0"
    ok(tmp_path, "meetings", "cancel", meeting)
    again = hayna(tmp_path, "meetings", "cancel", meeting)
    assert again.returncode == 2 and "is cancelled, not published" in again.stderr

    number = ok(tmp_path, "broadcast", "send", "--commune", "141.01.61", "--text", "fr=Bonjour",
                "--text", "ar=سلام", "--at", f"{DAY} 09:00")  # fmt: skip
    report = ok(tmp_path, "broadcast", "report", number).splitlines()
    assert report[0].split() == ["recipients", "queued", "sent", "delivered", "failed",
                                 "unreachable"]  # fmt: skip

    audit = ok(tmp_path, "organizers", "audit")
    for action in ("create_group", "invite", "create_meeting", "publish_meeting",
                   "move_meeting", "rsvps_meeting", "cancel_meeting", "broadcast"):  # fmt: skip
        assert action in audit, action


def test_bad_requests_are_refused_with_one_line(tmp_path: Path, hayna) -> None:
    past = hayna(tmp_path, "meetings", "create", "--commune", "141.01.61", "--title", "t",
                 "--at", "2020-01-01 10:00", "--place", "p", "--agenda", "a")  # fmt: skip
    assert past.returncode == 2 and "has already passed" in past.stderr
    week = (datetime.now(MOROCCO).date() + timedelta(days=7)).isoformat()
    assert f"for example '{week} 18:00'" in past.stderr, "an example built from today"
    assert "2026-12-05" not in past.stderr
    stranger = hayna(tmp_path, "meetings", "create", "--commune", "141.01.61", "--title", "t",
                     "--at", f"{DAY} 10:00", "--place", "p", "--agenda", "a",
                     "--group", "99")  # fmt: skip
    assert stranger.returncode == 2 and "group 99 is not a group of 141.01.61" in stranger.stderr
    language = hayna(tmp_path, "broadcast", "send", "--commune", "141.01.61", "--text", "de=Hallo")
    assert language.returncode == 2 and "start with ar=, fr=, zgh= or en=" in language.stderr
    gone = hayna(tmp_path, "broadcast", "send", "--commune", "141.01.61", "--text", "fr=Salut",
                 "--at", "2020-01-01 10:00")  # fmt: skip
    assert gone.returncode == 2 and "which has already passed" in gone.stderr
    again = hayna(tmp_path, "meetings", "cancel", "1")
    assert again.returncode == 2 and "there is no meeting 1" in again.stderr
    missing = hayna(tmp_path, "meetings", "publish", "42")
    assert missing.returncode == 2 and "there is no meeting 42" in missing.stderr
    when = hayna(tmp_path, "meetings", "move", "1", "--at", "tomorrow")
    assert when.returncode == 2 and "has no time of day" in when.stderr
    impossible = hayna(tmp_path, "meetings", "move", "1", "--at", "2027-02-31 18:00")
    assert impossible.returncode == 2 and "not a day and time of the calendar" in impossible.stderr


def test_a_meeting_time_can_be_typed_in_words(tmp_path: Path, ok) -> None:
    meeting = ok(tmp_path, "meetings", "create", "--commune", "141.01.61", "--title", "Forum",
                 "--at", "demain 18h", "--place", "Salle", "--agenda", "Budget")  # fmt: skip
    tomorrow = (datetime.now(MOROCCO).date() + timedelta(days=1)).isoformat()
    assert f"{tomorrow} 18:00" in ok(tmp_path, "meetings", "list"), meeting
