"""Read RSS and Atom feeds: each entry one article, its full content when the feed has it."""

from __future__ import annotations

import calendar
import email.utils
import logging
import re
import xml.sax
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from tidings.errors import ParseError
from tidings.ingest._common import Draft, with_headline
from tidings.ingest._htmltext import fragment_to_text

logger = logging.getLogger(__name__)


def read_feed(text: str, *, source: str) -> Iterator[Draft | ParseError]:
    """Yield one draft per feed entry.

    Args:
        text: the decoded feed document.
        source: where it came from, for error messages.

    Yields:
        A :class:`Draft` per entry that has a title or some text, and, last, a
        ``ParseError`` (``[T106]``) when the XML is malformed after some entries
        were read.

    Raises:
        ParseError: ``[T106]`` when the XML is malformed and no entry can be read.
    """
    # feedparser (about 0.15 s) loads with the first feed, so importing this module stays cheap.
    import feedparser

    try:
        parsed = feedparser.parse(_CHARREF.sub(_charref, text))
    except (ValueError, UnicodeError, RecursionError, AttributeError, TypeError) as exc:
        # feedparser's own faults on hostile markup: the feed is reported, the run goes on.
        raise ParseError(f"[T106] {source}: the feed cannot be parsed ({type(exc).__name__}: {exc}); "
                         "check that the file is an RSS or Atom feed") from None
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    malformed = isinstance(problem, xml.sax.SAXException)
    if malformed and not parsed.entries:
        raise ParseError(f"[T106] {source}: malformed XML in the feed: {problem}; check that the file is complete")
    if not parsed.entries and not parsed.get("version"):
        raise ParseError(f"[T106] {source}: not an RSS or Atom feed (no channel or feed element)")
    channel = parsed.get("feed", {})
    sitename = _clean(channel.get("title"), channel.get("title_detail")) or None
    language = (channel.get("language") or "").split("-")[0].lower() or None
    for index, entry in enumerate(parsed.entries, start=1):
        title = _clean(entry.get("title"), entry.get("title_detail"))
        body = _content(entry)
        if not title and not body:
            logger.info("%s: feed entry %d has neither title nor text", source, index)
            continue
        headline, text = with_headline(title, body) if body else (title, title)
        yield Draft(
            text=text,
            format="feed",
            source_entry=entry.get("id") or entry.get("link") or f"entry {index}",
            headline=headline,
            published=_entry_date(entry),
            url=entry.get("link") or None,
            author=entry.get("author") or None,
            sitename=sitename,
            language=language,
        )
    if malformed:
        yield ParseError(f"[T106] {source}: malformed XML in the feed after {len(parsed.entries)} "
                         f"entries: {problem}; the entries before it were read")


_CHARREF = re.compile(r"&#(?:[xX]([0-9A-Fa-f]{1,8})|([0-9]{1,10}));")


def _charref(match: re.Match[str]) -> str:
    """A character reference to no character (a surrogate, NUL, past U+10FFFF) becomes U+FFFD's."""
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return "&#xFFFD;"
    return match.group(0)


def _clean(value: str | None, detail: dict[str, Any] | None) -> str:
    if not value:
        return ""
    kind = (detail or {}).get("type", "")
    if "html" in kind:
        return fragment_to_text(value)
    return value.strip()


def _content(entry: dict[str, Any]) -> str:
    """The longest full content of an entry, else its summary, as plain text."""
    best = ""
    for item in entry.get("content") or []:
        text = _clean(item.get("value"), item)
        if len(text) > len(best):
            best = text
    if not best:
        best = _clean(entry.get("summary"), entry.get("summary_detail"))
    return best


def _entry_date(entry: dict[str, Any]) -> str | None:
    """The entry's publication (else update) time as ISO 8601, keeping the feed's offset."""
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if not raw:
            continue
        try:
            return email.utils.parsedate_to_datetime(raw).isoformat()
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return datetime.fromisoformat(raw.strip()).isoformat()
        except ValueError:
            pass
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), UTC).isoformat()
    return None
