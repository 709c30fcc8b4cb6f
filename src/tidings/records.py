"""Records passed between stages: what reading produces.

An :class:`Article` is the text of one news item with its structure. All
offsets are Python string indices into ``Article.text``.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

SECTION_KINDS = ("headline", "caption", "credit", "dateline", "byline", "body", "wire", "boilerplate")

# Sections whose words are not part of the story: no entity, time, quote or
# event may be read from them.
NON_STORY_KINDS = frozenset({"boilerplate", "credit", "wire", "byline"})


@dataclass(frozen=True, slots=True)
class Section:
    """A typed stretch of the article text."""

    kind: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Caption:
    """A photo caption and its credit."""

    text: str
    credit: str | None
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, read but not yet analysed.

    Attributes:
        text: the article text; for plain-text input exactly the decoded input.
        source_path: the file, URL or ``-`` it was read from.
        source_entry: the entry within the source (feed item, JSONL line,
            WARC record) or ``None`` for a single-article source.
        headline, published, dateline, publisher, wire, url, language,
        author: reading fields of the output contract.
        sections, captions: the wire-story structure.
        published_from: where ``published`` came from (``metadata``,
            ``caption``, ``text``, ``url``, ``option``) or ``None``.
        format: the input format that was read.
    """

    text: str
    source_path: str
    source_entry: str | None = None
    headline: str | None = None
    published: str | None = None
    published_from: str | None = None
    dateline: str | None = None
    publisher: str | None = None
    wire: tuple[str, ...] = ()
    url: str | None = None
    author: str | None = None
    language: str = "en"
    format: str = "text"
    sections: tuple[Section, ...] = ()
    captions: tuple[Caption, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """A stable id: a hash of the URL (when known) and the text.

        The local path is left out so that the same article read from another
        folder, or re-read in a later batch, keeps its id.
        """
        key = (self.url or "") + "\x00" + self.text
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    def story_mask(self) -> list[tuple[int, int]]:
        """Spans of text that are not part of the story (boilerplate, credits)."""
        return [(s.start, s.end) for s in self.sections if s.kind in NON_STORY_KINDS]

    def as_dict(self) -> dict[str, Any]:
        """The reading fields of the output contract, in contract order."""
        return {
            "id": self.id,
            "source_path": self.source_path,
            "source_entry": self.source_entry,
            "format": self.format,
            "headline": self.headline,
            "published": self.published,
            "published_from": self.published_from,
            "dateline": self.dateline,
            "publisher": self.publisher,
            "wire": list(self.wire),
            "url": self.url,
            "author": self.author,
            "language": self.language,
            "text": self.text,
            "sections": [s.as_dict() for s in self.sections],
            "captions": [c.as_dict() for c in self.captions],
        }
