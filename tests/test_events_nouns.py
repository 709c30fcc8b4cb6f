"""Event nouns of the CAMEO verb lexicon and deeds whose doer is not named.

The derivation (tools/make_event_lexicon.py) and the shipped table are checked
without a model; the stage is run on sentences written for each construction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers.modules import load_script
from tidings.nlp._events.lexicon_cameo import load_cameo_nouns
from tidings.records import Article

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> Any:
    return load_script("tools/make_event_lexicon.py")


@pytest.mark.parametrize("verb,noun", [
    ("negotiate", "negotiation"), ("invade", "invasion"), ("expel", "expulsion"), ("detain", "detention"),
    ("kidnap", "kidnapping"), ("criticize", "criticism"), ("arrest", "arrest"), ("deploy", "deployment"),
    ("withdraw", "withdrawal"), ("seize", "seizure"), ("accuse", "accusation"),
])
def test_nominalisation_rules(verb: str, noun: str) -> None:
    assert noun in {n for n, _ in _tool().nominalisations(verb)}


def test_derived_noun_needs_an_attesting_pattern_of_its_type() -> None:
    tool = _tool()
    # kind block lemma aliases particle subject object preps also source_at target_at flags cameo passive type mode context line
    def row(*cells: str) -> str:
        return "\t".join(cells)
    rows = [
        row("verb", "harass", "harass", "", "", "", "", "", "", "", "", "", "170", "", "COERCE", "", "", "10"),
        row("verb", "depart", "depart", "", "", "", "", "", "", "", "", "", "040", "", "CONSULT", "", "", "11"),
        row("verb", "arm", "arm", "", "", "", "", "", "", "", "", "", "062", "", "COOPERATE", "", "", "12"),
        row("pattern", "stage", "", "", "", "", "harassment", "", "", "", "", "", "170", "", "COERCE", "", "", "20"),
        row("pattern", "open", "", "", "", "", "department", "", "", "", "", "", "110", "", "ACCUSE", "", "", "21"),
        row("pattern", "send", "", "", "", "", "arm", "", "", "", "", "", "062", "", "COOPERATE", "", "", "22"),
    ]
    out, stats = tool.build_nouns(rows, frozenset({"harassment", "department", "arm"}), {"arm"})
    nouns = {r.split("\t")[0]: r.split("\t") for r in out}
    assert set(nouns) == {"harassment"}          # "department" is attested in another sense; "arm" names actors
    assert nouns["harassment"][1:5] == ["harass", "ment", "170", "COERCE"]
    assert stats["actors"] == 1 and stats["unattested"] == 1


def test_shipped_nouns_have_provenance_and_codes() -> None:
    nouns = load_cameo_nouns()
    assert len(nouns) > 50
    for word in ("arrest", "accusation", "detention", "kidnapping"):
        assert word in nouns and nouns.get(word).cameo  # type: ignore[union-attr]
    assert "government" not in nouns   # an actor, not an act


@pytest.fixture(scope="module")
def read() -> Any:
    from tidings.nlp.pipeline import analyze, load_pipeline

    nlp = load_pipeline()

    def run(text: str) -> list[dict[str, Any]]:
        return list(analyze(Article(text=text, source_path="test", published="2030-01-01"), nlp)["events"])

    return run


def _codes(sides: list[dict[str, Any]]) -> set[str]:
    return {str(s.get("code")) for s in sides}


@pytest.mark.slow
def test_noun_takes_the_own_reading_of_its_verb(read: Any) -> None:
    # "expel" is SANCTION in tidings' own lexicon; its noun follows it, holder from the verb that announces it.
    events = read("Ruritania announced the expulsion of three Bolivian diplomats on Friday.")
    hits = [e for e in events if e["type"] == "SANCTION" and e["trigger"]["text"] == "expulsion"]
    assert hits and "BOL" in _codes(hits[0]["target_codes"])


@pytest.mark.slow
def test_noun_with_possessor_and_against(read: Any) -> None:
    # (the sentence must read as an accusation to the classifier too: a noun of the
    # field's lexicon is coded only then, and over the confidence veto)
    events = read("Peru's accusations against Ecuador of harbouring rebels grew sharper on Tuesday.")
    hits = [e for e in events if e["type"] == "ACCUSE"]
    assert hits and hits[0]["modality"] == "occurred"
    assert "PER" in _codes(hits[0]["actor_codes"]) and "ECU" in _codes(hits[0]["target_codes"])


@pytest.mark.slow
def test_noun_as_modifier_is_no_event(read: Any) -> None:
    assert not [e for e in read("The arrest warrant was printed on blue paper.") if e["type"] == "COERCE"]


@pytest.mark.slow
def test_deed_without_a_named_doer_is_marked_unknown(read: Any) -> None:
    events = read("A car bomb attack on a busy bus station in Quetta killed nine people on Monday.")
    hits = [e for e in events if e["type"] == "ASSAULT" and e["trigger"]["text"] == "attack"]
    assert hits and all(e["actor_unknown"] is True for e in hits)


@pytest.mark.slow
def test_victim_named_in_the_noun_phrase(read: Any) -> None:
    events = read("The arrest of two Kenyan lawyers drew sharp criticism on Wednesday.")
    hits = [e for e in events if e["type"] == "COERCE"]
    assert hits and hits[0]["actor_unknown"] is True and "KEN" in _codes(hits[0]["target_codes"])


@pytest.mark.slow
def test_unheld_deed_that_did_not_happen_is_not_coded(read: Any) -> None:
    events = read("A bomb attack on the ministry could kill dozens, the report warned.")
    assert not [e for e in events if e["trigger"]["text"] == "attack" and e["modality"] == "occurred"]


@pytest.mark.slow
def test_appeal_without_addressee(read: Any) -> None:
    events = read("Chile's foreign minister called for restraint on Thursday.")
    hits = [e for e in events if e["type"] == "REQUEST"]
    assert hits and "CHL" in _codes(hits[0]["actor_codes"]) and hits[0]["target_codes"] == []


@pytest.mark.slow
def test_naming_is_no_appeal(read: Any) -> None:
    events = read('The Chilean president called the bombing "a cowardly act" on Thursday.')
    assert not [e for e in events if e["type"] == "REQUEST"]
