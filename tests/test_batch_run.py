"""Batch runs over a mixed directory: partition files, the store, re-runs, failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.batch import build_mixed_dir
from tidings.batch import PartitionSink, WorkSettings, open_sink, read_partitions, run_batch

pytestmark = pytest.mark.issue(8)

READABLE = 7  # articles in the mixed directory; one more file is corrupt


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_mixed_dir(tmp_path_factory.mktemp("mixed"))


@pytest.fixture(scope="module")
def first_run(mixed: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("out")
    summary = run_batch([str(mixed)], PartitionSink(out, partition_size=3), errors=out / "errors.jsonl")
    return out, summary


def _errors(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow  # loads the spaCy model
def test_batch_mixed_dir_writes_every_readable_article(first_run):
    out, summary = first_run
    records = list(read_partitions(out))
    assert summary.read == READABLE
    assert summary.stored == READABLE
    assert len({r["id"] for r in records}) == READABLE
    assert {r["format"] for r in records} == {"text", "html", "feed", "jsonl", "warc"}


@pytest.mark.slow  # loads the spaCy model
def test_batch_mixed_dir_reports_the_corrupt_file(first_run):
    out, summary = first_run
    errors = _errors(out / "errors.jsonl")
    assert summary.failed == {"read": 1}
    assert [(e["stage"], Path(e["source"]).name, e["id"]) for e in errors] == [("read", "broken.txt.gz", None)]
    assert errors[0]["reason"] and "[T107]" in errors[0]["message"]


@pytest.mark.slow  # loads the spaCy model
def test_batch_records_are_analysed(first_run):
    out, summary = first_run
    records = list(read_partitions(out))
    assert summary.entities == sum(len(r["entities"]) for r in records) > 0
    assert summary.quotes == sum(len(r["quotes"]) for r in records)
    assert summary.events == sum(len(r["events"]) for r in records)
    assert all(r["text"][m["start"]:m["end"]] == m["text"] for r in records for e in r["entities"] for m in e["mentions"])


@pytest.mark.slow  # loads the spaCy model
def test_batch_partitions_rotate_and_leave_no_temporary_file(first_run):
    out, _summary = first_run
    names = sorted(p.name for p in out.iterdir())
    assert names == ["errors.jsonl", "manifest.sqlite", "part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    sizes = [len(p.read_text(encoding="utf-8").splitlines()) for p in sorted(out.glob("part-*"))]
    assert sizes == [3, 3, 1]


@pytest.mark.slow  # loads the spaCy model
def test_batch_rerun_writes_nothing_new(first_run, mixed: Path):
    out, _summary = first_run
    before = {p.name: p.read_bytes() for p in out.glob("part-*")}
    summary = run_batch([str(mixed)], PartitionSink(out, partition_size=3))
    assert summary.stored == 0
    assert summary.skipped == {"done": READABLE}
    assert {p.name: p.read_bytes() for p in out.glob("part-*")} == before


def test_batch_store_stores_the_rest_and_a_rerun_stores_nothing(mixed: Path, tmp_path: Path):
    from tidings.store import Store

    db = tmp_path / "t.db"
    settings = WorkSettings(nlp=False)
    first = run_batch([str(mixed)], open_sink(db=str(db)), settings=settings, errors=tmp_path / "e.jsonl")
    second = run_batch([str(mixed)], open_sink(db=str(db)), settings=settings)
    with Store(str(db)) as store:
        assert store.counts()["articles"] == READABLE
    assert (first.stored, first.failed) == (READABLE, {"read": 1})
    assert (second.stored, second.skipped) == (0, {"done": READABLE})


def test_batch_parquet_holds_the_same_records_as_jsonl(mixed: Path, tmp_path: Path):
    settings = WorkSettings(nlp=False)
    run_batch([str(mixed)], PartitionSink(tmp_path / "j"), settings=settings)
    run_batch([str(mixed)], PartitionSink(tmp_path / "p", fmt="parquet", partition_size=4), settings=settings)
    by_id = {r["id"]: r for r in read_partitions(tmp_path / "j")}
    parquet = {r["id"]: r for r in read_partitions(tmp_path / "p")}
    assert sorted(p.name for p in (tmp_path / "p").glob("part-*")) == ["part-00000.parquet", "part-00001.parquet"]
    assert parquet == by_id


def test_batch_duplicate_inputs_are_analysed_once(mixed: Path, tmp_path: Path):
    summary = run_batch([str(mixed), str(mixed / "story.txt")], PartitionSink(tmp_path), settings=WorkSettings(nlp=False))
    assert (summary.stored, summary.skipped) == (READABLE, {"done": 1})


@pytest.mark.slow  # loads the spaCy model
def test_batch_one_failing_article_costs_only_itself(mixed: Path, tmp_path: Path, monkeypatch):
    from tidings.nlp import pipeline

    def analyze_many(articles, nlp=None, *, batch_size=16, on_error=None):
        for article in articles:
            if article.headline == "Storm closes schools":
                on_error(article, ValueError("the parser choked"))
                continue
            yield pipeline.doc_to_record(article, None)

    monkeypatch.setattr(pipeline, "analyze_many", analyze_many)
    summary = run_batch([str(mixed)], PartitionSink(tmp_path), errors=tmp_path / "errors.jsonl")
    errors = _errors(tmp_path / "errors.jsonl")
    assert summary.stored == READABLE - 1
    assert summary.failed == {"read": 1, "analyze": 1}
    failed = next(e for e in errors if e["stage"] == "analyze")
    assert (failed["reason"], failed["message"]) == ("ValueError", "the parser choked")
    assert failed["id"] not in {r["id"] for r in read_partitions(tmp_path)}


def test_batch_a_lost_chunk_is_reported_and_retried_next_run(mixed: Path, tmp_path: Path, monkeypatch):
    from tidings.batch import executors

    def lost(articles, settings):
        raise RuntimeError("worker died")

    monkeypatch.setattr(executors, "process_chunk", lost)
    summary = run_batch([str(mixed)], PartitionSink(tmp_path), settings=WorkSettings(nlp=False), chunk_size=4)
    assert (summary.stored, summary.failed) == (0, {"read": 1, "worker": READABLE})
    monkeypatch.undo()
    again = run_batch([str(mixed)], PartitionSink(tmp_path), settings=WorkSettings(nlp=False))
    assert again.stored == READABLE


@pytest.mark.slow  # loads the spaCy model
def test_batch_summary_json_has_the_counts(first_run):
    _out, summary = first_run
    data = summary.as_dict()
    assert json.loads(json.dumps(data)) == data
    for key in ("read", "stored", "skipped", "failed", "events", "quotes", "articles_per_second"):
        assert key in data
    assert data["failed_total"] == 1 and data["read"] == READABLE
