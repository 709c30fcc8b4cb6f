"""Read WARC archives (such as Common Crawl's CC-NEWS): each HTML response one article."""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections.abc import Generator, Iterator
from typing import IO, Any

from tidings.errors import ParseError, Skipped
from tidings.ingest._common import Draft
from tidings.ingest._decode import decode
from tidings.ingest._html import read_html

logger = logging.getLogger(__name__)

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)


def read_warc(stream: IO[bytes], *, source: str, max_bytes: int) -> Iterator[Draft | ParseError | Skipped]:
    """Yield one draft per HTML response record of a WARC archive.

    Records that are not HTML responses (requests, metadata, images) are passed
    over. A record that cannot be read is yielded as an error and reading goes on;
    a truncated archive ends with an error after the records read before the cut.

    Args:
        stream: the archive's bytes (compressed or not: warcio reads both).
        source: where it came from, for messages.
        max_bytes: the largest record payload accepted.

    Yields:
        Drafts, and errors or skips for records that hold no article.
    """
    # warcio (about 0.2 s) loads with the first archive, so importing this module stays cheap.
    peek = stream.peek(_HEADER_LIMIT) if hasattr(stream, "peek") else b""
    if not peek.lstrip().startswith(b"WARC/"):  # an ARC file, or a stream that cannot be framed
        yield from _read_archive(stream, source=source, max_bytes=max_bytes)
        return
    count = 0
    seen = 0
    for item in _frames(stream, source=source, max_bytes=max_bytes):
        if isinstance(item, ParseError):
            yield item
            continue
        offset, data = item
        seen += 1
        state = _State(count=count)
        try:
            yield from _read_frame(data, state=state, offset=offset, source=source, max_bytes=max_bytes)
        except _frame_errors() as exc:
            first = next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)
            yield ParseError(f"[T108] {source}: the WARC record at byte {offset} is malformed ({first}); "
                             "the other records are still read")
        count = state.count
        if state.truncated:
            return
    if not seen:
        yield ParseError(f"[T108] {source}: not a WARC archive (no WARC record found); "
                         "check the file or the --format option")


