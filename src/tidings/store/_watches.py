"""Watches: saved queries over events, quotes and stories, their matches and deliveries.

A watch is a spec (a name, a kind and filters, optionally a webhook) kept in
``watches``. When an article is stored, :func:`match_article` runs in the same
transaction and records a row of ``watch_matches`` for each new item the
article makes a watch match, so a process killed at any moment neither loses
nor duplicates a match: the article and its matches commit together, and
``UNIQUE(watch_id, kind, item_key)`` keeps one match per item.

What an item is, by kind:

- ``events``: an event cluster (a real-world event); it fires once, the first
  time an article adds a report to it while it matches the filters and has at
  least ``min_reports`` reports. The filters are read by the one translation of
  an :class:`EventFilter` (:func:`_query.cluster_conditions`).
- ``quotes``: a quote of the new article.
- ``stories``: the story the new article joined, once it matches with at least
  ``min_reports`` articles.

Each match carries its delivery state for the webhook sender: ``pending``
(due at ``next_attempt_at``, or now when it is null), ``delivered``, ``dead``
(gave up after repeated failures; :func:`requeue` puts it back) or ``none``
(the watch has no webhook). Every timestamp is an ISO-8601 UTC string.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    func,
    or_,
    select,
    update,
)

from tidings.errors import NotFound, QueryError
from tidings.store import _query, _stories
from tidings.store import _schema as s
from tidings.store._query import EventFilter
from tidings.store._sources_state import items as source_items

watches = Table(
    "watches", s.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("filters", Text, nullable=False, default="{}"),  # JSON: the set filters only
    Column("webhook_url", Text),
    Column("secret", Text),
    Column("paused", Boolean, nullable=False, default=False),
    Column("created_at", String(40), nullable=False),
)

matches = Table(
    "watch_matches", s.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watch_id", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("item_key", String(64), nullable=False),
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("article_id", String(64)),
    Column("payload", Text, nullable=False),
    Column("matched_at", String(40), nullable=False),
    Column("published", String(40)),
    Column("state", String(10), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("failures", Integer, nullable=False, default=0),  # every failed attempt, never reset
    Column("next_attempt_at", String(40)),
    Column("last_error", Text),
    Column("delivered_at", String(40)),
    UniqueConstraint("watch_id", "kind", "item_key", name="uq_watch_matches_item"),
    Index("ix_watch_matches_watch", "watch_id", "id"),
    Index("ix_watch_matches_item", "kind", "item_key"),  # what the watches matched of an article's items
    Index("ix_watch_matches_due", "state", "next_attempt_at", "id"),
)

KINDS = ("events", "quotes", "stories")
FILTERS = ("actor", "target", "type", "modality", "country", "place", "story", "q", "min_reports",
           "min_confidence")
# The filters each kind reads; any other one is refused rather than ignored.
APPLIES: dict[str, frozenset[str]] = {
    "events": frozenset(FILTERS),
    "quotes": frozenset({"actor", "story", "q"}),
    "stories": frozenset({"actor", "type", "country", "place", "story", "q", "min_reports"}),
}
_TEXT_FILTERS = ("actor", "target", "type", "modality", "country", "place", "q")
SPEC_FIELDS = frozenset({"name", "kind", "filters", "webhook_url", "secret", "paused"})
STATES = ("pending", "delivered", "dead", "none")
MAX_NAME = 200
# Delivered matches per watch the lag figures are read from (the latest ones).
LAG_WINDOW = 5000


def create(conn: Connection) -> None:
    """The migration: both tables."""
    s.metadata.create_all(conn, tables=[watches, matches])


# -- timestamps ---------------------------------------------------------------

def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def stamp(value: str, what: str = "timestamp") -> str:
    """An ISO-8601 time in the one form the tables hold (UTC, milliseconds), so they compare as text."""
    try:
        found = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise QueryError(f"[T638] the {what} {value!r} is not an ISO-8601 time; "
                         "expected e.g. 2024-03-04T10:00:00+00:00") from exc
    if found.tzinfo is None:
        found = found.replace(tzinfo=UTC)
    return found.astimezone(UTC).isoformat(timespec="milliseconds")


def _seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        return None
    if found.tzinfo is None:
        found = found.replace(tzinfo=UTC)
    return found.timestamp()


def idempotency_key(watch_id: int, kind: str, item_key: str) -> str:
    """The stable key of a match (and of each delivery of it): a hex digest of ``watch_id:kind:item_key``."""
    return hashlib.sha256(f"{watch_id}:{kind}:{item_key}".encode()).hexdigest()


def entry_id(key: str) -> str:
    """A match's Atom entry id: a ``urn:uuid`` made from its idempotency key."""
    return uuid.UUID(hex=key[:32]).urn


