"""The entity stage's shipped data files load, validate and say what they should."""

from __future__ import annotations

import pytest

from tidings.errors import LexiconError
from tidings.nlp._entities.knowledge import DEFAULT_FILES, load_knowledge


def test_entities_data_every_shipped_file_loads() -> None:
    kn = load_knowledge()
    assert kn.sha256 and len(kn.surface) > 3000


@pytest.mark.parametrize(
    "form,key",
    [
        ("South Korea", "country:KOR"),
        ("Republic of Korea", "country:KOR"),
        ("DPRK", "country:PRK"),
        ("Nato", "org:NATO"),
        ("NATO", "org:NATO"),
        ("North Atlantic Treaty Organisation", "org:NATO"),
        ("Korean", "norp:KOR"),
        ("South Korean", "norp:KOR"),
        ("Japanese", "norp:JPN"),
        ("Mexico", "country:MEX"),
    ],
)
def test_entities_data_surface_forms(form: str, key: str) -> None:
    assert load_knowledge().lookup(form)[0].key == key


def test_entities_data_cities_have_countries() -> None:
    kn = load_knowledge()
    assert kn.lookup("Seoul")[0].country == "KOR"
    assert kn.lookup("Tokyo")[0].country == "JPN"


def test_entities_data_user_replacement_is_validated(tmp_path) -> None:
    path = tmp_path / "titles.tsv"
    path.write_text("# source: test\n# licence: CC0\ntitle\tsector\thead\nwarlord\tWARLORD\t\n", encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_knowledge({"titles": str(path)})
    assert info.value.line == 4 and info.value.field == "sector"


def test_entities_data_default_keys() -> None:
    assert set(DEFAULT_FILES) == {"countries", "organisations", "places", "regions", "titles",
                                  "nominals", "institutions", "orgwords", "divisions", "parties", "actors"}


@pytest.mark.parametrize(
    "form,name,country",
    [("Tories", "Conservative Party", "GBR"), ("Lib Dems", "Liberal Democrats", "GBR"),
     ("SPD", "Social Democratic Party of Germany", "DEU"), ("BJP", "Bharatiya Janata Party", "IND")],
)
def test_entities_data_parties_carry_their_country(form: str, name: str, country: str) -> None:
    known = load_knowledge().lookup(form)[0]
    assert (known.name, known.type, known.code, known.country, known.sector) == (name, "ORG", country, country, "PTY")
    assert not known.strong  # a common word ("Labour") needs the model's agreement


def test_entities_data_party_file_is_validated(tmp_path) -> None:
    path = tmp_path / "parties.tsv"
    path.write_text("# source: test\n# licence: CC0\nname\tcountry\taliases\tsector\n"
                    "Whig Party\tgb\tWhigs\tPTY\n", encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_knowledge({"parties": str(path)})
    assert info.value.line == 4 and info.value.field == "country"
