"""Name keys, the gazetteer matcher and geoparse on plain text."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from tidings.geo import haversine_km, name_key, place_spans
from tidings.ingest.dateline import find_dateline
from tidings.nlp.geoparse import geoparse


@pytest.mark.parametrize(
    ("a", "b"),
    [("St. Louis", "Saint Louis"), ("Saint-Louis", "ST LOUIS"), ("Québec", "Quebec"), ("U.S.", "US"),
     ("the Netherlands", "Netherlands"), ("Côte d’Ivoire", "Cote d'Ivoire"), ("Ft. Worth", "Fort Worth")],
)
def test_geo_name_key_folds_spellings(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.fixture(scope="module")
def blank() -> Language:
    return spacy.blank("en")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She moved to St. Louis, then to the U.S.", [("St. Louis", "GPE"), ("U.S.", "GPE")]),
        ("She moved to Minnesota last year.", [("Minnesota", "GPE")]),
        ("Peace talks in the Middle East stalled.", [("Middle East", "LOC")]),
        ("The Minnesota Department of Transportation said so.", [("Minnesota", "GPE")]),
        # A town opens a name after "The", not inside a run of capitalised words.
        ("The Gainesville Riding Club met.", [("Gainesville", "GPE")]),
        ("Mayor Ross Gainesville spoke.", []),
        ("Talks resumed in March.", []),
        ("Nothing here at all.", []),
    ],
)
def test_geo_place_spans_on_a_blank_pipeline(blank: Language, text: str,
                                             expected: list[tuple[str, str]]) -> None:
    doc = blank(text)
    found = [(text[s:e], label) for s, e, label in place_spans(doc)]
    assert found == expected


@pytest.mark.slow
def test_geo_geoparse_finds_and_places_toponyms() -> None:
    text = ("Flooding closed roads in Alexandria, Louisiana, on Monday. Rapides Parish officials "
            "said Louisiana would ask the U.S. government for help.")
    found = {(t["text"], t["country"]) for t in geoparse(text) if t["lat"] is not None}
    assert ("Alexandria", "USA") in found
    assert ("Louisiana", "USA") in found
    assert ("U.S.", "USA") in found
    alexandria = next(t for t in geoparse(text) if t["text"] == "Alexandria")
    assert haversine_km(alexandria["lat"], alexandria["lon"], 31.31, -92.45) < 50


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Flood waters rise. CHARLESTON, W.Va. (AP) -- The river crested.", "CHARLESTON, W.Va."),
        ("ST. PAUL -- Lawmakers met.", "ST. PAUL"),
        ("Storm hits coast. ATLANTA - A storm hit.", "ATLANTA"),
        # Initials and words in capitals inside a sentence are not datelines.
        ("The U.S. - Mexico border stayed open.", None),
        ("He said the NFL - not the union - would decide.", None),
    ],
)
def test_geo_find_dateline_in_plain_text(text: str, expected: str | None) -> None:
    found = find_dateline(text)
    assert (found.text if found else None) == expected
