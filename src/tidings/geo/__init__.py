"""Places: resolve place names to coordinates with an offline GeoNames gazetteer.

The public surface:

* :func:`geocode_entities` fills ``geo`` and ``country`` of an article's place
  entities (the entity stage calls it last).
* :func:`place_spans` finds well-known place names in a Doc, for an entity layer
  that wants more recall than its NER gives.
* :func:`load_gazetteer` opens the cached gazetteer index.

Finding and resolving the place names of a plain text runs the pipeline, so it
is :func:`tidings.nlp.geoparse.geoparse`: ``geo`` is a leaf library and imports
nothing from ``nlp``, ``ingest`` or ``store``.
"""

from __future__ import annotations

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
    "haversine_km",
    "load_gazetteer",
    "name_key",
    "place_spans",
]

