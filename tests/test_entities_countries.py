"""Entities of two countries never merge: not in one article, not across articles in the store."""

from __future__ import annotations

from typing import Any

import pytest

from tidings.nlp._entities.coref import Draft, _merge_into
from tidings.nlp._entities.knowledge import Known
from tidings.nlp._entities.mentions import Mention
from tidings.records import Article
from tidings.store import _resolve

KOR = Known(key="country:KOR", name="South Korea", type="GPE", code="KOR", country="KOR")
PRK = Known(key="country:PRK", name="North Korea", type="GPE", code="PRK", country="PRK")


def test_countries_two_countries_never_merge_in_coref() -> None:
    mentions = [Mention(0, 2, "GPE", known=PRK, entity=0), Mention(5, 7, "GPE", known=KOR, entity=1)]
    drafts = [Draft(type="GPE", known=PRK, mentions=[0]), Draft(type="GPE", known=KOR, mentions=[1])]
    _merge_into(mentions, drafts, 0, 1)
    assert drafts[0].mentions == [0] and drafts[1].mentions == [1]
    assert [m.entity for m in mentions] == [0, 1]
    # An organisation of one country is not another's either.
    drafts.append(Draft(type="ORG", country="GBR", mentions=[]))
    drafts.append(Draft(type="ORG", country="KOR", mentions=[]))
    mentions.append(Mention(9, 11, "ORG", entity=2))
    drafts[2].mentions.append(2)
    _merge_into(mentions, drafts, 2, 3)
    assert drafts[2].mentions == [2] and mentions[2].entity == 2


# -- whole articles through the pipeline -------------------------------------------------


@pytest.fixture(scope="module")
def read() -> Any:
    from tidings.nlp.pipeline import analyze, load_pipeline

    nlp = load_pipeline()

    def run(text: str) -> dict[str, Any]:
        return analyze(Article(text=text, source_path="test", published="2030-01-15"), nlp)

    return run


def _by_code(record: dict[str, Any]) -> dict[str | None, list[list[str]]]:
    out: dict[str | None, list[list[str]]] = {}
    for e in record["entities"]:
        if e["type"] in {"GPE", "LOC"}:
            out.setdefault(e.get("code"), []).append([m["text"] for m in e["mentions"]])
    return out


@pytest.mark.slow
def test_countries_korea_beside_north_and_south_joins_neither(read: Any) -> None:
    record = read("North Korea fired a missile on Tuesday, South Korea said. "
                  "Officials in Seoul called it a provocation. Korea has been divided since 1945. "
                  "North Korea said the launch was a success.")
    codes = _by_code(record)
    assert codes["PRK"] == [["North Korea", "North Korea"]], codes
    assert codes["KOR"] == [["South Korea"]], codes
    # The bare "Korea" names neither country.
    assert all("Korea" not in names for group in codes.values() for names in group), codes
    for e in record["events"]:
        if e["actor_text"] and e["actor_text"].startswith("North Korea"):
            assert [c["code"] for c in e["actor_codes"]] == ["PRK"], e


@pytest.mark.slow
def test_countries_korea_goes_to_the_korea_named_just_before(read: Any) -> None:
    codes = _by_code(read("North Korea fired a missile on Tuesday. Korea said the test was a success. "
                          "South Korea condemned the launch."))
    assert codes["PRK"] == [["North Korea", "Korea"]], codes
    assert codes["KOR"] == [["South Korea"]], codes


@pytest.mark.slow
def test_countries_korea_alone_is_south_korea(read: Any) -> None:
    # With no other Korea named, the short name keeps its gazetteer meaning.
    codes = _by_code(read("South Korea held elections. Korea's new president took office on Monday."))
    assert codes["KOR"] == [["South Korea", "Korea"]], codes


@pytest.mark.slow
@pytest.mark.parametrize(
    "text,expected",
    [
        # "Sudan" is Sudan's own name, not a short form of South Sudan.
        ("Sudan and South Sudan clashed at the border. Sudan said South Sudan attacked first.",
         {"SDN": [["Sudan", "Sudan"]], "SSD": [["South Sudan", "South Sudan"]]}),
        # "Congo" could be either Congo here.
        ("The Democratic Republic of Congo accused Congo-Brazzaville of harbouring rebels. Congo denied it.",
         {"COD": [["Democratic Republic of Congo"]], "COG": [["Congo-Brazzaville"]]}),
    ],
)
def test_countries_namesakes_stay_apart(read: Any, text: str, expected: dict[str, Any]) -> None:
    codes = _by_code(read(text))
    assert {k: v for k, v in codes.items() if k is not None} == expected


# -- the store -----------------------------------------------------------------------------


def test_countries_store_keeps_names_of_two_countries_apart(store: Any) -> None:
    with store.write() as conn:
        south = _resolve.resolve(conn, _resolve.LocalEntity("South Korea", "GPE", code="KOR", country="KOR"))
        # An article whose "Korea" was read as South Korea gives the short name to that entity.
        assert _resolve.resolve(conn, _resolve.LocalEntity("Korea", "GPE", code="KOR", country="KOR")) == south
        north = _resolve.resolve(conn, _resolve.LocalEntity("North Korea", "GPE", code="PRK", country="PRK"))
        assert north != south
        # A North Korean entity named by the short name does not join South Korea through it.
        assert _resolve.resolve(conn, _resolve.LocalEntity("Korea", "GPE", code="PRK", country="PRK")) == north
        # One country's ministry is not another's; the same country's is one.
        uk = _resolve.resolve(conn, _resolve.LocalEntity("Defence Ministry", "ORG", code="GBR", country="GBR"))
        kor = _resolve.resolve(conn, _resolve.LocalEntity("Defence Ministry", "ORG", code="KOR", country="KOR"))
        assert uk != kor
        assert _resolve.resolve(conn, _resolve.LocalEntity("Defence Ministry", "ORG", code="KOR",
                                                           country="KOR")) == kor
        assert _resolve.resolve(conn, _resolve.LocalEntity("Defence Ministry", "ORG", code="GBR",
                                                           country="GBR")) == uk
        # Without a country, the name alone still finds the entity.
        assert _resolve.resolve(conn, _resolve.LocalEntity("Korea", "GPE")) in {north, south}
        # People keep resolving by name: their code follows what an article says of them.
        kim = _resolve.resolve(conn, _resolve.LocalEntity("Kim Jong Un", "PERSON", code="PRK", country="PRK"))
        assert _resolve.resolve(conn, _resolve.LocalEntity("Kim Jong Un", "PERSON", code="KOR",
                                                           country="KOR")) == kim


@pytest.mark.slow
def test_countries_two_articles_in_a_store_stay_two_entities(store: Any, read: Any) -> None:
    store.add(read("North Korea fired a missile on Tuesday. Korea said the test was a success."))
    store.add(read("South Korea condemned the launch. Korea will raise it at the United Nations."))
    store.add(read("North Korea and South Korea held talks. Korea's leaders agreed to meet again."))
    places = [(e["name"], e.get("code")) for e in store.entities(limit=1000).items
              if e.get("code") in {"KOR", "PRK"}]
    assert sorted(places) == [("North Korea", "PRK"), ("South Korea", "KOR")], places
