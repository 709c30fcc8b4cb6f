"""Build ``static/world.json``, the country shapes of the offline map.

The shapes are Natural Earth's 1:110m Admin 0 countries (public domain) as
shipped in the ``geopandas`` 0.14.4 wheel (BSD-3-Clause), in
``geopandas/datasets/naturalearth_lowres``. They are projected
equirectangularly (``x = lon + 180``, ``y = 90 - lat``, a 360 x 180 box) and
written as SVG path data rounded to a tenth of a degree.

Usage (pyshp is needed only here, never at run time)::

    pip download --no-deps -d /tmp/gp geopandas==0.14.4
    unzip -o /tmp/gp/geopandas-0.14.4-py3-none-any.whl 'geopandas/datasets/*' -d /tmp/gp
    pip install pyshp
    python tools/make_world.py /tmp/gp/geopandas/datasets/naturalearth_lowres/naturalearth_lowres
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "src" / "tidings" / "web" / "static" / "world.json"
PROVENANCE = {
    "source": "Natural Earth 1:110m Admin 0 countries (naturalearthdata.com), as shipped in the "
              "geopandas 0.14.4 wheel (geopandas/datasets/naturalearth_lowres); projected and "
              "rounded to 0.1 degree by tools/make_world.py",
    "licence": "Natural Earth: public domain; geopandas packaging: BSD-3-Clause",
    "projection": "equirectangular: x = lon + 180, y = 90 - lat (viewBox 0 0 360 180)",
}
# Codes Natural Earth leaves as -99 for lands with no ISO 3166 code.
_NO_ISO = {"Kosovo": "XKX", "N. Cyprus": "CYN", "Somaliland": "SOL"}


def _ring(points: list[tuple[float, float]]) -> str:
    out: list[str] = []
    last: tuple[float, float] | None = None
    for lon, lat in points:
        pt = (round(lon + 180, 1), round(90 - lat, 1))
        if pt == last:
            continue
        last = pt
        out.append(f"{pt[0]:g} {pt[1]:g}")
    if len(out) < 3:
        return ""
    return "M" + "L".join(out) + "Z"


def build(shp: str) -> dict[str, Any]:
    import shapefile

    reader = shapefile.Reader(shp)
    countries = []
    for shape_rec in reader.iterShapeRecords():
        rec, shape = shape_rec.record, shape_rec.shape
        parts = list(shape.parts) + [len(shape.points)]
        d = "".join(_ring(shape.points[a:b]) for a, b in zip(parts, parts[1:], strict=False))
        iso = rec["iso_a3"] if rec["iso_a3"] != "-99" else _NO_ISO.get(rec["name"], "")
        countries.append({"iso3": iso, "name": rec["name"], "d": d})
    countries.sort(key=lambda c: c["name"])
    return {"provenance": PROVENANCE, "countries": countries}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tools/make_world.py PATH/naturalearth_lowres", file=sys.stderr)
        return 2
    data = build(argv[0])
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(data['countries'])} countries, {OUT.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
