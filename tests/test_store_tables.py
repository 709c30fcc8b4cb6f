"""Store: the tables, map, network and profile reads behind the web pages, and the one filter type."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tidings.errors import StoreError
from tidings.store import REPORT_SORTS, TABLE_MAX, EventFilter

FILTERS = [
    EventFilter(),
    EventFilter(actor="Stoltenberg"),
    EventFilter(target="Japan"),
    EventFilter(entity="Kishida"),
    EventFilter(type="protest"),
    EventFilter(modality="planned"),
    EventFilter(since="2023-01-30", until="2023-01-30"),
    EventFilter(place="Tokyo"),
    EventFilter(country="kor"),
    EventFilter(source="Example Wire"),
    EventFilter(actor="Stoltenberg", source="Example News", until="2023-01-29"),
    EventFilter(actor="Nobody Known"),
]


@pytest.mark.parametrize("flt", FILTERS)
def test_store_reports_table_matches_the_event_list(visit_store_ro, flt):
    """The offset table and the keyset list read one filter the same way."""
    listed = {e["id"] for e in visit_store_ro.events(flt, limit=1000).items}
    items, total = visit_store_ro.reports_table(flt, limit=100)
    assert total == len(items) == len(listed)
    assert {e["id"] for e in items} == listed


def test_store_source_filter_takes_publisher_id_or_url(visit_store_ro, record):
    wire = record("visit_b")
    for source in ("Example Wire", wire["id"], wire["url"]):
        items, total = visit_store_ro.reports_table(EventFilter(source=source))
        assert total == len(wire["events"]) and {e["article_id"] for e in items} == {wire["id"]}
    clusters = visit_store_ro.clusters(EventFilter(source="Example Wire"), limit=100).items
    assert clusters and all(any(r["article_id"] == wire["id"] for r in c["items"]) for c in clusters)


@pytest.mark.parametrize("sort", REPORT_SORTS)
@pytest.mark.parametrize("desc", [False, True])
def test_store_reports_table_pages_cover_the_sorted_whole(visit_store_ro, sort, desc):
    whole, total = visit_store_ro.reports_table(sort=sort, desc=desc, limit=100)
    pages = [visit_store_ro.reports_table(sort=sort, desc=desc, limit=3, offset=k)[0] for k in range(0, total, 3)]
    assert [e["id"] for p in pages for e in p] == [e["id"] for e in whole]
    if sort in ("date", "type"):
        keys = [e[sort] for e in whole]
        assert keys == sorted(keys, reverse=desc)


@pytest.mark.parametrize("flt", [EventFilter(), EventFilter(actor="Stoltenberg"), EventFilter(type="CONSULT"),
                                 EventFilter(since="2023-01-30"), EventFilter(country="JPN")])
def test_store_clusters_table_matches_the_cluster_list(visit_store_ro, flt):
    listed = visit_store_ro.clusters(flt, limit=1000).items
    items, total = visit_store_ro.clusters_table(flt, limit=100)
    assert total == len(items) == len(listed)
    assert {c["id"] for c in items} == {c["id"] for c in listed}
    by_id = {c["id"]: c for c in listed}
    for row in items:
        assert row["reports"] == by_id[row["id"]]["reports"]
        assert row["sources"] == by_id[row["id"]]["sources"]


def test_store_clusters_table_sorts_and_narrows(visit_store_ro):
    items, _ = visit_store_ro.clusters_table(sort="source", desc=True)
    counts = [c["reports"] for c in items]
    assert counts == sorted(counts, reverse=True)
    first = items[0]
    only, total = visit_store_ro.clusters_table(EventFilter(cluster=first["id"]))
    assert total == 1 and only[0]["id"] == first["id"]
    reports, n = visit_store_ro.reports_table(EventFilter(cluster=first["id"]))
    assert n == first["reports"] and {r["cluster"] for r in reports} == {first["id"]}
    # A cluster matches by its reports' places.
    tokyo, _ = visit_store_ro.clusters_table(EventFilter(place="Tokyo"), limit=100)
    assert tokyo and all("Tokyo" in c["place"] for c in tokyo)


@pytest.mark.parametrize("call,code", [
    (lambda s: s.reports_table(sort="headline"), "[T536]"),
    (lambda s: s.clusters_table(sort="place"), "[T536]"),
    (lambda s: s.reports_table(limit=0), "[T531]"),
    (lambda s: s.clusters_table(limit=TABLE_MAX + 1), "[T531]"),
    (lambda s: s.reports_table(offset=-1), "[T537]"),
    (lambda s: s.reports_table(EventFilter(actor="a\x00b")), "[T534]"),
    (lambda s: s.map_points(EventFilter(source="\x00")), "[T534]"),
    (lambda s: s.network(EventFilter(place="\x00")), "[T534]"),
    (lambda s: s.network(max_edges=0), "[T538]"),
    (lambda s: s.reports_table(EventFilter(since="yesterday")), "[T532]"),
    (lambda s: s.article_entity_ids("a\x00"), "[T534]"),
])
def test_store_tables_refuse_bad_requests(visit_store_ro, call, code):
    with pytest.raises(StoreError) as err:
        call(visit_store_ro)
    assert str(err.value).startswith(code)


@pytest.mark.parametrize("flt", [EventFilter(), EventFilter(actor="Stoltenberg"), EventFilter(since="2023-02-01"),
                                 EventFilter(source="Example Wire")])
def test_store_map_points_count_every_report(visit_store_ro, flt):
    data = visit_store_ro.map_points(flt)
    items, total = visit_store_ro.reports_table(flt, limit=100)
    assert sum(p["n"] for p in data["points"]) + data["unplaced"] == total
    countries: dict[str, int] = {}
    for e in items:
        if e["country"]:
            countries[e["country"]] = countries.get(e["country"], 0) + 1
    assert data["countries"] == countries
    assert all(-90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180 for p in data["points"])
    ns = [p["n"] for p in data["points"]]
    assert ns == sorted(ns, reverse=True)


def test_store_network_under_a_filter(visit_store_ro):
    whole = visit_store_ro.network()
    assert whole == visit_store_ro.network(use_counts=False)
    edges = visit_store_ro.network(EventFilter(target="Japan"))["edges"]
    targets = {n["id"]: n["name"] for n in visit_store_ro.network(EventFilter(target="Japan"))["nodes"]}
    assert edges and {targets[e["target"]] for e in edges} == {"Japan"}
    assert visit_store_ro.network(EventFilter(type="PROTEST"))["edges"] == []
    for e in whole["edges"]:
        assert e["cooperation"] + e["conflict"] == e["n"] == sum(e["types"].values())
    degree = {n["id"]: n["n"] for n in whole["nodes"]}
    for node, n in degree.items():
        assert n == sum(e["n"] for e in whole["edges"] if node in (e["source"], e["target"]))


def test_store_overview_reads(visit_store_ro, record):
    names = {record(n)["publisher"] for n in ("visit_a", "visit_b", "unrelated")}
    assert visit_store_ro.publishers() == sorted(names)
    recent = visit_store_ro.recent_articles(2)
    assert [a["id"] for a in recent] == [record("unrelated")["id"], record("visit_b")["id"]]
    dates = [e["date"] for e in visit_store_ro.events(limit=1000).items if e["date"]]
    assert visit_store_ro.date_range() == (min(dates)[:10], max(dates)[:10])


def test_store_entity_profile_reads(visit_store_ro, record):
    rec = record("visit_a")
    links = visit_store_ro.article_entity_ids(rec["id"])
    assert set(links) == {e["id"] for e in rec["entities"]}
    assert visit_store_ro.article_entity_ids("nope") == {}
    person = next(e for e in rec["entities"] if e["name"] == "Jens Stoltenberg")
    gid = links[person["id"]]
    assert [r["title"] for r in visit_store_ro.entity_roles(gid)] == ["Secretary-General"]
    assert visit_store_ro.entity_sector(gid) == person.get("sector")
    stops = visit_store_ro.itinerary_map(str(gid))
    plain = visit_store_ro.itinerary(str(gid))
    assert [s["event_id"] for s in stops] == [s["event_id"] for s in plain]
    local = {e["id"] for e in rec["events"]} | {e["id"] for e in record("visit_b")["events"]}
    assert all(s["event_local"] in local and s["lat"] is not None and s["lon"] is not None for s in stops)


def test_event_filter_empty_and_check():
    assert EventFilter().empty()
    assert not EventFilter(cluster=3).empty() and not EventFilter(source="x").empty()
    EventFilter(actor="fine").check()
    with pytest.raises(StoreError, match=r"^\[T534\]"):
        EventFilter(until="\x00").check()


def test_web_and_api_import_no_nlp_model():
    """The pages read the event ontology's light module only: spaCy is never imported."""
    code = ("import sys, tidings.web, tidings.api\n"
            "from tidings.api import create_app\n"
            "from tidings.store import Store\n"
            "create_app(store=Store(':memory:'), token='t')\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'spacy', 'thinc', 'torch'}))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
