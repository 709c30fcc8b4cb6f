"""The store as a sink: records go through the store's public API, one writer."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from tidings.batch.sinks import WriteErrorFn
from tidings.errors import StoreError

if TYPE_CHECKING:
    from tidings.store import IngestSummary, Store

logger = logging.getLogger(__name__)


class StoreSink:
    """Write records to a tidings store (SQLite file or PostgreSQL URL).

    Only the driver process holds the connection; workers return records and
    never open the database, so SQLite's single-writer lock is never contended.
    The store is idempotent by article id, and knows which ids it holds, so a
    re-run skips them. Each record is one transaction (:meth:`Store.add`); what
    each did is counted in :attr:`summary`.

    Args:
        url: a SQLite path, ``sqlite:///FILE`` or a PostgreSQL URL.
        store: an open store to write to instead (the sink then does not close it).
        on_article: called with each stored article's id and status
            (``added``, ``replaced`` or ``unchanged``).
    """

    def __init__(self, url: str | None = None, *, store: Store | None = None,
                 on_article: Callable[[str, str], None] | None = None) -> None:
        # SQLAlchemy (about 1 s) only for a run that writes to a store.
        from tidings.store import IngestSummary, Store

        self._owned = store is None
        self.store: Store = store if store is not None else Store(url)
        self.description = str(self.store.engine.url.render_as_string(hide_password=True))
        self.summary: IngestSummary = IngestSummary()
        self.on_article = on_article

    def done(self, ids: Sequence[str]) -> set[str]:
        return {i for i in ids if self.store.has_article(i)}

    def write(self, records: Sequence[dict[str, Any]], *, on_error: WriteErrorFn | None = None) -> int:
        written = 0
        for record in records:
            try:
                status = self.store.add(record)
            except StoreError as exc:
                if on_error is None:
                    raise
                on_error(record, exc)  # one record the store refuses; the others go on
                continue
            setattr(self.summary, status, getattr(self.summary, status) + 1)
            self.summary.ids.append(str(record.get("id")))
            written += status != "unchanged"
            if self.on_article is not None:
                self.on_article(str(record.get("id")), status)
        return written

    def close(self) -> None:
        if self._owned:
            self.store.close()
