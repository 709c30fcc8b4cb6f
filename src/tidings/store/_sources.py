"""Ingest sources into the store: read, analyse what is new, store article by article."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tidings.errors import IngestError, StoreError
from tidings.records import Article
from tidings.store._store import IngestSummary, Store

if TYPE_CHECKING:
    from spacy.language import Language

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


def read_records(paths: Iterable[str], *,
                 on_error: Callable[[str], None] | None = None) -> Iterator[dict[str, Any]]:
    """Records from JSON Lines files (the output of ``tidings read``).

    Args:
        paths: JSON Lines files; ``-`` is standard input.
        on_error: called with a one-line message for a file that cannot be
            opened or a line that is not a JSON object, which is then skipped
            and the reading goes on; without it such a problem raises
            :class:`~tidings.errors.IngestError`.
    """
    import sys

    def bad(message: str) -> None:
        if on_error is None:
            raise IngestError(message)
        on_error(message)

    for path in paths:
        with contextlib.ExitStack() as stack:
            try:
                stream: IO[bytes] = sys.stdin.buffer if path == "-" else stack.enter_context(
                    Path(path).open("rb"))
            except OSError as exc:
                bad(f"[T524] {path}: cannot open the records: {exc.strerror or exc}")
                continue
            good = 0
            for n, raw in enumerate(stream, 1):
                problem = None
                try:
                    line = raw.decode("utf-8")
                    if not line.strip():
                        continue
                    record = json.loads(line)
                    if not isinstance(record, dict):
                        problem = "expected a JSON object per line"
                except UnicodeDecodeError:
                    problem = "not UTF-8 text"
                except json.JSONDecodeError as exc:
                    problem = f"not a JSON record: {exc.msg}"
                if problem is None:
                    good += 1
                    yield record
                elif good:
                    bad(f"[T523] {path}:{n}: {problem}")  # one broken line in a batch
                else:  # the file is not JSON Lines at all: one message for it
                    bad(f"[T523] {path}:{n}: {problem}; expected JSON Lines, one record per line "
                        "(the output of 'tidings read'); the rest of the file is skipped")
                    break


def ingest_sources(store: Store, paths: Iterable[str], *, published: str | None = None,
                   records: bool = False,
                   on_article: Callable[[str, str], None] | None = None,
                   nlp: Language | None = None) -> IngestReport:
    """Read, analyse and store sources; articles stored already are not analysed again.

    Args:
        store: where to store.
        paths: files, directories, ``-``; with ``records`` JSON Lines of records.
        published: publication date for articles that carry none.
        records: the inputs are records from ``tidings read``, already analysed.
        on_article: called with each stored article's id and status.
        nlp: the pipeline to analyse with (the default one when ``None``).

    Returns:
        Counts of added, replaced, unchanged, skipped and failed articles. An
        input that cannot be read or stored is a failure (logged as one line);
        the others are stored all the same.
    """
    report = IngestReport()

    def fail(message: str) -> None:
        report.failures.append(message)
        logger.warning("%s", message)

    def store_all(items: Iterable[dict[str, Any]]) -> None:
        # One article that cannot be stored is reported; the batch goes on.
        summary = report.summary
        for record in items:
            try:
                status = store.add(record)
            except StoreError as exc:
                fail(str(exc))
                continue
            setattr(summary, status, getattr(summary, status) + 1)
            summary.ids.append(str(record.get("id")))
            if on_article is not None:
                on_article(str(record.get("id")), status)

    if records:
        store_all(read_records(paths, on_error=fail))
        return report

    from tidings.ingest import Failure, ReadOptions, read_paths

    stored = store.article_ids()

    def fresh() -> Iterator[Article]:
        for item in read_paths(paths, ReadOptions(published=published)):
            if isinstance(item, Failure):
                fail(item.message)
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

    store_all(analyze_many(fresh(), nlp))
    return report
