"""Read JSON Lines dumps (news-please and similar): one article per line."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import IO, Any

from tidings.errors import ConfigError, ParseError, Skipped
from tidings.ingest._common import Draft, with_headline
from tidings.ingest._decode import decode

logger = logging.getLogger(__name__)

# Where each article field is looked for, in order; news-please names first.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "text": ("maintext", "text", "content", "body", "article"),
    "published": ("date_publish", "published", "date", "published_at", "pubDate"),
    "url": ("url", "link"),
    "author": ("authors", "author", "byline"),
    "language": ("language", "lang"),
    "sitename": ("source_domain", "sitename", "publisher", "source"),
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
        yield _draft(record, where=where, lineno=lineno, fields=fields)


_MISSING = object()


def _lookup(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value: Any = record
        for part in key.split("."):
            if not isinstance(value, dict) or part not in value:
                value = _MISSING
                break
            value = value[part]
        if value is not _MISSING:
            return value
    return _MISSING


def _text(value: Any) -> str | None:
    if value is _MISSING or value is None:
        return None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v)
    value = str(value).strip()
    return value or None


def _draft(record: dict[str, Any], *, where: str, lineno: int,
           fields: Mapping[str, tuple[str, ...]]) -> Draft | ParseError | Skipped:
    raw_text = _lookup(record, fields["text"])
    if raw_text is _MISSING:
        return ParseError(
            f"[T112] {where}: no text field (looked for {', '.join(fields['text'])}); "
            "name it with --field text=KEY"
        )
    body = _text(raw_text)
    title = _text(_lookup(record, fields["title"]))
    if not body:
        return Skipped(source=where, reason="no-text", detail="the record's text is empty")
    headline, text = with_headline(title, body)
    entry = _text(_lookup(record, fields["entry"])) if fields["entry"] else None
    return Draft(
        text=text,
        format="jsonl",
        source_entry=entry or f"line {lineno}",
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
