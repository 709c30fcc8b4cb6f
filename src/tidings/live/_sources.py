"""What to follow: the sources file, and the items of a fetched feed or news sitemap."""

from __future__ import annotations

import calendar
import hashlib
import re
import xml.sax
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml

from tidings.errors import ConfigError, FetchFailed
from tidings.live._urls import canonical_url

DEFAULT_INTERVAL = 900  # seconds: a quarter of an hour
MIN_INTERVAL = 60

# Media types a feed or sitemap may come as (servers are loose about them).
LISTING_TYPES = ("xml", "rss", "atom", "text/plain", "application/octet-stream", "")
PAGE_TYPES = ("text/html", "application/xhtml+xml")

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A source to follow, as a sources file or the command line gives it.

    Attributes:
        url: an RSS or Atom feed, or a (news) sitemap.
        interval: seconds between polls.
        language: the language of its articles (ISO 639-1), when known.
        name: the publisher's name, given to articles that state none.
    """

    url: str
    interval: int = DEFAULT_INTERVAL
    language: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a feed or sitemap: the article's canonical URL and a fingerprint of the entry.

    ``published`` is its publication time (ISO-8601, UTC) when the entry gives
    one with a time of day (a date alone says too little for a lag).
    """

    url: str
    entry_hash: str
    title: str | None = None
    published: str | None = None


def parse_interval(value: Any, *, where: str = "interval") -> int:
    """Seconds from ``900``, ``"15m"``, ``"2h"``, ``"1d"``; at least a minute.

    Raises:
        ConfigError: ``[T600]`` for anything else.
    """
    match = _DURATION.match(str(value)) if not isinstance(value, bool) else None
    if match is None:
        raise ConfigError(f"[T600] {where}: invalid interval {value!r}; expected seconds or 30m, 2h, 1d")
    seconds = int(match[1]) * _UNITS[match[2]]
    if seconds < MIN_INTERVAL:
        raise ConfigError(f"[T600] {where}: the interval {value!r} is under {MIN_INTERVAL} s; "
                          "poll a source at most once a minute")
    return seconds


def check_source_url(url: str, *, where: str) -> str:
    parts = urlsplit(str(url).strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"[T600] {where}: {url!r} is not an http(s) URL of a feed or sitemap")
    return str(url).strip()


def load_sources(path: str | Path) -> list[SourceSpec]:
    """Read a sources file: a YAML list of sources (or ``{sources: [...]}``).

    Each source is a URL, or a mapping with ``url`` and optional ``interval``
    (seconds or ``30m``, ``2h``), ``language`` and ``name``.

    Raises:
        ConfigError: ``[T600]`` naming the file, the source and the field.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"[T600] {path}: cannot read the sources file: {exc.strerror or exc}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"[T600] {path}: not a YAML sources file: {exc}") from exc
    if isinstance(data, dict) and "sources" in data:
        data = data["sources"]
    if not isinstance(data, list) or not data:
        raise ConfigError(f"[T600] {path}: expected a list of sources (each a URL or a mapping with url)")
    specs = []
    for n, item in enumerate(data, 1):
        where = f"{path}: source {n}"
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict) or "url" not in item:
            raise ConfigError(f"[T600] {where}: expected a URL or a mapping with 'url'")
        unknown = set(item) - {"url", "interval", "language", "name"}
        if unknown:
            raise ConfigError(f"[T600] {where}: unknown field(s) {sorted(unknown)}; expected url, interval, "
                              "language, name")
        language = item.get("language")
        if language is not None and not re.fullmatch(r"[a-z]{2,3}", str(language)):
            raise ConfigError(f"[T600] {where} (field 'language'): expected an ISO 639-1 code such as en, "
                              f"got {language!r}")
        specs.append(SourceSpec(
            url=check_source_url(item["url"], where=where),
            interval=parse_interval(item.get("interval", DEFAULT_INTERVAL), where=f"{where} (field 'interval')"),
            language=language, name=str(item["name"]) if item.get("name") is not None else None,
        ))
    return specs


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8")).hexdigest()


def _iso_struct(value: Any) -> str | None:
    """A feedparser date (a UTC ``struct_time``) as ISO-8601."""
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC).isoformat(timespec="seconds")
    except (TypeError, ValueError, OverflowError):
        return None


def _iso_text(value: str | None) -> str | None:
    """A W3C datetime with a time of day (a news sitemap's ``publication_date``) as ISO-8601 UTC."""
    if not value or "T" not in value:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC).isoformat(timespec="seconds")


