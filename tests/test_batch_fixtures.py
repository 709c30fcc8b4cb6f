"""The mixed input directory of the batch tests holds every format and one corrupt file."""

from __future__ import annotations

from pathlib import Path

from helpers.batch import build_mixed_dir


def test_batch_fixtures_cover_every_format_and_one_corrupt_file(tmp_path: Path) -> None:
    from tidings.ingest import Failure, read_paths

    items = list(read_paths([str(build_mixed_dir(tmp_path))]))
    formats = sorted(getattr(i, "format", "failure") for i in items)
    assert formats == ["failure", "feed", "feed", "html", "jsonl", "text", "text", "warc"]
    assert [Path(i.source).name for i in items if isinstance(i, Failure)] == ["broken.txt.gz"]
