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

**Folding within a story.** Reports of one event by different publishers
rarely share resolved actors, a date expression or a place granularity. So
once an event is clustered, its cluster is folded into another cluster of the
same story (the article's story, see ``tidings.store._stories``) when every
pair of their reports is compatible:

- the same PLOVER type and the same polarity (negated or not);
- compatible dates: equal within a day; or one coarser (a year, a month)
  containing the other; or, when either report gives no date of its own (the
  publication date stands in), within :data:`UNDATED_DAYS` days; an article
  without any date fits any date;
- compatible places: either unknown, the same place, or one containing the
  other by the gazetteer (a country contains its places, a first-order
  division its towns; continents and regions are too coarse to tell apart);
  places in different countries never fold;
- participants that agree where both are known: a shared actor when both
  name actors, a shared target when both name targets;
- and some sign that they tell of the same thing, not only no sign against
  it: a shared actor or target, or places known on both sides (and
  compatible), or at least :data:`SHARED_WORDS` words in common in their
  evidence (lower-case content words, compared by their first four letters,
  so that "released" meets "release"; names are the whole story's). A report of an article without any date
  folds only with a shared actor or target.

The older cluster keeps its id; every report keeps its row and evidence.
Folding is complete-link (every pair, not a chain of neighbours), so Chibok
and Nigeria fold, Nigeria and Lagos fold, but a Chibok cluster and a Lagos
cluster stay apart. A hand merge or split of stories folds the clusters of the
stories concerned again (:func:`recluster_articles`).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from tidings.store import _schema as s

logger = logging.getLogger(__name__)

_NEGATIVE = frozenset({"negated"})
# Reports whose date is the publication date (no date of their own) fold with dates this close.
UNDATED_DAYS = 2
# A story's clusters are compared with at most this many (the oldest first).
FOLD_CANDIDATES = 50
_COARSE = frozenset({"continent", "region"})
# Evidence words two reports share, at least, when neither a participant nor a place ties them.
SHARED_WORDS = 2
_EVIDENCE_WORD = re.compile(r"[^\W\d_][\w'’-]*")


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
    return fold(conn, cluster_id, event_id)


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


# -- folding within a story ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Where:
    """An event's place as the fold compares it."""

    gid: int
    geonameid: int
    kind: str  # a gazetteer kind, "" for a place the gazetteer does not tell
    country: str
    admin1: str


@dataclass(frozen=True, slots=True)
class _Report:
    id: int
    type: str
    negative: bool
    date: str
    undated: bool  # the date is the publication date (or none)
    where: _Where | None
    actors: frozenset[int]
    targets: frozenset[int]
    words: frozenset[str]


def _words(text: str | None) -> frozenset[str]:
    """The content words of an evidence text, by their first four letters.

    Capitalised words are left out: names mostly name what the whole story is
    about (its people, places, the scandal's name), not one event of it.
    """
    from tidings.stories._features import term

    found = set()
    for word in _EVIDENCE_WORD.findall(text or ""):
        if not word[0].islower():
            continue
        t = term(word)
        if t is not None and len(t) >= 4:
            found.add(t[:4])
    return frozenset(found)


_KINDS: dict[tuple[int, str, tuple[float, float] | None], tuple[str, str, str] | None] = {}


def _gazetteer_kind(geonameid: int, names: tuple[str, ...],
                    point: tuple[float, float] | None = None) -> tuple[str, str, str] | None:
    """(kind, country, admin1) of a place by the gazetteer, found by its names; None when unknown.

    A place with a GeoNames id is the gazetteer's place of that id; one without
    (most first-level divisions: "Borno", "Ontario") is the place of that name
    without an id at the entity's point, as the geocoder wrote it.
    """
    for name in names:
        key = (geonameid, name, None if geonameid else point)
        if key not in _KINDS:
            found = None
            try:
                from tidings.geo import load_gazetteer

                for place, _ in load_gazetteer().lookup(name):
                    if place.geonameid == geonameid if geonameid else (
                            not place.geonameid and point is not None
                            and (round(place.lat, 5), round(place.lon, 5)) == point):
                        found = (place.kind, place.country, place.admin1)
                        break
            except Exception:  # noqa: BLE001 - no gazetteer here: compare by country only
                logger.debug("no gazetteer to place %s", name, exc_info=True)
            if len(_KINDS) > 100_000:
                _KINDS.clear()
            _KINDS[key] = found
        if _KINDS[key] is not None:
            return _KINDS[key]
    return None


def _where(conn: Connection, gid: int | None, country: str | None) -> _Where | None:
    if gid is None:
        return _Where(0, 0, "", country, "") if country else None
    ge, e = s.global_entities, s.entities
    row = conn.execute(select(ge.c.type, ge.c.code, ge.c.country).where(ge.c.id == gid)).first()
    data = conn.execute(select(e.c.data).where(e.c.global_id == gid).limit(1)).scalar()
    entity = json.loads(data) if data else {}
    geo = entity.get("geo") if isinstance(entity.get("geo"), dict) else {}
    geonameid = int(geo.get("geonameid") or 0) if isinstance(geo.get("geonameid"), int) else 0
    code = (row.code if row is not None else None) or entity.get("code")
    home = (row.country if row is not None else None) or entity.get("country") or country or ""
    kind, admin1 = "", ""
    point = _point(geo)
    if geonameid or point is not None:
        names = tuple(n for n in (entity.get("name"), *(entity.get("aliases") or []),
                                  *(m.get("text") for m in entity.get("mentions") or () if isinstance(m, dict)))
                      if isinstance(n, str) and n)
        known = _gazetteer_kind(geonameid, tuple(dict.fromkeys(names)), point)
        if known is not None:
            kind, home, admin1 = known[0], known[1] or home, known[2]
    if not kind and code and code == home and (row is None or row.type == "GPE"):
        kind = "country"
    return _Where(gid, geonameid, kind, home or "", admin1)


def _point(geo: dict[str, Any]) -> tuple[float, float] | None:
    lat, lon = geo.get("lat"), geo.get("lon")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        return round(float(lat), 5), round(float(lon), 5)
    return None


def _days_apart(a: str, b: str) -> int | None:
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)
    except ValueError:
        return None


def _dates_fit(a: _Report, b: _Report) -> bool:
    if not a.date or not b.date:
        return True
    if len(a.date) < 10 or len(b.date) < 10:  # a year or a month: the finer one must lie in it
        short, other = sorted((a.date, b.date), key=len)
        return other.startswith(short)
    apart = _days_apart(a.date, b.date)
    if apart is None:
        return a.date == b.date
    return apart <= (UNDATED_DAYS if a.undated or b.undated else 1)


def _places_fit(a: _Where | None, b: _Where | None) -> bool:
    if a is None or b is None:
        return True
    if a.gid and a.gid == b.gid or a.geonameid and a.geonameid == b.geonameid:
        return True
    if a.country and b.country and a.country != b.country:
        return False
    if a.kind in _COARSE or b.kind in _COARSE:
        return True
    for outer, inner in ((a, b), (b, a)):
        if outer.kind == "country" and outer.country and outer.country == inner.country:
            return True
        if not outer.gid and not outer.kind and outer.country == inner.country:
            return True  # only a country is known of this report's place
        if (outer.kind == "admin1" and outer.admin1 and outer.admin1 == inner.admin1
                and outer.country == inner.country and inner.kind not in {"country", "admin1"}):
            return True
    return False


def _fits(a: _Report, b: _Report) -> bool:
    """Whether two reports may tell of the same event (see the module docstring)."""
    if a.type != b.type or a.negative != b.negative:
        return False
    if a.actors and b.actors and not a.actors & b.actors:
        return False
    if a.targets and b.targets and not a.targets & b.targets:
        return False
    if not (_dates_fit(a, b) and _places_fit(a.where, b.where)):
        return False
    shared = bool(a.actors & b.actors or a.targets & b.targets)
    if not a.date or not b.date:
        return shared
    return (shared or a.where is not None and b.where is not None
            or len(a.words & b.words) >= SHARED_WORDS)


def _reports(conn: Connection, cluster_ids: list[int]) -> dict[int, list[_Report]]:
    ev, ea = s.events, s.event_actors
    rows = conn.execute(select(ev.c.id, ev.c.cluster_id, ev.c.type, ev.c.modality, ev.c.date, ev.c.date_from,
                               ev.c.place_global_id, ev.c.country, ev.c.evidence)
                        .where(ev.c.cluster_id.in_(cluster_ids))).all()
    roles: dict[int, tuple[set[int], set[int]]] = {int(r.id): (set(), set()) for r in rows}
    for chunk in _chunks(sorted(roles)):
        for event_id, role, gid in conn.execute(
                select(ea.c.event_id, ea.c.role, ea.c.global_id).where(ea.c.event_id.in_(chunk))).all():
            roles[int(event_id)][0 if role == "actor" else 1].add(int(gid))
    places: dict[tuple[int | None, str | None], _Where | None] = {}
    out: dict[int, list[_Report]] = {c: [] for c in cluster_ids}
    for r in rows:
        spot = (r.place_global_id, r.country)
        if spot not in places:
            places[spot] = _where(conn, r.place_global_id, r.country)
        actors, targets = roles[int(r.id)]
        out[int(r.cluster_id)].append(_Report(
            id=int(r.id), type=r.type, negative=r.modality in _NEGATIVE,
            date="" if r.date_from == "unknown" else r.date, undated=r.date_from != "event",
            where=places[spot], actors=frozenset(actors), targets=frozenset(targets), words=_words(r.evidence)))
    return out


def _story_clusters(conn: Connection, event_id: int, cluster_id: int) -> list[int]:
    """The other clusters of the event's type with a report in the event's story, at compatible dates."""
    ev, sa = s.events, s.story_articles
    row = conn.execute(select(ev.c.article_id, ev.c.type, ev.c.date, ev.c.date_from)
                       .where(ev.c.id == event_id)).first()
    if row is None:
        return []
    story = conn.execute(select(sa.c.story).where(sa.c.article == row.article_id)).scalar()
    if story is None:
        return []
    stmt = (select(ev.c.cluster_id).distinct()
            .where(ev.c.type == row.type, ev.c.cluster_id.is_not(None), ev.c.cluster_id != cluster_id,
                   ev.c.article_id.in_(select(sa.c.article).where(sa.c.story == story))))
    day = row.date if row.date_from != "unknown" else ""
    if len(day) >= 10 and _day_window(day, UNDATED_DAYS) is not None:
        first, last = _day_window(day, UNDATED_DAYS)  # type: ignore[misc]
        # Full dates near it, and the year and month it lies in.
        stmt = stmt.where(or_(ev.c.date.between(first, last), ev.c.date.in_([day[:4], day[:7]]),
                              ev.c.date_from == "unknown"))
    elif day:
        stmt = stmt.where(or_(ev.c.date.like(f"{day}%"), ev.c.date.in_([day[:4]]), ev.c.date_from == "unknown"))
    return sorted(int(c) for c in conn.execute(stmt.limit(FOLD_CANDIDATES)).scalars())


def fold(conn: Connection, cluster_id: int, event_id: int) -> int:
    """Fold the event's cluster with the compatible clusters of its story; return the cluster it ends in."""
    others = _story_clusters(conn, event_id, cluster_id)
    if not others:
        return cluster_id
    reports = _reports(conn, [cluster_id, *others])
    ev = s.events
    for other in others:
        mine = reports[cluster_id]
        if not reports[other] or not all(_fits(a, b) for a in mine for b in reports[other]):
            continue
        keep, gone = min(cluster_id, other), max(cluster_id, other)
        conn.execute(update(ev).where(ev.c.cluster_id == gone).values(cluster_id=keep))
        reports[keep] = reports[cluster_id] + reports[other]
        cluster_id = keep
        refresh(conn, {keep, gone})
    return cluster_id


def recluster_articles(conn: Connection, article_ids: Iterable[str]) -> int:
    """Cluster the events of these articles again (with every report of their clusters); after a story change.

    Returns:
        The number of events assigned again.
    """
    ev = s.events
    ids = sorted(set(article_ids))
    clusters: set[int] = set()
    for chunk in _chunks(ids):  # type: ignore[arg-type]
        clusters |= {int(c) for c in conn.execute(
            select(ev.c.cluster_id).where(ev.c.article_id.in_(chunk), ev.c.cluster_id.is_not(None)).distinct()
        ).scalars()}
    todo: set[int] = set()
    for chunk in _chunks(ids):  # type: ignore[arg-type]
        todo |= {int(i) for i in conn.execute(select(ev.c.id).where(ev.c.article_id.in_(chunk))).scalars()}
    for chunk in _chunks(sorted(clusters)):
        todo |= {int(i) for i in conn.execute(select(ev.c.id).where(ev.c.cluster_id.in_(chunk))).scalars()}
    for chunk in _chunks(sorted(todo)):
        conn.execute(update(ev).where(ev.c.id.in_(chunk)).values(cluster_id=None))
    for chunk in _chunks(sorted(clusters)):
        conn.execute(delete(s.event_clusters).where(s.event_clusters.c.id.in_(chunk)))
    for event_id in sorted(todo):
        assign(conn, event_id)
    return len(todo)
