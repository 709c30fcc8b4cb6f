"""The API of live following: /sources (reads, token-guarded writes, errors) and /metrics (the text format)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from helpers.store import AUTH, TOKEN, client_class, no_nlp
from tidings.api import create_app
from tidings.store import Store

FEED = "https://news.example.org/rss"
READ_TOKEN = "read-token-0123456789"


@pytest.fixture
def the_store(store: Any) -> Any:
    """An empty store on each backend."""
    return store


def _client(store: Store, **kw: Any) -> Any:
    return client_class()(create_app(store=store, token=TOKEN, analyzer=no_nlp, **kw),
                          raise_server_exceptions=False)


# -- a small parser of the Prometheus text format (0.0.4), strict on what it accepts -----------

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_LABEL = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"'
_SAMPLE = re.compile(rf"^({_NAME})(?:\{{((?:{_LABEL},?)*)\}})? (\S+)$")
_UNESCAPE = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}


def parse_metrics(text: str) -> dict[str, dict[str, Any]]:
    """Families by name: ``{"type", "help", "samples": [(labels, value)]}``; any malformed line fails."""
    assert text.endswith("\n")
    families: dict[str, dict[str, Any]] = {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name, _, help_text = line[7:].partition(" ")
            assert name not in families, f"family {name} given twice"
            families[name] = {"help": help_text, "type": None, "samples": []}
        elif line.startswith("# TYPE "):
            name, kind = line[7:].split(" ")
            assert families[name]["type"] is None and kind in ("counter", "gauge", "summary", "histogram",
                                                               "untyped")
            families[name]["type"] = kind
        else:
            match = _SAMPLE.match(line)
            assert match, f"not a sample line: {line!r}"
            name, labels_text, value = match[1], match[2] or "", match[5]
            labels = {k: re.sub(r'\\[\\"n]', lambda m: _UNESCAPE[m[0]], v)
                      for k, v in re.findall(_LABEL, labels_text)}
            assert name in families and families[name]["type"], f"{name} has no HELP/TYPE before it"
            families[name]["samples"].append((labels, float(value)))
    for name, family in families.items():
        if family["type"] == "counter":
            assert name.endswith("_total"), name
    return families


def _value(families: dict[str, Any], family: str, **labels: str) -> float:
    [value] = [v for found, v in families[family]["samples"] if all(found.get(k) == x for k, x in labels.items())]
    return value


# -- /sources ---------------------------------------------------------------------------------


def test_sources_are_added_listed_paused_resumed_and_removed(the_store):
    client = _client(the_store)
    added = client.post("/sources", json={"url": FEED, "name": "Example", "interval": "10m", "language": "en"},
                        headers=AUTH)
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["created"] and body["source"]["interval"] == 600 and body["source"]["lag_items"] == 0
    sid = body["source"]["id"]
    again = client.post("/sources", json={"url": FEED, "interval": 3600}, headers=AUTH)
    assert again.status_code == 200 and not again.json()["created"]
    assert (again.json()["source"]["interval"], again.json()["source"]["name"]) == (3600, "Example")
    for n in range(3):
        client.post("/sources", json={"url": f"https://n{n}.example.org/rss"}, headers=AUTH)
    first = client.get("/sources", params={"limit": 2}).json()
    assert [s["url"] for s in first["items"]][0] == FEED and first["next_cursor"]
    rest = client.get("/sources", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) + len(rest["items"]) == 4 and rest["next_cursor"] is None
    one = client.get(f"/sources/{sid}").json()["source"]
    assert {"fetched", "not_modified", "errors", "items_seen", "articles_added", "articles_updated",
            "last_success", "last_error", "lag_median_s", "lag_p95_s"} <= set(one)
    assert client.post(f"/sources/{sid}/pause", headers=AUTH).json()["source"]["paused"] is True
    assert the_store.source(sid)["paused"]
    assert client.post(f"/sources/{sid}/resume", headers=AUTH).json()["source"]["paused"] is False
    removed = client.delete(f"/sources/{sid}", headers=AUTH)
    assert removed.status_code == 200 and removed.json()["source"]["url"] == FEED
    assert the_store.source(FEED) is None


def test_source_counters_are_shown(the_store):
    source, _ = the_store.add_source(FEED)
    the_store.update_source(FEED, bump={"fetched": 3, "not_modified": 2, "articles_added": 1},
                            error_kind="timeout", last_error="[T610] slow", last_error_at="2024-03-04T10:00:00+00:00")
    the_store.see_source_item(source["id"], "https://news.example.org/a", entry_hash="e", content_hash="c",
                              article_id="a", published="2024-03-04T10:00:00+00:00",
                              stored_at="2024-03-04T10:01:30+00:00")
    shown = _client(the_store).get(f"/sources/{source['id']}").json()["source"]
    assert (shown["fetched"], shown["not_modified"], shown["articles_added"]) == (3, 2, 1)
    assert shown["errors"] == {"timeout": 1} and shown["last_error"] == "[T610] slow"
    assert (shown["lag_items"], shown["lag_median_s"], shown["lag_p95_s"]) == (1, 90.0, 90.0)


@pytest.mark.parametrize(("method", "path"), [("post", "/sources"), ("delete", "/sources/1"),
                                              ("post", "/sources/1/pause"), ("post", "/sources/1/resume")])
def test_source_writes_need_the_token(the_store, method, path):
    the_store.add_source(FEED)
    client = _client(the_store)
    kw: dict[str, Any] = {"json": {"url": "https://other.example.org/rss"}} if path == "/sources" else {}
    refused = getattr(client, method)(path, **kw)
    assert refused.status_code == 401 and refused.json()["ok"] is False
    wrong = getattr(client, method)(path, headers={"Authorization": "Bearer nope"}, **kw)
    assert wrong.status_code == 401
    no_token = client_class()(create_app(store=the_store, token="", analyzer=no_nlp), raise_server_exceptions=False)
    assert getattr(no_token, method)(path, **kw).status_code == 403
    assert the_store.source(FEED) is not None and not the_store.source(FEED)["paused"]


@pytest.mark.parametrize("path", ["/sources", "/sources/1", "/metrics"])
def test_source_reads_and_metrics_follow_the_read_token(the_store, path):
    the_store.add_source(FEED)
    client = _client(the_store, read_token=READ_TOKEN)
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": f"Bearer {READ_TOKEN}"}).status_code == 200
    assert _client(the_store).get(path).status_code == 200  # no read token: open


def test_source_errors_use_the_one_error_shape(the_store):
    client = _client(the_store)
    missing = client.get("/sources/99")
    assert missing.status_code == 404 and "[T602]" in missing.json()["error"] and missing.json()["status"] == 404
    for path in ("/sources/99/pause", "/sources/99/resume"):
        assert client.post(path, headers=AUTH).status_code == 404
    assert client.delete("/sources/99", headers=AUTH).status_code == 404
    bad_url = client.post("/sources", json={"url": "ftp://news.example.org/rss"}, headers=AUTH)
    assert bad_url.status_code == 400 and "[T600]" in bad_url.json()["error"]
    too_often = client.post("/sources", json={"url": FEED, "interval": 5}, headers=AUTH)
    assert too_often.status_code == 400 and "[T600]" in too_often.json()["error"]
    bad_language = client.post("/sources", json={"url": FEED, "language": "English"}, headers=AUTH)
    assert bad_language.status_code == 422 and bad_language.json()["ok"] is False
    assert client.get("/sources", params={"cursor": "nonsense"}).status_code == 400
    assert client.get("/sources/0").status_code == 422
    assert the_store.sources() == []


def test_sources_are_in_the_openapi_document(the_store):
    spec = _client(the_store).get("/openapi.json").json()
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/sources"]) and {"get", "delete"} <= set(paths["/sources/{source_id}"])
    assert "post" in paths["/sources/{source_id}/pause"] and "post" in paths["/sources/{source_id}/resume"]
    assert "security" in paths["/sources"]["post"] and "security" not in paths["/sources"]["get"]
    assert "text/plain" in paths["/metrics"]["get"]["responses"]["200"]["content"]
    assert {"200", "201"} <= set(paths["/sources"]["post"]["responses"])


# -- /metrics ---------------------------------------------------------------------------------


def test_metrics_are_prometheus_text_with_source_counters_and_totals(the_store):
    odd = 'https://news.example.org/rss?a="b"\\c'
    source, _ = the_store.add_source(FEED)
    other, _ = the_store.add_source(odd)
    the_store.update_source(FEED, bump={"fetched": 4, "not_modified": 3, "items_seen": 2, "articles_added": 2,
                                        "articles_updated": 1}, last_success="2024-03-04T10:00:00+00:00")
    the_store.update_source(FEED, error_kind="timeout", last_error="x", last_error_at="2024-03-04T11:00:00+00:00")
    the_store.update_source(FEED, error_kind="http-503")
    the_store.update_source(FEED, error_kind="http-503")
    for n, seconds in enumerate((10, 20, 30)):
        the_store.see_source_item(source["id"], f"https://news.example.org/{n}", entry_hash="e", content_hash="c",
                                  article_id=str(n), published="2024-03-04T10:00:00+00:00",
                                  stored_at=f"2024-03-04T10:00:{seconds:02d}+00:00")
    answer = _client(the_store).get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    families = parse_metrics(answer.text)
    ids = {"source": str(source["id"])}
    assert _value(families, "tidings_source_fetches_total", **ids) == 4
    assert _value(families, "tidings_source_not_modified_total", **ids) == 3
    assert _value(families, "tidings_source_items_seen_total", **ids) == 2
    assert _value(families, "tidings_source_articles_added_total", **ids) == 2
    assert _value(families, "tidings_source_articles_updated_total", **ids) == 1
    assert _value(families, "tidings_source_errors_total", kind="http-503", **ids) == 2
    assert _value(families, "tidings_source_errors_total", kind="timeout", **ids) == 1
    assert _value(families, "tidings_source_lag_median_seconds", **ids) == 20
    assert _value(families, "tidings_source_lag_p95_seconds", **ids) == 30
    assert _value(families, "tidings_source_last_success_timestamp_seconds", **ids) == 1709546400
    assert families["tidings_source_fetches_total"]["type"] == "counter"
    assert families["tidings_source_lag_median_seconds"]["type"] == "gauge"
    # A label value with quotes and a backslash survives the escaping.
    assert _value(families, "tidings_source_fetches_total", source=str(other["id"])) == 0
    assert {labels["url"] for labels, _ in families["tidings_source_fetches_total"]["samples"]} == {FEED, odd}
    assert not [v for labels, v in families["tidings_source_lag_median_seconds"]["samples"]
                if labels["source"] == str(other["id"])]  # no lag known: no sample
    assert _value(families, "tidings_store_sources") == 2
    for total in ("articles", "events", "stories"):
        assert _value(families, f"tidings_store_{total}") == 0


def test_metrics_show_watches_when_the_store_keeps_them(the_store, monkeypatch):
    counters = [{"id": 1, "name": 'protests "Kenya"\nnew', "matches": 5, "pending": 1, "delivered": 3, "dead": 1,
                 "failed_attempts": 4, "lag_median_s": 12.5, "lag_p95_s": 40.0},
                {"id": 2, "name": "quiet", "matches": 0, "pending": 0, "delivered": 0, "dead": 0,
                 "failed_attempts": 0, "lag_median_s": None, "lag_p95_s": None}]
    monkeypatch.setattr(the_store, "watch_counters", lambda: counters, raising=False)
    families = parse_metrics(_client(the_store).get("/metrics").text)
    assert _value(families, "tidings_watch_matches_total", watch="1") == 5
    assert _value(families, "tidings_watch_deliveries_total", watch="1", result="ok") == 3
    assert _value(families, "tidings_watch_deliveries_total", watch="1", result="failed") == 4
    assert _value(families, "tidings_watch_deliveries_dead", watch="1") == 1
    assert _value(families, "tidings_watch_deliveries_pending", watch="1") == 1
    assert _value(families, "tidings_watch_lag_median_seconds", watch="1") == 12.5
    assert _value(families, "tidings_watch_lag_p95_seconds", watch="1") == 40
    assert [labels["name"] for labels, _ in families["tidings_watch_matches_total"]["samples"]] == \
        [counters[0]["name"], "quiet"]
    assert [labels["watch"] for labels, _ in families["tidings_watch_lag_median_seconds"]["samples"]] == ["1"]


def test_metrics_escaping_and_numbers():
    from tidings.api._metrics import Exposition, escape_label

    assert escape_label('a\\b"c\nd') == 'a\\\\b\\"c\\nd'
    out = Exposition()
    out.family("x_total", "counter", "help with \\ and\nnewline", [({"k": 'v"'}, 3), ({"k": "w"}, None)])
    out.family("y", "gauge", "a float", [({}, 0.25), ({"k": "inf"}, float("inf"))])
    text = out.text()
    assert text.splitlines()[0] == "# HELP x_total help with \\\\ and\\nnewline"
    families = parse_metrics(text)
    assert families["x_total"]["samples"] == [({"k": 'v"'}, 3.0)]
    assert families["y"]["samples"] == [({}, 0.25), ({"k": "inf"}, float("inf"))]


def test_metrics_read_the_watch_counters_of_the_store(the_store):
    watch = the_store.add_watch({"name": "all events", "kind": "events", "filters": {}})
    families = parse_metrics(_client(the_store).get("/metrics").text)
    assert _value(families, "tidings_watch_matches_total", watch=str(watch["id"]), name="all events") == 0
    assert _value(families, "tidings_watch_deliveries_total", watch=str(watch["id"]), result="failed") == 0
