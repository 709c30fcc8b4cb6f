"""A small mixed directory of news inputs for the batch tests (no network, no shared data)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

_STORIES = [
    ("Minister visits port city",
     "The trade minister visited the port on Monday and met dock workers.\n\n"
     "\"We will invest in the harbour,\" the minister said after the meeting."),
    ("Council approves new budget",
     "The city council approved a new budget on Tuesday after a long debate.\n\n"
     "Opposition members said the plan would raise local taxes."),
    ("Talks resume between neighbours",
     "Diplomats from the two countries resumed talks in Geneva on Wednesday.\n\n"
     "The foreign ministry said progress had been made on border crossings."),
    ("Farmers protest over prices",
     "Hundreds of farmers protested outside parliament on Thursday over falling prices.\n\n"
     "Police said the protest was peaceful and ended in the afternoon."),
    ("Storm closes schools",
     "A storm closed schools across the northern region on Friday.\n\n"
     "Forecasters said the wind would ease over the weekend."),
    ("Court rejects appeal",
     "The supreme court rejected an appeal by the former mayor on Monday.\n\n"
     "His lawyers said they would study the ruling before deciding what to do."),
    ("Rail strike called off",
     "Union leaders called off a rail strike planned for next week.\n\n"
     "The transport ministry welcomed the decision and promised further talks."),
]


def _text(i: int) -> str:
    headline, body = _STORIES[i]
    return f"{headline}\n\n{body}\n"


def _html(i: int) -> str:
    headline, body = _STORIES[i]
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{headline}</title><meta property='article:published_time' content='2024-03-0{i}'>"
        f"</head><body><article><h1>{headline}</h1>{paras}</article></body></html>"
    )


def _feed(indices: list[int]) -> str:
    items = "".join(
        f"<item><title>{_STORIES[i][0]}</title><link>https://news.example.org/{i}</link>"
        f"<pubDate>Mon, 04 Mar 2024 10:00:00 GMT</pubDate>"
        f"<description>{_STORIES[i][1]}</description></item>"
        for i in indices
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Example news</title><link>https://news.example.org/</link>{items}</channel></rss>"
    )


def _warc(i: int) -> bytes:
    """One gzipped WARC response record holding the HTML page of story ``i``."""
    body = _html(i).encode("utf-8")
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    head = (
        "WARC/1.0\r\n"
        "WARC-Type: response\r\n"
        f"WARC-Target-URI: https://news.example.org/story/{i}\r\n"
        "WARC-Date: 2024-03-05T10:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-00000000000{i}>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode("ascii")
    return gzip.compress(head + http + b"\r\n\r\n")


def build_mixed_dir(root: Path) -> Path:
    """Write one input of each format, and one corrupt file, under ``root/inputs``."""
    inputs = root / "inputs"
    (inputs / "sub").mkdir(parents=True)
    (inputs / "story.txt").write_text(_text(0), encoding="utf-8")
    (inputs / "page.html").write_text(_html(1), encoding="utf-8")
    (inputs / "feed.xml").write_text(_feed([2, 3]), encoding="utf-8")
    lines = [json.dumps({"title": _STORIES[4][0], "text": _STORIES[4][1], "url": "https://news.example.org/4"})]
    (inputs / "sub" / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (inputs / "sub" / "crawl.warc.gz").write_bytes(_warc(5))
    (inputs / "notes.txt.gz").write_bytes(gzip.compress(_text(6).encode("utf-8")))
    # A gzip file cut off half way: the reader must report it and the batch go on.
    (inputs / "broken.txt.gz").write_bytes(gzip.compress(_text(6).encode("utf-8") * 50)[:40])
    return inputs
