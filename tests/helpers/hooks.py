"""A webhook receiver on 127.0.0.1 for the delivery tests, and an in-memory delivery store.

The receiver binds the loopback address on a free port; what it answers is a
function of the request (a :class:`helpers.live.Reply`), scripted by the test.
It keeps every POST it got: body, headers, and whether the signature verified.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpers.live import LoopbackServer, QuietHandler, Reply
from tidings.live import verify


@dataclass(frozen=True)
class Received:
    path: str
    body: bytes
    headers: dict[str, str]  # lower-case names
    valid: bool | None  # the signature verified with the receiver's secret (None: no secret)

    @property
    def key(self) -> str:
        return self.headers.get("x-tidings-delivery", "")


Answer = Callable[["Received", int], Reply]  # the request, and how many the path got before it


class Receiver(LoopbackServer):
    """A threaded HTTP server taking webhook POSTs on 127.0.0.1."""

    def __init__(self, answer: Answer | None = None, *, secret: str | None = None) -> None:
        self.answer: Answer = answer or (lambda _r, _n: Reply(200, b"ok"))
        self.secret = secret
        self.got: list[Received] = []
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        receiver = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                valid = verify(body, headers, receiver.secret) if receiver.secret is not None else None
                got = Received(self.path, body, headers, valid)
                with receiver.lock:
                    before = receiver.counts[self.path]
                    receiver.counts[self.path] += 1
                    receiver.got.append(got)
                reply = receiver.answer(got, before)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    body_out = reply.body if isinstance(reply.body, bytes) else b"".join(reply.body)
                    self.send_header("Content-Length", str(len(body_out)))
                    self.end_headers()
                    self.wfile.write(body_out)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        super().__init__(Handler)

    def url(self, path: str = "/hook") -> str:
        return self.base + path

    def delivery_keys(self) -> list[str]:
        with self.lock:
            return [g.key for g in self.got]


class FakeDeliveries:
    """The store's delivery methods over a dict (the contract's ``due_deliveries`` ... ``dead_letters``)."""

    def __init__(self) -> None:
        self.matches: dict[int, dict[str, Any]] = {}
        self.calls: list[tuple[str, int, dict[str, Any]]] = []

    def add(self, match_id: int, url: str, *, secret: str = "s3cret", watch_id: int = 1,
            item: dict[str, Any] | None = None) -> None:
        self.matches[match_id] = {
            "match_id": match_id, "watch_id": watch_id, "webhook_url": url, "secret": secret,
            "idempotency_key": f"key-{watch_id}-{match_id}", "kind": "events",
            "matched_at": "2024-03-04T10:00:00+00:00", "published": "2024-03-04T09:00:00+00:00",
            "payload": item or {"id": match_id, "type": "CONSULT"}, "attempts": 0,
            "state": "pending", "next_attempt_at": None, "last_error": None, "delivered_at": None,
        }

    def due_deliveries(self, now: str, *, limit: int = 50) -> list[dict[str, Any]]:
        due = [dict(m) for m in self.matches.values()
               if m["state"] == "pending" and (m["next_attempt_at"] is None or m["next_attempt_at"] <= now)]
        return sorted(due, key=lambda m: m["match_id"])[:limit]

    def record_delivery(self, match_id: int, *, ok: bool, at: str, error: str | None = None,
                        next_attempt_at: str | None = None, dead: bool = False) -> None:
        self.calls.append(("record", match_id, {"ok": ok, "at": at, "error": error,
                                                "next_attempt_at": next_attempt_at, "dead": dead}))
        match = self.matches[match_id]
        if ok:
            match.update(state="delivered", delivered_at=at, next_attempt_at=None)
            return
        match.update(attempts=match["attempts"] + 1, last_error=error, next_attempt_at=next_attempt_at,
                     state="dead" if dead else "pending")

    def requeue_delivery(self, match_id: int) -> None:
        self.matches[match_id].update(state="pending", attempts=0, next_attempt_at=None)

    def dead_letters(self, watch_id: int | None = None) -> list[dict[str, Any]]:
        return [dict(m) for m in self.matches.values()
                if m["state"] == "dead" and (watch_id is None or m["watch_id"] == watch_id)]
