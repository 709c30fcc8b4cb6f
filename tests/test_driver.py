"""One driver for every way in: read, ingest, batch and POST /articles report a failure alike.

The pipeline is replaced by a blank English spaCy model with one component
that fails on one article, so the real ``analyze_many`` (a batch through
``nlp.pipe``, then article by article when the batch fails) runs without
loading the model.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import spacy
from click.testing import CliRunner
from spacy.language import Language
from spacy.tokens import Doc

from helpers.store import client_class, no_nlp
from tidings.batch import (
    Driver,
    InlineExecutor,
    PartitionSink,
    StreamSink,
    WorkSettings,
    ingest_sources,
    read_partitions,
    run_batch,
)
from tidings.cli import cli
from tidings.records import Article
from tidings.store import Store

POISON = "poisoned"
TOKEN = "driver-test-token"

STORIES = {
    "a_budget.txt": "Council approves budget\n\nThe city council approved the budget on Monday after a long debate.\n",
    "b_poisoned.txt": f"Minister visits port\n\nThe minister visited the {POISON} port on Tuesday and met workers.\n",
    "c_storm.txt": "Storm closes schools\n\nA storm closed schools across the region on Wednesday morning.\n",
}


def analysis_failed(source: str) -> str:
    """The one line every way in reports for an article whose analysis raised RuntimeError('boom')."""
    return f"[T300] {source}: the analysis failed (RuntimeError: boom); the article is left out"


@Language.component("tidings_test_fault")
def _fault(doc: Doc) -> Doc:
    if POISON in doc.text:
        raise RuntimeError("boom")
    return doc


@pytest.fixture
def faulty_pipeline(monkeypatch: pytest.MonkeyPatch) -> Language:
    """The pipeline every way in loads: a blank model that fails on the poisoned article."""
    from tidings.nlp import pipeline
    from tidings.nlp.extensions import set_extensions

    set_extensions()
    nlp = spacy.blank("en")
    nlp.add_pipe("tidings_test_fault")
    monkeypatch.setattr(pipeline, "load_pipeline", lambda *args, **kwargs: nlp)
    return nlp


@pytest.fixture
def stories(tmp_path: Path) -> dict[str, str]:
    """The three stories as files: their names and paths, in input order."""
    folder = tmp_path / "news"
    folder.mkdir()
    paths = {}
    for name, text in STORIES.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths[name] = str(folder / name)
    return paths


def _names(records: list[dict[str, Any]]) -> list[str]:
    return [Path(r["source_path"]).name for r in records]


def test_driver_read_prints_the_others_and_one_line(faulty_pipeline, stories):
    result = CliRunner().invoke(cli, ["read", *stories.values()])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 1
    assert _names(records) == ["a_budget.txt", "c_storm.txt"]  # input order
    assert f"tidings: {analysis_failed(stories['b_poisoned.txt'])}" in result.stderr.splitlines()


def test_driver_read_pretty_streams_every_record(faulty_pipeline, stories):
    result = CliRunner().invoke(cli, ["read", "--pretty", stories["a_budget.txt"], stories["c_storm.txt"]])
    assert result.exit_code == 0, result.output
    decoder, text, records = json.JSONDecoder(), result.stdout, []
    pos = 0
    while text[pos:].strip():
        record, end = decoder.raw_decode(text, pos)
        records.append(record)
        pos = end + 1
    assert _names(records) == ["a_budget.txt", "c_storm.txt"]
    assert "\n  " in text  # indented


def test_driver_ingest_stores_the_others_and_one_line(faulty_pipeline, stories, tmp_path):
    db = str(tmp_path / "news.db")
    result = CliRunner().invoke(cli, ["ingest", *stories.values(), "--db", db])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert f"tidings: {analysis_failed(stories['b_poisoned.txt'])}" in lines
    summary = json.loads(lines[-1])
    assert summary == {"added": 2, "replaced": 0, "unchanged": 0, "skipped": 0, "rejected": 0, "failed": 1}
    with Store(db) as store:
        assert sorted(_names([store.article(i) for i in store.article_ids()])) == ["a_budget.txt", "c_storm.txt"]


def test_driver_ingest_goes_on_after_a_failing_article(faulty_pipeline, stories):
    """The failing article comes first, in its own nlp.pipe batch with the others: they are still stored."""
    order = [stories["b_poisoned.txt"], stories["a_budget.txt"], stories["c_storm.txt"]]
    failures, stored = [], []
    with Store(":memory:") as store:
        report = ingest_sources(store, order, on_failure=failures.append,
                                on_article=lambda article_id, status: stored.append(status))
        assert len(store.article_ids()) == 2
    assert stored == ["added", "added"]
    assert [f.line() for f in failures] == report.failures == [analysis_failed(order[0])]
    # A re-run skips the stored ones and tries the failed one again.
    with Store(":memory:") as store:
        ingest_sources(store, order[1:])
        again = ingest_sources(store, order)
    assert (again.skipped, len(again.failures), again.summary.added) == (2, 1, 0)


def test_driver_batch_writes_the_others_and_one_line(faulty_pipeline, stories, tmp_path):
    out = tmp_path / "out"
    summary = run_batch([str(Path(stories["a_budget.txt"]).parent)], PartitionSink(out),
                        errors=out / "errors.jsonl")
    (error,) = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (summary.stored, summary.failed) == (2, {"analyze": 1})
    assert error["error"] == analysis_failed(stories["b_poisoned.txt"])
    assert (error["stage"], error["reason"], error["message"]) == ("analyze", "RuntimeError", "boom")
    assert sorted(_names(list(read_partitions(out)))) == ["a_budget.txt", "c_storm.txt"]


def _failing_analyzer(article: Article) -> dict[str, Any]:
    if POISON in article.text:
        raise RuntimeError("boom")
    return no_nlp(article)


@pytest.mark.parametrize("analyzer", ["injected", "pipeline"])
def test_driver_api_stores_the_others_and_logs_one_line(faulty_pipeline, analyzer, caplog):
    from tidings.api import create_app

    store = Store(":memory:")
    app = create_app(store=store, token=TOKEN, analyzer=_failing_analyzer if analyzer == "injected" else None)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with caplog.at_level(logging.ERROR), client_class()(app, raise_server_exceptions=False) as client:
        answers = [client.post("/articles", json={"text": text}, headers=auth) for text in STORIES.values()]
    assert [a.status_code for a in answers] == [201, 500, 201]
    assert [a.json()["status"] for a in answers[::2]] == ["added", "added"]
    body = answers[1].json()
    assert body["ok"] is False and body["error"].startswith("[T300] api: the analysis failed;")
    assert "boom" not in body["error"]  # the client gets no internals; the server log has the line
    assert analysis_failed("api") in [r.getMessage() for r in caplog.records]
    assert {store.article(a.json()["id"])["headline"] for a in answers[::2]} == {
        "Council approves budget", "Storm closes schools"}
    store.close()


def test_driver_streams_each_chunk_before_reading_the_next():
    """With the stream sink, a chunk is written before the next article is read."""
    stream = io.StringIO()
    seen: list[int] = []

    def articles() -> Iterator[Article]:
        for i in range(3):
            seen.append(len(stream.getvalue().splitlines()))
            yield Article(text=f"Story {i}\n\nA report, number {i}.", source_path=f"gen/{i}")

    executor = InlineExecutor(WorkSettings(nlp=False))
    counters = Driver(StreamSink(stream), executor, chunk_size=1, skip_done=False, eager=True).feed(articles())
    assert seen == [0, 1, 2]
    assert counters.stored == 3
    assert [json.loads(line)["source_path"] for line in stream.getvalue().splitlines()] == ["gen/0", "gen/1", "gen/2"]


class _Backwards:
    """An executor whose chunks finish last-submitted first (as parallel workers may)."""

    capacity = 3

    def __init__(self) -> None:
        self.inner = InlineExecutor(WorkSettings(nlp=False))
        self.pending: list[tuple[int, list[Article]]] = []

    def submit(self, key: int, articles: list[Article]) -> None:
        self.pending.append((key, articles))

    def in_flight(self) -> int:
        return len(self.pending)

    def next_done(self) -> tuple[int, Any]:
        key, articles = self.pending.pop()
        self.inner.submit(key, articles)
        return self.inner.next_done()

    def close(self) -> None:
        self.inner.close()


def test_driver_writes_chunks_in_input_order_whichever_finishes_first():
    stream = io.StringIO()
    articles = [Article(text=f"Story {i}\n\nA report, number {i}.", source_path=f"gen/{i}") for i in range(8)]
    counters = Driver(StreamSink(stream), _Backwards(), chunk_size=1, skip_done=False).feed(articles)
    assert counters.stored == 8
    assert [json.loads(line)["source_path"] for line in stream.getvalue().splitlines()] == [
        f"gen/{i}" for i in range(8)]
