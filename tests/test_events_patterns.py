"""Event patterns read from the dependency parse: one behaviour per row."""

from __future__ import annotations

from typing import Any

import pytest

from helpers.events import coded, text_reader

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def read() -> Any:
    return text_reader()


# text, type, mode, actor code(s), target code(s) expected among the events of that type
PATTERNS = [
    ("subject and object", "France criticised Germany on Monday.", "ACCUSE", None, "FRA", "DEU"),
    ("passive agent", "Germany was criticised by France.", "ACCUSE", None, "FRA", "DEU"),
    ("prepositional object", "France met with Germany in Paris.", "CONSULT", None, "FRA", "DEU"),
    ("hold talks", "Japan will hold talks with China.", "CONSULT", None, "JPN", "CHN"),
    ("visit: host country of the place", "The Japanese prime minister arrived in Seoul on Tuesday.",
     "CONSULT", "visit", "JPN/GOV", "KOR"),
    ("visit: a visited city stands for its country", "The French president visited Seoul.", "CONSULT", "visit",
     "FRA/GOV", "KOR"),
    ("object phrase", "Spain condemned an attack by Russian soldiers.", "ACCUSE", None, "ESP", "RUS/MIL"),
    ("coordinated targets", "Russia warned Estonia, Latvia and Lithuania.", "ACCUSE", None, "RUS", "EST"),
    ("coordinated targets (last)", "Russia warned Estonia, Latvia and Lithuania.", "ACCUSE", None, "RUS", "LTU"),
    ("compound actors", "Hungarian and Romanian officials met in Budapest.", "CONSULT", None, "HUN/GOV", "ROU/GOV"),
    ("nominal event", "Japan attended a Nato summit.", "CONSULT", "third-party", "JPN", "IGO/IGO"),
    ("participial clause", "Flying to Tokyo on Monday, the French president met Japanese officials.",
     "CONSULT", "visit", "FRA/GOV", "JPN"),
    ("xcomp chain", "India is due to sign an agreement with Japan.", "SUPPORT", None, "IND", "JPN"),
    ("intent verb", "Egypt vowed to deepen cooperation with Sudan.", "AGREE", None, "EGY", "SDN"),
    ("deploy troops", "Turkey will deploy troops to Syria, the defence ministry said.", "MOBILIZE", "troops",
     "TUR", "SYR"),
    ("reported accusation", "Russia said Nato expansion would provoke a conflict.", "ACCUSE", None, "RUS", "IGO/IGO"),
    ("sanction", "The United States sanctioned Iran.", "SANCTION", "discontinue", "USA", "IRN"),
    ("expel: sector of the target", "Poland expelled Russian diplomats.", "SANCTION", "expel", "POL", "RUS/GOV"),
    ("verbal attack is an accusation", "Germany attacked France's budget plans.", "ACCUSE", None, "DEU", "FRA"),
    ("armed attack", "Russia attacked Ukraine.", "ASSAULT", None, "RUS", "UKR"),
    ("strike a deal is an agreement", "Britain struck a trade deal with Nigeria.", "AGREE", None, "GBR", "NGA"),
    ("mutual: coordinated actors, no target", "Egypt and Jordan held talks.", "CONSULT", None, "EGY", "JOR"),
]


@pytest.mark.parametrize("name,text,etype,mode,actor,target", PATTERNS, ids=[p[0] for p in PATTERNS])
def test_events_pattern(read: Any, name: str, text: str, etype: str, mode: str | None, actor: str,
                        target: str) -> None:
    record = read(text)
    events = [e for e in record["events"] if e["type"] == etype]
    assert events, f"no {etype} event in {record['events']}"
    hits = [e for e in events if actor in coded(e["actor_codes"]) and target in coded(e["target_codes"])
            and (mode is None or e["mode"] == mode)]
    assert hits, [(coded(e["actor_codes"]), coded(e["target_codes"]), e["mode"]) for e in events]


def test_events_visit_place_is_the_destination(read: Any) -> None:
    record = read("The Japanese prime minister arrived in Seoul on Tuesday.")
    names = {e["id"]: e["name"] for e in record["entities"]}
    visit = next(e for e in record["events"] if e["mode"] == "visit")
    assert names[visit["place"]] == "Seoul"
    assert visit["when"] == "2029-12-31" or visit["when"].startswith("2030-01")
    assert visit["when_inferred"] is False


def test_events_date_inferred_from_publication(read: Any) -> None:
    event = read("France met Germany.")["events"][0]
    assert (event["when"], event["when_inferred"]) == ("2030-01-01", True)


def test_events_reported_event_has_a_source(read: Any) -> None:
    record = read("Turkey will deploy troops to Syria, the defence ministry said.")
    event = next(e for e in record["events"] if e["type"] == "MOBILIZE")
    assert event["source_text"] == "the defence ministry"


def test_events_every_event_carries_a_cameo_code_of_its_type(read: Any) -> None:
    from tidings.nlp._events.ontology import EventKnowledge

    knowledge = EventKnowledge.load()
    for _, text, *_ in PATTERNS:
        for event in read(text)["events"]:
            row = knowledge.plover_of(event["cameo"])
            assert row is not None and row["type"] == event["type"], event


@pytest.mark.parametrize(
    "text",
    [
        "The weather in Paris was mild and the river rose.",
        "The chancellor would meet his fiscal rules.",   # "meet" without anyone to meet
        "Brighton hosted the event.",                     # "host" without a guest
    ],
)
def test_events_no_event(read: Any, text: str) -> None:
    assert read(text)["events"] == []
