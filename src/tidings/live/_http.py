"""A polite, robust HTTP client for following news sources.

Polite: a ``User-Agent`` naming tidings, its version and a contact; robots.txt
honoured (fetched once per host and cached, its ``Crawl-delay`` obeyed); at
most ``per_host`` requests at once to one host, at least ``min_delay`` seconds
apart; conditional GET (``If-None-Match``, ``If-Modified-Since``), so an
unchanged feed costs a 304 and no body.

Robust: connect and read timeouts; redirects followed by hand, at most
``max_redirects``, a loop detected; bodies streamed (gzip decoded) and
abandoned once over ``max_bytes``; 429 (``Retry-After`` honoured), 5xx,
timeouts and network errors retried with exponential backoff and jitter.
Every failure is a :class:`~tidings.errors.FetchFailed` with a ``kind``.
"""

from __future__ import annotations

import email.utils
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from tidings import __version__
from tidings.errors import ConfigError, FetchFailed
from tidings.live._urls import host_key

logger = logging.getLogger(__name__)

ROBOTS_AGENT = "tidings"
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class Politeness:
    """How the client behaves towards the sites it fetches from.

    Attributes:
        contact: who to write to about this crawler (an e-mail address or URL),
            put in the ``User-Agent``; ``$TIDINGS_CONTACT`` when not given.
        timeout: seconds to wait for a response to start, and between its chunks.
        connect_timeout: seconds to wait for a connection.
        max_bytes: the largest body read (after gzip decoding); a larger one is abandoned.
        max_redirects: redirects followed per fetch.
        retries: further attempts after a 429, 5xx, timeout or network error.
        backoff: the first retry's delay in seconds; each next one doubles, plus jitter.
        max_backoff: the longest wait before a retry, ``Retry-After`` included
            (a longer ``Retry-After`` gives up for this round).
        per_host: requests at once to one host.
        min_delay: seconds between the starts of two requests to one host
            (robots.txt's ``Crawl-delay`` raises it for its host).
        robots: honour robots.txt.
        robots_ttl: seconds a host's robots.txt is kept before fetching it again.
    """

    contact: str | None = None
    timeout: float = 20.0
    connect_timeout: float = 10.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 2.0
    max_backoff: float = 120.0
    per_host: int = 2
    min_delay: float = 1.0
    robots: bool = True
    robots_ttl: float = 86400.0

    def __post_init__(self) -> None:
        for name in ("timeout", "connect_timeout", "max_bytes", "per_host"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"[T600] {name} must be positive, got {getattr(self, name)}")
        for name in ("max_redirects", "retries", "backoff", "max_backoff", "min_delay", "robots_ttl"):
            if getattr(self, name) < 0:
                raise ConfigError(f"[T600] {name} must not be negative, got {getattr(self, name)}")

    @property
    def user_agent(self) -> str:
        contact = self.contact or os.environ.get("TIDINGS_CONTACT") or "contact unset"
        return f"tidings/{__version__} (news event reader; +{contact})"


@dataclass(frozen=True, slots=True)
class Fetched:
    """One response, after redirects.

    Attributes:
        url: the URL asked for.
        final_url: where the body came from (after redirects).
        status: 200, or 304 when the validators matched (``body`` is then empty).
        body: the decoded body.
        content_type: the media type, lower-case, without parameters.
        etag, last_modified: the validators for the next conditional GET.
    """

    url: str
    final_url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class _Answer:
    """One response without its URLs (a redirect is returned as its target instead)."""

    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    problem: FetchFailed | None = None


class _Host:
    """One host's turn-taking: a semaphore for concurrency and the time of its next allowed request."""

    def __init__(self, slots: int, delay: float) -> None:
        self.slots = threading.BoundedSemaphore(slots)
        self.lock = threading.Lock()
        self.next_start = 0.0
        self.delay = delay
        self.robots_lock = threading.Lock()
        self.robots: RobotFileParser | None = None
        self.robots_until = 0.0


