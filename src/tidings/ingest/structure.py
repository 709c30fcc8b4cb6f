"""Wire-story structure: headline, caption, dateline, byline, wire credit, boilerplate."""

from __future__ import annotations

from dataclasses import replace

from tidings.records import Article, Section


def structure_article(article: Article) -> Article:
    """Mark the sections of a plain-text article (minimal: headline and body)."""
    text = article.text
    first_nl = text.find("\n")
    sections: list[Section] = []
    headline = None
    if first_nl > 0 and text[first_nl:first_nl + 2] == "\n\n":
        headline = text[:first_nl].strip() or None
        sections.append(Section("headline", 0, first_nl))
        sections.append(Section("body", first_nl, len(text)))
    else:
        sections.append(Section("body", 0, len(text)))
    return replace(article, headline=headline, sections=tuple(sections))
