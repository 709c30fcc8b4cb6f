"""Webhooks: deliver each new match of a watch as a signed JSON POST, at least once.

The wire format (``docs/live.md``, "Webhooks"): a JSON body
``{"watch", "kind", "idempotency_key", "matched_at", "item"}`` and the headers
``X-Tidings-Delivery`` (the idempotency key, the same on every attempt),
``X-Tidings-Timestamp`` (unix seconds of this attempt) and
``X-Tidings-Signature: sha256=HEX``, the HMAC-SHA256 with the watch's secret of
``f"{timestamp}.".encode() + body``. :func:`sign` makes the headers,
:func:`verify` checks them as a receiver should.

The :class:`Deliverer` takes due deliveries from the store, POSTs them, and
records each outcome only after the receiver answered: a process killed
between the POST and the record sends the same delivery again (same key) on
its next start, never loses one. A failure is tried again after an
exponential backoff with jitter (a 429's or 503's ``Retry-After`` honoured);
after ``max_attempts`` the delivery is dead (a dead letter, ``tidings watch
dead-letters``) until requeued. Deliveries run on their own threads, a few
receivers at once, so a slow or dead receiver never holds up ingestion.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import httpx

from tidings.errors import ConfigError
from tidings.live._http import Politeness, _retry_after

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Tidings-Signature"
TIMESTAMP_HEADER = "X-Tidings-Timestamp"
DELIVERY_HEADER = "X-Tidings-Delivery"
_FOLLOWED = frozenset({307, 308})  # redirects that keep the POST and its body
_MAX_HOPS = 3
_MAX_ANSWER = 64 * 1024  # bytes of a receiver's answer kept (for the error message)

Event = Callable[[str, dict[str, Any]], None]


class DeliveryStore(Protocol):
    """What the deliverer needs of the store (:class:`tidings.store.Store` has it)."""

    def due_deliveries(self, now: str, *, limit: int = 50) -> list[dict[str, Any]]: ...

    def record_delivery(self, match_id: int, *, ok: bool, at: str, error: str | None = None,
                        next_attempt_at: str | None = None, dead: bool = False) -> None: ...

    def requeue_delivery(self, match_id: int) -> None: ...

    def dead_letters(self, watch_id: int | None = None) -> list[dict[str, Any]]: ...


# -- the signature ----------------------------------------------------------------


def signature(body: bytes, secret: str, timestamp: int) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``f"{timestamp}."`` and the body, keyed by the secret."""
    mac = hmac.new(secret.encode("utf-8"), f"{int(timestamp)}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def sign(body: bytes, secret: str, timestamp: int, *, delivery: str | None = None) -> dict[str, str]:
    """The headers of a webhook POST of ``body`` (``delivery``: its idempotency key, when given).

    Example:
        >>> sign(b'{}', "s3cret", 1700000000)[SIGNATURE_HEADER][:15]
        'sha256=97926816'
    """
    headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: str(int(timestamp)),
               SIGNATURE_HEADER: signature(body, secret, timestamp)}
    if delivery is not None:
        headers[DELIVERY_HEADER] = delivery
    return headers


def verify(body: bytes, headers: Mapping[str, str], secret: str, *, tolerance: int = 300,
           now: float | None = None) -> bool:
    """Whether a webhook POST is genuine and fresh: signed with ``secret`` at most ``tolerance`` s ago.

    ``headers`` are looked up without regard to case. A timestamp more than
    ``tolerance`` seconds away from ``now`` (either way) is refused, so a
    captured request cannot be replayed later; a receiver also keeps the
    ``X-Tidings-Delivery`` keys it has handled, to drop repeated deliveries.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    stamp = lowered.get(TIMESTAMP_HEADER.lower(), "")
    given = lowered.get(SIGNATURE_HEADER.lower(), "")
    try:
        timestamp = int(stamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(body, secret, timestamp).encode(), given.strip().encode())


def body_of(delivery: Mapping[str, Any]) -> bytes:
    """The JSON body of a due delivery (the same bytes on every attempt)."""
    item = delivery.get("payload")
    if isinstance(item, str | bytes):
        item = json.loads(item)
    kind = delivery.get("kind") or (item.get("kind") if isinstance(item, dict) else None)
    document = {"watch": delivery["watch_id"], "kind": kind, "idempotency_key": delivery["idempotency_key"],
                "matched_at": delivery.get("matched_at"), "item": item}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


# -- the deliverer ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How webhooks are delivered.

    Attributes:
        timeout: seconds to wait for the receiver's answer to start, and between its chunks.
        connect_timeout: seconds to wait for a connection.
        max_attempts: attempts before a delivery is dead (a dead letter).
        backoff: seconds before the first retry; each next one doubles, plus up to half again of jitter.
        max_backoff: the longest wait between two attempts (a ``Retry-After`` may ask for more,
            up to a day).
        receivers: receivers (hosts) delivered to at once; one receiver's deliveries go one at a time.
        batch: deliveries taken from the store per round.
        idle: seconds between two looks at the store when nothing was due.
    """

    timeout: float = 10.0
    connect_timeout: float = 5.0
    max_attempts: int = 8
    backoff: float = 30.0
    max_backoff: float = 3600.0
    receivers: int = 4
    batch: int = 50
    idle: float = 2.0

    def __post_init__(self) -> None:
        for name in ("timeout", "connect_timeout", "max_attempts", "receivers", "batch"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"[T654] {name} must be positive, got {getattr(self, name)}")
        for name in ("backoff", "max_backoff", "idle"):
            if getattr(self, name) < 0:
                raise ConfigError(f"[T654] {name} must not be negative, got {getattr(self, name)}")

    def delay(self, attempts: int, retry_after: float | None = None) -> float:
        """Seconds before the next attempt, after ``attempts`` failed ones."""
        base = min(self.max_backoff, self.backoff * 2 ** max(0, attempts - 1))
        delay = min(self.max_backoff, base + random.uniform(0, base / 2))
        if retry_after is not None:
            delay = max(delay, min(retry_after, 86400.0))
        return delay


