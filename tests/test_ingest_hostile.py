"""Hostile input: one coded line per bad item, the other items and inputs still read.

Each bad item here once stopped its input or the run (a lone surrogate escape
in JSON, dates no clock holds, nesting that exhausts the parser), or passed
silently (random bytes after a WARC line, a byte-order mark alone, a NUL byte
past the sniffed start, an object where a string belongs), or printed a library's
own warning beside the coded line.
"""

from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.ingest import make_warc
from helpers.records import FIXTURES, assert_valid_articles
from helpers.store import AUTH
from tidings.cli import cli
from tidings.ingest import Failure, ReadOptions, read_bytes, read_paths, scrub
from tidings.records import Article

READING = FIXTURES / "reading"
PAGE = (READING / "page.html").read_bytes()
GOOD = '{"text": "The council met on Tuesday and voted for the new budget."}'
DEEP = "[" * 100_000 + "]" * 100_000


def _read(data: bytes, name: str, **options: object) -> list[Article | Failure]:
    return assert_valid_articles(read_bytes(data, source_path=name, options=ReadOptions(**options)))  # type: ignore[arg-type]


def _one_line_failures(items: list) -> list[Failure]:
    failures = [i for i in items if isinstance(i, Failure)]
    for failure in failures:
        assert "\n" not in failure.message and failure.message.startswith("[T1"), failure.message
    return failures


# --- lone surrogates -------------------------------------------------------------------------

def test_scrub_replaces_each_lone_surrogate_by_one_code_point() -> None:
    assert scrub("a \ud800 b \udfff") == "a \ufffd b \ufffd"
    kept = "plain text \U0001f600"
    assert scrub(kept) is kept


@pytest.mark.parametrize("line", [
    '{"text": "a \\ud800 b and some more words of the story"}',
    '{"text": "Body of the story.", "title": "Head \\udc00 line"}',
    '{"text": "Body of the story.", "url": "https://example.org/\\ud83d"}',
    '{"text": "Body of the story.", "authors": ["Ann \\ud800 Lee"]}',
])
def test_lone_surrogate_in_jsonl_is_replaced_and_the_rest_read(line: str) -> None:
    data = f"{line}\n{GOOD}\n".encode()
    items = _read(data, "dump.jsonl", allow_languages=None)
    articles = [i for i in items if isinstance(i, Article)]
    assert len(articles) == 2 and not _one_line_failures(items)
    first = articles[0]
    for value in (first.text, first.headline, first.url, first.author):
        if value is not None:
            value.encode("utf-8")  # writable, hashable
    assert "\ufffd" in json.dumps(first.as_dict(), ensure_ascii=False)
    assert len({a.id for a in articles}) == 2


def test_lone_surrogate_in_a_newsplease_document_is_replaced() -> None:
    data = b'{\n  "maintext": "Story \\ud800 text here.",\n  "title": "A \\udfff title"\n}\n'
    (article,) = _read(data, "one.json", allow_languages=None)
    assert isinstance(article, Article)
    assert article.headline == "A \ufffd title" and "Story \ufffd text" in article.text