def feed_id(watch: Mapping[str, Any]) -> str:
    """A watch's Atom feed id: a ``urn:uuid`` of its id and creation time (stable for its life)."""
    return uuid.UUID(hex=hashlib.sha256(f"watch:{watch['id']}:{watch['created_at']}".encode())
                     .hexdigest()[:32]).urn


# -- the spec ------------------------------------------------------------------

def check_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a watch spec and return it normalised (``filters`` holds only the set ones).

    Filters may be given under ``filters`` or at the top level of the spec.

    Raises:
        QueryError: ``[T630]`` an unknown field, ``[T631]`` the name, ``[T632]``
            the kind, ``[T633]`` a filter the kind does not read, ``[T634]`` a
            filter's value, ``[T635]`` the webhook or its secret.
    """
    if not isinstance(spec, Mapping):
        raise QueryError("[T630] a watch spec is an object with name, kind and filters")
    unknown = sorted(set(spec) - SPEC_FIELDS - set(FILTERS))
    if unknown:
        raise QueryError(f"[T630] unknown watch field(s) {unknown}; expected {sorted(SPEC_FIELDS)} "
                         f"and the filters {list(FILTERS)}")
    name = spec.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME or "\x00" in name:
        raise QueryError(f"[T631] a watch needs a name (1 to {MAX_NAME} characters), got {name!r}")
    kind = spec.get("kind", "events")
    if kind not in KINDS:
        raise QueryError(f"[T632] the watch kind {kind!r} is unknown; expected one of {list(KINDS)}")
    given = spec.get("filters") or {}
    if not isinstance(given, Mapping):
        raise QueryError("[T630] the watch 'filters' is an object of filter names and values")
    raw = {**{k: spec[k] for k in FILTERS if k in spec}, **given}
    bad = sorted(set(raw) - set(FILTERS))
    if bad:
        raise QueryError(f"[T630] unknown watch filter(s) {bad}; expected some of {list(FILTERS)}")
    filters: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None or value == "":
            continue
        if key not in APPLIES[kind]:
            raise QueryError(f"[T633] the filter {key!r} does not apply to a watch of {kind}; "
                             f"it reads {sorted(APPLIES[kind])}")
        filters[key] = _filter_value(key, value)
    webhook = spec.get("webhook_url") or None
    secret = spec.get("secret") or None
    if webhook is not None and (not isinstance(webhook, str) or not webhook.startswith(("http://", "https://"))
                                or "\x00" in webhook or len(webhook) > 2000):
        raise QueryError(f"[T635] the webhook {webhook!r} is not an http:// or https:// URL")
    if secret is not None and (not isinstance(secret, str) or "\x00" in secret or len(secret) > 500):
        raise QueryError("[T635] the webhook secret must be text of at most 500 characters")
    if secret is not None and webhook is None:
        raise QueryError("[T635] a secret signs webhook deliveries; give a webhook_url with it")
    paused = spec.get("paused", False)
    if not isinstance(paused, bool):
        raise QueryError(f"[T634] 'paused' is true or false, got {paused!r}")
    return {"name": name.strip(), "kind": kind, "filters": filters, "webhook_url": webhook,
            "secret": secret, "paused": paused}


def _filter_value(key: str, value: Any) -> Any:
    if key in _TEXT_FILTERS:
        if not isinstance(value, str) or "\x00" in value or len(value) > 500:
            raise QueryError(f"[T634] the filter {key!r} takes text (no NUL, at most 500 characters), "
                             f"got {value!r}")
        text = value.strip()
        if key in ("type", "country"):
            return text.upper()
        return text.lower() if key == "modality" else text
    if key in ("story", "min_reports"):
        try:
            number = int(value) if not isinstance(value, bool | float) else None
        except (TypeError, ValueError):
            number = None
        least = 1 if key == "min_reports" else 0
        if number is None or not least <= number <= _query.MAX_ID:
            raise QueryError(f"[T634] the filter {key!r} takes a whole number of at least {least}, got {value!r}")
        return number
    try:  # min_confidence
        number_f = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number_f = math.nan
    if not 0.0 <= number_f <= 1.0:
        raise QueryError(f"[T634] the filter 'min_confidence' takes a number from 0 to 1, got {value!r}")
    return number_f


# -- the watches table ---------------------------------------------------------

def _watch(row: Any) -> dict[str, Any]:
    return {"id": int(row.id), "name": row.name, "kind": row.kind, "filters": json.loads(row.filters or "{}"),
            "webhook_url": row.webhook_url, "secret_set": bool(row.secret), "paused": bool(row.paused),
            "created_at": row.created_at}


def add_watch(conn: Connection, spec: Mapping[str, Any]) -> dict[str, Any]:
    """Store a watch; the result carries its ``secret`` (generated when a webhook has none), this once."""
    found = check_spec(spec)
    secret = found["secret"]
    if found["webhook_url"] and not secret:
        secret = secrets.token_hex(32)
    result = conn.execute(watches.insert().values(
        name=found["name"], kind=found["kind"], filters=json.dumps(found["filters"], sort_keys=True),
        webhook_url=found["webhook_url"], secret=secret, paused=found["paused"], created_at=now()))
    created = get_watch(conn, int(result.inserted_primary_key[0]))  # type: ignore[index]
    return {**created, "secret": secret}


def list_watches(conn: Connection) -> list[dict[str, Any]]:
    return [_watch(r) for r in conn.execute(select(watches).order_by(watches.c.id))]


def get_watch(conn: Connection, watch_id: int) -> dict[str, Any]:
    row = None
    if isinstance(watch_id, int) and 0 <= watch_id <= _query.MAX_ID:
        row = conn.execute(select(watches).where(watches.c.id == watch_id)).first()
    if row is None:
        raise NotFound(f"[T636] no watch {watch_id!r}; 'tidings watch list' shows them")
    return _watch(row)


def remove_watch(conn: Connection, watch_id: int) -> dict[str, Any]:
    """Delete a watch and its matches (delivered or not); return it."""
    found = get_watch(conn, watch_id)
    conn.execute(delete(matches).where(matches.c.watch_id == watch_id))
    conn.execute(delete(watches).where(watches.c.id == watch_id))
    return found


def set_paused(conn: Connection, watch_id: int, paused: bool) -> dict[str, Any]:
    get_watch(conn, watch_id)
    conn.execute(update(watches).where(watches.c.id == watch_id).values(paused=bool(paused)))
    return get_watch(conn, watch_id)


# -- what a spec matches ---------------------------------------------------------

def _like(word: str) -> str:
    esc = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{esc}%"


def _words(q: str) -> list[str]:
    return [w for w in q.split() if w]


def _event_filter(filters: Mapping[str, Any]) -> EventFilter:
    return EventFilter(actor=filters.get("actor"), target=filters.get("target"), type=filters.get("type"),
                       modality=filters.get("modality"), place=filters.get("place"),
                       country=filters.get("country"), min_confidence=filters.get("min_confidence"))


def _story_articles(story: int) -> Any:
    sa = s.story_articles
    return select(sa.c.article).where(sa.c.story == story)


def _cluster_conds(conn: Connection, filters: Mapping[str, Any]) -> list[Any]:
    """Conditions on ``event_clusters``: the filter's own translation, then free text and story."""
    c, ev, a = s.event_clusters, s.events, s.articles.alias("watch_article")
    conds = _query.cluster_conditions(conn, _event_filter(filters))
    for word in _words(filters.get("q") or ""):
        pattern = _like(word)
        headline = select(a.c.id).where(a.c.id == ev.c.article_id, func.lower(a.c.headline).like(pattern, escape="\\"))
        conds.append(select(ev.c.id).where(ev.c.cluster_id == c.c.id, or_(
            func.lower(ev.c.evidence).like(pattern, escape="\\"), headline.exists())).exists())
    if filters.get("story") is not None:
        conds.append(select(ev.c.id).where(ev.c.cluster_id == c.c.id,
                                           ev.c.article_id.in_(_story_articles(filters["story"]))).exists())
    if filters.get("min_reports"):
        conds.append(c.c.reports >= filters["min_reports"])
    return conds


