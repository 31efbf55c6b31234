"""The three export formats, from rows made by hand: CSV, GeoJSON and Open311 GeoReport v2."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from bot.exports import BOM, FIELDS, to_csv, to_geojson, to_open311
from conversations.kit import Media, MediaKind
from conversations.report import Category, ReportStatus
from storage.gazetteer import Gazetteer
from storage.reports import Row

AGADIR = "001.01.01"
# The fields of a service request in GeoReport v2 (wiki.open311.org/GeoReport_v2), no more.
GEOREPORT_V2 = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
PHOTO = Media(MediaKind.PHOTO, "https://api.twilio.com/2010-04-01/Media/ME1", "image/jpeg", 2048)
VOICE = Media(MediaKind.VOICE, "AwACAgQAAxkBAAIB", "audio/ogg", 4096)


def report(**changes: object) -> Row:
    values: dict[str, object] = {
        "ref": "R-2026-000001",
        "status": ReportStatus.RECEIVED,
        "category": Category.ROADS,
        "other_label": "",
        "commune_code": AGADIR,
        "place": "Hay Dakhla",
        "lat": 30.4202,
        "lon": -9.5982,
        "description": "حفرة كبيرة أمام المدرسة",
        "created_at": datetime(2026, 11, 22, 9, 0, tzinfo=UTC),
        "updated_at": datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        "supporters": 2,
        "note": "",
        "media": (PHOTO, VOICE),
    }
    values.update(changes)
    return Row(**values)  # type: ignore[arg-type]


def csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[len(BOM) :], newline="")))


def test_csv_starts_with_a_bom_and_has_one_line_per_report(gazetteer: Gazetteer) -> None:
    text = to_csv([report(), report(ref="R-2026-000002", lat=None, lon=None)], gazetteer)
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    first, second = csv_rows(text)
    assert list(first) == list(FIELDS)
    assert first["ref"] == "R-2026-000001"
    assert first["created"] == "2026-11-22T10:00:00+01:00"
    assert first["commune_fr"] == "Agadir" and first["commune_ar"] == "اكادير"
    assert first["description"] == "حفرة كبيرة أمام المدرسة"
    assert first["lat"] == "30.4202" and first["lon"] == "-9.5982"
    assert first["media_count"] == "2"
    assert first["media"].splitlines() == [PHOTO.ref, VOICE.ref]
    assert second["lat"] == second["lon"] == ""


def test_csv_neutralises_formulas_in_text_but_not_in_numbers(gazetteer: Gazetteer) -> None:
    row = report(
        description='=HYPERLINK("http://evil.example","clic")',
        place="+212 600 000 000",
        other_label="@SUM(A1)",
        category=Category.OTHER,
        note="-1+1",
        media=(Media(MediaKind.PHOTO, "\tcmd"),),
    )
    (line,) = csv_rows(to_csv([row], gazetteer))
    assert line["description"] == '\'=HYPERLINK("http://evil.example","clic")'
    assert line["place"] == "'+212 600 000 000"
    assert line["other_label"] == "'@SUM(A1)"
    assert line["last_note"] == "'-1+1"
    assert line["media"] == "'\tcmd"
    assert line["lon"] == "-9.5982"  # a number we wrote stays a number


def test_csv_carriage_return_at_the_start_is_neutralised(gazetteer: Gazetteer) -> None:
    (line,) = csv_rows(to_csv([report(description="\r=1+1")], gazetteer))
    assert line["description"].startswith("'")


def test_dates_follow_casablanca_into_ramadan_time(gazetteer: Gazetteer) -> None:
    ramadan = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    (line,) = csv_rows(to_csv([report(created_at=ramadan)], gazetteer))
    assert line["created"] == "2026-03-01T12:00:00+00:00"


def test_geojson_is_a_collection_of_points_in_lon_lat_order(gazetteer: Gazetteer) -> None:
    rows = [report(), report(ref="R-2026-000002", lat=None, lon=None)]
    document = json.loads(to_geojson(rows, gazetteer))
    assert document["type"] == "FeatureCollection"
    (feature,) = document["features"]  # the report without a pin has no place on a map
    assert feature["type"] == "Feature"
    assert feature["id"] == "R-2026-000001"
    assert feature["geometry"] == {"type": "Point", "coordinates": [-9.5982, 30.4202]}
    properties = feature["properties"]
    assert list(properties) == list(FIELDS)
    assert properties["supporters"] == 2
    assert properties["media"] == [PHOTO.ref, VOICE.ref]
    assert properties["commune_fr"] == "Agadir"


def test_geojson_of_no_report_is_an_empty_collection(gazetteer: Gazetteer) -> None:
    assert json.loads(to_geojson([], gazetteer)) == {"type": "FeatureCollection", "features": []}


def test_open311_has_exactly_the_georeport_v2_fields(gazetteer: Gazetteer) -> None:
    rows = [report(), report(ref="R-2026-000002", lat=None, lon=None, media=(), place="")]
    requests = json.loads(to_open311(rows, gazetteer))
    assert isinstance(requests, list) and len(requests) == 2
    for request in requests:
        assert set(request) == GEOREPORT_V2
    pinned, unpinned = requests
    assert pinned["service_request_id"] == "R-2026-000001"
    assert pinned["service_code"] == "roads"
    assert pinned["service_name"]
    assert pinned["address"] == "Hay Dakhla, Agadir"
    assert (pinned["lat"], pinned["long"]) == (30.4202, -9.5982)
    assert pinned["requested_datetime"] == "2026-11-22T10:00:00+01:00"
    assert pinned["updated_datetime"] == "2026-11-23T10:30:00+01:00"
    assert pinned["media_url"] == PHOTO.ref  # the Telegram file id is no URL
    assert pinned["expected_datetime"] is None
    assert unpinned["lat"] is None and unpinned["long"] is None
    assert unpinned["address"] == "Agadir"
    assert unpinned["media_url"] is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (ReportStatus.RECEIVED, "open"),
        (ReportStatus.UNDER_REVIEW, "open"),
        (ReportStatus.FORWARDED, "open"),
        (ReportStatus.IN_PROGRESS, "open"),
        (ReportStatus.RESOLVED, "closed"),
        (ReportStatus.REJECTED, "closed"),
        (ReportStatus.DUPLICATE, "closed"),
    ],
)
def test_open311_status_is_open_or_closed(
    gazetteer: Gazetteer, status: ReportStatus, expected: str
) -> None:
    (request,) = json.loads(to_open311([report(status=status)], gazetteer))
    assert request["status"] == expected


def test_open311_notes_keep_the_organizers_note(gazetteer: Gazetteer) -> None:
    row = report(status=ReportStatus.REJECTED, note="hors compétence de la commune")
    (request,) = json.loads(to_open311([row], gazetteer))
    assert request["status_notes"].endswith("hors compétence de la commune")


def test_open311_other_category_names_the_residents_words(gazetteer: Gazetteer) -> None:
    row = report(category=Category.OTHER, other_label="clôture du terrain")
    (request,) = json.loads(to_open311([row], gazetteer))
    assert request["service_code"] == "other"
    assert "clôture du terrain" in request["service_name"]
