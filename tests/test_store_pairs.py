"""Store: the counts of reports per actor -> target pair stay equal to a recount (both backends)."""

from __future__ import annotations

from sqlalchemy import select

from tidings.store import _pairs
from tidings.store import _schema as s


def _kept(store) -> dict[tuple[int, int, str], int]:
    p = s.event_pairs
    with store.read() as conn:
        return {(a, t, ty): n for a, t, ty, n in conn.execute(
            select(p.c.actor_id, p.c.target_id, p.c.type, p.c.n)).tuples()}


def _recounted(store) -> dict[tuple[int, int, str], int]:
    """A recount from the events, in a transaction that is rolled back."""
    with store.engine.connect() as conn, conn.begin() as tx:
        _pairs.rebuild(conn)
        p = s.event_pairs
        found = {(a, t, ty): n for a, t, ty, n in conn.execute(
            select(p.c.actor_id, p.c.target_id, p.c.type, p.c.n)).tuples()}
        tx.rollback()
    return found


def _id_of(store, name):
    found = [e["id"] for e in store.entities(limit=1000).items if e["name"] == name]
    assert len(found) == 1, name
    return found[0]


def test_store_pairs_follow_every_change(store, record):
    for name in ("visit_a", "visit_b", "unrelated"):
        store.add(record(name))
        assert _kept(store) == _recounted(store), name
    assert _kept(store), "the fixtures have actors and targets"
    jens = _id_of(store, "Jens Stoltenberg")
    apart = store.split_entity(jens, name="Stoltenberg")
    assert _kept(store) == _recounted(store)
    # Jens and the split-off Stoltenberg act on the same targets: merging adds their counts.
    store.merge_entities(jens, apart["id"])
    assert _kept(store) == _recounted(store)
    # A merge that makes an actor its own target removes that pair.
    park = _id_of(store, "Park Jin")
    store.merge_entities(jens, park)
    assert _kept(store) == _recounted(store)
    assert not [k for k in _kept(store) if k[0] == k[1]]
    assert store.add(record("visit_a_revised")) == "replaced"
    assert _kept(store) == _recounted(store)
    assert store.delete_article(record("unrelated")["id"])
    assert _kept(store) == _recounted(store)


def test_store_pair_totals(visit_store_ro):
    kept = _kept(visit_store_ro)
    for (a, t, ty), n in kept.items():
        if ty == _pairs.TOTAL:
            assert n == sum(m for (a2, t2, ty2), m in kept.items() if (a2, t2) == (a, t) and ty2 != ty)


def test_day_window_is_cut_at_the_calendar_edges() -> None:
    from tidings.store._cluster import _day_window

    assert _day_window("2023-01-29") == ("2023-01-28", "2023-01-30")
    assert _day_window("0001-01-01") == ("0001-01-01", "0001-01-02")
    assert _day_window("9999-12-31") == ("9999-12-30", "9999-12-31")
    assert _day_window("2023-01") is None
