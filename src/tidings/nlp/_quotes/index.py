"""Positions in a Doc: tokens by character, sentences, paragraphs (built once per Doc)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
from spacy.attrs import IDX, SENT_START
from spacy.tokens import Doc

from tidings.nlp._quotes.marks import paragraphs


@dataclass(frozen=True, slots=True)
class DocIndex:
    """Lookups the quote stage needs, computed once per Doc.

    Attributes:
        doc: the Doc.
        text: its text (``doc.text`` joins every token anew on each access).
        starts: character offset of each token.
        sent_starts: token index where each sentence starts.
        paras: ``(start, end)`` characters of each paragraph.
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
        paras = paragraphs(text)
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
