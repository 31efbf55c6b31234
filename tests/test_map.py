"""The reports map: pins where their coordinates put them over the commune's outline, map tiles
only when the settings name a server (with its credit, and the pages allowing its images
alone), and the setting refused when it cannot be one."""

from __future__ import annotations

import re

import pytest

from bot.settings import Settings, SettingsError
from conversations.desk import Pin
from conversations.report import ReportStatus
from handlers.web.dashboard import PageHeaders
from handlers.web.map import MapTiles, pins_map
from storage.gazetteer import Gazetteer

AGADIR = "001.01.01"
OSM = MapTiles("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap")


def _pins() -> list[Pin]:
    return [
        Pin("R-2026-000001", AGADIR, ReportStatus.RECEIVED, 30.4202, -9.5982),
        Pin("R-2026-000002", AGADIR, ReportStatus.RESOLVED, 30.3999, -9.5601),
    ]


def test_pins_are_placed_by_their_coordinates_over_the_outline(gazetteer: Gazetteer) -> None:
    drawn = str(pins_map(gazetteer.outline(AGADIR), _pins(), "Carte"))
    circles = [tuple(map(float, c)) for c in re.findall(r'cx="([\d.]+)" cy="([\d.]+)"', drawn)]
    (x1, y1), (x2, y2) = circles
    assert x2 > x1 and y2 > y1, "east is right, south is down"
    assert "<polygon" in drawn and "<image" not in drawn, "no tile without the setting"
    assert 'href="/dashboard/reports/R-2026-000001"' in drawn


def test_tiles_are_drawn_from_the_named_server_with_its_credit(gazetteer: Gazetteer) -> None:
    drawn = str(pins_map(gazetteer.outline(AGADIR), _pins(), "Carte", OSM))
    tiles = re.findall(r'href="https://tile\.openstreetmap\.org/(\d+)/(\d+)/(\d+)\.png"', drawn)
    assert 1 <= len(tiles) <= 30
    zoom, x, _ = map(int, tiles[0])
    assert 8 <= zoom <= 16
    # Agadir (30.4 N, 9.6 W) at that zoom: tile numbers as any tile server counts them.
    assert abs(x - int((-9.6 + 180) / 360 * 2**zoom)) <= 3
    assert "© OpenStreetMap" in drawn


async def test_the_pages_allow_the_tile_server_s_images_only() -> None:
    sent: list[dict[str, object]] = []

    async def app(_scope: object, _receive: object, send: object) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]

    async def keep(message: dict[str, object]) -> None:
        sent.append(message)

    headers = PageHeaders(app, images=OSM.origin)
    await headers({"type": "http", "path": "/dashboard"}, None, keep)  # type: ignore[arg-type]
    policy = dict(sent[0]["headers"])[b"content-security-policy"]  # type: ignore[arg-type]
    assert b"img-src 'self' data: https://tile.openstreetmap.org;" in policy
    assert b"script-src 'self';" in policy


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"HAYNA_MAP_TILES": "http://tile.example/{z}/{x}/{y}.png"}, "HAYNA_MAP_TILES"),
        ({"HAYNA_MAP_TILES": "https://tile.example/{z}/{x}.png"}, "HAYNA_MAP_TILES"),
        ({"HAYNA_MAP_TILES": "https://{s}.tile.example/{z}/{x}/{y}{r}.png"}, "HAYNA_MAP_TILES"),
        ({"HAYNA_MAP_TILES": "https://tile.example/{z}/{x}/{y}.png"}, "HAYNA_MAP_ATTRIBUTION"),
    ],
)
def test_a_tile_setting_that_cannot_be_used_names_its_variable(
    env: dict[str, str], variable: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"HAYNA_SECRET_KEY": "k" * 40, "DATABASE_URL": "sqlite:///x", **env})
    assert refused.value.variable == variable
