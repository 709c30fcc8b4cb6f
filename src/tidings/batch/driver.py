"""The driver: one streaming path from read to write, for every way in.

The driver reads items lazily (articles from :func:`tidings.ingest.read_paths`,
or records already analysed), skips articles already written, groups the rest
into chunks and hands each chunk to an executor: this process, a Dask
``LocalCluster`` of worker processes, or an existing Dask scheduler. Every
executor runs the same function on a chunk,
:func:`tidings.batch.work.process_chunk`, which returns records; the driver
alone writes them to a sink (a stream, partition files or the store) and
reports each failure. A bounded number of chunks is in flight at once, so
memory stays flat however large the input is.

``tidings batch`` (:func:`run_batch`), ``tidings read``, ``tidings ingest`` and
the API's ``POST /articles`` (:mod:`tidings.batch.runs`) all go through it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from tidings.batch.executors import Executor, make_executor
from tidings.batch.sinks import DEFAULT_PARTITION_SIZE, ERRORS_NAME, ErrorLog, PartitionSink, Sink
from tidings.batch.store_sink import StoreSink
from tidings.batch.summary import BatchSummary, Counters
from tidings.batch.work import ChunkResult, ItemFailure, WorkSettings, source_of
from tidings.errors import ConfigError, Skipped
from tidings.ingest import Failure, ReadOptions, read_paths
from tidings.records import Article

logger = logging.getLogger(__name__)

# Articles per task sent to a worker: two nlp.pipe batches, so the per-task
# overhead of Dask (tens of milliseconds) is small next to the work (seconds),
# while a chunk of news texts stays a few hundred kilobytes on the wire.
DEFAULT_CHUNK_SIZE = 32

ProgressFn = Callable[..., None]
FailureFn = Callable[[ItemFailure], None]
SkipFn = Callable[[Skipped], None]
# What the driver reads: articles, reading failures and skips, or records
# already analysed (``tidings ingest --records``), which go straight to the sink.
Item = Article | Failure | Skipped | dict[str, Any]


def _input_bytes(sources: Sequence[str], counters: Counters) -> None:
    """Sum the sizes of the input files (walking directories) for the progress estimate."""
    total = 0
    for source in sources:
        if source == "-":
            return  # stdin has no size: no estimate
        if os.path.isdir(source):
            for root, _dirs, files in os.walk(source):
                for name in files:
                    if not name.startswith("."):
                        try:
                            total += os.path.getsize(os.path.join(root, name))
                        except OSError:
                            continue
        elif os.path.isfile(source):
            total += os.path.getsize(source)
    counters.bytes_total = total


class Driver:
    """One run: reads, screens, submits, collects, writes and reports.

    Args:
        sink: where records go.
        executor: what analyses chunks; ``None`` when only records are fed.
        chunk_size: articles per chunk.
        errors: a file that gets every failure as a JSON line.
        counters: the running counts (a new set when ``None``).
        progress: called with the counts after each chunk.
        on_failure: called with each failure (its :meth:`ItemFailure.line` is
            what people are shown).
        on_skip: called with each input that reading skipped.
        skip_done: skip articles the sink holds already, and a second copy of
            one on its way; ``False`` analyses and writes every article.
        eager: write each chunk as soon as it is submitted (no chunk waits for
            the next one to be read), for output that streams; otherwise up to
            the executor's capacity of chunks are in flight while reading goes on.

    Chunks are written in the order they were read, whichever worker finishes
    first (a chunk done early waits for the ones before it, and counts against
    the capacity meanwhile): what a sink makes of the order (the store's
    stories, which assign each article given the ones before it) is the same
    with parallel workers as in one process.
    """

    def __init__(
        self,
        sink: Sink,
        executor: Executor | None,
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        errors: ErrorLog | None = None,
        counters: Counters | None = None,
        progress: ProgressFn | None = None,
        on_failure: FailureFn | None = None,
        on_skip: SkipFn | None = None,
        skip_done: bool = True,
        eager: bool = False,
    ) -> None:
        if chunk_size < 1:
            raise ConfigError(f"[T814] the chunk size must be at least 1, not {chunk_size}")
        self.sink = sink
        self.executor = executor
        self.errors = errors
        self.counters = counters if counters is not None else Counters()
        self.chunk_size = chunk_size
        self.progress = progress
        self.on_failure = on_failure
        self.on_skip = on_skip
        self.skip_done = skip_done
        self.eager = eager
        self.started = time.perf_counter()
        self._in_flight_ids: set[str] = set()
        self._chunks: dict[int, list[tuple[str, str]]] = {}
        self._next_key = 0
        self._finished: dict[int, ChunkResult | BaseException] = {}  # done, waiting for earlier chunks
        self._next_write = 0
        self._chunk: list[Article] = []
        self._last_source: str | None = None
        self.errors_written = False

    # -- reading side

    def feed(self, items: Iterable[Item]) -> Counters:
        """Take every item through to the sink; return the counts."""
        candidates: list[Article] = []
        for item in items:
            self.counters.items_seen += 1
            if isinstance(item, Failure):
                self._see_source(item.source)
                self._fail(ItemFailure(item.source, None, "read", item.reason, item.message))
                continue
            if isinstance(item, Skipped):
                self.counters.skipped[item.reason] += 1
                if self.on_skip is not None:
                    self.on_skip(item)
                continue
            self.counters.read += 1
            if isinstance(item, dict):  # a record: analysed already
                self._write(ChunkResult([item]))
                self._tick()
                continue
            self._see_source(item.source_path)
            candidates.append(item)
            if len(candidates) >= self.chunk_size:
                self._screen(candidates)
                candidates = []
        self._screen(candidates)
        if self._chunk:
            self._submit()
        while self.executor is not None and self.executor.in_flight():
            self._collect()
        self._tick(final=True)
        return self.counters

    def _executor(self) -> Executor:
        if self.executor is None:
            raise ConfigError("[T817] articles need analysing, but this run has no executor")
        return self.executor

    def _see_source(self, source: str) -> None:
        if source != self._last_source:
            self._last_source = source
            # A URL, stdin or an entry name has no size to count.
            with contextlib.suppress(OSError):
                self.counters.bytes_seen += os.path.getsize(source)

    def _screen(self, candidates: list[Article]) -> None:
        """Skip articles already written or already on their way; chunk the rest."""
        if not candidates:
            return
        done = self.sink.done([a.id for a in candidates]) if self.skip_done else set()
        for article in candidates:
            article_id = article.id
            if self.skip_done:
                if article_id in done or article_id in self._in_flight_ids:
                    self.counters.skipped["done"] += 1
                    continue
                self._in_flight_ids.add(article_id)
            self._chunk.append(article)
            if len(self._chunk) >= self.chunk_size:
                self._submit()
        self._tick()

    def _submit(self) -> None:
        executor = self._executor()
        while executor.in_flight() and executor.in_flight() + len(self._finished) >= executor.capacity:
            self._collect()
        key, self._next_key = self._next_key, self._next_key + 1
        chunk, self._chunk = self._chunk, []
        self._chunks[key] = [(a.id, source_of(a)) for a in chunk]
        executor.submit(key, chunk)
        if self.eager:
            while executor.in_flight():
                self._collect()

    # -- writing side

    def _collect(self) -> None:
        key, done = self._executor().next_done()
        self._finished[key] = done
        while self._next_write in self._finished:
            self._take(self._next_write, self._finished.pop(self._next_write))
            self._next_write += 1

    def _take(self, key: int, result: ChunkResult | BaseException) -> None:
        members = self._chunks.pop(key)
        for article_id, _source in members:
            self._in_flight_ids.discard(article_id)
        if isinstance(result, ChunkResult):
            self._write(result)
        else:
            logger.warning("lost a chunk of %d articles: %s", len(members), result)
            for article_id, source in members:
                reason = type(result).__name__
                self._fail(ItemFailure(source, article_id, "worker", reason, str(result) or reason))
        self._tick()

    def _write(self, result: ChunkResult) -> None:
        self.counters.peak_rss = max(self.counters.peak_rss, result.peak_rss)
        if result.records:
            self.counters.stored += self.sink.write(result.records, on_error=self._refused)
        for record in result.records:
            self.counters.entities += len(record.get("entities") or ())
            self.counters.events += len(record.get("events") or ())
            self.counters.quotes += len(record.get("quotes") or ())
            self.counters.words += len(record.get("text", "").split())
        for failure in result.failures:
            self._fail(failure)

    def _refused(self, record: dict[str, Any], exc: Exception) -> None:
        source = str(record.get("source_path") or "-")
        if record.get("source_entry"):
            source = f"{source}#{record['source_entry']}"
        article_id = record.get("id")
        reason = type(exc).__name__
        self._fail(ItemFailure(source, str(article_id) if article_id else None, "write", reason, str(exc)))

    def _fail(self, failure: ItemFailure) -> None:
        self.counters.failed[failure.stage] += 1
        logger.info("failed (%s): %s", failure.stage, failure.line())
        if self.errors is not None:
            self.errors.write(failure.as_dict())
            self.errors_written = True
        if self.on_failure is not None:
            self.on_failure(failure)

    def _tick(self, *, final: bool = False) -> None:
        self.counters.elapsed = time.perf_counter() - self.started
        if self.progress is not None:
            self.progress(self.counters, final=final)


# Long only by its signature and docstring (the options of ``tidings batch``): the body is 24 lines.
def run_batch(
    sources: Sequence[str],
    sink: Sink,
    *,
    read_options: ReadOptions | None = None,
    settings: WorkSettings | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    use_dask: bool | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    in_flight: int | None = None,
    errors: ErrorLog | str | os.PathLike[str] | None = None,
    progress: ProgressFn | None = None,
    total: int | None = None,
) -> BatchSummary:
    """Stream articles from ``sources`` through the pipeline into ``sink``.

    Articles whose id the sink already holds are skipped, so a re-run (or a
    run resumed after a crash) writes only what is missing. A failure on one
    input or one article goes to ``errors`` and the batch goes on. The sink,
    the errors file and any workers started here are closed at the end, also
    when the run is interrupted (what was written so far is committed).

    Args:
        sources: files, directories (read recursively) or ``-`` for stdin;
            every format that :func:`tidings.ingest.read_paths` reads.
        sink: where records go (:class:`PartitionSink`, or a store sink).
        read_options: how to read the inputs.
        settings: what the workers run (pipeline stages, ``nlp.pipe`` batch size,
            actor dictionaries and entity data files).
        workers: worker processes on this machine; more than one starts a
            Dask ``LocalCluster`` (one thread per worker).
        scheduler: address of an existing Dask scheduler (``tcp://host:8786``).
        use_dask: force Dask even for one worker (``True``), or decide from
            ``workers`` and ``scheduler`` (``None``).
        chunk_size: articles per task.
        in_flight: chunks in flight at once (default: two per worker).
        errors: an :class:`ErrorLog` or a path for failures (JSON Lines);
            ``None`` only counts them.
        progress: called with the running counts after each chunk (e.g. a
            :class:`Progress`).
        total: the number of articles, when known, for the progress ETA.

    Returns:
        The summary of the run.
    """
    if chunk_size < 1:
        raise ConfigError(f"[T814] the chunk size must be at least 1, not {chunk_size}")
    settings = settings or WorkSettings()
    error_log = errors if isinstance(errors, ErrorLog) or errors is None else ErrorLog(errors)
    counters = Counters(total=total)
    if progress is not None and total is None:
        threading.Thread(target=_input_bytes, args=(list(sources), counters), daemon=True).start()
    setup_started = time.perf_counter()
    executor = _start(sink, settings, workers=workers, scheduler=scheduler, use_dask=use_dask,
                      in_flight=in_flight)
    setup_seconds = time.perf_counter() - setup_started
    driver = Driver(sink, executor, chunk_size=chunk_size, errors=error_log, counters=counters, progress=progress)
    try:
        driver.feed(read_paths(sources, read_options))
    finally:
        try:
            executor.close()
        finally:
            sink.close()
            if error_log is not None:
                error_log.close()
    errors_path = str(error_log.path) if error_log is not None and driver.errors_written else None
    return _summary(counters, setup_seconds=setup_seconds, workers=executor.workers,
                    destination=sink.description, errors_path=errors_path)


def _summary(counters: Counters, *, setup_seconds: float, workers: int, destination: str,
             errors_path: str | None) -> BatchSummary:
    return BatchSummary(
        read=counters.read,
        stored=counters.stored,
        skipped=dict(counters.skipped),
        failed=dict(counters.failed),
        entities=counters.entities,
        events=counters.events,
        quotes=counters.quotes,
        words=counters.words,
        seconds=counters.elapsed,
        setup_seconds=setup_seconds,
        peak_rss=counters.peak_rss,
        workers=workers,
        destination=destination,
        errors_path=errors_path,
    )


def _start(sink: Sink, settings: WorkSettings, *, workers: int, scheduler: str | None,
           use_dask: bool | None, in_flight: int | None) -> Executor:
    """Check the entity options and start the executor; close ``sink`` when either fails."""
    try:
        if settings.nlp and (settings.actors or settings.entity_data):
            # A bad dictionary or data file stops the run here, once, not in every worker.
            # (Imported here: the entity stage loads spaCy, which a run without options never needs here.)
            from tidings.nlp.components.entities import check_entity_options

            check_entity_options(settings.actors, settings.entity_data)
        return make_executor(
            settings, workers=workers, scheduler=scheduler, use_dask=use_dask, capacity=in_flight
        )
    except BaseException:
        sink.close()
        raise


def open_sink(
    *,
    out: str | os.PathLike[str] | None = None,
    db: str | None = None,
    out_format: str = "jsonl",
    partition_size: int = DEFAULT_PARTITION_SIZE,
) -> Sink:
    """Open the sink for ``--out DIR`` (partition files) or ``--db URL`` (the store).

    Args:
        out: a directory for partition files.
        db: a store URL or SQLite path.
        out_format: ``jsonl`` or ``parquet`` (``out`` only).
        partition_size: records per partition file (``out`` only).

    Returns:
        The sink; :func:`run_batch` closes it.
    """
    if (out is None) == (db is None):
        raise ConfigError("[T815] give exactly one destination: --out DIR or --db URL")
    if out is not None:
        return PartitionSink(out, fmt=out_format, partition_size=partition_size)
    return StoreSink(str(db))


def default_errors_path(*, out: str | os.PathLike[str] | None = None, db: str | None = None) -> Path:
    """Where failures go by default: ``OUT/errors.jsonl``, else ``errors.jsonl`` here."""
    if out is not None:
        return Path(out) / ERRORS_NAME
    return Path(ERRORS_NAME)
