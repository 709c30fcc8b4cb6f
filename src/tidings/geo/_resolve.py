"""Choose, among same-named places, the one an article means.

Each toponym is scored against its candidates in passes. The first pass uses
what is fixed before any choice: the kind and size of each candidate, the
countries the entity layer coded, a "City, State" qualifier written next to the
name, and the dateline. Each later pass adds what the pass before found for the
*other* toponyms of the article: their countries, their first-order divisions
and how near their towns lie; passes stop when one changes nothing (at most
four). The score of a candidate is a sum of:

========================  =====================================================
kind                      country 7.5, continent 8.0, region 7.5, admin1 7.0,
                          county 5.0;
                          a town scores ``0.4 * log10(population + 10)`` (about
                          1.2 for 1,000 people, 2.6 for 3 million), a national
                          capital 1.5 more
name                      +2.5 when the text matches a preferred or alias name,
                          not only an alternate (foreign or historic) one
qualifier                 +8.0 when a "City, State" or "City, Country" qualifier
                          names the candidate's division or country; -3.0 when
                          it names another
entity layer's reading    +1.0 for the country the entity layer coded the name
                          as, or gave it as its country (a first guess that the
                          article's context can overrule)
country evidence          +1.0 when the candidate's country is in the article,
                          plus 3.0 times that country's share of the evidence
                          (coded country entities, demonyms, the dateline,
                          other resolved toponyms)
division evidence         +2.5 when the article names the candidate's state or
                          province; +1.0 when another resolved town lies in it
                          (for a town, county or the state itself)
neighbours                for a town or county: +1.0 times the specificity
                          (below) of each other toponym that has a town or
                          county within 60 km of it, at most +2.0 ("Paris" and
                          "Henry County" lie together only in Tennessee)
proximity                 for a town or county: +3.0 when another resolved
                          town or county lies within 60 km; for a town, +1.5
                          when a resolved town lies within 200 km (the
                          dateline's place counts twice as evidence)
shared division           for each other toponym of the article that has a
                          town or county of that name in the same state or
                          province, +1.0 divided by the square root of the
                          number of states that name occurs in (at most +3.0):
                          "Alexandria", "Osakis" and "Douglas County" together
                          point to Minnesota, "Osakis" (in one state) most
========================  =====================================================

Before scoring, candidates matched only by an alternate (foreign, historic)
name are dropped when some candidate bears the name as its own; and a state that
shares its name with its country's capital ("Washington") gives way to the
capital, while a name followed by "state", "province", "region" or another
division word ("Washington state", "the Georgia state line", "Idlib province")
is the division; and a continent or region
("Middle East", "Asia") outranks every town of its name.

The best candidate wins; a toponym without candidates stays unresolved.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from tidings.geo._gazetteer import Gazetteer, Place, haversine_km
from tidings.geo._names import name_key

# fmt: off
KIND_SCORE = {"country": 7.5, "continent": 8.0, "region": 7.5, "admin1": 7.0, "county": 5.0}
POP_WEIGHT = 0.4
CAPITAL_BONUS = 1.5
PRIMARY_BONUS = 2.5
QUALIFIER_MATCH, QUALIFIER_MISMATCH = 8.0, -3.0
COUNTRY_HINT = 1.0
COUNTRY_PRESENT, COUNTRY_SHARE = 1.0, 3.0
DIVISION_NAMED, DIVISION_TOWN = 2.5, 1.0
NEAR_KM, NEAR_BONUS, AROUND_KM, AROUND_BONUS = 60.0, 3.0, 200.0, 1.5
SHARED_DIVISION, SHARED_DIVISION_MAX = 1.0, 3.0
NEIGHBOUR, NEIGHBOUR_MAX, NEIGHBOUR_CANDIDATES = 1.0, 2.0, 60
DATELINE_WEIGHT = 2.0
SPECIFICITY = 0.5
PASSES = 4  # at most; resolution stops as soon as a pass changes nothing
# fmt: on

_TOWNS = frozenset({"city", "capital"})
_LOCAL = frozenset({"city", "capital", "county"})
_AREAS = frozenset({"continent", "region"})
# ", Texas", ", N.Y.", ", TX" right after a name.
_QUALIFIER = re.compile(r"\s*,\s*((?:[A-Z][\w.'’-]*\.?)(?:\s+[A-Z][\w.'’-]*\.?){0,3})")
_POSTAL = re.compile(r"^[A-Z]{2}$")
# A name followed by one of these is the division: "Washington state", "Idlib province", "Donetsk region".
_DIVISION_WORD = re.compile(r"\s*(?:state|province|region|governorate|oblast|prefecture|department|"
                            r"territory|emirate|voivodeship|canton)\b", re.IGNORECASE)


@dataclass(slots=True)
class Toponym:
    """A place name to resolve: its text, where it occurs, and what the entity layer knows.

    Attributes:
        name: the name to look up (an entity's canonical name or a mention's text).
        spans: ``(start, end)`` character offsets of its mentions.
        code: the entity's ISO alpha-3 code when the entity layer coded it as a country.
        qualifier: a "State" or "Country" written with the name ("Springfield, Ill."), if any.
        country: the country (alpha-3) the entity layer already gave it, if any.
        weight: how much its place counts as evidence for the others (less for names
            found only by the gazetteer matcher).
        place: the chosen place, once resolved.
        score: the winning score.
    """

    name: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    code: str | None = None
    qualifier: str | None = None
    country: str | None = None
    weight: float = 1.0
    place: Place | None = None
    score: float = 0.0


@dataclass(slots=True)
class Context:
    """What the article says about where it is."""

    countries: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    divisions: set[tuple[str, str]] = field(default_factory=set)
    town_divisions: set[tuple[str, str]] = field(default_factory=set)
    points: list[tuple[float, float]] = field(default_factory=list)
    county_points: list[tuple[float, float]] = field(default_factory=list)
    towns_in: dict[tuple[str, str], list[tuple[float, float]]] = field(default_factory=dict)
    shared: dict[tuple[str, str], float] = field(default_factory=dict)

    def country_bonus(self, country: str) -> float:
        total = sum(self.countries.values())
        if not country or total <= 0 or self.countries.get(country, 0.0) <= 0:
            return 0.0
        return COUNTRY_PRESENT + COUNTRY_SHARE * self.countries[country] / total


def base_score(place: Place, primary: bool) -> float:
    """Score a candidate by its kind, size and how the name matched."""
    if place.kind in _TOWNS:
        score = POP_WEIGHT * math.log10(place.population + 10)
        if place.kind == "capital":
            score += CAPITAL_BONUS
    else:
        score = KIND_SCORE.get(place.kind, 3.0)
    return score + (PRIMARY_BONUS if primary else 0.0)


def qualifier_of(text: str, end: int, gazetteer: Gazetteer) -> list[Place]:
    """Return the divisions or countries named in a ", Qualifier" right after ``end``.

    Args:
        text: the article text.
        end: where the place name ends.
        gazetteer: to look the qualifier up.

    Returns:
        The admin1 or country places the qualifier may name (empty when none).
    """
    m = _QUALIFIER.match(text, end)
    if m is None:
        return []
    words = m.group(1).split()
    # Try the longest prefix first: ", New South Wales" before ", New".
    for n in range(len(words), 0, -1):
        phrase = " ".join(words[:n]).rstrip(",")
        if n == 1 and _POSTAL.match(phrase):
            division = gazetteer.division("USA", phrase)
            if division is not None:
                return [division]
        found = [p for p, _ in gazetteer.lookup(phrase) if p.kind in {"admin1", "country"}]
        if found:
            return found
    return []


def _qualifier_score(place: Place, qualifiers: Sequence[Place]) -> float:
    if not qualifiers:
        return 0.0
    if place.kind not in _LOCAL:
        return 0.0
    for q in qualifiers:
        if q.kind == "admin1" and (place.country, place.admin1) == (q.country, q.admin1):
            return QUALIFIER_MATCH
        if q.kind == "country" and place.country == q.country:
            return QUALIFIER_MATCH
    return QUALIFIER_MISMATCH


def _context_score(place: Place, ctx: Context) -> float:
    score = ctx.country_bonus(place.country)
    if place.kind in _LOCAL:
        key = (place.country, place.admin1)
        if key in ctx.divisions:
            score += DIVISION_NAMED
        elif key in ctx.town_divisions:
            score += DIVISION_TOWN
        score += min(SHARED_DIVISION * ctx.shared.get(key, 0.0), SHARED_DIVISION_MAX)
    elif place.kind == "admin1" and place.admin1 and (place.country, place.admin1) in ctx.town_divisions:
        score += DIVISION_TOWN  # a state that the article's towns lie in
    if place.kind in _LOCAL and not math.isnan(place.lat):
        # A county is large: only a town or county close to its middle speaks for it.
        nearest = min((haversine_km(place.lat, place.lon, lat, lon) for lat, lon in ctx.points),
                      default=math.inf)
        nearest_county = min((haversine_km(place.lat, place.lon, lat, lon) for lat, lon in ctx.county_points),
                             default=math.inf)
        if min(nearest, nearest_county) <= NEAR_KM:
            score += NEAR_BONUS
        elif nearest <= AROUND_KM and place.kind != "county":
            score += AROUND_BONUS
    return score


def _placed(place: Place, ctx: Context) -> Place:
    """Give a county the index could not place the middle of the article's towns in its state."""
    if not math.isnan(place.lat):
        return place
    pts = ctx.towns_in.get((place.country, place.admin1))
    if not pts:
        return place  # still evidence for its state; unresolved unless placed later
    lat = sum(p[0] for p in pts) / len(pts)
    lon = sum(p[1] for p in pts) / len(pts)
    return replace(place, lat=lat, lon=lon)


