"""The API's security headers, trusted hosts, offline docs and a truthful OpenAPI in both token modes."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from tidings.api import DEFAULT_TRUSTED_HOSTS, create_app
from tidings.api._security import host_of, trusted_hosts
from tidings.errors import ConfigError
from tidings.store import Store

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's test client warns about its httpx use
    from starlette.testclient import TestClient

TOKEN, READ = "write-secret", "read-secret"


def _no_nlp(article: Any) -> dict[str, Any]:
    raise AssertionError("no article is analysed here")


@pytest.fixture
def store(tmp_path: Any) -> Any:
    with Store(str(tmp_path / "s.db")) as opened:
        yield opened


def client(store: Store, **kw: Any) -> TestClient:
    app = create_app(store=store, token=TOKEN, analyzer=_no_nlp, **kw)
    return TestClient(app, base_url="http://localhost")


@pytest.mark.parametrize("path", ["/health", "/events", "/ui/", "/docs", "/openapi.json", "/nowhere"])
def test_every_answer_carries_the_security_headers(store: Store, path: str) -> None:
    answer = client(store).get(path)
    csp = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["referrer-policy"] == "no-referrer"


def test_untrusted_host_is_refused_in_the_error_shape(store: Store) -> None:
    api = client(store, hosts=DEFAULT_TRUSTED_HOSTS)
    for host in ("localhost", "127.0.0.1:8000", "[::1]:8000"):
        assert api.get("/health", headers={"host": host}).status_code == 200, host
    for host in ("evil.example", "localhost.evil.example", "", "[::1", "localhost:port"):
        answer = api.get("/health", headers={"host": host})
        assert answer.status_code == 400, host
        assert answer.json()["error"].startswith("[T560]")
        assert answer.headers["x-frame-options"] == "DENY"


def test_any_host_when_told(store: Store) -> None:
    api = client(store, hosts=["*"])
    assert api.get("/health", headers={"host": "news.example.org"}).status_code == 200


def test_trusted_hosts_default_env_and_bad_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIDINGS_TRUSTED_HOSTS", raising=False)
    assert trusted_hosts() == DEFAULT_TRUSTED_HOSTS
    monkeypatch.setenv("TIDINGS_TRUSTED_HOSTS", "News.Example.org, [::1]")
    assert trusted_hosts() == ("news.example.org", "::1")
    for bad in ("http://x.org", "x.org:8000", "x.org/path"):
        with pytest.raises(ConfigError, match=r"\[T561\]"):
            trusted_hosts([bad])
    assert host_of("Example.ORG:80") == "example.org" and host_of("[::1]") == "::1"
    assert host_of("a:b") is None and host_of("[::1]x") is None


def test_docs_are_served_offline(store: Store) -> None:
    api = client(store)
    page = api.get("/docs").text
    assert "http://" not in page and "https://" not in page and "<script>" not in page
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "start.js"):
        answer = api.get(f"/docs/files/{name}")
        assert answer.status_code == 200 and len(answer.content) > 50, name
    assert api.get("/docs/files/../../etc/passwd").status_code == 404
    assert api.get("/docs/files/nope.js").status_code == 404
    assert api.get("/redoc").status_code == 404


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]


def test_openapi_tells_the_truth_with_open_reads(store: Store) -> None:
    spec = client(store).get("/openapi.json").json()
    for path, method, op in _operations(spec):
        if method == "get":
            assert "security" not in op, path
        else:
            assert op["security"] == [{"HTTPBearer": []}], (method, path)


def test_openapi_tells_the_truth_with_a_read_token(store: Store) -> None:
    api = client(store, read_token=READ)
    assert api.get("/openapi.json").status_code == 401
    assert api.get("/docs").status_code == 401
    spec = api.get("/openapi.json", headers={"Authorization": f"Bearer {READ}"}).json()
    assert all(op.get("security") == [{"HTTPBearer": []}] for _, _, op in _operations(spec))
    assert api.get("/docs", headers={"Authorization": f"Bearer {READ}"}).status_code == 200
