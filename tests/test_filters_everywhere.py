"""Every documented filter filters, on every endpoint and command.

One small store (the hand-built records of ``fixtures/store``) is read through
the library, the CLI (lists and exports), the API and the web explorer. For
each filter an endpoint documents there is a value that matches some rows and
one that matches none: the first must give exactly the rows it names (and
more than none), the second no row at all. The expected rows are read from the
whole list of reports with plain Python, never from the store's own filters.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers.store import TOKEN, client_class, load_record, no_nlp
from tidings.cli import cli
from tidings.store import EventFilter, Store

Report = dict[str, Any]


def _names(items: list[dict[str, Any]]) -> list[str]:
    return [x["name"] for x in items]


def _article_id(name: str) -> str:
    return str(load_record(name)["id"])


# filter: (a value that matches, a value that matches nothing, does a report match the value).
EVENT_FILTERS: dict[str, tuple[Any, Any, Callable[[Report, Any], bool]]] = {
    "actor": ("Stoltenberg", "Nobody Atall", lambda r, v: any(v in n for n in _names(r["actors"]))),
    "target": ("Japan", "Nobody Atall", lambda r, v: v in _names(r["targets"])),
    "entity": ("European Union", "Nobody Atall",
               lambda r, v: v in _names(r["actors"]) + _names(r["targets"])),
    "type": ("PROTEST", "COERCE", lambda r, v: r["type"] == v),
    "modality": ("occurred", "hypothetical", lambda r, v: r["modality"] == v),
    "since": ("2023-01-30", "2024-01-01", lambda r, v: (r["date"] or "") >= v),
    "until": ("2023-01-29", "2022-12-31", lambda r, v: bool(r["date"]) and r["date"][:10] <= v),
    "place": ("Tokyo", "Atlantis", lambda r, v: r["place"] == v),
    "country": ("BEL", "ZZZ", lambda r, v: r["country"] == v),
    "article": (_article_id("unrelated"), "0000000000000000", lambda r, v: r["article_id"] == v),
    "source": ("Example Wire", "Nowhere Press", lambda r, v: r["publisher"] == v),
    "cluster": (3, 999, lambda r, v: r["cluster"] == v),
    "story": (1, 999, lambda r, v: r["story"] == v),
}
ALL = tuple(EVENT_FILTERS)
API = ("actor", "target", "entity", "type", "modality", "since", "until", "place", "country", "article",
       "source", "story")
CLI = API
WEB = ("type", "actor", "target", "since", "until", "place", "country", "modality", "source", "cluster", "story")


class Reader:
    """The store, its URL, an API client over it: every way of reading it."""

    def __init__(self, url: str, client: Any) -> None:
        self.url, self.client = url, client
        self.store = Store(url)
        self.reports = self.store.events(limit=1000).items

    def cli(self, *args: str) -> str:
        result = CliRunner().invoke(cli, [*args, "--db", self.url])
        assert result.exit_code == 0, result.output
        return result.stdout

    def cli_rows(self, *args: str) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.cli(*args, "--format", "jsonl").splitlines() if line.strip()]

    def export(self, fmt: str, table: str, *args: str) -> str:
        out = Path(self.url).with_name(f"export.{fmt}")
        self.cli("export", "--to", fmt, "--table", table, "-o", str(out), *args)
        return out.read_text("utf-8")

    def api(self, path: str, **params: Any) -> list[dict[str, Any]]:
        response = self.client.get(path, params=params)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    from tidings.api import create_app

    url = str(tmp_path_factory.mktemp("filters") / "tidings.db")
    with Store(url) as store:
        for name in ("visit_a", "visit_b", "unrelated"):
            store.add(load_record(name))
    served = Store(url)
    with client_class()(create_app(store=served, token=TOKEN, analyzer=no_nlp),
                        raise_server_exceptions=False) as client:
        found = Reader(url, client)
        yield found
        found.store.close()
    served.close()


def _options(flt: dict[str, Any]) -> list[str]:
    return [part for name, value in flt.items() for part in (f"--{name}", str(value))]


# An endpoint: (level, the filters it documents, fetch(reader, filter) -> the ids it lists).
Fetch = Callable[[Reader, dict[str, Any]], list[int]]


def _ids(rows: list[dict[str, Any]], key: str = "id") -> list[int]:
    return [int(r[key]) for r in rows]


def _tsv_ids(text: str) -> list[int]:
    return [int(r["GLOBALEVENTID"]) for r in csv.DictReader(io.StringIO(text), delimiter="\t")]


def _jsonl(text: str, key: str = "id") -> list[int]:
    return [int(json.loads(line)[key]) for line in text.splitlines() if line.strip()]


ENDPOINTS: dict[str, tuple[str, tuple[str, ...], Fetch]] = {
    "Store.events": ("reports", ALL, lambda r, f: _ids(r.store.events(EventFilter(**f), limit=1000).items)),
    "Store.clusters": ("clusters", ALL,
                       lambda r, f: _ids(r.store.clusters(EventFilter(**f), limit=1000).items)),
    "Store.reports_table": ("reports", ALL,
                            lambda r, f: _ids(r.store.reports_table(EventFilter(**f), limit=1000)[0])),
    "Store.clusters_table": ("clusters", ALL,
                             lambda r, f: _ids(r.store.clusters_table(EventFilter(**f), limit=1000)[0])),
    "cli events": ("reports", CLI, lambda r, f: _ids(r.cli_rows("events", *_options(f)))),
    "cli events --clusters": ("clusters", CLI,
                              lambda r, f: _ids(r.cli_rows("events", "--clusters", *_options(f)))),
    "cli export events jsonl": ("reports", CLI,
                                lambda r, f: _jsonl(r.export("jsonl", "events", *_options(f)))),
    "cli export clusters jsonl": ("clusters", CLI,
                                  lambda r, f: _jsonl(r.export("jsonl", "clusters", *_options(f)))),
    "cli export events csv": ("reports", CLI, lambda r, f: _ids(list(csv.DictReader(io.StringIO(
        r.export("csv", "events", *_options(f))))))),
    "cli export plover": ("reports", CLI,
                          lambda r, f: _jsonl(r.export("plover", "events", *_options(f)), "event_id")),
    "cli export cameo-tsv": ("reports", CLI,
                             lambda r, f: _tsv_ids(r.export("cameo-tsv", "events", *_options(f)))),
    "api /events": ("reports", API, lambda r, f: _ids(r.api("/events", limit=1000, **f))),
    "api /clusters": ("clusters", API, lambda r, f: _ids(r.api("/clusters", limit=1000, **f))),
    "web /ui/events": ("reports", WEB, lambda r, f: _ids(r.client.get("/ui/events.json", params=f).json()["items"])),
    "web /ui/events level=events": ("clusters", WEB, lambda r, f: _ids(
        r.client.get("/ui/events.json", params={"level": "events", **f}).json()["items"])),
}

CASES = [pytest.param(endpoint, name, id=f"{endpoint}-{name}")
         for endpoint, (_level, names, _fetch) in ENDPOINTS.items() for name in names]


@pytest.mark.parametrize("endpoint,name", CASES)
def test_event_filter_filters(reader: Reader, endpoint: str, name: str) -> None:
    level, _names_, fetch = ENDPOINTS[endpoint]
    match, nothing, holds = EVENT_FILTERS[name]
    matching = [r for r in reader.reports if holds(r, match)]
    # The store holds rows on both sides of the filter, so it is a real test.
    assert 0 < len(matching) < len(reader.reports), name
    expected = sorted({r["id"] for r in matching} if level == "reports" else {r["cluster"] for r in matching})
    assert sorted(fetch(reader, {name: match})) == expected
    assert fetch(reader, {name: nothing}) == []


def test_event_filters_combine(reader: Reader) -> None:
    both = {"actor": "Stoltenberg", "place": "Seoul"}
    expected = sorted(r["id"] for r in reader.reports
                      if EVENT_FILTERS["actor"][2](r, "Stoltenberg") and r["place"] == "Seoul")
    assert expected and sorted(ENDPOINTS["Store.events"][2](reader, both)) == expected
    for endpoint in ("cli events", "api /events", "web /ui/events"):
        assert sorted(ENDPOINTS[endpoint][2](reader, both)) == expected, endpoint
    clusters = sorted({r["cluster"] for r in reader.reports if r["id"] in expected})
    for endpoint in ("Store.clusters", "cli events --clusters", "api /clusters", "web /ui/events level=events"):
        assert sorted(ENDPOINTS[endpoint][2](reader, both)) == clusters, endpoint


@pytest.mark.parametrize("table", ["quotes", "entities", "articles", "records"])
@pytest.mark.parametrize("name", CLI)
def test_export_of_another_table_refuses_event_filters(reader: Reader, table: str, name: str) -> None:
    out = Path(reader.url).with_name("refused.jsonl")
    result = CliRunner().invoke(cli, ["export", "--to", "jsonl", "--table", table, "-o", str(out),
                                      f"--{name}", str(EVENT_FILTERS[name][0]), "--db", reader.url])
    assert result.exit_code == 1
    assert "[T544]" in result.output and f"--{name}" in result.output
    # Without a filter the table exports.
    assert reader.export("jsonl", table).strip()


def _lower(value: str | None) -> str:
    return (value or "").lower()


# The other lists: filter -> (matching value, nothing value, does a row match).
Row = dict[str, Any]
OTHER: dict[str, tuple[Callable[[Reader, str, Any], list[Row]], dict[str, tuple[Any, Any, Callable[..., bool]]]]] = {
    "cli quotes": (lambda r, n, v: r.cli_rows("quotes", f"--{n}", str(v)), {
        "speaker": ("Stoltenberg", "Nobody Atall", lambda r, row, v: v in (row["speaker"] or "")),
        "text": ("Ukraine", "zebra", lambda r, row, v: v.lower() in row["text"].lower()),
    }),
    "api /quotes": (lambda r, n, v: r.api("/quotes", **{n: v}), {
        "speaker": ("Stoltenberg", "Nobody Atall", lambda r, row, v: v in (row["speaker"] or "")),
        "text": ("Ukraine", "zebra", lambda r, row, v: v.lower() in row["text"].lower()),
        "article": (_article_id("visit_b"), "0000000000000000", lambda r, row, v: row["article_id"] == v),
    }),
    "cli entities": (lambda r, n, v: r.cli_rows("entities", f"--{n}", str(v)), {
        "name": ("Korea", "Nobody Atall", lambda r, row, v: v in row["name"]),
        "type": ("PERSON", "WORK_OF_ART", lambda r, row, v: row["type"] == v),
    }),
    "api /entities": (lambda r, n, v: r.api("/entities", **{n: v}), {
        "name": ("Korea", "Nobody Atall", lambda r, row, v: v in row["name"]),
        "type": ("PERSON", "WORK_OF_ART", lambda r, row, v: row["type"] == v),
    }),
    "api /articles": (lambda r, n, v: r.api("/articles", **{n: v}), {
        "since": ("2023-02-01", "2030-01-01", lambda r, row, v: (row["published"] or "") >= v),
        "until": ("2023-01-29", "2020-01-01", lambda r, row, v: (row["published"] or "~")[:10] <= v),
    }),
    "api /clusters": (lambda r, n, v: r.api("/clusters", **{n: v}), {
        "min_reports": (2, 10_000, lambda r, row, v: row["reports"] >= v),
    }),
    "cli timeline": (lambda r, n, v: r.cli_rows("timeline", str(v)), {
        # NATO is known but takes part in no event.
        "entity": ("Japan", "NATO", lambda r, row, v: v in _names(row["actors"]) + _names(row["targets"])),
    }),
    "api /timeline": (lambda r, n, v: r.api("/timeline", entity=v), {
        "entity": ("Japan", "NATO", lambda r, row, v: v in _names(row["actors"]) + _names(row["targets"])),
    }),
    "cli timeline --itinerary": (lambda r, n, v: r.cli_rows("timeline", str(v), "--itinerary"), {
        # Park Jin is met, never travels.
        "entity": ("Stoltenberg", "Park Jin", lambda r, row, v: any(
            v in a for e in r.reports if e["id"] == row["event_id"] for a in _names(e["actors"]))),
    }),
    "api /timeline itinerary": (lambda r, n, v: r.api("/timeline", entity=v, itinerary="true"), {
        "entity": ("Stoltenberg", "Park Jin", lambda r, row, v: any(
            v in a for e in r.reports if e["id"] == row["event_id"] for a in _names(e["actors"]))),
    }),
    "cli search": (lambda r, n, v: r.cli_rows("search", str(v)), {
        "q": ("Seoul", "zebra", lambda r, row, v: v.lower() in _lower((r.store.article(row["id"]) or {}).get("text"))),
    }),
    "api /search": (lambda r, n, v: r.api("/search", q=v), {
        "q": ("Seoul", "zebra", lambda r, row, v: v.lower() in _lower((r.store.article(row["id"]) or {}).get("text"))),
    }),
}


@pytest.mark.parametrize("endpoint,name", [pytest.param(e, n, id=f"{e}-{n}")
                                           for e, (_f, names) in OTHER.items() for n in names])
def test_other_filter_filters(reader: Reader, endpoint: str, name: str) -> None:
    fetch, filters = OTHER[endpoint]
    match, nothing, holds = filters[name]
    rows = fetch(reader, name, match)
    assert rows and all(holds(reader, row, match) for row in rows), rows
    assert fetch(reader, name, nothing) == []


@pytest.mark.parametrize("name", ALL)
def test_event_filter_filters_the_map(reader: Reader, name: str) -> None:
    match, nothing, holds = EVENT_FILTERS[name]

    def counted(flt: dict[str, Any]) -> int:
        found = reader.store.map_points(EventFilter(**flt))
        return sum(p["n"] for p in found["points"]) + int(found["unplaced"])

    assert counted({name: match}) == len([r for r in reader.reports if holds(r, match)]) > 0
    assert counted({name: nothing}) == 0
