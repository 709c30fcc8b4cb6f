"""Followed sources and their fetch history: the state of ``tidings follow``.

Two tables of their own (migration ``0006_live_sources``): ``live_sources``,
one row per followed feed or sitemap with its conditional-GET validators and
counters, and ``live_items``, one row per item seen in a source (its canonical
URL, a fingerprint of its feed entry and a hash of the article text read from
it), so a restart after a crash resumes without fetching or storing anything
twice. Reached only through :class:`~tidings.store.Store` methods.
"""

from __future__ import annotations

import json
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
    select,
    update,
)

from tidings.errors import NotFound, QueryError
from tidings.store import _schema as s

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
             content_hash: str | None = None, article_id: str | None = None) -> bool:
    """Record an item of a source (new or seen again); return whether it is new."""
    stamp = now()
    old = conn.execute(select(items).where(items.c.source_id == source_id, items.c.url == url)).first()
    if old is None:
        conn.execute(items.insert().values(source_id=source_id, url=url, entry_hash=entry_hash,
                                           content_hash=content_hash, article_id=article_id,
                                           first_seen=stamp, last_seen=stamp))
        return True
    changes: dict[str, Any] = {"entry_hash": entry_hash, "last_seen": stamp}
    if content_hash is not None:
        changes.update(content_hash=content_hash, article_id=article_id)
    conn.execute(update(items).where(items.c.source_id == source_id, items.c.url == url).values(**changes))
    return False
