"""Mark sentence starts at paragraph breaks and section edges, before the parser.

Headlines and captions carry no final full stop; without this the parser runs
them into the next paragraph.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component(
    "tidings_structure",
    assigns=["token.is_sent_start"],
)
def structure(doc: Doc) -> Doc:
    """Start a sentence after every line break and at every section start."""
    starts = {start for _kind, start, _end in (doc._.tidings_sections or [])}
    after_break = False
    for i, token in enumerate(doc):
        if i == 0:
            token.is_sent_start = True
        elif (after_break or token.idx in starts) and not token.is_space:
            token.is_sent_start = True
            after_break = False
        if "\n" in token.text or "\n" in token.whitespace_:
            after_break = True
        elif after_break and not token.is_space:
            after_break = False
    return doc