class Client:
    """Fetch URLs politely; thread-safe (one instance is shared by the fetching threads).

    Args:
        politeness: the settings.
        stop: when set, waits (backoff, rate limit) end early and the fetch gives up.
        transport: an httpx transport instead of the network (for tests).
    """

    def __init__(self, politeness: Politeness | None = None, *, stop: threading.Event | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.politeness = p = politeness or Politeness()
        self.stop = stop or threading.Event()
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._http = httpx.Client(
            headers={"User-Agent": p.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(p.timeout, connect=p.connect_timeout),
            follow_redirects=False, transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the public fetch --------------------------------------------------

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
              accept: str = "*/*") -> Fetched:
        """GET ``url``, following redirects, conditionally when validators are given.

        Raises:
            FetchFailed: with its ``kind``; ``[T616]`` when robots.txt disallows the URL.
        """
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen: set[str] = set()
        current = url
        for _hop in range(self.politeness.max_redirects + 1):
            _check_url(current)
            if current in seen:
                raise FetchFailed(f"[T614] {url}: redirect loop at {current}", kind="redirect-loop")
            seen.add(current)
            if self.politeness.robots and not self.allowed(current):
                raise FetchFailed(f"[T616] {current}: robots.txt of the site disallows it for {ROBOTS_AGENT}",
                                  kind="robots")
            response = self._with_retries(current, headers)
            if isinstance(response, str):  # a redirect
                current = response
                continue
            return Fetched(url=url, final_url=current, status=response.status, body=response.body,
                           content_type=response.content_type, etag=response.etag,
                           last_modified=response.last_modified, headers=response.headers)
        raise FetchFailed(f"[T613] {url}: more than {self.politeness.max_redirects} redirects",
                          kind="too-many-redirects")

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets tidings fetch it (robots.txt fetched once per host)."""
        host = self._host(url)
        with host.robots_lock:  # one fetch of robots.txt per host, however many threads ask
            if host.robots is None or time.monotonic() >= host.robots_until:
                parser, ttl = self._load_robots(url)
                host.robots, host.robots_until = parser, time.monotonic() + ttl
                delay = parser.crawl_delay(ROBOTS_AGENT)
                if delay is not None:
                    with host.lock:
                        host.delay = max(self.politeness.min_delay, float(delay))
            return host.robots.can_fetch(ROBOTS_AGENT, url)

    # -- inside ------------------------------------------------------------

    def _host(self, url: str) -> _Host:
        key = host_key(url)
        with self._hosts_lock:
            host = self._hosts.get(key)
            if host is None:
                host = self._hosts[key] = _Host(self.politeness.per_host, self.politeness.min_delay)
            return host

    def _load_robots(self, url: str) -> tuple[RobotFileParser, float]:
        """Fetch and parse a host's robots.txt (RFC 9309).

        A 4xx allows everything (401 and 403 nothing); a 5xx or an unreachable
        host allows nothing, for five minutes; up to five redirects are followed.
        """
        robots_url = urljoin(host_key(url) + "/", "/robots.txt")
        parser = RobotFileParser(robots_url)
        ttl = self.politeness.robots_ttl
        target = robots_url
        try:
            for _hop in range(6):
                _check_url(target)
                response = self._with_retries(target, {"Accept": "text/plain"}, limit=512 * 1024,
                                              raise_status=False)
                if not isinstance(response, str):
                    break
                target = response
            else:
                response = _Answer(404)  # a redirect chain: as if there were none
        except FetchFailed as exc:
            response = _Answer(503, problem=exc)
        if response.status >= 500:
            logger.warning("robots.txt of %s unavailable (%s): not fetching from it for now", host_key(url),
                           response.problem or f"HTTP {response.status}")
            parser.parse(["User-agent: *", "Disallow: /"])
            return parser, min(ttl, 300.0)
        if response.status in (401, 403):
            parser.parse(["User-agent: *", "Disallow: /"])
        elif response.status >= 300:
            parser.parse([])  # no rules: everything allowed
        else:
            parser.parse(response.body.decode("utf-8", "replace").splitlines())
        return parser, ttl

    def _wait(self, seconds: float) -> None:
        if seconds > 0 and self.stop.wait(seconds):
            raise FetchFailed("[T619] stopping: the fetch was abandoned", kind="stopped")

    def _turn(self, host: _Host) -> None:
        """Wait for the host's next allowed start, and book the one after."""
        with host.lock:
            now = time.monotonic()
            start = max(now, host.next_start)
            host.next_start = start + host.delay
        self._wait(start - now)

    def _with_retries(self, url: str, headers: dict[str, str], *, limit: int | None = None,
                      raise_status: bool = True) -> _Answer | str:
        p = self.politeness
        for attempt in range(p.retries + 1):
            try:
                return self._once(url, headers, limit or p.max_bytes, raise_status)
            except _Retry as retry:
                problem, after = retry.failure, retry.after
            if attempt == p.retries:
                raise problem
            delay = p.backoff * 2 ** attempt
            delay = min(p.max_backoff, delay + random.uniform(0, delay / 2))
            if after is not None:
                if after > p.max_backoff:
                    raise FetchFailed(f"{problem}; the server asks to wait {after:.0f} s, longer than "
                                      f"max_backoff ({p.max_backoff:.0f} s): trying next round", kind=problem.kind)
                delay = max(delay, after) if after > 0 else delay
            logger.info("%s: %s; retry %d in %.1f s", url, problem.kind, attempt + 1, delay)
            self._wait(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, url: str, headers: dict[str, str], limit: int,
              raise_status: bool) -> _Answer | str:
        """One request: the response's fields, a redirect's target, or _Retry / FetchFailed."""
        host = self._host(url)
        if self.stop.is_set():
            raise FetchFailed("[T619] stopping: the fetch was abandoned", kind="stopped")
        host.slots.acquire()
        try:
            self._turn(host)
            try:
                with self._http.stream("GET", url, headers=headers) as response:
                    return self._response(url, response, limit, raise_status)
            except httpx.TimeoutException as exc:
                raise _Retry(FetchFailed(f"[T610] {url}: timed out ({type(exc).__name__})", kind="timeout")) from exc
            except httpx.TransportError as exc:
                raise _Retry(FetchFailed(f"[T611] {url}: network error: {exc}", kind="network")) from exc
            except (httpx.HTTPError, httpx.InvalidURL, UnicodeError) as exc:  # not worth a retry
                raise FetchFailed(f"[T611] {url}: cannot fetch: {exc}", kind="network") from exc
        finally:
            host.slots.release()

    def _response(self, url: str, response: httpx.Response, limit: int,
                  raise_status: bool) -> _Answer | str:
        status = response.status_code
        if status in _REDIRECT_STATUS and response.headers.get("location"):
            return urljoin(url, response.headers["location"])
        if status in _RETRY_STATUS and raise_status:
            after = _retry_after(response.headers.get("retry-after"))
            raise _Retry(FetchFailed(f"[T612] {url}: HTTP {status}", kind=f"http-{status}"), after)
        meta: dict[str, Any] = {
            "status": status, "etag": response.headers.get("etag"),
            "last_modified": response.headers.get("last-modified"),
            "content_type": response.headers.get("content-type", "").split(";")[0].strip().lower(),
            "headers": dict(response.headers),
        }
        if status == 304:
            return _Answer(**meta)
        if not 200 <= status < 300:
            if raise_status:
                raise FetchFailed(f"[T612] {url}: HTTP {status}", kind=f"http-{status}")
            return _Answer(**meta)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit and "content-encoding" not in response.headers:
            raise FetchFailed(f"[T615] {url}: the body ({int(declared)} bytes) is over the limit of {limit} "
                              "bytes; not read", kind="too-large")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchFailed(f"[T615] {url}: the body is over the limit of {limit} bytes; "
                                      "abandoned", kind="too-large")
                chunks.append(chunk)
        except httpx.DecodingError as exc:
            raise FetchFailed(f"[T611] {url}: the body cannot be decoded: {exc}", kind="network") from exc
        return _Answer(body=b"".join(chunks), **meta)


class _Retry(Exception):
    """A failure worth another attempt, with the server's ``Retry-After`` in seconds."""

    def __init__(self, failure: FetchFailed, after: float | None = None) -> None:
        super().__init__(str(failure))
        self.failure = failure
        self.after = after


def _retry_after(value: str | None, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> float | None:
    """``Retry-After`` in seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - clock()).total_seconds())


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed(f"[T618] {url!r}: not an http(s) URL", kind="url")
