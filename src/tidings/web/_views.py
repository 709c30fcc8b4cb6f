"""The queries behind the web pages: filtered, sorted, paged tables and aggregates.

Everything here reads the store through its SQLAlchemy tables, with bound
parameters only. Tables are paged by offset (the explorer sorts by any column
and jumps to a page); the first pages of a filter are cheap because every
filter column is indexed or narrows an indexed scan.
"""

from __future__ import annotations

import functools
import heapq
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from sqlalchemy import Connection, Select, and_, bindparam, func, or_, select

from tidings.errors import StoreError
from tidings.knowledge.files import Field, load_data_file
from tidings.store import _schema as s
from tidings.store import normalise_name
from tidings.store._query import check_text, entity_ids

PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
MODALITIES = ("occurred", "planned", "possible", "negated", "hypothetical")
PAGE_SIZES = (25, 50, 100, 200)
EXPORT_MAX = 10_000
SORTS = ("date", "type", "modality", "place", "country", "source")

_POLARITY_FIELDS = (
    Field("type", required=True, choices=frozenset(PLOVER_TYPES)),
    Field("polarity", required=True, choices=frozenset({"cooperation", "conflict"})),
)
_POINT_FIELDS = (
    Field("iso3", required=True),
    Field("name"),
    Field("lat", required=True, kind="float"),
    Field("lon", required=True, kind="float"),
    Field("geonameid", kind="int"),
)


@functools.lru_cache(maxsize=1)
def polarity() -> dict[str, str]:
    """PLOVER type -> ``cooperation`` or ``conflict``, from ``data/web/polarity.tsv``."""
    data = load_data_file("tidings:web/polarity.tsv", _POLARITY_FIELDS)
    return {e["type"]: e["polarity"] for e in data.entries}


@functools.lru_cache(maxsize=1)
def country_points() -> dict[str, tuple[float, float]]:
    """ISO alpha-3 -> (lat, lon) of the country's representative point."""
    data = load_data_file("tidings:geo/country_points.tsv", _POINT_FIELDS)
    return {e["iso3"]: (float(e["lat"]), float(e["lon"])) for e in data.entries}


@dataclass(frozen=True, slots=True)
class Query:
    """The explorer's filters, sort and page, as read from a query string."""

    level: str = "reports"
    type: str = ""
    actor: str = ""
    target: str = ""
    since: str = ""
    until: str = ""
    place: str = ""
    country: str = ""
    modality: str = ""
    source: str = ""
    sort: str = "date"
    desc: bool = False
    page: int = 1
    size: int = 50

    cluster: str = ""

    FILTERS: ClassVar[tuple[str, ...]] = ("type", "actor", "target", "since", "until", "place", "country",
                                          "modality", "source", "cluster")

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Query:
        """Read a query string; unknown or malformed values fall back to defaults."""
        values: dict[str, Any] = {}
        for name in cls.FILTERS:
            value = (params.get(name) or "").strip()[:200]
            check_text(value)
            values[name] = value
        values["type"] = values["type"].upper() if values["type"].upper() in PLOVER_TYPES else ""
        values["modality"] = values["modality"] if values["modality"] in MODALITIES else ""
        values["country"] = values["country"].upper()[:3]
        if not (values["cluster"].isdigit() and 0 < int(values["cluster"]) <= 2**31 - 1):
            values["cluster"] = ""
        for bound in ("since", "until"):
            if not _is_day(values[bound]):
                values[bound] = ""
        level = params.get("level") or "reports"
        values["level"] = level if level in ("reports", "events") else "reports"
        sort = (params.get("sort") or "date").strip()
        values["desc"] = sort.startswith("-")
        sort = sort.lstrip("-")
        values["sort"] = sort if sort in SORTS else "date"
        values["page"] = _int(params.get("page"), 1, 1, 1_000_000)
        size = _int(params.get("size"), 50, 1, 1000)
        values["size"] = size if size in PAGE_SIZES else 50
        return cls(**values)

    def params(self, **changes: Any) -> dict[str, str]:
        """The query string of this query with some values changed (defaults left out)."""
        q = replace(self, **changes)
        out = {name: str(getattr(q, name)) for name in ("level", *self.FILTERS)
               if getattr(q, name) and getattr(q, name) != "reports"}
        if q.sort != "date" or q.desc:
            out["sort"] = ("-" if q.desc else "") + q.sort
        if q.page > 1:
            out["page"] = str(q.page)
        if q.size != 50:
            out["size"] = str(q.size)
        return out

    def filtered(self) -> bool:
        return any(getattr(self, name) for name in self.FILTERS)


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        n = int(value or default)
    except ValueError:
        return default
    return min(max(n, low), high)


def _is_day(value: str) -> bool:
    import re

    return bool(re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value))


