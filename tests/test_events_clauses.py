"""Clauses around an event: aims and wishes, time and place from a neighbouring
clause, the dateline's reach, and one event for one act told several times."""

from __future__ import annotations

from typing import Any

import pytest

from helpers.events import text_reader
from tidings.records import Article, Section

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp() -> Any:
    from tidings.nlp.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="module")
def read(nlp: Any) -> Any:
    return text_reader(nlp)


def _of(record: dict[str, Any], etype: str, trigger: str | None = None) -> list[dict[str, Any]]:
    return [e for e in record["events"] if e["type"] == etype and (trigger is None or e["trigger"]["text"] == trigger)]


def _name(record: dict[str, Any], eid: str | None) -> str | None:
    return next((e["name"] for e in record["entities"] if e["id"] == eid), None)


# -- aims and wishes -------------------------------------------------------------

@pytest.mark.parametrize(
    "text,trigger,modality",
    [
        ("The French president arrived in Seoul to deepen ties with Japan.", "deepen", "planned"),
        ("France aims at strengthening its ties with Japan.", "strengthening", "planned"),
        ("France needs to strengthen its partnership with Japan.", "strengthen", "hypothetical"),
        ("France wants to deepen cooperation with Japan.", "deepen", "hypothetical"),
        ("France deepened its cooperation with Japan.", "deepened", "occurred"),
    ],
)
def test_events_aim_is_not_a_deed(read: Any, text: str, trigger: str, modality: str) -> None:
    events = _of(read(text), "COOPERATE", trigger)
    assert [e["modality"] for e in events] == [modality], read(text)["events"]


def test_events_infinitive_after_a_linking_verb_is_no_purpose(read: Any) -> None:
    record = read("France and Spain became the first countries to attend a Nato summit.")
    summits = _of(record, "CONSULT", "summit")
    assert summits and all(e["modality"] == "occurred" for e in summits), summits


@pytest.mark.parametrize(
    "text",
    [
        "The French president arrived in Seoul to deepen the alliance's ties.",   # an aim with no target
        "We need to strengthen the partnership between Korea and Nato.",           # a wish with no actor
        "The French president flew to Seoul on a trip aimed at strengthening ties with Japan.",  # whose aim?
        "Talks could resume.",                                                     # nobody acts
    ],
)
def test_events_vague_aims_are_not_coded(read: Any, text: str) -> None:
    record = read(text)
    assert not [e for e in record["events"] if e["mode"] != "visit"], record["events"]


def test_events_undone_passive_keeps_its_target(read: Any) -> None:
    """No agent, but a named target: "Germany will be consulted" is worth coding."""
    events = _of(read("Germany will be consulted before any changes are made."), "CONSULT")
    assert [(e["modality"], e["actor_codes"], e["target_codes"][0]["code"]) for e in events] \
        == [("planned", [], "DEU")], events


@pytest.mark.parametrize("text,kept", [("France agreed.", False), ("France agreed to meet Germany.", True),
                                       ("France promised tax cuts.", True)])
def test_events_intent_verb_needs_a_content(read: Any, text: str, kept: bool) -> None:
    assert bool(_of(read(text), "AGREE")) == kept, read(text)["events"]


def test_events_pronoun_subject_of_a_complement(read: Any) -> None:
    record = read("Egypt indicated it would meet with Sudan.")
    meet = _of(record, "CONSULT")
    assert meet and meet[0]["actor_codes"] == [{"code": "EGY", "sector": None}], meet


def test_events_first_person_in_a_quote_is_its_speaker(read: Any) -> None:
    record = read("\u201cWe will never negotiate with Germany,\u201d the French president said.")
    events = _of(record, "CONSULT")
    assert [(e["modality"], e["actor_codes"][0]["code"], e["target_codes"][0]["code"]) for e in events] \
        == [("negated", "FRA", "DEU")], record["events"]
    assert events[0]["source"] is not None


def test_events_nobody_acts_on_the_body_he_speaks_for(read: Any) -> None:
    record = read("Nato Secretary-General Jens Stoltenberg met Nato and South Korea in Seoul.")
    targets = {c["code"] for e in _of(record, "CONSULT") for c in e["target_codes"]}
    assert "IGO" not in targets and "KOR" in targets, record["events"]


