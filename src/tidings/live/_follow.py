"""Follow sources: poll each feed or sitemap, fetch its new items' pages, read, analyse and store them.

The fetching (listings and pages) goes through the polite :class:`~tidings.live._http.Client`,
pages several at once in threads; reading, analysis and writing happen in
the calling thread, one article at a time, through the batch driver and a
:class:`~tidings.batch.StoreSink` (so an article is stored exactly as
``tidings ingest`` stores it). Every step's outcome is recorded in the store
(:meth:`~tidings.store.Store.see_source_item`) only once the article is
committed: a process killed at any point fetches again at most the items it
had not recorded, and stores nothing twice (the store is idempotent by id).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tidings.batch import Driver, InlineExecutor, ItemFailure, StoreSink, WorkSettings
from tidings.batch.work import Analyzer
from tidings.errors import FetchFailed, Skipped
from tidings.ingest import ReadOptions, read_bytes
from tidings.live._http import Client, Fetched, Politeness
from tidings.live._sources import (
    LISTING_TYPES,
    PAGE_TYPES,
    Entry,
    SourceSpec,
    check_type,
    parse_listing,
)
from tidings.live._urls import canonical_url, link_canonical
from tidings.records import Article

if TYPE_CHECKING:
    from tidings.store import Store

logger = logging.getLogger(__name__)

Event = Callable[[str, dict[str, Any]], None]


@dataclass
class PollReport:
    """What one poll of one source did."""

    source: str
    status: str = "ok"  # ok, not-modified, error
    entries: int = 0
    new: int = 0
    fetched_pages: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    retry: bool = False  # an item failed for now: to be tried again next round

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def content_hash(article: Article) -> str:
    """What makes an article's reading change: its headline and text."""
    return hashlib.sha256(f"{article.headline or ''}\x00{article.text}".encode()).hexdigest()


