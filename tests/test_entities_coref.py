"""Within-article coreference and name corrections of the entity stage, on built sentences."""

from __future__ import annotations

from typing import Any

import pytest

from tidings.records import Article, Section

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp() -> Any:
    from tidings.nlp.pipeline import load_pipeline

    return load_pipeline(("entities",))


def run(nlp: Any, text: str, *, headline: str | None = None, published: str | None = None) -> Any:
    full, sections = text, [Section("body", 0, len(text))]
    if headline is not None:
        full = headline + "\n\n" + text
        sections = [Section("headline", 0, len(headline)), Section("body", len(headline) + 2, len(full))]
    article = Article(text=full, source_path="test", headline=headline, published=published,
                      sections=tuple(sections))
    from tidings.nlp.pipeline import make_doc

    return nlp(make_doc(nlp, article))


def entity(doc: Any, name: str) -> dict[str, Any]:
    found = [e for e in doc._.tidings_entities if e["name"] == name or name in e["aliases"]]
    assert len(found) == 1, (name, [(e["name"], e["type"]) for e in doc._.tidings_entities])
    return found[0]


def mention_texts(ent: dict[str, Any]) -> list[str]:
    return [m["text"] for m in ent["mentions"]]


@pytest.mark.parametrize(
    "text,name,mention",
    [
        # full name <-> surname
        ("Angela Merkel arrived in Paris on Monday. Merkel said the talks had gone well.",
         "Angela Merkel", "Merkel"),
        # full name <-> Mr Surname
        ("Rishi Sunak spoke to farmers in Devon. Mr Sunak promised new subsidies.",
         "Rishi Sunak", "Mr Sunak"),
        # an Asian family name first: "Mr Moon" is Moon Jae-in
        ("President Moon Jae-in visited the border. Mr Moon said peace was possible.",
         "Moon Jae-in", "Mr Moon"),
        # title alone
        ("Foreign Minister Hakan Fidan met reporters in Ankara. The minister said talks would resume.",
         "Hakan Fidan", "The minister"),
        ("UN Secretary-General Antonio Guterres flew to Kyiv. The secretary-general urged restraint.",
         "Antonio Guterres", "The secretary-general"),
        # pronouns of a person
        ("Prime Minister Anthony Albanese arrived in Jakarta on Tuesday. He said trade would grow.",
         "Anthony Albanese", "He"),
        ("Ms Jacinda Ardern left parliament in April. She said she had no regrets.",
         "Jacinda Ardern", "She"),
        # pronouns of an organisation or a country
        ("The International Monetary Fund cut its growth forecast for Germany.",
         "International Monetary Fund", "its"),
        ("Toyota recalled two million cars on Monday. They said the fault affected brakes.", "Toyota", "They"),
        # "the president" alone
        ("President Lula da Silva arrived in Brasilia on Monday. The president said the economy would grow.",
         "Lula da Silva", "The president"),
        # an acronym defined in the text
        ("The Korea Institute for Defense Analyses (KIDA) published a report. KIDA said the risk had grown.",
         "Korea Institute for Defense Analyses", "KIDA"),
        # a nominal for a kind of organisation
        ("Nato leaders met in Vilnius on Tuesday. The alliance agreed to raise spending.",
         "NATO", "The alliance"),
        ("Ministers from the European Union met in Brussels. The bloc agreed new sanctions.",
         "European Union", "The bloc"),
    ],
)
def test_entities_coref_groups_mention(nlp: Any, text: str, name: str, mention: str) -> None:
    ent = entity(run(nlp, text), name)
    assert mention in mention_texts(ent)


def test_entities_coref_country_pronoun_is_an_actor_not_a_place(nlp: Any) -> None:
    # "its" stands for Brazil the state: the later stages read it from the span group,
    # but the place's mentions (what geocoding reads as toponyms) are where it is named.
    doc = run(nlp, "Brazil opened its first embassy in the region last year.")
    brazil = entity(doc, "Brazil")
    assert mention_texts(brazil) == ["Brazil"]
    assert [(s.text, s.kb_id_) for s in doc.spans["tidings_mentions"] if s.text == "its"] == [("its", brazil["id"])]


def test_entities_coref_pronoun_prefers_the_subject(nlp: Any) -> None:
    doc = run(nlp, "In Rome, Mr Barnier is due to meet Foreign Minister Antonio Tajani and other officials. "
                   "He will also see President Sergio Mattarella.")
    assert "He" in mention_texts(entity(doc, "Barnier"))


