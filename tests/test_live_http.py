"""The polite HTTP client of ``tidings follow``, against a news site on 127.0.0.1 only."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator

import pytest

from helpers.live import HTML, NewsSite, Reply
from tidings import __version__
from tidings.errors import ConfigError, FetchFailed
from tidings.live import Client, Politeness, canonical_url, link_canonical

FAST = dict(backoff=0.01, max_backoff=5.0, min_delay=0.0, timeout=2.0, retries=2)


@pytest.fixture
def site() -> Iterator[NewsSite]:
    news = NewsSite().start()
    news.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}))
    try:
        yield news
    finally:
        news.stop()


@pytest.fixture
def client() -> Iterator[Client]:
    with Client(Politeness(contact="desk@example.org", **FAST)) as c:
        yield c


def test_fetch_sends_a_user_agent_naming_tidings_its_version_and_contact(site, client):
    site.route("/a", Reply(200, b"<html>hi</html>", HTML))
    got = client.fetch(site.url("/a"))
    assert got.status == 200 and got.body == b"<html>hi</html>" and got.content_type == "text/html"
    agent = dict(site.requests)["/a"]["user-agent"]
    assert f"tidings/{__version__}" in agent and "desk@example.org" in agent


def test_a_slow_response_times_out_and_is_retried(site):
    site.route("/slow", Reply(200, b"late", HTML, delay=1.0))
    with Client(Politeness(**{**FAST, "timeout": 0.2, "retries": 1})) as c, pytest.raises(FetchFailed) as err:
        c.fetch(site.url("/slow"))
    assert err.value.kind == "timeout" and err.value.code == "T610"
    assert site.hits["/slow"] == 2  # the first try and one retry


def test_a_500_then_success_is_retried(site, client):
    answers = iter([Reply(500, b"oops"), Reply(200, b"fine", HTML)])
    site.route("/flaky", lambda _r: next(answers))
    assert client.fetch(site.url("/flaky")).body == b"fine"
    assert site.hits["/flaky"] == 2


def test_retries_end_with_the_last_failure(site, client):
    site.route("/down", Reply(503, b"down"))
    with pytest.raises(FetchFailed) as err:
        client.fetch(site.url("/down"))
    assert err.value.kind == "http-503" and site.hits["/down"] == 3


def test_a_429_waits_as_long_as_retry_after_says(site, client):
    answers = iter([Reply(429, b"slow down", {"Retry-After": "1"}), Reply(200, b"ok", HTML)])
    site.route("/busy", lambda _r: next(answers))
    started = time.monotonic()
    assert client.fetch(site.url("/busy")).body == b"ok"
    assert time.monotonic() - started >= 1.0
    assert site.hits["/busy"] == 2


def test_a_retry_after_longer_than_max_backoff_gives_up_for_this_round(site):
    site.route("/later", Reply(429, b"", {"Retry-After": "3600"}))
    with Client(Politeness(**FAST)) as c, pytest.raises(FetchFailed) as err:
        c.fetch(site.url("/later"))
    assert err.value.kind == "http-429" and "3600" in str(err.value)
    assert site.hits["/later"] == 1


def test_redirects_are_followed_and_loops_detected(site, client):
    site.route("/old", Reply(301, b"", {"Location": "/new"}))
    site.route("/new", Reply(200, b"here", HTML))
    got = client.fetch(site.url("/old"))
    assert got.final_url == site.url("/new") and got.body == b"here"
    site.route("/a", Reply(302, b"", {"Location": "/b"}))
    site.route("/b", Reply(302, b"", {"Location": "/a"}))
    with pytest.raises(FetchFailed) as err:
        client.fetch(site.url("/a"))
    assert err.value.kind == "redirect-loop" and err.value.code == "T614"


def test_too_many_redirects(site):
    for n in range(5):
        site.route(f"/r{n}", Reply(302, b"", {"Location": f"/r{n + 1}"}))
    with Client(Politeness(**{**FAST, "max_redirects": 3})) as c, pytest.raises(FetchFailed) as err:
        c.fetch(site.url("/r0"))
    assert err.value.kind == "too-many-redirects"
    assert site.hits["/r4"] == 0


def test_a_streamed_body_over_the_limit_is_abandoned_unread(site):
    chunk = b"x" * 65536
    total = 3200 * len(chunk)  # a 200 MiB body offered; far less is ever sent
    site.route("/huge", Reply(200, iter([chunk] * 3200), HTML))
    with Client(Politeness(**{**FAST, "max_bytes": 100_000})) as c, pytest.raises(FetchFailed) as err:
        c.fetch(site.url("/huge"))
    assert err.value.kind == "too-large" and err.value.code == "T615"
    time.sleep(0.3)  # let the server notice the closed connection
    assert site.sent["/huge"] < total // 4


def test_a_declared_length_over_the_limit_is_not_read(site):
    site.route("/big", Reply(200, b"y" * 200_000, HTML))
    with Client(Politeness(**{**FAST, "max_bytes": 100_000})) as c, pytest.raises(FetchFailed) as err:
        c.fetch(site.url("/big"))
    assert err.value.kind == "too-large" and "not read" in str(err.value)


def test_gzip_bodies_are_decoded(site, client):
    site.route("/gz", Reply(200, gzip.compress(b"<html>zipped</html>"), {**HTML, "Content-Encoding": "gzip"}))
    assert client.fetch(site.url("/gz")).body == b"<html>zipped</html>"
    assert "gzip" in dict(site.requests)["/gz"]["accept-encoding"]


def test_conditional_get_costs_a_304(site, client):
    def feed(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, b"<rss/>", {"ETag": '"v1"', "Last-Modified": "Mon, 04 Mar 2024 10:00:00 GMT"})

    site.route("/feed", feed)
    first = client.fetch(site.url("/feed"))
    assert first.etag == '"v1"' and first.last_modified.startswith("Mon")
    again = client.fetch(site.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body == b""
    assert dict(site.requests[-1:])["/feed"]["if-modified-since"] == first.last_modified


def test_robots_txt_is_honoured_and_fetched_once_per_host(site, client):
    site.route("/private/x", Reply(200, b"secret", HTML))
    site.route("/public", Reply(200, b"open", HTML))
    with pytest.raises(FetchFailed) as err:
        client.fetch(site.url("/private/x"))
    assert err.value.kind == "robots" and err.value.code == "T616"
    client.fetch(site.url("/public"))
    client.fetch(site.url("/public"))
    assert site.hits["/private/x"] == 0 and site.hits["/robots.txt"] == 1


def test_an_unreachable_robots_txt_allows_nothing_for_now(site, client):
    site.route("/robots.txt", Reply(503, b""))
    site.route("/page", Reply(200, b"x", HTML))
    with pytest.raises(FetchFailed) as err:
        client.fetch(site.url("/page"))
    assert err.value.kind == "robots" and site.hits["/page"] == 0


def test_a_missing_robots_txt_allows_everything(site, client):
    del site.routes["/robots.txt"]
    site.route("/page", Reply(200, b"x", HTML))
    assert client.fetch(site.url("/page")).body == b"x"


def test_one_host_gets_at_most_per_host_requests_at_once(site):
    lock, now, most = threading.Lock(), [0], [0]

    def slow(_request):
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        time.sleep(0.15)
        with lock:
            now[0] -= 1
        return Reply(200, b"ok", HTML)

    site.route("/s", slow)
    with Client(Politeness(**{**FAST, "per_host": 1})) as c:
        threads = [threading.Thread(target=c.fetch, args=(site.url("/s"),)) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
    assert site.hits["/s"] == 3 and most[0] == 1


def test_min_delay_spaces_requests_to_one_host(site):
    site.route("/p", Reply(200, b"ok", HTML))
    with Client(Politeness(**{**FAST, "min_delay": 0.3})) as c:
        started = time.monotonic()
        for _ in range(3):
            c.fetch(site.url("/p"))
    assert time.monotonic() - started >= 0.6


def test_a_set_stop_abandons_a_backoff(site):
    site.route("/down", Reply(503, b""))
    stop = threading.Event()
    with Client(Politeness(**{**FAST, "backoff": 30.0, "max_backoff": 60.0}), stop=stop) as c:
        threading.Timer(0.3, stop.set).start()
        started = time.monotonic()
        with pytest.raises(FetchFailed) as err:
            c.fetch(site.url("/down"))
    assert err.value.kind == "stopped" and time.monotonic() - started < 5


def test_politeness_settings_are_checked():
    with pytest.raises(ConfigError):
        Politeness(max_bytes=0)
    with pytest.raises(ConfigError):
        Politeness(retries=-1)


@pytest.mark.parametrize(("url", "canonical"), [
    ("HTTPS://News.Example.ORG:443/a?utm_source=x&id=3&fbclid=y#top", "https://news.example.org/a?id=3"),
    ("http://example.org", "http://example.org/"),
    ("http://example.org:8080/x?gclid=1&utm_medium=rss", "http://example.org:8080/x"),
    ("https://example.org/story?b=2&a=1", "https://example.org/story?b=2&a=1"),
])
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_link_canonical_is_read_from_the_page():
    html = b"<html><head><link rel='alternate' href='/amp'><link href='/story?utm_campaign=z' rel='canonical'>"
    assert link_canonical(html, "http://example.org/amp/story") == "http://example.org/story"
    assert link_canonical(b"<html><head></head></html>", "http://example.org/") is None
