"""The geographic data files: shipped ones load; a user's broken file is named precisely."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from helpers.modules import load_script
from tidings.errors import LexiconError
from tidings.geo._data import load_country_points, load_county_points, load_places

TOOLS = Path(__file__).resolve().parent.parent / "tools"
HEADER = "# source: test\n# licence: CC0-1.0\nname\taliases\tkind\tcountry\tadmin1\tlat\tlon\n"


def test_geo_shipped_files_load() -> None:
    places = load_places()
    points = load_country_points()
    assert {e["kind"] for e in places.entries} == {"country", "admin1", "continent", "region"}
    assert len(points.entries) > 150
    assert places.provenance["source"] and points.provenance["licence"]


@pytest.mark.parametrize(
    ("row", "code", "line", "field"),
    [
        ("Atlantis\t\tisland\t\t\t1.0\t2.0", "[T204]", 4, "kind"),
        ("Atlantis\t\tregion\t\t\t1.0\t", "[T271]", 4, "lon"),
        ("Atlantis\t\tregion\t\t\t95.0\t2.0", "[T205]", 4, "lat"),
        ("Atlantis\t\tadmin1\t\t01\t1.0\t2.0", "[T272]", 4, "country"),
        ("Atlantis\t\tadmin1\tusa\t01\t1.0\t2.0", "[T205]", 4, "country"),
        ("Atlantis\t\tregion\t\t\t\t", "[T273]", 4, "lat"),
        ("\t\tregion\t\t\t1.0\t2.0", "[T202]", 4, "name"),
    ],
)
def test_geo_places_file_errors_name_line_and_field(tmp_path: Path, row: str, code: str, line: int,
                                                    field: str) -> None:
    path = tmp_path / "places.tsv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_places(path)
    assert code in str(err.value)
    assert err.value.line == line
    assert err.value.field == field
    assert str(path) in str(err.value)


def test_geo_places_file_needs_provenance(tmp_path: Path) -> None:
    path = tmp_path / "places.tsv"
    path.write_text("name\taliases\tkind\tcountry\tadmin1\tlat\tlon\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"\[T206\]"):
        load_places(path)


def test_geo_country_points_reject_bad_code(tmp_path: Path) -> None:
    path = tmp_path / "points.tsv"
    path.write_text("# source: t\n# licence: t\niso3\tname\tlat\tlon\tgeonameid\nXX\tX\t1\t2\t\n",
                    encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_country_points(path)
    assert err.value.field == "iso3" and err.value.line == 4


COUNTY_HEADER = "# source: test\n# licence: CC0-1.0\nstate\tname\tlat\tlon\tzips\n"


def test_geo_shipped_county_points_load() -> None:
    counties = load_county_points()
    assert len(counties.entries) > 3000
    assert "zipcodes" in counties.provenance["source"] and "MIT" in counties.provenance["licence"]
    by_key = {(e["state"], e["name"]): e for e in counties.entries}
    walker_tx, walker_ga = by_key[("TX", "Walker County")], by_key[("GA", "Walker County")]
    assert 30.0 < walker_tx["lat"] < 31.5 and -96.5 < walker_tx["lon"] < -95.0
    assert walker_ga["lon"] > -86.0


@pytest.mark.parametrize(
    ("row", "code", "field"),
    [
        ("Tx\tWalker County\t30.6\t-95.6\t3", "[T205]", "state"),
        ("TX\t\t30.6\t-95.6\t3", "[T202]", "name"),
        ("TX\tWalker County\t30.6\t-195.6\t3", "[T205]", "lon"),
        ("TX\tWalker County\t\t-95.6\t3", "[T202]", "lat"),
        ("TX\tWalker County\t30.6\t-95.6\t-1", "[T205]", "zips"),
        ("TX\tWalker County\t30.6\t-95.6\t3\nTX\tWALKER COUNTY\t30.7\t-95.5\t1", "[T274]", "name"),
    ],
)
def test_geo_county_points_errors_name_line_and_field(tmp_path: Path, row: str, code: str, field: str) -> None:
    path = tmp_path / "counties.tsv"
    path.write_text(COUNTY_HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_county_points(path)
    assert code in str(err.value)
    assert err.value.field == field
    assert err.value.line == 4 + row.count("\n")
    assert str(path) in str(err.value)


def _derive_county_points() -> ModuleType:
    """The build-time script ``tools/derive_county_points.py`` (not part of the package)."""
    return load_script("tools/derive_county_points.py")


def test_geo_county_points_derive_to_a_loadable_table(tmp_path: Path) -> None:
    pytest.importorskip("zipcodes")
    out = tmp_path / "counties.tsv"
    assert _derive_county_points().main([str(out)]) == 0
    derived = load_county_points(out)
    assert len(derived.entries) > 3000
    assert {e["state"] for e in derived.entries} >= {"TX", "GA", "AK", "LA"}


def test_geo_county_points_derive_without_zipcodes_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    import importlib

    derive_county_points = _derive_county_points()

    def missing(name: str) -> object:
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(importlib, "import_module", missing)
    assert derive_county_points.main([str(tmp_path / "x.tsv")]) == 2
    err = capsys.readouterr().err
    assert "zipcodes" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.tsv").exists()


@pytest.mark.parametrize(("iso3", "capital"), [("JPN", "Tokyo"), ("SRB", "Belgrade"), ("FRA", "Paris"),
                                               ("USA", "Washington")])
def test_geo_country_point_is_not_its_capital(iso3: str, capital: str) -> None:
    from tidings.geo import haversine_km, load_gazetteer

    gaz = load_gazetteer()
    country = gaz.country(iso3)
    town = next(p for p, _ in gaz.lookup(capital) if p.kind == "capital" and p.country == iso3)
    assert country is not None
    assert haversine_km(country.lat, country.lon, town.lat, town.lon) > 80.0