def check_type(content_type: str, accepted: Iterable[str], *, url: str, what: str) -> None:
    """Raise ``[T617]`` when a response's media type is not one of ``accepted`` (substrings)."""
    if not any(a in content_type if a else content_type == "" for a in accepted):
        raise FetchFailed(f"[T617] {url}: the {what} came as {content_type!r}, not a {what}",
                          kind="content-type")


def parse_listing(body: bytes, *, url: str) -> list[Entry]:
    """The items of a fetched RSS/Atom feed or news sitemap, each once, in document order.

    Raises:
        FetchFailed: ``[T620]`` (kind ``malformed``) when the body is neither;
            ``[T621]`` for a sitemap index.
    """
    head = body[:2048].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        found = _sitemap(body, url=url)
    else:
        found = _feed(body, url=url)
    seen: set[str] = set()
    entries = []
    for entry in found:
        if entry.url not in seen:
            seen.add(entry.url)
            entries.append(entry)
    return entries


def _feed(body: bytes, *, url: str) -> list[Entry]:
    import feedparser  # about 0.15 s: with the first feed

    parsed = feedparser.parse(body)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.entries and not parsed.get("version"):
        raise FetchFailed(f"[T620] {url}: neither an RSS or Atom feed nor a sitemap", kind="malformed")
    entries = []
    for item in parsed.entries:
        link = item.get("link") or next((li.get("href") for li in item.get("links", []) if li.get("href")), None)
        if not link:
            continue
        absolute = urljoin(url, str(link))
        if urlsplit(absolute).scheme not in ("http", "https"):
            continue
        entries.append(Entry(canonical_url(absolute), _digest(
            item.get("title"), item.get("updated"), item.get("published"), item.get("summary"),
            item.get("id")), item.get("title"),
            _iso_struct(item.get("published_parsed") or item.get("updated_parsed"))))
    if isinstance(problem, xml.sax.SAXException) and not entries:
        # A feed cut short still gives the items read before the break; one with none is an error.
        raise FetchFailed(f"[T620] {url}: malformed XML in the feed: {problem}", kind="malformed")
    return entries


def _sitemap(body: bytes, *, url: str) -> list[Entry]:
    from lxml import etree  # trafilatura's parser: already installed

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise FetchFailed(f"[T620] {url}: malformed XML in the sitemap: {exc}", kind="malformed") from exc
    if etree.QName(root).localname == "sitemapindex":
        raise FetchFailed(f"[T621] {url}: a sitemap index; follow its news sitemaps instead", kind="malformed")
    entries = []
    for node in root:
        if not isinstance(node.tag, str) or etree.QName(node).localname != "url":
            continue
        fields: dict[str, str] = {}
        for child in node.iter():
            if isinstance(child.tag, str) and child is not node and child.text and child.text.strip():
                fields.setdefault(etree.QName(child).localname, child.text.strip())
        loc = fields.get("loc")
        if not loc or urlsplit(loc).scheme not in ("http", "https"):
            continue
        entries.append(Entry(canonical_url(loc), _digest(fields.get("lastmod"), fields.get("publication_date"),
                                                          fields.get("title")), fields.get("title"),
                             _iso_text(fields.get("publication_date") or fields.get("lastmod"))))
    return entries
