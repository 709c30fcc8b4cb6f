"""End to end: the real pipeline reads the articles, the store folds what they tell.

These hold once the extraction stages deliver entities, times and events of
the quality the seed example asks for.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.records import shared_path
from helpers.store import STORE_FIXTURES
from tidings.store import EventFilter, Store

pytestmark = pytest.mark.slow

SEED = shared_path() / "examples" / "seed" / "article.txt"
needs_seed = pytest.mark.skipif(not SEED.exists(), reason="the seed example (../shared) is absent")


@pytest.fixture(scope="module")
def analysed():
    """Records of the seed (when present) and the two fixture reports, read once."""
    from tidings.ingest import ReadOptions, read_paths
    from tidings.nlp.pipeline import analyze_many
    from tidings.records import Article

    paths = [str(STORE_FIXTURES / "first_report.txt"), str(STORE_FIXTURES / "second_report.txt")]
    if SEED.exists():
        paths.append(str(SEED))
    articles = [a for a in read_paths(paths, ReadOptions(published="2023-01-29")) if isinstance(a, Article)]
    records = {Path(a.source_path).stem: r for a, r in zip(articles, analyze_many(articles), strict=True)}
    return records


def _store(tmp_path, records):
    store = Store(str(tmp_path / "e2e.db"))
    for rec in records:
        store.add(rec)
    return store


def _visit_clusters(store):
    return [c for c in store.clusters(EventFilter(actor="Stoltenberg", type="CONSULT"), limit=100).items
            if c["reports"] >= 2]


@needs_seed
def test_store_seed_twice_one_article(tmp_path, analysed):
    store = _store(tmp_path, [analysed["article"], analysed["article"]])
    assert store.counts()["articles"] == 1


@needs_seed
def test_store_seed_events_by_actor(tmp_path, analysed):
    store = _store(tmp_path, [analysed["article"]])
    events = store.events(EventFilter(actor="Stoltenberg"), limit=100).items
    assert any("arrived in Seoul on Sunday" in (e["evidence"]["text"] or "") for e in events)
    assert {e["type"] for e in events} >= {"CONSULT"}


@needs_seed
def test_store_seed_itinerary(tmp_path, analysed):
    store = _store(tmp_path, [analysed["article"]])
    stops = store.itinerary("Jens Stoltenberg")
    assert [(s["place"], s["date"]) for s in stops] == [("Seoul", "2023-01-29"), ("Tokyo", "2023-01-30")]


@needs_seed
def test_store_seed_and_second_report_one_cluster(tmp_path, analysed):
    store = _store(tmp_path, [analysed["article"], analysed["second_report"]])
    arrivals = [c for c in _visit_clusters(store) if c["date"] == "2023-01-29"]
    assert len(arrivals) == 1
    assert arrivals[0]["reports"] == 2


def test_store_two_fixture_reports_one_cluster(tmp_path, analysed):
    store = _store(tmp_path, [analysed["first_report"], analysed["second_report"]])
    arrivals = [c for c in _visit_clusters(store) if c["date"] == "2023-01-29"]
    assert len(arrivals) == 1
    assert {r["article_id"] for r in arrivals[0]["items"]} == {
        analysed["first_report"]["id"], analysed["second_report"]["id"]}


def test_store_fixture_reports_itinerary(tmp_path, analysed):
    store = _store(tmp_path, [analysed["first_report"], analysed["second_report"]])
    stops = store.itinerary("Jens Stoltenberg")
    assert [(s["place"], s["date"]) for s in stops] == [("Seoul", "2023-01-29"), ("Tokyo", "2023-01-30")]
