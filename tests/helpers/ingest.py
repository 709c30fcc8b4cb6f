"""Builders of reading inputs for the ingest tests."""

from __future__ import annotations

import io


def make_warc(records: list[tuple[str, bytes, str]]) -> bytes:
    """Build a gzipped WARC with one response record per (uri, body, content type)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    made = [writer.create_warcinfo_record("news.warc.gz", {"software": "tidings tests"})]
    for uri, body, content_type in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        made.append(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http))
    for record in made:
        writer.write_record(record)
        record.raw_stream.close()  # warcio buffers each record in a temporary file
    return buffer.getvalue()
