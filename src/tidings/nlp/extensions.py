"""Custom attributes tidings sets on spaCy objects, registered once.

Contract between components (every offset is a character index into
``doc.text``, which has the same length as ``Article.text``):

``doc._.tidings_published``  ISO date of publication or ``None`` (set before the pipeline)
``doc._.tidings_dateline``   dateline place text or ``None``
``doc._.tidings_url``        the article's URL or ``None`` (its country-code domain hints at its home country)
``doc._.tidings_sections``   ``[(kind, start, end)]`` from reading
``doc._.tidings_entities``   ``[dict]`` entities of the output contract, ids ``"E1"``...
``doc.spans["tidings_mentions"]`` one span per entity mention; ``span.kb_id_`` is
                             the entity id, ``span.label_`` the entity type
``doc._.tidings_times``      ``[dict]`` times of the output contract; each may carry
                             ``"head"``: the token index of the word it modifies
``doc._.tidings_quotes``     ``[dict]`` quotes of the output contract
``doc._.tidings_events``     ``[dict]`` events of the output contract
"""

from __future__ import annotations

from spacy.tokens import Doc

_DOC_ATTRS: dict[str, object] = {
    "tidings_article_id": None,
    "tidings_published": None,
    "tidings_dateline": None,
    "tidings_url": None,
    "tidings_sections": None,
    "tidings_entities": None,
    "tidings_times": None,
    "tidings_quotes": None,
    "tidings_events": None,
}


def set_extensions() -> None:
    """Register tidings' Doc extensions; safe to call any number of times."""
    for name, default in _DOC_ATTRS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


def entity_of(doc: Doc, start_char: int, end_char: int) -> str | None:
    """Return the id of the entity whose mention covers ``[start_char, end_char)``, if any."""
    group = doc.spans.get("tidings_mentions")
    if group is None:
        return None
    for span in group:
        if span.start_char <= start_char and end_char <= span.end_char:
            return span.kb_id_ or None
    return None


set_extensions()
