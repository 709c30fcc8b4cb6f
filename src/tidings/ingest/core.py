"""Dispatch inputs to format readers, stream the articles, report bad items without stopping.

Everything is a generator: inputs are opened one at a time and dumps (JSONL)
and archives (WARC) are read record by record, so a batch can start work on
the first article of a large input at once.
"""

from __future__ import annotations

import gzip
import io
import logging
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from tidings.errors import ConfigError, FetchError, IngestError, ParseError, Skipped
from tidings.ingest._common import Draft, scrub
from tidings.ingest._dates import url_date
from tidings.ingest._decode import bom_encoding, decode
from tidings.ingest._language import settle_language
from tidings.ingest._patterns import ReadingPatterns, load_patterns
from tidings.ingest._sniff import FORMATS, sniff
from tidings.ingest.structure import find_structure
from tidings.records import NON_STORY_KINDS, Article

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_HEAD = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_STEP = 4096
# Stable short reasons for failures, by error code.
REASONS = {
    "T100": "unreadable", "T101": "empty", "T102": "too-large", "T103": "undecodable",
    "T104": "binary", "T105": "malformed-html", "T106": "malformed-xml", "T107": "truncated",
    "T108": "truncated", "T109": "invalid-json", "T110": "no-text", "T112": "missing-field",
    "T113": "invalid-field",
    "T199": "internal",
}


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read inputs.

    Attributes:
        format: ``auto`` (sniff the content) or one of ``text``, ``html``,
            ``feed``, ``jsonl``, ``warc``.
        published: the publication date (ISO) to use when the source states none.
        max_bytes: the largest input (a record, for JSONL and WARC) accepted.
        allow_languages: the languages to read; others are skipped. None reads any.
        fields: ``name=key`` pairs telling where JSONL records keep each field.
        data_dir: a directory of reading data files replacing the shipped ones.

    Raises:
        ConfigError: ``[T120]`` for an invalid value.
    """

    format: str = "auto"
    published: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    allow_languages: tuple[str, ...] | None = ("en",)
    fields: tuple[str, ...] = ()
    data_dir: str | None = None

    def __post_init__(self) -> None:
        if self.format != "auto" and self.format not in FORMATS:
            raise ConfigError(f"[T120] unknown format {self.format!r}; expected auto or one of {list(FORMATS)}")
        if self.max_bytes <= 0:
            raise ConfigError(f"[T120] the size limit must be positive, got {self.max_bytes}")
        if self.published is not None and not _is_iso(self.published):
            raise ConfigError(f"[T120] invalid publication date {self.published!r}; expected YYYY-MM-DD")
        if self.data_dir is not None and not os.path.isdir(self.data_dir):
            raise ConfigError(f"[T120] the reading data directory {self.data_dir!r} does not exist")
        from tidings.ingest._jsonl import field_map

        field_map(self.fields)  # validates the pairs


def _is_iso(value: str) -> bool:
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Failure:
    """An input (or an item within it) that could not be read.

    Attributes:
        source: the input, and the entry within it when only that entry failed.
        reason: a short stable reason (``empty``, ``binary``, ``truncated``...).
        message: one line for people, starting with the error code.
    """

    source: str
    reason: str
    message: str


def _failure(source: str, exc: IngestError) -> Failure:
    return Failure(source=source, reason=REASONS.get(exc.code or "", "invalid"), message=str(exc))


def read_text(text: str, *, source_path: str = "-", options: ReadOptions | None = None) -> Article:
    """Read one plain-text article; the text is kept exactly.

    The language is detected and recorded but never causes a skip here.

    Args:
        text: the article text.
        source_path: where it came from.
        options: reading options (``published`` and ``data_dir`` apply).

    Returns:
        The article with its structure.
    """
    options = options or ReadOptions()
    item = _finish(Draft(text=text, format="text"), source_path, options, load_patterns(options.data_dir),
                   allowed=None)
    if isinstance(item, Skipped):  # pragma: no cover - allowed=None never skips
        raise ParseError(f"[T111] {source_path}: {item.detail}")
    return item


def read_bytes(data: bytes, *, source_path: str = "-",
               options: ReadOptions | None = None) -> Iterator[Article | Failure | Skipped]:
    """Read the articles in the bytes of one input.

    Args:
        data: the raw input (possibly gzipped).
        source_path: where it came from (its extension is a format hint).
        options: reading options.

    Yields:
        Articles, and a :class:`Failure` or :class:`~tidings.errors.Skipped` for
        each item that yields none.
    """
    yield from _guarded(io.BufferedReader(io.BytesIO(data)), source_path, options or ReadOptions())


def iter_inputs(paths: Iterable[str]) -> Iterator[str]:
    """Expand directories (recursively, sorted, hidden files left out); ``-`` is stdin."""
    for path in paths:
        if path != "-" and os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield os.path.join(root, name)
        else:
            yield path


def read_paths(paths: Iterable[str], options: ReadOptions | None = None) -> Iterator[Article | Failure | Skipped]:
    """Read every input: files, directories (recursively), ``-`` for stdin.

    Inputs are opened one at a time; a bad input or record is yielded as a
    :class:`Failure` and reading goes on.

    Args:
        paths: files, directories or ``-``.
        options: reading options.

    Yields:
        Articles, failures and skips, in input order.
    """
    options = options or ReadOptions()
    for path in iter_inputs(paths):
        yield from read_path(path, options)


def read_path(path: str, options: ReadOptions | None = None) -> Iterator[Article | Failure | Skipped]:
    """Read one file (or ``-`` for stdin)."""
    options = options or ReadOptions()
    if path == "-":
        yield from _guarded(sys.stdin.buffer, "-", options)
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, once the generator is drained
    except OSError as exc:
        yield _failure(path, FetchError(f"[T100] {path}: cannot open the input: {exc.strerror or exc}"))
        return
    with handle:
        yield from _guarded(handle, path, options, size=os.fstat(handle.fileno()).st_size)


def _guarded(stream: IO[bytes], source: str, options: ReadOptions,
             *, size: int | None = None) -> Iterator[Article | Failure | Skipped]:
    """Read one input, turning an error that ends it into a Failure."""
    try:
        yield from _read_stream(stream, source, options, size=size)
    except IngestError as exc:
        logger.debug("failed to read %s: %s", source, exc)
        yield _failure(source, exc)
    except OSError as exc:
        yield _failure(source, FetchError(f"[T100] {source}: cannot read the input: {exc.strerror or exc}"))
    except Exception as exc:  # noqa: BLE001 - one faulty input must not stop the others
        # A fault in a parser library or in tidings itself: reported as this input's
        # failure, with the trace in the debug log, and the batch goes on.
        logger.debug("unexpected error reading %s", source, exc_info=True)
        yield _failure(source, ParseError(f"[T199] {source}: could not be read ({type(exc).__name__}: {exc}); "
                                          "the other inputs are still read"))


class _Prefixed(io.RawIOBase):
    """A stream that returns some bytes already read, then the rest of another stream."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head.nbytes:
            n = min(len(buffer), self._head.nbytes)
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _read_head(stream: IO[bytes], size: int) -> bytes:
    chunks: list[bytes] = []
    got = 0
    while got < size:
        chunk = stream.read(size - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


_GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)


