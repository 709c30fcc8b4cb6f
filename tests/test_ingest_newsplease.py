"""Reading news-please archives as they are: one object per file, arrays, JSON Lines, broken JSON."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from helpers.records import assert_valid_articles
from tidings.errors import Skipped
from tidings.ingest import Failure, ReadOptions, read_bytes, read_paths
from tidings.ingest._sniff import sniff
from tidings.records import Article


def news_please(n: int, **extra: Any) -> dict[str, Any]:
    """A record shaped like news-please's output (the fields it writes, most of them null)."""
    record: dict[str, Any] = {
        "authors": [f"Reporter {n}", "Desk Editor"],
        "date_download": "2018-01-01T22:40:48",
        "date_modify": None,
        "date_publish": f"2017-12-{10 + n:02d}T08:30:00",
        "description": f"Lead paragraph {n}: a ferry hit a bridge pier on the river.",
        "filename": f"story-{n}.json",
        "image_url": None,
        "language": "en",
        "localpath": None,
        "source_domain": "www.example-news.com",
        "text": (f"Story {n}. A passenger ferry hit a bridge pier on the river late on Tuesday, "
                 "injuring several people, the police said on Wednesday. The ship was towed away."),
        "title": f"Ferry hits bridge pier, story {n}",
        "title_page": None,
        "title_rss": None,
        "url": f"https://www.example-news.com/world/ferry-{n}",
    }
    record.update(extra)
    return record


def read(data: bytes, name: str) -> list[Article | Failure | Skipped]:
    return assert_valid_articles(read_bytes(data, source_path=name, options=ReadOptions(allow_languages=None)))


def only_articles(items: list[Article | Failure | Skipped]) -> list[Article]:
    assert not [i for i in items if not isinstance(i, Article)], items
    return [i for i in items if isinstance(i, Article)]


@pytest.mark.parametrize("indent", [2, None], ids=["pretty", "compact"])
def test_newsplease_single_object_file(indent: int | None) -> None:
    data = json.dumps(news_please(1), indent=indent).encode()
    (article,) = only_articles(read(data, "ferry.json"))
    assert article.headline == "Ferry hits bridge pier, story 1"
    assert article.text.startswith("Ferry hits bridge pier, story 1\n\nStory 1. A passenger ferry")
    assert article.published == "2017-12-11T08:30:00"
    assert article.url == "https://www.example-news.com/world/ferry-1"
    assert article.author == "Reporter 1, Desk Editor"
    assert article.format == "jsonl"


def test_newsplease_pretty_object_recognised_by_content_not_name() -> None:
    data = json.dumps(news_please(2), indent=4).encode()
    assert sniff(data[:4096], "story.dat") == "jsonl"
    assert sniff(data[:4096], "") == "jsonl"
    (article,) = only_articles(read(data, "story.dat"))
    assert article.headline == "Ferry hits bridge pier, story 2"


def test_newsplease_array_of_articles() -> None:
    data = json.dumps([news_please(1), news_please(2), news_please(3)], indent=2).encode()
    found = only_articles(read(data, "dump.json"))
    assert [a.headline for a in found] == [f"Ferry hits bridge pier, story {n}" for n in (1, 2, 3)]
    assert [a.source_entry for a in found] == ["item 1", "item 2", "item 3"]


def test_newsplease_array_non_object_item_reported_others_read() -> None:
    data = json.dumps([news_please(1), "stray", news_please(3)]).encode()
    items = read(data, "dump.json")
    assert [a.headline for a in items if isinstance(a, Article)] == [
        "Ferry hits bridge pier, story 1", "Ferry hits bridge pier, story 3"]
    (failure,) = [i for i in items if isinstance(i, Failure)]
    assert failure.message.startswith("[T109]") and "item 2" in failure.message


def test_newsplease_json_lines_and_gzip() -> None:
    data = "".join(json.dumps(news_please(n)) + "\n" for n in (1, 2)).encode()
    for payload, name in ((data, "dump.jsonl"), (gzip.compress(data), "dump.jsonl.gz")):
        found = only_articles(read(payload, name))
        assert [a.source_entry for a in found] == ["line 1", "line 2"]


