"""The tidings_events stage (to be filled in by its own issue)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("tidings_events", assigns=["doc._.tidings_events"])
def events(doc: Doc) -> Doc:
    """Placeholder: sets an empty list until the stage is implemented."""
    doc._.tidings_events = []
    return doc
