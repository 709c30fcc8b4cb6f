"""Webhook deliveries: the signature, retries with backoff, Retry-After, timeouts, dead letters, requeue.

Every receiver is a server the test starts on 127.0.0.1 (``helpers.hooks.Receiver``);
the store's delivery methods are an in-memory stand-in here (the real store's
are tested with the watches, and end to end in ``test_live_watch_e2e.py``).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from helpers.hooks import FakeDeliveries, Receiver
from helpers.live import HTML, XML, NewsSite, Reply, page, rss
from helpers.store import no_nlp
from tidings.live import Deliverer, DeliveryPolicy, Follower, Politeness, SourceSpec, sign, verify
from tidings.store import Store

SECRET = "s3cret-for-tests"
T0 = datetime(2024, 3, 4, 10, 0, tzinfo=UTC)
FAST = DeliveryPolicy(timeout=2.0, connect_timeout=1.0, backoff=10.0, max_backoff=600.0, max_attempts=4,
                      idle=0.05)


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def receivers() -> Iterator[list[Receiver]]:
    started: list[Receiver] = []
    yield started
    for receiver in started:
        receiver.stop()


def receiver(started: list[Receiver], answer=None) -> Receiver:
    r = Receiver(answer, secret=SECRET).start()
    started.append(r)
    return r


def deliverer(store: FakeDeliveries, clock: Clock | None = None, **kw) -> Deliverer:
    policy = kw.pop("policy", FAST)
    extra = {"clock": clock} if clock is not None else {}
    return Deliverer(store, policy=policy, politeness=Politeness(contact="desk@example.org"), **extra, **kw)


# -- the signature ------------------------------------------------------------------


def test_a_signature_verifies_and_anything_changed_does_not():
    body = b'{"watch":1,"kind":"events"}'
    headers = sign(body, SECRET, 1_700_000_000, delivery="abc")
    assert headers["X-Tidings-Delivery"] == "abc" and headers["Content-Type"] == "application/json"
    assert headers["X-Tidings-Signature"].startswith("sha256=") and headers["X-Tidings-Timestamp"] == "1700000000"
    assert verify(body, headers, SECRET, now=1_700_000_010)
    assert verify(body, {k.upper(): v for k, v in headers.items()}, SECRET, now=1_700_000_010)
    assert not verify(body + b" ", headers, SECRET, now=1_700_000_010)  # tampered body
    assert not verify(body, headers, "another secret", now=1_700_000_010)
    assert not verify(body, headers, SECRET, now=1_700_000_000 + 301)  # stale: a replay
    assert verify(body, headers, SECRET, now=1_700_000_000 + 301, tolerance=600)
    assert not verify(body, headers, SECRET, now=1_700_000_000 - 301)  # from the future
    moved = {**headers, "X-Tidings-Timestamp": "1700000100"}  # a fresh timestamp on an old signature
    assert not verify(body, moved, SECRET, now=1_700_000_100)
    assert not verify(body, {"X-Tidings-Timestamp": "soon", "X-Tidings-Signature": "x"}, SECRET, now=0)
    assert not verify(body, {}, SECRET)


def documented_check() -> Any:
    """The receiver's check as docs/live.md gives it (the block after the "tested" marker)."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "live.md").read_text("utf-8")
    found = re.search(r"<!-- tested: tests/test_live_webhooks.py runs this block -->\n```python\n(.*?)```", doc,
                      re.DOTALL)
    assert found, "docs/live.md lost its tested receiver example"
    namespace: dict[str, Any] = {}
    exec(compile(found.group(1), "docs/live.md", "exec"), namespace)  # noqa: S102 - our own doc
    return namespace["check"]


def test_the_documented_receiver_recipe_checks_real_deliveries(receivers):
    check = documented_check()
    hook = receiver(receivers)
    store = FakeDeliveries()
    store.add(1, hook.url(), secret=SECRET)
    with deliverer(store) as d:
        d.run_once()
        store.requeue_delivery(1)  # sent again, as after a crash: the same key
        d.run_once()
    first, again = hook.got
    seen: set[str] = set()
    assert check(first.body, first.headers, SECRET, seen) == "ok"
    assert check(again.body, again.headers, SECRET, seen) == "repeat"
    assert check(first.body + b" ", first.headers, SECRET, set()) == "invalid"
    assert check(first.body, first.headers, "not the secret", set()) == "invalid"
    stale = {**first.headers, "x-tidings-timestamp": str(int(time.time()) - 301)}
    assert check(first.body, stale, SECRET, set()) == "invalid"
    old = sign(first.body, SECRET, int(time.time()) - 301, delivery=first.key)
    assert check(first.body, {k.lower(): v for k, v in old.items()}, SECRET, set()) == "invalid"
    fresh = sign(first.body, SECRET, int(time.time()), delivery="another")
    assert check(first.body, {k.lower(): v for k, v in fresh.items()}, SECRET, set()) == "ok"


