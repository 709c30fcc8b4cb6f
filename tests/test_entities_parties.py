"""Political parties named in a story are organisations of their country."""

from __future__ import annotations

from typing import Any

import pytest

from tidings.records import Article, Section

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp() -> Any:
    from tidings.nlp.pipeline import load_pipeline

    return load_pipeline(("entities",))


def entities(nlp: Any, text: str) -> list[dict[str, Any]]:
    from tidings.nlp.pipeline import make_doc

    article = Article(text=text, source_path="test", sections=(Section("body", 0, len(text)),))
    return nlp(make_doc(nlp, article))._.tidings_entities


def test_entities_parties_get_country_and_sector(nlp: Any) -> None:
    ents = entities(nlp, "The Tories and the Liberal Democrats attacked the plan, "
                         "but Labour said it would press ahead.")
    parties = {e["name"]: e for e in ents if e["sector"] == "PTY"}
    assert set(parties) == {"Conservative Party", "Liberal Democrats", "Labour Party"}
    assert all(e["type"] == "ORG" and e["code"] == "GBR" and e["country"] == "GBR" for e in parties.values())


def test_entities_parties_common_word_is_not_a_party(nlp: Any) -> None:
    ents = entities(nlp, "Labour costs rose sharply in the third quarter, the survey found.")
    assert not [e for e in ents if e["sector"] == "PTY"]


def people(nlp: Any, text: str, url: str | None = None) -> dict[str, dict[str, Any]]:
    from tidings.nlp.pipeline import make_doc

    article = Article(text=text, source_path="test", url=url, sections=(Section("body", 0, len(text)),))
    return {e["name"]: e for e in nlp(make_doc(nlp, article))._.tidings_entities if e["type"] == "PERSON"}


def test_entities_home_country_from_the_url_domain_is_flagged_inferred(nlp: Any) -> None:
    text = "Home Secretary Jane Doyle said the bill would be published next week."
    doyle = people(nlp, text, url="https://news.example.co.uk/politics/1")["Jane Doyle"]
    assert doyle["country"] == "GBR"
    assert [(r["title"], r["country"], r.get("country_inferred")) for r in doyle["roles"]] == \
        [("Home Secretary", "GBR", True)]
    assert people(nlp, text)["Jane Doyle"]["country"] is None  # no home country known


def test_entities_home_country_from_the_parties_the_article_names(nlp: Any) -> None:
    text = ("The Tories attacked the plan on Tuesday.\n\n"
            "Home Secretary Jane Doyle said the bill would be published next week.")
    doyle = people(nlp, text)["Jane Doyle"]
    assert doyle["country"] == "GBR" and doyle["roles"][0]["country_inferred"] is True


def test_entities_home_country_gives_way_to_a_country_in_the_sentence(nlp: Any) -> None:
    text = "In Nairobi, Finance Minister Jane Doyle said the bill would be published next week."
    doyle = people(nlp, text, url="https://news.example.co.uk/politics/1")["Jane Doyle"]
    assert doyle["country"] == "KEN" and "country_inferred" not in doyle["roles"][0]


def test_entities_party_before_a_title_gives_the_role_its_country(nlp: Any) -> None:
    doyle = people(nlp, "Tory leader Jane Doyle said the bill would be published next week.")["Jane Doyle"]
    assert doyle["country"] == "GBR"
    assert [(r["title"], r["org"], r["country"]) for r in doyle["roles"]] == [("Leader", "Conservative Party", "GBR")]
    assert "country_inferred" not in doyle["roles"][0]
