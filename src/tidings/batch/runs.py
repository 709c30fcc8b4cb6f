"""The ways in besides ``tidings batch``: read to a stream, ingest into the store, one API article.

Each is a thin setup of the one :class:`~tidings.batch.driver.Driver`, with
the inline executor (this process):

- :func:`read_sources` (``tidings read``): every article analysed and printed
  in input order as it comes; nothing is skipped as done.
- :func:`ingest_sources` (``tidings ingest``): articles the store holds are
  skipped; records of ``tidings read`` (``--records``) go straight to the store.
- :func:`add_article` (the API's ``POST /articles``): one article, analysed
  and stored, with the API's own analyser when it has one.

A failure is reported the same way by all of them (and by ``tidings batch``):
an :class:`~tidings.batch.work.ItemFailure`, whose one line
(:meth:`~tidings.batch.work.ItemFailure.line`) is what people see; the other
articles go on.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tidings.batch.driver import Driver, FailureFn, SkipFn
from tidings.batch.executors import InlineExecutor
from tidings.batch.sinks import Sink
from tidings.batch.store_sink import StoreSink
from tidings.batch.summary import Counters
from tidings.batch.work import Analyzer, ItemFailure, WorkSettings
from tidings.errors import IngestError, Skipped
from tidings.ingest import Failure, ReadOptions, read_paths
from tidings.records import Article

if TYPE_CHECKING:
    from tidings.store import IngestSummary, Store

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- records of `tidings read`


def _record_items(paths: Iterable[str]) -> Iterator[dict[str, Any] | Failure]:
    """Records from JSON Lines files, and a reading failure for each file or line that is not one."""
    for path in paths:
        with contextlib.ExitStack() as stack:
            try:
                stream: IO[bytes] = sys.stdin.buffer if path == "-" else stack.enter_context(
                    Path(path).open("rb"))
            except OSError as exc:
                yield Failure(path, "unreadable", f"[T524] {path}: cannot open the records: {exc.strerror or exc}")
                continue
            good = 0
            for n, raw in enumerate(stream, 1):
                problem = None
                try:
                    line = raw.decode("utf-8")
                    if not line.strip():
                        continue
                    record = json.loads(line)
                    if not isinstance(record, dict):
                        problem = "expected a JSON object per line"
                except UnicodeDecodeError:
                    problem = "not UTF-8 text"
                except json.JSONDecodeError as exc:
                    problem = f"not a JSON record: {exc.msg}"
                if problem is None:
                    good += 1
                    yield record
                elif good:
                    yield Failure(path, "invalid-json", f"[T523] {path}:{n}: {problem}")  # one broken line
                else:  # the file is not JSON Lines at all: one message for it
                    yield Failure(path, "invalid-json", f"[T523] {path}:{n}: {problem}; expected JSON Lines, one "
                                  "record per line (the output of 'tidings read'); the rest of the file is skipped")
                    break


def read_records(paths: Iterable[str], *,
                 on_error: Callable[[str], None] | None = None) -> Iterator[dict[str, Any]]:
    """Records from JSON Lines files (the output of ``tidings read``).

    Args:
        paths: JSON Lines files; ``-`` is standard input.
        on_error: called with a one-line message for a file that cannot be
            opened or a line that is not a JSON object, which is then skipped
            and the reading goes on; without it such a problem raises
            :class:`~tidings.errors.IngestError`.
    """
    for item in _record_items(paths):
        if isinstance(item, Failure):
            if on_error is None:
                raise IngestError(item.message)
            on_error(item.message)
        else:
            yield item


# ---------------------------------------------------------------- tidings read


def _inline(settings: WorkSettings | None, analyzer: Analyzer | None = None) -> tuple[InlineExecutor, int]:
    """The inline executor, and its chunk size: one ``nlp.pipe`` batch, so output streams as today."""
    executor = InlineExecutor(settings, analyzer=analyzer)
    if analyzer is not None:
        return executor, 1
    return executor, (settings or WorkSettings()).batch_size


def read_sources(paths: Iterable[str], sink: Sink, *, read_options: ReadOptions | None = None,
                 settings: WorkSettings | None = None, on_failure: FailureFn | None = None,
                 on_skip: SkipFn | None = None) -> Counters:
    """Read and analyse every article of ``paths`` and write its record to ``sink``, in input order.

    Nothing is skipped as done (a stream holds nothing). The sink is closed at the end.

    Args:
        paths: files, directories (read recursively) or ``-`` for stdin.
        sink: where records go (a :class:`~tidings.batch.sinks.StreamSink` for ``tidings read``).
        read_options: how to read the inputs.
        settings: what to run (``WorkSettings(nlp=False)`` only reads).
        on_failure: called with each input or article that failed.
        on_skip: called with each input reading skipped (language, not an article).

    Returns:
        The counts of the run.
    """
    try:
        executor, chunk_size = _inline(settings)
    except BaseException:
        sink.close()
        raise
    driver = Driver(sink, executor, chunk_size=chunk_size, on_failure=on_failure, on_skip=on_skip,
                    skip_done=False, eager=True)
    try:
        return driver.feed(read_paths(paths, read_options))
    finally:
        try:
            executor.close()
        finally:
            sink.close()


# ---------------------------------------------------------------- tidings ingest


def _summary() -> IngestSummary:
    from tidings.store import IngestSummary  # not at import: reading alone needs no database

    return IngestSummary()


@dataclass
class IngestReport:
    """What an ingest of sources did."""

    summary: IngestSummary = field(default_factory=_summary)
    skipped: int = 0  # stored already: not analysed again
    rejected: int = 0  # skipped by reading (another language, not an article)
    failures: list[str] = field(default_factory=list)  # one line each

    def as_dict(self) -> dict[str, Any]:
        return {**self.summary.as_dict(), "skipped": self.skipped, "rejected": self.rejected,
                "failed": len(self.failures)}


def ingest_sources(store: Store, paths: Iterable[str], *, published: str | None = None,
                   records: bool = False, settings: WorkSettings | None = None,
                   on_article: Callable[[str, str], None] | None = None,
                   on_failure: FailureFn | None = None) -> IngestReport:
    """Read, analyse and store sources; articles stored already are not analysed again.

    Args:
        store: where to store (left open).
        paths: files, directories, ``-``; with ``records`` JSON Lines of records.
        published: publication date for articles that carry none.
        records: the inputs are records from ``tidings read``, already analysed
            (each goes to the store, which reports the ones it holds as unchanged).
        settings: what to analyse with (the full pipeline by default; actor
            dictionaries and entity data files go here).
        on_article: called with each stored article's id and status.
        on_failure: called with each input or article that failed.

    Returns:
        Counts of added, replaced, unchanged, skipped and failed articles. An
        input that cannot be read, an article whose analysis fails and a record
        the store refuses are failures (one line each); the others are stored
        all the same.
    """
    report = IngestReport()

    def failed(failure: ItemFailure) -> None:
        report.failures.append(failure.line())
        if on_failure is not None:
            on_failure(failure)

    def skipped(item: Skipped) -> None:
        logger.info("skipped %s: %s", item.source, item.reason)

    sink = StoreSink(store=store, on_article=on_article)
    executor = None
    items: Iterable[Any]
    if records:
        chunk_size, items = 1, _record_items(paths)
    else:
        executor, chunk_size = _inline(settings)
        items = read_paths(paths, ReadOptions(published=published))
    driver = Driver(sink, executor, chunk_size=chunk_size, on_failure=failed, on_skip=skipped, eager=True)
    try:
        counters = driver.feed(items)
    finally:
        try:
            if executor is not None:
                executor.close()
        finally:
            sink.close()
    report.summary = sink.summary
    report.skipped = counters.skipped.get("done", 0)
    report.rejected = sum(n for reason, n in counters.skipped.items() if reason != "done")
    return report


# ---------------------------------------------------------------- one article (the API)


@dataclass(frozen=True, slots=True)
class Added:
    """What :func:`add_article` did with one article.

    Attributes:
        id: the article id.
        status: ``added``, ``replaced`` or ``unchanged``; ``None`` when it failed.
        events, entities: counted in its record.
        failure: why the article was left out, when it was.
    """

    id: str
    status: str | None
    events: int = 0
    entities: int = 0
    failure: ItemFailure | None = None


def add_article(store: Store, article: Article, *, analyzer: Analyzer | None = None) -> Added:
    """Analyse one article and store it, analysing it again when the store holds it.

    Args:
        store: where to store (left open).
        article: the article.
        analyzer: turns the article into its record instead of the pipeline.

    Returns:
        Its status and counts, or the failure that left it out.
    """
    failures: list[ItemFailure] = []
    statuses: list[str] = []
    sink = StoreSink(store=store, on_article=lambda _id, status: statuses.append(status))
    executor, _ = _inline(None, analyzer)
    driver = Driver(sink, executor, chunk_size=1, on_failure=failures.append, skip_done=False, eager=True)
    try:
        counters = driver.feed([article])
    finally:
        executor.close()
    if failures:
        return Added(article.id, None, failure=failures[0])
    return Added(article.id, statuses[0] if statuses else None, counters.events, counters.entities)