class _State:
    """What reading one framed record found: the response records so far, and a cut."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.truncated = False


def _read_frame(data: bytes, *, state: _State, offset: int, source: str,
                max_bytes: int) -> Iterator[Draft | ParseError | Skipped]:
    """Read the one record in ``data`` (its headers and block) with warcio."""
    for record in _quiet_iterator()(io.BytesIO(data), check_digests=False):
        if record.rec_type is None:
            # Headers that parse but name no record type: not a WARC record.
            yield ParseError(f"[T108] {source}: the WARC record at byte {offset} is malformed "
                             "(it has no WARC-Type); the other records are still read")
            return
        if record.rec_type not in {"response", "resource"}:
            continue
        state.count += 1
        state.truncated = yield from _read_record(record, count=state.count, source=source, max_bytes=max_bytes)
        if state.truncated:
            return


_HEADER_LIMIT = 64 * 1024
# Room for a response's HTTP headers in front of its payload.
_SLACK = 64 * 1024
_LENGTH = re.compile(rb"^content-length\s*:\s*(\d+)\s*$", re.IGNORECASE | re.MULTILINE)
_START = re.compile(rb"^WARC/\d+\.\d+\r?\n$")


def _frames(stream: IO[bytes], *, source: str, max_bytes: int) -> Iterator[tuple[int, bytes] | ParseError]:
    """Split an (uncompressed) WARC stream into records by their Content-Length.

    A record whose headers do not frame it (no version line, no length, headers
    without end) is reported once with its byte offset, and reading resumes at
    the next line that starts a record; a record larger than the limit keeps its
    first ``max_bytes`` and some (so that it is reported as too large) and the rest
    is passed over unread. A record cut short is handed on as it is: its reader
    reports the cut.

    Yields:
        ``(offset, bytes)`` per record, and errors for what is not one.
    """
    offset = 0
    line = stream.readline(_HEADER_LIMIT)
    while line:
        if not line.strip():
            offset += len(line)
            line = stream.readline(_HEADER_LIMIT)
            continue
        start = offset
        lines = [line]
        offset += len(line)
        problem = None if _START.match(line) else "it does not start with a WARC version line"
        while problem is None:
            header = stream.readline(_HEADER_LIMIT)
            if not header:  # cut short in the headers: the record's reader reports it
                yield start, b"".join(lines)
                return
            offset += len(header)
            lines.append(header)
            if not header.strip():
                break
            if offset - start > _HEADER_LIMIT:
                problem = f"its headers run over {_HEADER_LIMIT} bytes"
        if problem is None:
            head = b"".join(lines)
            match = _LENGTH.search(head)
            if match is not None:
                length = int(match.group(1))
                keep = min(length, max_bytes + _SLACK)
                block = stream.read(keep)
                offset += len(block)
                if len(block) < keep:  # cut short: the record's reader reports it
                    yield start, head + block
                    return
                if keep < length:
                    left = length - keep
                    while left and (chunk := stream.read(min(left, 1 << 20))):
                        left -= len(chunk)
                        offset += len(chunk)
                    head = head[:match.start(1)] + str(keep).encode() + head[match.end(1):]
                # A block ends with a blank line; text right after it means the length is wrong.
                line = stream.readline(_HEADER_LIMIT)
                separated = not line.strip()
                while line and not line.strip():
                    offset += len(line)
                    line = stream.readline(_HEADER_LIMIT)
                if not line or separated or _START.match(line):
                    yield start, head + block
                    continue
                problem = "its Content-Length does not end it where the next record starts"
            else:
                problem = "it has no Content-Length"
        yield ParseError(f"[T108] {source}: the WARC record at byte {start} is malformed ({problem}); "
                         "the other records are still read")
        # Resume at the next line that starts a record.
        line = line if problem.startswith("its Content-Length") else stream.readline(_HEADER_LIMIT)
        while line and not _START.match(line):
            offset += len(line)
            line = stream.readline(_HEADER_LIMIT)


def _read_archive(stream: IO[bytes], *, source: str, max_bytes: int) -> Iterator[Draft | ParseError | Skipped]:
    """Read an archive warcio frames itself (an ARC file): a malformed record ends it."""
    from warcio.exceptions import ArchiveLoadFailed

    count = 0
    seen = 0
    try:
        for record in _quiet_iterator()(stream, check_digests=False):
            seen += 1
            if record.rec_type not in {"response", "resource"}:
                continue
            count += 1
            truncated = yield from _read_record(record, count=count, source=source, max_bytes=max_bytes)
            if truncated:
                return
        if not seen:
            yield ParseError(f"[T108] {source}: not a WARC archive (no WARC record found); "
                             "check the file or the --format option")
    except (ArchiveLoadFailed, *_WARC_ERRORS) as exc:
        # warcio reports a malformed record in many ways, some of them from deep inside
        # its parser (a response record without a target URI raises AttributeError).
        first = next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)
        yield ParseError(f"[T108] {source}: the WARC archive is truncated or malformed after "
                         f"{count} records ({first}); the records before it were read")


def _frame_errors() -> tuple[type[BaseException], ...]:
    from warcio.exceptions import ArchiveLoadFailed

    return (ArchiveLoadFailed, *_WARC_ERRORS)


_WARC_ERRORS = (EOFError, zlib.error, OSError, ValueError, AttributeError, TypeError, KeyError, IndexError)


def _read_record(record: Any, *, count: int, source: str,
                 max_bytes: int) -> Generator[Draft | ParseError | Skipped, None, bool]:
    """Yield the draft (or the error or skip) of one response record, if it is an HTML page.

    Returns:
        True when the archive is cut short in this record (reading stops).
    """
    headers = record.rec_headers
    record_id = headers.get_header("WARC-Record-ID") or f"record {count}"
    uri = headers.get_header("WARC-Target-URI")
    where = f"{source} {record_id}"
    if record.http_headers is not None:
        content_type = record.http_headers.get_header("Content-Type") or ""
        status = record.http_headers.get_statuscode() or "200"
        if not status.startswith("2"):
            return False
    else:
        content_type = headers.get_header("Content-Type") or ""
    if content_type and "html" not in content_type.lower():
        return False
    payload = record.content_stream().read(max_bytes + 1)
    if getattr(record.raw_stream, "limit", 0) > 0 and len(payload) <= max_bytes:
        yield ParseError(f"[T108] {source}: the WARC archive is truncated in record {record_id} "
                         f"after {count - 1} records; the records before it were read")
        return True
    if len(payload) > max_bytes:
        yield ParseError(f"[T102] {where}: the record is over the limit of {max_bytes} bytes; "
                         "raise it with --max-bytes")
        return False
    if not payload.strip():
        yield Skipped(source=where, reason="no-text", detail="the record is empty")
        return False
    match = _CHARSET.search(content_type)
    try:
        markup = decode(payload, source=where, charset=match.group(1) if match else None)
        yield read_html(markup, source=where, url=uri, entry=record_id, fmt="warc")
    except ParseError as exc:
        if exc.code == "T110":
            yield Skipped(source=where, reason="no-text", detail="no article text in the page")
        else:
            yield exc
    return False


def _quiet_iterator() -> type:
    """warcio's ArchiveIterator, without the warnings it writes straight to stderr."""
    from warcio.archiveiterator import ArchiveIterator  # lazy, as in read_warc

    class QuietArchiveIterator(ArchiveIterator):  # type: ignore[misc]
        INC_RECORD = ""

    return QuietArchiveIterator
