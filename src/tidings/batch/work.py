"""The unit of work: analyse one chunk of articles, in whatever process runs it.

:func:`process_chunk` is the one function every executor calls, in the driver
process (``tidings read``, ``tidings ingest``, the API, a one-worker batch) or
on a Dask worker (a local cluster or a remote one). It never touches a store or
a file: it returns records and failures, and the driver writes them.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tidings.records import Article

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

Analyzer = Callable[[Article], dict[str, Any]]

# A Dask worker started with several threads would run chunks concurrently;
# a spaCy Language is not safe to share between threads, so one chunk at a
# time per process uses the pipeline.
_PIPELINE_LOCK = threading.Lock()

# Analysis refusals whose message is already the whole coded line.
REFUSED_CODES = ("[T303]",)


def _pipeline_default(name: str) -> Any:
    # Read from the pipeline module when first needed, so that reading records
    # or serving the API with an analyser of its own never imports spaCy.
    from tidings.nlp import pipeline

    return getattr(pipeline, name)


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
        max_chars: the analysis limit: a longer article is left out with ``[T303]``
            (:data:`tidings.nlp.pipeline.ANALYSIS_LIMIT`, 5,000,000 characters).
    """

    nlp: bool = True
    stages: tuple[str, ...] = field(default_factory=lambda: _pipeline_default("STAGES"))
    batch_size: int = field(default_factory=lambda: _pipeline_default("BATCH_SIZE"))
    actors: tuple[str, ...] = ()
    entity_data: str | None = None
    max_chars: int = field(default_factory=lambda: _pipeline_default("ANALYSIS_LIMIT"))

    def pipeline(self) -> Language:
        """The pipeline these settings name (loaded once per process)."""
        from tidings.nlp.pipeline import load_pipeline  # spaCy: see _pipeline_default

        return load_pipeline(self.stages, actors=self.actors, entity_data=self.entity_data)


@dataclass(frozen=True, slots=True)
class ItemFailure:
    """One article (or input) that could not be read, analysed or written.

    Attributes:
        source: where it came from (the path, and ``#entry`` within it).
        id: the article id, when it was read.
        stage: ``read``, ``analyze``, ``worker`` (its chunk was lost) or
            ``write`` (the sink refused it).
        reason: a short reason: reading's own, or the exception's class name.
        message: the error's own message.
    """

    source: str
    id: str | None
    stage: str
    reason: str
    message: str

    def line(self, *, detail: bool = True) -> str:
        """The one line that reports this failure to people, starting with its code.

        Every way in (``tidings read``, ``tidings ingest``, ``tidings batch``,
        ``POST /articles``) reports a failure with this line. ``detail=False``
        leaves out the exception's own words (what the API tells a client).
        """
        cause = f" ({self.reason}: {self.message})" if detail else ""
        if self.stage == "analyze" and self.message.startswith(REFUSED_CODES):
            return self.message  # a refusal with its own coded line (over the analysis limit)
        if self.stage == "analyze":
            return f"[T300] {self.source}: the analysis failed{cause}; the article is left out"
        if self.stage == "worker":
            return f"[T816] {self.source}: the chunk was lost{cause}; the article is left out"
        return self.message  # read and write errors are coded lines already

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "id": self.id,
            "stage": self.stage,
            "reason": self.reason,
            "message": self.message,
            "error": self.line(),
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
        import resource  # Unix only: imported here so that its absence costs only this figure
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


def process_chunk(articles: list[Article], settings: WorkSettings | None,
                  analyzer: Analyzer | None = None) -> ChunkResult:
    """Analyse a chunk of articles and return their records and failures.

    The chunk goes through ``nlp.pipe`` in batches
    (:func:`tidings.nlp.pipeline.analyze_many`); a batch that fails is run again
    article by article, so one bad article costs only itself.

    Args:
        articles: the articles of the chunk.
        settings: what to run (the defaults when ``None``).
        analyzer: turns one article into its record instead of the pipeline
            (the API's injectable analyser); ``settings`` is then not used.

    Returns:
        The records of the articles that were analysed, in input order, and a
        failure for each article that was not.
    """
    from tidings.nlp.pipeline import (  # spaCy: see _pipeline_default
        analyze_many,
        doc_to_record,
        over_limit,
    )

    started = time.perf_counter()
    records: list[dict[str, Any]] = []
    failures: list[ItemFailure] = []

    def failed(article: Article, exc: Exception) -> None:
        logger.debug("the analysis of %s failed", source_of(article), exc_info=exc)
        failures.append(_failure(article, exc))

    settings = settings if settings is not None or analyzer is not None else WorkSettings()
    if analyzer is None and settings is not None and not settings.nlp:
        analyzer = functools.partial(doc_to_record, doc=None)
    if analyzer is not None:
        for article in articles:
            try:
                records.append(analyzer(article))
            except Exception as exc:  # noqa: BLE001 - one bad article must not stop the rest
                failed(article, exc)
    else:
        assert settings is not None
        nlp = settings.pipeline()
        kept = []
        for article in articles:  # over the analysis limit: refused before any work ([T303])
            refused = over_limit(article, settings.max_chars)
            if refused is None:
                kept.append(article)
            else:
                failed(article, refused)
        with _PIPELINE_LOCK:
            records = list(analyze_many(kept, nlp, batch_size=settings.batch_size, on_error=failed))
    return ChunkResult(records, failures, time.perf_counter() - started, peak_rss())