def _neighbours(candidates: Sequence[Sequence[tuple[Place, bool]]],
                share: Sequence[float]) -> list[dict[int, float]]:
    """Score each town or county by the other names that have a candidate near it.

    "Paris" and "Henry County" both exist in ten states, but only in Tennessee do
    they lie together: each other toponym with a town or county within ``NEAR_KM``
    of a candidate adds ``NEIGHBOUR`` times that toponym's specificity (at most
    ``NEIGHBOUR_MAX``). Names with very many candidates are left out (cost).
    """
    local = [[p for p, primary in cands if primary and p.kind in _LOCAL and not math.isnan(p.lat)]
             for cands in candidates]
    out: list[dict[int, float]] = [{} for _ in candidates]
    for i, mine in enumerate(local):
        if not mine or len(mine) > NEIGHBOUR_CANDIDATES:
            continue
        for j, theirs in enumerate(local):
            if j == i or not theirs or len(theirs) > NEIGHBOUR_CANDIDATES:
                continue
            own = {p.id for p in mine}
            for p in mine:
                if any(q.id not in own and abs(q.lat - p.lat) < 1.0
                       and haversine_km(p.lat, p.lon, q.lat, q.lon) <= NEAR_KM for q in theirs):
                    out[i][p.id] = min(out[i].get(p.id, 0.0) + NEIGHBOUR * share[j], NEIGHBOUR_MAX)
    return out


