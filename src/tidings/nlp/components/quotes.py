"""The tidings_quotes stage (to be filled in by its own issue)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("tidings_quotes", assigns=["doc._.tidings_quotes"])
def quotes(doc: Doc) -> Doc:
    """Placeholder: sets an empty list until the stage is implemented."""
    doc._.tidings_quotes = []
    return doc
