"""Where and between whom: event reports on a map, a person's stops with coordinates,
and the network of who acts on whom.
"""

from __future__ import annotations

import functools
import heapq
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, func, select

from tidings.errors import QueryError
from tidings.knowledge.files import Field, load_data_file
from tidings.knowledge.plover import polarity
from tidings.store import _schema as s
from tidings.store._query import EventFilter, event_conditions, itinerary
from tidings.store._tables import TABLE_MAX

_POINT_FIELDS = (
    Field("iso3", required=True),
    Field("name"),
    Field("lat", required=True, kind="float"),
    Field("lon", required=True, kind="float"),
    Field("geonameid", kind="int"),
)
# The network draws this many of the strongest actor -> target pairs.
MAX_EDGES = 150


@functools.lru_cache(maxsize=1)
def country_points() -> dict[str, tuple[float, float]]:
    """ISO alpha-3 -> (lat, lon) of the country's representative point."""
    data = load_data_file("tidings:geo/country_points.tsv", _POINT_FIELDS)
    return {e["iso3"]: (float(e["lat"]), float(e["lon"])) for e in data.entries}


def coordinates(conn: Connection, place_ids: Iterable[int]) -> dict[int, tuple[float, float]]:
    """(lat, lon) of global place entities: from an article's geocoding, else the country's point."""
    ids = sorted({int(i) for i in place_ids})
    out: dict[int, tuple[float, float]] = {}
    if not ids:
        return out
    e, g = s.entities, s.global_entities
    points = country_points()
    # A few readings of each place are enough (one index seek each): the first with coordinates.
    one = select(e.c.data).where(e.c.global_id == bindparam("gid")).limit(5)
    for gid in ids:
        for (data,) in conn.execute(one, {"gid": gid}):
            geo = json.loads(data).get("geo")
            if isinstance(geo, dict) and geo.get("lat") is not None and geo.get("lon") is not None:
                out[gid] = (float(geo["lat"]), float(geo["lon"]))
                break
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        for gid, code, country in conn.execute(
            select(g.c.id, g.c.code, g.c.country).where(g.c.id.in_(chunk))
        ):
            if int(gid) not in out:
                iso = code if code in points else country
                if iso in points:
                    out[int(gid)] = points[iso]
    return out


def map_points(conn: Connection, flt: EventFilter) -> dict[str, Any]:
    """Event reports counted by place (with coordinates) and by country, under the filter.

    Returns ``{"points": [{"place", "place_id", "country", "lat", "lon", "n"}...]``
    (most reports first), ``"countries": {ISO3: n}`` and ``"unplaced"``: the
    reports with no place or country that has coordinates.
    """
    ev = s.events
    conds = event_conditions(conn, flt)
    base = select(ev.c.place_global_id, ev.c.place, ev.c.country, func.count().label("n"))
    rows = conn.execute(base.where(*conds).group_by(ev.c.place_global_id, ev.c.place, ev.c.country)).all()
    coords = coordinates(conn, [r.place_global_id for r in rows if r.place_global_id is not None])
    points = country_points()
    by_place: dict[tuple[Any, ...], dict[str, Any]] = {}
    by_country: dict[str, int] = {}
    unplaced = 0
    for r in rows:
        if r.country:
            by_country[r.country] = by_country.get(r.country, 0) + int(r.n)
        where = coords.get(int(r.place_global_id)) if r.place_global_id is not None else None
        name = r.place or r.country
        if where is None and r.country in points:
            where, name = points[r.country], r.place or r.country
        if where is None:
            unplaced += int(r.n)
            continue
        key = (r.place_global_id, name, r.country)
        item = by_place.setdefault(key, {"place": name, "place_id": r.place_global_id,
                                         "country": r.country, "lat": round(where[0], 3),
                                         "lon": round(where[1], 3), "n": 0})
        item["n"] += int(r.n)
    return {"points": sorted(by_place.values(), key=lambda p: -p["n"]),
            "countries": by_country, "unplaced": unplaced}


def itinerary_map(conn: Connection, ref: str) -> list[dict[str, Any]]:
    """A person's itinerary, each stop with ``lat``/``lon`` and its event's local id.

    A stop is placed at its place's coordinates, else at its country's point;
    ``lat`` and ``lon`` are ``None`` when neither is known.
    """
    stops = itinerary(conn, ref)
    coords = coordinates(conn, [stop["place_id"] for stop in stops if stop["place_id"]])
    points = country_points()
    ev = s.events
    local = dict(conn.execute(select(ev.c.id, ev.c.local_id).where(
        ev.c.id.in_([stop["event_id"] for stop in stops]))).tuples().all()) if stops else {}
    for stop in stops:
        stop["event_local"] = local.get(stop["event_id"])
        where = coords.get(stop["place_id"]) if stop["place_id"] else None
        where = where or points.get(stop.get("country") or "")
        stop["lat"], stop["lon"] = (where if where else (None, None))
    return stops


