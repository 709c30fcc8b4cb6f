"""Read queries over the store: events, clusters, entities, quotes, search.

Lists are paged by keyset: a page carries an opaque cursor that names the last
row's sort key, so the next page is one index range scan however deep it is.
Every value reaches the database as a bound parameter.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from sqlalchemy import (
    Connection,
    Select,
    and_,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    tuple_,
)

from tidings.errors import NotFound, QueryError
from tidings.store import _schema as s
from tidings.store._resolve import name_words, normalise_name
from tidings.store._write import date_of

MAX_LIMIT = 1000
# Ids are 32-bit on every backend (PostgreSQL INTEGER).
MAX_ID = 2**31 - 1

# Event modes that put an actor somewhere: the itinerary is read from them.
TRAVEL_MODES = frozenset({"visit", "arrive", "travel", "trip"})
_NOT_HAPPENING = frozenset({"negated", "hypothetical"})
# Entity types of places finer than a town: folded into the day's town in an itinerary.
_SITE_TYPES = frozenset({"FAC", "LOC"})


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list and the cursor of the next page (``None`` at the end)."""

    items: list[dict[str, Any]]
    next_cursor: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"items": self.items, "next_cursor": self.next_cursor}


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Filters of an event query; each given one must hold.

    The one filter type of every event query: the CLI, the API and the web
    pages all build one. ``actor``, ``target``, ``entity`` (either role) and
    ``place`` name entities as :func:`entity_ids` reads them; ``since`` and
    ``until`` are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (``until`` takes the
    whole day); ``source`` is a publisher, an article id or its URL;
    ``story`` a story id (the reports of that story's articles).
    """

    actor: str | None = None
    target: str | None = None
    entity: str | None = None
    type: str | None = None
    modality: str | None = None
    since: str | None = None
    until: str | None = None
    place: str | None = None
    country: str | None = None
    article: str | None = None
    cluster: int | None = None
    source: str | None = None
    story: int | None = None
    min_confidence: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    TEXTS: ClassVar[tuple[str, ...]] = ("actor", "target", "entity", "type", "modality", "since",
                                        "until", "place", "country", "article", "source")

    def empty(self) -> bool:
        """Whether no filter is given (every event matches)."""
        return (self.cluster is None and self.story is None and not self.min_confidence
                and not any(getattr(self, name) for name in self.TEXTS))

    def check(self) -> None:
        """Refuse NUL characters in any text of the filter (``[T534]``)."""
        check_text(*(getattr(self, name) for name in self.TEXTS))


def encode_cursor(key: Sequence[Any]) -> str:
    raw = json.dumps(list(key), separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    try:
        pad = "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(cursor + pad))
    except (ValueError, TypeError) as exc:
        raise QueryError(f"[T530] the cursor {cursor[:40]!r} is not valid; use next_cursor as given") from exc
    if not isinstance(key, list) or len(key) != arity or not all(
        (isinstance(k, str) and "\x00" not in k)
        or (isinstance(k, int) and not isinstance(k, bool) and 0 <= k <= MAX_ID)
        for k in key
    ):
        raise QueryError(f"[T530] the cursor {cursor[:40]!r} is not valid; use next_cursor as given")
    return key


def check_text(*values: str | None) -> None:
    """Refuse NUL characters in query text: PostgreSQL cannot take them as parameters."""
    for value in values:
        if value is not None and "\x00" in value:
            raise QueryError("[T534] the query contains a NUL character; remove it")


def _limit(limit: int) -> int:
    if limit < 1 or limit > MAX_LIMIT:
        raise QueryError(f"[T531] limit {limit} is out of range; expected 1 to {MAX_LIMIT}")
    return limit


def _check_date(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    found = date_of(value)
    if found is None:
        raise QueryError(f"[T532] --{name} {value!r} is not a date; expected YYYY-MM-DD")
    return found


_ID = re.compile(r"^[Gg]?(\d{1,18})$")


def entity_ids(conn: Connection, ref: str) -> list[int]:
    """Global entity ids a user's reference names: an id (``12``, ``G12``) or a name.

    A name matches an entity whose name, or one of whose per-article names,
    equals it or contains it as whole words ("Stoltenberg" finds "Jens
    Stoltenberg"). Exact matches win over partial ones.
    """
    check_text(ref)
    m = _ID.match(ref.strip())
    if m:
        gid = int(m.group(1))
        return [gid] if gid <= MAX_ID else []
    norm = normalise_name(ref)
    if not norm:
        return []
    g, e = s.global_entities, s.entities
    exact = set(conn.execute(select(g.c.id).where(g.c.name_norm == norm)).scalars())
    exact |= set(conn.execute(select(e.c.global_id).where(e.c.name_norm == norm)).scalars())
    if exact:
        return sorted(int(x) for x in exact)
    words = norm.split(" ")
    indexed = name_words(norm)
    if indexed and len(indexed) == len(set(words)):
        # The word index: the entities with the longest of the words in one of
        # their names, kept when the name holds all the words in order.
        w = s.entity_words
        probe = max(indexed, key=lambda word: (len(word), word))
        padded = f" {norm} "
        rows = conn.execute(select(w.c.global_id, w.c.name).where(w.c.word == probe)).tuples()
        return sorted({int(gid) for gid, name in rows if padded in f" {name} "})
    # A word too long for the index: look through the names.
    esc = norm.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

    def contains(col: Any) -> Any:
        return or_(col.like(f"{esc} %", escape="\\"), col.like(f"% {esc}", escape="\\"),
                   col.like(f"% {esc} %", escape="\\"))

    found = set(conn.execute(select(g.c.id).where(contains(g.c.name_norm))).scalars())
    found |= set(conn.execute(select(e.c.global_id).where(contains(e.c.name_norm))).scalars())
    return sorted(int(x) for x in found)


def source_cond(source: str, a: Any = None) -> Any:
    """Articles from a source: its publisher, an article id or an article URL (on ``a``, an alias)."""
    a = s.articles if a is None else a
    return or_(a.c.publisher == source, a.c.id == source, a.c.url == source)


def _names(conn: Connection, ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    g = s.global_entities
    rows = conn.execute(select(g.c.id, g.c.name, g.c.type, g.c.code).where(g.c.id.in_(ids))).all()
    return {int(r.id): {"id": int(r.id), "name": r.name, "type": r.type, "code": r.code} for r in rows}


def event_rows(conn: Connection, rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Turn event rows (joined with their article) into output dicts."""
    ids = [int(r.id) for r in rows]
    roles: dict[int, dict[str, list[int]]] = {i: {"actor": [], "target": []} for i in ids}
    names: dict[int, dict[str, Any]] = {}
    if ids:
        # Roles and their entities' names in one round trip.
        ea, g = s.event_actors, s.global_entities
        for eid, role, gid, name, etype, code in conn.execute(
            select(ea.c.event_id, ea.c.role, ea.c.global_id, g.c.name, g.c.type, g.c.code)
            .join(g, g.c.id == ea.c.global_id)
            .where(ea.c.event_id.in_(ids))
            .order_by(ea.c.event_id, ea.c.role, ea.c.global_id)
        ):
            roles[int(eid)][role].append(int(gid))
            names[int(gid)] = {"id": int(gid), "name": name, "type": etype, "code": code}
    stories = _story_of(conn, {r.article_id for r in rows})
    out = []
    for r in rows:
        data = json.loads(r.data)
        out.append({
            "id": int(r.id), "cluster": r.cluster_id, "story": stories.get(r.article_id), "article_id": r.article_id,
            "local_id": r.local_id, "type": r.type, "mode": r.mode, "context": r.context,
            "modality": r.modality, "date": r.date or None, "date_from": r.date_from,
            "actors": [names[g] for g in roles[int(r.id)]["actor"] if g in names],
            "targets": [names[g] for g in roles[int(r.id)]["target"] if g in names],
            "place": r.place, "place_id": r.place_global_id, "country": r.country,
            "cameo": r.cameo, "source_id": r.source_global_id,
            "trigger": data.get("trigger"),
            "evidence": {"start": r.evidence_start, "end": r.evidence_end, "text": r.evidence},
            "url": r.url, "headline": r.headline, "publisher": r.publisher,
            "published": r.published or None,
        })
    return out


def _event_select() -> Select[Any]:
    ev, a = s.events, s.articles
    return select(ev, a.c.url, a.c.headline, a.c.publisher, a.c.published).join(
        a, a.c.id == ev.c.article_id
    )


def _entity_cond(conn: Connection, ref: str, role: str | None) -> Any:
    """The events an entity takes part in (in a role): one range of the entity index."""
    ea = s.event_actors.alias()
    cond: list[Any] = [ea.c.global_id.in_(entity_ids(conn, ref) or [-1])]
    if role is not None:
        cond.append(ea.c.role == role)
    return s.events.c.id.in_(select(ea.c.event_id).where(*cond))


def event_conditions(conn: Connection, flt: EventFilter, *, dates: bool = True) -> list[Any]:
    """WHERE conditions on ``events`` for a filter: the one reading of every filter.

    Every list of event reports (pages, tables, maps, exports) and, through
    :func:`cluster_conditions`, of clusters applies these; the conditions
    name ``events`` alone (a source is a subquery of ``articles``).

    Args:
        dates: apply ``since`` and ``until`` (a list of clusters dates the clusters).
    """
    flt.check()
    ev = s.events
    conds: list[Any] = []
    for role, ref in (("actor", flt.actor), ("target", flt.target), (None, flt.entity)):
        if ref:
            conds.append(_entity_cond(conn, ref, role))
    if flt.type:
        conds.append(ev.c.type == flt.type.upper())
    if flt.modality:
        conds.append(ev.c.modality == flt.modality.lower())
    if flt.min_confidence:
        conds.append(ev.c.confidence >= flt.min_confidence)
    since, until = _check_date(flt.since, "since"), _check_date(flt.until, "until")
    if dates and since:
        conds.append(ev.c.date >= since)
    if dates and until:
        # A date-only bound includes the whole day (and coarser dates in it).
        conds.append(ev.c.date <= until + "\uffff")
    if flt.place:
        ids = entity_ids(conn, flt.place)
        conds.append(or_(ev.c.place_global_id.in_(ids or [-1]),
                         func.lower(ev.c.place) == normalise_name(flt.place)))
    if flt.country:
        conds.append(ev.c.country == flt.country.upper())
    if flt.article:
        conds.append(ev.c.article_id == flt.article)
    if flt.source:
        # An alias: the subquery never correlates with an ``articles`` the query joins.
        a = s.articles.alias("by_source")
        conds.append(ev.c.article_id.in_(select(a.c.id).where(source_cond(flt.source, a))))
    if flt.cluster is not None:
        conds.append(ev.c.cluster_id == flt.cluster)
    if flt.story is not None:
        sa = s.story_articles
        # An id no story can have matches nothing (and never reaches PostgreSQL's INTEGER).
        in_story = sa.c.story == flt.story if 0 <= flt.story <= MAX_ID else false()
        conds.append(ev.c.article_id.in_(select(sa.c.article).where(in_story)))
    return conds


def cluster_conditions(conn: Connection, flt: EventFilter) -> list[Any]:
    """WHERE conditions on ``event_clusters`` for a filter.

    A cluster is filtered by its own type, date and country, and by its
    reports for every other filter (:func:`event_conditions` without dates):
    it is kept when one of its reports matches them all.
    """
    flt.check()
    c, ev = s.event_clusters, s.events
    conds: list[Any] = []
    if flt.type:
        conds.append(c.c.type == flt.type.upper())
    since, until = _check_date(flt.since, "since"), _check_date(flt.until, "until")
    if since:
        conds.append(c.c.date >= since)
    if until:
        conds.append(c.c.date <= until + "\uffff")
    if flt.country:
        conds.append(c.c.country == flt.country.upper())
    if flt.cluster is not None:
        conds.append(c.c.id == flt.cluster)
    # The rest of the filter, read from the reports.
    of_reports = replace(flt, type=None, since=None, until=None, country=None, cluster=None)
    member = event_conditions(conn, of_reports, dates=False)
    if member:
        conds.append(select(ev.c.cluster_id).where(ev.c.cluster_id == c.c.id, *member).exists())
    return conds


def events(conn: Connection, flt: EventFilter, *, limit: int = 50, cursor: str | None = None) -> Page:
    """Event reports matching the filter, in date order."""
    limit = _limit(limit)
    flt.check()
    ev, ea = s.events, s.event_actors
    stmt = _event_select()
    # With an entity in the filter, the query is driven by that entity's rows of
    # event_actors, which its index keeps in date order: a rare actor among a
    # million events is one short index range, not a scan of the date index.
    # The other filters are the shared conditions.
    sort_date, sort_id = ev.c.date, ev.c.id
    rest = flt
    driver = next(((name, role) for name, role in (("actor", "actor"), ("target", "target"),
                                                     ("entity", None)) if getattr(flt, name)), None)
    if driver is not None:
        name, role = driver
        cond = [ea.c.event_id == ev.c.id, ea.c.global_id.in_(entity_ids(conn, getattr(flt, name)) or [-1])]
        if role is not None:
            cond.append(ea.c.role == role)
        stmt = stmt.join(ea, and_(*cond))
        sort_date, sort_id = ea.c.date, ea.c.event_id
        rest = replace(flt, **{name: None})
    stmt = stmt.where(*event_conditions(conn, rest))
    if cursor:
        day, last = decode_cursor(cursor, 2)
        stmt = stmt.where(tuple_(sort_date, sort_id) > tuple_(literal(str(day)), literal(int(last))))
    rows = conn.execute(stmt.order_by(sort_date, sort_id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor([rows[-1].date, int(rows[-1].id)]) if more and rows else None
    # An event naming two of the matched entities in one role comes once.
    unique: dict[int, Any] = {}
    for r in rows:
        unique.setdefault(int(r.id), r)
    return Page(event_rows(conn, list(unique.values())), nxt)


def clusters(conn: Connection, flt: EventFilter, *, limit: int = 50, cursor: str | None = None,
             min_reports: int = 1) -> Page:
    """Event clusters (real-world events) whose reports match the filter, in date order."""
    limit = _limit(limit)
    flt.check()
    if flt.cluster is not None and not 0 <= flt.cluster <= MAX_ID:
        return Page([])
    c = s.event_clusters
    stmt = select(c).where(c.c.reports >= min_reports, *cluster_conditions(conn, flt))
    if cursor:
        day, last = decode_cursor(cursor, 2)
        stmt = stmt.where(tuple_(c.c.date, c.c.id) > tuple_(literal(str(day)), literal(int(last))))
    rows = conn.execute(stmt.order_by(c.c.date, c.c.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [cluster_dict(conn, r) for r in rows]
    nxt = encode_cursor([rows[-1].date, int(rows[-1].id)]) if more and rows else None
    return Page(items, nxt)


def cluster_dict(conn: Connection, row: Any) -> dict[str, Any]:
    """A cluster with every report and its source."""
    ev = s.events
    reports = event_rows(conn, conn.execute(
        _event_select().where(ev.c.cluster_id == row.id).order_by(ev.c.date, ev.c.id)
    ).all())
    actors: dict[int, dict[str, Any]] = {}
    targets: dict[int, dict[str, Any]] = {}
    modalities: list[str] = []
    places: list[str] = []
    for rep in reports:
        actors.update({a["id"]: a for a in rep["actors"]})
        targets.update({t["id"]: t for t in rep["targets"]})
        if rep["modality"] and rep["modality"] not in modalities:
            modalities.append(rep["modality"])
        if rep["place"] and rep["place"] not in places:
            places.append(rep["place"])
    return {
        "id": int(row.id), "type": row.type, "date": row.date or None, "country": row.country,
        "places": places, "modalities": modalities, "actors": list(actors.values()),
        "targets": list(targets.values()), "reports": int(row.reports),
        "events": len(reports),
        "sources": sorted({r["publisher"] or r["url"] or r["article_id"] for r in reports}),
        "items": reports,
    }


def entities(conn: Connection, *, name: str | None = None, type: str | None = None,
             limit: int = 50, cursor: str | None = None) -> Page:
    """Global entities with their counts of articles and mentions, by id."""
    limit = _limit(limit)
    check_text(name, type)
    g, e, m = s.global_entities, s.entities, s.mentions
    n_articles = select(func.count(func.distinct(e.c.article_id))).where(
        e.c.global_id == g.c.id).scalar_subquery()
    n_mentions = select(func.count()).select_from(m).where(m.c.global_id == g.c.id).scalar_subquery()
    stmt = select(g, n_articles.label("articles"), n_mentions.label("mentions"))
    if name:
        stmt = stmt.where(g.c.id.in_(entity_ids(conn, name) or [-1]))
    if type:
        stmt = stmt.where(g.c.type == type.upper())
    if cursor:
        (last,) = decode_cursor(cursor, 1)
        stmt = stmt.where(g.c.id > int(last))
    rows = conn.execute(stmt.order_by(g.c.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [entity_dict(conn, r) for r in rows]
    return Page(items, encode_cursor([int(rows[-1].id)]) if more and rows else None)


def entity_dict(conn: Connection, row: Any) -> dict[str, Any]:
    e = s.entities
    variants = sorted(set(conn.execute(select(e.c.name).where(e.c.global_id == row.id)).scalars()))
    return {
        "id": int(row.id), "name": row.name, "type": row.type, "code": row.code,
        "country": row.country, "kb": row.kb, "variants": variants,
        "articles": int(row.articles), "mentions": int(row.mentions),
    }


def entity(conn: Connection, gid: int) -> dict[str, Any] | None:
    if not 0 <= gid <= MAX_ID:
        return None
    page = entities(conn, name=str(gid), limit=1)
    return page.items[0] if page.items else None


def quotes(conn: Connection, *, speaker: str | None = None, text_: str | None = None,
           article: str | None = None, limit: int = 50, cursor: str | None = None) -> Page:
    """Quotes by speaker and words they contain, in store order."""
    limit = _limit(limit)
    check_text(speaker, text_, article)
    q, g, a = s.quotes, s.global_entities, s.articles
    stmt = select(q, g.c.name.label("speaker_name"), a.c.url, a.c.headline, a.c.published).join(
        a, a.c.id == q.c.article_id).outerjoin(g, g.c.id == q.c.speaker_global_id)
    if speaker:
        stmt = stmt.where(q.c.speaker_global_id.in_(entity_ids(conn, speaker) or [-1]))
    if text_:
        esc = text_.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(func.lower(q.c.text).like(f"%{esc}%", escape="\\"))
    if article:
        stmt = stmt.where(q.c.article_id == article)
    if cursor:
        (last,) = decode_cursor(cursor, 1)
        stmt = stmt.where(q.c.id > int(last))
    rows = conn.execute(stmt.order_by(q.c.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = []
    for r in rows:
        data = json.loads(r.data)
        items.append({
            "id": int(r.id), "article_id": r.article_id, "start": r.start, "end": r.end,
            "text": r.text, "kind": r.kind, "speaker_id": r.speaker_global_id,
            "speaker": r.speaker_name, "speaker_text": r.speaker_text, "cue": r.cue,
            "addressee": data.get("addressee"), "url": r.url, "headline": r.headline,
            "published": r.published or None,
        })
    return Page(items, encode_cursor([int(rows[-1].id)]) if more and rows else None)


def _story_of(conn: Connection, article_ids: set[str]) -> dict[str, int]:
    sa = s.story_articles
    if not article_ids:
        return {}
    return {a: int(st) for a, st in conn.execute(
        select(sa.c.article, sa.c.story).where(sa.c.article.in_(sorted(article_ids)))).tuples()}


def _article_summary(r: Any, story: int | None = None) -> dict[str, Any]:
    return {
        "id": r.id, "url": r.url, "headline": r.headline, "published": r.published or None,
        "dateline": r.dateline, "publisher": r.publisher, "language": r.language,
        "source_path": r.source_path, "story": story,
    }


def articles(conn: Connection, *, limit: int = 50, cursor: str | None = None,
             since: str | None = None, until: str | None = None) -> Page:
    """Stored articles (without their text) by publication date."""
    limit = _limit(limit)
    a = s.articles
    stmt = select(a.c.id, a.c.url, a.c.headline, a.c.published, a.c.dateline, a.c.publisher,
                  a.c.language, a.c.source_path)
    since, until = _check_date(since, "since"), _check_date(until, "until")
    if since:
        stmt = stmt.where(a.c.published >= since)
    if until:
        stmt = stmt.where(a.c.published <= until + "\uffff")
    if cursor:
        pub, last = decode_cursor(cursor, 2)
        stmt = stmt.where(tuple_(a.c.published, a.c.id) > tuple_(literal(str(pub)), literal(str(last))))
    rows = conn.execute(stmt.order_by(a.c.published, a.c.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor([rows[-1].published, rows[-1].id]) if more and rows else None
    stories = _story_of(conn, {r.id for r in rows})
    return Page([_article_summary(r, stories.get(r.id)) for r in rows], nxt)


def article_record(conn: Connection, article_id: str) -> dict[str, Any] | None:
    """The stored reading of an article, as the record it was ingested from."""
    check_text(article_id)
    a = s.articles
    row = conn.execute(select(a.c.data, a.c.text).where(a.c.id == article_id)).first()
    if row is None:
        return None
    record: dict[str, Any] = json.loads(row.data)
    record["text"] = row.text

    def rows(table: Any) -> list[Any]:
        return list(conn.execute(
            select(table).where(table.c.article_id == article_id).order_by(table.c.idx)
        ).all())

    record["sections"] = [{"kind": r.kind, "start": r.start, "end": r.end} for r in rows(s.sections)]
    record["entities"] = [json.loads(r.data) for r in rows(s.entities)]
    record["times"] = [json.loads(r.data) for r in rows(s.times)]
    record["quotes"] = [json.loads(r.data) for r in rows(s.quotes)]
    record["events"] = [json.loads(r.data) for r in rows(s.events)]
    return record


def search(conn: Connection, query: str, *, limit: int = 20, cursor: str | None = None) -> Page:
    """Full-text search over article headlines and texts, best match first."""
    limit = _limit(limit)
    check_text(query)
    words = re.findall(r"\w+", query, flags=re.UNICODE)
    if not words:
        return Page([])
    offset = int(decode_cursor(cursor, 1)[0]) if cursor else 0
    a = s.articles
    if conn.dialect.name == "sqlite":
        # Each word quoted: the user's text is data, never FTS5 syntax.
        match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        stmt = text(
            "SELECT a.id, a.url, a.headline, a.published, a.dateline, a.publisher, a.language, "
            "a.source_path, snippet(articles_fts, 1, '[', ']', '…', 12) AS snippet "
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH :match ORDER BY bm25(articles_fts), a.id "
            "LIMIT :limit OFFSET :offset"
        )
        rows = conn.execute(stmt, {"match": match, "limit": limit + 1, "offset": offset}).all()
    else:
        tsq = func.plainto_tsquery("english", " ".join(words))
        tsv: Any = literal_column("articles.tsv")
        stmt2 = (
            select(a.c.id, a.c.url, a.c.headline, a.c.published, a.c.dateline, a.c.publisher,
                   a.c.language, a.c.source_path,
                   func.ts_headline("english", a.c.text, tsq,
                                    "StartSel=[,StopSel=],MaxWords=20,MinWords=8").label("snippet"))
            .where(and_(tsv.op("@@")(tsq)))
            .order_by(func.ts_rank(tsv, tsq).desc(), a.c.id)
            .limit(limit + 1).offset(offset)
        )
        rows = conn.execute(stmt2).all()
    more = len(rows) > limit
    stories = _story_of(conn, {r.id for r in rows[:limit]})
    items = [{**_article_summary(r, stories.get(r.id)), "snippet": r.snippet} for r in rows[:limit]]
    return Page(items, encode_cursor([offset + limit]) if more else None)


def _resolve_one(conn: Connection, ref: str) -> list[int]:
    ids = entity_ids(conn, ref)
    if not ids:
        raise NotFound(f"[T533] no entity matches {ref!r}; list them with 'tidings entities --name'")
    return ids


def timeline(conn: Connection, ref: str) -> list[dict[str, Any]]:
    """The real-world events an entity takes part in, in date order (one row per cluster)."""
    ids = _resolve_one(conn, ref)
    ea, ev = s.event_actors, s.events
    rows = conn.execute(
        _event_select()
        .where(select(ea.c.event_id).where(ea.c.event_id == ev.c.id, ea.c.global_id.in_(ids)).exists())
        .order_by(ev.c.date, ev.c.id)
    ).all()
    out: list[dict[str, Any]] = []
    seen: dict[Any, dict[str, Any]] = {}
    tellers: dict[Any, set[str]] = {}
    for item in event_rows(conn, rows):
        key = item["cluster"] if item["cluster"] is not None else ("event", item["id"])
        # As for clusters, reports are the articles that tell of the event.
        tellers.setdefault(key, set()).add(item["article_id"])
        if key in seen:
            seen[key]["reports"] = len(tellers[key])
            continue
        role = "actor" if any(a["id"] in ids for a in item["actors"]) else "target"
        row = {**item, "role": role, "reports": 1}
        seen[key] = row
        out.append(row)
    return out


def timeline_page(conn: Connection, ref: str, *, limit: int = 50, cursor: str | None = None,
                  batch: int = 500) -> Page:
    """One page of :func:`timeline`: the real-world events whose first report comes next.

    A row stands for a cluster (or an event in none), placed at the entity's
    first report of it; the cursor names that report, so a cluster shown on
    one page never comes again on a later one. Reports are counted over the
    whole cluster (the articles telling of it with this entity in it).
    """
    limit = _limit(limit)
    ids = _resolve_one(conn, ref)
    ea, ev = s.event_actors, s.events

    def of_entity(events: Any) -> Any:
        roles = ea.alias()
        return select(roles.c.event_id).where(roles.c.event_id == events.c.id,
                                              roles.c.global_id.in_(ids)).exists()

    base = _event_select().where(of_entity(ev))
    if cursor:
        day, last = decode_cursor(cursor, 2)
        mark = tuple_(literal(str(day)), literal(int(last)))
        seen = ev.alias("seen")
        shown = select(seen.c.id).where(seen.c.cluster_id == ev.c.cluster_id,
                                        tuple_(seen.c.date, seen.c.id) <= mark, of_entity(seen)).exists()
        base = base.where(tuple_(ev.c.date, ev.c.id) > mark, or_(ev.c.cluster_id.is_(None), ~shown))
    firsts: list[Any] = []
    keys: set[Any] = set()
    position: tuple[str, int] | None = None
    while len(firsts) <= limit:
        stmt = base
        if position is not None:
            stmt = stmt.where(tuple_(ev.c.date, ev.c.id) > tuple_(literal(position[0]), literal(position[1])))
        rows = conn.execute(stmt.order_by(ev.c.date, ev.c.id).limit(batch)).all()
        for r in rows:
            key = r.cluster_id if r.cluster_id is not None else ("event", int(r.id))
            if key not in keys:
                keys.add(key)
                firsts.append(r)
                if len(firsts) > limit:
                    break
        if len(rows) < batch:
            break
        position = (rows[-1].date, int(rows[-1].id))
    more = len(firsts) > limit
    firsts = firsts[:limit]
    clusters = sorted({int(r.cluster_id) for r in firsts if r.cluster_id is not None})
    tellers: dict[int, int] = {}
    if clusters:
        tellers = {int(c): int(n) for c, n in conn.execute(
            select(ev.c.cluster_id, func.count(func.distinct(ev.c.article_id)))
            .where(ev.c.cluster_id.in_(clusters), of_entity(ev)).group_by(ev.c.cluster_id)
        ).all()}
    out = []
    for item in event_rows(conn, firsts):
        role = "actor" if any(a["id"] in ids for a in item["actors"]) else "target"
        reports = tellers.get(item["cluster"], 1) if item["cluster"] is not None else 1
        out.append({**item, "role": role, "reports": reports})
    nxt = encode_cursor([firsts[-1].date, int(firsts[-1].id)]) if more and firsts else None
    return Page(out, nxt)


def itinerary(conn: Connection, ref: str) -> list[dict[str, Any]]:
    """Where a person was (or was due to be) on which day, from visit and arrival events."""
    ids = _resolve_one(conn, ref)
    ea, ev = s.event_actors, s.events
    rows = conn.execute(
        _event_select()
        .where(
            select(ea.c.event_id).where(ea.c.event_id == ev.c.id, ea.c.global_id.in_(ids),
                                        ea.c.role == "actor").exists(),
            func.lower(ev.c.mode).in_(sorted(TRAVEL_MODES)),
            or_(ev.c.place.is_not(None), ev.c.place_global_id.is_not(None)),
        )
        .order_by(ev.c.date, ev.c.id)
    ).all()
    codes = _names(conn, {int(r.place_global_id) for r in rows if r.place_global_id is not None})
    by_day: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if (r.modality or "") in _NOT_HAPPENING:
            continue
        known = codes.get(int(r.place_global_id)) if r.place_global_id is not None else None
        stop = {"date": r.date or None, "place": known["name"] if known else r.place,
                "place_id": r.place_global_id, "country": r.country, "modality": r.modality,
                "event_id": int(r.id), "cluster": r.cluster_id, "evidence": r.evidence,
                "article_id": r.article_id, "reports": 1, "sites": [],
                "_code": known["code"] if known else None,
                "_type": known["type"] if known else None}
        day = by_day.setdefault(r.date or "", [])
        same = next((s for s in day if (s["place_id"], s["place"]) == (stop["place_id"], stop["place"])), None)
        if same is not None:
            same["reports"] += 1
            if same["modality"] != "occurred" and stop["modality"] == "occurred":
                same.update({k: stop[k] for k in ("modality", "event_id", "evidence", "article_id")})
            continue
        day.append(stop)
    stops: list[dict[str, Any]] = []
    for day_stops in by_day.values():
        # A country and a place within it on one day: the country says less, drop it.
        inner = {s["country"] for s in day_stops if s["_code"] is None and s["country"]}
        kept = [s for s in day_stops if not (s["_code"] is not None and s["_code"] in inner)]
        # Stops are towns and cities: a site (an airport, a building) on a day
        # when a town in the same country is known is listed under that town.
        towns = {s["country"]: s for s in kept if s["_type"] == "GPE" and s["_code"] is None and s["country"]}
        for stop in kept:
            town = towns.get(stop["country"])
            if stop["_type"] in _SITE_TYPES and town is not None:
                town["sites"].append(stop["place"])
                continue
            stops.append(stop)
    return [{k: v for k, v in s.items() if not k.startswith("_")} for s in stops]


def itinerary_page(conn: Connection, ref: str, *, limit: int = 50, cursor: str | None = None) -> Page:
    """One page of :func:`itinerary`; the cursor counts the stops already shown.

    A person's stops are few (the travel events naming them), so each page is
    cut from the whole itinerary, which is built from one index range.
    """
    limit = _limit(limit)
    start = int(decode_cursor(cursor, 1)[0]) if cursor else 0
    stops = itinerary(conn, ref)
    end = start + limit
    return Page(stops[start:end], encode_cursor([end]) if end < len(stops) else None)


def counts(conn: Connection) -> dict[str, int]:
    """How much the store holds; events (clusters) and reports are counted apart."""
    def n(table: Any) -> int:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    return {
        "articles": n(s.articles), "entities": n(s.global_entities), "mentions": n(s.mentions),
        "quotes": n(s.quotes), "times": n(s.times), "reports": n(s.events),
        "events": n(s.event_clusters),
    }
