"""Modality of events: occurred, planned, possible, negated, hypothetical; reported source."""

from __future__ import annotations

from typing import Any

import pytest

from tidings.records import Article

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def consult() -> Any:
    from tidings.nlp.pipeline import analyze, load_pipeline

    nlp = load_pipeline()

    def run(text: str) -> dict[str, Any]:
        record = analyze(Article(text=text, source_path="test", published="2030-01-01"), nlp)
        events = [e for e in record["events"] if e["type"] == "CONSULT"]
        assert len(events) == 1, record["events"]
        return events[0]

    return run


@pytest.mark.parametrize(
    "text,modality",
    [
        ("France met Germany.", "occurred"),
        ("France will meet Germany.", "planned"),
        ("France is due to meet Germany.", "planned"),
        ("France is scheduled to meet Germany.", "planned"),
        ("France plans to meet Germany.", "planned"),
        ("France has meetings scheduled with Germany.", "planned"),
        ("France meets Germany on 3 March 2031.", "planned"),
        ("France may meet Germany.", "possible"),
        ("France could meet Germany.", "possible"),
        ("France will likely meet Germany.", "possible"),
        ("France did not meet Germany.", "negated"),
        ("France has not met Germany.", "negated"),
        ("France denied meeting Germany.", "negated"),
        ("If France meets Germany, Italy will be angry.", "hypothetical"),
        ("France would meet Germany.", "hypothetical"),
        ("Spain warned against France meeting Germany.", "hypothetical"),
        ("France refused to meet Germany.", "negated"),
        ("France did not call Spain and will meet Germany.", "planned"),
    ],
)
def test_events_modality(consult: Any, text: str, modality: str) -> None:
    event = consult(text)
    assert event["modality"] == modality
    assert event["actor_codes"] == [{"code": "FRA", "sector": None}]


def test_events_future_date_is_the_events_date(consult: Any) -> None:
    event = consult("France meets Germany on 3 March 2031.")
    assert (event["when"], event["when_inferred"]) == ("2031-03-03", False)


@pytest.mark.parametrize(
    "text,source",
    [
        ("Spain said France met Germany.", "Spain"),
        ("France will meet Germany, Spain said.", "Spain"),
        ("France met Germany.", None),
    ],
)
def test_events_reported_source(consult: Any, text: str, source: str | None) -> None:
    event = consult(text)
    assert event["source_text"] == source
    assert (event["source"] is not None) == (source is not None)
