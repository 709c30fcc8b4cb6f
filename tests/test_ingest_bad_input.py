"""Bad input: one clear failure per bad item, never a traceback, and the rest still read."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from helpers.ingest import make_warc
from helpers.records import FIXTURES, assert_valid_articles
from tidings.errors import ConfigError
from tidings.ingest import Failure, ReadOptions, read_bytes, read_paths
from tidings.records import Article

READING = FIXTURES / "reading"
STORY = (READING / "wire_story.txt").read_bytes()
PAGE = (READING / "page.html").read_bytes()


def only_failure(data: bytes, name: str = "input", **options: object) -> Failure:
    items = assert_valid_articles(read_bytes(data, source_path=name, options=ReadOptions(**options)))  # type: ignore[arg-type]
    assert len(items) == 1, items
    (item,) = items
    assert isinstance(item, Failure), item
    assert "\n" not in item.message and item.message.startswith("[T1")
    return item


@pytest.mark.parametrize("data,name,reason", [
    (b"", "empty.txt", "empty"),
    (b"   \n\n\t  \n", "blank.txt", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", "photo.txt", "binary"),
    (bytes(range(256)) * 8, "noise.bin", "binary"),
    (b"<html><body><script>var a = 1;</script></body></html>", "nothing.html", "no-text"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Cut', "cut.rss", "malformed-xml"),
    (b"<?xml version='1.0'?><rss><channel><title>x</title></channel></rss>", "x.rss", None),
    (gzip.compress(STORY)[:-20], "story.txt.gz", "truncated"),
    (b"\x1f\x8b\x08\x00garbage that is not deflate data at all", "bad.gz", "truncated"),
])
def test_ingest_bad_input_one_line(data: bytes, name: str, reason: str | None) -> None:
    items = assert_valid_articles(read_bytes(data, source_path=name))
    failures = [i for i in items if isinstance(i, Failure)]
    if reason is None:  # a well-formed feed with no entries: nothing to read, nothing wrong
        assert items == []
        return
    assert [f.reason for f in failures] == [reason]
    assert failures[0].message.startswith("[T1") and name in failures[0].message


@pytest.mark.parametrize("data", [b"<<<>>>", b"<html"])
def test_ingest_bad_input_unparseable_html(data: bytes) -> None:
    failure = only_failure(data, "page.html", format="html")
    assert failure.reason == "malformed-html"


def test_ingest_bad_input_huge(tmp_path: Path) -> None:
    failure = only_failure(STORY, "story.txt", max_bytes=100)
    assert failure.reason == "too-large" and "--max-bytes" in failure.message


def test_ingest_bad_input_huge_after_decompression() -> None:
    failure = only_failure(gzip.compress(STORY * 50), "story.txt.gz", max_bytes=len(STORY) * 10)
    assert failure.reason == "too-large" and "decompressed" in failure.message


def test_ingest_bad_input_huge_jsonl_line_skipped_others_read() -> None:
    data = (b'{"title": "Short one", "maintext": "A short story about a small town council meeting."}\n'
            + b'{"title": "Long", "maintext": "' + b"x" * 5000 + b'"}\n'
            + b'{"title": "Another", "maintext": "Another short story about the weather this weekend."}\n')
    items = assert_valid_articles(read_bytes(data, source_path="d.jsonl", options=ReadOptions(max_bytes=1000)))
    assert [type(i).__name__ for i in items] == ["Article", "Failure", "Article"]
    assert isinstance(items[1], Failure) and items[1].reason == "too-large" and "line 2" in items[1].message


def test_ingest_bad_input_undecodable_falls_back_to_detection() -> None:
    # Declared UTF-8 but written in cp1252: the declared charset fails, UTF-8 fails, detection fits.
    page = PAGE.replace(b"more than 300 homes", "more than 300 homes \u2013 caf\xe9s too".encode("cp1252"))
    items = [i for i in assert_valid_articles(read_bytes(page, source_path="p.html")) if isinstance(i, Article)]
    assert "cafés" in items[0].text


def test_ingest_bad_input_malformed_html_still_read_when_text_is_there() -> None:
    broken = PAGE.replace(b"</article>", b"<div><span></p></b>").replace(b"</body>", b"")
    (article,) = [i for i in assert_valid_articles(read_bytes(broken, source_path="broken.html")) if isinstance(i, Article)]
    assert "Emergency crews evacuated" in article.text


def test_ingest_bad_input_truncated_warc_keeps_records_before_the_cut() -> None:
    data = make_warc([("https://a.example/1", PAGE, "text/html"), ("https://a.example/2", PAGE, "text/html")])
    items = assert_valid_articles(read_bytes(data[:-200], source_path="cut.warc.gz"))
    assert [type(i).__name__ for i in items] == ["Article", "Failure"]
    assert isinstance(items[1], Failure) and items[1].reason == "truncated"


def test_ingest_bad_input_truncated_plain_warc() -> None:
    raw = gzip.decompress(make_warc([("https://a.example/1", PAGE, "text/html"),
                                     ("https://a.example/2", PAGE, "text/html")]))
    items = assert_valid_articles(read_bytes(raw[:-200], source_path="cut.warc"))
    assert [type(i).__name__ for i in items] == ["Article", "Failure"]
    assert isinstance(items[1], Failure) and items[1].message.startswith("[T108]")


def test_ingest_bad_input_truncated_jsonl_gzip_keeps_lines() -> None:
    data = gzip.compress((READING / "dump.jsonl").read_bytes())
    items = assert_valid_articles(read_bytes(data[:-40], source_path="d.jsonl.gz"))
    assert sum(isinstance(i, Article) for i in items) >= 2
    assert isinstance(items[-1], Failure) and items[-1].reason == "truncated"


def test_ingest_bad_input_warc_not_warc() -> None:
    items = assert_valid_articles(read_bytes(b"this is not an archive\n" * 10, options=ReadOptions(format="warc")))
    assert len(items) == 1 and isinstance(items[0], Failure) and items[0].message.startswith("[T108]")


def test_ingest_bad_input_missing_file_does_not_stop_the_batch(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    items = assert_valid_articles(read_paths([str(tmp_path / "missing.txt"), str(empty), str(READING / "wire_story.txt")]))
    assert [type(i).__name__ for i in items] == ["Failure", "Failure", "Article"]
    assert [i.reason for i in items if isinstance(i, Failure)] == ["unreadable", "empty"]


@pytest.mark.parametrize("options", [
    {"format": "pdf"},
    {"published": "29/01/2023"},
    {"max_bytes": 0},
    {"fields": ("text",)},
    {"fields": ("colour=c",)},
])
def test_ingest_bad_options_raise_config_error(options: dict[str, object]) -> None:
    with pytest.raises(ConfigError, match=r"^\[T120\]"):
        ReadOptions(**options)  # type: ignore[arg-type]


def test_ingest_utf16_with_bom_is_text_not_binary() -> None:
    text = "Headline\n\nA story saved by an old editor in UTF-16, with its byte-order mark."
    (article,) = [i for i in assert_valid_articles(read_bytes(text.encode("utf-16"), source_path="a.txt")) if isinstance(i, Article)]
    assert article.text == text


def test_ingest_stdin_binary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\x00\x01\x02\x03" * 20)))
    (failure,) = assert_valid_articles(read_paths(["-"]))
    assert isinstance(failure, Failure) and failure.reason == "binary" and failure.source == "-"


def test_ingest_bad_input_huge_file_fails_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(STORY)
    (failure,) = assert_valid_articles(read_paths([str(path)], ReadOptions(max_bytes=500)))
    assert isinstance(failure, Failure) and failure.reason == "too-large"
    assert f"{len(STORY)} bytes" in failure.message


def test_ingest_bad_input_warc_response_without_target_uri() -> None:
    # warcio fails deep inside its parser on such a record; it is one malformed-archive line.
    raw = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5000\r\n\r\nabc"
    failure = only_failure(raw, "odd.warc")
    assert failure.reason == "truncated" and failure.message.startswith("[T108] odd.warc:")


def test_ingest_unexpected_fault_is_one_failure_and_the_batch_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tidings.ingest.core as core

    real = core._read_stream

    def faulty(stream, source, options, *, size=None):  # type: ignore[no-untyped-def]
        if source.endswith("bad.txt"):
            raise RuntimeError("boom")
        yield from real(stream, source, options, size=size)

    monkeypatch.setattr(core, "_read_stream", faulty)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(STORY)
    items = assert_valid_articles(read_paths([str(bad), str(READING / "wire_story.txt")]))
    assert [type(i).__name__ for i in items] == ["Failure", "Article"]
    assert items[0].reason == "internal" and "RuntimeError: boom" in items[0].message