def _best(candidates: Iterable[tuple[Place, bool]], qualifiers: Sequence[Place],
          ctx: Context, hint: str | None = None, coded: Place | None = None,
          neighbours: Mapping[int, float] | None = None) -> tuple[Place | None, float]:
    best: Place | None = None
    best_score = -math.inf
    for candidate, primary in candidates:
        place = _placed(candidate, ctx)
        s = base_score(place, primary) + _qualifier_score(place, qualifiers) + _context_score(place, ctx)
        # The entity layer's reading of the name ("Georgia" → GEO) and the country it gave
        # are first guesses that the article's context can overrule.
        if hint and place.country == hint:
            s += COUNTRY_HINT
        if coded is not None and place.id == coded.id:
            s += COUNTRY_HINT
        if neighbours:
            s += neighbours.get(place.id, 0.0)
        if s > best_score or (s == best_score and best is not None and place.population > best.population):
            best, best_score = place, s
    return best, best_score


def _prune(cands: Sequence[tuple[Place, bool]], toponym: Toponym,
           text: str) -> Sequence[tuple[Place, bool]]:
    """Drop alternate-name candidates when a primary one exists, and a state named like the capital."""
    said_division = any(_DIVISION_WORD.match(text, e) for _, e in toponym.spans)
    if said_division and any(p.kind == "admin1" for p, _ in cands):
        # "Georgia state line", "Washington state", "Idlib province": the division, even
        # when its bare name is only an alternate one (the town of Idlib keeps that).
        return [(p, True) for p, _ in cands if p.kind == "admin1"]
    if any(primary for _, primary in cands):
        cands = [(p, primary) for p, primary in cands if primary]
    if any(p.kind in _AREAS for p, _ in cands):
        # "Middle East" the region, not the hamlet in Maryland.
        cands = [(p, pr) for p, pr in cands if p.kind not in _TOWNS]
    capitals = {p.country for p, _ in cands if p.kind == "capital"}
    if capitals and any(p.kind == "admin1" and p.country in capitals for p, _ in cands):
        cands = [(p, pr) for p, pr in cands if not (p.kind == "admin1" and p.country in capitals)]
    return cands


