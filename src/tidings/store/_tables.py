"""Tables of events for the web explorer: filtered, sorted by any column, paged by offset.

Unlike the keyset lists of :mod:`._query`, these tables are sorted by any
column and jump to any page, and say how many rows match. The first pages of
a filter are cheap because every filter column is indexed or narrows an
indexed scan. Every value reaches the database as a bound parameter.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Select, func, select

from tidings.errors import QueryError
from tidings.store import _schema as s
from tidings.store._query import EventFilter, cluster_conditions, event_conditions

# The most rows one call of a table gives (an export of the explorer's selection).
TABLE_MAX = 10_000

_REPORT_SORT: dict[str, Callable[[], Any]] = {
    "date": lambda: s.events.c.date, "type": lambda: s.events.c.type,
    "modality": lambda: s.events.c.modality, "place": lambda: s.events.c.place,
    "country": lambda: s.events.c.country, "source": lambda: s.articles.c.publisher,
}
_CLUSTER_SORT: dict[str, Callable[[], Any]] = {
    "date": lambda: s.event_clusters.c.date, "type": lambda: s.event_clusters.c.type,
    "country": lambda: s.event_clusters.c.country, "source": lambda: s.event_clusters.c.reports,
}
REPORT_SORTS = tuple(_REPORT_SORT)
# "source" sorts events by their number of reports (of sources telling of them).
CLUSTER_SORTS = tuple(_CLUSTER_SORT)


def _window(sort: str, sorts: tuple[str, ...], limit: int, offset: int) -> None:
    if sort not in sorts:
        raise QueryError(f"[T536] the sort key {sort!r} is not known; use one of {', '.join(sorts)}")
    if not 1 <= limit <= TABLE_MAX:
        raise QueryError(f"[T531] limit {limit} is out of range; expected 1 to {TABLE_MAX}")
    if offset < 0:
        raise QueryError(f"[T537] offset {offset} is out of range; expected 0 or more")


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


def reports_table(conn: Connection, flt: EventFilter, *, sort: str = "date", desc: bool = False,
                  limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """One page of event reports and the number matching the filter."""
    _window(sort, REPORT_SORTS, limit, offset)
    ev, a = s.events, s.articles
    conds = event_conditions(conn, flt)
    base = select(ev.c.id).select_from(ev)
    total = int(conn.execute(select(func.count()).select_from(base.where(*conds).subquery())).scalar_one())
    # The page's ids first, from events alone (articles only when the sort or a filter needs
    # them), then the rows of those ids: the sort never drags the wide columns along.
    page_ids = _ordered(base.where(*conds), _REPORT_SORT[sort](), ev.c.id, desc)
    if sort == "source":
        page_ids = page_ids.join(a, a.c.id == ev.c.article_id)
    ids = [int(i) for i in conn.execute(page_ids.limit(limit).offset(offset)).scalars()]
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


def _cluster_reports(conn: Connection, ids: list[int]) -> dict[int, list[Any]]:
    ev, a = s.events, s.articles
    reports: dict[int, list[Any]] = {i: [] for i in ids}
    if ids:
        for r in conn.execute(
            select(ev.c.id, ev.c.cluster_id, ev.c.article_id, ev.c.local_id, ev.c.modality,
                   ev.c.place, ev.c.evidence, a.c.publisher, a.c.url)
            .join(a, a.c.id == ev.c.article_id).where(ev.c.cluster_id.in_(ids))
            .order_by(ev.c.cluster_id, ev.c.id)
        ):
            reports[int(r.cluster_id)].append(r)
    return reports


def _cluster_row(row: Any, reps: list[Any], names: dict[int, dict[str, list[dict[str, Any]]]]
                 ) -> dict[str, Any]:
    actors: dict[int, dict[str, Any]] = {}
    targets: dict[int, dict[str, Any]] = {}
    for r in reps:
        actors.update({x["id"]: x for x in names[int(r.id)]["actor"]})
        targets.update({x["id"]: x for x in names[int(r.id)]["target"]})
    first = reps[0] if reps else None
    return {
        "id": int(row.id), "type": row.type, "date": row.date or None, "country": row.country,
        "reports": int(row.reports),
        "modality": ", ".join(dict.fromkeys(r.modality for r in reps if r.modality)),
        "place": ", ".join(dict.fromkeys(r.place for r in reps if r.place)),
        "actors": list(actors.values()), "targets": list(targets.values()),
        "sources": sorted({r.publisher or r.url or r.article_id for r in reps}),
        "article_id": first.article_id if first else None,
        "event": first.local_id if first else None,
        "evidence": first.evidence if first else None,
    }


def clusters_table(conn: Connection, flt: EventFilter, *, sort: str = "date", desc: bool = False,
                   limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """One page of event clusters (real-world events) and the number matching the filter."""
    _window(sort, CLUSTER_SORTS, limit, offset)
    c = s.event_clusters
    conds = cluster_conditions(conn, flt)
    total = int(conn.execute(select(func.count()).select_from(c).where(*conds)).scalar_one())
    stmt = _ordered(select(c).where(*conds), _CLUSTER_SORT[sort](), c.c.id, desc)
    rows = conn.execute(stmt.limit(limit).offset(offset)).all()
    reports = _cluster_reports(conn, [int(r.id) for r in rows])
    names = _names_of(conn, [int(r.id) for rs in reports.values() for r in rs])
    return [_cluster_row(row, reports[int(row.id)], names) for row in rows], total


def publishers(conn: Connection, limit: int = 200) -> list[str]:
    """Publishers of stored articles, by name."""
    a = s.articles
    rows = conn.execute(select(a.c.publisher).where(a.c.publisher.is_not(None))
                        .group_by(a.c.publisher).order_by(a.c.publisher).limit(limit)).scalars()
    return [r for r in rows if r]


def recent_articles(conn: Connection, limit: int) -> list[dict[str, Any]]:
    """The latest articles by publication date (id, headline, published, publisher)."""
    a = s.articles
    rows = conn.execute(select(a.c.id, a.c.headline, a.c.published, a.c.publisher)
                        .order_by(a.c.published.desc(), a.c.id).limit(limit)).all()
    return [{"id": r.id, "headline": r.headline, "published": r.published or None,
             "publisher": r.publisher} for r in rows]


def date_range(conn: Connection) -> tuple[str, str]:
    """The first and last day of the dated event reports (``""`` when none)."""
    ev = s.events
    low, high = conn.execute(select(func.min(ev.c.date), func.max(ev.c.date)).where(ev.c.date != "")).one()
    return (low or "")[:10], (high or "")[:10]


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
    """The sector an article gives the entity (the first one found), if any."""
    e = s.entities
    found: str | None = conn.execute(select(e.c.sector).where(e.c.global_id == gid, e.c.sector.is_not(None))
                                     .limit(1)).scalar_one_or_none()
    return found


def article_entity_ids(conn: Connection, article_id: str) -> dict[str, int]:
    """An article's local entity ids (``E1``...) and the global entity each is linked to."""
    e = s.entities
    return {str(lid): int(gid) for lid, gid in conn.execute(
        select(e.c.local_id, e.c.global_id).where(e.c.article_id == article_id))}
