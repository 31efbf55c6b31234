"""The reports map: a commune's outline from the gazetteer and the pinned reports, drawn on the
server as SVG, so no map tiles are fetched from another site (tiles stay optional)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from conversations.desk import Pin

Ring = Sequence[tuple[float, float]]
WIDTH = 640
PAD = 12


def _frame(rings: Sequence[Ring], pins: Sequence[Pin]) -> tuple[float, float, float, float]:
    """West, south, east, north of everything drawn."""
    lons = [lon for ring in rings for lon, _ in ring]
    lats = [lat for ring in rings for _, lat in ring]
    lons += [pin.lon for pin in pins]
    lats += [pin.lat for pin in pins]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    # A single pin still needs a little land around it.
    spread = max(east - west, north - south, 0.005)
    cx, cy = (west + east) / 2, (south + north) / 2
    return cx - spread / 2, cy - spread / 2, cx + spread / 2, cy + spread / 2


def pins_map(rings: Sequence[Ring], pins: Sequence[Pin], label: str) -> Markup:
    """An SVG map of ``pins`` over the outline ``rings``; each pin links to its report."""
    placed = list(pins)
    if not placed:
        return Markup("")
    west, south, east, north = _frame(rings, placed)
    # Equirectangular, squeezed by the cosine of the latitude: true enough for one commune.
    squeeze = math.cos(math.radians((south + north) / 2))
    scale = (WIDTH - 2 * PAD) / max((east - west) * squeeze, 1e-9)
    height = round((north - south) * scale) + 2 * PAD

    def xy(lon: float, lat: float) -> str:
        return f"{PAD + (lon - west) * squeeze * scale:.1f},{PAD + (north - lat) * scale:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(label)}" class="pins">'
    ]
    for ring in rings:
        points = " ".join(xy(lon, lat) for lon, lat in ring)
        parts.append(f'<polygon points="{points}" class="outline"/>')
    for pin in placed:
        x, y = xy(pin.lon, pin.lat).split(",")
        ref = escape(pin.ref)
        parts.append(
            f'<a href="/dashboard/reports/{ref}"><circle cx="{x}" cy="{y}" r="6" '
            f'class="pin {escape(pin.status)}"><title>{ref}</title></circle></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every value above is a number or escaped
