"""The gazetteer index is cached on disk under the sha256 of what it is built from."""

from __future__ import annotations

from pathlib import Path

import pytest

from tidings.geo import _gazetteer
from tidings.geo._data import PLACES


def _user_places(tmp_path: Path, extra: str = "") -> Path:
    shipped = _gazetteer._text_of(PLACES)
    path = tmp_path / f"places{len(extra)}.tsv"
    path.write_text(shipped + extra, encoding="utf-8")
    return path


def test_geo_sha_is_stable_and_follows_the_data(tmp_path: Path) -> None:
    same = _user_places(tmp_path)
    changed = _user_places(tmp_path, "Atlantis\t\tregion\t\t\t1.0\t2.0\n")
    assert _gazetteer.source_sha256() == _gazetteer.source_sha256(same)
    assert _gazetteer.source_sha256(changed) != _gazetteer.source_sha256(same)
    assert len(_gazetteer.source_sha256()) == 64


def test_geo_index_is_built_once_per_sha(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIDINGS_CACHE", str(tmp_path / "cache"))
    builds: list[Path] = []

    def fake_build(path: Path, places: object = None, country_points: object = None,
                   county_points: object = None, admin1: object = None) -> None:
        builds.append(path)
        b = _gazetteer._Builder()
        pid = b.add(1, "Testville", "city", "USA", "TX", 30.0, -97.0, 1000)
        b.name(pid, "Testville", primary=True)
        b.write(path)

    monkeypatch.setattr(_gazetteer, "build_index", fake_build)
    first = _gazetteer.open_gazetteer()
    second = _gazetteer.open_gazetteer()
    assert len(builds) == 1
    assert first.path == second.path
    assert first.sha256[:24] in first.path.name
    assert first.path.parent == tmp_path / "cache" / "geo"
    assert [p.name for p, _ in second.lookup("testville")] == ["Testville"]
    other = _gazetteer.open_gazetteer(_user_places(tmp_path, "Atlantis\t\tregion\t\t\t1.0\t2.0\n"))
    assert len(builds) == 2 and other.path != first.path
    for g in (first, second, other):
        g.close()


def test_geo_cache_dir_follows_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIDINGS_CACHE", str(tmp_path / "x"))
    assert _gazetteer.cache_dir() == tmp_path / "x"
    monkeypatch.delenv("TIDINGS_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _gazetteer.cache_dir() == tmp_path / "xdg" / "tidings"
