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
import math
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import IO, Any

from tidings.errors import ConfigError, ParseError, Skipped
from tidings.ingest._common import Draft, scrub, with_headline
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
# The deepest nesting of arrays and objects read; article records are a few levels
# deep, and a deeper line would exhaust the parser's recursion.
MAX_DEPTH = 64
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


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
    values, error = _parse_document(text)
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
    if too_deep(line.decode("utf-8", "replace")):
        return True  # a line reader's case: it reports the line
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON ``text`` nests arrays and objects more than ``limit`` deep (a cheap scan, strings left out)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _BRACKETS.finditer(_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > limit:
            return True
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
        except RecursionError:
            return values, f"arrays or objects nested more than {MAX_DEPTH} deep"
        values.append(value)
    if not values:
        return values, "no JSON value"
    return values, None


def _parse_document(text: str) -> tuple[list[Any], str | None]:
    if too_deep(text):
        return [], f"arrays or objects nested more than {MAX_DEPTH} deep"
    return _json_values(text)


def _has_object_line(text: str) -> bool:
    """Whether a line after the first holds a whole JSON object (JSON Lines with a broken first line)."""
    for line in text.splitlines()[1:50]:
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                if not too_deep(line) and isinstance(json.loads(line), dict):
                    return True
            except (ValueError, RecursionError):
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
        yield _line(line, where=where, entry=f"line {lineno}", fields=fields)


def _line(line: bytes, *, where: str, entry: str,
          fields: Mapping[str, tuple[str, ...]]) -> Draft | ParseError | Skipped:
    """The draft (or the error or skip) of one JSON Lines line; nothing a line holds escapes it."""
    try:
        text = decode(line, source=where, declared=False)
        if too_deep(text):
            return ParseError(f"[T109] {where}: invalid JSON: arrays or objects nested more than {MAX_DEPTH} "
                              "deep; each line must be one article object")
        record = json.loads(text)
    except ParseError as exc:
        return exc
    except (ValueError, RecursionError) as exc:
        return ParseError(f"[T109] {where}: invalid JSON: {exc}; each line must be one JSON object")
    if not isinstance(record, dict):
        return ParseError(f"[T109] {where}: expected a JSON object, got {type(record).__name__}")
    return _draft(record, where=where, entry=entry, fields=fields)


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


class _FieldError(ValueError):
    """A record's field holds a value of the wrong kind (an object for a title, a date out of range)."""


def _scalar(value: Any) -> str:
    if isinstance(value, (dict, list)):
        raise _FieldError(f"a JSON {'object' if isinstance(value, dict) else 'array'} where text was expected")
    if isinstance(value, float) and not math.isfinite(value):
        raise _FieldError(f"{value} where text was expected")
    return scrub(str(value))


def _text(value: Any) -> str | None:
    """A field's text: a string, a number, or a list of them (several authors); lone surrogates replaced."""
    if value is _MISSING or value is None:
        return None
    if isinstance(value, list):
        value = ", ".join(_scalar(v) for v in value if v)
    value = _scalar(value).strip()
    return value or None


def _draft(record: dict[str, Any], *, where: str, entry: str | None,
           fields: Mapping[str, tuple[str, ...]]) -> Draft | ParseError | Skipped:
    try:
        return _fields(record, where=where, entry=entry, fields=fields)
    except _FieldError as exc:
        field = exc.args[1] if len(exc.args) > 1 else "a field"
        return ParseError(f"[T113] {where}: invalid {field}: {exc.args[0]}; the record is left out")


def _field(record: dict[str, Any], name: str, fields: Mapping[str, tuple[str, ...]]) -> str | None:
    try:
        return _text(_lookup(record, fields[name]))
    except _FieldError as exc:
        raise _FieldError(exc.args[0], _field_name(record, name, fields)) from None


def _field_name(record: dict[str, Any], name: str, fields: Mapping[str, tuple[str, ...]]) -> str:
    """The key the record uses for field ``name``, for messages."""
    for key in fields[name]:
        if key.split(".")[0] in record:
            return repr(key)
    return name


def _fields(record: dict[str, Any], *, where: str, entry: str | None,
            fields: Mapping[str, tuple[str, ...]]) -> Draft | ParseError | Skipped:
    raw_text = _lookup(record, fields["text"])
    description = _field(record, "description", fields)
    if raw_text is _MISSING and description is None and _lookup(record, fields["text"], skip_null=False) is _MISSING:
        return ParseError(
            f"[T112] {where}: no text field (looked for {', '.join(fields['text'])}); "
            "name it with --field text=KEY"
        )
    # The description (news-please's lead or standfirst) stands in when there is no main text.
    body = _field(record, "text", fields) or description
    title = _field(record, "title", fields)
    if not body:
        return Skipped(source=where, reason="no-text", detail="the record's text is empty")
    headline, text = with_headline(title, body)
    named = _field(record, "entry", fields) if fields["entry"] else None
    try:
        published = iso_datetime(_lookup(record, fields["published"]))
    except ValueError as exc:
        raise _FieldError(str(exc), _field_name(record, "published", fields)) from None
    return Draft(
        text=text,
        format="jsonl",
        source_entry=named or entry,
        headline=headline,
        published=published,
        url=_field(record, "url", fields),
        author=_field(record, "author", fields),
        sitename=_field(record, "sitename", fields),
        language=_field(record, "language", fields),
    )


def iso_datetime(value: Any) -> str | None:
    """Normalise a date from a dump (ISO text, ``YYYY-MM-DD hh:mm:ss``, epoch seconds) to ISO 8601.

    Raises:
        ValueError: for a number that is no time (NaN, infinite, out of the years 1-9999)
            or a value that is not text or a number.
    """
    if value is _MISSING or value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a time")
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"{value} is out of the range of times (epoch seconds or milliseconds)") from None
    if isinstance(value, (dict, list)):
        raise ValueError(f"a JSON {'object' if isinstance(value, dict) else 'array'} where a date was expected")
    raw = scrub(str(value)).strip()
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        from tidings.ingest._dates import parse_date

        return parse_date(raw)
    if len(raw) == 10:
        return parsed.date().isoformat()
    return parsed.isoformat()
