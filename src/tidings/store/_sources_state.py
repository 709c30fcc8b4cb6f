"""Followed sources and their fetch history: the state of ``tidings follow``.

Two tables of their own (migration ``0006_live_sources``, with the times of
``0009_live_counters``): ``live_sources``,
one row per followed feed or sitemap with its conditional-GET validators and
counters, and ``live_items``, one row per item seen in a source (its canonical
URL, a fingerprint of its feed entry and a hash of the article text read from
it), so a restart after a crash resumes without fetching or storing anything
twice. Each item stored also keeps its publication time (as its feed or
sitemap gave it) and when its article was stored: the lag of a source is the
median and 95th percentile of their difference (:func:`lags`). Reached only
through :class:`~tidings.store.Store` methods.
"""

from __future__ import annotations

import json
import math
import statistics
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    delete,
    func,
    inspect,
    select,
    text,
    update,
)

from tidings.errors import NotFound, QueryError
from tidings.store import _schema as s
from tidings.store._query import Page, _limit, decode_cursor, encode_cursor

sources = Table(
    "live_sources", s.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False, unique=True),
    Column("name", Text),
    Column("language", String(16)),
    Column("interval", Integer, nullable=False),  # seconds between polls
    Column("paused", Boolean, nullable=False, default=False),
    Column("added_at", String(40), nullable=False),
    Column("last_fetch", String(40)),
    Column("last_success", String(40)),
    Column("last_error", Text),
    Column("last_error_at", String(40)),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("fetched", Integer, nullable=False, default=0),
    Column("not_modified", Integer, nullable=False, default=0),
    Column("items_seen", Integer, nullable=False, default=0),
    Column("articles_added", Integer, nullable=False, default=0),
    Column("articles_updated", Integer, nullable=False, default=0),
    Column("errors", Text, nullable=False, default="{}"),  # JSON: count by kind
)

items = Table(
    "live_items", s.metadata,
    Column("source_id", Integer, nullable=False),
    Column("url", Text, nullable=False),  # canonical
    Column("entry_hash", String(64), nullable=False),  # the feed entry as last seen
    Column("content_hash", String(64)),  # the article text read from it; NULL: not read yet
    Column("article_id", String(64)),
    Column("first_seen", String(40), nullable=False),
    Column("last_seen", String(40), nullable=False),
    Column("published", String(40)),  # the item's publication time (UTC) as its listing gave it
    Column("stored_at", String(40)),  # when its article was first stored (UTC)
    PrimaryKeyConstraint("source_id", "url"),
)

# The columns a caller may set on a source, and the counters it may bump.
SETTABLE = frozenset({"name", "language", "interval", "paused", "last_fetch", "last_success",
                      "last_error", "last_error_at", "etag", "last_modified"})
COUNTERS = frozenset({"fetched", "not_modified", "items_seen", "articles_added", "articles_updated"})


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def create(conn: Connection) -> None:
    """The migration: both tables."""
    s.metadata.create_all(conn, tables=[sources, items])


# The lag of a source is taken over its latest items stored, at most this many.
LAG_WINDOW = 1000


def add_times(conn: Connection) -> None:
    """Migration ``0009_live_counters``: the items' publication and storage times (for the lag).

    A store created at ``0006_live_sources`` by this version has them already.
    """
    have = {c["name"] for c in inspect(conn).get_columns(items.name)}
    for name in ("published", "stored_at"):
        if name not in have:
            conn.execute(text(f"ALTER TABLE {items.name} ADD COLUMN {name} VARCHAR(40)"))


def _row(row: Any) -> dict[str, Any]:
    found = dict(row._mapping)
    found["paused"] = bool(found["paused"])
    found["errors"] = json.loads(found["errors"] or "{}")
    return found


def add_source(conn: Connection, url: str, *, name: str | None, language: str | None,
               interval: int) -> tuple[dict[str, Any], bool]:
    """Add a source, or update the settings of the one with this URL; return it and whether it is new."""
    if interval < 1:
        raise QueryError(f"[T601] {url}: the poll interval must be at least 1 second, got {interval}")
    old = conn.execute(select(sources).where(sources.c.url == url)).first()
    if old is None:
        conn.execute(sources.insert().values(url=url, name=name, language=language, interval=interval,
                                             paused=False, added_at=now(), fetched=0, not_modified=0,
                                             items_seen=0, articles_added=0, articles_updated=0,
                                             errors="{}"))
    else:
        conn.execute(update(sources).where(sources.c.url == url).values(
            name=name if name is not None else old.name,
            language=language if language is not None else old.language, interval=interval))
    found = get_source(conn, url)
    assert found is not None
    return found, old is None


def get_source(conn: Connection, ref: str | int) -> dict[str, Any] | None:
    """A source by id or URL."""
    cond = sources.c.id == int(ref) if isinstance(ref, int) or str(ref).isdigit() else sources.c.url == ref
    row = conn.execute(select(sources).where(cond)).first()
    return None if row is None else _row(row)


def list_sources(conn: Connection) -> list[dict[str, Any]]:
    return [_row(r) for r in conn.execute(select(sources).order_by(sources.c.id))]


