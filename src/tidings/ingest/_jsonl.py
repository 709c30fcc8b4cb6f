"""Read JSON article dumps (news-please and similar), whichever way they are laid out.

Three layouts are told apart by content, not by the file name:

* JSON Lines: one article object per line (a bad line is reported and the
  others are read);
* one JSON document: a single article object, pretty-printed or not (as
  news-please writes one ``.json`` file per article), an array of article
  objects, or several such values one after another;
* anything else is not JSON, and is reported once for the whole input.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import IO, Any

from tidings.errors import ConfigError, ParseError, Skipped
from tidings.ingest._common import Draft, with_headline
from tidings.ingest._decode import decode

logger = logging.getLogger(__name__)

# Where each article field is looked for, in order; news-please names first.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "title_page", "title_rss"),
    "text": ("maintext", "text", "content", "body", "article"),
    "published": ("date_publish", "published", "date", "published_at", "pubDate"),
    "url": ("url", "link"),
    "author": ("authors", "author", "byline"),
    "language": ("language", "lang"),
    "sitename": ("source_domain", "sitename", "publisher", "source"),
    "description": ("description", "summary", "lead"),
    "entry": (),
}
_CHUNK = 1 << 20


def field_map(pairs: tuple[str, ...] | list[str]) -> dict[str, tuple[str, ...]]:
    """Build the field mapping from ``name=key`` pairs given on the command line.

    Args:
        pairs: e.g. ``["text=body", "published=meta.date"]``; a dotted key reaches
            into nested objects.

    Returns:
        The default mapping with the given names pointing at the given keys only.

    Raises:
        ConfigError: ``[T120]`` for a pair that is not ``name=key`` or an unknown name.
    """
    mapping = dict(DEFAULT_FIELDS)
    for pair in pairs:
        name, sep, key = pair.partition("=")
        name, key = name.strip(), key.strip()
        if not sep or not key or name not in DEFAULT_FIELDS:
            raise ConfigError(
                f"[T120] invalid --field {pair!r}: expected NAME=KEY with NAME one of "
                f"{sorted(DEFAULT_FIELDS)}, e.g. --field text=body"
            )
        mapping[name] = (key,)
    return mapping


_HEAD = 64 * 1024
_JSON_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*")
_LAYOUT_HINT = (
    "expected one JSON object (an article), an array of objects, or one object per line (JSON Lines)"
)


def read_json(stream: IO[bytes], *, source: str, fields: Mapping[str, tuple[str, ...]],
              max_bytes: int) -> Iterator[Draft | ParseError | Skipped]:
    """Yield the articles of a JSON input: JSON Lines, one object, or an array of objects.

    The layout is told from the content. When the first line holds a whole JSON
    object (or is too long to look at) the input is read as JSON Lines, line by
    line. Otherwise it is read as one document, up to ``max_bytes``: an object
    is one article, an array gives one article per object (``item N``), and
    values written one after another are read in turn. A document that is not
    JSON gives one ``[T109]`` error naming where it breaks, unless its other
    lines are JSON objects (JSON Lines whose first line is broken), which are
    then read line by line.

    Args:
        stream: the (decompressed) bytes; buffered, so that its start can be peeked at.
        source: where they came from, for messages.
        fields: where to find each article field (see :func:`field_map`).
        max_bytes: the largest line (JSON Lines) or document accepted.

    Yields:
        Drafts, and errors or skips for items that hold no article.
    """
    buffered: io.BufferedReader = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(
        stream, buffer_size=_HEAD)  # type: ignore[arg-type]
    head = buffered.peek(_HEAD)[:_HEAD]
    start = head[_JSON_START.match(head).end():]  # type: ignore[union-attr]
    if _line_layout(start):
        yield from read_jsonl(buffered, source=source, fields=fields, max_bytes=max_bytes)
        return
    data = buffered.read(max_bytes + 1)
    if len(data) > max_bytes:
        yield ParseError(f"[T102] {source}: the JSON document is over the limit of {max_bytes} bytes; "
                         "raise it with --max-bytes, or write one article per line (JSON Lines)")
        return
    try:
        text = decode(data, source=source, declared=False)
    except ParseError as exc:
        yield exc
        return
    values, error = _json_values(text)
    if error is not None and not values and _has_object_line(text):
        yield from read_jsonl(io.BufferedReader(io.BytesIO(data)), source=source, fields=fields,
                              max_bytes=max_bytes)
        return
    items: list[Any] = []
    for value in values:
        items.extend(value if isinstance(value, list) else [value])
    numbered = len(items) > 1 or any(isinstance(value, list) for value in values)
    for index, item in enumerate(items, 1):
        where = f"{source} item {index}" if numbered else source
        if not isinstance(item, dict):
            yield ParseError(f"[T109] {where}: expected a JSON object (an article), got {type(item).__name__}")
            continue
        yield _draft(item, where=where, entry=f"item {index}" if numbered else None, fields=fields)
    if error is not None:
        read = f" after {len(items)} item(s)" if items else ""
        yield ParseError(f"[T109] {source}: invalid JSON{read}: {error}; {_LAYOUT_HINT}")
    elif not items:
        yield ParseError(f"[T101] {source}: the JSON holds no article (an empty array)")


def _line_layout(start: bytes) -> bool:
    """Whether an input starting with ``start`` is JSON Lines (its first line a whole object)."""
    if not start.startswith(b"{"):
        return False
    line, newline, _ = start.partition(b"\n")
    if not newline:
        return True  # one line longer than the look-ahead, or a one-line file: the line reader judges
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _json_values(text: str) -> tuple[list[Any], str | None]:
    """Parse the JSON values in ``text`` one after another; the error where parsing stops, if any."""
    decoder = json.JSONDecoder()
    values: list[Any] = []
    pos = 0
    end = len(text)
    while True:
        while pos < end and text[pos] in " \t\r\n\ufeff":
            pos += 1
        if pos >= end:
            break
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            return values, f"{exc.msg} at line {exc.lineno} column {exc.colno}"
        values.append(value)
    if not values:
        return values, "no JSON value"
    return values, None


def _has_object_line(text: str) -> bool:
    """Whether a line after the first holds a whole JSON object (JSON Lines with a broken first line)."""
    for line in text.splitlines()[1:50]:
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                if isinstance(json.loads(line), dict):
                    return True
            except ValueError:
                continue
    return False


def read_jsonl(stream: IO[bytes], *, source: str, fields: Mapping[str, tuple[str, ...]],
               max_bytes: int) -> Iterator[Draft | ParseError | Skipped]:
    """Yield one draft per line of a JSON Lines stream, read line by line.

    A bad line is yielded as a ``ParseError`` naming it, and reading goes on.

    Args:
        stream: the (decompressed) bytes.
        source: where they came from, for messages.
        fields: where to find each article field (see :func:`field_map`).
        max_bytes: the largest line accepted.

    Yields:
        Drafts, and errors or skips for lines that hold no article.
    """
    lineno = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        lineno += 1
        where = f"{source} line {lineno}"
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while chunk := stream.readline(_CHUNK):
                if chunk.endswith(b"\n"):
                    break
            yield ParseError(f"[T102] {where}: the line is over the limit of {max_bytes} bytes; "
                             "raise it with --max-bytes")
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(decode(line, source=where, declared=False))
        except ParseError as exc:
            yield exc
            continue
        except ValueError as exc:
            yield ParseError(f"[T109] {where}: invalid JSON: {exc}; each line must be one JSON object")
            continue
        if not isinstance(record, dict):
            yield ParseError(f"[T109] {where}: expected a JSON object, got {type(record).__name__}")
            continue
        yield _draft(record, where=where, entry=f"line {lineno}", fields=fields)


_MISSING = object()


def _lookup(record: dict[str, Any], keys: tuple[str, ...], *, skip_null: bool = True) -> Any:
    """The value of the first key present (and, with ``skip_null``, not null); dotted keys reach into objects."""
    for key in keys:
        value: Any = record
        for part in key.split("."):
            if not isinstance(value, dict) or part not in value:
                value = _MISSING
                break
            value = value[part]
        if value is not _MISSING and not (skip_null and value is None):
            return value
    return _MISSING


def _text(value: Any) -> str | None:
    if value is _MISSING or value is None:
        return None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v)
    value = str(value).strip()
    return value or None


def _draft(record: dict[str, Any], *, where: str, entry: str | None,
           fields: Mapping[str, tuple[str, ...]]) -> Draft | ParseError | Skipped:
    raw_text = _lookup(record, fields["text"])
    description = _text(_lookup(record, fields["description"]))
    if raw_text is _MISSING and description is None and _lookup(record, fields["text"], skip_null=False) is _MISSING:
        return ParseError(
            f"[T112] {where}: no text field (looked for {', '.join(fields['text'])}); "
            "name it with --field text=KEY"
        )
    # The description (news-please's lead or standfirst) stands in when there is no main text.
    body = _text(raw_text) or description
    title = _text(_lookup(record, fields["title"]))
    if not body:
        return Skipped(source=where, reason="no-text", detail="the record's text is empty")
    headline, text = with_headline(title, body)
    named = _text(_lookup(record, fields["entry"])) if fields["entry"] else None
    return Draft(
        text=text,
        format="jsonl",
        source_entry=named or entry,
        headline=headline,
        published=iso_datetime(_lookup(record, fields["published"])),
        url=_text(_lookup(record, fields["url"])),
        author=_text(_lookup(record, fields["author"])),
        sitename=_text(_lookup(record, fields["sitename"])),
        language=_text(_lookup(record, fields["language"])),
    )


def iso_datetime(value: Any) -> str | None:
    """Normalise a date from a dump (ISO text, ``YYYY-MM-DD hh:mm:ss``, epoch seconds) to ISO 8601."""
    if value is _MISSING or value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(seconds, UTC).isoformat()
    raw = str(value).strip()
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        from tidings.ingest._dates import parse_date

        return parse_date(raw)
    if len(raw) == 10:
        return parsed.date().isoformat()
    return parsed.isoformat()
