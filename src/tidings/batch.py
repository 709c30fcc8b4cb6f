"""Batch: stream many articles through the pipeline, on one machine or a Dask cluster.

The driver (this process) reads the inputs lazily with
:func:`tidings.ingest.read_paths`, skips articles already written, groups the
rest into chunks and hands each chunk to an executor: this process, a Dask
``LocalCluster`` of worker processes, or an existing Dask scheduler. Every
executor runs the same function on a chunk,
:func:`tidings._batch.work.process_chunk`, which returns records; the driver
alone writes them to a sink (partition files or the store) and the failures to
an errors file. A bounded number of chunks is in flight at once, so memory
stays flat however large the input is.

Example:
    >>> from tidings.batch import PartitionSink, run_batch
    >>> summary = run_batch(["news/"], PartitionSink("out/"), workers=2)  # doctest: +SKIP
    >>> summary.stored  # doctest: +SKIP
    417
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from tidings._batch.executors import DaskExecutor, Executor, InlineExecutor, make_executor
from tidings._batch.progress import Progress
from tidings._batch.sinks import (
    DEFAULT_PARTITION_SIZE,
    ERRORS_NAME,
    OUT_FORMATS,
    ErrorLog,
    PartitionSink,
    Sink,
    read_partitions,
)
from tidings._batch.summary import BatchSummary, Counters
from tidings._batch.work import ChunkResult, ItemFailure, WorkSettings, process_chunk, source_of
from tidings.errors import ConfigError, Skipped
from tidings.ingest import Failure, ReadOptions, read_paths
from tidings.records import Article

logger = logging.getLogger(__name__)

__all__ = [
    "BatchSummary",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_PARTITION_SIZE",
    "DaskExecutor",
    "ErrorLog",
    "Executor",
    "InlineExecutor",
    "OUT_FORMATS",
    "PartitionSink",
    "Progress",
    "Sink",
    "WorkSettings",
    "default_errors_path",
    "make_executor",
    "open_sink",
    "process_chunk",
    "read_partitions",
    "run_batch",
]

# Articles per task sent to a worker: two nlp.pipe batches, so the per-task
# overhead of Dask (tens of milliseconds) is small next to the work (seconds),
# while a chunk of news texts stays a few hundred kilobytes on the wire.
DEFAULT_CHUNK_SIZE = 32

ProgressFn = Callable[..., None]


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


class _Driver:
    """One batch run: reads, screens, submits, collects and writes."""

    def __init__(
        self,
        sink: Sink,
        executor: Executor,
        errors: ErrorLog | None,
        counters: Counters,
        chunk_size: int,
        progress: ProgressFn | None,
    ) -> None:
        self.sink = sink
        self.executor = executor
        self.errors = errors
        self.counters = counters
        self.chunk_size = chunk_size
        self.progress = progress
        self.started = time.perf_counter()
        self._in_flight_ids: set[str] = set()
        self._chunks: dict[int, list[tuple[str, str]]] = {}
        self._next_key = 0
        self._chunk: list[Article] = []
        self._last_source: str | None = None
        self.errors_written = False

    # -- reading side

    def feed(self, items: Iterable[Article | Failure | Skipped]) -> None:
        candidates: list[Article] = []
        for item in items:
            self.counters.items_seen += 1
            if isinstance(item, Failure):
                self._see_source(item.source)
                self._fail(ItemFailure(item.source, None, "read", item.reason, item.message))
                continue
            if isinstance(item, Skipped):
                self.counters.skipped[item.reason] += 1
                continue
            self._see_source(item.source_path)
            self.counters.read += 1
            candidates.append(item)
            if len(candidates) >= self.chunk_size:
                self._screen(candidates)
                candidates = []
        self._screen(candidates)
        if self._chunk:
            self._submit()
        while self.executor.in_flight():
            self._collect()
        self._tick(final=True)

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
        done = self.sink.done([a.id for a in candidates])
        for article in candidates:
            article_id = article.id
            if article_id in done or article_id in self._in_flight_ids:
                self.counters.skipped["done"] += 1
                continue
            self._in_flight_ids.add(article_id)
            self._chunk.append(article)
            if len(self._chunk) >= self.chunk_size:
                self._submit()
        self._tick()

    def _submit(self) -> None:
        while self.executor.in_flight() >= self.executor.capacity:
            self._collect()
        key, self._next_key = self._next_key, self._next_key + 1
        chunk, self._chunk = self._chunk, []
        self._chunks[key] = [(a.id, source_of(a)) for a in chunk]
        self.executor.submit(key, chunk)

    # -- writing side

    def _collect(self) -> None:
        key, result = self.executor.next_done()
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
            self.counters.stored += self.sink.write(result.records)
        for record in result.records:
            self.counters.entities += len(record.get("entities") or ())
            self.counters.events += len(record.get("events") or ())
            self.counters.quotes += len(record.get("quotes") or ())
            self.counters.words += len(record.get("text", "").split())
        for failure in result.failures:
            self._fail(failure)

    def _fail(self, failure: ItemFailure) -> None:
        self.counters.failed[failure.stage] += 1
        logger.info("failed (%s): %s: %s", failure.stage, failure.source, failure.message)
        if self.errors is not None:
            self.errors.write(failure.as_dict())
            self.errors_written = True

    def _tick(self, *, final: bool = False) -> None:
        self.counters.elapsed = time.perf_counter() - self.started
        if self.progress is not None:
            self.progress(self.counters, final=final)


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
    try:
        if settings.nlp and (settings.actors or settings.entity_data):
            # A bad dictionary or data file stops the run here, once, not in every worker.
            from tidings.nlp.components.entities import check_entity_options

            check_entity_options(settings.actors, settings.entity_data)
        executor = make_executor(
            settings, workers=workers, scheduler=scheduler, use_dask=use_dask, capacity=in_flight
        )
    except BaseException:
        sink.close()
        raise
    setup_seconds = time.perf_counter() - setup_started
    driver = _Driver(sink, executor, error_log, counters, chunk_size, progress)
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
        workers=executor.workers,
        destination=sink.description,
        errors_path=errors_path,
    )


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
    from tidings._batch.store import StoreSink

    return StoreSink(str(db))


def default_errors_path(*, out: str | os.PathLike[str] | None = None, db: str | None = None) -> Path:
    """Where failures go by default: ``OUT/errors.jsonl``, else ``errors.jsonl`` here."""
    if out is not None:
        return Path(out) / ERRORS_NAME
    return Path(ERRORS_NAME)