def _pair_counts(conn: Connection, max_edges: int) -> tuple[dict[tuple[int, int], dict[str, int]], int]:
    """The strongest pairs of the whole store (with their counts by type) from ``event_pairs``."""
    p = s.event_pairs
    cut = conn.execute(select(p.c.n).where(p.c.type == "*").order_by(p.c.n.desc())
                       .offset(max_edges - 1).limit(1)).scalar() or 0
    totals = {(int(a), int(t)): int(n) for a, t, n in conn.execute(
        select(p.c.actor_id, p.c.target_id, p.c.n).where(p.c.type == "*", p.c.n >= cut)).tuples()}
    strongest = heapq.nsmallest(max_edges, totals, key=lambda pair: (-totals[pair], pair))
    counts: dict[tuple[int, int], dict[str, int]] = {pair: {} for pair in strongest}
    actors = sorted({a for a, _ in strongest})
    for start in range(0, len(actors), 500):
        for a, t, etype, n in conn.execute(
                select(p.c.actor_id, p.c.target_id, p.c.type, p.c.n)
                .where(p.c.actor_id.in_(actors[start:start + 500]), p.c.type != "*")).tuples():
            if (int(a), int(t)) in counts:
                counts[(int(a), int(t))][str(etype)] = int(n)
    total = int(conn.execute(select(func.count()).select_from(p).where(p.c.type == "*")).scalar_one())
    return counts, total


def _report_pairs(conn: Connection, flt: EventFilter) -> dict[tuple[int, int], dict[str, int]]:
    """Every actor -> target pair of the filtered reports, with its counts by type."""
    ev = s.events
    actor, target = s.event_actors.alias("na"), s.event_actors.alias("nt")
    stmt: Select[Any] = (
        select(actor.c.global_id, target.c.global_id, ev.c.type).select_from(ev)
        .join(actor, and_(actor.c.event_id == ev.c.id, actor.c.role == "actor"))
        .join(target, and_(target.c.event_id == ev.c.id, target.c.role == "target")))
    stmt = stmt.where(actor.c.global_id != target.c.global_id, *event_conditions(conn, flt))
    # One row per report (actor, target, type), counted here: cheaper than a grouped sort
    # of every pair in the database, then the strongest pairs are kept.
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for a, t, etype in conn.execute(stmt).tuples().all():
        types = counts.setdefault((a, t), {})
        types[etype] = types.get(etype, 0) + 1
    return counts


def _nodes(conn: Connection, edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entities at the ends of the edges, each with its number of reports, most first."""
    g = s.global_entities
    ids = {e["source"] for e in edges} | {e["target"] for e in edges}
    nodes: list[dict[str, Any]] = []
    if ids:
        for r in conn.execute(select(g.c.id, g.c.name, g.c.type, g.c.code).where(g.c.id.in_(sorted(ids)))):
            nodes.append({"id": int(r.id), "name": r.name, "type": r.type, "code": r.code})
    degree: dict[int, int] = {}
    for e in edges:
        degree[e["source"]] = degree.get(e["source"], 0) + e["n"]
        degree[e["target"]] = degree.get(e["target"], 0) + e["n"]
    for node in nodes:
        node["n"] = degree.get(node["id"], 0)
    nodes.sort(key=lambda x: (-x["n"], x["name"]))
    return nodes


def network(conn: Connection, flt: EventFilter, *, max_edges: int = MAX_EDGES,
            use_counts: bool = True) -> dict[str, Any]:
    """Who acts on whom: the strongest edges actor -> target, with counts of cooperative and
    conflictual reports and of each type.

    Without filters the counts kept by the store (``event_pairs``) are read; with
    ``use_counts=False``, or any filter, the reports are counted here.
    """
    if not 1 <= max_edges <= TABLE_MAX:
        raise QueryError(f"[T538] max_edges {max_edges} is out of range; expected 1 to {TABLE_MAX}")
    flt.check()
    if use_counts and flt.empty():
        counts, total_edges = _pair_counts(conn, max_edges)
    else:
        counts = _report_pairs(conn, flt)
        total_edges = len(counts)
    cooperative = {t for t, p in polarity().items() if p == "cooperation"}
    totals = {pair: sum(types.values()) for pair, types in counts.items()}
    strongest = heapq.nsmallest(max_edges, totals, key=lambda pair: (-totals[pair], pair))
    kept: list[dict[str, Any]] = []
    for pair in strongest:
        types = counts[pair]
        coop = sum(k for name, k in types.items() if name in cooperative)
        kept.append({"source": int(pair[0]), "target": int(pair[1]), "n": totals[pair],
                     "cooperation": coop, "conflict": totals[pair] - coop,
                     "types": dict(sorted(types.items(), key=lambda kv: (-kv[1], kv[0])))})
    return {"nodes": _nodes(conn, kept), "edges": kept, "total_edges": total_edges}
