"""The PLOVER event types, the modalities of an event and how the types split into
cooperation and conflict: what the store's network and the web pages need of the
event ontology, without the NLP pipeline (nothing here imports spaCy).

The types are read from the event ontology's data file (``events/plover.yaml``),
the modalities are the ontology's own constant, and the split is data too
(``web/polarity.tsv``).
"""

from __future__ import annotations

import functools

from tidings.knowledge.files import Field, load_data_file
from tidings.nlp._events.ontology import MODALITIES, ONTOLOGY, ONTOLOGY_FIELDS

POLARITY = "tidings:web/polarity.tsv"

__all__ = ["MODALITIES", "plover_types", "polarity"]


@functools.lru_cache(maxsize=1)
def plover_types() -> tuple[str, ...]:
    """The event types of the shipped ontology, in its order."""
    return tuple(str(e["type"]) for e in load_data_file(ONTOLOGY, ONTOLOGY_FIELDS).entries)


@functools.lru_cache(maxsize=1)
def polarity() -> dict[str, str]:
    """PLOVER type -> ``cooperation`` or ``conflict``, from ``data/web/polarity.tsv``."""
    fields = (
        Field("type", required=True, choices=frozenset(plover_types())),
        Field("polarity", required=True, choices=frozenset({"cooperation", "conflict"})),
    )
    data = load_data_file(POLARITY, fields)
    return {str(e["type"]): str(e["polarity"]) for e in data.entries}