@dataclass
class DeliveryReport:
    """What one round of deliveries did."""

    due: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    postponed: int = 0  # not tried: their receiver had just failed in this round
    errors: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Outcome:
    ok: bool
    kind: str = "ok"  # ok, http-500, timeout, network, redirect
    error: str | None = None
    retry_after: float | None = None
    status: int | None = None


class Deliverer:
    """Deliver due webhook matches from the store; :meth:`start` runs it on a thread of its own.

    Args:
        store: where the due deliveries are, and where their outcomes go (a
            :class:`DeliveryStore`; :class:`tidings.store.Store` is one).
        policy: timeouts, retries, concurrency.
        politeness: gives the ``User-Agent`` (the follower's, with its contact).
        stop: set it to stop (a signal handler does); an answer being awaited
            is awaited, and recorded, at most ``policy.timeout`` longer.
        on_event: called with ``(kind, details)`` for each delivery (``delivered``, ``failed``, ``dead``).
        transport: an httpx transport instead of the network (for tests).
        clock: the current time, for scheduling (for tests; a signature's timestamp is always the real time).
    """

    def __init__(self, store: DeliveryStore, *, policy: DeliveryPolicy | None = None,
                 politeness: Politeness | None = None, stop: threading.Event | None = None,
                 on_event: Event | None = None, transport: httpx.BaseTransport | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.store = store
        self.policy = p = policy or DeliveryPolicy()
        self.stop = stop or threading.Event()
        self.on_event = on_event
        self.clock = clock
        self.user_agent = (politeness or Politeness()).user_agent
        self._http = httpx.Client(headers={"User-Agent": self.user_agent},
                                  timeout=httpx.Timeout(p.timeout, connect=p.connect_timeout),
                                  follow_redirects=False, transport=transport)
        self._pool = ThreadPoolExecutor(max_workers=p.receivers, thread_name_prefix="tidings-webhook")
        self._thread: threading.Thread | None = None
        self._store_lock = threading.Lock()

    # -- running -----------------------------------------------------------

    def start(self) -> Deliverer:
        """Deliver on a thread of its own until :attr:`stop` is set (see :meth:`run`)."""
        self._thread = threading.Thread(target=self.run, name="tidings-deliverer", daemon=True)
        self._thread.start()
        return self

    def run(self) -> None:
        """Deliver rounds until :attr:`stop` is set; between rounds with nothing due, wait ``policy.idle``."""
        while not self.stop.is_set():
            try:
                report = self.run_once()
            except Exception:  # the store unreachable for a moment: log and go on
                logger.exception("webhook deliveries: a round failed")
                report = DeliveryReport()
            if report.due == 0 or (report.delivered == 0 and report.postponed == 0):
                self.stop.wait(self.policy.idle)

    def close(self, timeout: float | None = None) -> None:
        """Stop, wait for the answers being awaited (recorded), and free the connections."""
        self.stop.set()
        if self._thread is not None:
            self._thread.join(self.policy.timeout + self.policy.connect_timeout + 5.0
                              if timeout is None else timeout)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._http.close()

    def __enter__(self) -> Deliverer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one round ---------------------------------------------------------

    def run_once(self) -> DeliveryReport:
        """Deliver what is due now: each receiver's deliveries in order, a few receivers at once.

        When a delivery to a receiver fails, that receiver's other deliveries
        wait for the next round (they are not counted as attempts), so a dead
        receiver costs one timeout per round, not one per delivery.
        """
        report = DeliveryReport()
        with self._store_lock:
            due = self.store.due_deliveries(_iso(self.clock()), limit=self.policy.batch)
        report.due = len(due)
        by_receiver: dict[str, list[dict[str, Any]]] = {}
        for delivery in due:
            by_receiver.setdefault(_receiver(str(delivery["webhook_url"])), []).append(delivery)
        futures: set[Future[None]] = {self._pool.submit(self._receiver_round, items, report)
                                      for items in by_receiver.values()}
        while futures:
            done, futures = wait(futures, return_when=FIRST_COMPLETED)
            for future in done:
                future.result()
        return report

    def _receiver_round(self, deliveries: list[dict[str, Any]], report: DeliveryReport) -> None:
        for n, delivery in enumerate(deliveries):
            if self.stop.is_set():
                return
            if not self.deliver(delivery, report):
                with self._store_lock:
                    report.postponed += len(deliveries) - n - 1
                return

    def deliver(self, delivery: Mapping[str, Any], report: DeliveryReport | None = None) -> bool:
        """POST one delivery and record its outcome; whether the receiver took it."""
        report = report if report is not None else DeliveryReport()
        outcome = self._post(delivery)
        at = self.clock()
        match_id = delivery["match_id"]
        if outcome.ok:
            with self._store_lock:
                self.store.record_delivery(match_id, ok=True, at=_iso(at))
                report.delivered += 1
            self._event("delivered", delivery, status=outcome.status)
            return True
        attempts = int(delivery.get("attempts") or 0) + 1
        if attempts >= self.policy.max_attempts:
            with self._store_lock:
                self.store.record_delivery(match_id, ok=False, at=_iso(at), error=outcome.error, dead=True)
                report.dead += 1
                report.errors[outcome.kind] = report.errors.get(outcome.kind, 0) + 1
            self._event("dead", delivery, error=outcome.error, attempts=attempts)
            return False
        later = at + timedelta(seconds=self.policy.delay(attempts, outcome.retry_after))
        with self._store_lock:
            self.store.record_delivery(match_id, ok=False, at=_iso(at), error=outcome.error,
                                       next_attempt_at=_iso(later))
            report.failed += 1
            report.errors[outcome.kind] = report.errors.get(outcome.kind, 0) + 1
        self._event("failed", delivery, error=outcome.error, attempts=attempts, next_attempt_at=_iso(later))
        return False

    def _post(self, delivery: Mapping[str, Any]) -> _Outcome:
        url = str(delivery["webhook_url"])
        body = body_of(delivery)
        headers = sign(body, str(delivery["secret"] or ""), int(time.time()),
                       delivery=str(delivery["idempotency_key"]))
        target = url
        try:
            for _hop in range(_MAX_HOPS + 1):
                parts = urlsplit(target)
                if parts.scheme not in ("http", "https") or not parts.hostname:
                    return _Outcome(False, "url", f"[T653] {target!r}: not an http(s) URL")
                with self._http.stream("POST", target, content=body, headers=headers) as response:
                    status = response.status_code
                    answer = _read_some(response)
                    if 200 <= status < 300:
                        return _Outcome(True, status=status)
                    location = response.headers.get("location")
                    if status in _FOLLOWED and location:
                        following = urljoin(target, location)
                        if _receiver(following) != _receiver(url):
                            return _Outcome(False, "redirect", f"[T653] {url}: redirected to another host "
                                                               f"({_receiver(following)}): not followed")
                        target = following
                        continue
                    after = _retry_after(response.headers.get("retry-after")) if status in (429, 503) else None
                    detail = answer.decode("utf-8", "replace").strip().splitlines()[:1]
                    return _Outcome(False, f"http-{status}", f"[T650] {target}: HTTP {status}"
                                    + (f": {detail[0][:200]}" if detail else ""), after, status)
            return _Outcome(False, "redirect", f"[T653] {url}: more than {_MAX_HOPS} redirects")
        except httpx.TimeoutException as exc:
            return _Outcome(False, "timeout", f"[T651] {target}: no answer in time ({type(exc).__name__})")
        except (httpx.HTTPError, httpx.InvalidURL, UnicodeError) as exc:
            return _Outcome(False, "network", f"[T652] {target}: network error: {exc}")

    def _event(self, what: str, delivery: Mapping[str, Any], **details: Any) -> None:
        if self.on_event is not None:
            self.on_event(what, {"match_id": delivery["match_id"], "watch_id": delivery["watch_id"],
                                 "url": delivery["webhook_url"], "key": delivery["idempotency_key"], **details})


def _read_some(response: httpx.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= _MAX_ANSWER:
            break
    return b"".join(chunks)


def _receiver(url: str) -> str:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{port or ''}"


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds")
