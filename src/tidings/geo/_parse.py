"""Geocode an article's place entities (geoparsing plain text, which needs the model, is tidings.nlp.geoparse)."""

from __future__ import annotations

import functools
import logging
import re
from collections import defaultdict
from typing import Any

from tidings.errors import LexiconError
from tidings.geo._gazetteer import Gazetteer, Place, load_gazetteer
from tidings.geo._matcher import well_known_names
from tidings.geo._resolve import Toponym, resolve
from tidings.knowledge.files import Field, load_data_file

logger = logging.getLogger(__name__)

PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
# The entity layer's country table, for its demonyms.
COUNTRIES = "tidings:entities/countries.tsv"
_ISO3 = re.compile(r"^[A-Z]{3}$")
# Demonym endings and what the country name ends with instead:
# Russian→Russia, Egyptian→Egypt, Canadian→Canada, Palestinian→Palestine,
# Israeli→Israel, Sudanese→Sudan, Chinese→China, Turkish→Turkey, Afghan→Afghanistan.
# fmt: off
_DEMONYM_RULES = (
    ("ian", ""), ("ian", "a"), ("ian", "e"), ("n", ""), ("an", ""), ("an", "a"), ("i", ""),
    ("ese", ""), ("ese", "a"), ("ish", "ey"), ("ish", ""), ("ish", "land"), ("", "istan"),
    ("ic", "y"), ("ean", "ea"), ("ian", "y"),
)
# fmt: on


def _geo(place: Place) -> dict[str, Any]:
    return {"lat": round(place.lat, 5), "lon": round(place.lon, 5), "geonameid": place.geonameid or None}


@functools.lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    """Demonyms of the entity layer's country table ("Lebanese" → LBN, "British" → GBR)."""
    try:
        data = load_data_file(COUNTRIES, (Field("code", required=True), Field("demonyms", kind="list")))
    except LexiconError as exc:  # the rules below still read most demonyms
        logger.warning("%s", exc)
        return {}
    return {d: e["code"] for e in data.entries for d in e["demonyms"] or ()}


def demonym_country(word: str, gazetteer: Gazetteer) -> Place | None:
    """Return the country a demonym such as "Russian" or "Israeli" refers to, if any.

    Args:
        word: a nationality word as written (one token, capitalised).
        gazetteer: the gazetteer whose country names are tried.

    Returns:
        The country, or None when no rule turns the word into a country name.
    """
    if not word[:1].isupper():
        return None
    base = word.strip()
    listed = _demonyms().get(base) or _demonyms().get(base[:-1] if base.endswith("s") else "")
    if listed is not None:
        country = gazetteer.country(listed)
        if country is not None:
            return country
    if base.endswith("s") and not base.endswith("ese"):
        base = base[:-1]  # plural: "Russians", "Israelis"
    for suffix, ending in _DEMONYM_RULES:
        if suffix and not base.endswith(suffix):
            continue
        stem = base[: len(base) - len(suffix)] if suffix else base
        if len(stem) < 3:
            continue
        for place, _ in gazetteer.lookup(stem + ending):
            if place.kind == "country":
                return place
    return None


# Demonyms of states and provinces: Minnesotan, Ohioan, Ontarian.
_DIVISION_DEMONYM_RULES = (("n", ""), ("an", ""), ("ian", ""), ("ian", "a"), ("an", "o"))


def division_demonym(word: str, gazetteer: Gazetteer) -> Place | None:
    """Return the state or province a demonym such as "Minnesotans" refers to, if any."""
    base = word.strip()
    if not base[:1].isupper() or " " in base:
        return None
    base = base[:-1] if base.endswith("s") else base
    for suffix, ending in _DIVISION_DEMONYM_RULES:
        if not base.endswith(suffix) or len(base) - len(suffix) < 3:
            continue
        for place, primary in gazetteer.lookup(base[: len(base) - len(suffix)] + ending):
            if primary and place.kind == "admin1":
                return place
    return None


def entity_code(entity: dict[str, Any]) -> str | None:
    code = entity.get("code")
    return code if isinstance(code, str) and _ISO3.match(code) and code != "IGO" else None


