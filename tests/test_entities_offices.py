"""A place (or body), an office and its holder that the stock model runs into one name.

Each sentence is one the bare model reads as written in its comment; the
assertions are on what the entity stage makes of it: the place is a place, the
title is a role, the holder (named or not) is a person.
"""

from __future__ import annotations

from typing import Any

import pytest

from tidings.records import Article, Section

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp() -> Any:
    from tidings.nlp.pipeline import load_pipeline

    return load_pipeline(("entities",))


def run(nlp: Any, text: str) -> list[dict[str, Any]]:
    from tidings.nlp.pipeline import make_doc

    article = Article(text=text, source_path="test", sections=(Section("body", 0, len(text)),))
    return nlp(make_doc(nlp, article))._.tidings_entities  # type: ignore[no-any-return]


def named(entities: list[dict[str, Any]], name: str) -> dict[str, Any]:
    found = [e for e in entities if e["name"] == name]
    assert len(found) == 1, (name, [(e["name"], e["type"]) for e in entities])
    return found[0]


def titles(entity: dict[str, Any]) -> list[str]:
    return [r["title"] for r in entity["roles"]]


def test_entities_offices_place_title_and_name_in_one(nlp: Any) -> None:
    # The model: "Huntsville Fire Chief Dan Wilkerson" PERSON.
    ents = run(nlp, "Huntsville Fire Chief Dan Wilkerson said the blaze started in a kitchen.")
    assert named(ents, "Huntsville")["type"] == "GPE"
    chief = named(ents, "Dan Wilkerson")
    assert chief["type"] == "PERSON" and titles(chief) == ["Fire Chief"]
    assert not any("Fire" in e["name"] and e["name"] != "Dan Wilkerson" for e in ents)


def test_entities_offices_unnamed_holder_is_a_person_with_the_role(nlp: Any) -> None:
    # The model: "Huntsville Fire Chief" PERSON, no one named.
    ents = run(nlp, "Huntsville Fire Chief said the blaze was out. He said the fire chief had called for help.")
    assert named(ents, "Huntsville")["type"] == "GPE"
    holder = named(ents, "Huntsville Fire Chief")
    assert holder["type"] == "PERSON" and titles(holder) == ["Fire Chief"]
    texts = [m["text"] for m in holder["mentions"]]
    assert "He" in texts and "the fire chief" in texts
    # The place's own mention is only the place.
    assert [m["text"] for m in named(ents, "Huntsville")["mentions"]] == ["Huntsville"]


def test_entities_offices_division_word_makes_a_place(nlp: Any) -> None:
    # The model: "Walker County Sheriff" GPE; "Anderson County Sheriff" PERSON before a name.
    ents = run(nlp, "Walker County Sheriff said two men were arrested.")
    assert named(ents, "Walker County")["type"] == "GPE"
    assert titles(named(ents, "Walker County Sheriff")) == ["Sheriff"]
    ents = run(nlp, "Anderson County Sheriff Paul Smith said the road was closed.")
    assert named(ents, "Anderson County")["type"] == "GPE"
    assert titles(named(ents, "Paul Smith")) == ["Sheriff"]


def test_entities_offices_name_running_into_a_title(nlp: Any) -> None:
    # The model: "Gainesville Police" ORG, "Harris County District" GPE, "Obama Chief of" PERSON.
    ents = run(nlp, "Gainesville Police Chief Tony Jones said the suspect fled.")
    assert named(ents, "Gainesville")["type"] == "GPE"
    assert titles(named(ents, "Tony Jones")) == ["Police Chief"]
    ents = run(nlp, "Harris County District Attorney Kim Ogg said charges were filed.")
    assert named(ents, "Harris County")["type"] == "GPE"
    assert titles(named(ents, "Kim Ogg")) == ["District Attorney"]
    ents = run(nlp, "Obama Chief of Staff Rahm Emanuel said the vote was close.")
    assert named(ents, "Obama")["type"] == "PERSON"


def test_entities_offices_given_name_left_between_title_and_name(nlp: Any) -> None:
    # The model: "Obama Chief of" PERSON, "Emanuel" PERSON; "Rahm" left out of both.
    ents = run(nlp, "Obama Chief of Staff Rahm Emanuel said the vote was close.")
    assert titles(named(ents, "Rahm Emanuel")) == ["Chief of Staff"]


def test_entities_offices_a_known_place_gives_the_role_its_country(nlp: Any) -> None:
    # The model: "Texas Governor Greg Abbott" is read whole unless the gazetteer splits it.
    ents = run(nlp, "Texas Governor Greg Abbott said the vote was close.")
    abbott = named(ents, "Greg Abbott")
    assert titles(abbott) == ["Governor"] and abbott["country"] == "USA"


def test_entities_offices_surname_that_is_a_title_stays_a_name(nlp: Any) -> None:
    # "Alderman" and "Judge" are titles, but here surnames: nothing tells of a place.
    for text, name in [("Jane Alderman said the vote was close.", "Jane Alderman"),
                       ("Mark Judge said the vote was close.", "Mark Judge")]:
        person = named(run(nlp, text), name)
        assert person["type"] == "PERSON" and person["roles"] == []


def test_entities_offices_untagged_place_and_office(nlp: Any) -> None:
    # The model tags none of "the Anderson County Sheriff" and only "Larry Boone" below.
    ents = run(nlp, "The Anderson County Sheriff said two men were held. The sheriff said they were armed.")
    assert named(ents, "Anderson County")["type"] == "GPE"
    sheriff = named(ents, "Anderson County Sheriff")
    assert sheriff["type"] == "PERSON" and "The sheriff" in [m["text"] for m in sheriff["mentions"]]
    ents = run(nlp, "City of Norfolk Police Chief Larry Boone said the officer was on leave.")
    assert named(ents, "City of Norfolk")["type"] == "GPE"
    assert titles(named(ents, "Larry Boone")) == ["Police Chief"]
    # A body named after the office is left to the model: no place is cut out of it.
    ents = run(nlp, "The Anderson County Sheriff's Office said two men were held.")
    assert not any(e["name"] == "Anderson County" for e in ents)
