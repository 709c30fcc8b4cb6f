"""API: one JSON error shape, tokens, malformed and oversized requests."""

from __future__ import annotations

import pytest

from helpers.store import AUTH, TOKEN, client_class, no_nlp

ARTICLE = {"text": "Leaders meet in Oslo\n\nThe prime minister met the king in Oslo on Monday.\n",
           "published": "2024-03-04"}


def _shape(response, status):
    body = response.json()
    assert response.status_code == status
    assert set(body) == {"ok", "error", "errors", "status"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["errors"], list)
    return body


@pytest.mark.parametrize("method,path,kw,status", [
    ("get", "/no/such/route", {}, 404),
    ("get", "/events", {"params": {"limit": 0}}, 422),
    ("get", "/events", {"params": {"since": "yesterday"}}, 422),
    ("get", "/events", {"params": {"cursor": "bogus"}}, 400),
    ("get", "/articles/nope", {}, 404),
    ("get", "/clusters/0", {}, 422),
    ("get", "/entities/12345", {}, 404),
    ("get", "/timeline", {"params": {"entity": "Nobody Known"}}, 404),
    ("get", "/timeline", {}, 422),
    ("post", "/articles", {"json": ARTICLE}, 401),
    ("post", "/articles", {"json": ARTICLE, "headers": {"Authorization": "Bearer wrong"}}, 401),
    ("post", "/articles", {"content": b"{not json", "headers": {**AUTH, "content-type": "application/json"}}, 400),
    ("post", "/articles", {"json": ["a", "list"], "headers": AUTH}, 422),
    ("post", "/articles", {"json": {"text": 3}, "headers": AUTH}, 422),
    ("post", "/articles", {"json": {"text": "a", "html": "<p>b</p>"}, "headers": AUTH}, 422),
    ("post", "/articles", {"json": {}, "headers": AUTH}, 422),
    ("post", "/articles", {"content": b"\xff\xfe", "headers": {**AUTH, "content-type": "text/plain"}}, 400),
    ("post", "/articles", {"content": b"x", "headers": {**AUTH, "content-type": "image/png"}}, 415),
    ("post", "/articles", {"content": b"x" * (65 * 1024), "headers": {**AUTH, "content-type": "text/plain"}}, 413),
    ("post", "/entities/merge", {"json": {"into": 1, "other": 1}, "headers": AUTH}, 400),
    ("post", "/entities/merge", {"json": {"into": 1, "other": 2}, "headers": AUTH}, 404),
    ("delete", "/articles/abc", {}, 401),
    ("put", "/articles", {}, 405),
])
def test_api_error_shape(api_memory, method, path, kw, status):
    _shape(getattr(api_memory, method)(path, **kw), status)


def test_api_error_shape_pinned(api_memory):
    assert api_memory.get("/events", params={"cursor": "bogus"}).json() == {
        "ok": False,
        "error": "[T530] the cursor 'bogus' is not valid; use next_cursor as given",
        "errors": [],
        "status": 400,
    }


def test_api_validation_errors_listed(api_memory):
    body = _shape(api_memory.get("/events", params={"limit": 0}), 422)
    assert body["errors"][0]["loc"] == ["query", "limit"]


def test_api_oversized_declared_length_refused_before_reading(api_memory):
    response = api_memory.post("/articles", content=b"x" * 10, headers={**AUTH, "content-type": "text/plain",
                                                                 "content-length": str(10**9)})
    _shape(response, 413)


def test_api_unauthorised_says_bearer(api_memory):
    response = api_memory.post("/articles", json=ARTICLE)
    assert response.headers["www-authenticate"] == "Bearer"


def test_api_token_accepted(api):
    response = api.post("/articles", json=ARTICLE, headers=AUTH)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "added"
    assert api.post("/articles", json=ARTICLE, headers=AUTH).json()["status"] == "unchanged"
    assert api.get("/health").json()["counts"]["articles"] == 1


def test_api_no_token_refuses_writes(store, monkeypatch):
    from tidings.api import create_app

    monkeypatch.delenv("TIDINGS_TOKEN", raising=False)
    app = create_app(store=store, analyzer=no_nlp)
    with client_class()(app) as client:
        body = _shape(client.post("/articles", json=ARTICLE, headers=AUTH), 403)
        assert "TIDINGS_TOKEN" in body["error"]
        assert client.get("/events").status_code == 200


def test_api_token_from_environment(store, monkeypatch):
    from tidings.api import create_app

    monkeypatch.setenv("TIDINGS_TOKEN", TOKEN)
    with client_class()(create_app(store=store, analyzer=no_nlp)) as client:
        assert client.post("/articles", json=ARTICLE, headers=AUTH).status_code == 201


def test_api_read_token_guards_reads(store):
    from tidings.api import create_app

    app = create_app(store=store, token=TOKEN, read_token="reader", analyzer=no_nlp)
    with client_class()(app) as client:
        _shape(client.get("/events"), 401)
        assert client.get("/events", headers={"Authorization": "Bearer reader"}).status_code == 200


def test_api_server_error_has_the_shape(store):
    from tidings.api import create_app

    def broken(article):
        raise RuntimeError("boom")

    app = create_app(store=store, token=TOKEN, analyzer=broken)
    with client_class()(app, raise_server_exceptions=False) as client:
        body = _shape(client.post("/articles", json=ARTICLE, headers=AUTH), 500)
        assert "boom" not in body["error"]
