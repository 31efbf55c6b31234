"""Reports as files a commune can open: CSV for spreadsheets, GeoJSON for maps, Open311 GeoReport
v2 "requests" JSON for its own systems.

Pure formatting of storage rows into text; reading the database and writing files is the CLI's.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from bot.i18n import translator
from conversations.report import CLOSED, STATUS_LABELS, category_label
from storage.cells import BOM as BOM
from storage.cells import FORMULA_STARTS as FORMULA_STARTS
from storage.cells import safe_cell, timestamp
from storage.gazetteer import Gazetteer
from storage.reports import Row

# One column per field, in this order, in the CSV; the same keys in each GeoJSON feature.
FIELDS = (
    "ref",
    "created",
    "updated",
    "status",
    "category",
    "other_label",
    "commune_code",
    "commune_fr",
    "commune_ar",
    "place",
    "lat",
    "lon",
    "description",
    "supporters",
    "last_note",
    "media_count",
    "media",
)
# Communes' technical services and their software work in French more than in any other language.
SERVICE_LOCALE = "fr"


def located(row: Row) -> bool:
    """Whether the report has a pin, and so a place on a map."""
    return row.lat is not None and row.lon is not None


def record(row: Row, gazetteer: Gazetteer) -> dict[str, Any]:
    """One report as plain values, keyed by FIELDS: codes rather than labels, so files compare."""
    commune = gazetteer.get(row.commune_code)
    return {
        "ref": row.ref,
        "created": timestamp(row.created_at),
        "updated": timestamp(row.updated_at),
        "status": row.status.value,
        "category": row.category.value,
        "other_label": row.other_label,
        "commune_code": row.commune_code,
        "commune_fr": commune.name_fr if commune else "",
        "commune_ar": commune.name_ar if commune else "",
        "place": row.place,
        "lat": row.lat,
        "lon": row.lon,
        "description": row.description,
        "supporters": row.supporters,
        "last_note": row.note,
        "media_count": len(row.media),
        "media": [media.ref for media in row.media],
    }


def to_csv(rows: Sequence[Row], gazetteer: Gazetteer) -> str:
    """A header and one line per report; starts with a BOM so Excel reads Arabic as UTF-8."""
    buffer = io.StringIO()
    # DictWriter refuses a key missing from FIELDS, so the header cannot drift from the values.
    writer = csv.DictWriter(buffer, FIELDS)
    writer.writeheader()
    for row in rows:
        writer.writerow({name: _cell(value) for name, value in record(row, gazetteer).items()})
    return BOM + buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "\n".join(value)
    if isinstance(value, str):
        # Only text is neutralised: a number we wrote, such as a longitude of -7.6, stays a number.
        return safe_cell(value)
    return str(value)


def to_geojson(rows: Sequence[Row], gazetteer: Gazetteer) -> str:
    """A FeatureCollection of the reports with a pin; the others have no place on a map and are
    left out (the CSV and Open311 exports carry every report)."""
    features = [
        {
            "type": "Feature",
            "id": row.ref,
            "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
            "properties": record(row, gazetteer),
        }
        for row in rows
        if located(row)
    ]
    return _json({"type": "FeatureCollection", "features": features})


def to_open311(rows: Sequence[Row], gazetteer: Gazetteer) -> str:
    """GeoReport v2 service requests; unknown values are null, as the specification shows."""
    return _json([_request(row, gazetteer) for row in rows])


def _request(row: Row, gazetteer: Gazetteer) -> dict[str, Any]:
    tr = translator(SERVICE_LOCALE)
    commune = gazetteer.get(row.commune_code)
    address = ", ".join(part for part in (row.place, commune.name_fr if commune else "") if part)
    # open/closed is all GeoReport knows: the notes keep our finer status and the organizer's note.
    notes = STATUS_LABELS[row.status].render(tr)
    # Telegram file ids are not URLs a commune could open; a Twilio media URL is.
    urls = [media.ref for media in row.media if media.ref.startswith(("https://", "http://"))]
    return {
        "service_request_id": row.ref,
        "status": "closed" if row.status in CLOSED else "open",
        "status_notes": f"{notes} : {row.note}" if row.note else notes,
        "service_name": category_label(row.category, row.other_label).render(tr),
        "service_code": row.category.value,
        "description": row.description or None,
        "agency_responsible": None,
        "service_notice": None,
        "requested_datetime": timestamp(row.created_at),
        "updated_datetime": timestamp(row.updated_at),
        "expected_datetime": None,
        "address": address or None,
        "address_id": None,
        "zipcode": None,
        "lat": row.lat,
        "long": row.lon,
        "media_url": urls[0] if urls else None,
    }


def _json(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
