"""Partition files: atomic commits, recovery after a killed run, the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tidings.batch import PartitionSink, read_partitions
from tidings.errors import ConfigError

pytestmark = pytest.mark.issue(8)


def _records(n: int, start: int = 0) -> list[dict]:
    return [{"id": f"{i:016x}", "text": f"article {i}", "events": []} for i in range(start, start + n)]


def test_batch_sink_rotates_partitions(tmp_path: Path):
    sink = PartitionSink(tmp_path, partition_size=2)
    assert sink.write(_records(5)) == 5
    sink.close()
    assert [p.name for p in sink.partitions()] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    assert [r["id"] for r in read_partitions(tmp_path)] == [r["id"] for r in _records(5)]


def test_batch_sink_open_partition_is_hidden_until_committed(tmp_path: Path):
    sink = PartitionSink(tmp_path, partition_size=10)
    sink.write(_records(3))
    assert [p.name for p in tmp_path.glob("part-*")] == []
    assert [p.name for p in tmp_path.glob(".part-*.tmp")] == [".part-00000.jsonl.tmp"]
    sink.close()
    assert [p.name for p in tmp_path.glob("part-*")] == ["part-00000.jsonl"]
    assert list(tmp_path.glob(".part-*")) == []


def test_batch_sink_done_knows_committed_and_open_partitions(tmp_path: Path):
    sink = PartitionSink(tmp_path, partition_size=2)
    sink.write(_records(3))
    ids = [r["id"] for r in _records(4)]
    assert sink.done(ids) == set(ids[:3])
    sink.close()
    assert PartitionSink(tmp_path).done(ids) == set(ids[:3])


def test_batch_sink_killed_run_leaves_no_half_partition(tmp_path: Path):
    sink = PartitionSink(tmp_path, partition_size=2)
    sink.write(_records(3))  # part-00000 committed, 1 record in the open temporary file
    # The process dies here: nothing closes the sink.
    resumed = PartitionSink(tmp_path, partition_size=2)
    assert list(tmp_path.glob(".part-*")) == []
    assert resumed.done([r["id"] for r in _records(3)]) == {r["id"] for r in _records(2)}
    resumed.write(_records(2, start=2))
    resumed.close()
    assert [r["id"] for r in read_partitions(tmp_path)] == [r["id"] for r in _records(4)]
    # Release what the "dead" run held, as the OS would.
    sink._writer._file.close()
    sink._db.close()


def test_batch_sink_recovers_a_partition_renamed_before_the_manifest(tmp_path: Path):
    # A run that died between the rename and the manifest update.
    (tmp_path / "part-00000.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in _records(2)), encoding="utf-8"
    )
    sink = PartitionSink(tmp_path)
    assert sink.done([r["id"] for r in _records(3)]) == {r["id"] for r in _records(2)}
    sink.write(_records(1, start=2))
    sink.close()
    assert [p.name for p in sink.partitions()] == ["part-00000.jsonl", "part-00001.jsonl"]


def test_batch_sink_deleted_partition_is_done_again(tmp_path: Path):
    sink = PartitionSink(tmp_path, partition_size=2)
    sink.write(_records(4))
    sink.close()
    (tmp_path / "part-00000.jsonl").unlink()
    ids = [r["id"] for r in _records(4)]
    assert PartitionSink(tmp_path).done(ids) == set(ids[2:])


@pytest.mark.parametrize(
    "kwargs,code",
    [({"fmt": "csv"}, "[T801]"), ({"partition_size": 0}, "[T802]")],
)
def test_batch_sink_rejects_bad_options(tmp_path: Path, kwargs, code):
    with pytest.raises(ConfigError, match=code.replace("[", r"\[").replace("]", r"\]")):
        PartitionSink(tmp_path, **kwargs)
