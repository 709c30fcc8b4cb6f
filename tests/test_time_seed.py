"""The seed article's times: every ``times.must`` item of expected.yaml, from the real pipeline."""

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


def _expected() -> list[dict[str, Any]]:
    if not (SEED / "expected.yaml").is_file():
        return []
    return list(yaml.safe_load((SEED / "expected.yaml").read_text(encoding="utf-8"))["times"]["must"])


@pytest.fixture(scope="module")
def times() -> tuple[str, list[dict[str, Any]]]:
    from tidings.nlp.pipeline import load_pipeline, make_doc
    from tidings.records import Article

    text = (SEED / "article.txt").read_text(encoding="utf-8")
    nlp = load_pipeline(stages=("times",))
    doc = nlp(make_doc(nlp, Article(text=text, source_path=str(SEED / "article.txt"), published="2023-01-29")))
    return text, list(doc._.tidings_times)


@pytest.mark.parametrize("item", _expected(), ids=lambda i: f"{i['text']}@{i.get('context', '')}")
def test_time_seed_must(times: tuple[str, list[dict[str, Any]]], item: dict[str, Any]) -> None:
    text, found = times
    if "context" in item:
        at = text.index(item["context"])
        window = (at, at + len(item["context"]))
    else:
        window = (0, len(text))
    hits = [t for t in found if t["text"] == item["text"] and window[0] <= t["start"] and t["end"] <= window[1]]
    assert hits, f"no time {item['text']!r} in {item.get('context', 'the text')!r}; found {found}"
    assert hits[0]["value"] == item["value"]


def test_time_seed_offsets_index_the_text(times: tuple[str, list[dict[str, Any]]]) -> None:
    text, found = times
    assert found
    for t in found:
        assert text[t["start"] : t["end"]] == t["text"]
