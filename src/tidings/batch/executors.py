"""Run chunks: in this process, or on Dask workers (a local cluster or a remote one).

Both executors call the same function, :func:`tidings.batch.work.process_chunk`,
and show the driver the same face: submit a chunk, wait for the next one that
is done. The driver keeps a bounded number of chunks in flight, so memory does
not grow with the size of the input.
"""

from __future__ import annotations

import importlib
import logging
import uuid
from collections import deque
from typing import Any, Protocol

from tidings.batch.work import Analyzer, ChunkResult, WorkSettings, process_chunk, warm_up
from tidings.errors import ConfigError
from tidings.records import Article

logger = logging.getLogger(__name__)


class Executor(Protocol):
    """Runs chunks of articles and hands back their results, as they complete."""

    capacity: int
    workers: int

    def submit(self, key: int, articles: list[Article]) -> None:
        """Start work on a chunk."""
        ...

    def in_flight(self) -> int:
        """Return how many submitted chunks have not been handed back yet."""
        ...

    def next_done(self) -> tuple[int, ChunkResult | BaseException]:
        """Block until a chunk is done; return its key and its result, or the error that lost it."""
        ...

    def close(self) -> None:
        """Stop the workers that this executor started."""
        ...


class InlineExecutor:
    """Runs each chunk in this process, when the driver asks for the result.

    Args:
        settings: what to run (the defaults when ``None``).
        analyzer: turns one article into its record instead of the pipeline
            (the API's injectable analyser); no model is loaded then.
    """

    workers = 1

    def __init__(self, settings: WorkSettings | None = None, *, analyzer: Analyzer | None = None) -> None:
        self.settings = settings
        self.analyzer = analyzer
        self.capacity = 1
        self._queue: deque[tuple[int, list[Article]]] = deque()
        if analyzer is None:
            warm_up(settings if settings is not None else WorkSettings())

    def submit(self, key: int, articles: list[Article]) -> None:
        self._queue.append((key, articles))

    def in_flight(self) -> int:
        return len(self._queue)

    def next_done(self) -> tuple[int, ChunkResult | BaseException]:
        key, articles = self._queue.popleft()
        try:
            return key, process_chunk(articles, self.settings, self.analyzer)
        except Exception as exc:  # reported like a lost Dask task
            return key, exc

    def close(self) -> None:
        self._queue.clear()


class DaskExecutor:
    """Runs chunks as Dask tasks: on a new ``LocalCluster`` or an existing scheduler.

    Args:
        settings: what each worker runs.
        workers: worker processes to start for a local cluster (one thread each).
        scheduler: address of an existing scheduler (``tcp://host:8786``);
            when given, no cluster is started.
        capacity: chunks in flight at once; by default two per worker thread,
            so each worker has the next chunk waiting when it finishes one.
        timeout: seconds to wait for the scheduler and the workers.
    """

    def __init__(
        self,
        settings: WorkSettings,
        *,
        workers: int = 1,
        scheduler: str | None = None,
        capacity: int | None = None,
        timeout: float = 120.0,
    ) -> None:
        try:
            # Typed as Any: distributed ships no usable annotations for these.
            dd: Any = importlib.import_module("distributed")
        except ImportError as exc:  # pragma: no cover - a dependency of tidings
            raise ConfigError(
                "[T810] parallel batches need Dask: pip install 'dask[distributed]'"
            ) from exc
        self.settings = settings
        self._cluster: Any = None
        self._client: Any = None
        try:
            if scheduler:
                self._client = dd.Client(scheduler, timeout=f"{timeout}s")
            else:
                self._cluster = dd.LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    # No dashboard; the scheduler's HTTP routes on a free port, so
                    # two batches on one machine never collide on 8787.
                    dashboard_address=None,
                    scheduler_kwargs={"dashboard_address": ":0"},
                    silence_logs=logging.ERROR,
                )
                self._client = dd.Client(self._cluster)
                self._client.wait_for_workers(workers, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            self.close()
            where = scheduler or f"a local cluster of {workers} workers"
            raise ConfigError(f"[T811] cannot reach {where}: {exc}") from exc
        # Each worker loads the model once, now, and for any worker that joins later.
        # (The plugin subclasses a distributed class: imported only when Dask runs.)
        from tidings.batch.plugin import WarmUp

        self._client.register_plugin(WarmUp(settings))
        self.workers = sum(self._client.nthreads().values()) or 1
        self.capacity = capacity or 2 * self.workers
        self._completed = dd.as_completed()
        self._keys: dict[Any, int] = {}
        self._run = uuid.uuid4().hex[:8]

    def submit(self, key: int, articles: list[Article]) -> None:
        future = self._client.submit(
            process_chunk, articles, self.settings, key=f"tidings-chunk-{self._run}-{key}", pure=False
        )
        self._keys[future.key] = key
        self._completed.add(future)

    def in_flight(self) -> int:
        return len(self._keys)

    def next_done(self) -> tuple[int, ChunkResult | BaseException]:
        future = next(self._completed)
        key = self._keys.pop(future.key)
        try:
            return key, future.result()
        except Exception as exc:  # a lost worker, a task that could not run
            return key, exc
        finally:
            future.release()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def make_executor(
    settings: WorkSettings,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    use_dask: bool | None = None,
    capacity: int | None = None,
) -> Executor:
    """Choose the executor: Dask for several workers or a scheduler, else this process.

    Args:
        settings: what each worker runs.
        workers: worker processes on this machine.
        scheduler: address of an existing Dask scheduler.
        use_dask: force (``True``) or forbid (``False``) Dask; ``None`` decides
            from ``workers`` and ``scheduler``.
        capacity: chunks in flight at once (Dask only).

    Returns:
        An executor; call its ``close`` when done.
    """
    if workers < 1:
        raise ConfigError(f"[T812] --workers must be at least 1, not {workers}")
    if use_dask is None:
        use_dask = workers > 1 or scheduler is not None
    if scheduler and not use_dask:
        raise ConfigError("[T813] a scheduler address needs Dask; drop use_dask=False")
    if use_dask:
        return DaskExecutor(settings, workers=workers, scheduler=scheduler, capacity=capacity)
    return InlineExecutor(settings)
