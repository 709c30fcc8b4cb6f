"""tidings: read news and write down what happened, with the words each fact rests on."""

from __future__ import annotations

__version__ = "0.1.0"

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
from tidings.records import Article, Caption, Section

__all__ = [
    "Article",
    "Caption",
    "ConfigError",
    "FetchError",
    "IngestError",
    "LexiconError",
    "ParseError",
    "PipelineError",
    "Section",
    "Skipped",
    "StoreError",
    "TidingsError",
    "__version__",
]
