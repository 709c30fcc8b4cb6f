"""Reading: turn bytes from files, pages, feeds, dumps and archives into Articles.

No NLP model is loaded here.
"""

from __future__ import annotations

from tidings.errors import Skipped
from tidings.ingest._common import scrub
from tidings.ingest.core import (
    DEFAULT_MAX_BYTES,
    Failure,
    ReadOptions,
    iter_inputs,
    read_bytes,
    read_path,
    read_paths,
    read_text,
)
from tidings.ingest.structure import Structure, find_structure, structure_article

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Failure",
    "ReadOptions",
    "Skipped",
    "Structure",
    "find_structure",
    "iter_inputs",
    "read_bytes",
    "read_path",
    "read_paths",
    "read_text",
    "scrub",
    "structure_article",
]
