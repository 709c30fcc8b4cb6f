"""Words that look like events but tell none, and one act told by two verbs:
coordinated verbs of one act, gerunds describing a noun, nouns a denial answers,
private people's trips, naming verbs and verbs in a fixed expression."""

from __future__ import annotations

from typing import Any

import pytest

from tidings.records import Article

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def read() -> Any:
    from tidings.nlp.pipeline import analyze, load_pipeline

    nlp = load_pipeline()

    def run(text: str) -> list[dict[str, Any]]:
        return list(analyze(Article(text=text, source_path="test", published="2030-01-15"), nlp)["events"])

    return run


def _of(events: list[dict[str, Any]], etype: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == etype]


def test_events_coordinated_verbs_of_one_act_are_one_event(read: Any) -> None:
    events = _of(read("The militants, who wounded 12 soldiers and killed three civilians, were arrested in Mosul."),
                 "ASSAULT")
    assert len({e["trigger"]["start"] for e in events}) == 1, events
    # the second verb's victims join the event
    assert {e["target_text"] for e in events} == {"12 soldiers", "three civilians"}, events


def test_events_a_participle_of_the_same_act_joins_it(read: Any) -> None:
    events = _of(read("Rebels shelled an army base in Goma, killing four soldiers."), "ASSAULT")
    assert len(events) == 1, events
    assert events[0]["trigger"]["text"] == "shelled" and events[0]["target_text"] == "four soldiers", events


def test_events_acts_of_one_type_in_other_modes_stay_apart(read: Any) -> None:
    events = _of(read("Soldiers shot two protesters and abducted a journalist in Juba on Monday."), "ASSAULT")
    assert len({e["trigger"]["start"] for e in events}) == 2, events


def test_events_a_gerund_describing_a_noun_is_no_act(read: Any) -> None:
    assert not _of(read("The charity has a proud record of cooperating with customs officers across Europe."),
                   "COOPERATE")


def test_events_a_gerund_with_its_doer_stays(read: Any) -> None:
    assert _of(read("Kenya and Uganda signed a deal on cooperating with Interpol in March."), "COOPERATE")


def test_events_an_allegation_a_denial_answers_is_no_accusation(read: Any) -> None:
    events = read("The mayor of Lagos rejected allegations of bribery on Friday.")
    assert not [e for e in _of(events, "ACCUSE") if e["actor_text"] and "mayor" in e["actor_text"]], events


def test_events_private_people_travelling_do_not_consult(read: Any) -> None:
    assert not _of(read("Hundreds of tourists arrived in Lisbon on Sunday."), "CONSULT")
    assert _of(read("The Portuguese prime minister arrived in Luanda on Sunday."), "CONSULT")


def test_events_calling_something_a_name_asks_nothing(read: Any) -> None:
    assert not _of(read("The Chilean foreign minister called the vote \"a shameful farce\"."), "REQUEST")
    assert _of(read("The Chilean foreign minister called on Bolivia to withdraw its ambassador."), "REQUEST")


def test_events_the_namer_is_no_doer_of_the_named_deed(read: Any) -> None:
    events = read("Egypt's president called the bombing \"a cowardly crime\".")
    assert not [e for e in _of(events, "ASSAULT") if e["actor_text"] and "president" in e["actor_text"]], events


def test_events_a_verb_in_a_fixed_expression_is_no_attack(read: Any) -> None:
    assert not _of(read("The Iranian president struck a defiant tone in his speech to parliament."), "ASSAULT")
    assert _of(read("Gunmen struck a police station in Peshawar on Monday."), "ASSAULT")
