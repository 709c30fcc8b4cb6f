"""Store: event, quote and entity queries, pagination, search and exports."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tidings.errors import StoreError
from tidings.store import EventFilter, export


@pytest.mark.parametrize("flt,expected", [
    (EventFilter(actor="Stoltenberg"), 6),
    (EventFilter(actor="Mr Stoltenberg"), 6),           # a variant, honorific dropped
    (EventFilter(actor="stoltenberg", target="Japan"), 2),
    (EventFilter(target="European Union"), 1),
    (EventFilter(entity="NATO"), 0),                    # NATO neither acts nor is targeted
    (EventFilter(type="protest"), 1),
    (EventFilter(modality="planned"), 5),
    (EventFilter(since="2023-01-30"), 5),
    (EventFilter(until="2023-01-29"), 3),
    (EventFilter(since="2023-01-30", until="2023-01-30"), 3),
    (EventFilter(place="Tokyo"), 3),
    (EventFilter(place="Seoul"), 3),
    (EventFilter(country="kor"), 3),
    (EventFilter(actor="Nobody Known"), 0),
])
def test_store_event_filters(visit_store_ro, flt, expected):
    assert len(visit_store_ro.events(flt, limit=100).items) == expected


def test_store_events_carry_provenance(visit_store_ro, record):
    rec = record("visit_a")
    for ev in visit_store_ro.events(EventFilter(article=rec["id"])).items:
        span = ev["evidence"]
        assert rec["text"][span["start"]:span["end"]] == span["text"]
        assert ev["url"] == rec["url"]


@pytest.mark.parametrize("kind", ["events", "clusters", "entities", "quotes", "articles"])
def test_store_pages_cover_everything_once(visit_store_ro, kind):
    fetch = getattr(visit_store_ro, kind)
    everything = [i["id"] for i in fetch(limit=1000).items]
    seen, cursor = [], None
    while True:
        page = fetch(limit=2, cursor=cursor)
        seen += [i["id"] for i in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == everything
    assert len(set(seen)) == len(seen) > 0


@pytest.mark.parametrize("kw,code", [
    ({"cursor": "not-a-cursor"}, "T530"),
    ({"cursor": "WzEsMiwzXQ"}, "T530"),   # a valid encoding of the wrong shape
    ({"limit": 0}, "T531"),
    ({"limit": 5000}, "T531"),
])
def test_store_bad_page_arguments(visit_store_ro, kw, code):
    with pytest.raises(StoreError, match=code):
        visit_store_ro.events(**kw)


def test_store_bad_date_filter(visit_store_ro):
    with pytest.raises(StoreError, match="T532"):
        visit_store_ro.events(EventFilter(since="last week"))


@pytest.mark.parametrize("kw,expected", [
    ({"speaker": "Jens Stoltenberg"}, 2),
    ({"speaker": "Stoltenberg", "text_": "ukraine"}, 1),
    ({"text_": "100%"}, 0),            # LIKE wildcards are data
    ({"speaker": "Fumio Kishida"}, 0),
])
def test_store_quote_filters(visit_store_ro, kw, expected):
    assert len(visit_store_ro.quotes(**kw).items) == expected


@pytest.mark.parametrize("query,headline", [
    ("farmers trade", "Farmers block roads in Brussels over trade deal"),
    ("Indo-Pacific", "Alliance head starts Korea and Japan trip"),
    ('" OR 1=1 --', None),              # punctuation is not query syntax
])
def test_store_search(visit_store_ro, query, headline):
    items = visit_store_ro.search(query).items
    assert (items[0]["headline"] if items else None) == headline


def _export(store, fmt, **kw):
    buf = io.BytesIO()
    with store.read() as conn:
        n = export(conn, fmt, buf, **kw)
    return n, buf.getvalue()


def test_store_export_jsonl_records_reingest(visit_store_ro, tmp_path):
    from tidings.batch import read_records
    from tidings.store import Store

    n, data = _export(visit_store_ro, "jsonl", table="records")
    path = tmp_path / "records.jsonl"
    path.write_bytes(data)
    copy = Store(str(tmp_path / "copy.db"))
    copy.add_many(read_records([str(path)]))
    assert n == 3
    assert copy.counts() == visit_store_ro.counts()


def test_store_export_csv_events(visit_store_ro):
    n, data = _export(visit_store_ro, "csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert n == len(rows) == 8
    assert {"date", "type", "actors", "targets", "evidence", "url"} <= set(rows[0])


def test_store_export_parquet(visit_store_ro):
    import pyarrow.parquet as pq

    n, data = _export(visit_store_ro, "parquet", table="entities")
    table = pq.read_table(io.BytesIO(data))
    assert table.num_rows == n == visit_store_ro.counts()["entities"]


def test_store_export_plover(visit_store_ro):
    n, data = _export(visit_store_ro, "plover", flt=EventFilter(type="CONSULT", since="2023-01-29",
                                                             until="2023-01-29"))
    events = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    visit = [e for e in events if e["recipient_name"] == "South Korea"]
    assert n == len(events) == 3
    assert {e["event_type"] for e in events} == {"CONSULT"}
    assert {e["recipient_country"] for e in visit} == {"KOR"}
    assert all(e["evidence_text"] and e["url"] for e in events)


def test_store_export_cameo_tsv(visit_store_ro):
    from tidings.store._export import CAMEO_COLUMNS

    _, data = _export(visit_store_ro, "cameo-tsv", flt=EventFilter(target="Park Jin"))
    header, row = [line.split("\t") for line in data.decode("utf-8").splitlines()]
    got = dict(zip(header, row, strict=True))
    assert tuple(header) == CAMEO_COLUMNS
    assert got["SQLDATE"] == "20230129"
    assert (got["Actor2Code"], got["Actor2CountryCode"], got["EventCode"]) == ("KORGOV", "KOR", "040")
    assert got["Evidence"].startswith("is expected to hold talks")


@pytest.mark.parametrize("when,sqldate", [("2022", "20220000"), ("2022-11", "20221100"),
                                          ("2023-02-02", "20230202")])
def test_store_export_cameo_tsv_dates_are_eight_digits(store, record, when, sqldate):
    rec = record("unrelated")
    rec["events"][0]["when"] = when
    store.add(rec)
    _, data = _export(store, "cameo-tsv", flt=EventFilter(type=rec["events"][0]["type"]))
    header, row = [line.split("\t") for line in data.decode("utf-8").splitlines()]
    assert dict(zip(header, row, strict=True))["SQLDATE"] == sqldate


def test_store_min_confidence_filters_events_and_clusters(store, record):
    rec = record("unrelated")
    kind = rec["events"][0]["type"]
    for n, ev in enumerate(rec["events"]):
        ev["confidence"] = 0.2 if n == 0 else 0.9
    store.add(rec)
    every = store.events(EventFilter(type=kind), limit=100).items
    sure = store.events(EventFilter(type=kind, min_confidence=0.5), limit=100).items
    assert len(every) == sum(1 for ev in rec["events"] if ev["type"] == kind)
    assert len(sure) == len(every) - 1
    assert store.clusters(EventFilter(min_confidence=0.95), limit=100).items == []
