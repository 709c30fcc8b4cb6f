"""The geographic data files: shipped ones load; a user's broken file is named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from tidings.errors import LexiconError
from tidings.geo._data import load_country_points, load_places

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
        ("Atlantis\t\tregion\t\t\t1.0\t", "[T221]", 4, "lon"),
        ("Atlantis\t\tregion\t\t\t95.0\t2.0", "[T205]", 4, "lat"),
        ("Atlantis\t\tadmin1\t\t01\t1.0\t2.0", "[T222]", 4, "country"),
        ("Atlantis\t\tadmin1\tusa\t01\t1.0\t2.0", "[T205]", 4, "country"),
        ("Atlantis\t\tregion\t\t\t\t", "[T223]", 4, "lat"),
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
