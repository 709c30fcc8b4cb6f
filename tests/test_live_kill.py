"""kill -9 during `tidings follow` (fetching, storing, matching, delivering webhooks), then restart:
no article stored twice, no match lost, and webhook deliveries repeated only with the same key.

A publisher on 127.0.0.1 adds reports before each run; a receiver on 127.0.0.1 takes the
webhooks of a watch, a little slowly, so kills land while deliveries are under way too.
Run on each backend (PostgreSQL with TIDINGS_TEST_PG).
Bounded for the default suite (a few kills); `make soak` runs more (`TIDINGS_SOAK_KILLS`).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa

from helpers.hooks import Receiver
from helpers.live import HTML, XML, NewsSite, Reply, page, rss
from tidings.store import Store

SRC = Path(__file__).resolve().parents[1] / "src"
KILLS = int(os.environ.get("TIDINGS_SOAK_KILLS", "3"))
PER_RUN = 5  # reports published before each run
DATE = "Mon, 04 Mar 2024 10:00:00 GMT"
TOPICS = ["harbour cranes", "school budget", "rail strike", "water prices", "bridge repairs", "bus routes",
          "park closures", "tax rebates", "flood defences", "hospital beds", "market stalls", "tram lines"]

pytestmark = [pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals"),
              pytest.mark.slow]


def _env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{path}" if path else str(SRC)}


def _publish(site: NewsSite, items: list[tuple[str, str, str]], n: int) -> None:
    topic = TOPICS[n % len(TOPICS)]
    headline = f"Council report {n} on {topic}"
    text = (f"The city council discussed {topic} on Monday in session number {n}.\n\n"
            f"Members said the plan for {topic} would be decided by spring, report {n} added.")
    site.route(f"/news/{n}", Reply(200, page(headline, text), HTML))
    items.append((headline, site.url(f"/news/{n}"), DATE))


def _article_urls(db: str) -> list[str]:
    """The URLs of the articles stored so far (none while the store is not made yet)."""
    if "://" not in db:
        if not Path(db).exists():
            return []
        try:
            with sqlite3.connect(db, timeout=5) as conn:
                return [r[0] for r in conn.execute("SELECT url FROM articles")]
        except sqlite3.OperationalError:
            return []
    engine = sa.create_engine(db)
    try:
        with engine.connect() as conn:
            return [str(r[0]) for r in conn.execute(sa.text("SELECT url FROM articles"))]
    finally:
        engine.dispose()


def _progress(db: str, hook: Receiver) -> int:
    """Articles stored plus webhooks received so far."""
    return len(_article_urls(db)) + len(hook.got)


def test_follow_with_webhooks_survives_kill_9(store_url: str) -> None:
    rng = random.Random(15)
    db = store_url  # a SQLite file or a fresh PostgreSQL schema
    site = NewsSite().start()
    items: list[tuple[str, str, str]] = []
    site.route("/robots.txt", Reply(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"}))
    site.route("/feed.xml", lambda _r: Reply(200, rss(list(items)), XML))
    hook = Receiver(lambda _r, _n: Reply(200, b"ok", delay=0.05)).start()
    with Store(db) as store:
        watch = store.add_watch({"name": "every story", "kind": "stories", "webhook_url": hook.url()})
    hook.secret = watch["secret"]
    command = [sys.executable, "-m", "tidings.cli", "follow", site.url("/feed.xml"), "--db", db, "--once",
               "--no-nlp", "--min-delay", "0", "--workers", "2", "--contact", "desk@example.org"]
    landed = 0
    try:
        for run in range(KILLS):
            for _ in range(PER_RUN):
                _publish(site, items, len(items))
            before = _progress(db, hook)
            proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
            deadline = time.monotonic() + 60
            while _progress(db, hook) == before and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.4) * (1 + run % 2))
            landed += proc.poll() is None
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
        # to the end: this round finds what the last kill left, articles and deliveries
        done = subprocess.run(command, capture_output=True, text=True, env=_env(), timeout=300)
        assert done.returncode == 0, done.stderr
    finally:
        site.stop()
        hook.stop()
    assert landed, "every run had ended before its kill; the test tested nothing"

    if "://" not in db:
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    urls = _article_urls(db)
    assert sorted(urls) == sorted(link for _t, link, _d in items)  # each report stored, once
    with Store(db) as store:
        matches = store.watch_matches(watch["id"], limit=1000)
        now = store.test_watch({"name": "check", "kind": "stories"}, limit=1000)
    keys = {m["item_key"] for m in matches}
    assert {t["item_key"] for t in now} <= keys  # no match lost
    assert len(keys) == len(matches) and all(m["state"] == "delivered" for m in matches)
    # every match reached the receiver; a delivery repeated (a kill between the POST and its record)
    # came with the same key and the same body
    bodies: dict[str, set[bytes]] = defaultdict(set)
    for got in hook.got:
        assert got.valid
        bodies[got.key].add(got.body)
        assert json.loads(got.body)["idempotency_key"] == got.key
    assert set(bodies) == {m["idempotency_key"] for m in matches}
    assert all(len(b) == 1 for b in bodies.values())
