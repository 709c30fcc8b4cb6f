"""Event clustering: reports of one real-world event fold into one cluster.

A new event report joins an existing cluster when all of these hold:

- the same PLOVER type;
- dates within a day of each other (the event's own date, else the article's
  publication date);
- at least one global actor in common, and at least one target in common
  (or neither has a target);
- a compatible place: either is unknown, or they are the same place, or both
  lie in the same country;
- compatible modality: a negated report never joins an affirmed one.

Among several candidates the one sharing the most actors and targets wins
(then the oldest). A cluster counts its reports as the distinct articles that
tell of it; a list of every event row is kept through ``events.cluster_id``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from tidings.store import _schema as s

logger = logging.getLogger(__name__)

_NEGATIVE = frozenset({"negated"})


def _day_window(day: str, days: int = 1) -> tuple[str, str] | None:
    try:
        d = date.fromisoformat(day[:10])
    except ValueError:
        return None
    if len(day) < 10:
        return None
    # A day at the calendar's edge (0001-01-01, 9999-12-31) has its window cut there.
    first = d - timedelta(days=days) if d.toordinal() > days else date.min
    last = d + timedelta(days=days) if date.max.toordinal() - d.toordinal() >= days else date.max
    return first.isoformat(), last.isoformat()


def _roles(conn: Connection, *, event_ids: list[int]) -> tuple[set[int], set[int]]:
    ea = s.event_actors
    actors: set[int] = set()
    targets: set[int] = set()
    for role, gid in conn.execute(select(ea.c.role, ea.c.global_id).where(ea.c.event_id.in_(event_ids))):
        (actors if role == "actor" else targets).add(int(gid))
    return actors, targets


def _place_ok(a_gid: int | None, a_country: str | None, b_gid: int | None, b_country: str | None) -> bool:
    if a_gid is None and a_country is None or b_gid is None and b_country is None:
        return True
    if a_gid is not None and a_gid == b_gid:
        return True
    return a_country is not None and a_country == b_country


def assign(conn: Connection, event_id: int) -> int:
    """Put one stored event into a cluster (an existing one or a new one) and return its id."""
    ev = s.events
    row = conn.execute(
        select(ev.c.type, ev.c.date, ev.c.place_global_id, ev.c.country, ev.c.modality)
        .where(ev.c.id == event_id)
    ).one()
    actors, targets = _roles(conn, event_ids=[event_id])
    window = _day_window(row.date)
    best: tuple[int, int] | None = None
    if window is not None and actors:
        for cluster in _candidates(conn, row, actors, window):
            score = _join_score(conn, row, cluster, actors, targets)
            if score is not None and (best is None or score > best[1]):
                best = (cluster, score)
    if best is None:
        result = conn.execute(
            insert(s.event_clusters).values(
                type=row.type, date=row.date, place_global_id=row.place_global_id,
                country=row.country, reports=0,
            )
        )
        cluster_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    else:
        cluster_id = best[0]
    conn.execute(update(ev).where(ev.c.id == event_id).values(cluster_id=cluster_id))
    refresh(conn, {cluster_id})
    return cluster_id


def _candidates(conn: Connection, row: Any, actors: set[int], window: tuple[str, str]) -> list[int]:
    """The ids of the clusters of the event's type and days where one of its actors reports, oldest first.

    ``row`` is the event's row (``type``, ``date``, ``place_global_id``, ``country``, ``modality``).
    """
    ev, c, ea = s.events, s.event_clusters, s.event_actors
    # Only clusters with a report by one of these actors can be joined: found
    # through the actors' index, not by trying every cluster of the type
    # that day (a busy news day has thousands). A member lies within a day
    # of its cluster's date, so within two days of this event.
    wide = _day_window(row.date, 2) or window
    sharing = (
        select(ev.c.cluster_id).join(ea, ea.c.event_id == ev.c.id)
        .where(ea.c.global_id.in_(sorted(actors)), ea.c.role == "actor",
               ea.c.date >= wide[0], ea.c.date <= wide[1], ev.c.cluster_id.is_not(None))
    )
    found = conn.execute(
        select(c.c.id, c.c.place_global_id, c.c.country)
        .where(c.c.type == row.type, c.c.date >= window[0], c.c.date <= window[1],
               c.c.id.in_(sharing))
        .order_by(c.c.id)
    ).all()
    return [int(cand.id) for cand in found]


def _join_score(conn: Connection, row: Any, cluster_id: int, actors: set[int],
                targets: set[int]) -> int | None:
    """How well the event fits the cluster (shared actors and targets), or None when it may not join."""
    ev = s.events
    members = conn.execute(
        select(ev.c.id, ev.c.modality, ev.c.place_global_id, ev.c.country)
        .where(ev.c.cluster_id == cluster_id)
    ).all()
    if not members:
        return None
    negs = {(m.modality in _NEGATIVE) for m in members}
    if negs != {row.modality in _NEGATIVE}:
        return None
    if not all(_place_ok(row.place_global_id, row.country, m.place_global_id, m.country)
               for m in members):
        return None
    c_actors, c_targets = _roles(conn, event_ids=[m.id for m in members])
    shared_actors = len(actors & c_actors)
    if not shared_actors:
        return None
    shared_targets = len(targets & c_targets)
    if (targets or c_targets) and not shared_targets:
        return None
    return shared_actors + shared_targets


def refresh(conn: Connection, cluster_ids: Iterable[int]) -> None:
    """Recount clusters' reports; drop clusters left without any."""
    ev = s.events
    c = s.event_clusters
    for cid in cluster_ids:
        n = conn.execute(
            select(func.count(func.distinct(ev.c.article_id))).where(ev.c.cluster_id == cid)
        ).scalar_one()
        if n:
            conn.execute(update(c).where(c.c.id == cid).values(reports=n))
        else:
            conn.execute(delete(c).where(c.c.id == cid))


