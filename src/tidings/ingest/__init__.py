"""Reading: turn bytes from files, pages, feeds, dumps and archives into Articles.

No NLP model is loaded here.
"""

from __future__ import annotations

from tidings.ingest.core import Failure, ReadOptions, read_bytes, read_paths, read_text

__all__ = ["Failure", "ReadOptions", "read_bytes", "read_paths", "read_text"]
