"""Named schema migrations, applied in order and recorded in a table.

A store opened by a newer tidings is upgraded in place: every migration whose
name is not yet in ``tidings_migrations`` runs, in its own transaction, and is
recorded. Each runs under the store's write lock (see :mod:`tidings.store._lock`),
so on SQLite its DDL is atomic too, and two processes opening a new store at
once apply it once. Migrations are never edited once released; a change to the
schema is a new migration appended to :data:`MIGRATIONS`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, inspect, select, text

from tidings.errors import StoreError
from tidings.store import _pairs, _sources_state, _watches
from tidings.store import _schema as s
from tidings.store._lock import begin_write
from tidings.store._resolve import name_words

logger = logging.getLogger(__name__)

# The tables of the first migration, in creation order.
_INITIAL = (
    s.articles,
    s.sections,
    s.global_entities,
    s.entity_keys,
    s.entities,
    s.mentions,
    s.times,
    s.quotes,
    s.event_clusters,
    s.events,
    s.event_actors,
)


def _initial(conn: Connection) -> None:
    s.metadata.create_all(conn, tables=list(_INITIAL))


def _fulltext(conn: Connection) -> None:
    """Full-text search over articles: FTS5 on SQLite, a tsvector on PostgreSQL."""
    if conn.dialect.name == "sqlite":
        conn.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
                "headline, text, content='articles', content_rowid='rowid', "
                "tokenize='unicode61 remove_diacritics 2')"
            )
        )
        # Keep the index in step with the articles table.
        conn.execute(
            text(
                "CREATE TRIGGER IF NOT EXISTS articles_fts_ai AFTER INSERT ON articles BEGIN "
                "INSERT INTO articles_fts(rowid, headline, text) "
                "VALUES (new.rowid, new.headline, new.text); END"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER IF NOT EXISTS articles_fts_ad AFTER DELETE ON articles BEGIN "
                "INSERT INTO articles_fts(articles_fts, rowid, headline, text) "
                "VALUES ('delete', old.rowid, old.headline, old.text); END"
            )
        )
        conn.execute(text("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')"))
    elif conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "ALTER TABLE articles ADD COLUMN IF NOT EXISTS tsv tsvector GENERATED ALWAYS AS "
                "(to_tsvector('english', coalesce(headline, '') || ' ' || text)) STORED"
            )
        )
        conn.execute(text("CREATE INDEX IF NOT EXISTS ix_articles_tsv ON articles USING gin (tsv)"))
    else:  # pragma: no cover - only the two dialects are supported
        raise StoreError(f"[T503] full-text search is not available on {conn.dialect.name!r}")


def _name_words(conn: Connection) -> None:
    """The word index of entity names (backfilled), and indexes for the explorer's filters."""
    s.metadata.create_all(conn, tables=[s.entity_words])
    w = s.entity_words
    seen: set[tuple[int, str]] = set()
    batch: list[dict[str, object]] = []

    def put(gid: int, name: str) -> None:
        if (gid, name) in seen:
            return
        seen.add((gid, name))
        batch.extend({"global_id": gid, "name": name, "word": word} for word in name_words(name))
        if len(batch) >= 5000:
            conn.execute(w.insert(), batch)
            batch.clear()

    g, e = s.global_entities, s.entities
    for gid, name in conn.execute(select(g.c.id, g.c.name_norm)).tuples().all():
        put(int(gid), str(name))
    for gid, name in conn.execute(select(e.c.global_id, e.c.name_norm).distinct()).tuples().all():
        put(int(gid), str(name))
    if batch:
        conn.execute(w.insert(), batch)
    for sql in (
        # "The names of entity X" and "is this still a name of X": one index range.
        "CREATE INDEX IF NOT EXISTS ix_entities_global_name ON entities (global_id, name_norm)",
        # The events explorer's country filter, in date order, and its source filter.
        "CREATE INDEX IF NOT EXISTS ix_events_country_date ON events (country, date, id)",
        "CREATE INDEX IF NOT EXISTS ix_articles_publisher ON articles (publisher)",
    ):
        conn.execute(text(sql))


def _event_pairs(conn: Connection) -> None:
    """Counts of reports per actor -> target pair (for the network), backfilled."""
    s.metadata.create_all(conn, tables=[s.event_pairs])
    _pairs.rebuild(conn)


def _event_confidence(conn: Connection) -> None:
    """The events' confidence as a column (the ``min_confidence`` filter), backfilled from their JSON."""
    if "confidence" not in {c["name"] for c in inspect(conn).get_columns("events")}:
        kind = "REAL" if conn.dialect.name == "sqlite" else "DOUBLE PRECISION"
        conn.execute(text(f"ALTER TABLE events ADD COLUMN confidence {kind}"))
    import json

    ev = s.events
    for event_id, data in conn.execute(select(ev.c.id, ev.c.data)).tuples().all():
        try:
            value = json.loads(data).get("confidence")
        except (ValueError, AttributeError):
            continue
        if isinstance(value, (int, float)):
            conn.execute(ev.update().where(ev.c.id == event_id).values(confidence=float(value)))


def _stories(conn: Connection) -> None:
    """The story tables, backfilled: the stored articles are assigned in publication order."""
    s.metadata.create_all(conn, tables=list(s.STORY_TABLES))
    from tidings.store import _query, _stories

    a = s.articles
    for article_id in conn.execute(select(a.c.id).order_by(a.c.published, a.c.id)).scalars().all():
        record = _query.article_record(conn, article_id)
        if record is not None:
            _stories.assign(conn, record)


MIGRATIONS: tuple[tuple[str, Callable[[Connection], None]], ...] = (
    ("0001_initial", _initial),
    ("0002_fulltext", _fulltext),
    ("0003_name_words", _name_words),
    ("0004_event_pairs", _event_pairs),
    ("0005_event_confidence", _event_confidence),
    ("0006_live_sources", _sources_state.create),
    ("0007_stories", _stories),
    ("0008_watches", _watches.create),
)


def applied(engine: Engine) -> list[str]:
    """Names of the migrations recorded in the store, in the order applied."""
    if not inspect(engine).has_table(s.migrations.name):
        return []
    with engine.connect() as conn:
        rows = conn.execute(select(s.migrations.c.name).order_by(s.migrations.c.applied_at, s.migrations.c.name))
        return [r[0] for r in rows]


def migrate(engine: Engine, *, upto: str | None = None) -> list[str]:
    """Apply the migrations the store lacks, each in one transaction.

    Args:
        engine: the store's engine.
        upto: stop after the migration of this name (for tests of upgrades).

    Returns:
        The names of the migrations applied now.
    """
    names = [name for name, _ in MIGRATIONS]
    if upto is not None and upto not in names:
        raise StoreError(f"[T504] unknown migration {upto!r}; expected one of {names}")
    if set(names) <= set(applied(engine)):
        return []  # up to date: no write lock needed
    with engine.begin() as conn:
        begin_write(conn)
        s.metadata.create_all(conn, tables=[s.migrations])
    ran: list[str] = []
    for name, step in MIGRATIONS:
        # Each migration under the write lock, checked again inside it: two
        # processes opening a new store at once apply each migration once.
        with engine.begin() as conn:
            begin_write(conn)
            done = conn.execute(select(s.migrations.c.name).where(s.migrations.c.name == name)).first()
            if done is None:
                logger.info("applying migration %s", name)
                step(conn)
                conn.execute(
                    s.migrations.insert().values(name=name, applied_at=datetime.now(UTC).isoformat())
                )
                ran.append(name)
        if name == upto:
            break
    return ran
