"""Reading each input format into Articles (no NLP)."""

from __future__ import annotations

import gzip
import io
import shutil
from pathlib import Path

import pytest

from helpers.ingest import make_warc
from helpers.records import FIXTURES, assert_valid_articles
from tidings.errors import Skipped
from tidings.ingest import Failure, ReadOptions, read_bytes, read_paths, read_text
from tidings.records import Article

READING = FIXTURES / "reading"


def read_all(paths: list[str | Path], **options: object) -> list[Article | Failure | Skipped]:
    return assert_valid_articles(read_paths([str(p) for p in paths], ReadOptions(**options)))  # type: ignore[arg-type]


def articles(items: list[Article | Failure | Skipped]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


@pytest.fixture(scope="module")
def warc_bytes() -> bytes:
    return make_warc([
        ("https://www.riversidecourier.example/news/2024/02/11/flood-defences-fail",
         (READING / "page.html").read_bytes(), "text/html; charset=utf-8"),
        ("https://www.riversidecourier.example/logo.png", b"\x89PNG\r\n\x1a\n", "image/png"),
        ("https://county.example/bridge", (READING / "batch/more/second.html").read_bytes(), "text/html"),
    ])


def test_ingest_text_keeps_input_exactly() -> None:
    path = READING / "wire_story.txt"
    (article,) = articles(read_all([path]))
    assert article.text == path.read_text(encoding="utf-8")
    assert article.format == "text"
    assert article.source_path == str(path)
    assert article.source_entry is None


def test_ingest_text_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (READING / "batch/first.txt").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    (article,) = articles(read_all(["-"]))
    assert article.source_path == "-"
    assert article.headline == "Council votes to keep library open"


def test_ingest_html_main_text_and_metadata() -> None:
    (article,) = articles(read_all([READING / "page.html"]))
    assert article.format == "html"
    assert article.headline == "Flood defences fail as river bursts its banks"
    assert article.text.startswith(article.headline + "\n\n")
    assert "Emergency crews evacuated more than 300 homes" in article.text
    assert "Council approves new flood budget" not in article.text  # related links left out
    assert "Weather" not in article.text  # navigation left out
    assert (article.published, article.published_from) == ("2024-02-11", "metadata")
    assert article.author == "Priya Natarajan"
    assert article.publisher == "The Riverside Courier"
    assert article.url == "https://www.riversidecourier.example/news/2024/02/11/flood-defences-fail"


def test_ingest_rss_each_item_an_article_with_full_content() -> None:
    first, second = articles(read_all([READING / "feed.rss"]))
    assert first.source_entry == "hg-2024-0117"
    assert "called on the regional government to step in" in first.text  # content:encoded, not the summary
    assert first.published == "2024-01-17T09:15:00+00:00"
    assert first.publisher == "The Harbour Gazette"
    assert first.author == "Tomasz Wilk"
    assert "<p>" not in second.text  # HTML in the description is cleaned
    assert second.headline == "Lifeboat crew rescues two fishermen"


def test_ingest_rss_promo_line_in_content_is_boilerplate() -> None:
    first = articles(read_all([READING / "feed.rss"]))[0]
    promo = first.text.index("Join our WhatsApp channel")
    assert any(s.kind == "boilerplate" and s.start == promo for s in first.sections)


def test_ingest_atom_entries_keep_feed_offsets() -> None:
    first, second = articles(read_all([READING / "feed.atom"]))
    assert first.source_entry == "urn:uuid:6f1c2a90-8a2e-4e55-b7d3-2c9d0e4f5a61"
    assert first.published == "2024-05-06T08:00:00+01:00"
    assert first.url == "https://valleywire.example/2024/05/06/water-company-fined"
    assert second.published == "2024-05-05T16:00:00+00:00"  # only <updated>
    assert "ending a dispute" in second.text  # summary when there is no content


def test_ingest_jsonl_news_please_fields() -> None:
    items = read_all([READING / "dump.jsonl"])
    first = items[0]
    assert isinstance(first, Article)
    assert first.source_entry == "line 1"
    assert first.headline == "Mayor unveils plan for car-free city centre"
    assert first.published == "2024-03-14T10:05:00"
    assert first.author == "Lena Fischer"
    assert isinstance(items[3], Article) and items[3].source_entry == "line 4"  # "text" instead of "maintext"


def test_ingest_jsonl_bad_line_reported_and_others_read() -> None:
    items = read_all([READING / "dump.jsonl"])
    failures = [i for i in items if isinstance(i, Failure)]
    assert [f.reason for f in failures] == ["invalid-json"]
    assert "line 3" in failures[0].message
    assert len(articles(items)) == 3


def test_ingest_jsonl_field_mapping() -> None:
    fields = ("title=meta.headline", "published=meta.when", "text=body", "entry=id")
    (article,) = articles(read_all([READING / "custom.jsonl"], fields=fields))
    assert article.source_entry == "a-17"
    assert article.headline == "Drought forces water rationing in southern districts"
    assert article.published == "2023-08-02T06:00:00+00:00"


def test_ingest_jsonl_missing_text_field_names_the_fix() -> None:
    data = b'{"headline": "Drought deepens", "story": "Reservoirs fell again this week."}\n'
    (failure,) = read_bytes(data, source_path="other.jsonl")
    assert isinstance(failure, Failure) and failure.reason == "missing-field"
    assert "--field text=" in failure.message


def test_ingest_warc_html_responses(tmp_path: Path, warc_bytes: bytes) -> None:
    path = tmp_path / "news.warc.gz"
    path.write_bytes(warc_bytes)
    first, second = articles(read_all([path]))
    assert first.format == "warc"
    assert first.source_entry is not None and first.source_entry.startswith("<urn:uuid:")
    assert first.headline == "Flood defences fail as river bursts its banks"
    assert second.url == "https://county.example/bridge"  # from WARC-Target-URI when the page names none


@pytest.mark.parametrize("name", ["wire_story.txt", "page.html", "feed.rss", "dump.jsonl"])
def test_ingest_gzip_of_each_format(tmp_path: Path, name: str) -> None:
    plain = articles(read_all([READING / name]))
    path = tmp_path / f"{name}.gz"
    path.write_bytes(gzip.compress((READING / name).read_bytes()))
    zipped = articles(read_all([path]))
    assert [a.text for a in zipped] == [a.text for a in plain]


def test_ingest_directory_recursive_in_order(tmp_path: Path) -> None:
    shutil.copytree(READING / "batch", tmp_path / "batch")
    (tmp_path / "batch" / ".hidden.txt").write_text("Not read\n\nHidden files are left out.", encoding="utf-8")
    found = articles(read_all([tmp_path / "batch"]))
    assert [Path(a.source_path).name for a in found] == ["first.txt", "second.html"]


@pytest.mark.parametrize("head,name,expected", [
    (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "dump.bin", "warc"),
    (b'<?xml version="1.0"?>\n<rss version="2.0"><channel>', "feed.txt", "feed"),
    (b'<feed xmlns="http://www.w3.org/2005/Atom">', "x", "feed"),
    (b"<!DOCTYPE html>\n<html><head><title>x</title>", "page.txt", "html"),
    (b'{"title": "a", "maintext": "b"}\n{"title": "c"}\n', "dump.txt", "jsonl"),
    (b"Plain headline\n\nA story with <b>one</b> tag.", "story.html", "text"),
    (b"Plain headline\n\nA story.", "story", "text"),
])
def test_ingest_sniff_by_content_not_extension(head: bytes, name: str, expected: str) -> None:
    from tidings.ingest._sniff import sniff

    assert sniff(head, name) == expected


def test_ingest_format_option_overrides_sniffing() -> None:
    data = b"<p>Markup shown as text</p>\n\nSecond paragraph of a plain note."
    (article,) = [i for i in assert_valid_articles(read_bytes(data, options=ReadOptions(format="text"))) if isinstance(i, Article)]
    assert article.text == data.decode()


def test_ingest_declared_charset_is_used() -> None:
    page = ('<html><head><meta charset="windows-1252"><title>Caf\xe9 owners protest</title></head><body><article>'
            '<p>Caf\xe9 owners in the old town protested on Friday against a new tax on outdoor tables, '
            'which they say will force many of them to close before the summer season.</p></article></body></html>')
    (article,) = [i for i in assert_valid_articles(read_bytes(page.encode("cp1252"), source_path="p.html")) if isinstance(i, Article)]
    assert "Café owners in the old town" in article.text


def test_ingest_latin1_text_decoded_by_detection() -> None:
    text = ("Fête de la musique draws crowds\n\nThousands gathered in the square for the annual "
            "fête, where bands played until after midnight and the café terraces stayed full.")
    (article,) = [i for i in assert_valid_articles(read_bytes(text.encode("latin-1"), source_path="a.txt")) if isinstance(i, Article)]
    assert article.headline == "Fête de la musique draws crowds"


def test_ingest_language_skip_and_allow() -> None:
    path = READING / "fr_article.txt"
    (skipped,) = read_all([path])
    assert isinstance(skipped, Skipped) and skipped.reason == "language"
    assert "--allow-language fr" in skipped.detail
    (allowed,) = articles(read_all([path], allow_languages=("en", "fr")))
    assert allowed.language == "fr"
    (anything,) = articles(read_all([path], allow_languages=None))
    assert anything.language == "fr"


def test_ingest_english_detected() -> None:
    (article,) = articles(read_all([READING / "wire_story.txt"]))
    assert article.language == "en"


def test_ingest_read_text_keeps_language_but_never_skips() -> None:
    (article,) = assert_valid_articles([read_text((READING / "fr_article.txt").read_text(encoding="utf-8"))])
    assert article.language == "fr"


def test_ingest_read_paths_is_lazy(tmp_path: Path) -> None:
    first = tmp_path / "a.txt"
    first.write_text("First headline\n\nThe first story is read before the second input exists.", encoding="utf-8")
    second = tmp_path / "b.txt"
    stream = read_paths([str(first), str(second)])
    item = next(stream)
    assert isinstance(item, Article)
    second.write_text("Second headline\n\nThis input was written after reading began.", encoding="utf-8")
    assert isinstance(next(stream), Article)
