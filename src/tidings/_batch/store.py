"""The store as a batch sink: records go through the store's public API, one writer."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

logger = logging.getLogger(__name__)


class StoreSink:
    """Write batch records to a tidings store (SQLite file or PostgreSQL URL).

    Only the driver process holds the connection; workers return records and
    never open the database, so SQLite's single-writer lock is never contended.
    The store is idempotent by article id, and knows which ids it holds, so a
    re-run skips them.

    Args:
        url: a SQLite path, ``sqlite:///FILE`` or a PostgreSQL URL.
    """

    def __init__(self, url: str) -> None:
        from tidings.store import Store

        self.store: Any = Store(url)
        self.description = str(self.store.engine.url.render_as_string(hide_password=True))

    def done(self, ids: Sequence[str]) -> set[str]:
        return {i for i in ids if self.store.has_article(i)}

    def write(self, records: Sequence[dict[str, Any]]) -> int:
        summary = self.store.ingest(records)
        return int(summary.added + summary.replaced)

    def close(self) -> None:
        self.store.close()