# -- delivering ---------------------------------------------------------------------


def test_a_delivery_is_posted_signed_and_recorded(receivers):
    hook = receiver(receivers)
    store = FakeDeliveries()
    store.add(1, hook.url(), secret=SECRET, item={"id": "c1", "type": "PROTEST"})
    with deliverer(store) as d:
        report = d.run_once()
    assert (report.due, report.delivered, report.failed) == (1, 1, 0)
    [got] = hook.got
    assert got.valid and got.key == "key-1-1"
    assert got.headers["content-type"] == "application/json"
    assert got.headers["user-agent"] == Politeness(contact="desk@example.org").user_agent
    assert abs(int(got.headers["x-tidings-timestamp"]) - time.time()) < 60
    assert json.loads(got.body) == {"watch": 1, "kind": "events", "idempotency_key": "key-1-1",
                                    "matched_at": "2024-03-04T10:00:00+00:00",
                                    "item": {"id": "c1", "type": "PROTEST"}}
    assert store.matches[1]["state"] == "delivered" and store.matches[1]["delivered_at"]


def test_a_500_then_a_200_delivers_again_with_the_same_key(receivers):
    hook = receiver(receivers, lambda _r, n: Reply(500, b"oops") if n == 0 else Reply(200))
    store = FakeDeliveries()
    store.add(1, hook.url(), secret=SECRET)
    clock = Clock()
    with deliverer(store, clock) as d:
        first = d.run_once()
        assert (first.failed, first.errors) == (1, {"http-500": 1})
        match = store.matches[1]
        assert match["state"] == "pending" and match["attempts"] == 1 and "[T650]" in match["last_error"]
        wait = datetime.fromisoformat(match["next_attempt_at"]) - T0
        assert timedelta(seconds=10) <= wait <= timedelta(seconds=15)  # the backoff, with jitter
        assert d.run_once().due == 0  # not due before its time
        clock.advance(16)
        assert d.run_once().delivered == 1
    assert [g.key for g in hook.got] == ["key-1-1", "key-1-1"]
    assert hook.got[0].body == hook.got[1].body and all(g.valid for g in hook.got)
    assert store.matches[1]["state"] == "delivered"


def test_retry_after_of_a_429_is_honoured(receivers):
    hook = receiver(receivers, lambda _r, _n: Reply(429, b"", {"Retry-After": "300"}))
    store = FakeDeliveries()
    store.add(1, hook.url(), secret=SECRET)
    with deliverer(store, Clock()) as d:
        d.run_once()
    wait = datetime.fromisoformat(store.matches[1]["next_attempt_at"]) - T0
    assert wait >= timedelta(seconds=300)  # not the 10-15 s backoff


def test_the_backoff_doubles_up_to_its_cap():
    policy = DeliveryPolicy(backoff=10.0, max_backoff=100.0)
    for attempts, low in [(1, 10.0), (2, 20.0), (3, 40.0), (4, 80.0)]:
        assert low <= policy.delay(attempts) <= min(100.0, low * 1.5)
    assert policy.delay(30) == 100.0
    assert policy.delay(1, retry_after=500.0) == 500.0


def test_after_max_attempts_a_delivery_is_dead_until_requeued(receivers):
    healthy = threading.Event()
    hook = receiver(receivers, lambda _r, _n: Reply(200) if healthy.is_set() else Reply(503, b"down"))
    store = FakeDeliveries()
    store.add(1, hook.url(), secret=SECRET)
    clock = Clock()
    with deliverer(store, clock) as d:
        for _ in range(FAST.max_attempts):
            d.run_once()
            clock.advance(FAST.max_backoff)
        assert store.matches[1]["state"] == "dead" and store.matches[1]["attempts"] == FAST.max_attempts
        assert [m["match_id"] for m in store.dead_letters()] == [1] and store.dead_letters(watch_id=2) == []
        assert d.run_once().due == 0  # a dead letter is not tried again
        store.requeue_delivery(1)
        healthy.set()
        assert d.run_once().delivered == 1
    assert len(hook.got) == FAST.max_attempts + 1 and len(set(hook.delivery_keys())) == 1