def _quote_conds(conn: Connection, filters: Mapping[str, Any]) -> list[Any]:
    q = s.quotes
    conds: list[Any] = []
    if filters.get("actor"):
        conds.append(q.c.speaker_global_id.in_(_query.entity_ids(conn, filters["actor"]) or [-1]))
    for word in _words(filters.get("q") or ""):
        conds.append(func.lower(q.c.text).like(_like(word), escape="\\"))
    if filters.get("story") is not None:
        conds.append(q.c.article_id.in_(_story_articles(filters["story"])))
    return conds


def _story_conds(conn: Connection, filters: Mapping[str, Any]) -> list[Any]:
    ss, sa, e, ev = s.stories, s.story_articles, s.entities, s.events
    conds: list[Any] = []
    if filters.get("actor"):
        gids = _query.entity_ids(conn, filters["actor"]) or [-1]
        conds.append(ss.c.id.in_(select(sa.c.story).join(e, e.c.article_id == sa.c.article)
                                 .where(e.c.global_id.in_(gids))))
    # Type, country and place: one of the story's event reports has them (the event filter's reading).
    flt = EventFilter(type=filters.get("type"), country=filters.get("country"), place=filters.get("place"))
    if not flt.empty():
        of_story = select(sa.c.article).where(sa.c.story == ss.c.id)
        conds.append(select(ev.c.id).where(ev.c.article_id.in_(of_story),
                                           *_query.event_conditions(conn, flt)).exists())
    for word in _words(filters.get("q") or ""):
        pattern = _like(word)
        conds.append(or_(func.lower(ss.c.title).like(pattern, escape="\\"),
                         func.lower(ss.c.entities).like(pattern, escape="\\"),
                         func.lower(ss.c.places).like(pattern, escape="\\")))
    if filters.get("story") is not None:
        conds.append(ss.c.id == filters["story"])
    if filters.get("min_reports"):
        conds.append(ss.c.n_articles >= filters["min_reports"])
    return conds


