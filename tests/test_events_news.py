"""Ordinary news beyond the seed: reciprocal meetings, who does what another
verb's object is asked or accused of, "both sides", nominal visits, reported
plans, denials and words aimed at a person."""

from __future__ import annotations

from typing import Any

import pytest

from helpers.events import text_reader

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp() -> Any:
    from tidings.nlp.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="module")
def read(nlp: Any) -> Any:
    return text_reader(nlp, published="2030-01-15")


def _of(record: dict[str, Any], etype: str, trigger: str | None = None) -> list[dict[str, Any]]:
    return [e for e in record["events"] if e["type"] == etype and (trigger is None or e["trigger"]["text"] == trigger)]


def _codes(event: dict[str, Any], side: str) -> list[str | None]:
    return [c["code"] for c in event[f"{side}_codes"]]


def _pairs(events: list[dict[str, Any]]) -> set[tuple[str | None, ...]]:
    return {(*_codes(e, "actor"), *_codes(e, "target")) for e in events}


# -- reciprocal acts of a compound subject ------------------------------------------

@pytest.mark.parametrize(
    "text,trigger,codes",
    [
        ("French and German ministers met in Brussels.", "met", {"FRA", "DEU"}),
        ("Chilean and Peruvian leaders meet in Lima to end fishing row", "meet", {"CHL", "PER"}),
    ],
)
def test_events_compound_subject_of_a_mutual_verb_is_a_pair(read: Any, text: str, trigger: str,
                                                            codes: set[str]) -> None:
    events = _of(read(text), "CONSULT", trigger)
    assert events, read(text)["events"]
    for e in events:
        assert _codes(e, "actor") != _codes(e, "target"), e
        assert set(_codes(e, "actor")) | set(_codes(e, "target")) == codes, e
        # Each side is named by its own words, never the whole phrase for both.
        assert e["actor_text"] != e["target_text"], e


# -- the object of the governing verb does what its complement says -------------------

def test_events_accused_of_doing(read: Any) -> None:
    record = read("Chile accused Peruvian fishing boats of seizing its trawlers last month.")
    accusations = _of(record, "ACCUSE", "accused")
    assert [(_codes(e, "actor"), _codes(e, "target")) for e in accusations] == [(["CHL"], ["PER"])], accusations
    # The accusation is dated by the deed it names, not by the publication date.
    assert accusations[0]["when"] == "2029-12" and not accusations[0]["when_inferred"], accusations
    seizures = _of(record, "COERCE", "seizing")
    assert seizures and all(_codes(e, "actor") == ["PER"] for e in seizures), seizures


def test_events_urged_to_act_is_done_by_the_object(read: Any) -> None:
    record = read("Germany urged Poland to sign the treaty.")
    signs = _of(record, "SUPPORT", "sign")
    assert signs and all(_codes(e, "actor") == ["POL"] for e in signs), record["events"]
    assert all(e["modality"] == "hypothetical" for e in signs), signs


# -- "both sides" and "the talks" are the parties of the last meeting ----------------------

def test_events_both_sides_are_the_last_meetings_parties(read: Any) -> None:
    record = read("Russia and Ukraine held talks in Geneva on Monday. "
                  "The European Union welcomed the talks and urged both sides to sign a ceasefire agreement.")
    for etype, trigger in (("SUPPORT", "welcomed"), ("REQUEST", "urged")):
        events = _of(record, etype, trigger)
        assert {c for e in events for c in _codes(e, "target")} == {"RUS", "UKR"}, (trigger, record["events"])
    signs = _of(record, "SUPPORT", "sign")
    assert _pairs(signs) == {("RUS", "UKR"), ("UKR", "RUS")}, signs


def test_events_both_sides_without_a_meeting_stay_unresolved(read: Any) -> None:
    record = read("The European Union urged both sides to sign a ceasefire agreement.")
    events = _of(record, "REQUEST", "urged")
    assert all(not e["target_codes"] for e in events), events


# -- nominal visits -----------------------------------------------------------------------------

def test_events_visit_by_a_head_of_state_targets_the_host(read: Any) -> None:
    record = read("The Argentine president met the Brazilian president in Rio de Janeiro on Monday, "
                  "the first visit by an Argentine head of state in a decade.")
    visits = _of(record, "CONSULT", "visit")
    assert [(_codes(e, "actor"), _codes(e, "target")) for e in visits] == [(["ARG"], ["BRA"])], record["events"]
    assert visits[0]["actor_codes"][0]["sector"] == "GOV"
    assert visits[0]["actor_text"].endswith("head of state"), visits


# -- reported plans, calls and refusals ------------------------------------------------------------

def test_events_reported_would_is_a_plan_and_the_call_is_made(read: Any) -> None:
    record = read("The Canadian prime minister said his government would reopen the border crossing "
                  "next week and called on traders to return.")
    reopen = _of(record, "CONCEDE", "reopen")
    assert [(e["modality"], _codes(e, "actor")) for e in reopen] == [("planned", ["CAN"])], record["events"]
    assert reopen[0]["when"] and reopen[0]["when"].startswith("2030-W"), reopen
    calls = _of(record, "REQUEST", "called")
    assert [(e["modality"], e["target_codes"][0]["sector"]) for e in calls] == [("occurred", "BUS")], calls


