"""Counts kept while a batch runs, and the summary it returns."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Counters:
    """Running counts of a batch (mutated by the driver only)."""

    read: int = 0
    items_seen: int = 0
    stored: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    entities: int = 0
    events: int = 0
    quotes: int = 0
    words: int = 0
    peak_rss: int = 0
    elapsed: float = 0.0
    # Progress estimate: bytes of the inputs seen so far, and of all inputs when known.
    bytes_seen: int = 0
    bytes_total: int | None = None
    total: int | None = None

    @property
    def finished(self) -> int:
        """Articles whose fate is settled: stored, skipped or failed."""
        return self.stored + sum(self.skipped.values()) + sum(self.failed.values())

    def expected_total(self) -> int | None:
        """The number of articles expected in all, when it is known or can be estimated.

        Given by the user (``total``), or extrapolated from the share of input
        bytes read so far (exact for one article per file, close for archives).
        """
        if self.total is not None:
            return self.total
        if self.bytes_total and self.bytes_seen and self.items_seen:
            seen = self.items_seen
            return max(seen, round(seen * self.bytes_total / self.bytes_seen))
        return None


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a batch did.

    Attributes:
        read: articles read from the inputs.
        stored: records written (new) to the store or the partition files.
        skipped: articles not analysed, by reason (``done``: written by an
            earlier run; ``duplicate``: seen earlier in this run; reading's own
            reasons such as ``language``).
        failed: items that failed, by stage (``read``, ``analyze``, ``worker``).
        entities, events, quotes: counted over the stored records.
        words: whitespace-separated words of the stored articles' texts.
        seconds: time spent processing, from the first article read to the
            last record written (starting the workers is not counted).
        setup_seconds: time spent starting the workers and loading the model.
        peak_rss: the highest peak resident memory of any process that ran
            chunks, in bytes (per worker, not summed).
        workers: worker processes (or threads) that ran chunks.
        destination: where the records went.
        errors_path: the errors file, when anything failed.
    """

    read: int
    stored: int
    skipped: dict[str, int]
    failed: dict[str, int]
    entities: int
    events: int
    quotes: int
    words: int
    seconds: float
    setup_seconds: float
    peak_rss: int
    workers: int
    destination: str
    errors_path: str | None

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def rate(self) -> float:
        """Articles analysed (stored or failed in analysis) per second."""
        analysed = self.stored + self.failed.get("analyze", 0) + self.failed.get("worker", 0)
        return analysed / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-ready data (what ``--summary-json`` writes)."""
        return {
            "read": self.read,
            "stored": self.stored,
            "skipped": dict(sorted(self.skipped.items())),
            "skipped_total": self.skipped_total,
            "failed": dict(sorted(self.failed.items())),
            "failed_total": self.failed_total,
            "entities": self.entities,
            "events": self.events,
            "quotes": self.quotes,
            "words": self.words,
            "seconds": round(self.seconds, 3),
            "setup_seconds": round(self.setup_seconds, 3),
            "peak_rss_mb_per_worker": round(self.peak_rss / 2**20, 1),
            "articles_per_second": round(self.rate, 2),
            "words_per_second": round(self.words / self.seconds, 1) if self.seconds > 0 else 0.0,
            "workers": self.workers,
            "destination": self.destination,
            "errors_path": self.errors_path,
        }

    def lines(self) -> list[str]:
        """The summary as a few lines for people."""
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items())) or "none"
        failed = ", ".join(f"{k} {v}" for k, v in sorted(self.failed.items())) or "none"
        out = [
            f"read {self.read} articles; stored {self.stored} in {self.destination}",
            f"skipped {self.skipped_total} ({skipped}); failed {self.failed_total} ({failed})",
            f"{self.entities} entities, {self.events} events, {self.quotes} quotes",
            f"{self.seconds:.1f} s on {self.workers} worker(s) (+{self.setup_seconds:.1f} s start-up): "
            f"{self.rate:.1f} articles/s, peak memory {self.peak_rss / 2**20:.0f} MB per worker",
        ]
        if self.errors_path:
            out.append(f"failures are listed in {self.errors_path}")
        return out
