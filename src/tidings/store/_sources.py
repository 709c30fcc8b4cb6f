"""Ingest sources into the store: read, analyse what is new, store article by article."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tidings.errors import IngestError
from tidings.records import Article
from tidings.store._store import IngestSummary, Store

logger = logging.getLogger(__name__)


@dataclass
class IngestReport:
    """What an ingest of sources did."""

    summary: IngestSummary = field(default_factory=IngestSummary)
    skipped: int = 0  # stored already: not analysed again
    rejected: int = 0  # skipped by reading (another language, not an article)
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**self.summary.as_dict(), "skipped": self.skipped, "rejected": self.rejected,
                "failed": len(self.failures)}


def read_records(paths: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Records from JSON Lines files (the output of ``tidings read``)."""
    import sys

    for path in paths:
        with contextlib.ExitStack() as stack:
            stream: IO[str] = sys.stdin if path == "-" else stack.enter_context(
                Path(path).open(encoding="utf-8"))
            for n, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise IngestError(f"[T523] {path}:{n}: not a JSON record: {exc.msg}") from exc
                if not isinstance(record, dict):
                    raise IngestError(f"[T523] {path}:{n}: expected a JSON object per line")
                yield record


def ingest_sources(store: Store, paths: Iterable[str], *, published: str | None = None,
                   records: bool = False,
                   on_article: Callable[[str, str], None] | None = None) -> IngestReport:
    """Read, analyse and store sources; articles stored already are not analysed again.

    Args:
        store: where to store.
        paths: files, directories, ``-``; with ``records`` JSON Lines of records.
        published: publication date for articles that carry none.
        records: the inputs are records from ``tidings read``, already analysed.
        on_article: called with each stored article's id and status.

    Returns:
        Counts of added, replaced, unchanged, skipped and failed articles.
    """
    report = IngestReport()

    def note(aid: str, status: str) -> None:
        if on_article is not None:
            on_article(aid, status)

    if records:
        report.summary = store.ingest(read_records(paths), on_article=note)
        return report

    from tidings.ingest import Failure, ReadOptions, read_paths

    stored = store.article_ids()

    def fresh() -> Iterator[Article]:
        for item in read_paths(paths, ReadOptions(published=published)):
            if isinstance(item, Failure):
                report.failures.append(item.message)
                logger.warning("%s", item.message)
                continue
            if not isinstance(item, Article):  # a Skipped input (language, too short...)
                report.rejected += 1
                logger.info("skipped %s: %s", item.source, item.reason)
                continue
            if item.id in stored:
                report.skipped += 1
                continue
            yield item

    from tidings.nlp.pipeline import analyze_many

    report.summary = store.ingest(analyze_many(fresh()), on_article=note)
    return report
