"""The web pages' requests: the explorer's query string as the store's filter, and errors as pages."""

from __future__ import annotations

import pytest

from helpers.store import client_class, no_nlp
from tidings.store import EventFilter


@pytest.fixture(scope="module")
def pages():
    from tidings.api import create_app
    from tidings.store import Store

    app = create_app(store=Store(":memory:"), token="t", read_token="r", analyzer=no_nlp)
    with client_class()(app, raise_server_exceptions=False) as client:
        client.headers["Authorization"] = "Bearer r"
        yield client


def test_query_string_becomes_the_store_filter():
    from tidings.web._views import Query

    q = Query.parse({"type": "protest", "actor": " Stoltenberg ", "country": "kor", "cluster": "12",
                     "modality": "rumoured", "since": "2023-13-45x", "until": "2023-02",
                     "sort": "-place", "page": "3", "size": "100", "level": "events"})
    assert q.filter == EventFilter(type="PROTEST", actor="Stoltenberg", country="KOR", cluster=12,
                                   until="2023-02")
    assert (q.actor, q.cluster, q.modality) == ("Stoltenberg", "12", "")
    # A cluster table has no place column: its sort falls back to the date.
    assert q.window() == {"sort": "date", "desc": True, "limit": 100, "offset": 200}
    assert Query.parse(q.params()) == q
    assert q.params(actor="", cluster="", page=1) == {"level": "events", "type": "PROTEST", "country": "KOR",
                                                      "until": "2023-02", "sort": "-place", "size": "100"}
    assert not Query.parse({}).filtered() and q.filtered()


@pytest.mark.parametrize("path,status,kind", [
    ("/ui/events?actor=%00", 400, "text/html"),
    ("/ui/map?source=%00", 400, "text/html"),
    ("/ui/network?place=%00", 400, "text/html"),
    ("/ui/search?q=%00", 400, "text/html"),
    ("/ui/entities/abc", 422, "text/html"),
    ("/ui/no-such-page", 404, "text/html"),
    ("/ui/events.csv?actor=%00", 400, "text/plain"),
    ("/events?cursor=bogus", 400, "application/json"),
])
def test_errors_of_the_pages_are_pages(pages, path, status, kind):
    response = pages.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(kind)
    if kind == "text/html":
        assert 'role="alert"' in response.text and '<main id="main"' in response.text
    if status == 400:
        assert "[T534]" in response.text or "[T530]" in response.text


def test_refused_page_says_bearer():
    from tidings.api import create_app
    from tidings.store import Store

    app = create_app(store=Store(":memory:"), token="t", read_token="r", analyzer=no_nlp)
    with client_class()(app, raise_server_exceptions=False) as client:
        response = client.get("/ui/map")
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
        assert 'role="alert"' in response.text
