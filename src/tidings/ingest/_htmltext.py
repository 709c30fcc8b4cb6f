"""Turn an HTML fragment (a feed entry's content) into plain paragraphs."""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

_BLOCKS = frozenset({
    "p", "div", "section", "article", "header", "footer", "aside", "blockquote", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr",
    "figure", "figcaption", "hr", "address", "main", "nav",
})
_DROP = frozenset({"script", "style", "noscript", "iframe", "object", "embed", "form", "button", "svg"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def fragment_to_text(markup: str) -> str:
    """Return the text of an HTML fragment, one paragraph per block element.

    Args:
        markup: HTML, possibly without a root element; plain text passes through.

    Returns:
        Paragraphs separated by blank lines; ``<br>`` becomes a line break.
    """
    if "<" not in markup:
        return _tidy(markup.replace("&nbsp;", " "))
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return _tidy(re.sub(r"<[^>]*>", " ", markup))
    parts: list[str] = []
    _walk(root, parts)
    return _tidy("".join(parts))


def _walk(element: lxml.html.HtmlElement, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _DROP:
        if element.tail:
            parts.append(element.tail)
        return
    if tag in _BLOCKS:
        parts.append("\n\n")
    elif tag == "br":
        parts.append("\n")
    if element.text and tag:
        parts.append(element.text)
    for child in element:
        _walk(child, parts)
    if tag in _BLOCKS:
        parts.append("\n\n")
    if element.tail:
        parts.append(element.tail)


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    blank = False
    for line in lines:
        if not line:
            blank = bool(out)
            continue
        if out:
            out.append("\n\n" if blank else "\n")
        out.append(line)
        blank = False
    return "".join(out)