def _entity_cond(conn: Connection, ref: str, role: str | None, event_id: Any) -> Any:
    """The events an entity takes part in (in a role): one range of the entity index."""
    ea = s.event_actors.alias()
    cond: list[Any] = [ea.c.global_id.in_(entity_ids(conn, ref) or [-1])]
    if role is not None:
        cond.append(ea.c.role == role)
    return event_id.in_(select(ea.c.event_id).where(*cond))


def _report_conditions(conn: Connection, q: Query, *, with_dates: bool = True) -> list[Any]:
    """WHERE conditions on ``events`` (joined with ``articles``) for a query's filters."""
    ev, a = s.events, s.articles
    conds: list[Any] = []
    if q.actor:
        conds.append(_entity_cond(conn, q.actor, "actor", ev.c.id))
    if q.target:
        conds.append(_entity_cond(conn, q.target, "target", ev.c.id))
    if q.type:
        conds.append(ev.c.type == q.type)
    if q.modality:
        conds.append(ev.c.modality == q.modality)
    if with_dates and q.since:
        conds.append(ev.c.date >= q.since)
    if with_dates and q.until:
        conds.append(ev.c.date <= q.until + "\uffff")
    if q.place:
        ids = entity_ids(conn, q.place)
        conds.append(or_(ev.c.place_global_id.in_(ids or [-1]),
                         func.lower(ev.c.place) == normalise_name(q.place)))
    if q.country:
        conds.append(ev.c.country == q.country)
    if q.source:
        conds.append(or_(a.c.publisher == q.source, a.c.id == q.source, a.c.url == q.source))
    if q.cluster:
        conds.append(ev.c.cluster_id == int(q.cluster))
    return conds


_REPORT_SORT = {
    "date": lambda: s.events.c.date, "type": lambda: s.events.c.type,
    "modality": lambda: s.events.c.modality, "place": lambda: s.events.c.place,
    "country": lambda: s.events.c.country, "source": lambda: s.articles.c.publisher,
}


def _ordered(stmt: Select[Any], key: Any, tie: Any, desc: bool) -> Select[Any]:
    if desc:
        return stmt.order_by(key.desc(), tie.desc())
    return stmt.order_by(key, tie)


def _names_of(conn: Connection, event_ids: list[int]) -> dict[int, dict[str, list[dict[str, Any]]]]:
    ea, g = s.event_actors, s.global_entities
    out: dict[int, dict[str, list[dict[str, Any]]]] = {i: {"actor": [], "target": []} for i in event_ids}
    if not event_ids:
        return out
    rows = conn.execute(
        select(ea.c.event_id, ea.c.role, g.c.id, g.c.name, g.c.type)
        .join(g, g.c.id == ea.c.global_id).where(ea.c.event_id.in_(event_ids))
        .order_by(ea.c.event_id, ea.c.role, g.c.id)
    ).all()
    for r in rows:
        out[int(r.event_id)][r.role].append({"id": int(r.id), "name": r.name, "type": r.type})
    return out


def reports_table(conn: Connection, q: Query, *, limit: int | None = None,
                  offset: int | None = None) -> tuple[list[dict[str, Any]], int]:
    """One page of event reports and the number matching the filters."""
    ev, a = s.events, s.articles
    conds = _report_conditions(conn, q)
    base = select(ev.c.id).select_from(ev.join(a, a.c.id == ev.c.article_id) if q.source else ev)
    total = int(conn.execute(select(func.count()).select_from(base.where(*conds).subquery())).scalar_one())
    # The page's ids first, from events alone (articles only when the sort or a filter needs
    # them), then the rows of those ids: the sort never drags the wide columns along.
    key = _REPORT_SORT[q.sort]()
    page_ids = _ordered(base.where(*conds), key, ev.c.id, q.desc)
    if q.sort == "source" and not q.source:
        page_ids = page_ids.join(a, a.c.id == ev.c.article_id)
    size = limit if limit is not None else q.size
    start = offset if offset is not None else (q.page - 1) * q.size
    ids = [int(i) for i in conn.execute(page_ids.limit(size).offset(start)).scalars()]
    found = {int(r.id): r for r in conn.execute(
        select(ev.c.id, ev.c.article_id, ev.c.local_id, ev.c.type, ev.c.mode, ev.c.modality,
               ev.c.date, ev.c.place, ev.c.country, ev.c.cameo, ev.c.evidence, ev.c.cluster_id,
               a.c.publisher, a.c.headline, a.c.url)
        .join(a, a.c.id == ev.c.article_id).where(ev.c.id.in_(ids or [-1]))
    )}
    rows = [found[i] for i in ids if i in found]
    names = _names_of(conn, [int(r.id) for r in rows])
    items = [{
        "id": int(r.id), "article_id": r.article_id, "event": r.local_id, "type": r.type,
        "mode": r.mode, "modality": r.modality, "date": r.date or None, "place": r.place,
        "country": r.country, "cameo": r.cameo, "evidence": r.evidence, "cluster": r.cluster_id,
        "source": r.publisher or r.url or r.article_id, "headline": r.headline,
        "actors": names[int(r.id)]["actor"], "targets": names[int(r.id)]["target"],
    } for r in rows]
    return items, total


