"""The driver: lazy reading, a bounded number of chunks in flight, the CLI command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import tidings.batch as batch
import tidings.batch.driver as driver
from helpers.batch import build_mixed_dir
from tidings.batch import InlineExecutor, PartitionSink, WorkSettings, run_batch
from tidings.cli import cli
from tidings.records import Article

pytestmark = pytest.mark.issue(8)


class _Recording(InlineExecutor):
    """Runs in process, with room for several chunks, and records how far reading ran ahead."""

    def __init__(self, settings: WorkSettings, state: dict, capacity: int) -> None:
        super().__init__(settings)
        self.capacity = capacity
        self.state = state

    def next_done(self):
        key, result = super().next_done()
        self.state["handed_back"] += len(result.records)
        self.state["max_in_flight"] = max(self.state["max_in_flight"], self.in_flight() + 1)
        self.state["max_ahead"] = max(self.state["max_ahead"], self.state["read"] - self.state["handed_back"])
        return key, result


@pytest.mark.parametrize("chunk_size,capacity", [(1, 1), (8, 2), (16, 4)])
def test_batch_reads_lazily_with_bounded_chunks_in_flight(tmp_path: Path, monkeypatch, chunk_size, capacity):
    state = {"read": 0, "handed_back": 0, "max_in_flight": 0, "max_ahead": 0}

    def endless(_sources, _options=None):
        for i in range(500):
            state["read"] += 1
            yield Article(text=f"Story {i}\n\nA report, number {i}.", source_path=f"gen/{i}")

    monkeypatch.setattr(driver, "read_paths", endless)
    monkeypatch.setattr(driver, "make_executor", lambda settings, **kw: _Recording(settings, state, capacity))
    summary = run_batch(["gen"], PartitionSink(tmp_path), settings=WorkSettings(nlp=False), chunk_size=chunk_size)
    assert summary.stored == 500
    assert state["max_in_flight"] == capacity
    # Articles read but not yet handed back: the chunk being screened, the one
    # being filled and those in flight; never the whole input.
    assert state["max_ahead"] <= (capacity + 2) * chunk_size


def test_batch_cli_writes_partitions_errors_and_summary(tmp_path: Path):
    inputs = build_mixed_dir(tmp_path)
    out, summary_path = tmp_path / "out", tmp_path / "summary.json"
    result = CliRunner().invoke(
        cli, ["batch", str(inputs), "--out", str(out), "--no-nlp", "--summary-json", str(summary_path)]
    )
    # An input failed: the summary is still written, and the status says so.
    assert result.exit_code == 1, result.output
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    assert (summary["read"], summary["stored"], summary["failed"]) == (7, 7, {"read": 1})
    assert summary["errors_path"] == str(out / "errors.jsonl")
    assert "tidings batch: read 7 articles; stored 7" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["errors.jsonl", "manifest.sqlite", "part-00000.jsonl"]


def test_batch_cli_parquet_output(tmp_path: Path):
    inputs = build_mixed_dir(tmp_path)
    result = CliRunner().invoke(
        cli, ["batch", str(inputs), "--out", str(tmp_path / "out"), "--no-nlp", "--out-format", "parquet",
              "--no-progress", "--summary-json", "-", "--allow-failures"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stored"] == 7
    assert [p.name for p in (tmp_path / "out").glob("part-*")] == ["part-00000.parquet"]


@pytest.mark.parametrize("command", ["batch", "ingest", "read"])
@pytest.mark.parametrize("allow", [False, True])
def test_failed_inputs_set_the_exit_status_unless_allowed(tmp_path: Path, command: str, allow: bool):
    inputs = build_mixed_dir(tmp_path)
    args = {"batch": ["--out", str(tmp_path / "out"), "--no-nlp", "--no-progress", "--summary-json", "-"],
            "ingest": ["--db", str(tmp_path / "t.db"), "--records"], "read": ["--no-nlp"]}[command]
    if command == "ingest":
        # Records from 'tidings read': the good ones and a corrupt line.
        records = CliRunner().invoke(cli, ["read", str(inputs), "--no-nlp", "--allow-failures"])
        assert records.exit_code == 0, records.stderr
        src = tmp_path / "records.jsonl"
        src.write_text(records.stdout + "{not json\n", encoding="utf-8")
        inputs = src
    result = CliRunner().invoke(cli, [command, str(inputs), *args, *(["--allow-failures"] if allow else [])])
    assert result.exit_code == (0 if allow else 1), result.output
    # The failure is reported either way, and the good inputs went through.
    assert "failed" in result.stderr or "[T" in result.stderr
    if command == "batch":
        summary = json.loads(result.stdout)
        assert summary["stored"] == 7 and summary["failed_total"] == 1


@pytest.mark.parametrize("args", [[], ["--out", "o", "--db", "d.db"]])
def test_batch_cli_needs_exactly_one_destination(tmp_path: Path, args):
    result = CliRunner().invoke(cli, ["batch", str(tmp_path), *args])
    assert result.exit_code == 2
    assert "exactly one of --out DIR or --db URL" in result.output


def test_batch_public_names_are_sorted_and_exist():
    assert batch.__all__ == sorted(batch.__all__)
    assert all(hasattr(batch, name) for name in batch.__all__)
