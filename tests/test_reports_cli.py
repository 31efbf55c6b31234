"""`hayna reports` as an organizer runs it, on reports filed straight into a SQLite database."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from conversations.kit import Media, MediaKind
from conversations.report import Category, Draft
from storage import reports
from storage.database import Database
from storage.deliveries import DeliveryQueue
from tests.support.cli import Ran
from tests.support.cli import hayna as run_hayna
from tests.support.clock import Clock
from tests.support.deliveries import add_resident

KEY = "k" * 40
AGADIR, TIZNIT = "001.01.01", "581.01.07"
PHOTO = Media(MediaKind.PHOTO, "https://api.twilio.com/2010-04-01/Media/ME1", "image/jpeg", 2048)


@dataclass(frozen=True)
class Filed:
    """Three reports: a pothole in Agadir (supported once), a dark street there with no pin,
    and a rubbish heap in Tiznit."""

    path: Path
    pothole: str
    street: str
    rubbish: str


def draft(category: Category, commune: str, place: str, pin: tuple[float, float] | None) -> Draft:
    lat, lon = pin if pin else (None, None)
    return Draft(category, "", commune, place, lat, lon, '=HYPERLINK("http://x")', (PHOTO,))


@pytest.fixture
async def filed(sqlite_db: Database, clock: Clock, tmp_path: Path) -> Filed:
    amina = await add_resident(sqlite_db, clock, "amina", "ar")
    hugo = await add_resident(sqlite_db, clock, "hugo", "fr")
    drafts = [
        draft(Category.ROADS, AGADIR, "Hay Dakhla", (30.4202, -9.5982)),
        draft(Category.LIGHTING, AGADIR, "Talborjt", None),
        draft(Category.WASTE, TIZNIT, "Bab Targua", (29.6974, -9.7316)),
    ]
    refs = []
    for each in drafts:
        clock.advance(minutes=5)
        async with sqlite_db.transaction() as tx:
            refs.append(await tx.run(reports.file, amina, each, clock()))
    async with sqlite_db.transaction() as tx:
        await tx.run(reports.support, refs[0], hugo, clock())
    return Filed(tmp_path, *refs)


def hayna(filed: Filed, *args: str) -> Ran:
    return run_hayna(filed.path, "reports", *args, HAYNA_SECRET_KEY=KEY)


def test_list_shows_every_report_newest_first(filed: Filed) -> None:
    result = hayna(filed, "list")
    assert result.returncode == 0, result.stderr
    header, *lines, total = result.stdout.splitlines()
    assert header.split() == ["REF", "DATE", "COMMUNE", "CATEGORY", "STATUS", "SUPPORTERS", "PLACE"]
    assert [line.split()[0] for line in lines] == [filed.rubbish, filed.street, filed.pothole]
    assert lines[2].split() == [
        filed.pothole, "2026-11-22", "Agadir", "roads", "received", "1", "Hay", "Dakhla"
    ]  # fmt: skip
    assert total == "3 reports"


def test_list_filters_by_commune_name_or_code_status_and_category(filed: Filed) -> None:
    by_name = hayna(filed, "list", "--commune", "Agadir")
    assert by_name.returncode == 0, by_name.stderr
    assert filed.pothole in by_name.stdout and filed.street in by_name.stdout
    assert filed.rubbish not in by_name.stdout
    assert AGADIR in by_name.stderr  # which commune the name was taken for

    by_code = hayna(filed, "list", "--commune", TIZNIT, "--category", "waste")
    assert [line.split()[0] for line in by_code.stdout.splitlines()[1:-1]] == [filed.rubbish]

    none = hayna(filed, "list", "--status", "resolved")
    assert none.returncode == 0 and "no reports match" in none.stdout


def test_an_ambiguous_or_unknown_commune_is_refused_with_candidates(filed: Filed) -> None:
    result = hayna(filed, "list", "--commune", "Casablanca")
    assert result.returncode == 2
    assert result.stderr.startswith("hayna: 'Casablanca' names several communes")
    assert "141.01.01  Anfa" in result.stderr

    result = hayna(filed, "list", "--commune", "Xqzwv")
    assert result.returncode == 2
    assert "no commune" in result.stderr


def test_set_status_changes_once_and_queues_one_notice_per_follower(
    filed: Filed, sqlite_db: Database
) -> None:
    result = hayna(filed, "set-status", filed.pothole, "in_progress", "--by", "Khadija")
    assert result.returncode == 0, result.stderr
    assert f"{filed.pothole}: received → in_progress (by Khadija)" in result.stdout
    assert "followers to notify: 2" in result.stdout

    again = hayna(filed, "set-status", filed.pothole.lower(), "in_progress")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"{filed.pothole} is already in_progress"

    done = hayna(filed, "set-status", filed.pothole, "resolved", "--note", "Rebouchée le 1er")
    assert done.returncode == 0, done.stderr
    assert "in_progress → resolved" in done.stdout
    # Two changes, two followers (reporter and supporter): four notices, queued once each.
    assert asyncio.run(DeliveryQueue(sqlite_db).counts()) == {"pending": 4}

    listed = hayna(filed, "list", "--status", "resolved")
    assert filed.pothole in listed.stdout and filed.street not in listed.stdout


def test_a_rejection_needs_its_reason(filed: Filed) -> None:
    result = hayna(filed, "set-status", filed.street, "rejected")
    assert result.returncode == 2
    assert result.stderr.startswith("hayna: ") and "--note" in result.stderr

    result = hayna(filed, "set-status", filed.street, "rejected", "--note", "hors commune")
    assert result.returncode == 0, result.stderr


def test_a_duplicate_points_to_the_report_kept(filed: Filed) -> None:
    alone = hayna(filed, "set-status", filed.street, "duplicate")
    assert alone.returncode == 2 and "--of REF" in alone.stderr

    result = hayna(filed, "set-status", filed.street, "duplicate", "--of", filed.pothole)
    assert result.returncode == 0, result.stderr
    assert f"received → duplicate of {filed.pothole}" in result.stdout
    assert "followers to notify: 1" in result.stdout

    wrong = hayna(filed, "set-status", filed.rubbish, "resolved", "--of", filed.pothole)
    assert wrong.returncode == 2 and "--of" in wrong.stderr


def test_an_unknown_report_or_status_is_refused(filed: Filed) -> None:
    unknown = hayna(filed, "set-status", "R-2026-999999", "resolved")
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "hayna: no report R-2026-999999"

    bad = hayna(filed, "set-status", filed.pothole, "done")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_export_csv_is_utf8_with_bom_and_safe_in_a_spreadsheet(filed: Filed) -> None:
    output = filed.path / "reports.csv"
    result = hayna(filed, "export", "--format", "csv", "--output", str(output))
    assert result.returncode == 0, result.stderr
    data = output.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [line["ref"] for line in lines] == [filed.rubbish, filed.street, filed.pothole]
    assert {line["description"] for line in lines} == {'\'=HYPERLINK("http://x")'}
    assert lines[2]["lon"] == "-9.5982" and lines[2]["supporters"] == "1"


def test_export_geojson_to_a_file_leaves_out_reports_without_a_pin(filed: Filed) -> None:
    output = filed.path / "reports.geojson"
    result = hayna(filed, "export", "--format", "geojson", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert "3 reports written" in result.stdout
    assert "1 reports without a pin" in result.stderr
    document = json.loads(output.read_text(encoding="utf-8"))
    assert document["type"] == "FeatureCollection"
    points = {f["id"]: f["geometry"]["coordinates"] for f in document["features"]}
    assert points == {filed.pothole: [-9.5982, 30.4202], filed.rubbish: [-9.7316, 29.6974]}


def test_export_open311_filtered_by_commune(filed: Filed) -> None:
    result = hayna(filed, "export", "--format", "open311", "--commune", AGADIR)
    assert result.returncode == 0, result.stderr
    requests = json.loads(result.stdout)
    assert [r["service_request_id"] for r in requests] == [filed.street, filed.pothole]
    assert [r["service_code"] for r in requests] == ["lighting", "roads"]
    assert {r["status"] for r in requests} == {"open"}
    assert requests[0]["address"] == "Talborjt, Agadir"
    assert requests[1]["media_url"] == PHOTO.ref
