"""Store: migrations, idempotent and transactional ingest, round-trips (SQLite and PostgreSQL)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tidings.errors import StoreError
from tidings.store import Store

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "store"))
pytest_plugins = ["storekit"]


def test_store_migrations_recorded(store):
    assert store.migrations() == ["0001_initial", "0002_fulltext"]


def test_store_migrations_upgrade_in_place(store_url, record):
    from tidings.store import _migrations

    old = Store(store_url, migrate=False)
    assert _migrations.migrate(old.engine, upto="0001_initial") == ["0001_initial"]
    old.add(record("visit_a"))
    old.close()
    upgraded = Store(store_url)
    assert upgraded.migrations() == ["0001_initial", "0002_fulltext"]
    # The article stored before the upgrade is found by the new full-text index.
    assert [a["headline"] for a in upgraded.search("Seoul").items] == [record("visit_a")["headline"]]
    upgraded.close()


def test_store_ingest_twice_changes_nothing(store, record):
    first = store.add(record("visit_a"))
    counts = store.counts()
    second = store.add(record("visit_a"))
    assert (first, second) == ("added", "unchanged")
    assert store.counts() == counts


def test_store_ingest_same_url_replaces_reading(store, record):
    store.add(record("visit_a"))
    revised = record("visit_a_revised")
    assert store.add(revised) == "replaced"
    assert store.article_ids() == {revised["id"]}
    assert store.counts()["reports"] == len(revised["events"])
    assert store.counts()["mentions"] == sum(len(e["mentions"]) for e in revised["entities"])


@pytest.mark.parametrize("name", ["visit_a", "visit_b", "unrelated"])
def test_store_record_round_trip(store, name, record):
    rec = record(name)
    store.add(rec)
    assert store.article(rec["id"]) == rec


def test_store_failed_article_leaves_nothing(store, record):
    store.add(record("visit_b"))
    before = store.counts()
    bad = record("visit_a")
    bad["quotes"][0]["text"] = "bad\x00text"  # refused after entities and times were written
    with pytest.raises(StoreError, match=r"\[T520\]"):
        store.add(bad)
    assert store.counts() == before
    assert not store.has_article(bad["id"])


def test_store_replacement_failure_keeps_old_reading(store, record):
    store.add(record("visit_a"))
    before = store.counts()
    bad = record("visit_a_revised")
    bad["events"][-1]["evidence"]["text"] = "\x00"
    with pytest.raises(StoreError):
        store.add(bad)
    assert store.counts() == before
    assert store.article_ids() == {record("visit_a")["id"]}


@pytest.mark.parametrize("bad,code", [({"text": "x"}, "T521"), ({"id": "a1"}, "T522")])
def test_store_rejects_malformed_records(store, bad, code):
    with pytest.raises(StoreError, match=code):
        store.add(bad)


@pytest.mark.parametrize("url,expected", [
    ("news.db", "sqlite:///news.db"),
    (":memory:", "sqlite://"),
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
])
def test_store_normalise_url(url, expected):
    from tidings.store import normalise_url

    assert normalise_url(url) == expected


def test_store_default_url_from_env(monkeypatch):
    from tidings.store import default_url

    monkeypatch.setenv("TIDINGS_DB", "/tmp/x.db")
    assert default_url() == "/tmp/x.db"
    monkeypatch.delenv("TIDINGS_DB")
    assert default_url() == "tidings.db"


def test_store_bad_url_is_a_store_error():
    with pytest.raises(StoreError, match=r"\[T50[01]\]"):
        Store("mysql+nodriver://x/y")
