"""The classifier in the event stage, one act per type, event places and the
nominal layer's interplay with them.

Each mechanism is checked on sentences written for it, for what it must give
and for what it must not: corroboration (a trigger whose type the classifier
finds is kept without participants, ``actor_unknown``), discovery (the
classifier's own finds, its ``discover`` and ``discover_unnamed`` gates), one
act per type in a sentence and the folding of a later report with no actor,
the place rules, and event nouns whose doer is not named.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from helpers.events import text_reader
from tidings.nlp._events.args import EntityIndex
from tidings.nlp._events.detect import Detector, Found
from tidings.records import Article

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp() -> Any:
    from tidings.nlp.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="module")
def read(nlp: Any) -> Any:
    return text_reader(nlp)


@pytest.fixture(scope="module")
def parsed(nlp: Any) -> Any:
    """A Doc run through every stage before the event stage, and its entity index."""
    from tidings.nlp.pipeline import make_doc

    detector: Detector = nlp.get_pipe("tidings_events").detector

    def run(text: str) -> tuple[Any, EntityIndex]:
        with nlp.select_pipes(disable=["tidings_events"]):
            doc = nlp(make_doc(nlp, Article(text=text, source_path="test", published="2030-01-01")))
        return doc, EntityIndex(doc, detector.k.sectors)

    return run


@pytest.fixture(scope="module")
def detector(nlp: Any) -> Detector:
    return nlp.get_pipe("tidings_events").detector  # type: ignore[no-any-return]


def _of(record: dict[str, Any], etype: str, trigger: str | None = None) -> list[dict[str, Any]]:
    return [e for e in record["events"] if e["type"] == etype and (trigger is None or e["trigger"]["text"] == trigger)]


def _codes(sides: list[dict[str, Any]]) -> set[str]:
    return {str(s.get("code")) for s in sides if s.get("code")}


def _sectors(sides: list[dict[str, Any]]) -> set[str]:
    return {str(s.get("sector")) for s in sides if s.get("sector")}


def _place(record: dict[str, Any], event: dict[str, Any]) -> str | None:
    return next((e["name"] for e in record["entities"] if e["id"] == event["place"]), None)


def _with_settings(detector: Detector, **settings: float) -> Detector:
    """A copy of the detector whose calibration has other gates."""
    other = Detector(detector.k, time_for_token=detector.time_for_token, quote_at=detector.quote_at,
                     cameo=detector.cameo, classifier=detector.classifier, nouns=detector.nouns,
                     calibration=replace(detector.calibration, settings={**detector.calibration.settings, **settings}))
    return other


# -- corroboration -----------------------------------------------------------------


def test_corroborated_trigger_is_kept_with_its_actor_unknown(read: Any) -> None:
    # "critics" names no entity, code or sector: the word and the classifier agree on the act.
    record = read("Critics accused him of corruption.")
    hits = _of(record, "ACCUSE", "accused")
    assert len(hits) == 1
    assert hits[0]["actor_unknown"] is True and hits[0]["actor_codes"] in ([], [{"code": None, "sector": None}])
    assert hits[0]["confidence"] is not None


def test_corroboration_needs_a_content_for_an_intent_word(read: Any) -> None:
    assert read("France agreed.")["events"] == []
    assert not _of(read("\u201cI agree,\u201d the minister said on Tuesday."), "AGREE")


def test_sports_attack_is_no_assault(read: Any) -> None:
    # A bare word whose sides name no code or sector needs the classifier to find its type.
    assert not _of(read("Liverpool attacked down the right in the second half and scored twice."), "ASSAULT")
    assert not _of(read("The striker launched an attack down the left wing before half-time."), "ASSAULT")


def test_armed_attack_needs_no_classifier_agreement(read: Any) -> None:
    record = read("Rebels attacked an army base near Goma on Tuesday.")
    hits = _of(record, "ASSAULT", "attacked")
    assert hits and "REB" in _sectors(hits[0]["actor_codes"])


# -- discovery -----------------------------------------------------------------------


def test_discovery_anchors_on_the_complement_of_a_verb_of_saying(read: Any) -> None:
    record = read("Israel said it is ready to resume talks with the Palestinians.")
    found = [e for e in record["events"] if e["trigger"]["text"] == "resume"]
    assert len(found) == 1
    event = found[0]
    assert "ISR" in _codes(event["actor_codes"]) and "PSE" in _codes(event["target_codes"])
    # The type's CAMEO heading, not a verb's code; never the verb of saying itself.
    assert event["cameo"] and len(event["cameo"]) == 2
    assert not [e for e in record["events"] if e["trigger"]["text"] == "said"]


def test_discovery_respects_its_gate(parsed: Any, detector: Detector) -> None:
    text = "Israel said it is ready to resume talks with the Palestinians."
    doc, index = parsed(text)
    found = detector.run(doc, index)
    assert [f for f in found if f.trigger.source == "classifier"]
    # Above every probability the classifier can give, the gate lets nothing through.
    closed = _with_settings(detector, discover=1.0)
    assert not [f for f in closed.run(doc, index) if f.trigger.source == "classifier"]


def test_discovered_event_of_nobody_named(read: Any, parsed: Any, detector: Detector) -> None:
    text = "They said they are ready to resume talks with them."
    found = [e for e in read(text)["events"] if e["trigger"]["text"] == "resume"]
    # Kept only over the higher gate, its actor marked unknown.
    assert all(e["actor_unknown"] is True for e in found)
    doc, index = parsed(text)
    closed = _with_settings(detector, discover_unnamed=1.01)
    assert not [f for f in closed.run(doc, index) if f.trigger.source == "classifier"]
    opened = _with_settings(detector, discover_unnamed=0.0)
    assert [f for f in opened.run(doc, index) if f.trigger.source == "classifier"]


def test_discovered_event_is_trusted_less_than_a_lexicon_word(parsed: Any, detector: Detector) -> None:
    doc, index = parsed("Israel said it is ready to resume talks with the Palestinians.")
    found = [f for f in detector.run(doc, index) if f.token.lower_ == "resume"]
    assert found and found[0].trigger.specificity < 0 and found[0].trigger.source == "classifier"
    discovered = found[0]
    assert discovered.features["found_by_model"] == 1.0
    # The same reading resting on a lexicon word would score higher.
    as_word = detector.calibration.score({**discovered.features, "found_by_model": 0.0})
    assert discovered.confidence is not None and discovered.confidence < round(as_word, 3)


def test_no_discovery_without_an_event_in_the_sentence(read: Any) -> None:
    assert read("The weather in Nairobi was pleasant on Sunday afternoon.")["events"] == []


# -- one act per type ---------------------------------------------------------------


def test_participles_of_the_same_act_are_one_event(read: Any) -> None:
    record = read("A gunman opened fire at a concert in Las Vegas, killing 58 people and injuring 515.")
    hits = _of(record, "ASSAULT")
    assert len(hits) == 1
    # The victims the participle names are the act's.
    assert "CVL" in _sectors(hits[0]["target_codes"])
    assert hits[0].get("magnitudes", {}).get("dead", {}).get("value") == 58


def test_different_acts_of_one_type_stay_apart(read: Any) -> None:
    record = read("Russian troops attacked Kharkiv on Monday and Ukrainian forces attacked Belgorod.")
    hits = _of(record, "ASSAULT", "attacked")
    assert len(hits) == 2
    assert {c for e in hits for c in _codes(e["actor_codes"])} == {"RUS", "UKR"}
    record = read("Rebels attacked a police station in Mogadishu on Monday. "
                  "Soldiers attacked a rebel camp near Baidoa on Monday.")
    hits = _of(record, "ASSAULT", "attacked")
    assert len(hits) == 2 and all(len(e["mentions"]) == 1 for e in hits)


def test_report_of_nobody_with_victims_of_its_own_is_another_act(read: Any) -> None:
    record = read("Police detained the opposition leader in Kampala, and two Ugandan journalists were arrested later.")
    hits = _of(record, "COERCE")
    assert {e["trigger"]["text"] for e in hits} == {"detained", "arrested"}
    assert [e["actor_unknown"] for e in hits if e["trigger"]["text"] == "arrested"] == [True]


def test_later_report_without_an_actor_folds_into_the_fuller_event(read: Any) -> None:
    record = read("Rebels attacked a police station in Mogadishu on Monday. "
                  "The attack on the station killed two officers.")
    hits = _of(record, "ASSAULT")
    assert len(hits) == 1
    assert "REB" in _sectors(hits[0]["actor_codes"]) and hits[0]["actor_unknown"] is False
    assert [m["trigger"]["text"] for m in hits[0]["mentions"]] == ["attacked", "attack"]


def test_later_report_with_another_target_does_not_fold(read: Any) -> None:
    record = read("Kenya accused Uganda of arming rebels on Monday. Critics accused the government of lying.")
    hits = _of(record, "ACCUSE", "accused")
    assert len(hits) == 2 and all(len(e["mentions"]) == 1 for e in hits)


# -- places --------------------------------------------------------------------------


@pytest.mark.parametrize("text,trigger,place", [
    ("Rebels attacked a police station near Mogadishu on Monday.", "attacked", "Mogadishu"),
    ("Protesters rallied outside the embassy in Nairobi on Friday.", "rallied", "Nairobi"),
    ("Soldiers shelled the city of Aleppo on Monday.", "shelled", "Aleppo"),
    ("Police arrested three protesters in the Kamaliyah neighbourhood of Baghdad.", "arrested", "Kamaliyah"),
])
def test_event_place(read: Any, text: str, trigger: str, place: str) -> None:
    record = read(text)
    hits = [e for e in record["events"] if e["trigger"]["text"] == trigger]
    assert hits and _place(record, hits[0]) == place and hits[0]["place_inferred"] is None


def test_place_acted_on_only_for_local_acts(parsed: Any, detector: Detector) -> None:
    doc, index = parsed("The alliance bombed Serbia for weeks.")
    verb = next(t for t in doc if t.lower_ == "bombed")
    serbia = index.entity_at(next(t for t in doc if t.text == "Serbia"))
    assert serbia is not None
    assert detector.place_of(index, verb, {}, "ASSAULT") == serbia
    assert detector.place_of(index, verb, {}, "CONSULT") is None


def test_no_place_from_a_phrase_that_is_not_locative(parsed: Any, detector: Detector) -> None:
    doc, index = parsed("In Nairobi, the minister spoke about Somalia on Monday.")
    verb = next(t for t in doc if t.lower_ == "spoke")
    place = detector.place_of(index, verb, {}, "CONSULT")
    assert place is not None and (index.get(place) or {}).get("name") == "Nairobi"
    doc, index = parsed("The minister spoke about Somalia on Monday.")
    verb = next(t for t in doc if t.lower_ == "spoke")
    assert detector.place_of(index, verb, {}, "CONSULT") is None


# -- event nouns and the classifier ----------------------------------------------------


def test_field_lexicon_covers_cameo_verbs_and_nouns_not_own_triggers(parsed: Any, detector: Detector) -> None:
    doc, _ = parsed("Police announced the detention of two Kenyan lawyers and met their families.")
    noun = detector.match(next(t for t in doc if t.lower_ == "detention"))
    meet = detector.match(next(t for t in doc if t.lower_ == "met"))
    assert noun is not None and detector._field_lexicon(noun)
    assert meet is not None and not detector._field_lexicon(meet)


@pytest.mark.parametrize("text", [
    "The sanctions hurt the economy badly.",                                  # nobody holds it, no victim named
    "The detention of two Kenyan lawyers would be illegal, the court said.",  # told as not done
    "The arrest of the journalists could spark protests.",                    # told as not done
])
def test_deed_noun_of_nobody_named_needs_the_nominal_rule(read: Any, text: str) -> None:
    record = read(text)
    noun = text.split()[1]
    assert not [e for e in record["events"] if e["trigger"]["text"] == noun]


def test_unheld_deed_told_as_done_is_kept(read: Any) -> None:
    record = read("The arrest of two Kenyan lawyers in Nairobi drew sharp criticism on Wednesday.")
    hits = _of(record, "COERCE", "arrest")
    assert hits and hits[0]["actor_unknown"] is True and "KEN" in _codes(hits[0]["target_codes"])


def test_agent_is_no_target_of_its_own_act(read: Any) -> None:
    record = read("The arrests were condemned by rights groups.")
    for event in _of(record, "ACCUSE"):
        assert event["actor_text"] != event["target_text"]


def test_found_events_carry_features(parsed: Any, detector: Detector) -> None:
    doc, index = parsed("Critics accused him of corruption.")
    found: list[Found] = detector.run(doc, index)
    assert found and all(set(f.features) >= {"p_type", "participants", "found_by_model"} for f in found)
    assert found[0].features["participants"] == 0.0
