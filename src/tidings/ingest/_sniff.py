"""Tell the format of an input from its first bytes, with its file name as a hint."""

from __future__ import annotations

import json
import re

FORMATS = ("text", "html", "feed", "jsonl", "warc")

_EXTENSIONS = {
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".rss": "feed", ".atom": "feed", ".xml": "feed", ".rdf": "feed",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".warc": "warc", ".arc": "warc",
}
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE)
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title)\b", re.IGNORECASE)
_HTML_TAGS = re.compile(rb"<(?:p|div|article|section|span|a|h[1-6]|br|script|style|table)\b[^>]*>", re.IGNORECASE)
# A JSON document: an object whose first key follows, or an array of objects (or an empty one).
_JSON_DOCUMENT = re.compile(rb"^(?:\{\s*\"|\[\s*(?:\{|\]))")
_LEADING_JUNK = re.compile(rb"^(?:\xef\xbb\xbf|\s|<!--.*?-->)*", re.DOTALL)


def extension_hint(name: str) -> str | None:
    """Return the format a file name suggests (``.gz`` stripped), or None."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    if lower.endswith((".warc", ".arc")):
        return "warc"
    dot = lower.rfind(".")
    if dot < 0 or "/" in lower[dot:]:
        return None
    return _EXTENSIONS.get(lower[dot:])


def sniff(head: bytes, name: str = "") -> str:
    """Guess the format of an input from its first bytes.

    The content decides when it is clear (a WARC header, a feed root element, an
    HTML document, JSON objects on the first lines, a JSON object or array of
    objects however laid out); the file name breaks ties.

    Args:
        head: the first bytes (decompressed), a few kilobytes.
        name: the file name, for its extension.

    Returns:
        One of ``text``, ``html``, ``feed``, ``jsonl``, ``warc``; ``jsonl`` names
        every JSON layout (JSON Lines, one object, an array), which its reader tells apart.
    """
    hint = extension_hint(name)
    start = _LEADING_JUNK.sub(b"", head[:4096], count=1)
    if start.startswith((b"WARC/", b"filedesc://")):
        return "warc"
    if start.startswith(b"<?xml") or start.startswith(b"<"):
        window = start[:2048]
        if _FEED_ROOT.search(window) and not _HTML_START.match(start):
            return "feed"
        if _HTML_START.match(start) or (start.startswith(b"<?xml") and b"<html" in window.lower()):
            return "html"
        if hint in {"feed", "html"}:
            return hint
        if len(_HTML_TAGS.findall(head[:8192])) >= 3:
            return "html"
    if (start.startswith(b"{") and _json_lines(start)) or _JSON_DOCUMENT.match(start):
        return "jsonl"  # JSON Lines, or one JSON document (an object, an array): one reader for both
    if hint in {"jsonl", "warc", "feed", "html"} and hint != "text":
        # A wrong extension on text should not make the reader fail: trust content
        # for HTML/feeds (checked above); keep the hint for dumps and archives.
        return hint if hint in {"jsonl", "warc"} else "text"
    return "text"


def _json_lines(start: bytes) -> bool:
    """Whether the first complete line of ``start`` is a JSON object."""
    line = start.split(b"\n", 1)[0]
    if b"\n" not in start and len(start) >= 4096:
        return True  # a very long first line that starts like JSON: let the JSONL reader judge
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False