def _article_brief(conn: Connection, article_id: str) -> dict[str, Any] | None:
    a = s.articles
    row = conn.execute(select(a.c.id, a.c.url, a.c.headline, a.c.publisher, a.c.published)
                       .where(a.c.id == article_id)).first()
    if row is None:
        return None
    return {"id": row.id, "url": row.url, "headline": row.headline, "publisher": row.publisher,
            "published": row.published or None}


def _cluster_payload(conn: Connection, cluster_id: int, article_id: str | None) -> dict[str, Any]:
    row = conn.execute(select(s.event_clusters).where(s.event_clusters.c.id == cluster_id)).one()
    item = _query.cluster_dict(conn, row)
    reports = item["items"]
    # The evidence: the report of the article that made the cluster match (else its first report).
    report = next((r for r in reports if r["article_id"] == article_id), reports[0] if reports else None)
    return {**item, "article": _article_brief(conn, report["article_id"]) if report else None,
            "evidence": {**report["evidence"], "event": report["id"], "local_id": report["local_id"]}
            if report else None}


def _quote_payload(conn: Connection, quote_id: int) -> dict[str, Any]:
    q = s.quotes
    article_id, idx = conn.execute(select(q.c.article_id, q.c.idx).where(q.c.id == quote_id)).one()
    found = next(item for item in _query.quotes(conn, article=article_id, limit=_query.MAX_LIMIT).items
                 if item["id"] == quote_id)
    return {**found, "article": _article_brief(conn, article_id),
            "evidence": {"start": found["start"], "end": found["end"], "text": found["text"], "idx": int(idx)}}


