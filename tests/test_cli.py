"""`hayna` as a person runs it: scripted chats, the dispatcher stopped by SIGTERM, bad settings."""

from __future__ import annotations

import re
import sqlite3
from functools import partial
from pathlib import Path

import pytest

from bot.i18n import translator
from conversations.menu import HOME
from tests.support.cli import SCRIPTS, hayna, run_until_terminated, wait_for_output


def test_script_onboarding_in_arabic_by_name(tmp_path: Path) -> None:
    result = hayna(tmp_path, "chat", "--script", str(SCRIPTS / "onboarding_ar.txt"))
    assert result.returncode == 0, result.stderr
    assert HOME.text.render(translator("ar")) in result.stdout
    assert "الدار البيضاء" in result.stdout
    assert (tmp_path / "hayna.db").exists() and (tmp_path / ".hayna-secret").exists()


def test_script_onboarding_in_french_by_pin(tmp_path: Path) -> None:
    result = hayna(
        tmp_path, "chat", "--as", "youssef", "--script", str(SCRIPTS / "onboarding_fr.txt")
    )
    assert result.returncode == 0, result.stderr
    assert "Agadir" in result.stdout
    assert HOME.text.render(translator("fr")) in result.stdout


def test_malformed_setting_stops_with_one_line_naming_it(tmp_path: Path) -> None:
    result = hayna(
        tmp_path, "chat", "--script", str(SCRIPTS / "onboarding_ar.txt"), HAYNA_ADMINS="telegram"
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("hayna: HAYNA_ADMINS:")
    assert len(result.stderr.strip().splitlines()) == 1

    result = hayna(tmp_path, "dispatch", DATABASE_URL="mysql://nowhere/x")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("hayna: DATABASE_URL:")

    # A server database has no folder here to keep a key file in: its key must be given.
    result = hayna(tmp_path, "dispatch", DATABASE_URL="postgresql://postgres@127.0.0.1:1/none")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("hayna: HAYNA_SECRET_KEY: is required with a Postgre")
    assert len(result.stderr.strip().splitlines()) == 1

    result = hayna(tmp_path, "dispatch", HAYNA_SECRET_KEY="short")
    assert "at least 32" in result.stderr


def test_help_names_every_command(tmp_path: Path) -> None:
    result = hayna(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: hayna ")
    for command in ("chat", "db", "dispatch", "serve", "poll", "demo", "reports", "petitions"):
        assert f"    {command} " in result.stdout, command


def test_db_upgrade(tmp_path: Path) -> None:
    result = hayna(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_dispatch_runs_until_terminated(tmp_path: Path) -> None:
    upgrade = hayna(tmp_path, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    # No HAYNA_SECRET_KEY: the dispatcher reads the key file `db upgrade` wrote beside the database.
    listening = partial(wait_for_output, "queueing due announcements")
    dispatch = run_until_terminated(tmp_path, "dispatch", meanwhile=listening)
    assert "queueing due announcements" in dispatch.stdout.splitlines()[0]
    assert dispatch.returncode == 0, dispatch.stderr


@pytest.mark.parametrize(
    ("script", "category", "described"),
    [("report_ar.txt", "lighting", "المصباح العمومي"), ("report_fr.txt", "roads", "Un grand trou")],
)
def test_script_report_ends_with_a_reference(
    tmp_path: Path, script: str, category: str, described: str
) -> None:
    result = hayna(tmp_path, "chat", "--script", str(SCRIPTS / script))
    assert result.returncode == 0, result.stderr
    ref = re.search(r"R-\d{4}-\d{6}", result.stdout)
    assert ref, result.stdout[-2000:]
    with sqlite3.connect(tmp_path / "hayna.db") as conn:
        row = conn.execute(
            "SELECT category, commune_code, place, lat, description, id FROM report WHERE ref = ?",
            (ref.group(),),
        ).fetchone()
        media = conn.execute(
            "SELECT kind, content_type, size FROM report_media WHERE report_id = ?", (row[5],)
        ).fetchall()
    assert row[0] == category and row[1]
    assert row[2] or row[3], "a place: typed or pinned"
    assert row[4].startswith(described)
    assert media == [("photo", "image/png", (SCRIPTS / "pothole.png").stat().st_size)]


def test_scripts_sign_the_demo_petition_in_arabic_and_french(tmp_path: Path) -> None:
    demo = hayna(tmp_path, "demo")
    assert demo.returncode == 0 and "petition codes" in demo.stdout, demo.stderr
    assert "already loaded" in hayna(tmp_path, "demo").stdout
    for user, script in (("amina", "petition_ar.txt"), ("hugo", "petition_fr.txt")):
        result = hayna(tmp_path, "chat", "--as", user, "--script", str(SCRIPTS / script))
        assert result.returncode == 0, result.stderr
    assert "2/5" in result.stdout
    with sqlite3.connect(tmp_path / "hayna.db") as conn:
        names = conn.execute("SELECT full_name, cin_key FROM signature").fetchall()
        # The petition's column and its tallies (storage/tally.py).
        counter = conn.execute(
            "SELECT max(signatures + coalesce((SELECT sum(t.signatures) FROM petition_tally t"
            " WHERE t.petition_id = petition.id), 0)) FROM petition"
        ).fetchone()[0]
    assert sorted(name for name, _ in names) == ["Hugo Benali", "أمينة العلوي"]
    assert counter == 2 and all(len(key) == 64 for _, key in names), "CINs kept only as keys"


def test_script_an_organizer_sends_an_update_with_a_photo(tmp_path: Path) -> None:
    script = str(SCRIPTS / "update_photo_fr.txt")
    result = hayna(tmp_path, "chat", "--as", "leila", "--script", script,
                   HAYNA_ADMINS="console:leila")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Seule une photo (JPEG, PNG ou WebP, 5 Mo au plus)" in result.stdout  # a text file
    assert "Photo ajoutée" in result.stdout and "Avec une photo." in result.stdout
    size = (SCRIPTS / "pothole.png").stat().st_size
    # The push reaches the organizer too (a resident of the commune), with the photo fetched.
    pushed = "🔔 [leila] 📢 Message des organisateurs de Agadir :"
    said = f"{pushed}\nNettoyage de la plage samedi à 9 h."
    assert said in result.stdout
    assert f"📎 update-1.png ({size} bytes)" in result.stdout
