"""Checks of output records and the places of test data: fixtures and the shared directory."""

from __future__ import annotations

import functools
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests" / "fixtures"


def shared_path() -> Path:
    """Where the shared directory is looked for: ``$TIDINGS_SHARED`` or ``<repo>/../shared``."""
    override = os.environ.get("TIDINGS_SHARED")
    return Path(override) if override else REPO_ROOT.parent / "shared"


def shared_dir() -> Path | None:
    """The shared directory (``$TIDINGS_SHARED`` or ``<repo>/../shared``), or None when absent."""
    path = shared_path()
    return path if path.is_dir() else None


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    text = resources.files("tidings").joinpath("data", "schema", "record.schema.json").read_text("utf-8")
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _check_span(text: str, item: dict[str, Any], where: str, *, exact: bool = True) -> None:
    start, end = item["start"], item["end"]
    assert 0 <= start <= end <= len(text), f"{where}: offsets {start}:{end} outside the text ({len(text)})"
    if exact and "text" in item and item["text"] is not None:
        assert text[start:end] == item["text"], (
            f"{where}: text[{start}:{end}] is {text[start:end]!r}, the record says {item['text']!r}"
        )


def assert_valid_record(record: dict[str, Any]) -> None:
    """Assert that an output record follows the JSON Schema and that its offsets are exact.

    Checks the schema shipped in ``tidings/data/schema/record.schema.json``, then
    that every section, caption, entity mention, time, quote, event trigger and
    evidence lies inside ``text``, and that each stretch's ``text`` equals
    ``record["text"][start:end]``.
    """
    errors = sorted(_validator().iter_errors(record), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        path = "/".join(str(p) for p in first.absolute_path) or "(record)"
        raise AssertionError(f"record does not follow the schema at {path}: {first.message}"
                             + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))
    text = record["text"]
    previous = -1
    for n, section in enumerate(record["sections"]):
        _check_span(text, section, f"sections[{n}]")
        assert section["start"] >= previous, f"sections[{n}] overlaps or is out of order"
        previous = section["end"]
    for n, caption in enumerate(record["captions"]):
        _check_span(text, caption, f"captions[{n}]")
    for n, entity in enumerate(record["entities"]):
        for m, mention in enumerate(entity["mentions"]):
            _check_span(text, mention, f"entities[{n}].mentions[{m}]")
    for n, time in enumerate(record["times"]):
        _check_span(text, time, f"times[{n}]")
    for n, quote in enumerate(record["quotes"]):
        _check_span(text, quote, f"quotes[{n}]")
    for n, event in enumerate(record["events"]):
        _check_span(text, event["trigger"], f"events[{n}].trigger")
        _check_span(text, event["evidence"], f"events[{n}].evidence")
        for name, figure in (event.get("magnitudes") or {}).items():
            _check_span(text, figure["evidence"], f"events[{n}].magnitudes.{name}.evidence")


def assert_valid_articles(items: Any) -> list[Any]:
    """Validate the record of every Article among ``items`` (read with ``--no-nlp``); return the items."""
    from tidings.nlp.pipeline import doc_to_record
    from tidings.records import Article

    items = list(items)
    for item in items:
        if isinstance(item, Article):
            assert_valid_record(doc_to_record(item, None))
    return items
