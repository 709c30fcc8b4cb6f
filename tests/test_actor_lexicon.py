"""The shipped named-actor lexicon (PETRARCH-2's actors): loading, dated roles, matching in the entity stage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tidings.errors import LexiconError
from tidings.knowledge.actor_lexicon import load_actor_lexicon, norm

HEAD = "# source: test actors\n# licence: CC0\nname\taliases\ttype\tcode\tcountry\tsector\troles\tsource\n"


def test_shipped_lexicon_loads_validated_and_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIDINGS_CACHE", str(tmp_path))
    first = load_actor_lexicon()
    again = load_actor_lexicon()  # from the cache
    assert len(first) == len(again) > 20000
    assert first.sha256 == again.sha256
    assert list((tmp_path / "entities").glob("actors-*.pickle"))
    buhari = again.find("MUHAMMADU BUHARI")
    assert buhari is not None and buhari.code == "NGA" and buhari.type == "PERSON"
    group = again.find("boko haram")
    assert group is not None and (group.code, group.sector) == ("NGA", "REB")
    # Surnames alone are not in it: the article resolves them.
    assert again.find("Buhari") is None


def test_norm_ignores_case_spacing_and_quotes() -> None:
    assert norm("Ban  Ki-moon") == norm("BAN KI-MOON") == "ban ki-moon"
    assert norm("Yar\u2019Adua") == "yar'adua"


@pytest.mark.parametrize(("row", "field"), [
    ("Ana Vela\t\tPERSON\tARN\t\t\tARN GOV 2020-01-01\tx:1", "roles"),
    ("Ana Vela\t\tPERSON\tARN\t\t\tARN GOV 2021-01-01 2020-01-01\tx:1", "roles"),
    ("Ana Vela\t\tPERSON\tArnor\t\t\t\tx:1", "code"),
    ("Ana Vela\t\tWIZARD\tARN\t\t\t\tx:1", "type"),
])
def test_user_lexicon_errors_name_line_and_field(tmp_path: Path, row: str, field: str) -> None:
    path = tmp_path / "actors.tsv"
    path.write_text(HEAD + row + "\n", encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_actor_lexicon(str(path), cache=False)
    assert err.value.line == 4 and err.value.field == field


def _build(data_files: dict[str, str] | None = None) -> Any:
    import spacy

    from tidings.nlp.extensions import set_extensions
    from tidings.nlp.pipeline import MODEL

    set_extensions()
    nlp = spacy.load(MODEL, exclude=["lemmatizer"])
    nlp.add_pipe("tidings_entities", config={"data_files": data_files or {}, "geocode": False})
    return nlp


def _entities(nlp: Any, text: str, published: str | None = "2016-05-01") -> dict[str, dict[str, Any]]:
    from tidings.nlp.pipeline import make_doc
    from tidings.records import Article, Section

    article = Article(text=text, source_path="test", published=published, sections=(Section("body", 0, len(text)),))
    doc = nlp(make_doc(nlp, article))
    return {e["name"]: e for e in doc._.tidings_entities}


@pytest.fixture(scope="module")
def nlp() -> Any:
    return _build()


@pytest.mark.slow
def test_named_actors_get_codes_and_surnames_join_them(nlp: Any) -> None:
    found = _entities(nlp, "Gunmen from Boko Haram attacked a village. Muhammadu Buhari condemned the raid, "
                           "and Buhari ordered troops to the area.")
    assert (found["Boko Haram"]["code"], found["Boko Haram"]["sector"]) == ("NGA", "REB")
    person = found["Muhammadu Buhari"]
    assert person["code"] == "NGA" and person["type"] == "PERSON"
    assert "Buhari" in [m["text"] for m in person["mentions"]]


@pytest.mark.slow
def test_dated_roles_hold_only_in_their_term(nlp: Any) -> None:
    text = "Xi Jinping met business leaders on Monday."
    assert _entities(nlp, text, "2013-06-01")["Xi Jinping"]["sector"] == "GOV"
    late = _entities(nlp, text, "2030-06-01")["Xi Jinping"]
    assert late["code"] == "CHN" and late["sector"] is None  # past the dictionaries' horizon: the country only


@pytest.mark.slow
def test_a_role_in_the_article_beats_the_lexicon_default(nlp: Any) -> None:
    found = _entities(nlp, "Nato Secretary-General Jens Stoltenberg visited troops on Monday.", "2020-03-01")
    assert found["Jens Stoltenberg"]["code"] == "IGO"


@pytest.mark.slow
def test_country_names_in_capitals(nlp: Any) -> None:
    found = _entities(nlp, "NORTH KOREA WARNS SOUTH KOREA OVER DRILLS\n\nThe two countries traded threats.")
    assert found["North Korea"]["code"] == "PRK" and found["South Korea"]["code"] == "KOR"
    # A lower-case word is no name: "north korea" in running text is not matched case-free.
    assert "North Korea" not in _entities(nlp, "Food prices in the north korea region rose again.")


@pytest.mark.slow
def test_the_lexicon_can_be_turned_off_or_replaced(tmp_path: Path) -> None:
    off = _entities(_build({"actors": ""}), "Gunmen from Boko Haram attacked a village.")
    assert (off.get("Boko Haram") or {}).get("code") is None
    mine = tmp_path / "actors.tsv"
    mine.write_text(HEAD + "Nine Walkers\tFellowship\tORG\tARN\t\tREB\t\tdesk:1\n", encoding="utf-8")
    found = _entities(_build({"actors": str(mine)}), "The Nine Walkers crossed the river at dawn.")
    assert (found["Nine Walkers"]["code"], found["Nine Walkers"]["sector"]) == ("ARN", "REB")
