"""Corrections of the stock model's names, on built sentences where the model errs.

Each sentence below is one the bare model gets wrong in the way the comment
says; the assertions are on what the entity stage makes of it.
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


def mention_texts(entities: list[dict[str, Any]]) -> set[str]:
    return {m["text"] for e in entities for m in e["mentions"]}


def test_entities_names_title_cut_off_a_person_typed_org(nlp: Any) -> None:
    # The model reads "Spokeswoman Sandy Angers" as an ORG here.
    ents = run(nlp, "Boeing has been pushed back several years, Boeing saying that further advancement of "
                    "technology is required. Spokeswoman Sandy Angers said that the team would cease looking "
                    "at specific designs.")
    person = named(ents, "Sandy Angers")
    assert person["type"] == "PERSON"
    assert not any(e["type"] == "ORG" and "Angers" in e["name"] for e in ents)


def test_entities_names_organisation_word_makes_an_organisation(nlp: Any) -> None:
    # The model reads "Douglas Aircraft" as a PERSON.
    ents = run(nlp, "Boeing delivered the last jet built by Douglas Aircraft to AirTran Airways on Tuesday.")
    assert named(ents, "Douglas Aircraft")["type"] == "ORG"


def test_entities_names_flight_number_is_not_the_airline(nlp: Any) -> None:
    # The model reads "Adam Air Flight" as the organisation.
    ents = run(nlp, "The crash of Adam Air Flight 574 killed 102 people, officials in Jakarta said.")
    assert named(ents, "Adam Air")["type"] == "ORG"
    assert not any("Flight" in t for t in mention_texts(ents))


@pytest.mark.parametrize(
    "text,maker",
    [
        ("The first Airbus A380 was handed to Singapore Airlines in Toulouse, France, on Monday.", "Airbus"),
        ("The Boeing 787 Dreamliner made its first flight on Tuesday.", "Boeing"),
    ],
)
def test_entities_names_maker_in_a_product_name_is_no_mention(nlp: Any, text: str, maker: str) -> None:
    ents = run(nlp, text)
    assert maker not in mention_texts(ents)


def test_entities_names_maker_before_a_year_is_kept(nlp: Any) -> None:
    ents = run(nlp, "Boeing said on Monday that Boeing 2024 deliveries would rise.")
    assert named(ents, "Boeing")["type"] == "ORG"
    assert len(named(ents, "Boeing")["mentions"]) == 2


def test_entities_names_known_organisation_before_a_count_is_kept(nlp: Any) -> None:
    # A gazetteer's organisation before a number the model reads as no product.
    ents = run(nlp, "Leaders of the EU 27 met in Brussels on Friday.")
    assert "EU" in mention_texts(ents)


def test_entities_names_time_zone_is_no_organisation(nlp: Any) -> None:
    # The model reads "UTC" as an ORG.
    ents = run(nlp, "In a New York press conference at 16:15 UTC, June 1st, Fritz Henderson outlined a plan.")
    assert "UTC" not in mention_texts(ents)
    assert named(ents, "Fritz Henderson")["type"] == "PERSON"


def test_entities_names_town_in_place_context_is_a_place(nlp: Any) -> None:
    # The model reads "Toulouse" as a PERSON.
    ents = run(nlp, "The plane took off at 08:30 UTC from Toulouse in France.")
    place = named(ents, "Toulouse")
    assert (place["type"], place["country"]) == ("GPE", "FRA")


def test_entities_names_surname_that_is_a_town_is_the_person(nlp: Any) -> None:
    # The model reads the second "Henderson" as a GPE (Henderson, Nevada).
    ents = run(nlp, "In a New York press conference at 16:15 UTC, June 1st, Fritz Henderson outlined a plan. "
                    "Speaking to the press under safe harbor provisions of U.S. law, Henderson described "
                    "the events of today as a defining moment.")
    person = named(ents, "Fritz Henderson")
    assert [m["text"] for m in person["mentions"]].count("Henderson") == 1
    assert not any(e["type"] == "GPE" and e["name"] == "Henderson" for e in ents)


def test_entities_names_first_word_of_an_organisation_is_the_organisation(nlp: Any) -> None:
    # The model reads "AirTran" alone as a GPE.
    ents = run(nlp, "Boeing delivers final 717 to AirTran, ending Douglas era. Boeing delivered the last jet "
                    "to AirTran Airways on Tuesday.")
    org = named(ents, "AirTran Airways")
    assert org["type"] == "ORG" and "AirTran" in {m["text"] for m in org["mentions"]}


def test_entities_names_title_case_dateline_is_a_place(nlp: Any) -> None:
    # The model reads "San Jose - Cisco Systems" as one GPE.
    ents = run(nlp, "San Jose - Cisco Systems has sued Apple over the iPhone name. Cisco said the name was its own.")
    assert named(ents, "San Jose")["type"] == "GPE"
    org = named(ents, "Cisco Systems")
    assert org["type"] == "ORG" and "Cisco" in {m["text"] for m in org["mentions"]}


def test_entities_names_unknown_title_case_opening_is_no_dateline(nlp: Any) -> None:
    ents = run(nlp, "Boeing Company - the maker of the 787 - said it would hire.")
    assert named(ents, "Boeing Company")["type"] == "ORG"


def test_entities_names_end_at_a_spaced_dash(nlp: Any) -> None:
    # The model reads "San Jose - Cisco" as one GPE.
    ents = run(nlp, "The dispute is between Apple Inc. and a leader in network systems, based in San Jose - Cisco.")
    assert named(ents, "San Jose")["type"] == "GPE"
    assert not any(" - " in t for t in mention_texts(ents))


def test_entities_names_organisation_cut_short_is_whole(nlp: Any) -> None:
    # The model: "Lockheed" ORG + "Martin" PRODUCT; "Chrysler" ORG + "LLC" untagged.
    ents = run(nlp, "The contract was fought for between Boeing and Lockheed Martin, Lockheed ultimately "
                    "winning the contest.")
    lockheed = named(ents, "Lockheed Martin")
    assert lockheed["type"] == "ORG" and {m["text"] for m in lockheed["mentions"]} == {"Lockheed Martin", "Lockheed"}
    for text in ["American automobile manufacturer Chrysler LLC has said that it wants to close dealers.",
                 '"It is too early," said the vice president and chairman of Chrysler LLC Jim Press.']:
        assert named(run(nlp, text), "Chrysler LLC")["type"] == "ORG"


def test_entities_names_organisation_not_joined_to_a_date_or_possession(nlp: Any) -> None:
    # "Tuesday" (a date) and "Saturn" after a possessive are not part of the name.
    ents = run(nlp, "Apple Tuesday said sales rose.")
    assert named(ents, "Apple")["type"] == "ORG"
    ents = run(nlp, "General Motors' Saturn unit will be sold to Penske.")
    assert not any(e["name"].endswith("Saturn") and e["name"].startswith("General") for e in ents)
