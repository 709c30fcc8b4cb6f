"""Generated dumps, feeds, archives, pages and texts with corrupt items mixed in: the readers read every good item.

Each reader gets an input of generated good items (texts with any letters,
quotes, lone surrogate escapes) and corrupt ones of kinds met in the wild
(invalid JSON, dates no clock holds, objects where text belongs, nesting that
exhausts a parser, NUL bytes, malformed WARC records, broken feed markup).
Every good item must be read, each corrupt one must give exactly one failure
(one line, with a code), and no exception may escape :func:`read_paths`.

Bounded and repeatable: Hypothesis runs derandomized (a fixed seed) with no
example database; ``TIDINGS_FUZZ_EXAMPLES`` sets how many inputs per reader
(default 15, a few seconds; no NLP model is loaded).
"""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.ingest import make_warc
from helpers.records import assert_valid_articles
from tidings.ingest import Failure, ReadOptions, read_paths
from tidings.records import Article

EXAMPLES = int(os.environ.get("TIDINGS_FUZZ_EXAMPLES", "15"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
OPTIONS = ReadOptions(allow_languages=None)

WORDS = st.sampled_from(["council", "the", "voted", "budget", "“quoted”", "said", "Zürich", "東京", "3.5%",
                         "mayor", "on", "Tuesday", "\"plain\"", "it's", "—", "naïve", "flood", "river"])
SENTENCE = st.lists(WORDS, min_size=3, max_size=12).map(lambda ws: " ".join(ws).capitalize() + ".")

# Corrupt JSON Lines lines: each must be one failure for its line, and end nothing.
BAD_LINES = st.sampled_from([
    '{"text": "cut short',
    '{"text": "Story.", "date_publish": NaN}',
    '{"text": "Story.", "date_publish": Infinity}',
    '{"text": "Story.", "date_publish": 1e300}',
    '{"text": "Story.", "date_publish": -1e15}',
    '{"text": "Story.", "date_publish": {"y": 1}}',
    '{"text": "Story.", "title": {"a": 1}}',
    '{"text": ["a", {"b": 2}]}',
    '{"headline": "no text field here"}',
    '[1, 2, 3]',
    '"just a string"',
    '{"text": ' + "[" * 20_000 + "]" * 20_000 + "}",
    "[" * 50_000,
    '{"text": "nul \x00 byte in the line"}',
    "not json at all",
])


def _write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def _read(path: Path) -> tuple[list[Article], list[Failure]]:
    items = assert_valid_articles(read_paths([str(path)], OPTIONS))
    failures = [i for i in items if isinstance(i, Failure)]
    for failure in failures:
        assert "\n" not in failure.message and failure.message.startswith("[T1"), failure.message
    return [i for i in items if isinstance(i, Article)], failures


@FUZZ
@given(good=st.lists(st.tuples(SENTENCE, st.booleans()), min_size=1, max_size=6),
       bad=st.lists(st.tuples(st.integers(0, 10), BAD_LINES), max_size=4))
def test_fuzz_jsonl_every_good_line_read_each_bad_line_one_failure(tmp_path_factory, good, bad) -> None:
    lines: list[tuple[bool, str]] = []
    for index, (sentence, surrogate) in enumerate(good):
        text = sentence + (" \ud800 tail" if surrogate else "")
        lines.append((True, json.dumps({"text": text, "url": f"https://example.org/{index}",
                                        "date_publish": 1714694400})))
    for position, line in bad:  # never first: the first line tells the layout
        lines.insert(1 + position % len(lines), (False, line))
    data = "\n".join(line for _, line in lines) + "\n"
    path = _write(tmp_path_factory.mktemp("jsonl"), "dump.jsonl", data.encode("utf-8"))
    articles, failures = _read(path)
    assert sorted(a.url for a in articles) == sorted(f"https://example.org/{i}" for i in range(len(good)))
    named = [re.search(r" line (\d+)\b", f.message) for f in failures]
    assert [int(m.group(1)) for m in named if m] == [n for n, (ok, _) in enumerate(lines, 1) if not ok], \
        [f.message for f in failures]


def _item(index: int, sentence: str) -> str:
    return (f"<item><title>Story {index} {sentence}</title><link>https://example.org/{index}</link>"
            f"<description>{sentence} {sentence}</description></item>")


# Items that feedparser reads or leaves out, never an exception: and none is a failure.
ODD_ITEMS = st.sampled_from([
    "<item></item>",
    "<item><title>Dated</title><pubDate>Mon, 99 Foo 99999 99:99:99</pubDate><description>Words.</description></item>",
    "<item><title>Refs &#xD800; &#0; &#99999999;</title><description>Words &#55296;.</description></item>",
    "<item><title><![CDATA[<b>bold</b> & more]]></title><description><![CDATA[<p>para</p>]]></description></item>",
    "<item><title>Deep</title><description>" + "&lt;div&gt;" * 2000 + "x</description></item>",
])
# Items that break the XML: one failure for the feed, the items before them still read.
BREAKING_ITEMS = st.sampled_from([
    "<item><title>Broken <b>item</title><description>x</item>",
    "<item><title>A & B</title><description>Fish & chips</description></item>",
    "<item><title>Bad \x01 char</title><description>Words.</description></item>",
    "<item><title>Cut",
])


@FUZZ
@given(good=st.lists(SENTENCE, min_size=1, max_size=5), odd=st.lists(ODD_ITEMS, max_size=3),
       breaking=st.none() | BREAKING_ITEMS, atom=st.booleans())
def test_fuzz_feed_good_items_read_a_break_one_failure(tmp_path_factory, good, odd, breaking, atom) -> None:
    items = [_item(i, s) for i, s in enumerate(good)] + odd
    if breaking is not None:
        items.append(breaking)
    body = "".join(items)
    if atom:  # the same items inside an Atom feed: feedparser reads RSS items there loosely or not
        doc = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
               f"<title>T</title>{body}</feed>")
    else:
        doc = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>{body}</channel></rss>'
    path = _write(tmp_path_factory.mktemp("feed"), "feed.xml", doc.encode("utf-8"))
    articles, failures = _read(path)
    assert len(failures) <= 1
    if breaking is not None:
        assert len(failures) == 1 and failures[0].message.startswith("[T106]")
    if not atom:
        assert {f"https://example.org/{i}" for i in range(len(good))} <= {a.url for a in articles}


def _page(index: int, sentence: str) -> bytes:
    paragraphs = "".join(f"<p>{sentence} Paragraph {n} of report {index} on the vote.</p>" for n in range(4))
    return (f"<html><head><title>Report {index}</title></head><body><article><h1>Report {index}</h1>"
            f"{paragraphs}</article></body></html>").encode()


# Corrupt WARC records: raw bytes of one record each (compressed as their own gzip member).
BAD_RECORDS = st.sampled_from([
    b"WARC/1.0\r\n" + bytes(range(256)) * 2 + b"\r\n\r\n",
    b"WARC/1.0\r\nWARC-Type: response\r\n\r\n<html>no length</html>\r\n\r\n",
    b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 12\r\n\r\nnot http at all\r\n\r\n",
    b"garbage between records\r\n\r\n",
    b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 40\r\nWARC-Target-URI: https://e.org/x\r\n\r\n"
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n\x00\x00\x00\x00\x00\r\n\r\n",
])


@FUZZ
@given(records=st.lists(st.tuples(SENTENCE, st.none() | BAD_RECORDS), min_size=1, max_size=3),
       first=st.none() | BAD_RECORDS.filter(lambda r: r.startswith(b"WARC/")), compressed=st.booleans())
def test_fuzz_warc_every_good_record_read_each_bad_one_failure(tmp_path_factory, records, first,
                                                                compressed) -> None:
    # A corrupt record follows a good one (or starts the archive, when it starts like a record):
    # corrupt bytes right after corrupt bytes are one stretch to pass over, one failure.
    raw = [first] if first is not None else []
    for index, (sentence, bad) in enumerate(records):
        raw.append(gzip.decompress(make_warc([(f"https://example.org/{index}", _page(index, sentence),
                                               "text/html")])))
        if bad is not None:
            raw.append(bad)
    data = b"".join(gzip.compress(r) for r in raw) if compressed else b"".join(raw)
    path = _write(tmp_path_factory.mktemp("warc"), "news.warc.gz" if compressed else "news.warc", data)
    articles, failures = _read(path)
    assert len(articles) == len(records), [f.message for f in failures]
    assert len(failures) == len(raw) - len(records), [f.message for f in failures]


# Pages and texts: any markup soup or byte mess is one article or one coded failure, never a crash.
MARKUP = st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<script>x()</script>", "<!--", "-->", "<![CDATA[",
                          "&amp;", "&#xD800;", "&#0;", "&bogus;", "<b><i>", "</b>", "<table><tr><td>", "<a href='",
                          "<html>", "<body>", "<title>", "</title>", "<meta charset='utf-8'>", "\x00", "\ufeff"])


@FUZZ
@given(parts=st.lists(st.one_of(SENTENCE, MARKUP), min_size=1, max_size=40), name=st.sampled_from(
    ["page.html", "page.txt", "page"]), gz=st.booleans())
def test_fuzz_pages_and_texts_one_article_or_one_failure(tmp_path_factory, parts, name, gz) -> None:
    data = "".join(parts).encode("utf-8", "surrogatepass")
    if gz:
        data, name = gzip.compress(data), name + ".gz"
    path = _write(tmp_path_factory.mktemp("page"), name, data)
    items = assert_valid_articles(read_paths([str(path)], OPTIONS))
    articles = [i for i in items if isinstance(i, Article)]
    failures = [i for i in items if isinstance(i, Failure)]
    assert len(items) == 1, items
    assert len(articles) + len(failures) <= 1
    for failure in failures:
        assert re.match(r"^\[T1\d\d\] ", failure.message), failure.message
