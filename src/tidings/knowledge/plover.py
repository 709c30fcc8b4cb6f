"""The PLOVER event types, the modalities of an event and how the types split into
cooperation and conflict: what the store's network and the web pages need of the
event ontology, without the NLP pipeline (nothing here imports spaCy).

The types are read from the event ontology's data file (``events/plover.yaml``),
the modalities are defined here (the event stage takes them from here too), and
the split is data too (``web/polarity.tsv``).
"""

from __future__ import annotations

import functools

from tidings.knowledge.files import Field, load_data_file

ONTOLOGY = "tidings:events/plover.yaml"
POLARITY = "tidings:web/polarity.tsv"

MODALITIES = ("occurred", "planned", "possible", "hypothetical", "negated")
"""What an event's report says of it, weakest claim last but one: it happened, is
planned, is possible, is only supposed, or did not happen."""

ONTOLOGY_FIELDS = (
    Field("type", required=True, check=lambda v: None if v.isupper() else "type names are upper case"),
    Field("description"),
    Field("modes", kind="list"),
    Field("contexts", kind="list"),
)

__all__ = ["MODALITIES", "ONTOLOGY", "ONTOLOGY_FIELDS", "plover_types", "polarity"]


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
