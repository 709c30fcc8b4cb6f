"""Read WARC archives (such as Common Crawl's CC-NEWS): each HTML response one article."""

from __future__ import annotations

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
    from warcio.exceptions import ArchiveLoadFailed

    count = 0
    seen = 0
    try:
        for record in _quiet_iterator()(stream, check_digests=False):
            seen += 1
            if record.rec_type is None:
                # Headers that parse but name no record type: not a WARC record (random bytes
                # after a "WARC/1.0" line); reported, and the archive's later records are read.
                yield ParseError(f"[T108] {source}: record {seen} of the WARC archive is malformed "
                                 "(it has no WARC-Type); the other records are still read")
                continue
            if record.rec_type not in {"response", "resource"}:
                continue
            count += 1
            truncated = yield from _read_record(record, count=count, source=source, max_bytes=max_bytes)
            if truncated:
                return
        if not seen:
            yield ParseError(f"[T108] {source}: not a WARC archive (no WARC record found); "
                             "check the file or the --format option")
    except (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError, AttributeError, TypeError,
            KeyError, IndexError) as exc:
        # warcio reports a malformed record in many ways, some of them from deep inside
        # its parser (a response record without a target URI raises AttributeError).
        first = next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)
        yield ParseError(f"[T108] {source}: the WARC archive is truncated or malformed after "
                         f"{count} records ({first}); the records before it were read")


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
