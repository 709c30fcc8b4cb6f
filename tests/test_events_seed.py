"""The events of the seed article: every ``events.must`` item of expected.yaml, none from boilerplate.

The comparisons are generic: an expected item is met by an output event of the
same type (and mode, when given) whose actor, target, codes, place, date and
modality agree with it and whose evidence overlaps the expected words.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers.records import assert_valid_record

SHARED = Path(os.environ.get("TIDINGS_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
SEED = SHARED / "examples" / "seed"

pytestmark = pytest.mark.slow


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("“", '"').replace("”", '"').split()).lower()


@pytest.fixture(scope="module")
def seed() -> tuple[dict[str, Any], dict[str, Any]]:
    if not (SEED / "article.txt").is_file():
        pytest.skip("shared seed example absent")
    from tidings.ingest.core import read_paths
    from tidings.nlp.pipeline import analyze

    article = next(iter(read_paths([str(SEED / "article.txt")])))
    expected = yaml.safe_load((SEED / "expected.yaml").read_text(encoding="utf-8"))
    return analyze(article), expected


def _names(record: dict[str, Any], ids: list[str]) -> list[str]:
    by_id = {e["id"]: e for e in record["entities"]}
    out = []
    for i in ids:
        ent = by_id.get(i)
        if ent:
            out.append(_norm(ent["name"]))
            out.extend(_norm(m["text"]) for m in ent.get("mentions", []))
    return out


def _named(record: dict[str, Any], ids: list[str], name: str) -> bool:
    want = _norm(name)
    return any(want == n or (want in n.split(" ")) for n in _names(record, ids)) or any(
        _norm(e["name"]) == want for e in record["entities"] if e["id"] in ids
    )


def _matches(record: dict[str, Any], event: dict[str, Any], item: dict[str, Any]) -> list[str]:
    """What does not agree between an output event and an expected item (empty: it matches)."""
    problems = []
    checks = {
        "type": lambda: event["type"] == item["type"],
        "mode": lambda: event.get("mode") == item["mode"],
        "modality": lambda: event["modality"] == item["modality"],
        "actor": lambda: _named(record, event["actors"], item["actor"]),
        "target": lambda: _named(record, event["targets"], item["target"]),
        "actor_code": lambda: any(c.get("code") == item["actor_code"] for c in event["actor_codes"]),
        "actor_sector": lambda: any(c.get("sector") == item["actor_sector"] for c in event["actor_codes"]),
        "target_code": lambda: any(c.get("code") == item["target_code"] for c in event["target_codes"]),
        "target_sector": lambda: any(c.get("sector") == item["target_sector"] for c in event["target_codes"]),
        "place": lambda: event["place"] is not None and _named(record, [event["place"]], item["place"]),
        "when": lambda: str(event.get("when") or "").startswith(str(item["when"])),
        "evidence": lambda: _norm(item["evidence"]) in _norm(event["evidence"]["text"])
        or _norm(event["evidence"]["text"]) in _norm(item["evidence"]),
    }
    for key, check in checks.items():
        if key in item and not check():
            problems.append(key)
    return problems


@pytest.mark.parametrize("n", range(9))
def test_events_seed_must(seed: tuple[dict[str, Any], dict[str, Any]], n: int) -> None:
    record, expected = seed
    items = expected["events"]["must"]
    if n >= len(items):
        pytest.skip("fewer must items")
    item = items[n]
    candidates = [e for e in record["events"] if e["type"] == item["type"]]
    misses = {e["id"]: _matches(record, e, item) for e in candidates}
    assert any(not m for m in misses.values()), f"{item} not found; nearest misses: {misses}"


@pytest.mark.parametrize("n", range(4))
def test_events_seed_should(seed: tuple[dict[str, Any], dict[str, Any]], n: int) -> None:
    record, expected = seed
    items = expected["events"].get("should", [])
    if n >= len(items):
        pytest.skip("fewer should items")
    item = items[n]
    candidates = [e for e in record["events"] if e["type"] == item["type"]]
    misses = {e["id"]: _matches(record, e, item) for e in candidates}
    assert any(not m for m in misses.values()), f"{item} not found; nearest misses: {misses}"


def test_events_seed_one_event_per_act(seed: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """The headline, the caption and the lead tell one arrival: one event, three reports."""
    record, expected = seed
    item = expected["events"]["must"][0]
    same = [e for e in record["events"] if e["type"] == item["type"] and e["mode"] == item["mode"]
            and e["modality"] == item["modality"] and _named(record, e["actors"], item["actor"])
            and any(c.get("code") == item["target_code"] for c in e["target_codes"])]
    assert len(same) == 1, same
    sections = {s["kind"]: (s["start"], s["end"]) for s in record["sections"]}
    told = {kind for m in same[0]["mentions"] for kind, (start, end) in sections.items()
            if start <= m["trigger"]["start"] < end}
    assert {"headline", "caption", "body"} <= told, same[0]["mentions"]


def test_events_seed_every_event_has_an_actor(seed: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """Aims and wishes with nobody behind them ("a trip aimed at ...") are not coded."""
    record, _ = seed
    assert all(e["actor_codes"] for e in record["events"]), [e for e in record["events"] if not e["actor_codes"]]


def test_events_seed_nothing_from_boilerplate(seed: tuple[dict[str, Any], dict[str, Any]]) -> None:
    record, expected = seed
    text = record["text"]
    for item in expected["events"].get("must_not", []):
        words = item["evidence_from"]
        start = text.find(words)
        assert start >= 0
        for event in record["events"]:
            ev = event["evidence"]
            assert ev["end"] <= start or ev["start"] >= start + len(words), event


def test_events_seed_offsets_index_the_text(seed: tuple[dict[str, Any], dict[str, Any]]) -> None:
    record, _ = seed
    assert_valid_record(record)
    text = record["text"]
    assert record["events"]
    for event in record["events"]:
        assert event["mentions"]
        for told in [event, *event["mentions"]]:
            for key in ("trigger", "evidence"):
                span = told[key]
                assert text[span["start"] : span["end"]] == span["text"]
            assert told["sentence"]["start"] <= told["trigger"]["start"] < told["sentence"]["end"]