def test_entities_coref_they_not_bound_to_conjoined_people(nlp: Any) -> None:
    doc = run(nlp, "Mr Macron and Mr Scholz were the first leaders from their countries to attend.")
    for ent in doc._.tidings_entities:
        assert "their" not in mention_texts(ent)


def test_entities_coref_pleonastic_it_is_not_a_mention(nlp: Any) -> None:
    doc = run(nlp, "Germany said it is likely that talks will fail.")
    assert mention_texts(entity(doc, "Germany")) == ["Germany"]


def test_entities_coref_spans_carry_entity_ids(nlp: Any) -> None:
    from tidings.nlp.extensions import entity_of

    doc = run(nlp, "Prime Minister Anthony Albanese arrived in Jakarta on Tuesday. He said trade would grow.")
    ent = entity(doc, "Anthony Albanese")
    start = doc.text.index("He said")
    assert entity_of(doc, start, start + 2) == ent["id"]
    labels = {s.label_ for s in doc.spans["tidings_mentions"] if s.kb_id_ == ent["id"]}
    assert labels == {"PERSON"}


@pytest.mark.parametrize(
    "headline,text,name,wrong_type",
    [
        # a surname in a headline, tagged ORG by the model
        ("Nato's Stoltenberg arrives in Vietnam", "Nato Secretary-General Jens Stoltenberg arrived in Hanoi.",
         "Jens Stoltenberg", "ORG"),
    ],
)
def test_entities_coref_headline_surname_is_the_person(nlp: Any, headline: str, text: str, name: str,
                                                        wrong_type: str) -> None:
    doc = run(nlp, text, headline=headline)
    ent = entity(doc, name)
    first = headline.split()[1]
    assert first in mention_texts(ent)
    assert all(not (m["text"] == first and e["type"] == wrong_type)
               for e in doc._.tidings_entities for m in e["mentions"])


def test_entities_dateline_is_a_place_not_part_of_a_name(nlp: Any) -> None:
    doc = run(nlp, "MOSCOW - Nato said on Friday it would send more troops.")
    place = entity(doc, "Moscow")
    assert place["type"] == "GPE" and place["country"] == "RUS"
    assert "Nato" in mention_texts(entity(doc, "NATO"))
    assert not any("MOSCOW - " in m["text"] for e in doc._.tidings_entities for m in e["mentions"])


def test_entities_hyphenated_name_is_whole(nlp: Any) -> None:
    doc = run(nlp, "He will also likely meet with President Moon Jae-in, the presidential office has said.")
    ent = entity(doc, "Moon Jae-in")
    assert "Moon Jae" not in mention_texts(ent)


@pytest.mark.parametrize(
    "text,name,type_,code,country",
    [
        ("Officials in South Korea said so.", "South Korea", "GPE", "KOR", "KOR"),
        ("The Republic of Korea said so.", "South Korea", "GPE", "KOR", "KOR"),
        ("The DPRK fired a missile.", "North Korea", "GPE", "PRK", "PRK"),
        ("Japanese officials said so.", "Japanese", "NORP", None, "JPN"),
        ("Officials in Seoul said so.", "Seoul", "GPE", None, "KOR"),
        ("The North Atlantic Treaty Organisation met.", "NATO", "ORG", "IGO", None),
        ("The IAEA sent inspectors.", "International Atomic Energy Agency", "ORG", "IGO", None),
    ],
)
def test_entities_gazetteer_codes(nlp: Any, text: str, name: str, type_: str, code: str | None,
                                  country: str | None) -> None:
    ent = entity(run(nlp, text), name)
    assert (ent["type"], ent["code"], ent["country"]) == (type_, code, country)


@pytest.mark.parametrize(
    "text,name,country,sector",
    [
        ("Chinese state media had warned against the visit.", "Chinese state media", "CHN", "MED"),
        ("South Korea's foreign ministry protested.", "South Korea's foreign ministry", "KOR", "GOV"),
    ],
)
def test_entities_institution_with_a_country_modifier(nlp: Any, text: str, name: str, country: str,
                                                      sector: str) -> None:
    ent = entity(run(nlp, text), name)
    assert (ent["country"], ent["sector"]) == (country, sector)


def test_entities_institution_takes_the_country_of_the_context(nlp: Any) -> None:
    doc = run(nlp, "The envoy arrived in Manila on Monday. He will meet officials, the presidential office said.")
    ent = entity(doc, "the presidential office")
    assert (ent["type"], ent["country"], ent["sector"]) == ("ORG", "PHL", "GOV")
