"""Following sources: feeds polled, new pages read and stored once, changes re-read, state kept.

Every request goes to a news site the tests start on 127.0.0.1; the pipeline
is replaced by an analyser that only reads (no model), except in the one
end-to-end ``tidings follow --once`` test marked slow.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from helpers.live import HTML, XML, NewsSite, Reply, page, rss
from helpers.store import no_nlp
from tidings.cli import cli
from tidings.errors import ConfigError
from tidings.live import Follower, Politeness, SourceSpec, load_sources, parse_listing
from tidings.store import Store

FAST = Politeness(backoff=0.01, min_delay=0.0, timeout=2.0, retries=1)
DATE = "Mon, 04 Mar 2024 10:00:00 GMT"
STORIES = {
    "/news/port": ("Minister visits port city",
                   "The trade minister visited the port on Monday and met dock workers.\n\n"
                   "The minister said the harbour would get new cranes next year."),
    "/news/budget": ("Council approves new budget",
                     "The city council approved a new budget on Tuesday after a long debate.\n\n"
                     "Opposition members said the plan would raise local taxes."),
}


@pytest.fixture
def site() -> Iterator[NewsSite]:
    news = NewsSite().start()
    news.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}))
    for path, (headline, body) in STORIES.items():
        news.route(path, Reply(200, page(headline, body), HTML))
    try:
        yield news
    finally:
        news.stop()


def feed_of(site: NewsSite, paths: list[str], date: str = DATE) -> bytes:
    return rss([(STORIES.get(p, ("Story", ""))[0], site.url(p), date) for p in paths])


def follower(store: Store, **kw: Any) -> Follower:
    return Follower(store, politeness=FAST, analyzer=no_nlp, workers=2, **kw)


def follow_once(store: Store, site: NewsSite, path: str = "/feed.xml", **kw: Any) -> Any:
    with follower(store, **kw) as f:
        [report] = f.run_once(f.add([SourceSpec(site.url(path), name="Example News")]))
    return report


def test_new_items_are_fetched_read_and_stored(site, store):
    site.route("/feed.xml", Reply(200, feed_of(site, list(STORIES)), XML))
    report = follow_once(store, site)
    assert (report.status, report.entries, report.new, report.added) == ("ok", 2, 2, 2)
    articles = store.articles(limit=10).items
    assert sorted(a["headline"] for a in articles) == sorted(h for h, _ in STORIES.values())
    stored = store.article(articles[0]["id"])
    assert stored["url"].startswith(site.base + "/news/") and stored["publisher"]
    source = store.source(site.url("/feed.xml"))
    assert (source["fetched"], source["items_seen"], source["articles_added"]) == (1, 2, 2)
    assert source["last_success"] and source["last_error"] is None


def test_a_feed_repeating_old_items_stores_them_once_without_fetching_again(site, store):
    site.route("/feed.xml", Reply(200, feed_of(site, list(STORIES)), XML))
    follow_once(store, site)
    again = follow_once(store, site)
    assert (again.new, again.fetched_pages, again.added) == (0, 0, 0)
    assert site.hits["/news/port"] == 1 and site.hits["/news/budget"] == 1
    assert store.counts()["articles"] == 2
    assert store.source(site.url("/feed.xml"))["fetched"] == 2


def test_tracking_links_to_one_article_are_one_item(site, store):
    links = [site.url("/news/port?utm_source=rss"), site.url("/news/port#comments"),
             site.url("/news/port?fbclid=abc")]
    site.route("/feed.xml", Reply(200, rss([("Port", link, DATE) for link in links]), XML))
    report = follow_once(store, site)
    assert (report.entries, report.added) == (1, 1)
    assert site.hits["/news/port"] == 1


def test_the_page_canonical_link_names_the_article(site, store):
    headline, body = STORIES["/news/port"]
    site.route("/amp/port", Reply(200, page(headline, body, canonical="/news/port?utm_medium=amp"), HTML))
    site.route("/feed.xml", Reply(200, rss([("Port", site.url("/amp/port"), DATE)]), XML))
    follow_once(store, site)
    [article] = store.articles(limit=5).items
    assert store.article(article["id"])["url"] == site.url("/news/port")


def test_an_unchanged_feed_costs_a_304(site, store):
    body = feed_of(site, ["/news/port"])

    def feed(request):
        if request.headers.get("If-None-Match") == '"f1"':
            return Reply(304, b"", {"ETag": '"f1"'})
        return Reply(200, body, {**XML, "ETag": '"f1"'})

    site.route("/feed.xml", feed)
    follow_once(store, site)
    again = follow_once(store, site)
    assert again.status == "not-modified"
    source = store.source(site.url("/feed.xml"))
    assert (source["fetched"], source["not_modified"], source["etag"]) == (1, 1, '"f1"')
    assert site.sent["/feed.xml"] == len(body)  # the body went once


def test_a_changed_article_is_read_again_as_an_update(site, store):
    site.route("/feed.xml", Reply(200, feed_of(site, ["/news/port"]), XML))
    follow_once(store, site)
    [first] = store.articles(limit=5).items
    headline, body = STORIES["/news/port"]
    site.route("/news/port", Reply(200, page(headline + " (updated)", body + "\n\nThe visit ended at noon."), HTML))
    site.route("/feed.xml", Reply(200, feed_of(site, ["/news/port"], date="Mon, 04 Mar 2024 14:00:00 GMT"), XML))
    report = follow_once(store, site)
    assert (report.updated, report.added) == (1, 0)
    [now] = store.articles(limit=5).items
    assert now["id"] != first["id"] and now["headline"].endswith("(updated)")
    assert "ended at noon" in store.article(now["id"])["text"]
    assert store.source(site.url("/feed.xml"))["articles_updated"] == 1


def test_a_changed_entry_with_the_same_page_stores_nothing(site, store):
    site.route("/feed.xml", Reply(200, feed_of(site, ["/news/port"]), XML))
    follow_once(store, site)
    site.route("/feed.xml", Reply(200, feed_of(site, ["/news/port"], date="Tue, 05 Mar 2024 09:00:00 GMT"), XML))
    report = follow_once(store, site)
    assert (report.fetched_pages, report.unchanged, report.added, report.updated) == (1, 1, 0, 0)
    assert store.counts()["articles"] == 1


def test_a_malformed_feed_is_an_error_counted_by_kind(site, store):
    site.route("/feed.xml", Reply(200, b"<?xml version='1.0'?><rss><channel><item><title>broken", XML))
    report = follow_once(store, site)
    assert report.status == "error" and report.errors == {"malformed": 1}
    source = store.source(site.url("/feed.xml"))
    assert source["errors"] == {"malformed": 1} and "[T620]" in source["last_error"]
    assert source["last_success"] is None and store.counts()["articles"] == 0


def test_wrong_content_types_are_refused(site, store):
    site.route("/feed.xml", Reply(200, b"\x89PNG\r\n", {"Content-Type": "image/png"}))
    assert follow_once(store, site).errors == {"content-type": 1}
    site.route("/news/port", Reply(200, b"%PDF-1.4", {"Content-Type": "application/pdf"}))
    site.route("/feed2.xml", Reply(200, feed_of(site, list(STORIES)), XML))
    report = follow_once(store, site, "/feed2.xml")
    assert (report.added, report.errors) == (1, {"content-type": 1})
    assert store.source(site.url("/feed2.xml"))["errors"] == {"content-type": 1}
    again = follow_once(store, site, "/feed2.xml")  # a lasting failure: not fetched again
    assert (again.fetched_pages, again.errors) == (0, {})
    assert site.hits["/news/port"] == 1


def test_a_page_failing_for_now_is_fetched_again_next_round(site, store):
    answers = iter([Reply(503, b"")] * 2 + [Reply(200, page(*STORIES["/news/port"]), HTML)])
    site.route("/news/port", lambda _r: next(answers))
    body = feed_of(site, ["/news/port"])

    def feed(request):  # unchanged, and says so when asked
        if request.headers.get("If-None-Match") == '"f1"':
            return Reply(304, b"", {"ETag": '"f1"'})
        return Reply(200, body, {**XML, "ETag": '"f1"'})

    site.route("/feed.xml", feed)
    assert follow_once(store, site).errors == {"http-503": 1}
    assert store.source(site.url("/feed.xml"))["etag"] is None  # so the next round reads the feed again
    again = follow_once(store, site)
    assert (again.status, again.added) == ("ok", 1)
    assert follow_once(store, site).status == "not-modified"


def test_many_items_are_fetched_a_few_at_a_time(site, store):
    paths = [f"/news/{n}" for n in range(12)]
    for n, path in enumerate(paths):
        site.route(path, Reply(200, page(f"Story number {n} of the day",
                                         f"The council met on Monday for meeting number {n}.\n\n"
                                         "Members said the talks went well and would go on."), HTML))
    site.route("/feed.xml", Reply(200, rss([(f"Story {n}", site.url(p), DATE) for n, p in enumerate(paths)]), XML))
    assert follow_once(store, site).added == 12


def test_robots_txt_disallowing_pages_is_honoured(site, store):
    headline, body = STORIES["/news/port"]
    site.route("/private/port", Reply(200, page(headline, body), HTML))
    site.route("/feed.xml", Reply(200, rss([("Port", site.url("/private/port"), DATE)]), XML))
    report = follow_once(store, site)
    assert report.errors == {"robots": 1} and site.hits["/private/port"] == 0
    assert store.counts()["articles"] == 0


def test_a_failing_feed_server_is_retried_then_counted(site, store):
    answers = iter([Reply(500, b"")] + [Reply(200, feed_of(site, ["/news/port"]), XML)] * 5)
    site.route("/feed.xml", lambda _r: next(answers))
    assert follow_once(store, site).added == 1
    assert site.hits["/feed.xml"] == 2


def test_a_news_sitemap_is_followed(site, store):
    sitemap = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
        "xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>"
        + "".join(f"<url><loc>{site.url(p)}</loc><news:news><news:publication_date>2024-03-04"
                  f"</news:publication_date><news:title>{STORIES[p][0]}</news:title></news:news></url>"
                  for p in STORIES)
        + "</urlset>"
    ).encode()
    entries = parse_listing(sitemap, url=site.url("/sitemap.xml"))
    assert [e.url for e in entries] == [site.url(p) for p in STORIES]
    assert entries[0].title == STORIES["/news/port"][0]
    assert entries[0].published is None  # a date alone gives no lag
    site.route("/sitemap.xml", Reply(200, sitemap, {"Content-Type": "application/xml"}))
    assert follow_once(store, site, "/sitemap.xml").added == 2


def test_listing_publication_times_are_read_in_utc():
    feed = rss([("One", "http://127.0.0.1/a", "Mon, 04 Mar 2024 12:00:00 +0200"),
                ("Two", "http://127.0.0.1/b", "")])
    assert [e.published for e in parse_listing(feed, url="http://127.0.0.1/feed")] == \
        ["2024-03-04T10:00:00+00:00", None]
    sitemap = (b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
               b"xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'><url><loc>http://127.0.0.1/a</loc>"
               b"<news:news><news:publication_date>2024-03-04T12:00:00+01:00</news:publication_date></news:news>"
               b"</url></urlset>")
    assert parse_listing(sitemap, url="http://127.0.0.1/s")[0].published == "2024-03-04T11:00:00+00:00"


def test_the_lag_from_publication_to_storage_is_kept(site, store):
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    published = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    site.route("/feed.xml", Reply(200, feed_of(site, list(STORIES), format_datetime(published, usegmt=True)), XML))
    follow_once(store, site)
    source = store.source_report(site.url("/feed.xml"))
    assert source["lag_items"] == 2
    assert 300 <= source["lag_median_s"] <= source["lag_p95_s"] < 360
    store.update_source(source["id"], error_kind="timeout", last_error="[T610] slow", last_error_at="2024-03-04")
    listed = CliRunner().invoke(cli, ["sources", "list", "--db", store.url.removeprefix("sqlite:///")])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert "fetched 1, not modified 0, items 2, added 2, updated 0; errors: timeout 1" in lines[1]
    assert re.search(r"lag median 3\d\d(\.\d+)? s, p95 3\d\d(\.\d+)? s over 2 items; "
                     r"last error 2024-03-04: \[T610\] slow$", lines[2])


def test_a_crash_after_storing_resumes_without_storing_twice(site, store, monkeypatch):
    site.route("/feed.xml", Reply(200, feed_of(site, list(STORIES)), XML))
    real = store.see_source_item

    def killed(*args, **kw):  # the process dies after the first article is committed, before it is noted
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "see_source_item", killed)
    with pytest.raises(KeyboardInterrupt):
        follow_once(store, site)
    assert store.counts()["articles"] == 1
    monkeypatch.setattr(store, "see_source_item", real)
    report = follow_once(store, site)
    assert (report.added, report.unchanged) == (1, 1)  # the committed one is found unchanged
    assert store.counts()["articles"] == 2
    pages = site.hits["/news/port"] + site.hits["/news/budget"]
    last = follow_once(store, site)
    assert (last.fetched_pages, last.added) == (0, 0)
    assert site.hits["/news/port"] + site.hits["/news/budget"] == pages  # nothing fetched again


def test_run_polls_until_stopped(site, store):
    site.route("/feed.xml", Reply(200, feed_of(site, list(STORIES)), XML))
    stop = threading.Event()
    with follower(store, stop=stop) as f:
        f.add([SourceSpec(site.url("/feed.xml"), interval=60)])
        runner = threading.Thread(target=f.run, kwargs={"max_wait": 0.1})
        runner.start()
        deadline = time.monotonic() + 10
        while store.counts()["articles"] < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        runner.join(5)
    assert not runner.is_alive()
    assert store.counts()["articles"] == 2
    assert site.hits["/feed.xml"] == 1  # the interval (60 s) had not come round again


def test_paused_sources_are_not_polled(site, store):
    site.route("/feed.xml", Reply(200, feed_of(site, list(STORIES)), XML))
    with follower(store) as f:
        [source] = f.add([SourceSpec(site.url("/feed.xml"))])
        store.update_source(source["id"], paused=True)
        assert f.run_once() == []
    assert site.hits["/feed.xml"] == 0


def test_sources_file(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("- url: https://news.example.org/rss\n  interval: 30m\n  language: en\n  name: Example\n"
                    "- https://other.example.org/sitemap.xml\n")
    first, second = load_sources(path)
    assert (first.interval, first.language, first.name) == (1800, "en", "Example")
    assert second.url == "https://other.example.org/sitemap.xml" and second.interval == 900
    path.write_text("- url: https://news.example.org/rss\n  interval: 5s\n")
    with pytest.raises(ConfigError, match=r"\[T600\].*source 1.*interval"):
        load_sources(path)
    path.write_text("- url: ftp://news.example.org/rss\n")
    with pytest.raises(ConfigError, match=r"\[T600\]"):
        load_sources(path)


def test_sources_commands(tmp_path):
    db = str(tmp_path / "s.db")
    runner = CliRunner()
    added = runner.invoke(cli, ["sources", "add", "https://news.example.org/rss", "--interval", "1h",
                                "--name", "Example", "--db", db])
    assert added.exit_code == 0, added.output
    assert "added 1 https://news.example.org/rss" in added.output
    assert runner.invoke(cli, ["sources", "pause", "1", "--db", db]).exit_code == 0
    listed = runner.invoke(cli, ["sources", "list", "--db", db])
    assert "[paused, every 3600 s]" in listed.output and "fetched 0, not modified 0" in listed.output
    assert "last success never; lag not known yet" in listed.output
    assert runner.invoke(cli, ["sources", "resume", "https://news.example.org/rss", "--db", db]).exit_code == 0
    rows = [json.loads(line) for line in
            runner.invoke(cli, ["sources", "list", "--format", "jsonl", "--db", db]).output.splitlines()]
    assert [(r["paused"], r["name"], r["lag_items"]) for r in rows] == [(False, "Example", 0)]
    assert runner.invoke(cli, ["sources", "remove", "1", "--db", db]).exit_code == 0
    missing = runner.invoke(cli, ["sources", "remove", "1", "--db", db])
    assert missing.exit_code == 1 and "[T602]" in missing.output


@pytest.mark.slow
def test_follow_once_end_to_end_with_the_pipeline(site, tmp_path):
    site.route("/feed.xml", Reply(200, feed_of(site, list(STORIES)), XML))
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"- url: {site.url('/feed.xml')}\n  interval: 10m\n  name: Example News\n")
    db = str(tmp_path / "news.db")
    result = CliRunner().invoke(cli, ["follow", str(sources), "--db", db, "--once", "--min-delay", "0",
                                      "--contact", "desk@example.org"])
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        assert store.counts()["articles"] == 2
        assert store.events(limit=50).items  # the pipeline found what happened
        [source] = store.sources()
        assert (source["articles_added"], source["name"], source["interval"]) == (2, "Example News", 600)
    again = CliRunner().invoke(cli, ["follow", "--db", db, "--once", "--min-delay", "0"])
    assert again.exit_code == 0, again.output
    assert site.hits["/news/port"] == 1


def test_follow_refuses_a_bad_sources_file(tmp_path):
    bad = tmp_path / "sources.yaml"
    bad.write_text("- url: https://news.example.org/rss\n  every: 5m\n")
    result = CliRunner().invoke(cli, ["follow", str(bad), "--db", str(tmp_path / "x.db"), "--once"])
    assert result.exit_code == 1 and "[T600]" in result.output and "every" in result.output

    empty = CliRunner().invoke(cli, ["follow", "--db", str(tmp_path / "y.db"), "--once"])
    assert empty.exit_code == 1 and "[T604]" in empty.output


@pytest.mark.slow
def test_follow_stops_cleanly_on_sigterm(site, tmp_path):
    site.route("/feed.xml", Reply(200, feed_of(site, list(STORIES)), XML))
    db = str(tmp_path / "news.db")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tidings.cli", "follow", site.url("/feed.xml"), "--db", db, "--min-delay", "0",
         "--contact", "desk@example.org"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and process.poll() is None:
            with Store(db) as store:
                if store.counts()["articles"] == 2 and store.sources()[0]["fetched"] == 1:
                    break
            time.sleep(0.5)
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert b"SIGTERM: stopping" in err
    with Store(db) as store:
        assert store.counts()["articles"] == 2