def _story_payload(conn: Connection, story_id: int, article_id: str | None) -> dict[str, Any]:
    found = _stories.story(conn, story_id)
    assert found is not None
    arts = found["articles"]
    article = next((a for a in arts if a["id"] == article_id), arts[-1] if arts else None)
    brief = _article_brief(conn, article["id"]) if article else None
    return {**found, "article": brief,
            "evidence": {"start": None, "end": None, "text": brief["headline"]} if brief else None}


def test_watch(conn: Connection, spec: Mapping[str, Any], *, limit: int = 20) -> list[dict[str, Any]]:
    """What a spec matches in the store now, latest first; nothing is recorded."""
    limit = _query._limit(limit)
    found = check_spec(spec)
    kind, filters = found["kind"], found["filters"]
    out: list[dict[str, Any]] = []
    if kind == "events":
        c = s.event_clusters
        rows = conn.execute(select(c.c.id).where(*_cluster_conds(conn, filters))
                            .order_by(c.c.date.desc(), c.c.id.desc()).limit(limit)).scalars().all()
        out = [{"kind": kind, "item_key": str(i), "payload": _cluster_payload(conn, int(i), None)} for i in rows]
    elif kind == "quotes":
        q = s.quotes
        rows = conn.execute(select(q.c.id).where(*_quote_conds(conn, filters))
                            .order_by(q.c.id.desc()).limit(limit)).scalars().all()
        out = [{"kind": kind, "item_key": str(i), "payload": _quote_payload(conn, int(i))} for i in rows]
    else:
        ss = s.stories
        rows = conn.execute(select(ss.c.id).where(*_story_conds(conn, filters))
                            .order_by(func.coalesce(ss.c.last_seen, -1.0e9).desc(), ss.c.id.desc())
                            .limit(limit)).scalars().all()
        out = [{"kind": kind, "item_key": str(i), "payload": _story_payload(conn, int(i), None)} for i in rows]
    return out


# -- matching on ingest --------------------------------------------------------------

def _active(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(watches.c.id, watches.c.kind, watches.c.filters, watches.c.webhook_url)
                        .where(watches.c.paused.is_(False)).order_by(watches.c.id)).all()
    return [{"id": int(r.id), "kind": r.kind, "filters": json.loads(r.filters or "{}"),
             "webhook": bool(r.webhook_url)} for r in rows]


