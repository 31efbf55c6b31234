"""The reports map: the communes' outlines from the gazetteer and the pinned reports, drawn on
the server as SVG in the Web Mercator projection. Map tiles are optional (`MapTiles`, named in
the settings): without them nothing is fetched from another site."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from conversations.desk import Pin

Ring = Sequence[tuple[float, float]]
WIDTH = 640
PAD = 12
TILE = 256
# Tiles under one map at most: a commune needs a handful, a province a few more.
TILES_MAX = 30


@dataclass(frozen=True, slots=True)
class MapTiles:
    """A tile server: its URL template (https, with {z}, {x} and {y}) and its credit line."""

    template: str
    attribution: str

    @property
    def origin(self) -> str:
        """Its scheme and host, for the pages' Content-Security-Policy."""
        scheme, _, rest = self.template.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"


def _world(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    """Web Mercator pixels at ``zoom``, as tile servers number them."""
    size = TILE * 2**zoom
    lat = max(min(lat, 85.0), -85.0)
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2
    return (lon + 180) / 360 * size, y * size


@dataclass(frozen=True, slots=True)
class _View:
    zoom: int
    left: float
    top: float
    scale: float
    height: int

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = _world(lon, lat, self.zoom)
        return PAD + (x - self.left) * self.scale, PAD + (y - self.top) * self.scale


def _view(points: Sequence[tuple[float, float]]) -> _View:
    """The zoom whose tiles are closest to the map's size, and the frame of every point."""
    west = min(lon for lon, _ in points)
    east = max(lon for lon, _ in points)
    span = max(east - west, 0.005)
    zoom = max(1, min(18, math.floor(math.log2((WIDTH - 2 * PAD) * 360 / (TILE * span)))))
    xs, ys = zip(*(_world(lon, lat, zoom) for lon, lat in points), strict=True)
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    # A single pin still needs a little land around it.
    width, high = max(right - left, 40.0), max(bottom - top, 40.0)
    left, top = (left + right - width) / 2, (top + bottom - high) / 2
    scale = (WIDTH - 2 * PAD) / width
    return _View(zoom, left, top, scale, round(high * scale) + 2 * PAD)


def _tiles(view: _View, tiles: MapTiles) -> list[str]:
    span = (WIDTH - 2 * PAD) / view.scale
    first_x, first_y = int(view.left // TILE), int(view.top // TILE)
    last_x = int((view.left + span) // TILE)
    last_y = int((view.top + (view.height - 2 * PAD) / view.scale) // TILE)
    wanted = [(x, y) for x in range(first_x, last_x + 1) for y in range(first_y, last_y + 1)]
    if len(wanted) > TILES_MAX:
        return []
    size = TILE * view.scale
    parts = []
    for x, y in wanted:
        href = escape(tiles.template.format(z=view.zoom, x=x, y=y))
        left = PAD + (x * TILE - view.left) * view.scale
        top = PAD + (y * TILE - view.top) * view.scale
        parts.append(
            f'<image href="{href}" x="{left:.1f}" y="{top:.1f}" '
            f'width="{size:.1f}" height="{size:.1f}"/>'
        )
    return parts


def pins_map(
    rings: Sequence[Ring], pins: Sequence[Pin], label: str, tiles: MapTiles | None = None
) -> Markup:
    """An SVG map of ``pins`` over the outline ``rings``; each pin links to its report."""
    if not pins:
        return Markup("")
    points = [point for ring in rings for point in ring] + [(p.lon, p.lat) for p in pins]
    view = _view(points)

    def at(lon: float, lat: float) -> str:
        x, y = view.xy(lon, lat)
        return f"{x:.1f},{y:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {view.height}" '
        f'role="img" aria-label="{escape(label)}" class="pins{" tiled" if tiles else ""}">'
    ]
    if tiles is not None:
        parts.extend(_tiles(view, tiles))
    for ring in rings:
        parts.append(f'<polygon points="{" ".join(at(lon, lat) for lon, lat in ring)}" '
                     'class="outline"/>')  # fmt: skip
    for pin in pins:
        x, y = at(pin.lon, pin.lat).split(",")
        ref = escape(pin.ref)
        parts.append(
            f'<a href="/dashboard/reports/{ref}"><circle cx="{x}" cy="{y}" r="6" '
            f'class="pin {escape(pin.status)}"><title>{ref}</title></circle></a>'
        )
    if tiles is not None:
        parts.append(
            f'<text x="{WIDTH - 4}" y="{view.height - 4}" text-anchor="end" '
            f'class="credit">{escape(tiles.attribution)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every value above is a number or escaped