class Follower:
    """Poll followed sources and store their new and changed articles.

    Args:
        store: where sources, their state and the articles are (left open).
        politeness: the HTTP client's settings.
        settings: what to analyse with (the full pipeline by default).
        analyzer: turns an article into its record instead of the pipeline.
        workers: pages fetched at once (each host still gets at most
            ``politeness.per_host``).
        stop: set it (a signal handler does) to stop: the article being
            stored is finished, pages not yet stored are left for the next run.
        on_event: called with ``(kind, details)`` for each thing done (for the CLI's log).
        client: an HTTP client instead of one built from ``politeness``.
    """

    def __init__(self, store: Store, *, politeness: Politeness | None = None,
                 settings: WorkSettings | None = None, analyzer: Analyzer | None = None,
                 workers: int = 4, stop: threading.Event | None = None, on_event: Event | None = None,
                 client: Client | None = None) -> None:
        self.store = store
        self.stop = stop or threading.Event()
        self.client = client or Client(politeness, stop=self.stop)
        self._owns_client = client is None
        self.workers = max(1, workers)
        self.on_event = on_event
        self._executor = InlineExecutor(settings, analyzer=analyzer)
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="tidings-fetch")

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._executor.close()
        if self._owns_client:
            self.client.close()

    def __enter__(self) -> Follower:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _event(self, what: str, **details: Any) -> None:
        if self.on_event is not None:
            self.on_event(what, details)

    # -- sources -----------------------------------------------------------

    def add(self, specs: Iterable[SourceSpec]) -> list[dict[str, Any]]:
        """Follow these sources (their settings updated when followed already); return them."""
        return [self.store.add_source(s.url, name=s.name, language=s.language, interval=s.interval)[0]
                for s in specs]

    # -- rounds ------------------------------------------------------------

    def run_once(self, sources: Iterable[dict[str, Any]] | None = None) -> list[PollReport]:
        """Poll every source that is not paused once (or those given); stop early when asked."""
        reports = []
        for source in list(sources if sources is not None else self.store.sources()):
            if self.stop.is_set():
                break
            if not source["paused"]:
                reports.append(self.poll(source))
        return reports

    def run(self, *, sources: list[str] | None = None, max_wait: float = 60.0) -> None:
        """Poll each source on its own interval until :attr:`stop` is set.

        The sources are read from the store before each wait, so one added,
        paused or removed with ``tidings sources`` while this runs is taken
        into account within ``max_wait`` seconds.

        Args:
            sources: follow only these source URLs (all in the store when ``None``).
            max_wait: the longest sleep between two looks at the sources.
        """
        while not self.stop.is_set():
            now = time.time()
            due, next_due = [], now + max_wait
            for source in self.store.sources():
                if source["paused"] or (sources is not None and source["url"] not in sources):
                    continue
                when = _due(source)
                if when <= now:
                    due.append(source)
                else:
                    next_due = min(next_due, when)
            for source in due:
                if self.stop.is_set():
                    return
                self.poll(source)
                next_due = min(next_due, time.time() + source["interval"])
            self.stop.wait(max(0.0, min(next_due - time.time(), max_wait)) if not due else 0.0)

    # -- one source --------------------------------------------------------

    def poll(self, source: dict[str, Any]) -> PollReport:
        """Fetch a source's listing (conditionally) and store its new and changed articles."""
        report = PollReport(source["url"])
        sid = source["id"]
        stamp = _now()
        try:
            listing = self.client.fetch(source["url"], etag=source["etag"], last_modified=source["last_modified"],
                                        accept="application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                                               "text/xml;q=0.9, */*;q=0.5")
            if listing.not_modified:
                self.store.update_source(sid, last_fetch=stamp, last_success=stamp, bump={"not_modified": 1})
                report.status = "not-modified"
                self._event("not-modified", source=source["url"])
                return report
            check_type(listing.content_type, LISTING_TYPES, url=source["url"], what="feed")
            entries = parse_listing(listing.body, url=listing.final_url)
        except FetchFailed as exc:
            if exc.kind == "stopped":
                return report
            self._failed(sid, report, exc, stamp)
            return report
        report.entries = len(entries)
        seen = self.store.source_items(sid)
        todo = [e for e in entries if _wanted(e, seen.get(e.url))]
        report.new = sum(e.url not in seen for e in todo)
        self._event("listing", source=source["url"], entries=len(entries), to_fetch=len(todo))
        self._pages(source, todo, seen, report)
        # The validators are kept only when every item was handled: after a stop
        # mid-way, or a page to try again, the next round reads the listing again
        # rather than being told it has not changed.
        complete = not report.retry and not (self.stop.is_set() and todo)
        self.store.update_source(sid, last_fetch=stamp, last_success=stamp, bump={"fetched": 1},
                                 etag=listing.etag if complete else None,
                                 last_modified=listing.last_modified if complete else None)
        return report

    def _failed(self, sid: int, report: PollReport, exc: FetchFailed, stamp: str) -> None:
        report.status = "error"
        report.error(exc.kind)
        self.store.update_source(sid, last_fetch=stamp, last_error=str(exc), last_error_at=stamp,
                                 error_kind=exc.kind)
        self._event("error", source=report.source, kind=exc.kind, message=str(exc))

    def _pages(self, source: dict[str, Any], todo: list[Entry], seen: dict[str, dict[str, Any]],
               report: PollReport) -> None:
        """Fetch the pages a few ahead (at most twice the workers held at once) and store them in order."""
        pending = iter(todo)
        window: deque[tuple[Entry, Future[Fetched]]] = deque()

        def refill() -> None:
            while len(window) < 2 * self.workers and not self.stop.is_set():
                entry = next(pending, None)
                if entry is None:
                    return
                window.append((entry, self._pool.submit(
                    self.client.fetch, entry.url, accept="text/html, application/xhtml+xml;q=0.9, */*;q=0.1")))

        refill()
        try:
            while window and not self.stop.is_set():
                entry, future = window.popleft()
                try:
                    page = future.result()
                    check_type(page.content_type, PAGE_TYPES, url=entry.url, what="page")
                except FetchFailed as exc:
                    if exc.kind == "stopped":
                        break
                    self._page_failed(source, entry, seen.get(entry.url), exc, report)
                else:
                    report.fetched_pages += 1
                    self._store_page(source, entry, page, seen.get(entry.url), report)
                refill()
        finally:
            for _entry, future in window:
                future.cancel()

    def _page_failed(self, source: dict[str, Any], entry: Entry, item: dict[str, Any] | None,
                     exc: FetchFailed, report: PollReport) -> None:
        report.error(exc.kind)
        self.store.update_source(source["id"], last_error=str(exc), last_error_at=_now(), error_kind=exc.kind)
        self._event("error", source=source["url"], kind=exc.kind, message=str(exc))
        if _lasting(exc.kind):
            # Not worth fetching again until its feed entry changes: remembered with no content.
            self._see(source["id"], entry, item, "", None)
        else:
            report.retry = True

    def _store_page(self, source: dict[str, Any], entry: Entry, page: Fetched,
                    item: dict[str, Any] | None, report: PollReport) -> None:
        sid = source["id"]
        url = link_canonical(page.body, page.final_url) or canonical_url(page.final_url)
        allow = tuple(dict.fromkeys(("en", source["language"] or "en")))
        articles: list[Article] = []
        for read in read_bytes(page.body, source_path=url, options=ReadOptions(format="html", allow_languages=allow)):
            if isinstance(read, Article):
                articles.append(dataclasses.replace(read, url=url, publisher=read.publisher or source["name"]))
                continue
            if isinstance(read, Skipped):
                kind, detail = f"skipped-{read.reason}", read.detail or read.reason
            else:
                kind, detail = "read", read.message
            report.error(kind)
            self.store.update_source(sid, last_error=f"{url}: {detail}", last_error_at=_now(), error_kind=kind)
            self._event("error", source=source["url"], kind=kind, message=detail)
        if not articles:  # not an article, or not one to read: remembered, not fetched again
            self._see(sid, entry, item, "", None)
            return
        article = articles[0]
        digest = content_hash(article)
        if item is not None and item["content_hash"] == digest:
            self.store.see_source_item(sid, entry.url, entry_hash=entry.entry_hash)
            report.unchanged += 1
            return
        status = self._write(article, source, report)
        if status is None:
            return
        self._see(sid, entry, item, digest, article.id, stored=status == "added")
        if status == "added":
            report.added += 1
            self.store.update_source(sid, bump={"articles_added": 1})
        elif status == "replaced":
            report.updated += 1
            self.store.update_source(sid, bump={"articles_updated": 1})
        else:
            report.unchanged += 1
        self._event(status, source=source["url"], url=url, id=article.id, headline=article.headline)

    def _see(self, sid: int, entry: Entry, item: dict[str, Any] | None, digest: str,
             article_id: str | None, *, stored: bool = False) -> None:
        """Record an item; when its article was just added, with its publication time and now (its lag)."""
        new = self.store.see_source_item(sid, entry.url, entry_hash=entry.entry_hash, content_hash=digest,
                                         article_id=article_id, published=entry.published if stored else None,
                                         stored_at=_now(precise=True) if stored else None)
        if new:
            self.store.update_source(sid, bump={"items_seen": 1})

    def _write(self, article: Article, source: dict[str, Any], report: PollReport) -> str | None:
        """Analyse and store one article through the driver; its status, or None when it failed."""
        statuses: list[str] = []
        failures: list[ItemFailure] = []
        sink = StoreSink(store=self.store, on_article=lambda _id, status: statuses.append(status))
        driver = Driver(sink, self._executor, chunk_size=1, on_failure=failures.append, skip_done=False,
                        eager=True)
        driver.feed([article])
        if failures:
            line = failures[0].line()
            report.error("analysis")
            report.retry = True
            self.store.update_source(source["id"], last_error=line, last_error_at=_now(), error_kind="analysis")
            self._event("error", source=source["url"], kind="analysis", message=line)
            return None
        return statuses[0] if statuses else None


def _lasting(kind: str) -> bool:
    """A page failure that the next round would meet again (a wrong type, robots, a 404)."""
    if kind in ("content-type", "too-large", "robots", "redirect-loop", "too-many-redirects", "url"):
        return True
    return kind.startswith("http-4") and kind not in ("http-408", "http-429")


def _wanted(entry: Entry, item: dict[str, Any] | None) -> bool:
    """Fetch an item never read, or one whose feed entry changed since it was read."""
    return item is None or item["content_hash"] is None or item["entry_hash"] != entry.entry_hash


def _due(source: dict[str, Any]) -> float:
    if not source["last_fetch"]:
        return 0.0
    return datetime.fromisoformat(str(source["last_fetch"])).timestamp() + float(source["interval"])


def _now(*, precise: bool = False) -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds" if precise else "seconds")