def entity_country(entity: dict[str, Any]) -> str | None:
    country = entity.get("country")
    return country if isinstance(country, str) and _ISO3.match(country) else None


def country_evidence(entities: list[dict[str, Any]]) -> defaultdict[str, float]:
    """Country evidence from the entity layer: coded countries, demonyms, people's countries."""
    evidence: defaultdict[str, float] = defaultdict(float)
    for e in entities:
        n = max(1, len(e.get("mentions") or ()))
        code = entity_code(e)
        if e.get("type") in PLACE_TYPES:
            continue  # places count once resolved, not by their first reading
        if e.get("type") in {"PERSON", "ORG"}:
            # A person's or organisation's country is a guess from a modifier
            # ("the Lebanon superintendent"): it counts once, however often they are named.
            country = code or entity_country(e)
            if country:
                evidence[country] += 0.5
        elif code:
            evidence[code] += n
        elif e.get("type") == "NORP" and entity_country(e):
            evidence[entity_country(e) or ""] += n
    return evidence


def toponym_of(entity: dict[str, Any], gazetteer: Gazetteer) -> Toponym:
    spans = [(int(m["start"]), int(m["end"])) for m in entity.get("mentions") or ()]
    name = entity.get("name") or (entity.get("mentions") or [{}])[0].get("text", "")
    code = entity_code(entity)
    if code and gazetteer.country(code) is None:
        code = None
    t = Toponym(name=name, spans=spans, code=code, country=None if code else entity_country(entity))
    if code or gazetteer.lookup(name):
        return t
    if "," in name:
        head, _, rest = name.partition(",")
        t.name, t.qualifier = head.strip(), rest.strip()
        if gazetteer.lookup(t.name):
            return t
    # The canonical name may be a longer form the gazetteer lacks; try the mentions.
    for m in entity.get("mentions") or ():
        if gazetteer.lookup(m.get("text", "")):
            t.name = m["text"]
            return t
    # A place, building or body named after a place lies there ("Henderson County Jail",
    # "City of Norfolk", "Northeast Georgia"): try the core of each written form.
    forms = [t.name] + [str(m.get("text", "")) for m in entity.get("mentions") or ()]
    for form in dict.fromkeys(forms):
        core = core_place_name(form, gazetteer)
        if core is not None:
            t.name = core
            return t
    return t


def geocode_entities(entities: list[dict[str, Any]], *, text: str, dateline: str | None,
                     gazetteer: Gazetteer | None = None) -> None:
    """Give each place entity its coordinates, choosing by the article's context.

    For every GPE, LOC and FAC entity, sets ``geo`` to ``{"lat", "lon", "geonameid"}``
    (``None`` when no place of that name is known) and fills ``country`` (ISO alpha-3)
    when it is missing. Countries get a representative point; US states,
    provinces, continents and regions get theirs.

    Args:
        entities: entity dicts of the output contract, changed in place.
        text: the article text (for "City, State" qualifiers).
        dateline: the dateline place, if any.
        gazetteer: the gazetteer; the shipped one by default.
    """
    gaz = gazetteer or load_gazetteer()
    places = [e for e in entities if e.get("type") in PLACE_TYPES]
    if not places:
        return
    toponyms = [toponym_of(e, gaz) for e in places]
    resolve(toponyms, text=text, gazetteer=gaz, dateline=dateline, countries=country_evidence(entities))
    for entity, t in zip(places, toponyms, strict=True):
        if t.place is None:
            entity["geo"] = None
            continue
        entity["geo"] = _geo(t.place)
        if t.place.country and (not entity.get("country") or not entity_code(entity)):
            # A place's country is that of the place chosen in context; the entity
            # layer's reading of the bare name ("Athens" → GRC) is only a first guess.
            entity["country"] = t.place.country