def match_article(conn: Connection, article_id: str) -> int:
    """Record the matches a just-stored article makes, in the caller's (the article's) transaction.

    Only items the article touched are looked at: the clusters of its event
    reports, its quotes, the story it joined. An item a watch matched already
    is left out before any filter runs, so the work per watch is one indexed
    query when the article brings something new. Returns the number of new matches.
    """
    active = _active(conn)
    if not active:
        return 0
    ev, q, sa, m = s.events, s.quotes, s.story_articles, matches.c
    touched: dict[str, list[int]] = {}
    seen: set[tuple[int, str, str]] = set()
    for kind in sorted({w["kind"] for w in active}):
        if kind == "events":
            stmt = select(ev.c.cluster_id).distinct().where(ev.c.article_id == article_id,
                                                            ev.c.cluster_id.is_not(None))
        elif kind == "quotes":
            stmt = select(q.c.id).where(q.c.article_id == article_id)
        else:
            stmt = select(sa.c.story).where(sa.c.article == article_id)
        touched[kind] = sorted({int(i) for i in conn.execute(stmt).scalars()})
        if touched[kind]:
            # What the watches matched already among these items: one query per kind.
            seen |= {(int(w), str(k), str(i)) for w, k, i in conn.execute(
                select(m.watch_id, m.kind, m.item_key).where(m.kind == kind,
                                                             m.item_key.in_([str(i) for i in touched[kind]]))
            ).tuples()}
    published = None
    stamp_now = now()
    added = 0
    for watch in active:
        kind, filters = watch["kind"], watch["filters"]
        fresh = [i for i in touched[kind] if (watch["id"], kind, str(i)) not in seen]
        if not fresh:
            continue
        if kind == "events":
            c = s.event_clusters
            hits = conn.execute(select(c.c.id).where(c.c.id.in_(fresh), *_cluster_conds(conn, filters))).scalars()
        elif kind == "quotes":
            hits = conn.execute(select(q.c.id).where(q.c.id.in_(fresh), *_quote_conds(conn, filters))).scalars()
        else:
            ss = s.stories
            hits = conn.execute(select(ss.c.id).where(ss.c.id.in_(fresh), *_story_conds(conn, filters))).scalars()
        for item in sorted(int(i) for i in hits.all()):
            if kind == "events":
                payload = _cluster_payload(conn, item, article_id)
            elif kind == "quotes":
                payload = _quote_payload(conn, item)
            else:
                payload = _story_payload(conn, item, article_id)
            if published is None:
                published = conn.execute(select(s.articles.c.published)
                                         .where(s.articles.c.id == article_id)).scalar() or ""
            key = idempotency_key(watch["id"], kind, str(item))
            conn.execute(matches.insert().values(
                watch_id=watch["id"], kind=kind, item_key=str(item), idempotency_key=key,
                article_id=article_id, payload=json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str),
                matched_at=stamp_now, published=published or None,
                state="pending" if watch["webhook"] else "none", attempts=0, failures=0))
            added += 1
    return added


# -- matches and deliveries -------------------------------------------------------------

def _match(row: Any) -> dict[str, Any]:
    return {"id": int(row.id), "watch_id": int(row.watch_id), "kind": row.kind, "item_key": row.item_key,
            "idempotency_key": row.idempotency_key, "article_id": row.article_id,
            "payload": json.loads(row.payload), "matched_at": row.matched_at, "published": row.published,
            "state": row.state, "attempts": int(row.attempts), "failures": int(row.failures),
            "next_attempt_at": row.next_attempt_at, "last_error": row.last_error,
            "delivered_at": row.delivered_at}


