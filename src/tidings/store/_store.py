"""The :class:`Store`: the one door to the database, SQLite or PostgreSQL."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from tidings.errors import StoreError
from tidings.store import (
    _cluster,
    _maps,
    _migrations,
    _query,
    _resolve,
    _sources_state,
    _stories,
    _tables,
    _watches,
    _write,
)
from tidings.store import _schema as s
from tidings.store._lock import begin_write
from tidings.store._query import EventFilter, Page

logger = logging.getLogger(__name__)

DEFAULT_FILE = "tidings.db"


def default_url() -> str:
    """The store to use when none is given: ``$TIDINGS_DB`` or ``tidings.db`` here."""
    return os.environ.get("TIDINGS_DB") or DEFAULT_FILE


def normalise_url(url: str | None) -> str:
    """Turn a file path or URL into a SQLAlchemy URL (a bare path is a SQLite file)."""
    url = url or default_url()
    if "://" not in url:
        return "sqlite://" if url == ":memory:" else "sqlite:///" + url
    if url.startswith("postgres://") or url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


@dataclass
class IngestSummary:
    """What one :meth:`Store.add_many` did, article by article."""

    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "replaced": self.replaced, "unchanged": self.unchanged}


class Store:
    """A tidings store: articles, their readings and what is known across them.

    Args:
        url: a SQLAlchemy URL (``sqlite:///path``, ``postgresql+psycopg://...``)
            or a file path; ``None`` for :func:`default_url`.
        migrate: apply missing schema migrations on open.
        connect_args: passed to the database driver.

    Example:
        >>> store = Store(":memory:")
        >>> store.counts()["articles"]
        0
    """

    def __init__(self, url: str | None = None, *, migrate: bool = True,
                 connect_args: Mapping[str, Any] | None = None) -> None:
        self.url = normalise_url(url)
        try:
            parsed = make_url(self.url)
            kwargs: dict[str, Any] = {"future": True}
            if parsed.get_backend_name() == "sqlite":
                kwargs["connect_args"] = {"check_same_thread": False, **(connect_args or {})}
                if parsed.database in (None, "", ":memory:"):
                    # One connection shared by every thread, or each would see its own empty DB.
                    kwargs["poolclass"] = StaticPool
            elif connect_args:
                kwargs["connect_args"] = dict(connect_args)
            if parsed.get_backend_name() == "postgresql":
                kwargs["pool_pre_ping"] = True
            self.engine: Engine = create_engine(parsed, **kwargs)
        except (ArgumentError, NoSuchModuleError, ValueError) as exc:
            raise StoreError(
                f"[T500] cannot open the store {url!r}: {exc}; give a file path, "
                "sqlite:///FILE or postgresql+psycopg://USER@HOST/DB"
            ) from exc
        if self.engine.dialect.name not in ("sqlite", "postgresql"):
            raise StoreError(
                f"[T501] the store does not support {self.engine.dialect.name!r}; use SQLite or PostgreSQL"
            )
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        if migrate:
            with self._errors("migrate"):
                _migrations.migrate(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        try:
            yield
        except StoreError:
            raise
        except DBAPIError as exc:
            raise StoreError(
                f"[T502] the store {self.engine.url.render_as_string(hide_password=True)} "
                f"failed to {what}: {exc.orig}"
            ) from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"[T502] the store failed to {what}: {exc}") from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading.

        On PostgreSQL it runs in autocommit, as SQLite reads do: no BEGIN and
        ROLLBACK round trips around each query, which is most of a short query's
        time. A read of several statements may then see a write committed
        between them.
        """
        with self._errors("read"), self.engine.connect() as conn:
            if self.dialect == "postgresql":
                conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction; it holds the store's write lock, so writers take turns."""
        with self._errors("write"), self.engine.begin() as conn:
            begin_write(conn)
            yield conn

    # -- writing -----------------------------------------------------------

    def add(self, record: Mapping[str, Any]) -> str:
        """Store one article's record in one transaction; see :meth:`add_many`."""
        with self.write() as conn:
            status = _write.write_record(conn, record)
            if status != "unchanged":
                # In the article's transaction: its matches commit with it or not at all.
                _watches.match_article(conn, str(record["id"]))
            return status

    def add_many(self, records: Iterable[Mapping[str, Any]], *,
                 on_article: Callable[[str, str], None] | None = None) -> IngestSummary:
        """Store records, one transaction per article.

        An article whose id is stored already is left as it is; one with a
        new id but the URL of a stored article replaces that reading. When the
        process dies, the articles committed so far stay and no article is
        half-written; adding the same records again stores the rest.

        Args:
            records: output records of ``tidings read`` (the contract dicts).
            on_article: called with the article id and its status after each commit.
        """
        summary = IngestSummary()
        for record in records:
            status = self.add(record)
            setattr(summary, status, getattr(summary, status) + 1)
            summary.ids.append(str(record.get("id")))
            if on_article is not None:
                on_article(str(record.get("id")), status)
        return summary

    def has_article(self, article_id: str) -> bool:
        _query.check_text(article_id)
        with self.read() as conn:
            a = s.articles
            return conn.execute(select(a.c.id).where(a.c.id == article_id)).first() is not None

    def article_ids(self) -> set[str]:
        with self.read() as conn:
            return set(conn.execute(select(s.articles.c.id)).scalars())

    def delete_article(self, article_id: str) -> bool:
        _query.check_text(article_id)
        with self.write() as conn:
            if conn.execute(select(s.articles.c.id).where(s.articles.c.id == article_id)).first() is None:
                return False
            _write.delete_article(conn, article_id)
            return True

    def merge_entities(self, into: int, other: int) -> dict[str, Any]:
        """Fold entity ``other`` into ``into`` and re-cluster events; return the result."""
        with self.write() as conn:
            _resolve.merge(conn, into, other)
            _cluster.recluster(conn, [into])
            found = _query.entity(conn, into)
        assert found is not None
        return found

    def split_entity(self, gid: int, *, article_id: str | None = None,
                     name: str | None = None) -> dict[str, Any]:
        """Move an article's or a name variant's mentions of an entity to a new entity."""
        with self.write() as conn:
            new, articles = _resolve.split(conn, gid, article_id=article_id, name=name)
            _write.relink(conn, articles)
            _cluster.recluster(conn, [gid, new])
            found = _query.entity(conn, new)
        assert found is not None
        return found

    def recluster(self) -> int:
        """Rebuild every event cluster; return the number of events assigned."""
        with self.write() as conn:
            return _cluster.recluster(conn)

    def merge_stories(self, a: int, b: int) -> dict[str, Any]:
        """Fold story ``b`` into ``a`` (every article of both pinned to ``a``); return ``a``."""
        with self.write() as conn:
            _stories.merge(conn, a, b)
            # Event clusters fold within a story: those of the merged story fold again.
            _cluster.recluster_articles(conn, _stories.articles_of(conn, [a]))
            found = _stories.story(conn, a)
        assert found is not None
        return found

    def split_story(self, story_id: int, article_ids: Iterable[str]) -> dict[str, Any]:
        """Move these articles of a story into a new story (both sides pinned); return the new story."""
        ids = list(article_ids)
        _query.check_text(*ids)
        with self.write() as conn:
            new_id = _stories.split(conn, story_id, ids)
            # Clusters folded within the story are taken apart where the split runs between them.
            _cluster.recluster_articles(conn, _stories.articles_of(conn, [story_id, new_id]))
            found = _stories.story(conn, new_id)
        assert found is not None
        return found

    # -- reading -----------------------------------------------------------

    def stories(self, *, since: str | None = None, until: str | None = None, entity: str | None = None,
                q: str | None = None, limit: int = 50, cursor: str | None = None) -> Page:
        """Stories (every report of one real-world event), latest first; see docs/stories.md."""
        with self.read() as conn:
            return _stories.stories(conn, since=since, until=until, entity=entity, q=q, limit=limit,
                                    cursor=cursor)

    def story(self, story_id: int) -> dict[str, Any] | None:
        with self.read() as conn:
            return _stories.story(conn, story_id)

    def story_entities(self, story_id: int, *, limit: int = 50) -> list[dict[str, Any]]:
        """The resolved entities of a story's articles (``articles``, ``mentions``), most articles first.

        The story's events, clusters and places are the event queries with
        ``EventFilter(story=story_id)`` (:meth:`clusters`, :meth:`clusters_table`,
        :meth:`map_points`...).
        """
        with self.read() as conn:
            return _stories.story_entities(conn, story_id, limit=limit)

    def story_quotes(self, story_id: int, *, limit: int = 50, cursor: str | None = None) -> Page:
        """Who said what in a story: one page of its quotes grouped by resolved speaker.

        Items are ``{"speaker_id", "speaker", "n", "quotes": [...]}``, the most
        quoted speaker first and the unattributed quotes last; ``limit`` counts
        quotes, and a speaker cut by the page goes on in the next page's first group.
        """
        with self.read() as conn:
            page: Page = _stories.story_quotes(conn, story_id, limit=limit, cursor=cursor)
        return page

    def story_quote_count(self, story_id: int) -> int:
        """How many quotes a story's articles hold."""
        with self.read() as conn:
            return _stories.story_quote_count(conn, story_id)

    def article(self, article_id: str) -> dict[str, Any] | None:
        with self.read() as conn:
            return _query.article_record(conn, article_id)

    def articles(self, **kw: Any) -> Page:
        with self.read() as conn:
            return _query.articles(conn, **kw)

    def events(self, flt: EventFilter | None = None, **kw: Any) -> Page:
        with self.read() as conn:
            return _query.events(conn, flt or EventFilter(), **kw)

    def clusters(self, flt: EventFilter | None = None, **kw: Any) -> Page:
        with self.read() as conn:
            return _query.clusters(conn, flt or EventFilter(), **kw)

    def cluster(self, cluster_id: int) -> dict[str, Any] | None:
        page = self.clusters(EventFilter(cluster=cluster_id), limit=1)
        return page.items[0] if page.items else None

    def entities(self, **kw: Any) -> Page:
        with self.read() as conn:
            return _query.entities(conn, **kw)

    def entity(self, gid: int) -> dict[str, Any] | None:
        with self.read() as conn:
            return _query.entity(conn, gid)

    def quotes(self, **kw: Any) -> Page:
        with self.read() as conn:
            return _query.quotes(conn, **kw)

    def search(self, query: str, **kw: Any) -> Page:
        with self.read() as conn:
            return _query.search(conn, query, **kw)

    def timeline(self, ref: str) -> list[dict[str, Any]]:
        with self.read() as conn:
            return _query.timeline(conn, ref)

    def timeline_page(self, ref: str, **kw: Any) -> Page:
        """One page of :meth:`timeline` (``limit``, ``cursor``)."""
        with self.read() as conn:
            return _query.timeline_page(conn, ref, **kw)

    def itinerary(self, ref: str) -> list[dict[str, Any]]:
        with self.read() as conn:
            return _query.itinerary(conn, ref)

    def itinerary_page(self, ref: str, **kw: Any) -> Page:
        """One page of :meth:`itinerary` (``limit``, ``cursor``)."""
        with self.read() as conn:
            return _query.itinerary_page(conn, ref, **kw)

    def counts(self) -> dict[str, int]:
        with self.read() as conn:
            return _query.counts(conn)

    def totals(self) -> dict[str, int]:
        """:meth:`counts` with the stories and the followed sources (what ``/metrics`` shows)."""
        with self.read() as conn:
            found = _query.counts(conn)
            for name, table in (("stories", s.stories), ("sources", _sources_state.sources)):
                found[name] = int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            return found

    # -- tables, maps and the network (what the web pages show) ------------

    def reports_table(self, flt: EventFilter | None = None, *, sort: str = "date", desc: bool = False,
                      limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """One page of event reports sorted by any of ``REPORT_SORTS``, and how many match.

        Unlike :meth:`events`, the table is paged by offset (it jumps to any
        page and sorts by any column) and counts the matching reports.

        Raises:
            StoreError: ``[T536]`` an unknown sort key, ``[T531]`` a limit out
                of 1 to ``TABLE_MAX``, ``[T537]`` a negative offset.
        """
        with self.read() as conn:
            return _tables.reports_table(conn, flt or EventFilter(), sort=sort, desc=desc,
                                         limit=limit, offset=offset)

    def clusters_table(self, flt: EventFilter | None = None, *, sort: str = "date", desc: bool = False,
                       limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """One page of event clusters sorted by any of ``CLUSTER_SORTS``, and how many match.

        A cluster matches by its own type, date and country, and by its reports
        for the other filters (actor, target, entity, modality, place, article,
        source). Raises as :meth:`reports_table`.
        """
        with self.read() as conn:
            return _tables.clusters_table(conn, flt or EventFilter(), sort=sort, desc=desc,
                                          limit=limit, offset=offset)

    def publishers(self, limit: int = 200) -> list[str]:
        """The publishers of stored articles, by name."""
        with self.read() as conn:
            return _tables.publishers(conn, limit)

    def recent_articles(self, limit: int = 12) -> list[dict[str, Any]]:
        """The latest articles by publication date (id, headline, published, publisher)."""
        with self.read() as conn:
            return _tables.recent_articles(conn, _query._limit(limit))

    def date_range(self) -> tuple[str, str]:
        """The first and last day of the dated event reports (``("", "")`` when none)."""
        with self.read() as conn:
            return _tables.date_range(conn)

    def entity_roles(self, gid: int) -> list[dict[str, Any]]:
        """The roles (title, org, country) articles give an entity, each with its first date."""
        with self.read() as conn:
            return _tables.entity_roles(conn, gid)

    def entity_sector(self, gid: int) -> str | None:
        """The sector an article gives an entity, if any."""
        with self.read() as conn:
            return _tables.entity_sector(conn, gid)

    def article_entity_ids(self, article_id: str) -> dict[str, int]:
        """An article's local entity ids and the global entity each is linked to."""
        _query.check_text(article_id)
        with self.read() as conn:
            return _tables.article_entity_ids(conn, article_id)

    def map_points(self, flt: EventFilter | None = None) -> dict[str, Any]:
        """Event reports counted by place (with coordinates) and by country."""
        with self.read() as conn:
            return _maps.map_points(conn, flt or EventFilter())

    def itinerary_map(self, ref: str) -> list[dict[str, Any]]:
        """:meth:`itinerary` with each stop's ``lat``, ``lon`` and ``event_local`` (local id)."""
        with self.read() as conn:
            return _maps.itinerary_map(conn, ref)

    def network(self, flt: EventFilter | None = None, *, max_edges: int = _maps.MAX_EDGES,
                use_counts: bool = True) -> dict[str, Any]:
        """Who acts on whom: ``{"nodes", "edges", "total_edges"}`` of the strongest pairs.

        Each edge is an actor -> target pair with its number of reports, how
        many are cooperative and conflictual, and its counts by type. Without a
        filter the store's kept pair counts are read (unless ``use_counts`` is
        false); with one, the matching reports are counted.
        """
        with self.read() as conn:
            return _maps.network(conn, flt or EventFilter(), max_edges=max_edges,
                                 use_counts=use_counts)

    # -- followed sources (tidings follow) ----------------------------------

    def add_source(self, url: str, *, name: str | None = None, language: str | None = None,
                   interval: int = 900) -> tuple[dict[str, Any], bool]:
        """Follow a feed or sitemap, or update the settings of the one with this URL.

        Returns:
            The source, and whether it is new.
        """
        with self.write() as conn:
            return _sources_state.add_source(conn, url, name=name, language=language, interval=interval)

    def source(self, ref: str | int) -> dict[str, Any] | None:
        """A followed source by id or URL, with its validators and counters."""
        with self.read() as conn:
            return _sources_state.get_source(conn, ref)

    def sources(self) -> list[dict[str, Any]]:
        """Every followed source, in the order added."""
        with self.read() as conn:
            return _sources_state.list_sources(conn)

    def sources_page(self, *, limit: int = 50, cursor: str | None = None) -> Page:
        """One page of followed sources in the order added, each with its counters and its lag
        (``lag_items``, ``lag_median_s``, ``lag_p95_s``: see :meth:`source_lags`)."""
        with self.read() as conn:
            return _sources_state.sources_page(conn, limit=limit, cursor=cursor)

    def source_report(self, ref: str | int) -> dict[str, Any]:
        """A followed source with its counters and its lag, as :meth:`sources_page` gives it. Raises NotFound."""
        with self.read() as conn:
            found = _sources_state._need(conn, ref)
            return found | _sources_state.lags(conn, [found["id"]]).get(found["id"], _sources_state.NO_LAG)

    def source_lags(self) -> dict[int, dict[str, Any]]:
        """By source id: the lag from an item's publication (its feed's date) to its article's
        storage, over the latest ``LAG_WINDOW`` items stored: ``lag_items``, ``lag_median_s``,
        ``lag_p95_s``. Sources with no dated item stored are left out."""
        with self.read() as conn:
            return _sources_state.lags(conn)

    def remove_source(self, ref: str | int) -> dict[str, Any]:
        """Stop following a source and forget its items; the articles stay. Raises NotFound."""
        with self.write() as conn:
            return _sources_state.remove_source(conn, ref)

    def update_source(self, ref: str | int, *, bump: dict[str, int] | None = None,
                      error_kind: str | None = None, **values: Any) -> dict[str, Any]:
        """Set a source's state (``paused``, ``etag``, ``last_error``...), add to its counters
        (``bump={"fetched": 1}``) and count an error of ``error_kind``. Raises NotFound."""
        with self.write() as conn:
            return _sources_state.update_source(conn, ref, bump=bump, error_kind=error_kind, **values)

    def source_items(self, source_id: int) -> dict[str, dict[str, Any]]:
        """The items seen in a source by canonical URL (entry and content hashes, article id)."""
        with self.read() as conn:
            return _sources_state.seen_items(conn, source_id)

    def see_source_item(self, source_id: int, url: str, *, entry_hash: str,
                        content_hash: str | None = None, article_id: str | None = None,
                        published: str | None = None, stored_at: str | None = None) -> bool:
        """Record an item seen in a source; return whether it is new.

        ``stored_at`` (ISO-8601 UTC), given when its article is first stored, and
        the item's ``published`` time make its lag (see :meth:`source_lags`).
        """
        with self.write() as conn:
            return _sources_state.see_item(conn, source_id, url, entry_hash=entry_hash,
                                           content_hash=content_hash, article_id=article_id,
                                           published=published, stored_at=stored_at)

    # -- watches (saved queries, their matches and deliveries) -------------

    def add_watch(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        """Save a watch (see docs/live.md); the result holds its webhook ``secret`` this once.

        Raises:
            QueryError: ``[T630]``-``[T635]`` a bad field of the spec.
        """
        with self.write() as conn:
            return _watches.add_watch(conn, spec)

    def watches(self) -> list[dict[str, Any]]:
        """Every watch, in the order added (``secret_set`` tells whether it signs; never the secret)."""
        with self.read() as conn:
            return _watches.list_watches(conn)

    def watch(self, watch_id: int) -> dict[str, Any]:
        """One watch. Raises NotFound ``[T636]``."""
        with self.read() as conn:
            return _watches.get_watch(conn, watch_id)

    def remove_watch(self, watch_id: int) -> dict[str, Any]:
        """Delete a watch and its matches; return it. Raises NotFound ``[T636]``."""
        with self.write() as conn:
            return _watches.remove_watch(conn, watch_id)

    def set_watch_paused(self, watch_id: int, paused: bool) -> dict[str, Any]:
        """Pause a watch (it matches nothing and delivers nothing) or resume it."""
        with self.write() as conn:
            return _watches.set_paused(conn, watch_id, paused)

    def test_watch(self, spec: Mapping[str, Any], *, limit: int = 20) -> list[dict[str, Any]]:
        """What a spec would match in the store now, latest first; records nothing."""
        with self.read() as conn:
            return _watches.test_watch(conn, spec, limit=limit)

    def watch_matches(self, watch_id: int, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """A watch's matches, newest first, with their payload and delivery state."""
        with self.read() as conn:
            return _watches.watch_matches(conn, watch_id, limit=limit, offset=offset)

    def watch_match_count(self, watch_id: int) -> int:
        """How many matches a watch has."""
        with self.read() as conn:
            return _watches.count_matches(conn, watch_id)

    def due_deliveries(self, now: str, *, limit: int = 50) -> list[dict[str, Any]]:
        """Pending webhook deliveries due at ``now`` (ISO-8601), oldest match first.

        Each: ``match_id``, ``watch_id``, ``webhook_url``, ``secret``,
        ``idempotency_key``, ``payload``, ``attempts``, ``published``, ``kind``,
        ``matched_at``. Deliveries of paused watches wait.
        """
        with self.read() as conn:
            return _watches.due_deliveries(conn, now, limit=limit)

    def record_delivery(self, match_id: int, *, ok: bool, at: str, error: str | None = None,
                        next_attempt_at: str | None = None, dead: bool = False) -> None:
        """Record a delivery attempt: ``ok``, or failed and due again at ``next_attempt_at``, or ``dead``."""
        with self.write() as conn:
            _watches.record_delivery(conn, match_id, ok=ok, at=at, error=error,
                                     next_attempt_at=next_attempt_at, dead=dead)

    def requeue_delivery(self, match_id: int) -> None:
        """Put a dead delivery back in the queue (due now, attempts reset)."""
        with self.write() as conn:
            _watches.requeue(conn, match_id)

    def dead_letters(self, watch_id: int | None = None) -> list[dict[str, Any]]:
        """Deliveries given up on, newest first."""
        with self.read() as conn:
            return _watches.dead_letters(conn, watch_id)

    def watch_counters(self) -> list[dict[str, Any]]:
        """Per watch: ``matches``, ``pending``, ``delivered``, ``dead``, ``failed_attempts``,
        ``lag_median_s`` and ``lag_p95_s`` (publication to delivery, over delivered matches)."""
        with self.read() as conn:
            return _watches.watch_counters(conn)

    def migrations(self) -> list[str]:
        return _migrations.applied(self.engine)
