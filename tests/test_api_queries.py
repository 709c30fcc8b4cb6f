"""API: write an article, then read articles, events, clusters, entities, timelines, quotes, search."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.store import AUTH, load_record


@pytest.fixture
def loaded(api):
    store = api.app.state.store
    for name in ("visit_a", "visit_b", "unrelated"):
        store.add(load_record(name))
    return api


@pytest.mark.parametrize("content_type,body,headline", [
    ("text/plain", "Ships collide off Malta\n\nTwo cargo ships collided on Friday.\n", "Ships collide off Malta"),
    ("application/json", None, "Ships collide off Malta"),
])
def test_api_post_article_is_stored(api, content_type, body, headline):
    text = "Ships collide off Malta\n\nTwo cargo ships collided on Friday.\n"
    if body is None:
        response = api.post("/articles", json={"text": text, "published": "2024-05-03"}, headers=AUTH)
    else:
        response = api.post("/articles", content=body.encode(), headers={**AUTH, "content-type": content_type})
    assert response.status_code == 201, response.text
    aid = response.json()["id"]
    record = api.get(f"/articles/{aid}").json()["record"]
    assert (record["headline"], record["text"]) == (headline, text)


@pytest.mark.parametrize("path,params,expected", [
    ("/events", {"actor": "Stoltenberg"}, 6),
    ("/events", {"actor": "Stoltenberg", "since": "2023-01-30"}, 3),
    ("/events", {"type": "PROTEST"}, 1),
    ("/events", {"actor": "Stoltenberg", "min_confidence": 0.5}, 0),   # the fixtures' events carry none
    ("/clusters", {"min_confidence": 0.5}, 0),
    ("/clusters", {"actor": "Stoltenberg", "min_reports": 2}, 2),
    ("/entities", {"type": "PERSON"}, 3),
    ("/quotes", {"speaker": "Stoltenberg"}, 2),
    ("/search", {"q": "alliance"}, 2),
    ("/articles", {}, 3),
    ("/timeline", {"entity": "Jens Stoltenberg"}, 4),
    ("/timeline", {"entity": "Jens Stoltenberg", "itinerary": "true"}, 2),
])
def test_api_queries(api_ro, path, params, expected):
    body = api_ro.get(path, params=params).json()
    assert body["ok"] is True
    assert len(body["items"]) == expected


def test_api_cursor_pages(api_ro):
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api_ro.get("/events", params=params).json()
        seen += [e["id"] for e in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(e["id"] for e in api_ro.get("/events", params={"limit": 100}).json()["items"])
    assert len(seen) == 8


def test_api_timeline_pages(api_ro):
    whole = api_ro.get("/timeline", params={"entity": "Jens Stoltenberg", "limit": 100}).json()["items"]
    seen, cursor = [], None
    while True:
        params = {"entity": "Jens Stoltenberg", "limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api_ro.get("/timeline", params=params).json()
        seen += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert [r["id"] for r in seen] == [r["id"] for r in whole]
    assert len(whole) == 4


def test_api_itinerary_pages(api_ro):
    params = {"entity": "Jens Stoltenberg", "itinerary": "true"}
    whole = api_ro.get("/timeline", params=params).json()
    assert whole["next_cursor"] is None and len(whole["items"]) == 2
    first = api_ro.get("/timeline", params={**params, "limit": 1}).json()
    second = api_ro.get("/timeline", params={**params, "limit": 1, "cursor": first["next_cursor"]}).json()
    assert first["items"] + second["items"] == whole["items"]
    assert second["next_cursor"] is None


def test_api_cluster_lists_reports_and_sources(api_ro):
    (cluster,) = [c for c in api_ro.get("/clusters", params={"min_reports": 2, "until": "2023-01-29"}).json()["items"]]
    body = api_ro.get(f"/clusters/{cluster['id']}").json()["cluster"]
    assert body["reports"] == 2
    assert body["sources"] == ["Example News", "Example Wire"]
    assert {r["url"] for r in body["items"]} == {load_record("visit_a")["url"], load_record("visit_b")["url"]}


def test_api_entity_merge_split(loaded):
    (jens,) = loaded.get("/entities", params={"name": "Jens Stoltenberg"}).json()["items"]
    split = loaded.post(f"/entities/{jens['id']}/split", json={"name": "Stoltenberg"}, headers=AUTH).json()
    assert split["entity"]["variants"] == ["Stoltenberg"]
    merged = loaded.post("/entities/merge", json={"into": jens["id"], "other": split["entity"]["id"]},
                         headers=AUTH).json()
    assert merged["entity"]["articles"] == 2


def test_api_delete_article(loaded):
    aid = load_record("unrelated")["id"]
    assert loaded.delete(f"/articles/{aid}", headers=AUTH).json() == {"ok": True, "id": aid}
    assert loaded.get(f"/articles/{aid}").status_code == 404


def test_api_openapi_published(api):
    spec = api.get("/openapi.json").json()
    assert {"/articles", "/events", "/clusters", "/entities", "/timeline", "/quotes", "/search"} <= set(spec["paths"])
    assert set(spec["paths"]["/articles"]["post"]["requestBody"]["content"]) == {
        "application/json", "text/plain", "text/html"}


def test_api_routes_documented(api):
    docs = (Path(__file__).parents[1] / "docs" / "api.md").read_text(encoding="utf-8")
    for path, methods in api.get("/openapi.json").json()["paths"].items():
        for method in methods:
            assert f"`{method.upper()} {path}`" in docs, (method, path)
