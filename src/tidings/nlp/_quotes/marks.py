"""Find spans of text enclosed in quotation marks, bounded by paragraphs.

Straight and curly double marks (and guillemets, and two apostrophes standing
for a straight mark) are read with one pass over
the marks only (a regular expression finds them), so a long article costs
little. A quotation opened and not closed ends at the end of its paragraph,
unless the next paragraph opens with a mark: the news convention for a quote
that runs over several paragraphs. A stray closing mark is ignored. Nothing
here can make a quotation run over the rest of an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENERS = "“„«"
CLOSERS = "”»"
STRAIGHT = '"'
# Two apostrophes stand for a straight double mark in some archives (''Yes,'' he said).
DOUBLE_APOSTROPHE = "''"
_MARK = re.compile(r"''|[\"“”„«»]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v\u00a0]*\n\s*")
_LINE_BREAK = re.compile(r"\n\s*")
# Text whose lines all stay within a width (WRAP_MIN to WRAP_WIDTH), most of them near the longest,
# is hard-wrapped.
WRAP_WIDTH = 100
WRAP_MIN = 50
WRAP_SLACK = 20
# Characters after which a straight mark is more likely to open than to close.
_OPEN_CONTEXT = set(" \t\n\r\u00a0([{—–-/") | set(OPENERS)
_CLOSE_AFTER = set(" \t\n\r\u00a0.,;:!?)]}—–-…'’") | set(CLOSERS)


@dataclass(frozen=True, slots=True)
class Quoted:
    """A stretch of text between quotation marks.

    Attributes:
        start: first character of the content (whitespace after the mark skipped).
        end: end of the content (before the closing mark, whitespace trimmed).
        open: index of the opening mark.
        close: index of (the last character of) the closing mark, or ``None`` when the
            paragraph ended first.
        paragraph: index of the paragraph the quotation opens in.
        last_paragraph: index of the paragraph it ends in.
        depth_marks: whether quotation marks were nested inside it.
    """

    start: int
    end: int
    open: int
    close: int | None
    paragraph: int
    last_paragraph: int
    nested: bool = False

    @property
    def outer_end(self) -> int:
        """End of the quotation including its closing mark."""
        return self.close + 1 if self.close is not None else self.end


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Split text into paragraphs: on blank lines, and on line breaks unless the text is hard-wrapped.

    Some articles separate paragraphs with blank lines in one part and single line
    breaks in another; a single break ends a paragraph too, except in text wrapped
    at a fixed width (lines of about the same length), where it only ends a line.

    Args:
        text: the article text.

    Returns:
        ``(start, end)`` of each non-empty paragraph, in order.
    """
    breaker = _PARAGRAPH_BREAK if _hard_wrapped(text) else _LINE_BREAK
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in breaker.finditer(text):
        if text[pos : m.start()].strip():
            spans.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        spans.append((pos, len(text)))
    return spans


def _hard_wrapped(text: str) -> bool:
    """Whether the text's lines are wrapped at a fixed width (most lines near the longest)."""
    if not _PARAGRAPH_BREAK.search(text):
        return False
    lengths = [len(line.rstrip()) for line in text.split("\n") if line.strip()]
    if len(lengths) < 4:
        return False
    longest = max(lengths)
    if longest > WRAP_WIDTH or longest < WRAP_MIN:
        return False
    near = sum(1 for n in lengths if n >= longest - WRAP_SLACK)
    return near >= 0.5 * len(lengths)


def _straight_role(text: str, i: int, j: int) -> tuple[bool, bool]:
    """Return (may open, may close) for a straight mark at ``text[i:j]``."""
    before = text[i - 1] if i > 0 else " "
    after = text[j] if j < len(text) else " "
    may_open = before in _OPEN_CONTEXT and not after.isspace()
    may_close = not before.isspace() and (after in _CLOSE_AFTER or after.isspace())
    return may_open, may_close


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(slots=True)
class _Scan:
    """The state of the pass over the marks: the open quotation, its nesting and what was found."""

    text: str
    found: list[Quoted]
    open_at: int | None = None
    open_len: int = 1
    open_para: int = 0
    depth: int = 0
    nested: bool = False

    def _open(self, i: int, length: int, p: int) -> None:
        self.open_at, self.open_len, self.open_para, self.depth, self.nested = i, length, p, 0, False

    def _close(self, i: int, close: int | None, p: int) -> None:
        assert self.open_at is not None
        start, end = _trim(self.text, self.open_at + self.open_len, i)
        self.found.append(Quoted(start, end, self.open_at, close, self.open_para, p, self.nested))
        self.open_at = None

    def mark(self, i: int, j: int, p: int) -> None:
        """Read the mark at ``text[i:j]`` in paragraph ``p``."""
        text = self.text
        ch = text[i]
        if ch == STRAIGHT or j - i > 1:
            may_open, may_close = _straight_role(text, i, j)
            if self.open_at is None:
                if may_open or not may_close:
                    self._open(i, j - i, p)
            elif self.depth > 0 and may_close:
                self.depth -= 1
            elif may_open and not may_close:
                self.depth += 1
                self.nested = True
            else:
                self._close(i, j - 1, p)
        elif ch in OPENERS:
            if self.open_at is None:
                self._open(i, 1, p)
            else:
                self.depth += 1
                self.nested = True
        elif self.open_at is not None:  # a closing curly mark
            if self.depth > 0:
                self.depth -= 1
            else:
                self._close(i, i, p)


def find_quoted(text: str, paras: list[tuple[int, int]] | None = None) -> list[Quoted]:
    """Find the top-level quotations of a text.

    Args:
        text: the article text.
        paras: its paragraphs (as from :func:`paragraphs`); computed when omitted.

    Returns:
        Quotations in text order; nested quotations are part of their outer one.
    """
    if paras is None:
        paras = paragraphs(text)
    marks = [(m.start(), m.end()) for m in _MARK.finditer(text)]
    if not marks:
        return []
    scan = _Scan(text, [])
    k = 0
    for p, (pstart, pend) in enumerate(paras):
        while k < len(marks) and marks[k][0] < pstart:
            k += 1
        while k < len(marks) and marks[k][0] < pend:
            i, j = marks[k]
            k += 1
            scan.mark(i, j, p)
        if scan.open_at is None:
            continue
        following = paras[p + 1][0] if p + 1 < len(paras) else None
        if following is not None and (text[following] in OPENERS or text[following] == STRAIGHT
                                      or text.startswith(DOUBLE_APOSTROPHE, following)):
            # The quotation runs on: the next paragraph re-opens it. Skip that mark.
            if k < len(marks) and marks[k][0] == following:
                k += 1
            scan.depth = 0
            continue
        scan._close(pend, None, p)
    return [q for q in scan.found if q.end > q.start]
