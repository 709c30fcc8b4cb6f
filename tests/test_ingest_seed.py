"""The acceptance example: every ``article.must`` item of the seed, and the ``should`` publisher."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers.records import assert_valid_record, shared_dir
from tidings.ingest import read_paths
from tidings.nlp.pipeline import doc_to_record, masked_text
from tidings.records import Article

SEED = (shared_dir() or Path("/nonexistent")) / "examples" / "seed"
pytestmark = pytest.mark.skipif(not (SEED / "article.txt").is_file(), reason="../shared/examples/seed is absent")


@pytest.fixture(scope="module")
def seed() -> tuple[Article, dict[str, Any]]:
    (article,) = list(read_paths([str(SEED / "article.txt")]))
    assert isinstance(article, Article)
    expected = yaml.safe_load((SEED / "expected.yaml").read_text(encoding="utf-8"))["article"]
    return article, expected


@pytest.mark.parametrize("field", ["headline", "published", "dateline", "wire"])
def test_ingest_seed_must_field(seed: tuple[Article, dict[str, Any]], field: str) -> None:
    article, expected = seed
    got = list(article.wire) if field == "wire" else getattr(article, field)
    assert got == expected["must"][field]


def test_ingest_seed_must_captions(seed: tuple[Article, dict[str, Any]]) -> None:
    article, expected = seed
    assert [{"text": c.text, "credit": c.credit} for c in article.captions] == expected["must"]["captions"]


def test_ingest_seed_must_boilerplate_removed(seed: tuple[Article, dict[str, Any]]) -> None:
    article, expected = seed
    story = masked_text(article)
    for line in expected["must"]["boilerplate_removed"]:
        start = article.text.index(line)
        assert any(s.kind == "boilerplate" and s.start <= start and start + len(line) <= s.end
                   for s in article.sections)
        assert line not in story


def test_ingest_seed_should_publisher(seed: tuple[Article, dict[str, Any]]) -> None:
    article, expected = seed
    assert article.publisher == expected["should"]["publisher"]


def test_ingest_seed_text_is_the_file_exactly(seed: tuple[Article, dict[str, Any]]) -> None:
    article, _ = seed
    assert article.text == (SEED / "article.txt").read_text(encoding="utf-8")
    assert_valid_record(doc_to_record(article, None))
