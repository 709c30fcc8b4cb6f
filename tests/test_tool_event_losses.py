"""tools/event_losses.py: every labelled (sentence, type) pair is found or given the cause of its loss."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers.modules import load_script
from tidings.records import Article

TEXT = "Police arrested two opposition leaders in Nairobi on Monday. The weather in the city was fine."


def test_pairs_are_found_or_lost_with_a_cause(monkeypatch: pytest.MonkeyPatch) -> None:
    tool = load_script("tools/event_losses.py", "tool_event_losses")
    news = load_script("eval/events_news.py", "events_news")
    monkeypatch.setattr(news, "read_document",
                        lambda data, doc: Article(text=TEXT, source_path=doc, published="2024-03-04"))
    second = TEXT.index("The weather")
    docs: dict[str, list[dict[str, Any]]] = {"test:one": [
        {"start": 0, "end": second - 1, "types": {"COERCE"}},
        {"start": second, "end": len(TEXT), "types": {"SANCTION"}},
    ]}
    rows = tool.losses(Path("."), docs)
    by_type = {r["type"]: r for r in rows}
    assert set(by_type) == {"COERCE", "SANCTION"}
    assert by_type["COERCE"]["why"] == "found"
    assert by_type["SANCTION"]["why"] != "found" and by_type["SANCTION"]["text"] == TEXT[second:]
    assert 0.0 <= by_type["SANCTION"]["p"] <= 1.0


def test_without_shared_data_it_skips(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    tool = load_script("tools/event_losses.py", "tool_event_losses")
    monkeypatch.setenv("TIDINGS_SHARED", "/nonexistent/shared")
    assert tool.main([]) == 0
    assert "skipped" in capsys.readouterr().out
