"""What format readers hand back before structure, dates and language are settled."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A UTF-16 surrogate standing alone: JSON's \ud800 escapes decode to one, and it
# cannot be written as UTF-8 (hashing, storing or printing the text would fail).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(value: str) -> str:
    """Replace lone surrogates by U+FFFD (one code point for one, so offsets hold)."""
    return _LONE_SURROGATE.sub("\ufffd", value) if _LONE_SURROGATE.search(value) else value


@dataclass(frozen=True, slots=True)
class Draft:
    """One article as a format reader found it.

    Attributes:
        text: the article text (for plain text, the input exactly as decoded).
        format: the input format (``text``, ``html``, ``feed``, ``jsonl``, ``warc``).
        source_entry: the entry within the input, or None for a one-article input.
        headline: the title the source's metadata gives, if any; when set, ``text``
            starts with it (the readers put it there).
        published: the publication date or datetime the metadata gives (ISO), if any.
        url, author, sitename, language: what the metadata says, if anything.
    """

    text: str
    format: str
    source_entry: str | None = None
    headline: str | None = None
    published: str | None = None
    url: str | None = None
    author: str | None = None
    sitename: str | None = None
    language: str | None = None


def with_headline(title: str | None, body: str) -> tuple[str | None, str]:
    """Put a metadata title in front of a body text, unless the body already starts with it.

    Args:
        title: the title from metadata (may be None or blank).
        body: the extracted body text.

    Returns:
        ``(headline, text)``: the cleaned title (None when absent) and the text,
        which starts with the headline followed by a blank line.
    """
    headline = " ".join(title.split()) if title else None
    body = body.strip("\n")
    if not headline:
        return None, body
    first = body.lstrip().split("\n", 1)[0].strip()
    if first == headline:
        return headline, body
    return headline, f"{headline}\n\n{body}"
