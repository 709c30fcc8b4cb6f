"""Progress on stderr: a live line on a terminal, periodic log lines otherwise."""

from __future__ import annotations

import io
from collections import Counter

import pytest

from tidings.batch.progress import Progress, describe
from tidings.batch.summary import Counters

pytestmark = pytest.mark.issue(8)


def _counters(**kw) -> Counters:
    c = Counters(**kw)
    c.failed = Counter(kw.get("failed", {}))
    return c


@pytest.mark.parametrize(
    "kw,expected",
    [
        ({"stored": 50, "elapsed": 10.0}, "50 articles  5.0/s  failed 0  elapsed 0:00:10"),
        ({"stored": 50, "elapsed": 10.0, "total": 100}, "50/100 articles  5.0/s  failed 0  ETA 0:00:10  elapsed 0:00:10"),
        ({"stored": 8, "failed": {"read": 2}, "elapsed": 5.0}, "10 articles  2.0/s  failed 2  elapsed 0:00:05"),
    ],
)
def test_batch_progress_describes_done_rate_failures_and_eta(kw, expected):
    assert describe(_counters(**kw)) == expected


def test_batch_progress_estimates_the_total_from_input_bytes():
    c = _counters(stored=10, items_seen=10, bytes_seen=1_000, bytes_total=4_000, elapsed=2.0)
    assert c.expected_total() == 40
    assert "ETA 0:00:06" in describe(c)


def test_batch_progress_writes_log_lines_when_not_a_terminal():
    stream = io.StringIO()
    progress = Progress(stream, interval=3600)
    progress(_counters(stored=1, elapsed=1.0))
    assert stream.getvalue() == ""  # not yet: the interval has not passed
    progress(_counters(stored=2, elapsed=2.0), final=True)
    assert stream.getvalue() == "tidings batch: 2 articles  1.0/s  failed 0  elapsed 0:00:02\n"


def test_batch_progress_redraws_one_line_on_a_terminal():
    stream = io.StringIO()
    progress = Progress(stream, live=True)
    progress(_counters(stored=3, elapsed=1.0), final=True)
    assert stream.getvalue().startswith("\r3 articles") and stream.getvalue().endswith("\n")
