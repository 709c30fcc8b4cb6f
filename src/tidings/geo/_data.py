"""Load the geographic data files tidings ships (or a user's replacements)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pycountry

from tidings.errors import LexiconError
from tidings.knowledge.files import DataFile, Field, load_data_file

PLACES = "tidings:geo/places.tsv"
COUNTRY_POINTS = "tidings:geo/country_points.tsv"
COUNTY_POINTS = "tidings:geo/us_county_points.tsv"
ADMIN1 = "tidings:geo/admin1.tsv"

_ALPHA2 = {c.alpha_3: c.alpha_2 for c in pycountry.countries}
KINDS = frozenset({"country", "admin1", "continent", "region"})
_ISO3 = re.compile(r"^[A-Z]{3}$")
_USPS = re.compile(r"^[A-Z]{2}$")
_ISO_SUBDIVISION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


def _iso3(value: Any) -> str | None:
    return None if value is None or _ISO3.match(str(value)) else "expected an ISO 3166-1 alpha-3 code such as 'USA'"


def _lat(value: Any) -> str | None:
    return None if value is None or -90.0 <= value <= 90.0 else "latitude must lie in [-90, 90]"


def _lon(value: Any) -> str | None:
    return None if value is None or -180.0 <= value <= 180.0 else "longitude must lie in [-180, 180]"


PLACE_FIELDS = (
    Field("name", required=True),
    Field("aliases", kind="list"),
    Field("kind", required=True, choices=KINDS),
    Field("country", check=_iso3),
    Field("admin1"),
    Field("lat", kind="float", check=_lat),
    Field("lon", kind="float", check=_lon),
)

def _usps(value: Any) -> str | None:
    return None if value is None or _USPS.match(str(value)) else "expected a USPS state code such as 'TX'"


def _count(value: Any) -> str | None:
    return None if value is None or value >= 0 else "must not be negative"


POINT_FIELDS = (
    Field("iso3", required=True, check=_iso3),
    Field("name"),
    Field("lat", required=True, kind="float", check=_lat),
    Field("lon", required=True, kind="float", check=_lon),
    Field("geonameid", kind="int"),
)

COUNTY_FIELDS = (
    Field("state", required=True, check=_usps),
    Field("name", required=True),
    Field("lat", required=True, kind="float", check=_lat),
    Field("lon", required=True, kind="float", check=_lon),
    Field("zips", kind="int", check=_count),
)


def _iso_subdivision(value: Any) -> str | None:
    return None if value is None or _ISO_SUBDIVISION.match(str(value)) else "expected an ISO 3166-2 code such as 'NG-BO'"


ADMIN1_FIELDS = (
    Field("name", required=True),
    Field("aliases", kind="list"),
    Field("kind", required=True, choices=frozenset({"admin1"})),
    Field("country", required=True, check=_iso3),
    Field("iso", required=True, check=_iso_subdivision),
    Field("admin1"),
    Field("tie"),
    Field("lat", required=True, kind="float", check=_lat),
    Field("lon", required=True, kind="float", check=_lon),
)


def load_places(path: str | Path = PLACES) -> DataFile:
    """Load the table of extra place names, aliases and regions.

    Args:
        path: ``"tidings:geo/places.tsv"`` (shipped) or a user's file with the same columns.

    Returns:
        The validated file.

    Raises:
        LexiconError: naming the file, line and field of the first problem, also
            when an admin1 row lacks its country or only one of lat/lon is given.
    """
    data = load_data_file(path, PLACE_FIELDS)
    for entry in data.entries:
        if (entry["lat"] is None) != (entry["lon"] is None):
            raise LexiconError("[T271] give both lat and lon, or neither", path=data.path,
                               line=entry["_line"], field="lat" if entry["lat"] is None else "lon")
        if entry["kind"] in {"country", "admin1"} and not entry["country"]:
            raise LexiconError(f"[T272] a {entry['kind']} row needs its country (ISO alpha-3)",
                               path=data.path, line=entry["_line"], field="country")
        if entry["kind"] in {"continent", "region"} and entry["lat"] is None:
            raise LexiconError(f"[T273] a {entry['kind']} row needs lat and lon", path=data.path,
                               line=entry["_line"], field="lat")
    return data


def load_country_points(path: str | Path = COUNTRY_POINTS) -> DataFile:
    """Load the representative point of each country.

    Args:
        path: ``"tidings:geo/country_points.tsv"`` (shipped) or a user's file.

    Returns:
        The validated file.
    """
    return load_data_file(path, POINT_FIELDS)


def load_county_points(path: str | Path = COUNTY_POINTS) -> DataFile:
    """Load the point of each US county (derived by ``tools/derive_county_points.py``).

    Args:
        path: ``"tidings:geo/us_county_points.tsv"`` (shipped) or a user's file with
            the columns ``state, name, lat, lon`` (``zips`` optional).

    Returns:
        The validated file.

    Raises:
        LexiconError: naming the file, line and field of the first problem, also
            when a county is listed twice for its state (``[T274]``).
    """
    data = load_data_file(path, COUNTY_FIELDS)
    seen: dict[tuple[str, str], int] = {}
    for entry in data.entries:
        key = (entry["state"], entry["name"].casefold())
        if key in seen:
            raise LexiconError(f"[T274] county listed twice for {entry['state']} (first on line {seen[key]})",
                               path=data.path, line=entry["_line"], field="name")
        seen[key] = entry["_line"]
    return data


def load_admin1(path: str | Path = ADMIN1) -> DataFile:
    """Load the first-level divisions of every country (derived by ``tools/make_admin1.py``).

    Args:
        path: ``"tidings:geo/admin1.tsv"`` (shipped) or a user's file with the columns
            ``name, aliases, kind, country, iso, admin1, tie, lat, lon`` (``admin1`` the
            GeoNames admin1 code of the towns the division contains, empty when unknown).

    Returns:
        The validated file.

    Raises:
        LexiconError: naming the file, line and field of the first problem, also when an
            ISO code is listed twice (``[T275]``), when one admin1 code of a country is
            given to two divisions (``[T276]``) or when the ISO code is not of the row's
            country (``[T277]``).
    """
    data = load_data_file(path, ADMIN1_FIELDS)
    seen: dict[str, int] = {}
    codes: dict[tuple[str, str], int] = {}
    for entry in data.entries:
        line = entry["_line"]
        if entry["iso"] in seen:
            raise LexiconError(f"[T275] division {entry['iso']} listed twice (first on line {seen[entry['iso']]})",
                               path=data.path, line=line, field="iso")
        seen[entry["iso"]] = line
        if entry["admin1"]:
            key = (entry["country"], entry["admin1"])
            if key in codes:
                raise LexiconError(f"[T276] admin1 code {entry['admin1']} of {entry['country']} given to two "
                                   f"divisions (first on line {codes[key]})", path=data.path, line=line,
                                   field="admin1")
            codes[key] = line
        alpha2 = _ALPHA2.get(entry["country"])
        if alpha2 is not None and not entry["iso"].startswith(alpha2 + "-"):
            raise LexiconError(f"[T277] {entry['iso']} is not a division of {entry['country']}",
                               path=data.path, line=line, field="iso")
    return data
