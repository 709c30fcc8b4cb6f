"""The sources page: every followed source with its counters, lag and last error, linked from the nav."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from helpers.store import client_class, no_nlp
from tidings.api import create_app
from tidings.store import Store


@pytest.fixture
def the_store(store: Any) -> Any:
    """An empty store on each backend."""
    return store


def _get(store: Store, path: str, **kw: Any) -> Any:
    client = client_class()(create_app(store=store, token="t", analyzer=no_nlp, **kw), raise_server_exceptions=False)
    return client.get(path)


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [html.unescape(re.sub(r"<[^>]+>", " ", r)) for r in re.findall(r"<tr id=\"source-\d+\">(.*?)</tr>",
                                                                          body, flags=re.S)]


def test_the_sources_page_shows_counters_lag_and_the_last_error(the_store):
    a, _ = the_store.add_source("https://news.example.org/rss", name="Example <News>", interval=600)
    the_store.add_source("https://other.example.org/sitemap.xml", interval=3600)
    the_store.update_source(a["id"], bump={"fetched": 7, "not_modified": 5, "items_seen": 4, "articles_added": 3,
                                           "articles_updated": 1}, last_success="2024-03-04T10:00:00+00:00")
    the_store.update_source(a["id"], error_kind="http-503", last_error="[T611] 503 from the server",
                            last_error_at="2024-03-04T11:00:00+00:00")
    the_store.update_source(2, paused=True)
    the_store.see_source_item(a["id"], "https://news.example.org/1", entry_hash="e", content_hash="c",
                              article_id="1", published="2024-03-04T10:00:00+00:00",
                              stored_at="2024-03-04T10:02:00+00:00")
    answer = _get(the_store, "/ui/sources")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert '<a href="/ui/sources" aria-current="page">Sources</a>' in page
    assert "Example &lt;News&gt;" in page  # escaped
    first, second = _rows(page)
    assert re.search(r"active\s+every 10 min\s+7\s+5\s+4\s+3\s+1\s+http-503 1\s+2 min / 2 min\s+1 item", first)
    assert "2024-03-04T10:00:00+00:00" in first and "[T611] 503 from the server" in first
    assert "paused" in second and "never" in second and "none" in second


def test_the_sources_page_is_in_the_nav_and_empty_without_sources(the_store):
    page = _get(the_store, "/ui/").text
    assert '<a href="/ui/sources">Sources</a>' in page
    assert "No source is followed yet" in _get(the_store, "/ui/sources").text


def test_the_sources_page_pages_and_follows_the_read_token(the_store, monkeypatch):
    from tidings.web import _router

    monkeypatch.setattr(_router, "SOURCES_PAGE", 2)
    for n in range(3):
        the_store.add_source(f"https://n{n}.example.org/rss")
    page = _get(the_store, "/ui/sources").text
    assert len(_rows(page)) == 2
    next_link = html.unescape(re.search(r'rel="next" href="([^"]+)"', page)[1])
    assert len(_rows(_get(the_store, next_link).text)) == 1
    assert _get(the_store, "/ui/sources?cursor=bad").status_code == 400
    assert _get(the_store, "/ui/sources", read_token="r").status_code == 401
