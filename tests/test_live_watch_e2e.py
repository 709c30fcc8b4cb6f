"""Watches delivered end to end: a publisher on 127.0.0.1 adds articles over time, the follower
stores them, the store records the watches' matches, the deliverer POSTs them to a receiver on
127.0.0.1; the dead letters and their requeue through the command line.

The fast tests read without the pipeline (a ``stories`` watch: every article makes or joins a
story); the one marked slow runs the pipeline and watches events.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import feedparser
import pytest
from click.testing import CliRunner

from helpers.hooks import Receiver
from helpers.live import HTML, XML, NewsSite, Reply, page, rss
from helpers.store import client_class, no_nlp
from tidings.cli import cli
from tidings.live import Deliverer, DeliveryPolicy, Follower, Politeness, SourceSpec
from tidings.store import Store, watch_entry_id

POLITE = Politeness(backoff=0.01, min_delay=0.0, timeout=5.0, retries=1, contact="desk@example.org")
QUICK = DeliveryPolicy(timeout=5.0, connect_timeout=2.0, backoff=0.2, max_backoff=1.0, idle=0.05)
DATE = "Mon, 04 Mar 2024 10:00:00 GMT"
# Reports that the pipeline reads as events (the slow test), and as distinct stories without it.
REPORTS = [
    ("Scholz meets Macron in Berlin",
     "BERLIN (Reuters) - German Chancellor Olaf Scholz met French President Emmanuel Macron in Berlin on "
     "Monday to discuss energy prices, officials said."),
    ("Russia accuses Ukraine over power station",
     "MOSCOW (Reuters) - Russia accused Ukraine on Wednesday of attacking a power station near the border, "
     "the defence ministry said."),
    ("Japan and South Korea sign trade deal",
     "TOKYO (Reuters) - Japan and South Korea signed a trade agreement in Tokyo on Thursday, the foreign "
     "ministry said."),
    ("Kenyan farmers protest fertiliser prices",
     "NAIROBI (Reuters) - Kenyan President William Ruto criticised fertiliser importers on Friday after "
     "farmers protested in Nairobi against rising prices, his office said."),
]


class Publisher:
    """A news site whose feed grows: :meth:`publish` adds the next report's page and item."""

    def __init__(self, site: NewsSite) -> None:
        self.site = site
        self.items: list[tuple[str, str, str]] = []
        site.route("/robots.txt", Reply(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"}))
        site.route("/feed.xml", lambda _r: Reply(200, rss(list(self.items)), XML))

    def publish(self, n: int) -> None:
        headline, text = REPORTS[n % len(REPORTS)]
        if n >= len(REPORTS):
            headline, text = f"{headline} ({n})", text.replace(" said.", f" said in statement {n}.")
        path = f"/news/{n}"
        self.site.route(path, Reply(200, page(headline, text), HTML))
        self.items.append((headline, self.site.url(path), DATE))


@pytest.fixture
def publisher() -> Iterator[Publisher]:
    site = NewsSite().start()
    try:
        yield Publisher(site)
    finally:
        site.stop()


@pytest.fixture
def hook() -> Iterator[Receiver]:
    receiver = Receiver()
    try:
        yield receiver.start()
    finally:
        receiver.stop()


def _wait(done: Any, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        time.sleep(0.05)


def _check_deliveries(store: Store, hook: Receiver, watch: dict[str, Any]) -> list[dict[str, Any]]:
    """Each match of the watch reached the receiver once by key, signed with the watch's secret."""
    matches = store.watch_matches(watch["id"], limit=500)
    assert matches and all(m["state"] == "delivered" for m in matches)
    keys = hook.delivery_keys()
    assert sorted(set(keys)) == sorted(m["idempotency_key"] for m in matches)
    assert len(keys) == len(set(keys))  # exactly once: nothing failed, nothing was sent twice
    assert all(g.valid for g in hook.got)
    for got in hook.got:
        body = json.loads(got.body)
        assert body["watch"] == watch["id"] and body["kind"] == watch["kind"]
        assert body["idempotency_key"] == got.key and body["item"]["article"]["url"]
    _check_feed(store, watch, hook)
    return matches


def _check_feed(store: Store, watch: dict[str, Any], hook: Receiver) -> None:
    """The watch's Atom feed, read back with feedparser, has an entry per webhook delivered."""
    from tidings.api import create_app

    with client_class()(create_app(store=store, analyzer=no_nlp), raise_server_exceptions=False) as api:
        answer = api.get(f"/watches/{watch['id']}/feed.atom", params={"limit": 500})
    assert answer.status_code == 200
    feed = feedparser.parse(answer.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert sorted(e.id for e in feed.entries) == sorted(watch_entry_id(key) for key in hook.delivery_keys())
    posted = {watch_entry_id(g.key): json.loads(g.body)["item"]["article"] for g in hook.got}
    for entry in feed.entries:  # the same article in the feed entry as in the webhook
        assert any(link.href == posted[entry.id]["url"] for link in entry.links)


def _run(store: Store, publisher: Publisher, hook: Receiver, n: int, **follower: Any) -> None:
    """Publish ``n`` reports one by one, a follower round after each, the deliverer running alongside."""
    with Follower(store, politeness=POLITE, workers=2, **follower) as f, \
            Deliverer(store, policy=QUICK, politeness=POLITE) as deliverer:
        [source] = f.add([SourceSpec(publisher.site.url("/feed.xml"), interval=600)])
        deliverer.start()
        for i in range(n):
            publisher.publish(i)
            [report] = f.run_once([store.source(source["id"])])
            assert report.added == 1, report
        _wait(lambda: not store.due_deliveries("9999-01-01T00:00:00+00:00"))


def test_follow_then_webhook_each_match_once_and_the_same_entries_in_the_atom_feed(publisher, hook, store):
    watch = store.add_watch({"name": "everything new", "kind": "stories", "webhook_url": hook.url()})
    hook.secret = watch["secret"]
    _run(store, publisher, hook, 6, analyzer=no_nlp)
    matches = _check_deliveries(store, hook, watch)
    assert store.counts()["articles"] == 6
    assert {m["item_key"] for m in matches} >= {t["item_key"] for t in store.test_watch({"name": "x", "kind": watch["kind"]}, limit=100)}
    [counters] = [c for c in store.watch_counters() if c["id"] == watch["id"]]
    assert (counters["delivered"], counters["pending"], counters["dead"]) == (len(matches), 0, 0)


def test_dead_letters_are_listed_and_requeued_by_the_command_line(hook, store_url):
    healthy = threading.Event()
    hook.answer = lambda _r, _n: Reply(200) if healthy.is_set() else Reply(500, b"receiver broken")
    db = store_url
    with Store(db) as store:
        watch = store.add_watch({"name": "stories", "kind": "stories", "webhook_url": hook.url()})
        article = no_nlp(_article("Council approves budget", "The council approved the budget on Monday."))
        store.add(article)
        [match] = store.watch_matches(watch["id"])
    runner = CliRunner()
    first = runner.invoke(cli, ["watch", "deliver", "--db", db, "--once", "--max-attempts", "1"])
    assert first.exit_code == 0, first.output
    assert "is dead after 1 attempts" in first.output and "[T650]" in first.output
    listed = runner.invoke(cli, ["watch", "dead-letters", "--db", db])
    assert listed.exit_code == 0 and f"watch {watch['id']}" in listed.output and "receiver broken" in listed.output
    rows = [json.loads(line) for line in
            runner.invoke(cli, ["watch", "dead-letters", "--db", db, "--watch", str(watch["id"]),
                                "--format", "jsonl"]).output.splitlines()]
    assert [(r["id"], r["state"]) for r in rows] == [(match["id"], "dead")]
    assert runner.invoke(cli, ["watch", "retry", str(match["id"]), "--db", db]).output.strip() == \
        f"requeued match {match['id']}"
    healthy.set()
    again = runner.invoke(cli, ["watch", "deliver", "--db", db, "--once"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.output.strip().splitlines()[-1])["delivered"] == 1
    assert runner.invoke(cli, ["watch", "dead-letters", "--db", db, "--format", "jsonl"]).output == ""
    missing = runner.invoke(cli, ["watch", "retry", "999", "--db", db])
    assert missing.exit_code == 1 and "[T637]" in missing.output
    assert len(hook.got) == 2 and len(set(hook.delivery_keys())) == 1


def _article(headline: str, text: str) -> Any:
    import tidings

    article = tidings.read_text(f"{headline}\n\n{text}", published="2024-03-04")
    return article


@pytest.mark.slow
def test_follow_with_the_pipeline_delivers_each_matching_event_once(publisher, hook, store):
    watch = store.add_watch({"name": "events", "kind": "events", "webhook_url": hook.url()})
    hook.secret = watch["secret"]
    _run(store, publisher, hook, len(REPORTS))
    matches = _check_deliveries(store, hook, watch)
    assert {m["item_key"] for m in matches} >= {t["item_key"] for t in store.test_watch({"name": "x", "kind": watch["kind"]}, limit=100)}
    types = {json.loads(g.body)["item"]["type"] for g in hook.got}
    assert "CONSULT" in types
