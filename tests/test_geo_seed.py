"""The seed article's places carry the right country and a point inside it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tidings.geo import haversine_km

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TIDINGS_SHARED", REPO.parent / "shared"))
SEED = SHARED / "examples" / "seed"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (SEED / "article.txt").is_file(), reason="shared seed example absent"),
]


@pytest.fixture(scope="module")
def places() -> dict[str, dict[str, Any]]:
    from tidings.ingest import ReadOptions, read_paths
    from tidings.nlp.pipeline import analyze, load_pipeline

    (article,) = list(read_paths([str(SEED / "article.txt")], ReadOptions()))
    record = analyze(article, load_pipeline())
    return {e["name"]: e for e in record["entities"] if e["type"] in {"GPE", "LOC", "FAC"}}


# Points are general knowledge of where these places lie; the bound is the 161 km of
# the geocoding evaluation (a country's point lies anywhere inside it).
@pytest.mark.parametrize(
    ("name", "country", "where", "km"),
    [
        ("Seoul", "KOR", (37.57, 126.98), 30),
        ("Tokyo", "JPN", (35.69, 139.69), 30),
        ("Incheon International Airport", "KOR", (37.46, 126.44), 50),
        ("South Korea", "KOR", (36.5, 127.8), 161),
        ("Japan", "JPN", (36.2, 138.3), 161),
        ("China", "CHN", (35.0, 103.0), 800),
        ("North Korea", "PRK", (40.3, 127.5), 161),
        ("Ukraine", "UKR", (49.0, 31.5), 300),
    ],
)
def test_geo_seed_places(places: dict[str, dict[str, Any]], name: str, country: str,
                         where: tuple[float, float], km: float) -> None:
    entity = places.get(name)
    assert entity is not None, f"{name} is not a place entity"
    assert entity["country"] == country
    geo = entity["geo"]
    assert geo is not None and haversine_km(geo["lat"], geo["lon"], *where) <= km, geo


@pytest.mark.parametrize("name", ["Asia", "Europe"])
def test_geo_seed_continents_have_a_point(places: dict[str, dict[str, Any]], name: str) -> None:
    assert places[name]["geo"] is not None