def watch_matches(conn: Connection, watch_id: int, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """A watch's matches, newest first."""
    get_watch(conn, watch_id)
    limit = _query._limit(limit)
    if offset < 0:
        raise QueryError(f"[T537] offset {offset} is negative; expected 0 or more")
    rows = conn.execute(select(matches).where(matches.c.watch_id == watch_id)
                        .order_by(matches.c.id.desc()).limit(limit).offset(offset)).all()
    return [_match(r) for r in rows]


def count_matches(conn: Connection, watch_id: int) -> int:
    return int(conn.execute(select(func.count()).select_from(matches)
                            .where(matches.c.watch_id == watch_id)).scalar_one())


def due_deliveries(conn: Connection, at: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Pending deliveries of unpaused watches whose next attempt is due at ``at`` (or never set)."""
    limit = _query._limit(limit)
    at = stamp(at, "time")
    m, w = matches.c, watches.c
    rows = conn.execute(
        select(matches, w.webhook_url, w.secret).join(watches, w.id == m.watch_id)
        .where(m.state == "pending", w.paused.is_(False), w.webhook_url.is_not(None),
               or_(m.next_attempt_at.is_(None), m.next_attempt_at <= at))
        .order_by(m.id).limit(limit)
    ).all()
    return [{"match_id": int(r.id), "watch_id": int(r.watch_id), "webhook_url": r.webhook_url,
             "secret": r.secret, "idempotency_key": r.idempotency_key, "payload": json.loads(r.payload),
             "attempts": int(r.attempts), "published": r.published, "kind": r.kind,
             "matched_at": r.matched_at} for r in rows]


def _need_match(conn: Connection, match_id: int) -> Any:
    row = None
    if isinstance(match_id, int) and 0 <= match_id <= _query.MAX_ID:
        row = conn.execute(select(matches).where(matches.c.id == match_id)).first()
    if row is None:
        raise NotFound(f"[T637] no watch match {match_id!r}")
    return row


def record_delivery(conn: Connection, match_id: int, *, ok: bool, at: str, error: str | None = None,
                    next_attempt_at: str | None = None, dead: bool = False) -> None:
    """Record one delivery attempt: delivered, failed (due again at ``next_attempt_at``) or dead."""
    _need_match(conn, match_id)
    m = matches.c
    at = stamp(at, "time")
    if ok:
        values: dict[str, Any] = {"state": "delivered", "delivered_at": at, "attempts": m.attempts + 1,
                                  "next_attempt_at": None, "last_error": None}
    else:
        values = {"state": "dead" if dead else "pending", "attempts": m.attempts + 1, "failures": m.failures + 1,
                  "last_error": (error or "delivery failed")[:2000],
                  "next_attempt_at": None if dead or next_attempt_at is None else stamp(next_attempt_at, "time")}
    conn.execute(update(matches).where(m.id == match_id).values(**values))


def requeue(conn: Connection, match_id: int) -> None:
    """Put a dead (or delivered) delivery back in the queue, due now, its attempts reset."""
    row = _need_match(conn, match_id)
    if row.state == "none":
        raise QueryError(f"[T639] match {match_id} has no webhook to deliver to")
    conn.execute(update(matches).where(matches.c.id == match_id).values(
        state="pending", attempts=0, next_attempt_at=None, delivered_at=None))


def dead_letters(conn: Connection, watch_id: int | None = None) -> list[dict[str, Any]]:
    """Deliveries given up on, newest first (of one watch, or of all)."""
    stmt = select(matches).where(matches.c.state == "dead")
    if watch_id is not None:
        get_watch(conn, watch_id)
        stmt = stmt.where(matches.c.watch_id == watch_id)
    return [_match(r) for r in conn.execute(stmt.order_by(matches.c.id.desc()))]


def _quantile(values: list[float], share: float) -> float | None:
    """The nearest-rank quantile of sorted values."""
    if not values:
        return None
    rank = max(1, math.ceil(share * len(values)))
    return round(values[rank - 1], 3)


def watch_counters(conn: Connection) -> list[dict[str, Any]]:
    """Per watch: matches, deliveries by state, failed attempts, lag from publication to delivery."""
    m, w = matches.c, watches.c
    counts: dict[int, dict[str, int]] = {}
    for watch_id, state, n, failures in conn.execute(
        select(m.watch_id, m.state, func.count(), func.coalesce(func.sum(m.failures), 0)).group_by(m.watch_id, m.state)
    ).tuples():
        found = counts.setdefault(int(watch_id), {"matches": 0, "failed_attempts": 0})
        found["matches"] += int(n)
        found[str(state)] = int(n)
        found["failed_attempts"] += int(failures)
    # An article read from a followed source has its feed item's publication time (to the
    # second); the article's own ``published`` is often a date only, which would count the
    # hours since midnight as lag.
    listed = (select(func.min(source_items.c.published))
              .where(source_items.c.article_id == m.article_id, source_items.c.published.is_not(None))
              .correlate(matches).scalar_subquery())
    out = []
    for watch_id, name in conn.execute(select(w.id, w.name).order_by(w.id)).tuples():
        found = counts.get(int(watch_id), {})
        lags = []
        for published, precise, delivered in conn.execute(
            select(m.published, listed, m.delivered_at).where(m.watch_id == watch_id, m.state == "delivered")
            .order_by(m.id.desc()).limit(LAG_WINDOW)
        ).tuples():
            start, end = _seconds(precise or published), _seconds(delivered)
            if start is not None and end is not None:
                lags.append(max(0.0, end - start))
        lags.sort()
        out.append({"id": int(watch_id), "name": name, "matches": found.get("matches", 0),
                    "pending": found.get("pending", 0), "delivered": found.get("delivered", 0),
                    "dead": found.get("dead", 0), "failed_attempts": found.get("failed_attempts", 0),
                    "lag_median_s": _quantile(lags, 0.5), "lag_p95_s": _quantile(lags, 0.95)})
    return out