_CLUSTER_SORT = {
    "date": lambda: s.event_clusters.c.date, "type": lambda: s.event_clusters.c.type,
    "country": lambda: s.event_clusters.c.country, "source": lambda: s.event_clusters.c.reports,
}
CLUSTER_SORTS = tuple(_CLUSTER_SORT)


def clusters_table(conn: Connection, q: Query, *, limit: int | None = None,
                   offset: int | None = None) -> tuple[list[dict[str, Any]], int]:
    """One page of event clusters (real-world events) and the number matching the filters."""
    c, ev = s.event_clusters, s.events
    conds: list[Any] = []
    if q.type:
        conds.append(c.c.type == q.type)
    if q.since:
        conds.append(c.c.date >= q.since)
    if q.until:
        conds.append(c.c.date <= q.until + "\uffff")
    if q.country:
        conds.append(c.c.country == q.country)
    if q.cluster:
        conds.append(c.c.id == int(q.cluster))
    member = _report_conditions(conn, replace(q, type="", since="", until="", country="", cluster=""),
                                with_dates=False)
    if member:
        inner = select(ev.c.cluster_id).where(ev.c.cluster_id == c.c.id, *member)
        if q.source:
            inner = inner.join(s.articles, s.articles.c.id == ev.c.article_id)
        conds.append(inner.exists())
    total = int(conn.execute(select(func.count()).select_from(c).where(*conds)).scalar_one())
    key = _CLUSTER_SORT.get(q.sort, _CLUSTER_SORT["date"])()
    stmt = _ordered(select(c).where(*conds), key, c.c.id, q.desc)
    size = limit if limit is not None else q.size
    start = offset if offset is not None else (q.page - 1) * q.size
    rows = conn.execute(stmt.limit(size).offset(start)).all()
    ids = [int(r.id) for r in rows]
    reports: dict[int, list[Any]] = {i: [] for i in ids}
    if ids:
        a = s.articles
        for r in conn.execute(
            select(ev.c.id, ev.c.cluster_id, ev.c.article_id, ev.c.local_id, ev.c.modality,
                   ev.c.place, ev.c.evidence, a.c.publisher, a.c.url)
            .join(a, a.c.id == ev.c.article_id).where(ev.c.cluster_id.in_(ids))
            .order_by(ev.c.cluster_id, ev.c.id)
        ):
            reports[int(r.cluster_id)].append(r)
    names = _names_of(conn, [int(r.id) for rs in reports.values() for r in rs])
    items = []
    for row in rows:
        reps = reports[int(row.id)]
        actors: dict[int, dict[str, Any]] = {}
        targets: dict[int, dict[str, Any]] = {}
        for r in reps:
            actors.update({x["id"]: x for x in names[int(r.id)]["actor"]})
            targets.update({x["id"]: x for x in names[int(r.id)]["target"]})
        first = reps[0] if reps else None
        items.append({
            "id": int(row.id), "type": row.type, "date": row.date or None, "country": row.country,
            "reports": int(row.reports),
            "modality": ", ".join(dict.fromkeys(r.modality for r in reps if r.modality)),
            "place": ", ".join(dict.fromkeys(r.place for r in reps if r.place)),
            "actors": list(actors.values()), "targets": list(targets.values()),
            "sources": sorted({r.publisher or r.url or r.article_id for r in reps}),
            "article_id": first.article_id if first else None,
            "event": first.local_id if first else None,
            "evidence": first.evidence if first else None,
        })
    return items, total


def sources(conn: Connection, limit: int = 200) -> list[str]:
    """Publishers of stored articles, by name (for the source filter's suggestions)."""
    a = s.articles
    rows = conn.execute(select(a.c.publisher).where(a.c.publisher.is_not(None))
                        .group_by(a.c.publisher).order_by(a.c.publisher).limit(limit)).scalars()
    return [r for r in rows if r]


# -- places -----------------------------------------------------------------


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


def map_points(conn: Connection, q: Query) -> dict[str, Any]:
    """Event reports counted by place (with coordinates) and by country, under the filters."""
    ev = s.events
    conds = _report_conditions(conn, q)
    base = select(ev.c.place_global_id, ev.c.place, ev.c.country, func.count().label("n"))
    if q.source:
        base = base.join(s.articles, s.articles.c.id == ev.c.article_id)
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


