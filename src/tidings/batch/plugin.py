"""The Dask worker plugin that loads the pipeline once per worker (imports Dask)."""

from __future__ import annotations

from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from tidings.batch.work import WorkSettings, warm_up


class WarmUp(WorkerPlugin):
    """Load the pipeline when a worker starts, before it takes work.

    The pipeline is cached per process (``load_pipeline`` is an lru_cache), so
    every chunk the worker runs afterwards reuses it.
    """

    name = "tidings-warm-up"

    def __init__(self, settings: WorkSettings) -> None:
        self.settings = settings

    def setup(self, worker: Any) -> None:
        warm_up(self.settings)
