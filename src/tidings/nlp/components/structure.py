"""Mark sentence starts at paragraph breaks and section edges, before the parser.

Headlines and captions carry no final full stop; without this the parser runs
them into the next paragraph.

A run of more than :data:`MAX_SENTENCE_TOKENS` tokens with no line break and no
sentence-ending mark (a text without punctuation) is cut there into sentences,
so neither the parser nor a stage ever works over one sentence of thousands of
tokens. News prose does not reach it (the longest such run in the shared news
data is 241 tokens).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

# The longest run of tokens read as one sentence when nothing else ends it.
MAX_SENTENCE_TOKENS = 300
_SENTENCE_ENDS = frozenset({".", "!", "?", ";", "…"})


@Language.component(
    "tidings_structure",
    assigns=["token.is_sent_start"],
)
def structure(doc: Doc) -> Doc:
    """Start a sentence after every line break and at every section start."""
    starts = {start for _kind, start, _end in (doc._.tidings_sections or [])}
    after_break = False
    run = 0  # tokens since the last line break or sentence-ending mark
    for i, token in enumerate(doc):
        if i == 0:
            token.is_sent_start = True
        elif (after_break or token.idx in starts) and not token.is_space:
            token.is_sent_start = True
            after_break = False
            run = 0
        elif run >= MAX_SENTENCE_TOKENS and not token.is_space:
            token.is_sent_start = True
            run = 0
        run += 1
        if token.text in _SENTENCE_ENDS:
            run = 0
        if "\n" in token.text or "\n" in token.whitespace_:
            after_break = True
        elif after_break and not token.is_space:
            after_break = False
    return doc