class _Gunzip(io.RawIOBase):
    """Decompress gzip data; a cut or a corruption ends the stream and is kept in ``error``."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._gzip = gzip.GzipFile(fileobj=raw, mode="rb")
        self.error: Exception | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.error is not None:
            return 0
        try:
            # Small reads hand over what was decompressed before a cut is met.
            data = self._gzip.read1(min(len(buffer), _GZIP_STEP))
        except _GZIP_ERRORS as exc:
            self.error = exc
            return 0
        buffer[: len(data)] = data
        return len(data)


def _read_stream(stream: IO[bytes], source: str, options: ReadOptions,
                 *, size: int | None = None) -> Iterator[Article | Failure | Skipped]:
    patterns = load_patterns(options.data_dir)
    name = source
    magic = _read_head(stream, 2)
    stream = io.BufferedReader(_Prefixed(magic, stream), buffer_size=_HEAD)
    gunzip: _Gunzip | None = None
    if magic == _GZIP_MAGIC:
        gunzip = _Gunzip(stream)
        stream = io.BufferedReader(gunzip, buffer_size=_HEAD)
        name = source[:-3] if source.lower().endswith(".gz") else source
    head = _read_head(stream, _HEAD)
    if gunzip is not None and gunzip.error is not None and not head:
        raise ParseError(f"[T107] {source}: the gzip data is truncated or corrupt ({gunzip.error}); "
                         "the file was cut short or is not gzip")
    if not _without_bom(head).strip():
        raise ParseError(f"[T101] {source}: the input is empty; give a file with an article in it")
    fmt = options.format if options.format != "auto" else sniff(head, name)
    if fmt == "warc" and not head.lstrip().startswith((b"WARC/", b"filedesc://")):
        raise ParseError(f"[T108] {source}: not a WARC archive (it does not start with a WARC record); "
                         "check the file or the --format option")
    if gunzip is None and size is not None and size > options.max_bytes and fmt not in {"jsonl", "warc"}:
        raise ParseError(f"[T102] {source}: the input is {size} bytes, over the limit of {options.max_bytes}; "
                         "raise it with --max-bytes")
    logger.debug("%s: reading as %s", source, fmt)
    full = io.BufferedReader(_Prefixed(head, stream), buffer_size=_HEAD)
    allowed = frozenset(options.allow_languages) if options.allow_languages is not None else None
    if fmt in {"jsonl", "warc"}:
        items = _stream_records(full, source, fmt, options)
    else:
        items = _single(full, source, fmt, options, gunzip)
    count = 0
    cut_reported = False
    for item in items:
        count += 1
        cut_reported = cut_reported or (isinstance(item, ParseError) and item.code == "T108")
        if isinstance(item, Draft):
            yield _finish_guarded(item, source, options, patterns, allowed=allowed)
        elif isinstance(item, Skipped):
            yield item
        else:
            yield _failure(source, item)
    if gunzip is not None and gunzip.error is not None and not cut_reported:
        yield _failure(source, ParseError(
            f"[T107] {source}: the gzip data is truncated or corrupt after {count} item(s) "
            f"({gunzip.error}); the items before the cut were read"))


def _without_bom(head: bytes) -> bytes:
    """The start of an input without its byte-order mark (a file of a mark alone is empty)."""
    codec = bom_encoding(head)
    if codec is None:
        return head
    body = head[{"utf-8-sig": 3, "utf-16": 2, "utf-32": 4}[codec]:]
    return body if codec == "utf-8-sig" else body.replace(b"\x00", b"")


def _finish_guarded(draft: Draft, source: str, options: ReadOptions, patterns: ReadingPatterns,
                    *, allowed: frozenset[str] | None) -> Article | Skipped | Failure:
    """Finish one draft; a fault in it is that item's failure, and the input's other items are still read."""
    try:
        return _finish(draft, source, options, patterns, allowed=allowed)
    except IngestError as exc:
        return _failure(source, exc)
    except Exception as exc:  # noqa: BLE001 - one faulty record must not end its archive or dump
        where = f"{source} {draft.source_entry}" if draft.source_entry else source
        logger.debug("unexpected error finishing %s", where, exc_info=True)
        return _failure(source, ParseError(f"[T199] {where}: could not be read ({type(exc).__name__}: {exc}); "
                                           "the other items are still read"))


def _single(stream: IO[bytes], source: str, fmt: str, options: ReadOptions,
            gunzip: _Gunzip | None) -> Iterator[Draft | IngestError]:
    """Read an input that holds one document (text, HTML page, feed)."""
    data = _read_head(stream, options.max_bytes + 1)
    if gunzip is not None and gunzip.error is not None:
        raise ParseError(f"[T107] {source}: the gzip data is truncated or corrupt ({gunzip.error}); "
                         "the file was cut short")
    if len(data) > options.max_bytes:
        raise ParseError(
            f"[T102] {source}: the input is over the limit of {options.max_bytes} bytes"
            f"{' (decompressed)' if gunzip is not None else ''}; raise it with --max-bytes"
        )
    if fmt == "text":
        text = decode(data, source=source, declared=False)
        if not text.strip():
            raise ParseError(f"[T101] {source}: the input is empty; give a file with an article in it")
        yield Draft(text=text, format="text")
    elif fmt == "html":
        from tidings.ingest._html import read_html

        yield read_html(decode(data, source=source), source=source)
    else:
        from tidings.ingest._feed import read_feed

        yield from read_feed(decode(data, source=source), source=source)


def _stream_records(stream: IO[bytes], source: str, fmt: str,
                    options: ReadOptions) -> Iterator[Draft | IngestError | Skipped]:
    """Read a dump or archive record by record."""
    if fmt == "jsonl":
        from tidings.ingest._jsonl import field_map, read_json

        yield from read_json(stream, source=source, fields=field_map(options.fields), max_bytes=options.max_bytes)
    else:
        from tidings.ingest._warc import read_warc

        yield from read_warc(stream, source=source, max_bytes=options.max_bytes)


def _publisher(sitename: str | None, url: str | None, hinted: str | None, patterns: ReadingPatterns) -> str | None:
    if sitename:
        known = patterns.publisher_names.get(sitename.lower()) or patterns.publisher_for_domain(
            sitename if "." in sitename and " " not in sitename else None
        )
        return known or sitename
    return patterns.publisher_for_domain(url) or hinted


def _finish(draft: Draft, source: str, options: ReadOptions, patterns: ReadingPatterns,
            *, allowed: frozenset[str] | None) -> Article | Skipped:
    """Settle structure, publisher, publication date and language of one draft."""
    where = f"{source} {draft.source_entry}" if draft.source_entry else source
    draft = _scrubbed(draft)
    text = draft.text
    found = find_structure(text, headline=draft.headline, patterns=patterns)
    published, published_from = _published(draft, found.published, found.updated, found.caption_date, options)
    story = "\n".join(text[s.start:s.end] for s in found.sections
                      if s.kind not in NON_STORY_KINDS and s.kind != "headline") or text
    language, confident = settle_language(story, draft.language, allowed)
    if allowed is not None and confident and language not in allowed:
        return Skipped(
            source=where,
            reason="language",
            detail=f"the article is in {language!r}, not in {sorted(allowed)}; "
                   f"read it with --allow-language {language} or --any-language",
        )
    return Article(
        text=text,
        source_path=source,
        source_entry=draft.source_entry,
        headline=draft.headline or found.headline,
        published=published,
        published_from=published_from,
        dateline=found.dateline,
        publisher=_publisher(draft.sitename, draft.url, found.publisher, patterns),
        wire=found.wire,
        url=draft.url,
        author=draft.author or found.author,
        language=language,
        format=draft.format,
        sections=found.sections,
        captions=found.captions,
    )


def _scrubbed(draft: Draft) -> Draft:
    """The draft with lone surrogates in its text fields replaced (they cannot be written as UTF-8)."""
    from dataclasses import fields, replace

    changes = {f.name: scrub(value) for f in fields(draft)
               if isinstance(value := getattr(draft, f.name), str) and scrub(value) is not value}
    return replace(draft, **changes) if changes else draft


def _published(draft: Draft, stated: str | None, updated: str | None, caption: str | None,
               options: ReadOptions) -> tuple[str | None, str | None]:
    """The publication date and where it came from, in order of trust."""
    for value, origin in (
        (draft.published, "metadata"),
        (stated, "text"),
        (updated, "text"),
        (caption, "caption"),
        (url_date(draft.url), "url"),
        (options.published, "option"),
    ):
        if value:
            return value, origin
    return None, None
