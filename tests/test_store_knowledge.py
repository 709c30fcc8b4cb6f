"""Store: cross-document entities, event clusters, timelines and itineraries."""

from __future__ import annotations

import pytest

from tidings.errors import StoreError
from tidings.store import EventFilter, normalise_name


@pytest.mark.parametrize("name,expected", [
    ("Mr Stoltenberg", "stoltenberg"),
    ("Jens  Stoltenberg", "jens stoltenberg"),
    ("Dr. Ana Müller-Lüdenscheidt", "ana muller-ludenscheidt"),
    ("NATO", "nato"),
    ("the United States", "united states"),
    ("Mr", "mr"),
])
def test_store_normalise_name(name, expected):
    assert normalise_name(name) == expected


def _entity(store, name):
    items = [e for e in store.entities(limit=1000).items if e["name"] == name]
    assert len(items) == 1, [e["name"] for e in store.entities(limit=1000).items]
    return items[0]


def test_store_surname_joins_full_name(visit_store_ro):
    person = _entity(visit_store_ro, "Jens Stoltenberg")
    assert person["variants"] == ["Jens Stoltenberg", "Stoltenberg"]
    assert person["articles"] == 2


def test_store_surname_first_then_full_name_folds(store, record):
    store.add(record("visit_b"))  # knows only "Stoltenberg"
    store.add(record("visit_a"))  # then the full name arrives
    assert _entity(store, "Jens Stoltenberg")["variants"] == ["Jens Stoltenberg", "Stoltenberg"]
    assert store.clusters(EventFilter(actor="Jens Stoltenberg")).items[0]["reports"] == 2


def test_store_ambiguous_surname_stays_apart(store, record):
    a = record("visit_a")
    other = record("unrelated")
    other["entities"].append({"id": "E9", "name": "Karin Stoltenberg", "type": "PERSON",
                              "mentions": [], "roles": []})
    store.add(a)
    store.add(other)
    store.add(record("visit_b"))
    names = {e["name"] for e in store.entities(limit=1000).items}
    assert {"Jens Stoltenberg", "Karin Stoltenberg", "Stoltenberg"} <= names


@pytest.mark.parametrize("name,code,joins", [
    ("Republic of Korea", "KOR", True),   # same country code
    ("South Korea", None, True),          # same name and type
    ("Korea", "PRK", False),              # another country's code
])
def test_store_country_resolution(store, name, code, joins, record):
    store.add(record("visit_a"))
    other = record("unrelated")
    other["entities"].append({"id": "E9", "name": name, "type": "GPE", "code": code,
                              "mentions": [], "roles": []})
    store.add(other)
    assert (_entity(store, "South Korea")["articles"] == 2) is joins


def test_store_igo_code_is_no_identity(visit_store_ro):
    names = {e["name"] for e in visit_store_ro.entities(type="ORG", limit=100).items}
    assert {"NATO", "European Union", "European Commission"} <= names


def test_store_merge_and_split(visit_store):
    jens = _entity(visit_store, "Jens Stoltenberg")
    merged = visit_store.split_entity(jens["id"], name="Stoltenberg")
    assert merged["variants"] == ["Stoltenberg"]
    assert _entity(visit_store, "Jens Stoltenberg")["articles"] == 1
    # Apart, the two reports of the visit are two events.
    assert visit_store.cluster(1) is None or visit_store.cluster(1)["reports"] == 1
    again = visit_store.merge_entities(jens["id"], merged["id"])
    assert again["variants"] == ["Jens Stoltenberg", "Stoltenberg"]
    assert max(c["reports"] for c in visit_store.clusters().items) == 2


def test_store_merge_unknown_entity(visit_store_ro):
    with pytest.raises(StoreError, match=r"\[T512\]"):
        visit_store_ro.merge_entities(1, 99999)


def test_store_two_reports_one_cluster(visit_store_ro):
    arrivals = visit_store_ro.clusters(EventFilter(actor="Stoltenberg", since="2023-01-29",
                                                until="2023-01-29", type="CONSULT")).items
    visit = [c for c in arrivals if [t["name"] for t in c["targets"]] == ["South Korea"]]
    assert len(visit) == 1
    assert visit[0]["reports"] == 2
    assert visit[0]["sources"] == ["Example News", "Example Wire"]
    assert sorted(r["evidence"]["text"] for r in visit[0]["items"]) == [
        "Stoltenberg visited South Korea", "landed in Seoul on Sunday"]


