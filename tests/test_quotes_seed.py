"""The seed article's quotes: every ``quotes.must`` item of expected.yaml, from the real pipeline."""

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
    return list(yaml.safe_load((SEED / "expected.yaml").read_text(encoding="utf-8"))["quotes"]["must"])


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    from tidings.ingest import ReadOptions, read_paths
    from tidings.nlp.pipeline import analyze, load_pipeline

    (article,) = list(read_paths([str(SEED / "article.txt")], ReadOptions()))
    return analyze(article, load_pipeline())


def _matching(record: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """The quote of the record that is the expected one.

    A direct quote must match its text exactly. The expected text of an indirect
    quote may include its speaker and cue ("North Korea has said ..."); the
    quote's content must lie inside it and cover most of it.
    """
    want = item["text"].strip()
    for quote in record["quotes"]:
        got = quote["text"].strip()
        if quote["kind"] != item["kind"]:
            continue
        if item["kind"] == "direct" and got == want:
            return quote
        if item["kind"] != "direct" and got in want and len(got) >= 0.6 * len(want):
            return quote
    found = [(q["kind"], q["text"]) for q in record["quotes"]]
    raise AssertionError(f"no {item['kind']} quote {want!r}; quotes: {found}")


def _entity_name(record: dict[str, Any], eid: str | None) -> str | None:
    return next((e["name"] for e in record["entities"] if e["id"] == eid), None)


@pytest.mark.parametrize("item", _expected(), ids=lambda i: i["text"][:40])
def test_quotes_seed_must(record: dict[str, Any], item: dict[str, Any]) -> None:
    quote = _matching(record, item)
    assert record["text"][quote["start"] : quote["end"]] == quote["text"]
    speaker = item["speaker"]
    names = {_entity_name(record, quote["speaker"]), quote["speaker_text"]}
    assert speaker in names or speaker.lower() in {n.lower() for n in names if n}, (
        f"speaker {speaker!r}, got entity {quote['speaker']!r} ({names})"
    )
    if "cue" in item:
        assert quote["cue"] == item["cue"]
    if "addressee" in item:
        addressee = _entity_name(record, quote["addressee"]) or quote["addressee"] or ""
        assert item["addressee"].lower() in addressee.lower(), f"addressee {addressee!r}"


def test_quotes_seed_nothing_from_boilerplate(record: dict[str, Any]) -> None:
    start = record["text"].index("Join ST's Telegram channel")
    assert all(q["end"] <= start for q in record["quotes"])