# A leading direction or district word: "Northeast Georgia", "Metro Nashville", "N.Va.".
_DIRECTION = re.compile(
    r"^(?:(?:(?:north|south|east|west|central|northern|southern|eastern|western|upper|lower|greater|"
    r"north-?east(?:ern)?|north-?west(?:ern)?|south-?east(?:ern)?|south-?west(?:ern)?|"
    r"metro|metropolitan|downtown|uptown|midtown|historic|rural|suburban)\b|"
    r"[nsew]\.|[ns]\.?[ew]\.)\s*)+",
    re.IGNORECASE,
)
# "City of Norfolk", "the Province of Ontario", "Port of Los Angeles".
_OF_PLACE = re.compile(
    r"^(?:the\s+)?(?:city|town|township|village|county|parish|borough|state|province|commonwealth|"
    r"republic|kingdom|municipality|district|port|region)\s+of\s+(?P<place>.+)$",
    re.IGNORECASE,
)
_FACILITY = re.compile(
    r"^(?:the\s+)?(?P<town>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2}?)\s+(?:International\s+)?"
    r"(?:Airport|Air Base|Airfield)$"
)
# A river or lake named after a town does not lie at that town.
# fmt: off
_NATURAL = frozenset({
    "river", "creek", "brook", "lake", "lakes", "pond", "reservoir", "mountain", "mountains", "peak",
    "island", "islands", "falls", "glacier", "canyon", "forest", "swamp", "trail",
})
# A one-word name that is not well known opens a longer name only before one of these.
_DIVISION_WORDS = frozenset({
    "county", "parish", "city", "town", "township", "village", "borough", "province", "state",
    "district", "fire", "police", "sheriff", "sheriff's", "sheriff’s", "school", "schools", "high",
    "library", "hall", "council", "courthouse", "community", "public",
})
# fmt: on
# The longest opening of a name worth trying, in words.
_MAX_PREFIX = 4


def core_place_name(name: str, gazetteer: Gazetteer) -> str | None:
    """Return the place a longer name is named after, when the gazetteer knows it.

    Tries, in order: the name without a leading direction or district word
    ("Northeast Georgia", "Metro Nashville", "N.Va."); the place of "City of
    Norfolk" or "Province of Ontario"; the town of an airport ("Incheon
    International Airport"); and the longest opening words that name a place
    ("Henderson County Jail", "Fargo City", "Mount Pleasant Civic Center"). One
    opening word counts only when it is a well-known place name or a division
    word follows it ("Ludlow Town Hall"), and nothing named after a river or lake
    is placed at a town.

    Args:
        name: the name as written.
        gazetteer: the gazetteer to look names up in.

    Returns:
        The shorter name, or None when no part of the name is a known place.
    """
    name = name.strip()
    stripped = _DIRECTION.sub("", name)
    if stripped and stripped != name and gazetteer.lookup(stripped):
        return stripped
    forms = [name] if stripped in {"", name} else [name, stripped]
    for form in forms:
        m = _OF_PLACE.match(form)
        if m and gazetteer.lookup(m.group("place")):
            return m.group("place")
        m = _FACILITY.match(form)
        if m and gazetteer.lookup(m.group("town")):
            return m.group("town")
    for form in forms:
        prefix = _opening_place(form, gazetteer)
        if prefix is not None:
            return prefix
    # Two places joined by a hyphen ("Logan-Rogersville", "Greenbrier-Pocahontas County")
    # or a party and a town ("D-Iowa City"): the first part that is a place.
    head, dash, rest = name.partition("-")
    if dash and rest[:1].isupper():
        second = rest if gazetteer.lookup(rest) else core_place_name(rest, gazetteer)
        if second is not None and len(head) <= 2:
            return second
        first = head if gazetteer.lookup(head) else None
        if first is not None and second is not None:
            return first
    return None


def _opening_place(name: str, gazetteer: Gazetteer) -> str | None:
    """Return the longest opening words of ``name`` that name a place, if any."""
    words = name.split()
    if any(w.lower().strip(".,") in _NATURAL for w in words[1:]):
        return None
    well_known = well_known_names(gazetteer)
    for n in range(min(len(words) - 1, _MAX_PREFIX), 0, -1):
        prefix = " ".join(words[:n]).rstrip(",")
        if prefix.endswith(("’s", "'s")) or not prefix[:1].isupper():
            continue
        if not any(primary for _, primary in gazetteer.lookup(prefix)):
            continue
        if n == 1 and prefix not in well_known and words[1].lower() not in _DIVISION_WORDS \
                and not words[1][:1].islower():
            continue
        return prefix
    return None