def recluster(conn: Connection, entities: Iterable[int] | None = None) -> int:
    """Rebuild clusters from the stored events (after a merge or split).

    Args:
        conn: an open transaction.
        entities: rebuild only around these global entities: the events that
            name them as actor, target or place, with every other report of
            the clusters those events are in, are taken out and assigned again
            (each may join any cluster). ``None`` rebuilds every cluster, which
            on a large store takes long.

    Returns:
        The number of events assigned again.
    """
    ev = s.events
    if entities is None:
        conn.execute(update(ev).values(cluster_id=None))
        conn.execute(delete(s.event_clusters))
        todo = [int(i) for i in conn.execute(select(ev.c.id).order_by(ev.c.id)).scalars()]
    else:
        ids = sorted({int(g) for g in entities})
        ea = s.event_actors
        touched = select(ea.c.event_id).where(ea.c.global_id.in_(ids)).union(
            select(ev.c.id).where(ev.c.place_global_id.in_(ids)))
        clusters = {int(c) for c in conn.execute(
            select(ev.c.cluster_id).where(ev.c.id.in_(touched), ev.c.cluster_id.is_not(None)).distinct()
        ).scalars()}
        todo = sorted({int(i) for i in conn.execute(select(ev.c.id).where(ev.c.id.in_(touched))).scalars()}
                      | {int(i) for c in _chunks(sorted(clusters)) for i in conn.execute(
                          select(ev.c.id).where(ev.c.cluster_id.in_(c))).scalars()})
        for chunk in _chunks(todo):
            conn.execute(update(ev).where(ev.c.id.in_(chunk)).values(cluster_id=None))
        for chunk in _chunks(sorted(clusters)):
            conn.execute(delete(s.event_clusters).where(s.event_clusters.c.id.in_(chunk)))
    for event_id in todo:
        assign(conn, event_id)
    return len(todo)


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]