def test_store_counts_events_apart_from_reports(visit_store_ro):
    counts = visit_store_ro.counts()
    assert counts["reports"] == 8   # event rows read from the three articles
    assert counts["events"] == 6    # real-world events once reports are folded


@pytest.mark.parametrize("change", [
    {"when": "2023-01-31"},          # two days later
    {"type": "ACCUSE"},              # another type
    {"targets": ["E8"]},             # another target (Ukraine)
    {"modality": "negated"},         # denied, not reported
    {"place": "E5"},                 # Tokyo is not in South Korea
])
def test_store_different_events_stay_apart(store, change, record):
    store.add(record("visit_a"))
    b = record("visit_b")
    b["events"][0].update(change)
    store.add(b)
    assert all(c["reports"] == 1 for c in store.clusters(EventFilter(since="2023-01-29",
                                                                    until="2023-01-29")).items)


def test_store_timeline_in_date_order(visit_store_ro):
    rows = visit_store_ro.timeline("Jens Stoltenberg")
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert len(rows) == 4  # one row per real-world event, reports folded
    assert rows[0]["reports"] == 2


@pytest.mark.parametrize("limit,batch", [(1, 1), (2, 3), (3, 500)])
def test_store_timeline_pages_match_the_whole(store, record, limit, batch):
    a = record("visit_a")
    a["events"].append(dict(a["events"][0], id="V9"))  # a second row of one cluster
    for rec in (a, record("visit_b"), record("unrelated")):
        store.add(rec)
    whole = [(r["id"], r["cluster"], r["reports"], r["role"]) for r in store.timeline("Stoltenberg")]
    seen, cursor = [], None
    while True:
        page = store.timeline_page("Stoltenberg", limit=limit, cursor=cursor, batch=batch)
        assert len(page.items) <= limit
        seen += [(r["id"], r["cluster"], r["reports"], r["role"]) for r in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == whole
    assert len({c for _, c, _, _ in seen}) == len(seen) == 4


def test_store_timeline_reports_are_articles(store, record):
    a = record("visit_a")
    again = dict(a["events"][0], id="V9")  # the arrival told twice in one article
    a["events"].append(again)
    store.add(a)
    store.add(record("visit_b"))
    arrival = [r for r in store.timeline("Jens Stoltenberg") if r["date"] == "2023-01-29"
               and [t["name"] for t in r["targets"]] == ["South Korea"]]
    assert [r["reports"] for r in arrival] == [2]
    assert store.cluster(arrival[0]["cluster"])["events"] == 3


def test_store_itinerary(visit_store_ro):
    stops = visit_store_ro.itinerary("Jens Stoltenberg")
    assert [(s["place"], s["date"]) for s in stops] == [("Seoul", "2023-01-29"), ("Tokyo", "2023-01-30")]
    assert [s["modality"] for s in stops] == ["occurred", "planned"]


def test_store_timeline_unknown_entity(visit_store_ro):
    with pytest.raises(StoreError, match=r"\[T533\]"):
        visit_store_ro.timeline("Nobody Known")


def _partition(store):
    """Events grouped by cluster, as sets of event ids (cluster ids aside)."""
    groups: dict[int, set[int]] = {}
    for ev in store.events(limit=1000).items:
        groups.setdefault(ev["cluster"], set()).add(ev["id"])
    return sorted(sorted(g) for g in groups.values())


def test_store_merge_reclusters_only_around_the_entities(visit_store, record):
    unrelated = record("unrelated")["id"]
    untouched = {e["id"]: e["cluster"] for e in visit_store.events(EventFilter(article=unrelated)).items}
    jens = _entity(visit_store, "Jens Stoltenberg")
    apart = visit_store.split_entity(jens["id"], name="Stoltenberg")
    visit_store.merge_entities(jens["id"], apart["id"])
    # Events naming neither entity keep their clusters ...
    assert {e["id"]: e["cluster"] for e in visit_store.events(EventFilter(article=unrelated)).items} == untouched
    # ... and the clusters are those a full rebuild gives.
    scoped = _partition(visit_store)
    visit_store.recluster()
    assert _partition(visit_store) == scoped
    assert max(c["reports"] for c in visit_store.clusters().items) == 2
