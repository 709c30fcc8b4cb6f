"""The state of followed sources in the store: added, updated, counted, paused, removed (both backends)."""

from __future__ import annotations

import pytest

from tidings.errors import NotFound, QueryError

FEED = "https://news.example.org/rss"


def test_a_source_is_added_once_and_its_settings_updated(store):
    source, new = store.add_source(FEED, name="Example", language="en", interval=600)
    assert new and source["interval"] == 600 and not source["paused"]
    again, new = store.add_source(FEED, interval=1200)
    assert not new and again["id"] == source["id"]
    assert (again["interval"], again["name"], again["language"]) == (1200, "Example", "en")
    assert [s["url"] for s in store.sources()] == [FEED]
    with pytest.raises(QueryError, match=r"\[T601\]"):
        store.add_source("https://other.example.org/rss", interval=0)


def test_counters_validators_and_errors_by_kind(store):
    source, _ = store.add_source(FEED)
    store.update_source(source["id"], bump={"fetched": 1}, etag='"v1"', last_success="2024-03-04T10:00:00+00:00")
    store.update_source(FEED, bump={"fetched": 1, "not_modified": 1})
    store.update_source(FEED, error_kind="timeout", last_error="[T610] slow")
    found = store.update_source(str(source["id"]), error_kind="timeout")
    assert (found["fetched"], found["not_modified"], found["etag"]) == (2, 1, '"v1"')
    assert found["errors"] == {"timeout": 2} and found["last_error"] == "[T610] slow"
    with pytest.raises(QueryError, match=r"\[T603\]"):
        store.update_source(FEED, url="https://elsewhere.example.org/")
    with pytest.raises(NotFound, match=r"\[T602\]"):
        store.update_source(99, paused=True)


def test_items_are_seen_once_per_source_and_updated(store):
    source, _ = store.add_source(FEED)
    url = "https://news.example.org/a"
    assert store.see_source_item(source["id"], url, entry_hash="e1")
    assert not store.see_source_item(source["id"], url, entry_hash="e2", content_hash="c1", article_id="a1")
    assert not store.see_source_item(source["id"], url, entry_hash="e3")  # content kept when not given
    item = store.source_items(source["id"])[url]
    assert (item["entry_hash"], item["content_hash"], item["article_id"]) == ("e3", "c1", "a1")


def test_pause_resume_and_remove(store):
    source, _ = store.add_source(FEED)
    store.see_source_item(source["id"], "https://news.example.org/a", entry_hash="e")
    assert store.update_source(FEED, paused=True)["paused"]
    assert not store.update_source(FEED, paused=False)["paused"]
    assert store.remove_source(FEED)["id"] == source["id"]
    assert store.sources() == [] and store.source(FEED) is None
    assert store.source_items(source["id"]) == {}
