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