# -- time and place from the sentence -------------------------------------------------

def test_events_time_of_a_participial_clause(read: Any) -> None:
    record = read("Japan and Korea attended a Nato summit, joining alliance leaders as observers last year.")
    summits = _of(record, "CONSULT", "summit")
    assert summits and {e["when"] for e in summits} == {"2029"}, summits
    assert all(e["when_inferred"] is False for e in summits)


def test_events_setting_of_an_opening_movement_clause(read: Any) -> None:
    record = read("Flying to Tokyo on Monday, the French president has meetings scheduled with Japanese officials.")
    meetings = _of(record, "CONSULT", "meetings")
    assert meetings, record["events"]
    assert _name(record, meetings[0]["place"]) == "Tokyo"
    monday = next(t["value"] for t in record["times"] if t["text"] == "Monday")
    assert (meetings[0]["when"], meetings[0]["when_inferred"]) == (monday, False)
    assert meetings[0]["modality"] == "planned"


def test_events_past_tense_is_not_planned_by_a_later_date(read: Any) -> None:
    record = read("France criticised Germany, the agency said on Thursday.")
    assert [e["modality"] for e in _of(record, "ACCUSE")] == ["occurred"]


def test_events_dateline_places_only_the_news_of_the_day(read: Any) -> None:
    text = "PARIS - France met Germany last year. France criticised Spain."
    record = read(text, dateline="PARIS")
    met = _of(record, "CONSULT")[0]
    criticised = _of(record, "ACCUSE")[0]
    assert met["when"] == "2029" and met["place"] is None
    assert criticised["place_inferred"] == "dateline" and _name(record, criticised["place"]) == "Paris"


# -- one act, several reports --------------------------------------------------------

HEADLINE = "French president arrives in South Korea"
BODY = "SEOUL - The French president arrived in Seoul on Sunday. He will meet Japan's prime minister on Friday."


def test_events_headline_and_lead_fold_into_one_event(read: Any) -> None:
    text = f"{HEADLINE}\n\n{BODY}"
    sections = (Section(kind="headline", start=0, end=len(HEADLINE)),
                Section(kind="body", start=len(HEADLINE) + 2, end=len(text)))
    record = read(text, sections=sections, dateline="SEOUL")
    visits = [e for e in record["events"] if e["mode"] == "visit"]
    assert len(visits) == 1, visits
    visit = visits[0]
    # The event is told by the lead (its own date and place), and the headline is kept as a mention.
    assert visit["trigger"]["text"] == "arrived" and _name(record, visit["place"]) == "Seoul"
    assert [m["trigger"]["text"] for m in visit["mentions"]] == ["arrives", "arrived"]
    for m in visit["mentions"]:
        for key in ("trigger", "evidence"):
            assert text[m[key]["start"]:m[key]["end"]] == m[key]["text"]
    assert [e["id"] for e in record["events"]] == [f"V{n}" for n in range(1, len(record["events"]) + 1)]


@pytest.mark.parametrize(
    "text",
    [
        "France met Germany on Monday. France met Germany on Friday.",              # two dates
        "France met Germany in Paris. France will meet Germany.",                   # two modalities
        "France met Germany. France met Spain.",                                     # two targets
    ],
)
def test_events_distinct_acts_stay_apart(read: Any, text: str) -> None:
    assert len(_of(read(text), "CONSULT")) == 2


def test_events_folding_can_be_turned_off(nlp: Any) -> None:
    from tidings.nlp._events.args import EntityIndex
    from tidings.nlp.pipeline import make_doc

    coder = nlp.get_pipe("tidings_events")
    doc = nlp(make_doc(nlp, Article(text="France met Germany. France met Germany again.", source_path="t",
                                    published="2030-01-01")))
    found = coder.match(doc)
    assert len(found.found) == 2
    assert isinstance(found.index, EntityIndex)
    assert not hasattr(coder, "_index")  # the component keeps nothing of a Doc
    try:
        coder.fold = False
        coder.set_annotations(doc, found)
        assert len(doc._.tidings_events) == 2
        coder.fold = True
        coder.set_annotations(doc, found)
        assert len(doc._.tidings_events) == 1
        assert len(doc._.tidings_events[0]["mentions"]) == 2
    finally:
        coder.fold = True