def sources_page(conn: Connection, *, limit: int = 50, cursor: str | None = None) -> Page:
    """One page of sources in the order added, each with its counters and lag."""
    limit = _limit(limit)
    query = select(sources).order_by(sources.c.id).limit(limit + 1)
    if cursor:
        (last,) = decode_cursor(cursor, 1)
        query = query.where(sources.c.id > int(last))
    rows = [_row(r) for r in conn.execute(query)]
    more = len(rows) > limit
    rows = rows[:limit]
    found = lags(conn, [r["id"] for r in rows])
    for r in rows:
        r.update(found.get(r["id"], NO_LAG))
    return Page(rows, encode_cursor([int(rows[-1]["id"])]) if more and rows else None)


NO_LAG: dict[str, Any] = {"lag_items": 0, "lag_median_s": None, "lag_p95_s": None}


def _seconds(start: str, end: str) -> float | None:
    try:
        a, b = datetime.fromisoformat(start), datetime.fromisoformat(end)
    except ValueError:
        return None
    if a.tzinfo is None:
        a = a.replace(tzinfo=UTC)
    if b.tzinfo is None:
        b = b.replace(tzinfo=UTC)
    return max(0.0, (b - a).total_seconds())  # a clock ahead of ours is no lag, not a negative one


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q`` quantile (0-1) of non-empty ``values``."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def lags(conn: Connection, source_ids: list[int] | None = None, *,
         window: int = LAG_WINDOW) -> dict[int, dict[str, Any]]:
    """Per source: the lag from an item's publication to its storage over its latest ``window``
    stored items (``lag_items``, ``lag_median_s``, ``lag_p95_s``); sources with none are left out."""
    rank = func.row_number().over(partition_by=items.c.source_id, order_by=items.c.stored_at.desc()).label("rank")
    inner = select(items.c.source_id, items.c.published, items.c.stored_at, rank).where(
        items.c.published.is_not(None), items.c.stored_at.is_not(None))
    if source_ids is not None:
        if not source_ids:
            return {}
        inner = inner.where(items.c.source_id.in_(source_ids))
    sub = inner.subquery()
    by_source: dict[int, list[float]] = {}
    for sid, published, stored in conn.execute(select(sub.c.source_id, sub.c.published, sub.c.stored_at)
                                               .where(sub.c.rank <= window)):
        seconds = _seconds(published, stored)
        if seconds is not None:
            by_source.setdefault(int(sid), []).append(seconds)
    return {sid: {"lag_items": len(v), "lag_median_s": round(statistics.median(v), 3),
                  "lag_p95_s": round(percentile(v, 0.95), 3)} for sid, v in by_source.items()}


def _need(conn: Connection, ref: str | int) -> dict[str, Any]:
    found = get_source(conn, ref)
    if found is None:
        raise NotFound(f"[T602] no followed source {ref!r}; 'tidings sources list' shows them")
    return found


def remove_source(conn: Connection, ref: str | int) -> dict[str, Any]:
    found = _need(conn, ref)
    conn.execute(delete(items).where(items.c.source_id == found["id"]))
    conn.execute(delete(sources).where(sources.c.id == found["id"]))
    return found


def update_source(conn: Connection, ref: str | int, *, bump: dict[str, int] | None = None,
                  error_kind: str | None = None, **values: Any) -> dict[str, Any]:
    """Set columns of a source, add to its counters, and count an error of a kind."""
    found = _need(conn, ref)
    unknown = set(values) - SETTABLE | set(bump or {}) - COUNTERS
    if unknown:
        raise QueryError(f"[T603] cannot set {sorted(unknown)} on a source")
    col = sources.c
    changes: dict[str, Any] = dict(values)
    for name, n in (bump or {}).items():
        changes[name] = col[name] + n
    if error_kind is not None:
        errors = dict(found["errors"])
        errors[error_kind] = errors.get(error_kind, 0) + 1
        changes["errors"] = json.dumps(errors, sort_keys=True)
    if changes:
        conn.execute(update(sources).where(col.id == found["id"]).values(**changes))
    result = get_source(conn, found["id"])
    assert result is not None
    return result


def seen_items(conn: Connection, source_id: int) -> dict[str, dict[str, Any]]:
    """The items seen in a source, by canonical URL."""
    rows = conn.execute(select(items).where(items.c.source_id == source_id))
    return {r.url: dict(r._mapping) for r in rows}


def see_item(conn: Connection, source_id: int, url: str, *, entry_hash: str,
             content_hash: str | None = None, article_id: str | None = None,
             published: str | None = None, stored_at: str | None = None) -> bool:
    """Record an item of a source (new or seen again); return whether it is new.

    ``stored_at`` (when its article was stored) is kept from the first time it
    is given, with the ``published`` time given then: the item's lag.
    """
    stamp = now()
    old = conn.execute(select(items).where(items.c.source_id == source_id, items.c.url == url)).first()
    if old is None:
        conn.execute(items.insert().values(source_id=source_id, url=url, entry_hash=entry_hash,
                                           content_hash=content_hash, article_id=article_id,
                                           first_seen=stamp, last_seen=stamp,
                                           published=published if stored_at else None, stored_at=stored_at))
        return True
    changes: dict[str, Any] = {"entry_hash": entry_hash, "last_seen": stamp}
    if content_hash is not None:
        changes.update(content_hash=content_hash, article_id=article_id)
    if stored_at is not None and old.stored_at is None:
        changes.update(published=published, stored_at=stored_at)
    conn.execute(update(items).where(items.c.source_id == source_id, items.c.url == url).values(**changes))
    return False