def _add_evidence(ctx: Context, place: Place, weight: float, *, with_point: bool = True) -> None:
    if place.country:
        ctx.countries[place.country] += weight
    if place.kind == "admin1":
        if place.admin1:  # a division not tied to its towns' code says nothing of them
            ctx.divisions.add((place.country, place.admin1))
    elif place.kind in _LOCAL:
        ctx.town_divisions.add((place.country, place.admin1))
        if with_point and not math.isnan(place.lat):
            (ctx.points if place.kind in _TOWNS else ctx.county_points).append((place.lat, place.lon))
        if with_point and place.kind in _TOWNS and not math.isnan(place.lat):
            ctx.towns_in.setdefault((place.country, place.admin1), []).append((place.lat, place.lon))


def resolve(toponyms: Sequence[Toponym], *, text: str, gazetteer: Gazetteer,
            dateline: str | None = None, countries: Mapping[str, float] | None = None) -> None:
    """Resolve each toponym to a place in place (``toponym.place``), by the article's context.

    Args:
        toponyms: the article's place names, one per entity (or distinct name).
        text: the article text, for "City, State" qualifiers.
        gazetteer: the gazetteer.
        dateline: the dateline place, if any ("SEOUL", "Springfield, Ill.").
        countries: country evidence from the entity layer (ISO alpha-3 → weight),
            e.g. coded country entities and demonyms.
    """
    fixed = Context(countries=defaultdict(float, countries or {}))
    dateline_key = _dateline_evidence(fixed, dateline, toponyms, gazetteer)
    qualifiers, candidates, coded = _gather(fixed, toponyms, text, gazetteer)

    # Which states could host each toponym's towns and counties (primary names only).
    hosts = [{(p.country, p.admin1) for p, primary in cands if primary and p.kind in _LOCAL}
             for cands in candidates]
    # A name found in few states speaks for them more than "Springfield" does.
    share = [len(h) ** -SPECIFICITY if h else 0.0 for h in hosts]
    votes: defaultdict[tuple[str, str], float] = defaultdict(float)
    for h, w in zip(hosts, share, strict=True):
        for d in h:
            votes[d] += w

    near = _neighbours(candidates, share)

    # Pass 1: fixed context only.
    first: list[Place | None] = []
    for i, (t, cands, quals) in enumerate(zip(toponyms, candidates, qualifiers, strict=True)):
        place, _ = _best(cands, quals, fixed, t.country, coded[i], near[i])
        first.append(place)

    # Later passes: add what the previous pass found for the other toponyms, so that
    # a first reading overruled by the context ("Georgia" the country in an article
    # on Atlanta) stops misleading the others.
    chosen = first
    results: list[tuple[Place | None, float]] = []
    for _ in range(PASSES - 1):
        results = []
        for i, (t, cands, quals) in enumerate(zip(toponyms, candidates, qualifiers, strict=True)):
            ctx = _copy_context(fixed, {d: v - share[i] for d, v in votes.items() if d in hosts[i]} | {
                d: v for d, v in votes.items() if d not in hosts[i]})
            _add_others(ctx, i, toponyms, {p.id for p, _ in cands}, chosen, dateline_key)
            results.append(_best(cands, quals, ctx, t.country, coded[i], near[i]))
        settled = [place for place, _ in results] == chosen
        chosen = [place for place, _ in results]
        if settled:
            break
    for t, (place, score) in zip(toponyms, results, strict=True):
        t.place, t.score = place, score
        if place is not None and math.isnan(place.lat):
            # A county the article's towns cannot place: its state's point is the best guess.
            state = gazetteer.division(place.country, place.admin1)
            t.place = replace(place, lat=state.lat, lon=state.lon) if state is not None else None