def test_lone_surrogate_read_no_nlp_goes_on_to_the_next_input(tmp_path: Path) -> None:
    bad = tmp_path / "a.jsonl"
    bad.write_text('{"text": "a \\ud800 b"}\n', encoding="utf-8")
    good = tmp_path / "b.txt"
    good.write_text("Headline here\n\nBody text of the story.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["read", "--no-nlp", "--any-language", str(bad), str(good)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    sources = [json.loads(line)["source_path"] for line in result.stdout.splitlines() if line.strip()]
    assert sources == [str(bad), str(good)]


@pytest.mark.parametrize("body", [
    {"text": "The council \ud800 met on Tuesday and voted."},
    {"text": "The council met on Tuesday and voted.", "headline": "Council \udc00 votes"},
    {"text": "The council met on Tuesday and voted.", "url": "https://example.org/\ud83d"},
    {"html": "<html><body><article><p>The council \ud800 met on Tuesday and voted for the budget of the "
             "town, which the mayor said was long overdue.</p></article></body></html>"},
])
def test_api_lone_surrogate_is_replaced_not_a_server_error(api_memory, body: dict[str, str]) -> None:
    content = json.dumps(body).encode()  # ensure_ascii: the surrogate travels as an escape
    response = api_memory.post("/articles", content=content, headers={**AUTH, "content-type": "application/json"})
    assert response.status_code == 201, response.text
    record = api_memory.get(f"/articles/{response.json()['id']}").json()["record"]
    written = json.dumps(record, ensure_ascii=False)
    written.encode("utf-8")  # no lone surrogate is left
    assert "\ufffd" in written


def test_api_lone_surrogate_in_the_date_is_a_client_error(api_memory) -> None:
    content = json.dumps({"text": "The council met.", "published": "2024-01-\ud800"}).encode()
    response = api_memory.post("/articles", content=content, headers={**AUTH, "content-type": "application/json"})
    assert response.status_code in {400, 422}, response.text
    assert response.json()["error"].startswith("[T")


# --- one bad line or record, the others read --------------------------------------------------

@pytest.mark.parametrize("bad", [
    '{"text": "Story one.", "date_publish": NaN}',
    '{"text": "Story one.", "date_publish": Infinity}',
    '{"text": "Story one.", "date_publish": -Infinity}',
    '{"text": "Story one.", "date_publish": 1e300}',
    '{"text": "Story one.", "date_publish": -1e15}',
    '{"text": "Story one.", "date_publish": 1e20}',
    '{"text": "Story one.", "date_publish": {"y": 2024}}',
    '{"text": "Story one.", "title": {"a": 1}}',
    '{"text": "Story one.", "title": [{"a": 1}]}',
    '{"text": {"nested": "object"}}',
    '{"text": "Story one.", "url": ["a", ["b"]]}',
    DEEP,
    '{"text": ' + DEEP + "}",
    '{"a": ' + "{" * 50_000 + "}" * 50_000 + "}",
])
def test_bad_jsonl_line_is_one_failure_and_later_lines_are_read(bad: str) -> None:
    data = f"{GOOD}\n{bad}\n{GOOD.replace('council', 'board')}\n".encode()
    items = _read(data, "dump.jsonl", allow_languages=None)
    failures = _one_line_failures(items)
    assert len(failures) == 1 and "line 2" in failures[0].message, failures
    assert failures[0].reason in {"invalid-json", "invalid-field"}
    assert [i.source_entry for i in items if isinstance(i, Article)] == ["line 1", "line 3"]


def test_deep_first_line_does_not_end_the_dump() -> None:
    data = ('{"a": ' + DEEP + "}\n" + GOOD + "\n").encode()
    items = _read(data, "dump.jsonl", allow_languages=None)
    assert len(_one_line_failures(items)) == 1
    assert [i.source_entry for i in items if isinstance(i, Article)] == ["line 2"]


def test_deep_json_document_is_one_failure() -> None:
    (failure,) = _read(("\n" + DEEP).encode(), "deep.json")
    assert isinstance(failure, Failure) and failure.reason == "invalid-json"


def test_valid_dates_still_read() -> None:
    lines = ['{"text": "Story.", "date_publish": 1714694400}', '{"text": "Story.", "date_publish": 1714694400000}',
             '{"text": "Story.", "date_publish": "2024-05-03 10:00:00"}']
    items = _read("\n".join(lines).encode(), "d.jsonl", allow_languages=None)
    assert [a.published[:10] for a in items if isinstance(a, Article)] == ["2024-05-03"] * 3  # type: ignore[index]


def test_authors_list_of_strings_is_still_text() -> None:
    (article,) = _read(b'{"text": "Story.", "authors": ["Ann Lee", "Bo Chan"]}', "a.jsonl", allow_languages=None)
    assert isinstance(article, Article) and article.author == "Ann Lee, Bo Chan"


def test_malformed_warc_record_is_reported_and_the_others_read() -> None:
    first = make_warc([("https://example.org/a", PAGE, "text/html")])
    broken = gzip.compress(b"WARC/1.0\r\n" + bytes(range(256)) * 4 + b"\r\n\r\n")
    last = make_warc([("https://example.org/b", PAGE.replace(b"<body>", b"<body><p>Late.</p>"), "text/html")])
    items = _read(first + broken + last, "news.warc.gz")
    assert len([i for i in items if isinstance(i, Article)]) == 2
    failures = _one_line_failures(items)
    assert len(failures) == 1 and failures[0].message.startswith("[T108]") and "byte" in failures[0].message


@pytest.mark.parametrize("broken", [
    b"WARC/1.0\r\nWARC-Type: response\r\n\r\n<html>no length</html>\r\n\r\n",
    b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 12\r\n\r\nnot http at all\r\n\r\n",
    b"garbage line\r\nmore garbage\r\n\r\n",
])
def test_uncompressed_warc_resumes_after_a_malformed_record(broken: bytes) -> None:
    first = gzip.decompress(make_warc([("https://example.org/a", PAGE, "text/html")]))
    last = gzip.decompress(make_warc([("https://example.org/b", PAGE, "text/html")]))
    items = _read(first + broken + last, "news.warc")
    assert len([i for i in items if isinstance(i, Article)]) == 2
    assert len(_one_line_failures(items)) == 1


# --- silent or wrong inputs ------------------------------------------------------------------

@pytest.mark.parametrize("data,name,code", [
    (b"WARC/1.0\r\n" + bytes(range(256)) * 10, "random.warc", "T108"),
    (b"\xef\xbb\xbf", "bom.txt", "T101"),
    (b"\xef\xbb\xbf \n\t\n", "bom-blank.txt", "T101"),
    (b"\xff\xfe", "bom16.txt", "T101"),
    (b"\xff\xfe \x00\n\x00", "bom16-blank.txt", "T101"),
    (b"A sentence of the story. " * 1000 + b"\x00 and more", "late-nul.txt", "T104"),
    (b"<html><body><p>" + b"Story words. " * 1000 + b"\x00</p></body></html>", "late-nul.html", "T104"),
])
def test_silent_input_gives_one_coded_line(data: bytes, name: str, code: str) -> None:
    items = _read(data, name)
    failures = _one_line_failures(items)
    assert len(items) == 1 and len(failures) == 1, items
    assert failures[0].message.startswith(f"[{code}]") and name in failures[0].message


def test_late_nul_fails_the_whole_input_on_cli(tmp_path: Path) -> None:
    path = tmp_path / "late.txt"
    path.write_bytes(b"A sentence of the story. " * 1000 + b"\x00")
    result = CliRunner().invoke(cli, ["read", "--no-nlp", str(path)])
    assert result.stdout.strip() == "" and "[T104]" in result.stderr


def test_deep_html_gives_only_the_coded_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000 + "</body></html>")
    caplog.set_level(logging.INFO)
    items = assert_valid_articles(read_paths([str(path)]))
    assert len(_one_line_failures(items)) == 1 and len(items) == 1
    loud = [r for r in caplog.records if r.levelno >= logging.INFO and not r.name.startswith("tidings")]
    assert loud == []


def test_feed_character_references_to_no_character_are_replaced() -> None:
    doc = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
           b"<item><title>Sur &#xD800; gate</title><description>Words &#55296; &#99999999; &#0; here.</description>"
           b"</item></channel></rss>")
    (article,) = _read(doc, "f.rss", allow_languages=None)
    assert isinstance(article, Article) and article.headline == "Sur \ufffd gate"
