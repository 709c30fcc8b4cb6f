"""Store: the word index of entity names, kept in step with every change (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tidings.errors import StoreError
from tidings.store import EventFilter
from tidings.store import _schema as s


def _indexed(store) -> set[tuple[int, str, str]]:
    w = s.entity_words
    with store.read() as conn:
        return set(conn.execute(select(w.c.global_id, w.c.name, w.c.word)).tuples())


def _from_names(store) -> set[tuple[int, str, str]]:
    """The index as a rebuild from every stored name would make it."""
    g, e = s.global_entities, s.entities
    with store.read() as conn:
        names = set(conn.execute(select(g.c.id, g.c.name_norm)).tuples())
        names |= set(conn.execute(select(e.c.global_id, e.c.name_norm)).tuples())
    return {(int(gid), name, word) for gid, name in names for word in name.split(" ") if word}


def _id_of(store, name):
    found = [e["id"] for e in store.entities(limit=1000).items if e["name"] == name]
    assert len(found) == 1, name
    return found[0]


def test_store_words_follow_ingest_split_merge_replace_delete(store, record):
    for name in ("visit_a", "visit_b", "unrelated"):
        store.add(record(name))
        assert _indexed(store) == _from_names(store), name
    jens = _id_of(store, "Jens Stoltenberg")
    apart = store.split_entity(jens, name="Stoltenberg")
    assert _indexed(store) == _from_names(store)
    # "Stoltenberg" is no longer a name of Jens: the lookup gives the split-off entity only.
    assert [e["id"] for e in store.entities(name="Stoltenberg").items] == [apart["id"]]
    store.merge_entities(jens, apart["id"])
    assert _indexed(store) == _from_names(store)
    assert store.add(record("visit_a_revised")) == "replaced"
    assert _indexed(store) == _from_names(store)
    assert store.delete_article(record("unrelated")["id"])
    assert _indexed(store) == _from_names(store)


@pytest.mark.parametrize("ref,found", [
    ("Stoltenberg", ["Jens Stoltenberg"]),
    ("jens", ["Jens Stoltenberg"]),
    ("Park", ["Park Jin"]),
    ("Mr Kishida", ["Fumio Kishida"]),
    ("Jin Park", []),          # the words must come in the name's order
    ("Stolten", []),           # whole words only
    ("Korea", ["South Korea"]),
])
def test_store_partial_names_by_words(visit_store_ro, ref, found):
    assert [e["name"] for e in visit_store_ro.entities(name=ref).items] == found


def test_store_replaced_reading_drops_entities_no_longer_named(store, record):
    first = record("visit_a")
    store.add(first)
    ids = {e["name"]: e["id"] for e in store.entities(limit=100).items}
    kishida = next(e["id"] for e in first["entities"] if e["name"] == "Fumio Kishida")
    revised = record("visit_a")
    revised["id"] = first["id"] + "-2"
    revised["entities"] = [e for e in revised["entities"] if e["id"] != kishida]
    assert store.add(revised) == "replaced"
    after = {e["name"]: e["id"] for e in store.entities(limit=100).items}
    assert "Fumio Kishida" not in after
    # The entities the new reading names again keep their ids.
    assert after == {k: v for k, v in ids.items() if k != "Fumio Kishida"}
    assert store.events(EventFilter(entity="Kishida")).items == []
    with pytest.raises(StoreError, match=r"\[T533\]"):
        store.timeline("Kishida")
    with store.read() as conn:
        keys = set(conn.execute(select(s.entity_keys.c.global_id)).scalars())
    assert keys <= set(after.values())


def test_store_deleted_article_takes_its_own_entities(store, record):
    store.add(record("visit_a"))
    before = {e["name"] for e in store.entities(limit=100).items}
    store.add(record("unrelated"))
    assert store.delete_article(record("unrelated")["id"])
    assert {e["name"] for e in store.entities(limit=100).items} == before


def test_store_surname_resolution_through_words(store, record):
    store.add(record("visit_a"))
    b = record("visit_b")  # names "Stoltenberg" only
    store.add(b)
    jens = _id_of(store, "Jens Stoltenberg")
    assert {e["name"] for e in store.entities(limit=100).items if "Stoltenberg" in e["name"]} == {
        "Jens Stoltenberg"}
    assert store.entity(jens)["articles"] == 2