def _dateline_evidence(fixed: Context, dateline: str | None, toponyms: Sequence[Toponym],
                       gazetteer: Gazetteer) -> str:
    """Add the dateline's qualifier and place to the fixed context.

    Returns:
        The name key of the dateline's place, or ``""`` without a dateline.
    """
    if not dateline:
        return ""
    head, _, rest = dateline.partition(",")
    dateline_quals = qualifier_of("," + rest, 0, gazetteer) if rest.strip() else []
    for q in dateline_quals:
        _add_evidence(fixed, q, DATELINE_WEIGHT)
    dateline_key = name_key(head)
    if not any(name_key(t.name) == dateline_key for t in toponyms):
        # A dateline the text does not repeat: resolve it on its own.
        place, _ = _best(gazetteer.lookup(head.strip()), dateline_quals,
                         Context(countries=defaultdict(float, fixed.countries)))
        if place is not None:
            _add_evidence(fixed, place, DATELINE_WEIGHT)
    return dateline_key


def _gather(fixed: Context, toponyms: Sequence[Toponym], text: str, gazetteer: Gazetteer,
            ) -> tuple[list[list[Place]], list[Sequence[tuple[Place, bool]]], list[Place | None]]:
    """Find each toponym's qualifiers, candidates and coded country; add the qualifiers to ``fixed``.

    Returns:
        Per toponym: its qualifier places, its pruned candidates and the country
        the entity layer coded it as (or None).
    """
    qualifiers: list[list[Place]] = []
    candidates: list[Sequence[tuple[Place, bool]]] = []
    coded: list[Place | None] = []
    for t in toponyms:
        quals: list[Place] = qualifier_of(", " + t.qualifier, 0, gazetteer) if t.qualifier else []
        for _, end in t.spans if not quals else ():
            quals = qualifier_of(text, end, gazetteer)
            if quals:
                break
        qualifiers.append(quals)
        country = gazetteer.country(t.code) if t.code else None
        coded.append(country)
        pruned = list(_prune(gazetteer.lookup(t.name), t, text))
        if country is not None and all(p.id != country.id for p, _ in pruned):
            pruned.append((country, True))
        candidates.append(pruned)
        # A qualifier written in the text is evidence for every name; the entity
        # layer's reading of the name itself is not (it would vouch for itself).
        for q in quals:
            _add_evidence(fixed, q, 1.0)
    return qualifiers, candidates, coded


def _add_others(ctx: Context, i: int, toponyms: Sequence[Toponym], own: set[int],
                chosen: Sequence[Place | None], dateline_key: str) -> None:
    """Add to ``ctx`` the places chosen for the toponyms other than the ``i``-th (own candidates aside)."""
    for j, other in enumerate(chosen):
        if j != i and other is not None and other.id not in own:
            weight = max(1.0, len(toponyms[j].spans) ** 0.5) * toponyms[j].weight
            if dateline_key and name_key(toponyms[j].name) == dateline_key:
                weight *= DATELINE_WEIGHT  # the place the story is told from
            _add_evidence(ctx, other, weight)


def _copy_context(fixed: Context, shared: dict[tuple[str, str], float]) -> Context:
    """Return a copy of ``fixed`` that a pass can add to, with the given shared-division votes."""
    return Context(countries=defaultdict(float, fixed.countries), divisions=set(fixed.divisions),
                   town_divisions=set(fixed.town_divisions), points=list(fixed.points),
                   county_points=list(fixed.county_points),
                   towns_in={k: list(v) for k, v in fixed.towns_in.items()}, shared=shared)
