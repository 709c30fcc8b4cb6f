"""The seed article's entities: every ``entities.must`` item of expected.yaml, no ``must_not``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TIDINGS_SHARED", REPO.parent / "shared"))
SEED = SHARED / "examples" / "seed"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (SEED / "expected.yaml").is_file(), reason="shared seed example absent"),
]


def _expected() -> dict[str, Any]:
    if not (SEED / "expected.yaml").is_file():
        return {"must": [], "must_not": []}
    return yaml.safe_load((SEED / "expected.yaml").read_text(encoding="utf-8"))["entities"]


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    from tidings.ingest import ReadOptions, read_paths
    from tidings.nlp.pipeline import analyze, load_pipeline

    (article,) = list(read_paths([str(SEED / "article.txt")], ReadOptions()))
    return analyze(article, load_pipeline())


def _named(entities: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [e for e in entities if e["name"] == name or name in e.get("aliases", [])]


def _role_matches(want: dict[str, Any], got: dict[str, Any]) -> bool:
    for key, value in want.items():
        have = got.get(key)
        if key == "title":
            if not have or have.lower() != str(value).lower():
                return False
        elif have != value:
            return False
    return True


@pytest.mark.parametrize("item", _expected()["must"], ids=lambda i: i["name"])
def test_entities_seed_must(record: dict[str, Any], item: dict[str, Any]) -> None:
    found = _named(record["entities"], item["name"])
    assert len(found) == 1, f"{item['name']!r}: {len(found)} entities"
    (ent,) = found
    for key in ("type", "code", "country", "sector"):
        if key in item:
            assert ent[key] == item[key], f"{item['name']} {key}"
    for role in item.get("roles", []):
        assert any(_role_matches(role, r) for r in ent["roles"]), (role, ent["roles"])
    texts = {m["text"] for m in ent["mentions"]}
    for text in item.get("mentions_include", []):
        assert text in texts, (text, sorted(texts))
    names = texts | set(ent.get("aliases", [])) | {ent["name"]}
    for text in item.get("aliases_include", []):
        assert text in names, (text, sorted(names))


@pytest.mark.parametrize("item", _expected()["must_not"], ids=lambda i: str(i))
def test_entities_seed_must_not(record: dict[str, Any], item: dict[str, Any]) -> None:
    for ent in record["entities"]:
        for m in ent["mentions"]:
            if m["text"] == item["text"]:
                assert "type" in item and ent["type"] != item["type"], (item, ent["name"], ent["type"])


def test_entities_seed_mentions_are_exact_offsets(record: dict[str, Any]) -> None:
    text = record["text"]
    for ent in record["entities"]:
        for m in ent["mentions"]:
            assert text[m["start"] : m["end"]] == m["text"]


def test_entities_seed_nothing_from_boilerplate(record: dict[str, Any]) -> None:
    blocked = [(s["start"], s["end"]) for s in record["sections"]
               if s["kind"] in {"boilerplate", "credit", "wire", "byline"}]
    for ent in record["entities"]:
        for m in ent["mentions"]:
            assert not any(a <= m["start"] < b for a, b in blocked), m