def test_events_conditional_would_stays_hypothetical(read: Any) -> None:
    record = read("France said it would send troops to Estonia if Russia attacked.")
    events = _of(record, "MOBILIZE") + _of(record, "AID")
    assert events and all(e["modality"] == "hypothetical" for e in events), record["events"]


def test_events_a_delegation_not_sent(read: Any) -> None:
    events = _of(read("Uganda did not send a delegation to the summit in Kigali."), "CONSULT", "send")
    assert [(e["modality"], _codes(e, "actor")) for e in events] == [("negated", ["UGA"])], events


# -- words aimed at a person ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text,trigger,etype",
    [
        ("Senator Mary Jones attacked President John Smith over the budget.", "attacked", "ACCUSE"),
        ("Russian troops attacked Kharkiv on Monday.", "attacked", "ASSAULT"),
    ],
)
def test_events_an_attack_on_a_person_is_words(read: Any, text: str, trigger: str, etype: str) -> None:
    record = read(text)
    events = [e for e in record["events"] if e["trigger"]["text"] == trigger]
    assert events and {e["type"] for e in events} == {etype}, events


@pytest.mark.parametrize(
    "text,etype,trigger",
    [
        ("The opposition dismissed the Chinese proposal.", "REJECT", "dismissed"),
        ("The prime minister ridiculed the Australian plan.", "ACCUSE", "ridiculed"),
        ("Officials liaised with Indian police.", "CONSULT", "liaised"),
    ],
)
def test_events_more_triggers(read: Any, text: str, etype: str, trigger: str) -> None:
    assert _of(read(text), etype, trigger), read(text)["events"]


def test_events_headline_of_coded_sides_folds_into_the_named_report(read: Any) -> None:
    record = read("Chilean and Peruvian leaders meet in Lima\n\n"
                  "Chilean President Ana Rojas met Peruvian President Luis Vega in Lima on Monday.")
    forward = [e for e in _of(record, "CONSULT") if _codes(e, "actor") == ["CHL"] and _codes(e, "target") == ["PER"]]
    assert len(forward) == 1, record["events"]
    assert len(forward[0]["mentions"]) == 2 and forward[0]["actors"], forward


def test_events_a_purpose_after_an_object_keeps_the_subject(read: Any) -> None:
    """Only verbs of asking, urging, accusing ... hand their complement to their object."""
    record = read("The French president met Italian and German ministers to talk about trade.")
    talks = _of(record, "CONSULT", "talk")
    assert all(_codes(e, "actor") == ["FRA"] for e in talks), talks


@pytest.mark.parametrize(
    "text",
    [
        "The Scottish leader wrote to the first minister on Tuesday accusing him of an error of judgement.",
        "Leaders prepared for July's summit in Brussels.",
    ],
)
def test_events_a_date_is_nobody(read: Any, text: str) -> None:
    record = read(text)
    days = {"Tuesday", "July's", "July"}
    assert not [e for e in record["events"] if e["actor_text"] in days or e["target_text"] in days], record["events"]


def test_events_attacking_the_way_something_was_done_is_criticism(read: Any) -> None:
    record = read("The former minister attacked the way the war was sold to the public.")
    events = [e for e in record["events"] if e["trigger"]["text"] == "attacked"]
    assert events and all(e["type"] == "ACCUSE" for e in events), events


def test_events_we_in_a_quote_of_one_side_are_both_sides(read: Any) -> None:
    record = read("The French president met the German chancellor in Paris on Monday.\n\n"
                  '"We have agreed that our ministers will meet every month," the French president said after the talks.')
    agreed = _of(record, "AGREE", "agreed")
    assert _pairs(agreed) == {("FRA", "DEU")}, record["events"]
    planned = [e for e in _of(record, "CONSULT", "meet") if e["modality"] == "planned"]
    assert _pairs(planned) == {("FRA", "DEU")}, record["events"]
    # "after the talks" is the meeting already told, not a second one.
    met = [e for e in _of(record, "CONSULT") if e["modality"] == "occurred"]
    assert len(met) == 1 and len(met[0]["mentions"]) == 2, met


def test_events_we_without_a_meeting_has_no_other_side(read: Any) -> None:
    record = read('"We have agreed to raise taxes," the French president said.')
    assert all(not e["target_codes"] for e in _of(record, "AGREE")), record["events"]


@pytest.mark.parametrize(
    "text,etype",
    [
        ("Indian and Chinese troops clashed on the border.", "ASSAULT"),
        ("Senator Mary Jones and Governor John Smith clashed over the budget.", "ACCUSE"),
    ],
)
def test_events_a_clash_is_mutual(read: Any, text: str, etype: str) -> None:
    record = read(text)
    events = [e for e in record["events"] if e["trigger"]["text"] == "clashed"]
    assert len(events) == 2 and {e["type"] for e in events} == {etype}, events
    assert {e["actor_text"] for e in events} == {e["target_text"] for e in events}, events
    assert all(e["actor_text"] != e["target_text"] for e in events), events


def test_events_participants_of_one_report_never_fold(read: Any) -> None:
    record = read("The French president will meet Prime Minister Fumio Kishida and other Japanese officials in Tokyo.")
    meets = _of(record, "CONSULT", "meet")
    assert {e["target_text"] for e in meets} == {"Prime Minister Fumio Kishida", "other Japanese officials"}, meets
