"""Roles read from the article: titles before names, appositions, modifiers and context."""

from __future__ import annotations

from typing import Any

import pytest

from tidings.records import Article, Section

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp() -> Any:
    from tidings.nlp.pipeline import load_pipeline

    return load_pipeline(("entities",))


def run(nlp: Any, text: str, *, dateline: str | None = None) -> Any:
    article = Article(text=text, source_path="test", dateline=dateline,
                      sections=(Section("body", 0, len(text)),))
    from tidings.nlp.pipeline import make_doc

    return nlp(make_doc(nlp, article))


def person(doc: Any, name: str) -> dict[str, Any]:
    found = [e for e in doc._.tidings_entities if e["name"] == name]
    assert len(found) == 1, (name, [(e["name"], e["type"]) for e in doc._.tidings_entities])
    assert found[0]["type"] == "PERSON"
    return found[0]


@pytest.mark.parametrize(
    "text,name,title,org,country",
    [
        # a title before the name, the country from a modifier
        ("Japanese Prime Minister Shigeru Ishiba said talks would go on.",
         "Shigeru Ishiba", "Prime Minister", None, "JPN"),
        ("South Korea's Foreign Minister Cho Tae-yul flew to Washington.",
         "Cho Tae-yul", "Foreign Minister", None, "KOR"),
        # an organisation modifier
        ("Nato Secretary-General Mark Rutte arrived in Kyiv.", "Mark Rutte", "Secretary-General", "NATO", None),
        # "Minister of ..." titles
        ("Minister of Foreign Affairs Ahmed Attaf met his counterpart in Algiers.",
         "Ahmed Attaf", "Minister of Foreign Affairs", None, "DZA"),
        # the country from the context ("In Tokyo, ...")
        ("In Tokyo, the envoy is due to meet Foreign Minister Yoko Kamikawa and other officials.",
         "Yoko Kamikawa", "Foreign Minister", None, "JPN"),
        # appositions after and before the name
        ("Penny Wong, Australia's foreign minister, said the talks were useful.",
         "Penny Wong", "Foreign Minister", None, "AUS"),
        ("The head of the IAEA, Rafael Grossi, said inspectors had left.",
         "Rafael Grossi", "Head", "International Atomic Energy Agency", None),
    ],
)
def test_entities_roles_read(nlp: Any, text: str, name: str, title: str, org: str | None,
                             country: str | None) -> None:
    ent = person(run(nlp, text), name)
    assert any(r["title"] == title and r["org"] == org and r["country"] == country for r in ent["roles"]), ent["roles"]


def test_entities_roles_dateline_gives_the_country(nlp: Any) -> None:
    text = "BERLIN - Defence Minister Boris Pistorius said more tanks would be sent."
    ent = person(run(nlp, text, dateline="BERLIN"), "Boris Pistorius")
    assert ent["roles"][0]["country"] == "DEU"
    assert (ent["code"], ent["country"], ent["sector"]) == ("DEU", "DEU", "GOV")


def test_entities_roles_igo_title_codes_the_person_igo(nlp: Any) -> None:
    ent = person(run(nlp, "Nato Secretary-General Mark Rutte arrived in Kyiv."), "Mark Rutte")
    assert (ent["code"], ent["sector"]) == ("IGO", "IGO")


def test_entities_roles_list_of_officials_is_not_an_apposition(nlp: Any) -> None:
    doc = run(nlp, "In Paris, he met Foreign Minister Jean-Noel Barrot, Minister of the Armed Forces "
                   "Sebastien Lecornu, and other officials.")
    ent = person(doc, "Jean-Noel Barrot")
    assert [r["title"] for r in ent["roles"]] == ["Foreign Minister"]


def test_entities_roles_titled_mention_is_grouped(nlp: Any) -> None:
    doc = run(nlp, "He met Prime Minister Narendra Modi in Delhi.")
    ent = person(doc, "Narendra Modi")
    assert "Prime Minister Narendra Modi" in [m["text"] for m in ent["mentions"]]
