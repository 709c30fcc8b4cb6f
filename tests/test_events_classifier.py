"""The learned PLOVER event classifier: shipped weights load offline and give sane probabilities."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tidings.errors import LexiconError
from tidings.nlp._events.classifier import (
    EVENT,
    NONE,
    EventClassifier,
    classify,
    load_classifier,
    save_classifier,
    span_features,
)
from tidings.nlp._events.ontology import EventKnowledge
from tidings.nlp.pipeline import MODEL

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    import spacy

    return spacy.load(MODEL)


@pytest.fixture(scope="module")
def clf() -> EventClassifier:
    return load_classifier()


def test_events_classifier_loads_the_shipped_weights_once(clf: EventClassifier) -> None:
    assert load_classifier() is clf
    assert set(clf.types) == set(EventKnowledge.load().types)
    assert clf.labels[-1] == EVENT
    assert clf.weights.shape == (len(clf.index), len(clf.labels))
    assert clf.settings["provenance"]["source"] and clf.settings["provenance"]["licence"]
    assert set(clf.thresholds) == set(clf.types) | {NONE}
    assert all(0.0 < t <= 1.0 for t in clf.thresholds.values())


def test_events_classifier_outputs_a_probability_per_type_and_none(clf: EventClassifier, nlp) -> None:  # type: ignore[no-untyped-def]
    texts = ["Protesters blocked the main road to the airport.", "", "The talks ended without a deal."]
    out = classify(texts, classifier=clf, nlp=nlp)
    assert len(out) == len(texts)
    for probs in out:
        assert set(probs) == set(clf.types) | {NONE}
        assert all(isinstance(p, float) and 0.0 <= p <= 1.0 for p in probs.values())
    assert classify([], classifier=clf, nlp=nlp) == []


def test_events_classifier_reads_parsed_spans_as_strings(clf: EventClassifier, nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("It was sunny in the morning. Soldiers shelled the town overnight, killing four civilians.")
    sents = list(doc.sents)
    from_spans = clf.scores(sents)
    from_text = clf.scores([s.text for s in sents], nlp=nlp)
    assert len(from_spans) == 2
    for a, b in zip(from_spans, from_text, strict=True):
        # The parse of a sentence alone may differ slightly from its parse in context.
        assert abs(a[NONE] - b[NONE]) < 0.25
    assert from_spans[1][NONE] < from_spans[0][NONE]


def test_events_classifier_features_are_stable_and_generalise_names(nlp) -> None:  # type: ignore[no-untyped-def]
    feats = span_features(nlp("Russia sent troops to the border."))
    assert feats == span_features(nlp("Russia sent troops to the border."))
    assert len(feats) == len(set(feats))
    assert "w=<GPE>" in feats and "w=russia" not in feats
    assert any(f.startswith("t=send|dobj|troop") for f in feats)


@pytest.mark.parametrize(("text", "expected"), [
    ("Police fired tear gas at protesters outside parliament.", {"ASSAULT", "COERCE", "PROTEST"}),
    ("The two foreign ministers met in Geneva to discuss the ceasefire.", {"CONSULT"}),
    ("Washington imposed new sanctions on the country's central bank.", {"SANCTION"}),
    ("Thousands of demonstrators marched on the presidential palace.", {"PROTEST"}),
    ("The opposition leader accused the government of rigging the vote.", {"ACCUSE"}),
])
def test_events_classifier_ranks_the_expected_type_high(clf: EventClassifier, nlp, text: str,  # type: ignore[no-untyped-def]
                                                        expected: set[str]) -> None:
    probs = classify([text], classifier=clf, nlp=nlp)[0]
    top3 = sorted(clf.types, key=lambda t: -probs[t])[:3]
    assert expected & set(top3), (text, top3)
    assert probs[NONE] < 0.5


@pytest.mark.parametrize("text", [
    "Manchester United beat Chelsea 2-0 at Old Trafford on Sunday.",
    "The new laptop goes on sale next month with a faster processor.",
    "The singer's second album went straight to number one in the charts.",
])
def test_events_classifier_gives_no_event_to_sport_products_and_culture(clf: EventClassifier, nlp,  # type: ignore[no-untyped-def]
                                                                         text: str) -> None:
    probs = classify([text], classifier=clf, nlp=nlp)[0]
    assert probs[NONE] > 0.5, (text, probs[NONE])
    assert clf.predict([text], nlp=nlp) == [[]]


def test_events_classifier_predict_respects_the_veto(clf: EventClassifier) -> None:
    probs = dict.fromkeys(clf.types, 0.99) | {NONE: 0.999}
    assert clf.decide(probs) == []
    probs[NONE] = 0.0
    chosen = clf.decide(probs)
    assert set(chosen) == set(clf.types)


def test_events_classifier_roundtrip_and_errors(tmp_path: Path, clf: EventClassifier, nlp) -> None:  # type: ignore[no-untyped-def]
    features = ["l=protester", "l=goal"]
    w = np.array([[2.0, 3.0], [-2.0, -3.0]])
    save_classifier(tmp_path / "m", labels=["PROTEST", EVENT], features=features, weights=w,
                    bias=np.zeros(2), calibration=np.array([[1.0, 0.0], [1.0, 0.0]]),
                    thresholds={"PROTEST": 0.5, NONE: 0.5},
                    settings={"provenance": {"source": "a test", "licence": "none"}})
    small = load_classifier(tmp_path / "m")
    assert small.types == ("PROTEST",)
    hi, lo = small.scores(["The protesters left.", "He scored a goal."], nlp=nlp)
    assert hi["PROTEST"] > 0.5 > lo["PROTEST"] and hi[NONE] < 0.5 < lo[NONE]

    with pytest.raises(LexiconError, match=r"\[T238\]"):
        load_classifier(tmp_path / "absent")
    broken = tmp_path / "broken"
    shutil.copytree(tmp_path / "m", broken)
    meta = json.loads((broken / "event_classifier.json").read_text())
    meta["sha256"] = "0" * 64
    (broken / "event_classifier.json").write_text(json.dumps(meta))
    with pytest.raises(LexiconError, match=r"\[T239\]"):
        load_classifier(broken)


def test_events_classifier_features_read_the_root_from_version_2(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Ships are calm today. Russia sent troops to the border.")
    second = list(doc.sents)[1]
    for span in (second, second.as_doc()):
        assert "root=send" in span_features(span)
        assert not any(f.startswith("root=") for f in span_features(span, 1))
    # A clause cut out of a sentence has the roots of its own words.
    clause = doc[second.start + 1:second.end]
    assert "root=send" in span_features(clause)


def test_events_classifier_scores_a_model_with_the_features_it_was_trained_on(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    """An older model (feature version 1) still loads and is scored with version 1's features."""
    def save(folder: Path, version: int) -> None:
        save_classifier(folder, labels=["AID", EVENT], features=["root=send", "l=send"],
                        weights=np.array([[4.0, 4.0], [0.0, 0.0]]), bias=np.array([-2.0, -2.0]),
                        calibration=np.array([[1.0, 0.0], [1.0, 0.0]]), thresholds={"AID": 0.5, NONE: 0.5},
                        settings={"provenance": {"source": "a test", "licence": "none"}}, feature_version=version)

    save(tmp_path / "v1", 1)
    save(tmp_path / "v2", 2)
    old, new = load_classifier(tmp_path / "v1"), load_classifier(tmp_path / "v2")
    assert (old.feature_version, new.feature_version) == (1, 2)
    text = "The government sent aid."
    assert old.scores([text], nlp=nlp)[0]["AID"] < 0.5 < new.scores([text], nlp=nlp)[0]["AID"]

    meta_path = tmp_path / "v2" / "event_classifier.json"
    meta = json.loads(meta_path.read_text())
    meta["feature_version"] = 99
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(LexiconError, match=r"\[T239\].*feature version 99"):
        load_classifier(tmp_path / "v2")


def test_events_classifier_shipped_model_names_its_feature_version(clf: EventClassifier) -> None:
    assert clf.settings["feature_version"] == clf.feature_version
    assert any(name.startswith("root=") for name in clf.index) == (clf.feature_version >= 2)
