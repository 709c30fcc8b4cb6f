"""tidings: read news and write down what happened, with the words each fact rests on.

The few names a user needs live here::

    >>> import tidings
    >>> article = tidings.read_text("SEOUL (Reuters) - ...", published="2023-01-29")  # doctest: +SKIP
    >>> nlp = tidings.load_pipeline()                                                  # doctest: +SKIP
    >>> record = tidings.analyze(article, nlp)    # the JSON record `tidings read` prints  # doctest: +SKIP
    >>> with tidings.Store("news.db") as store: ...                                    # doctest: +SKIP

Reading (:func:`read_text`, :func:`read_paths`) needs no model. The pipeline
(:func:`load_pipeline`, :func:`analyze`) imports spaCy and the store
(:class:`Store`, :class:`EventFilter`) imports SQLAlchemy: those are loaded on
first use, so ``import tidings`` stays cheap for a script that only reads.
"""

from __future__ import annotations

__version__ = "0.1.0"

import importlib
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tidings.errors import (
    ConfigError,
    FetchError,
    IngestError,
    LexiconError,
    ParseError,
    PipelineError,
    Skipped,
    StoreError,
    TidingsError,
)
from tidings.ingest import Failure, ReadOptions, read_paths
from tidings.ingest import read_text as _read_text
from tidings.records import Article, Caption, Section

if TYPE_CHECKING:
    from tidings.nlp.pipeline import STAGES, analyze, analyze_many, load_pipeline
    from tidings.store import EventFilter, Store

# Heavy names and the module each comes from, imported on first access (PEP 562).
_LAZY = {
    "STAGES": "tidings.nlp.pipeline",
    "analyze": "tidings.nlp.pipeline",
    "analyze_many": "tidings.nlp.pipeline",
    "load_pipeline": "tidings.nlp.pipeline",
    "EventFilter": "tidings.store",
    "Store": "tidings.store",
}

__all__ = [
    "Article",
    "Caption",
    "ConfigError",
    "EventFilter",
    "Failure",
    "FetchError",
    "IngestError",
    "LexiconError",
    "ParseError",
    "PipelineError",
    "ReadOptions",
    "STAGES",
    "Section",
    "Skipped",
    "Store",
    "StoreError",
    "TidingsError",
    "__version__",
    "analyze",
    "analyze_many",
    "load_pipeline",
    "read_paths",
    "read_text",
]


def read_text(text: str, *, published: str | None = None, source: str = "-",
              options: ReadOptions | None = None) -> Article:
    """Read an article from its plain text (headline on the first line, as in a wire story).

    Args:
        text: the article's text.
        published: its publication date (``YYYY-MM-DD``) when the text states none.
        source: where it came from, kept as the article's ``source_path``.
        options: further reading options; ``published`` overrides theirs.

    Returns:
        The article: text, sections, dateline, publication date and id.
    """
    options = options or ReadOptions()
    if published is not None:
        options = replace(options, published=published)
    return _read_text(text, source_path=source, options=options)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tidings' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
