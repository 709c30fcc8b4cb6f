"""The tidings_quotes stage: who said what, to whom, resolved to real speakers.

Finds quotations in marks (direct), reported speech with a cue verb and a
content clause or "according to" (indirect), and quotations inside reported
speech (mixed). Each quote carries its content offsets, its speaker (an entity
id through the entity layer's mentions, else ``None``, with the speaker's words
kept), the cue and the addressee. See ``docs/quotes.md``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.tokens import Doc

from tidings.errors import ConfigError
from tidings.nlp._quotes.direct import find_direct
from tidings.nlp._quotes.index import DocIndex
from tidings.nlp._quotes.indirect import find_indirect
from tidings.nlp._quotes.lexicon import CUE_KINDS, DEFAULT_CUES, load_cues
from tidings.nlp._quotes.marks import find_quoted
from tidings.nlp._quotes.record import Quote
from tidings.nlp._quotes.speakers import SpeakerResolver

logger = logging.getLogger(__name__)

__all__ = ["QuoteFinder", "quote_at"]


class QuoteFinder:
    """Find and attribute quotes; a spaCy pipeline component.

    Args:
        nlp: the pipeline.
        name: the component's name.
        cues: the cue lexicon: ``"tidings:quotes/cues.tsv"`` or a path to a user's file.
        kinds: cue kinds to use (``None`` for all), e.g. leave out ``cognition``.
        min_unattributed_words: keep a quotation in marks with no speaker only when it
            has at least this many words.
        min_fragment_words: keep an embedded quotation with no cue (not inside reported
            speech) only when it has at least this many words.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "tidings_quotes",
        *,
        cues: str = DEFAULT_CUES,
        kinds: list[str] | None = None,
        min_unattributed_words: int = 4,
        min_fragment_words: int = 8,
    ) -> None:
        if kinds is not None and not set(kinds) <= CUE_KINDS:
            raise ConfigError(
                f"[T401] unknown cue kind(s) {sorted(set(kinds) - CUE_KINDS)}; expected some of {sorted(CUE_KINDS)}"
            )
        if min_unattributed_words < 0 or min_fragment_words < 0:
            raise ConfigError("[T402] minimum word counts must be zero or more")
        self.name = name
        self.lexicon = load_cues(cues if cues.startswith("tidings:") else Path(cues),
                                 kinds=frozenset(kinds) if kinds is not None else None)
        self.min_unattributed_words = min_unattributed_words
        self.min_fragment_words = min_fragment_words
        # Cue candidates are found with one vectorised lookup over the Doc's lemma and
        # lower-case arrays: cheaper than a Matcher for a plain word list.
        strings = nlp.vocab.strings
        self._cue_ids = np.array(sorted(strings.add(lemma) for lemma in self.lexicon.clause), dtype=np.uint64)
        self._according = (strings.add("according"), strings.add("to"))

    def __call__(self, doc: Doc) -> Doc:
        """Find the quotes of a Doc and set ``doc._.tidings_quotes``."""
        quotes, text = self._match(doc)
        doc._.tidings_quotes = [q.as_dict(text) for q in quotes]
        return doc

    def match(self, doc: Doc) -> list[Quote]:
        """Find the quotes of a parsed Doc, in text order."""
        return self._match(doc)[0]

    def _match(self, doc: Doc) -> tuple[list[Quote], str]:
        if not doc.has_annotation("DEP"):
            logger.debug("tidings_quotes: the Doc has no dependency parse; no quotes read")
            return [], ""
        ix = DocIndex.build(doc)
        quoted = find_quoted(ix.text, ix.paras)
        resolver = SpeakerResolver.for_doc(doc)
        direct = find_direct(
            doc, ix, quoted, self.lexicon, resolver, min_unattributed_words=self.min_unattributed_words
        )
        cue_spans = self._cue_candidates(doc)
        indirect, left = find_indirect(
            doc, ix, cue_spans, self.lexicon, resolver,
            taken=direct.quotes, claimed=direct.claimed, fragments=direct.fragments,
        )
        quotes = direct.quotes + indirect
        text = ix.text
        for fragment in left:
            if len(text[fragment.start : fragment.end].split()) >= self.min_fragment_words:
                # Words in marks inside a sentence of the writer's: someone's words, reported.
                quotes.append(Quote(fragment.start, fragment.end, "mixed"))
        quotes.sort(key=lambda q: (q.start, q.end))
        return quotes, text

    def _cue_candidates(self, doc: Doc) -> list[tuple[int, int]]:
        """Token spans of possible cues: a cue lemma (or word), or "according to"."""
        if len(doc) == 0:
            return []
        arr = doc.to_array([LEMMA, LOWER])
        hits = np.isin(arr[:, 0], self._cue_ids) | np.isin(arr[:, 1], self._cue_ids)
        spans = [(int(i), int(i) + 1) for i in np.flatnonzero(hits)]
        according, to = self._according
        lower = arr[:, 1]
        for i in np.flatnonzero(lower[:-1] == according):
            if lower[i + 1] == to:
                spans.append((int(i), int(i) + 2))
        return sorted(spans)

    def set_annotations(self, doc: Doc, quotes: list[Quote]) -> None:
        """Write the quotes to ``doc._.tidings_quotes`` as output records."""
        text = doc.text
        doc._.tidings_quotes = [q.as_dict(text) for q in quotes]


@Language.factory(
    "tidings_quotes",
    assigns=["doc._.tidings_quotes"],
    requires=["token.dep", "token.lemma", "doc.sents"],
    default_config={
        "cues": DEFAULT_CUES,
        "kinds": None,
        "min_unattributed_words": 4,
        "min_fragment_words": 8,
    },
)
def make_quotes(
    nlp: Language,
    name: str,
    cues: str,
    kinds: list[str] | None,
    min_unattributed_words: int,
    min_fragment_words: int,
) -> QuoteFinder:
    """Build the tidings_quotes component (see :class:`QuoteFinder`)."""
    return QuoteFinder(
        nlp, name, cues=cues, kinds=kinds,
        min_unattributed_words=min_unattributed_words, min_fragment_words=min_fragment_words,
    )


def quote_at(doc: Doc, start_char: int, end_char: int) -> dict[str, Any] | None:
    """Return the quote whose content contains ``[start_char, end_char)``, if any.

    When quotes nest (a quotation inside reported speech), the innermost wins.

    Args:
        doc: a Doc the quote stage has run on.
        start_char: start of the words (an event's trigger, say).
        end_char: their end.

    Returns:
        The quote record, or ``None``.
    """
    best: dict[str, Any] | None = None
    for quote in doc._.tidings_quotes or []:
        if quote["start"] <= start_char and end_char <= quote["end"] and (
            best is None or quote["end"] - quote["start"] < best["end"] - best["start"]
        ):
            best = quote
    return best
