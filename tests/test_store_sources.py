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


def test_lag_from_publication_to_storage_median_and_p95(store):
    source, _ = store.add_source(FEED)
    other, _ = store.add_source("https://other.example.org/rss")
    sid = source["id"]
    for n, minutes in enumerate([1, 2, 3, 4, 100]):
        store.see_source_item(sid, f"https://news.example.org/{n}", entry_hash="e", content_hash="c",
                              article_id=f"a{n}", published="2024-03-04T10:00:00+00:00",
                              stored_at=f"2024-03-04T{10 + minutes // 60:02d}:{minutes % 60:02d}:00+00:00")
    # Seen, never stored, or stored with no publication time: no lag.
    store.see_source_item(sid, "https://news.example.org/x", entry_hash="e")
    store.see_source_item(sid, "https://news.example.org/y", entry_hash="e", content_hash="c", article_id="y",
                          stored_at="2024-03-04T10:00:00+00:00")
    # Seen again (an update): the first storage time stays.
    store.see_source_item(sid, "https://news.example.org/0", entry_hash="e2", content_hash="c2",
                          article_id="b0", published="2024-03-04T11:00:00+00:00",
                          stored_at="2024-03-05T10:00:00+00:00")
    lags = store.source_lags()
    assert set(lags) == {sid} and other["id"] not in lags
    assert lags[sid] == {"lag_items": 5, "lag_median_s": 180.0, "lag_p95_s": 6000.0}
    report = store.source_report(FEED)
    assert report["lag_median_s"] == 180.0 and report["fetched"] == 0
    assert store.source_report(other["id"])["lag_items"] == 0
    with pytest.raises(NotFound, match=r"\[T602\]"):
        store.source_report(99)


def test_sources_are_paged_in_the_order_added(store):
    for n in range(5):
        store.add_source(f"https://news{n}.example.org/rss")
    first = store.sources_page(limit=2)
    assert [s["url"] for s in first.items] == ["https://news0.example.org/rss", "https://news1.example.org/rss"]
    assert first.items[0]["lag_items"] == 0 and first.next_cursor
    seen = [s["id"] for s in first.items]
    cursor = first.next_cursor
    while cursor:
        page = store.sources_page(limit=2, cursor=cursor)
        seen += [s["id"] for s in page.items]
        cursor = page.next_cursor
    assert seen == [s["id"] for s in store.sources()]
    with pytest.raises(QueryError, match=r"\[T530\]"):
        store.sources_page(cursor="nonsense")


def test_totals_count_stories_and_sources(store):
    store.add_source(FEED)
    totals = store.totals()
    assert totals["sources"] == 1 and totals["stories"] == 0 and totals["articles"] == 0


def test_a_store_from_before_0009_gets_the_item_times(store_url):
    import sqlalchemy as sa

    from tidings.store import Store, _migrations

    old = Store(store_url, migrate=False)
    _migrations.migrate(old.engine, upto="0007_stories")
    with old.engine.begin() as conn:  # as 0006 made it before the times were kept
        conn.execute(sa.text("ALTER TABLE live_items DROP COLUMN published"))
        conn.execute(sa.text("ALTER TABLE live_items DROP COLUMN stored_at"))
    old.close()
    with Store(store_url) as new:
        assert new.migrations()[-1] == "0009_live_counters"
        source, _ = new.add_source(FEED)
        new.see_source_item(source["id"], "https://news.example.org/a", entry_hash="e", content_hash="c",
                            article_id="a", published="2024-03-04T10:00:00Z", stored_at="2024-03-04T10:00:30Z")
        assert new.source_lags()[source["id"]]["lag_median_s"] == 30.0