def test_a_crash_between_the_post_and_its_record_sends_it_again_with_the_same_key(receivers):
    hook = receiver(receivers)
    store = FakeDeliveries()
    store.add(1, hook.url(), secret=SECRET)
    real = store.record_delivery

    def killed(*args, **kw):  # the process dies after the receiver answered, before it is noted
        raise KeyboardInterrupt

    store.record_delivery = killed  # type: ignore[method-assign]
    with deliverer(store) as d, pytest.raises(KeyboardInterrupt):
        d.deliver(store.due_deliveries("9999")[0])
    assert store.matches[1]["state"] == "pending"
    store.record_delivery = real  # type: ignore[method-assign]
    with deliverer(store) as d:
        assert d.run_once().delivered == 1
    assert hook.delivery_keys() == ["key-1-1", "key-1-1"]


def test_redirects_are_followed_only_on_the_same_host(receivers):
    other = receiver(receivers)
    hook = receiver(receivers, lambda r, _n: Reply(307, b"", {"Location": "/moved"}) if r.path == "/hook"
                    else Reply(200))
    away = receiver(receivers, lambda _r, _n: Reply(308, b"", {"Location": other.url("/elsewhere")}))
    store = FakeDeliveries()
    store.add(1, hook.url(), secret=SECRET)
    store.add(2, away.url(), secret=SECRET)
    with deliverer(store) as d:
        report = d.run_once()
    assert (report.delivered, report.failed, report.errors) == (1, 1, {"redirect": 1})
    assert [g.path for g in hook.got] == ["/hook", "/moved"] and hook.got[1].valid
    assert other.got == [] and "[T653]" in store.matches[2]["last_error"]


def test_a_receiver_that_never_answers_times_out_and_its_other_deliveries_wait(receivers):
    release = threading.Event()
    stuck = receiver(receivers, lambda _r, _n: (release.wait(10), Reply(200))[1])
    deliveries = FakeDeliveries()
    for n in range(1, 4):
        deliveries.add(n, stuck.url(), secret=SECRET)
    try:
        with deliverer(deliveries, policy=DeliveryPolicy(timeout=0.5, connect_timeout=0.5, backoff=60.0)) as d:
            report = d.run_once()
    finally:
        release.set()
    assert (report.failed, report.postponed, report.errors) == (1, 2, {"timeout": 1})
    assert "[T651]" in deliveries.matches[1]["last_error"]
    # the receiver's other deliveries wait for a later round instead of timing out one by one
    assert [deliveries.matches[n]["attempts"] for n in (1, 2, 3)] == [1, 0, 0] and len(stuck.got) == 1


def test_a_receiver_that_never_answers_holds_up_neither_others_nor_ingestion(receivers, tmp_path: Path):
    release = threading.Event()
    stuck = receiver(receivers, lambda _r, _n: (release.wait(30), Reply(200))[1])
    fine = receiver(receivers)
    deliveries = FakeDeliveries()
    deliveries.add(1, stuck.url(), secret=SECRET)
    deliveries.add(9, fine.url(), secret=SECRET)
    site = NewsSite().start()
    try:
        site.route("/news/a", Reply(200, page("Council approves budget", "The council approved the budget on "
                                                "Monday.\n\nMembers said taxes would rise."), HTML))
        site.route("/feed.xml", Reply(200, rss([("Budget", site.url("/news/a"), "Mon, 04 Mar 2024 10:00:00 GMT")]),
                                      XML))
        policy = DeliveryPolicy(timeout=60.0, backoff=60.0, idle=0.05)
        with Store(str(tmp_path / "live.db")) as store, deliverer(deliveries, policy=policy) as d:
            d.start()
            deadline = time.monotonic() + 10
            while not (fine.got and stuck.got) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert deliveries.matches[9]["state"] == "delivered"  # while the other receiver hangs
            with Follower(store, politeness=Politeness(backoff=0.01, min_delay=0.0, timeout=5.0, retries=0),
                          analyzer=no_nlp) as follower:
                [report] = follower.run_once(follower.add([SourceSpec(site.url("/feed.xml"))]))
            assert report.added == 1 and store.counts()["articles"] == 1
            assert deliveries.matches[1]["attempts"] == 0  # the POST is still waiting for its answer
            release.set()
            deadline = time.monotonic() + 10
            while deliveries.matches[1]["state"] != "delivered" and time.monotonic() < deadline:
                time.sleep(0.02)
    finally:
        release.set()
        site.stop()
    assert deliveries.matches[1]["state"] == "delivered" and len(stuck.got) == 1
