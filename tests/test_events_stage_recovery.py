"""What the event stage keeps that its rules used to lose, on sentences written
for each mechanism, with what it must give and what it must not: victims told
with nobody named who acted, read as an act of someone unknown (not in an
accident, not when the article tells the act otherwise)."""

from __future__ import annotations

from typing import Any

import pytest

from tidings.records import Article

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def read() -> Any:
    from tidings.nlp.pipeline import analyze, load_pipeline

    nlp = load_pipeline()

    def run(text: str) -> dict[str, Any]:
        return analyze(Article(text=text, source_path="test", published="2030-01-01"), nlp)

    return run


def _of(record: dict[str, Any], typ: str) -> list[dict[str, Any]]:
    return [e for e in record["events"] if e["type"] == typ]


# -- victims of someone unknown -------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Eight villagers were killed on Sunday in a shooting near Kaduna.",
    "Twelve soldiers have been killed in two ambushes in northern Mali.",
])
def test_victims_of_an_act_with_no_doer_named_are_an_assault_by_someone_unknown(read: Any, text: str) -> None:
    hits = _of(read(text), "ASSAULT")
    assert len(hits) == 1 and hits[0]["actor_unknown"] is True


def test_victims_of_an_accident_are_no_assault(read: Any) -> None:
    assert _of(read("Three passengers were killed on Sunday in a bus crash near Kaduna."), "ASSAULT") == []


def test_victims_of_a_doer_named_in_a_clause_on_theirs_are_that_act(read: Any) -> None:
    hits = _of(read("Six traders were killed in Kano on Friday when a gunman opened fire."), "ASSAULT")
    assert len(hits) == 1 and hits[0]["actor_unknown"] is False
    assert hits[0]["trigger"]["text"] == "opened" and hits[0]["target_text"] == "Six traders"


def test_victims_of_an_act_told_before_retell_it(read: Any) -> None:
    hits = _of(read("A gunman opened fire on a market in Kano on Friday. Six traders were killed in the attack."),
               "ASSAULT")
    assert [e["trigger"]["text"] for e in hits] == ["opened"]


def test_a_subject_that_names_no_side_is_no_unknown_doer(read: Any) -> None:
    # A doer is told (a team), and names no side: nothing says the act is political.
    assert _of(read("A ranger team killed a wounded elephant near the village on Sunday."), "ASSAULT") == []
