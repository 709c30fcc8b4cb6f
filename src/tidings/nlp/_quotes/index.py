"""Positions in a Doc: tokens by character, sentences, paragraphs (built once per Doc)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
from spacy.attrs import IDX, SENT_START
from spacy.tokens import Doc

from tidings.nlp._quotes.marks import paragraphs
from tidings.records import NON_STORY_KINDS

# Parts of an article no quotation runs into or starts in: the text blanked before
# the pipeline (credits, wire names, bylines, boilerplate) and the dateline.
CUT_KINDS = NON_STORY_KINDS | {"dateline"}


@dataclass(frozen=True, slots=True)
class DocIndex:
    """Lookups the quote stage needs, computed once per Doc.

    Attributes:
        doc: the Doc.
        text: its text (``doc.text`` joins every token anew on each access).
        starts: character offset of each token.
        sent_starts: token index where each sentence starts.
        paras: ``(start, end)`` characters of each paragraph; a dateline or a
            blanked part of the article (see :data:`CUT_KINDS`) ends one, so
            "LONDON (Reuters) - “...”" opens a paragraph at the quotation.
        para_starts: start character of each paragraph.
    """

    doc: Doc
    text: str
    starts: list[int]
    sent_starts: list[int]
    paras: list[tuple[int, int]]
    para_starts: list[int]

    @classmethod
    def build(cls, doc: Doc) -> DocIndex:
        """Index a parsed Doc."""
        text = doc.text
        cuts = [(s, e) for kind, s, e in doc._.tidings_sections or () if kind in CUT_KINDS]
        paras = cut_paragraphs(text, paragraphs(text), cuts)
        arr = doc.to_array([IDX, SENT_START])
        sent_starts = [0]
        if doc.has_annotation("SENT_START"):
            sent_starts = [int(i) for i in np.flatnonzero(arr[:, 1] == 1)] or [0]
            if sent_starts[0] != 0:
                sent_starts.insert(0, 0)
        return cls(
            doc=doc,
            text=text,
            starts=arr[:, 0].tolist(),
            sent_starts=sent_starts,
            paras=paras,
            para_starts=[p[0] for p in paras],
        )

    def token_at(self, char: int) -> int:
        """Index of the token containing (or last starting before) a character."""
        return max(0, bisect.bisect_right(self.starts, char) - 1)

    def token_from(self, char: int) -> int:
        """Index of the first token starting at or after a character."""
        return bisect.bisect_left(self.starts, char)

    def sentence_of(self, i: int) -> tuple[int, int]:
        """Token span ``[start, end)`` of the sentence holding token ``i``."""
        k = bisect.bisect_right(self.sent_starts, i) - 1
        start = self.sent_starts[max(k, 0)]
        end = self.sent_starts[k + 1] if k + 1 < len(self.sent_starts) else len(self.doc)
        return start, end

    def paragraph_of(self, char: int) -> int:
        """Index of the paragraph holding a character (the previous one in a gap)."""
        return max(0, bisect.bisect_right(self.para_starts, char) - 1)


def cut_paragraphs(text: str, paras: list[tuple[int, int]], cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split paragraphs around the parts ``cuts`` name, dropping those parts.

    What is left of a paragraph starts at its first character that is neither
    space nor a dash or colon after the cut (the "-" of "LONDON (Reuters) -"),
    and pieces with no word or mark in them are dropped.
    """
    if not cuts:
        return paras
    cuts = sorted(cuts)
    out: list[tuple[int, int]] = []
    for start, end in paras:
        pos = start
        for cs, ce in cuts:
            if ce <= pos or cs >= end:
                continue
            _keep(text, pos, min(cs, end), out, after_cut=pos != start)
            pos = max(pos, ce)
        _keep(text, pos, end, out, after_cut=pos != start)
    return out


_SEPARATORS = " \t\r\n\f\v\u00a0-\u2010\u2011\u2012\u2013\u2014\u2015:"


def _keep(text: str, start: int, end: int, out: list[tuple[int, int]], *, after_cut: bool) -> None:
    if after_cut:
        while start < end and text[start] in _SEPARATORS:
            start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end and any(not ch.isspace() for ch in text[start:end]):
        out.append((start, end))
