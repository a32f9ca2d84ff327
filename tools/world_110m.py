"""Write ``src/cybertnoc/report/data/world_110m.json`` from Natural Earth 1:110m countries.

Natural Earth (https://www.naturalearthdata.com) is in the public domain. The input is the
``naturalearth_lowres`` shapefile that geopandas 0.14 bundled (``geopandas/datasets/
naturalearth_lowres/naturalearth_lowres.{shp,dbf}``, Natural Earth 110m admin 0 countries, v5);
get it with ``pip download --no-deps geopandas==0.14.4`` and unzip the wheel. Run once, at
development time:

    python tools/world_110m.py path/to/naturalearth_lowres

The output maps ISO 3166 alpha-2 codes to ``{"name", "centroid": [lon, lat], "rings": [[[lon,
lat], ...], ...]}`` with coordinates rounded to 0.1 degree; no network and no geometry library
is needed when the map is drawn.
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

from cybertnoc.errors import InvalidValue
from cybertnoc.model.types import clean_country


def _dbf(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    n, header, size = struct.unpack("<IHH", data[4:12])
    fields = []
    for i in range(32, header - 1, 32):
        name = data[i : i + 11].split(b"\0")[0].decode()
        fields.append((name, data[i + 16]))
    rows = []
    for r in range(n):
        at = header + r * size + 1
        row = {}
        for name, width in fields:
            row[name] = data[at : at + width].decode("utf-8", "replace").strip()
            at += width
        rows.append(row)
    return rows


def _shp(path: Path) -> list[list[list[tuple[float, float]]]]:
    data = path.read_bytes()
    at, shapes = 100, []
    while at < len(data):
        _, length = struct.unpack(">II", data[at : at + 8])
        body = data[at + 8 : at + 8 + 2 * length]
        at += 8 + 2 * length
        kind = struct.unpack("<i", body[:4])[0]
        if kind != 5:
            shapes.append([])
            continue
        parts_n, points_n = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{parts_n}i", body[44 : 44 + 4 * parts_n]))
        start = 44 + 4 * parts_n
        pts = [struct.unpack("<dd", body[start + 16 * k : start + 16 * k + 16])
               for k in range(points_n)]  # fmt: skip
        bounds = [*parts, points_n]
        shapes.append([pts[bounds[k] : bounds[k + 1]] for k in range(parts_n)])
    return shapes


def _area_centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if a == 0:
        return 0.0, ring[0][0], ring[0][1]
    return a / 2, cx / (3 * a), cy / (3 * a)


def main(folder: str) -> None:
    base = Path(folder) / "naturalearth_lowres"
    rows, shapes = _dbf(base.with_suffix(".dbf")), _shp(base.with_suffix(".shp"))
    out: dict[str, dict] = {}
    for row, rings in zip(rows, shapes, strict=True):
        iso3 = row.get("iso_a3", "")
        fixes = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX", "N. Cyprus": "CYN",
                 "Somaliland": "SOL"}  # fmt: skip
        iso3 = fixes.get(row.get("name", ""), iso3)
        if iso3 == "XKX":
            code = "XK"
        else:
            try:
                code = clean_country(iso3) if iso3 and iso3 != "-99" else None
            except InvalidValue:
                code = None
            if code is None or len(code) != 2 or code.startswith("X"):
                print(f"skipped {row.get('name')!r} ({iso3})")
                continue
        # the centroid of the largest ring (mainland), so that France is not in the Atlantic
        best = max((_area_centroid(r) for r in rings), key=lambda t: abs(t[0]))
        out[code] = {
            "name": row.get("name", code),
            "centroid": [round(best[1], 1), round(best[2], 1)],
            "rings": [[[round(x, 1), round(y, 1)] for x, y in r] for r in rings],
        }
    target = Path(__file__).resolve().parents[1] / "src/cybertnoc/report/data/world_110m.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(dict(sorted(out.items())), separators=(",", ":"))
    target.write_text(text + "\n", encoding="utf-8")
    print(f"{len(out)} countries, {len(text):,} bytes -> {target}")


if __name__ == "__main__":
    main(sys.argv[1])
