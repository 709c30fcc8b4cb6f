"""Places: resolve place names to coordinates with an offline GeoNames gazetteer.

The public surface:

* :func:`geocode_entities` fills ``geo`` and ``country`` of an article's place
  entities (the entity stage calls it last).
* :func:`geoparse` finds and resolves the place names of a plain text; it runs
  the pipeline, so it lives in :mod:`tidings.nlp.geoparse` and is only named
  here for old imports (``geo`` imports nothing from ``nlp``, ``ingest`` or ``store``).
* :func:`place_spans` finds well-known place names in a Doc, for an entity layer
  that wants more recall than its NER gives.
* :func:`load_gazetteer` opens the cached gazetteer index.
"""

from __future__ import annotations

from typing import Any

from tidings.geo._gazetteer import Gazetteer, Place, cache_dir, haversine_km, load_gazetteer
from tidings.geo._matcher import place_spans
from tidings.geo._names import name_key
from tidings.geo._parse import demonym_country, geocode_entities

__all__ = [
    "Gazetteer",
    "Place",
    "cache_dir",
    "demonym_country",
    "geocode_entities",
    "geoparse",
    "haversine_km",
    "load_gazetteer",
    "name_key",
    "place_spans",
]


def __getattr__(name: str) -> Any:
    # ``tidings.geo.geoparse`` stays importable without geo importing the
    # pipeline when it is loaded: the name resolves on first use.
    if name == "geoparse":
        from tidings.nlp.geoparse import geoparse

        return geoparse
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
