"""Store: migrations, idempotent and transactional ingest, round-trips (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tidings.errors import StoreError
from tidings.store import EventFilter, Store


def test_store_migrations_recorded(store):
    assert store.migrations() == ["0001_initial", "0002_fulltext", "0003_name_words", "0004_event_pairs",
                                    "0005_event_confidence", "0006_live_sources",
                                    "0007_stories", "0008_watches"]


def _older_store(store_url: str, upto: str) -> Store:
    """A store at migration ``upto``; the later tables exist only so the writer can run."""
    from tidings.store import _migrations, _watches
    from tidings.store import _schema as s

    old = Store(store_url, migrate=False)
    assert _migrations.migrate(old.engine, upto=upto)[-1] == upto
    s.metadata.create_all(old.engine, tables=[s.entity_words, s.event_pairs, *s.STORY_TABLES,
                                                 _watches.watches, _watches.matches])
    return old


def _forget_word_index(old: Store) -> None:
    """Drop the later tables, as a store written before they existed has none."""
    from sqlalchemy import text

    with old.engine.begin() as conn:
        conn.execute(text("DROP TABLE entity_words"))
        conn.execute(text("DROP TABLE event_pairs"))
        for table in ("stories", "story_terms", "story_articles", "story_df", "story_labels", "story_meta",
                      "watches", "watch_matches"):
            conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
    old.close()


def test_store_migrations_upgrade_in_place(store_url, record):
    old = _older_store(store_url, "0001_initial")
    old.add(record("visit_a"))
    _forget_word_index(old)
    upgraded = Store(store_url)
    assert upgraded.migrations() == ["0001_initial", "0002_fulltext", "0003_name_words", "0004_event_pairs",
                                    "0005_event_confidence", "0006_live_sources",
                                    "0007_stories", "0008_watches"]
    # The article stored before the upgrade is found by the new full-text index.
    assert [a["headline"] for a in upgraded.search("Seoul").items] == [record("visit_a")["headline"]]
    upgraded.close()


def test_store_migration_backfills_word_index(store_url, record):
    old = _older_store(store_url, "0002_fulltext")
    old.add(record("visit_a"))
    old.add(record("visit_b"))
    expected = {ref: old.events(EventFilter(entity=ref)).items for ref in ("Stoltenberg", "Kishida", "Park")}
    _forget_word_index(old)
    upgraded = Store(store_url)
    assert "0003_name_words" in upgraded.migrations()
    # Partial names are found through the backfilled index exactly as before the upgrade.
    for ref, items in expected.items():
        assert items, ref
        assert upgraded.events(EventFilter(entity=ref)).items == items
    upgraded.close()


def test_store_migration_backfills_event_confidence(store_url, record):
    from sqlalchemy import text

    rec = record("visit_a")
    for n, ev in enumerate(rec["events"]):
        ev["confidence"] = 0.9 if n == 0 else 0.1
    old = _older_store(store_url, "0004_event_pairs")
    old.add(rec)
    with old.engine.begin() as conn:   # as written before the column was filled
        conn.execute(text("UPDATE events SET confidence = NULL"))
    old.close()
    upgraded = Store(store_url)
    assert "0005_event_confidence" in upgraded.migrations()
    assert len(upgraded.events(EventFilter(min_confidence=0.5)).items) == 1
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


_words = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
                 max_size=30)


@st.composite
def records(draw):
    """Contract-shaped records with offsets inside their text."""
    text = draw(st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
                        min_size=1, max_size=200))

    def span():
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        return {"start": start, "end": end, "text": text[start:end]}

    n_ent = draw(st.integers(0, 4))
    entities = [{
        "id": f"E{i + 1}", "name": draw(_words), "type": draw(st.sampled_from(["PERSON", "ORG", "GPE"])),
        "code": draw(st.none() | st.sampled_from(["KOR", "JPN", "IGO"])), "country": None,
        "sector": draw(st.none() | st.sampled_from(["GOV", "MIL"])), "kb": None, "geo": None,
        "roles": [], "mentions": [span() for _ in range(draw(st.integers(0, 3)))],
    } for i in range(n_ent)]
    ids = [e["id"] for e in entities]
    ref = st.sampled_from(ids) if ids else st.none()
    events = [{
        "id": f"V{i + 1}", "type": draw(st.sampled_from(["CONSULT", "ACCUSE", "AID"])), "mode": None,
        "context": None, "actors": draw(st.lists(ref, max_size=2)) if ids else [],
        "targets": draw(st.lists(ref, max_size=2)) if ids else [], "place": draw(ref),
        "when": draw(st.none() | st.dates().map(lambda d: d.isoformat())),
        "modality": draw(st.sampled_from(["occurred", "planned", "negated"])),
        "trigger": span(), "evidence": span(), "cameo": None, "source": None,
    } for i in range(draw(st.integers(0, 3)))]
    quotes = [{**span(), "kind": "direct", "speaker": draw(ref), "speaker_text": draw(_words),
               "cue": "said", "addressee": None} for _ in range(draw(st.integers(0, 2)))]
    times = [{**span(), "type": "DATE", "value": draw(_words)} for _ in range(draw(st.integers(0, 2)))]
    return {
        "id": "",
        "headline": draw(st.none() | _words), "published": draw(st.none() | st.just("2023-01-29")),
        "url": draw(st.none() | st.just("https://example.org/a")), "language": "en", "text": text,
        "sections": [{"kind": "body", "start": 0, "end": len(text)}], "captions": [], "wire": [],
        "entities": entities, "times": times, "quotes": quotes, "events": events,
    }


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rec=records())
def test_store_hypothesis_round_trip(store, rec):
    rec["id"] = uuid.uuid4().hex[:16]  # examples share the store; an id stored is left alone
    store.add(rec)
    assert store.article(rec["id"]) == rec
