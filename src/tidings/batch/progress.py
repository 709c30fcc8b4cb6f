"""Progress of a batch on a stream: a live line on a terminal, periodic lines otherwise."""

from __future__ import annotations

import time
from typing import TextIO

from tidings.batch.summary import Counters


def _clock(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def describe(counters: Counters) -> str:
    """One line: articles done, rate, failures, skips and (when the total is known) ETA."""
    elapsed = counters.elapsed
    done = counters.finished
    rate = done / elapsed if elapsed > 0 else 0.0
    total = counters.expected_total()
    head = f"{done:,}" if total is None else f"{done:,}/{total:,}"
    parts = [f"{head} articles", f"{rate:.1f}/s", f"failed {sum(counters.failed.values()):,}"]
    skipped = sum(counters.skipped.values())
    if skipped:
        parts.append(f"skipped {skipped:,}")
    if total is not None and rate > 0:
        parts.append(f"ETA {_clock((total - done) / rate)}")
    parts.append(f"elapsed {_clock(elapsed)}")
    return "  ".join(parts)


class Progress:
    """Shows batch progress on ``stream``.

    On a terminal the line is redrawn in place a few times a second; when the
    stream is a file or a pipe (a log), a full line is written every
    ``interval`` seconds instead, so logs stay readable.

    Args:
        stream: where to write (the CLI passes stderr).
        interval: seconds between lines when the stream is not a terminal.
        live: force (``True``) or forbid (``False``) the live line; ``None``
            asks the stream whether it is a terminal.
    """

    def __init__(self, stream: TextIO, *, interval: float = 30.0, live: bool | None = None) -> None:
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.interval = 0.25 if self.live else interval
        self._last = time.monotonic()
        self._width = 0

    def __call__(self, counters: Counters, *, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self._last < self.interval:
            return
        self._last = now
        line = describe(counters)
        if self.live:
            pad = " " * max(self._width - len(line), 0)
            self._width = len(line)
            self.stream.write(f"\r{line}{pad}" + ("\n" if final else ""))
        else:
            self.stream.write(f"tidings batch: {line}\n")
        self.stream.flush()