def test_newsplease_maintext_and_description_fallback() -> None:
    record = news_please(4, text=None, maintext="Main text of the story about the ferry and the bridge pier.")
    (article,) = only_articles(read(json.dumps(record, indent=2).encode(), "a.json"))
    assert "Main text of the story" in article.text
    only_lead = news_please(5, text=None, title=None, title_page="Page title of story 5")
    (article,) = only_articles(read(json.dumps(only_lead, indent=2).encode(), "b.json"))
    assert article.headline == "Page title of story 5"
    assert "Lead paragraph 5" in article.text


def test_newsplease_empty_record_is_skipped_not_failed() -> None:
    empty = news_please(6, text=None, title=None, description=None)
    (item,) = read(json.dumps(empty, indent=2).encode(), "empty.json")
    assert isinstance(item, Skipped) and item.reason == "no-text"


def test_newsplease_publisher_from_source_domain() -> None:
    (article,) = only_articles(read(json.dumps(news_please(1, source_domain="www.bbc.co.uk"), indent=2).encode(),
                                    "bbc.json"))
    assert article.publisher


@pytest.mark.parametrize("data", [
    b'{\n  "title": "Ferry",\n  "text": "A ferry hit a bridge pier",\n  "url": \n}\n',   # pretty, broken
    b'[\n {"title": "a", "text": "b"},\n {"title": "c", "text": \n]\n',                   # array, broken
    b"{\n" + b'  "title": "x",\n' * 200 + b"  oops\n}\n",                                  # long, broken
], ids=["object", "array", "long"])
def test_newsplease_invalid_json_is_one_error(data: bytes) -> None:
    items = read(data, "bad.json")
    assert not [i for i in items if isinstance(i, Article)]
    (failure,) = items
    assert isinstance(failure, Failure)
    assert failure.reason == "invalid-json"
    assert failure.message.startswith("[T109] bad.json: invalid JSON")
    assert "line" in failure.message and "\n" not in failure.message


def test_newsplease_text_named_json_is_one_error() -> None:
    data = b"This is not JSON at all.\nIt has several lines.\nEach would be an error on its own.\n"
    (failure,) = read(data, "notes.json")
    assert isinstance(failure, Failure) and failure.message.startswith("[T109]")


def test_newsplease_json_lines_bad_line_still_per_line() -> None:
    lines = [b"{not json", json.dumps(news_please(1)).encode(), json.dumps(news_please(2)).encode()]
    items = read(b"\n".join(lines) + b"\n", "dump.jsonl")
    assert len([i for i in items if isinstance(i, Article)]) == 2
    (failure,) = [i for i in items if isinstance(i, Failure)]
    assert "line 1" in failure.message


def test_newsplease_concatenated_pretty_objects() -> None:
    data = (json.dumps(news_please(1), indent=2) + "\n" + json.dumps(news_please(2), indent=2)).encode()
    found = only_articles(read(data, "two.json"))
    assert [a.source_entry for a in found] == ["item 1", "item 2"]


def test_newsplease_document_over_limit_is_one_error() -> None:
    data = json.dumps([news_please(n) for n in range(20)], indent=2).encode()
    items = assert_valid_articles(read_bytes(data, source_path="big.json", options=ReadOptions(max_bytes=2000)))
    (failure,) = items
    assert isinstance(failure, Failure) and failure.message.startswith("[T102]")


def test_newsplease_directory_of_files(tmp_path: Path) -> None:
    for n in (1, 2):
        (tmp_path / f"{n}.json").write_text(json.dumps(news_please(n), indent=2), encoding="utf-8")
    found = only_articles(assert_valid_articles(read_paths([str(tmp_path)], ReadOptions(allow_languages=None))))
    assert [a.headline for a in found] == [f"Ferry hits bridge pier, story {n}" for n in (1, 2)]


def test_newsplease_gzipped_pretty_array() -> None:
    data = json.dumps([news_please(n % 9 + 1) | {"url": f"https://x.example/{n}"} for n in range(120)], indent=2)
    found = only_articles(read(gzip.compress(data.encode()), "dump.json.gz"))
    assert len(found) == 120 and found[-1].source_entry == "item 120"
