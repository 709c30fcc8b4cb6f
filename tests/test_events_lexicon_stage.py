"""The event stage with the CAMEO verb lexicon, the classifier and the confidence:
word senses, no-event patterns, tests and drills, accidents, counterfactuals,
questions, sanctions, and the calibrated score on every event."""

from __future__ import annotations

import json
from typing import Any

import pytest

from helpers.events import text_reader
from tidings.errors import LexiconError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp() -> Any:
    from tidings.nlp.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="module")
def read(nlp: Any) -> Any:
    reader = text_reader(nlp)
    return lambda text: list(reader(text)["events"])


def _types(events: list[dict[str, Any]]) -> set[str]:
    return {e["type"] for e in events}


@pytest.mark.parametrize("text,absent", [
    ("The Kenyan foreign ministry released a statement on Monday.", "RETREAT"),   # a CAMEO no-event pattern
    ("Ten people were killed in a bus crash in Kenya.", "ASSAULT"),                # an accident, nobody acted
    ("North Korea test-fired a missile on Monday.", "ASSAULT"),                   # a test, not an attack
    ("Washington has demonstrated particular influence in Asia.", "PROTEST"),    # "demonstrate X": to show
])
def test_events_not_this_type(read: Any, text: str, absent: str) -> None:
    assert absent not in _types(read(text))


@pytest.mark.parametrize("text,kind", [
    ("The United States imposed sanctions on Russia.", "SANCTION"),
    ("North Korea test-fired a missile on Monday.", "MOBILIZE"),
    ("China held military drills near Taiwan.", "MOBILIZE"),
    ("Iran vowed revenge against Israel.", "THREATEN"),                           # a CAMEO object pattern
])
def test_events_typed_by_the_field_lexicon(read: Any, text: str, kind: str) -> None:
    assert kind in _types(read(text))


@pytest.mark.parametrize("text", [
    "Kenya was to have expelled the Ugandan envoy.",
    "Kenya would have expelled the Ugandan envoy.",
    "Will Kenya expel the Ugandan envoy?",
])
def test_events_unrealised_and_questions_are_hypothetical(read: Any, text: str) -> None:
    events = read(text)
    assert events and all(e["modality"] == "hypothetical" for e in events), events


def test_events_every_event_has_a_confidence(read: Any) -> None:
    events = read("Russian troops attacked Ukrainian positions near Kharkiv. Kenya met Uganda on Monday.")
    assert events
    assert all(isinstance(e["confidence"], float) and 0.0 <= e["confidence"] <= 1.0 for e in events)


def test_events_min_confidence_drops_less_sure_events(nlp: Any) -> None:
    from tidings.nlp.components.events import EventCoder

    coder = EventCoder(nlp, min_confidence=1.0)
    doc = nlp("Kenya met Uganda on Monday.")
    coder(doc)
    assert doc._.tidings_events == []


def test_events_calibration_file_is_checked(tmp_path: Any) -> None:
    from tidings.nlp._events.confidence import load_calibration

    bad = tmp_path / "cal.json"
    bad.write_text(json.dumps({"weights": {"shoe_size": 1.0}, "bias": 0.0}), encoding="utf-8")
    with pytest.raises(LexiconError, match="T230"):
        load_calibration(str(bad))
    good = load_calibration()
    assert 0.0 < good.score({"p_type": 0.9, "lexical": 0.9, "occurred": 1.0}) <= 1.0
