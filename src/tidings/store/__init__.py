"""The store: every reading kept, and what is known across articles.

Reach it through :class:`Store` only. A file path or ``sqlite:///FILE`` opens
(or creates) a SQLite file; ``postgresql+psycopg://USER@HOST/DB`` a PostgreSQL
database. Both run the same code and pass the same tests.
"""

from __future__ import annotations

from tidings.store._export import FORMATS as EXPORT_FORMATS
from tidings.store._export import TABLES as EXPORT_TABLES
from tidings.store._export import export
from tidings.store._query import EventFilter, Page, check_text
from tidings.store._resolve import normalise_name
from tidings.store._store import IngestSummary, Store, default_url, normalise_url
from tidings.store._tables import CLUSTER_SORTS, REPORT_SORTS, TABLE_MAX
from tidings.store._watches import entry_id as watch_entry_id
from tidings.store._watches import feed_id as watch_feed_id

__all__ = [
    "CLUSTER_SORTS",
    "EXPORT_FORMATS",
    "EXPORT_TABLES",
    "REPORT_SORTS",
    "TABLE_MAX",
    "EventFilter",
    "IngestSummary",
    "Page",
    "Store",
    "check_text",
    "default_url",
    "export",
    "normalise_name",
    "normalise_url",
    "watch_entry_id",
    "watch_feed_id",
]
