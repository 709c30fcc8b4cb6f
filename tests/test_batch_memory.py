"""Memory stays flat on a long stream: nothing is materialised, in flight is bounded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tidings.batch import PartitionSink, WorkSettings, run_batch
from tidings.ingest import ReadOptions

pytestmark = pytest.mark.issue(8)

ARTICLES = 10_000
WARM = 1_000  # RSS is taken as the base once this many are done (caches, imports settled)


def _write_stream(path: Path) -> int:
    """Write ARTICLES small, distinct JSONL articles; return the bytes of text written."""
    sentence = "The committee met on {day} and said the talks on item {i} would go on next week. "
    total = 0
    with path.open("w", encoding="utf-8") as handle:
        for i in range(ARTICLES):
            text = "".join(sentence.format(day=d, i=i) for d in ("Monday", "Tuesday", "Friday")) * 6
            total += len(text)
            handle.write(json.dumps({"title": f"Report {i}", "text": text}) + "\n")
    return total


def test_batch_memory_is_bounded_on_a_stream_of_10000_articles(tmp_path: Path):
    psutil = pytest.importorskip("psutil")
    process = psutil.Process()
    stream = tmp_path / "stream.jsonl"
    text_bytes = _write_stream(stream)
    samples: list[tuple[int, int]] = []

    def sample(counters, *, final=False):
        samples.append((counters.finished, process.memory_info().rss))

    summary = run_batch(
        [str(stream)],
        PartitionSink(tmp_path / "out", partition_size=2_000),
        read_options=ReadOptions(allow_languages=None),
        settings=WorkSettings(nlp=False),
        progress=sample,
    )
    assert summary.stored == ARTICLES
    base = max(rss for done, rss in samples if done <= WARM)
    growth = max(rss for _done, rss in samples) - base
    # Keeping the articles or their records would grow RSS by more than the text
    # itself (~15 MB here); streaming keeps growth to a small fraction of it.
    assert text_bytes > 14 * 2**20
    assert growth < text_bytes / 4, f"RSS grew {growth / 2**20:.1f} MB over {text_bytes / 2**20:.1f} MB of text"
