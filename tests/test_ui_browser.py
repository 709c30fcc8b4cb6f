"""The web pages in a real browser (Debian's chromium through Playwright), fully offline.

The store holds the hand-made visit and unrelated records; the app runs under
uvicorn on a free loopback port. Every request the browser makes goes through
a handler that lets 127.0.0.1 through and records (and aborts) anything else.
Screenshots go to ``$TIDINGS_ARTIFACTS/ui`` (default ``test-artifacts/ui``).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from helpers.store import load_record

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
REPO = Path(__file__).resolve().parents[1]


def artifacts() -> Path:
    base = Path(os.environ.get("TIDINGS_ARTIFACTS") or REPO / "test-artifacts")
    path = base / "ui"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a store of the visit fixtures, served by uvicorn in a thread."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium to run the browser tests")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    import uvicorn

    from tidings.api import create_app
    from tidings.store import Store

    store = Store(str(tmp_path_factory.mktemp("ui") / "tidings.db"))
    for name in ("visit_a", "visit_b", "unrelated"):
        store.add(load_record(name))
    port = _free_port()
    config = uvicorn.Config(create_app(store=store, token="t"), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    store.close()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Offline:
    """Routes every request: 127.0.0.1 goes through, anything else is recorded and aborted."""

    def __init__(self) -> None:
        self.outside: list[str] = []
        self.local: list[str] = []

    def __call__(self, route: Any) -> None:
        url = route.request.url
        host = urlparse(url).hostname
        if host == "127.0.0.1":
            self.local.append(url)
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    guard = Offline()
    context.route("**/*", guard)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.set_default_timeout(10_000)
    yield pg
    context.close()
    assert guard.outside == [], f"requests left 127.0.0.1: {guard.outside}"
    assert guard.local, "the page made no request at all"
    assert errors == [], f"errors in the page: {errors}"


def shot(pg: Any, name: str) -> None:
    pg.screenshot(path=str(artifacts() / f"{name}.png"), full_page=True)


def test_ui_home_lists_counts_and_articles(page, server):
    page.goto(server + "/")
    assert page.url == server + "/ui/"
    assert page.get_by_role("navigation", name="Main").is_visible()
    assert page.locator(".cards").inner_text().count("events") >= 1
    assert page.locator("ul.articles li").count() == 3
    shot(page, "home")


def test_ui_events_filter_and_follow_evidence(page, server):
    page.goto(server + "/ui/events")
    assert page.locator("#events-table tbody tr").count() == 8
    page.get_by_label("Type").select_option("PROTEST")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**type=PROTEST**")
    rows = page.locator("#events-table tbody tr")
    assert rows.count() == 1
    assert "1–1 of 1 report" in page.locator("#summary").inner_text()
    assert "Brussels" in rows.first.inner_text()
    shot(page, "events-filtered")
    evidence = rows.first.locator("a.evidence")
    expected = evidence.get_attribute("title")
    evidence.click()
    page.wait_for_url("**/ui/articles/**#ev-*")
    page.locator("body[data-ready='article']").wait_for(state="attached")  # a selector: the CSP forbids eval
    current = page.locator("#article-text .current")
    assert current.count() >= 1
    assert "".join(current.all_inner_texts()) == expected
    assert current.first.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('current')")
    assert "PROTEST" in page.locator("#details").inner_text()
    shot(page, "article-evidence")


def test_ui_events_sort_page_and_clusters(page, server):
    page.goto(server + "/ui/events?size=25")
    page.get_by_role("link", name="Place").click()
    page.wait_for_url("**sort=place**")
    places = page.locator("#events-table tbody tr td:nth-child(5)").all_inner_texts()
    assert places == sorted(places, key=lambda p: (p != "—", p))
    assert page.locator("th[aria-sort='ascending']").inner_text().startswith("Place")
    page.get_by_label("events (clusters of reports)").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**level=events**")
    assert page.locator("#events-table tbody tr").count() == 6
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    path = download.value.path()
    lines = Path(path).read_text("utf-8").splitlines()
    assert lines[0].startswith("id,type,date")
    assert len(lines) == 7
    shot(page, "events-clusters")


def test_ui_article_details_by_keyboard(page, server):
    aid = load_record("visit_a")["id"]
    page.goto(f"{server}/ui/articles/{aid}")
    page.locator("body[data-ready='article']").wait_for(state="attached")  # a selector: the CSP forbids eval
    assert page.locator(".a-section-headline").count() >= 1
    stop = page.locator("#article-text [tabindex='0']").first
    stop.focus()
    details = page.locator("#details").inner_text()
    assert "Name" in details or "Event" in details or "Time" in details
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#article-text') !== null")
    page.locator("#article-text .a-time").first.click()
    assert "Normalised" in page.locator("#details").inner_text()
    shot(page, "article")


def test_ui_entity_profile_timeline_itinerary(page, server):
    page.goto(server + "/ui/search?q=Stoltenberg")
    page.get_by_role("link", name="Jens Stoltenberg").first.click()
    page.wait_for_url("**/ui/entities/**")
    page.locator("body[data-ready='itinerary']").wait_for(state="attached")  # a selector: the CSP forbids eval
    assert page.locator("h1").inner_text().startswith("Jens Stoltenberg")
    assert page.locator(".profile").inner_text().count("Stoltenberg") >= 1
    assert page.locator(".timeline li").count() == 4
    assert page.locator("#itinerary-map .stop").count() == 2
    assert page.locator(".stops li").first.inner_text().startswith("1 Seoul")
    assert page.locator("blockquote.quote").count() == 2
    shot(page, "entity")


def test_ui_map_clusters_zoom_and_filter(page, server):
    page.goto(server + "/ui/map")
    page.locator("body[data-ready='map']").wait_for(state="attached")  # a selector: the CSP forbids eval
    assert int(page.locator("#world-map").get_attribute("data-clusters")) >= 2
    assert page.locator("#world-map .land").count() > 150
    # Seen whole, Seoul and Tokyo are one cluster; Enter on it zooms in until they part.
    both = page.locator("#world-map .cluster[aria-label*='Seoul']")
    assert both.count() == 1
    assert both.get_attribute("role") == "button" and "Tokyo" in both.get_attribute("aria-label")
    assert both.get_attribute("aria-label").startswith("6 reports")
    shot(page, "map")
    before = page.locator("#world-map svg").get_attribute("viewBox")
    both.focus()
    page.keyboard.press("Enter")
    assert page.locator("#world-map svg").get_attribute("viewBox") != before
    seoul = page.locator("#world-map a.cluster[aria-label*='Seoul']")
    assert seoul.count() == 1 and seoul.get_attribute("aria-label").startswith("3 reports")
    assert "place=" in seoul.get_attribute("href")
    assert page.locator("#world-map a.cluster[aria-label*='Tokyo']").count() == 1
    before = page.locator("#world-map svg").get_attribute("viewBox")
    page.get_by_role("button", name="Zoom out").click()
    assert page.locator("#world-map svg").get_attribute("viewBox") != before
    shot(page, "map-zoomed")
    page.get_by_label("From").fill("2023-02-01")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**since=2023-02-01**")
    page.locator("body[data-ready='map']").wait_for(state="attached")  # a selector: the CSP forbids eval
    assert page.locator("#world-map .cluster[aria-label*='Seoul']").count() == 0
    assert page.locator("#world-map .cluster[aria-label*='Brussels']").count() == 1


def test_ui_network_nodes_edges_and_type_filter(page, server):
    page.goto(server + "/ui/network")
    page.locator("body[data-ready='network']").wait_for(state="attached")  # a selector: the CSP forbids eval
    assert page.locator("#network .node").count() == 5
    assert page.locator("#network .edge.cooperation").count() == 4
    page.locator("#network .node").last.focus()  # a target: the other targets fade
    assert page.locator("#network .node.dim").count() >= 1
    shot(page, "network")
    page.get_by_label("Type").select_option("PROTEST")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**type=PROTEST**")
    assert page.locator("#network .node").count() == 0
    assert "No actor acts on a target" in page.locator("#network").inner_text()


def test_ui_search_articles_and_quotes(page, server):
    page.goto(server + "/ui/")
    page.get_by_label("Search articles, quotes and names").fill("security")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ui/search?q=security")
    assert page.locator("ol.results li a").count() >= 1
    assert page.locator("blockquote.quote").count() >= 1
    assert page.locator("mark").count() >= 1
    shot(page, "search")


def test_ui_story_page_timeline_quotes_map(page, server):
    page.goto(server + "/ui/stories")
    assert page.locator("#stories-table tbody tr").count() == 2
    page.get_by_role("link", name="NATO chief lands in Seoul at start of Asia tour").click()
    page.wait_for_url("**/ui/stories/*")
    page.locator("body[data-ready='map']").wait_for(state="attached")  # a selector: the CSP forbids eval
    assert page.get_by_role("heading", level=1).inner_text() == "NATO chief lands in Seoul at start of Asia tour"
    # The timeline: one dot per report, one lane per publisher, drawn with the publishers' colours.
    assert page.locator("#story-timeline .report circle").count() == 2
    assert page.locator("#story-timeline .lane").count() == 2
    fills = {page.locator("#story-timeline .report circle").nth(i).evaluate("c => getComputedStyle(c).fill")
             for i in range(2)}
    assert len(fills) == 2
    assert page.locator("#story-reports tbody tr").count() == 2
    # Who said what.
    quotes = page.locator("#quotes")
    assert quotes.get_by_role("heading", name="Jens Stoltenberg").count() == 1
    assert quotes.locator("blockquote.quote").count() == 2
    # The map: the story's places, framed.
    assert page.locator("#world-map .cluster").count() >= 1
    assert page.locator("#world-map svg").get_attribute("viewBox") != "0 0 360 180"
    assert page.locator("#story-events tbody tr").count() == 4
    shot(page, "story")
    # A quote's link opens the article at the quote.
    link = quotes.locator("a.evidence").first
    expected = quotes.locator("blockquote.quote p").first.inner_text().strip("“”")
    link.click()
    page.wait_for_url("**/ui/articles/**#quote-*")
    page.locator("body[data-ready='article']").wait_for(state="attached")  # a selector: the CSP forbids eval
    assert "".join(page.locator("#article-text .current").all_inner_texts()) == expected