def recent_articles(conn: Connection, limit: int) -> list[dict[str, Any]]:
    a = s.articles
    rows = conn.execute(select(a.c.id, a.c.headline, a.c.published, a.c.publisher)
                        .order_by(a.c.published.desc(), a.c.id).limit(limit)).all()
    return [{"id": r.id, "headline": r.headline, "published": r.published or None,
             "publisher": r.publisher} for r in rows]


def date_range(conn: Connection) -> tuple[str, str]:
    ev = s.events
    low, high = conn.execute(select(func.min(ev.c.date), func.max(ev.c.date)).where(ev.c.date != "")).one()
    return (low or "")[:10], (high or "")[:10]


# -- network ----------------------------------------------------------------


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


def network(conn: Connection, q: Query, *, max_edges: int = 150, use_counts: bool = True) -> dict[str, Any]:
    """Who acts on whom: the strongest edges actor -> target, with counts of cooperative and
    conflictual reports and of each type.

    Without filters the counts kept by the store (``event_pairs``) are read; with
    ``use_counts=False``, or any filter, the reports are counted here.
    """
    ev, g = s.events, s.global_entities
    actor, target = s.event_actors.alias("na"), s.event_actors.alias("nt")
    conds = _report_conditions(conn, q)
    cooperative = {t for t, p in polarity().items() if p == "cooperation"}

    def joined(stmt: Select[Any]) -> Select[Any]:
        stmt = (stmt.select_from(ev)
                .join(actor, and_(actor.c.event_id == ev.c.id, actor.c.role == "actor"))
                .join(target, and_(target.c.event_id == ev.c.id, target.c.role == "target")))
        if q.source:
            stmt = stmt.join(s.articles, s.articles.c.id == ev.c.article_id)
        return stmt.where(actor.c.global_id != target.c.global_id, *conds)

    counts: dict[tuple[int, int], dict[str, int]] = {}
    if use_counts and not q.filtered():
        counts, total_edges = _pair_counts(conn, max_edges)
    else:
        # One row per report (actor, target, type), counted here: cheaper than a grouped sort
        # of every pair in the database, then the strongest pairs are kept.
        for a, t, etype in conn.execute(joined(select(
                actor.c.global_id, target.c.global_id, ev.c.type))).tuples().all():
            types = counts.setdefault((a, t), {})
            types[etype] = types.get(etype, 0) + 1
        total_edges = len(counts)
    totals = {pair: sum(types.values()) for pair, types in counts.items()}
    strongest = heapq.nsmallest(max_edges, totals, key=lambda pair: (-totals[pair], pair))
    kept: list[dict[str, Any]] = []
    for pair in strongest:
        types = counts[pair]
        coop = sum(k for name, k in types.items() if name in cooperative)
        kept.append({"source": int(pair[0]), "target": int(pair[1]), "n": totals[pair],
                     "cooperation": coop, "conflict": totals[pair] - coop,
                     "types": dict(sorted(types.items(), key=lambda kv: (-kv[1], kv[0])))})
    ids = {e["source"] for e in kept} | {e["target"] for e in kept}
    nodes: list[dict[str, Any]] = []
    if ids:
        for r in conn.execute(select(g.c.id, g.c.name, g.c.type, g.c.code).where(g.c.id.in_(sorted(ids)))):
            nodes.append({"id": int(r.id), "name": r.name, "type": r.type, "code": r.code})
    degree: dict[int, int] = {}
    for e in kept:
        degree[e["source"]] = degree.get(e["source"], 0) + e["n"]
        degree[e["target"]] = degree.get(e["target"], 0) + e["n"]
    for node in nodes:
        node["n"] = degree.get(node["id"], 0)
    nodes.sort(key=lambda x: (-x["n"], x["name"]))
    return {"nodes": nodes, "edges": kept, "total_edges": total_edges}


# -- entities ---------------------------------------------------------------


def entity_roles(conn: Connection, gid: int) -> list[dict[str, Any]]:
    """The roles an entity is given in articles, each with the article's date."""
    e, a = s.entities, s.articles
    out: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for data, published, article_id in conn.execute(
        select(e.c.data, a.c.published, a.c.id).join(a, a.c.id == e.c.article_id)
        .where(e.c.global_id == gid).order_by(a.c.published, a.c.id)
    ):
        for role in json.loads(data).get("roles") or []:
            key = (role.get("title"), role.get("org"), role.get("country"))
            if key in seen:
                continue
            seen.add(key)
            out.append({"title": role.get("title"), "org": role.get("org"),
                        "country": role.get("country"), "since": published or None,
                        "article_id": article_id})
    return out


def entity_sector(conn: Connection, gid: int) -> str | None:
    e = s.entities
    return conn.execute(select(e.c.sector).where(e.c.global_id == gid, e.c.sector.is_not(None))
                        .limit(1)).scalar_one_or_none()


def check_id(value: int) -> int:
    if not 0 < value <= 2**31 - 1:
        raise StoreError(f"[T535] {value} is not a valid id")
    return value
