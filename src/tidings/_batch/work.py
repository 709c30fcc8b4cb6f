"""The unit of batch work: analyse one chunk of articles, in whatever process runs it.

:func:`process_chunk` is the one function every executor calls, in the driver
process (one worker, no Dask) or on a Dask worker (a local cluster or a remote
one). It never touches a store or a file: it returns records and failures, and
the driver writes them.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tidings.nlp.pipeline import BATCH_SIZE, STAGES
from tidings.records import Article

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

# A Dask worker started with several threads would run chunks concurrently;
# a spaCy Language is not safe to share between threads, so one chunk at a
# time per process uses the pipeline.
_PIPELINE_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class WorkSettings:
    """What a worker needs to know to analyse a chunk.

    Attributes:
        nlp: run the NLP pipeline; ``False`` only reads (records carry empty
            entities, times, quotes and events).
        stages: the tidings stages to add to the spaCy model.
        batch_size: texts per ``nlp.pipe`` batch (bounds a worker's peak memory).
        actors: actor dictionaries for the entity stage (``--actors``); absolute
            paths that every worker can read.
        entity_data: a directory of replacement entity data files (``--entity-data``).
    """

    nlp: bool = True
    stages: tuple[str, ...] = STAGES
    batch_size: int = BATCH_SIZE
    actors: tuple[str, ...] = ()
    entity_data: str | None = None

    def pipeline(self) -> Language:
        """The pipeline these settings name (loaded once per process)."""
        from tidings.nlp.pipeline import load_pipeline

        return load_pipeline(self.stages, actors=self.actors, entity_data=self.entity_data)


@dataclass(frozen=True, slots=True)
class ItemFailure:
    """One article (or input) that could not be read, analysed or written."""

    source: str
    id: str | None
    stage: str
    reason: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "id": self.id,
            "stage": self.stage,
            "reason": self.reason,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """What a worker returns for one chunk."""

    records: list[dict[str, Any]] = field(default_factory=list)
    failures: list[ItemFailure] = field(default_factory=list)
    seconds: float = 0.0
    peak_rss: int = 0


def source_of(article: Article) -> str:
    """Name where an article came from: its path, and the entry within it."""
    if article.source_entry:
        return f"{article.source_path}#{article.source_entry}"
    return article.source_path


def peak_rss() -> int:
    """Return the peak resident memory of this process so far, in bytes (0 if unknown)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return 0
    # ru_maxrss is in kilobytes on Linux (bytes on macOS, where this overstates by 1024).
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def warm_up(settings: WorkSettings) -> None:
    """Load the pipeline into this process's cache so the first chunk does not pay for it."""
    if settings.nlp:
        settings.pipeline()


def _failure(article: Article, exc: Exception) -> ItemFailure:
    return ItemFailure(
        source=source_of(article),
        id=article.id,
        stage="analyze",
        reason=type(exc).__name__,
        message=str(exc) or repr(exc),
    )


def process_chunk(articles: list[Article], settings: WorkSettings) -> ChunkResult:
    """Analyse a chunk of articles and return their records and failures.

    The chunk goes through ``nlp.pipe`` in batches. If anything in it fails,
    each article is analysed on its own, so one bad article costs only itself.

    Args:
        articles: the articles of the chunk.
        settings: what to run.

    Returns:
        The records of the articles that were analysed, in input order, and a
        failure for each article that was not.
    """
    from tidings.nlp.pipeline import analyze_many, doc_to_record

    started = time.perf_counter()
    if not settings.nlp:
        records: list[dict[str, Any]] = []
        failures: list[ItemFailure] = []
        for article in articles:
            try:
                records.append(doc_to_record(article, None))
            except Exception as exc:  # one bad article must not stop the batch
                failures.append(_failure(article, exc))
        return ChunkResult(records, failures, time.perf_counter() - started, peak_rss())

    nlp = settings.pipeline()
    with _PIPELINE_LOCK:
        try:
            records = list(analyze_many(articles, nlp, batch_size=settings.batch_size))
            return ChunkResult(records, [], time.perf_counter() - started, peak_rss())
        except Exception as exc:  # find the article at fault below
            logger.info("a chunk of %d articles failed (%s); retrying one by one", len(articles), exc)
        records, failures = [], []
        for article in articles:
            try:
                records.extend(analyze_many([article], nlp, batch_size=1))
            except Exception as exc:  # one bad article must not stop the batch
                failures.append(_failure(article, exc))
    return ChunkResult(records, failures, time.perf_counter() - started, peak_rss())
