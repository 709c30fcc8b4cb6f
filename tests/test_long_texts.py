"""Long articles: windows over the text, items moved back and merged, and the analysis limit."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.records import assert_valid_record
from tidings.batch.work import ItemFailure
from tidings.cli import cli
from tidings.errors import PipelineError
from tidings.nlp import pipeline
from tidings.nlp.pipeline import analyze_many, over_limit, split_windows
from tidings.records import Article

PEOPLE = ["Angela Merkel", "Emmanuel Macron", "Joe Biden", "Olaf Scholz", "Rishi Sunak"]
PLACES = ["Berlin", "Paris", "Washington", "London", "Brussels"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def story(chars: int, *, seed: int = 7) -> str:
    """A generated news text of about ``chars`` characters, in paragraphs of real sentences."""
    rng = random.Random(seed)
    paragraphs: list[str] = ["Leaders meet in Europe as talks go on", ""]
    size = 0
    while size < chars:
        who, other = rng.sample(PEOPLE, 2)
        where, day = rng.choice(PLACES), rng.choice(DAYS)
        paragraph = (f"{who} met {other} in {where} on {day}. "
                     f"Police arrested 12 protesters outside the building, officials said. "
                     f"\u201cWe will keep talking,\u201d {who} told reporters after the meeting.")
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs) + "\n"


# -- windows, without the model ---------------------------------------------------


def test_split_windows_cover_the_text_without_gap() -> None:
    text = story(20_000)
    windows = split_windows(text, 3_000)
    assert windows[0][0] == 0 and windows[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(windows, windows[1:], strict=False))
    assert all(0 < end - start <= 3_000 for start, end in windows)
    assert "".join(text[s:e] for s, e in windows) == text


def test_split_windows_cut_at_paragraph_breaks_first() -> None:
    text = story(20_000)
    for _start, end in split_windows(text, 3_000)[:-1]:
        assert text[end - 2:end] == "\n\n"


def test_split_windows_fall_back_to_sentences_spaces_and_hard_cuts() -> None:
    sentences = "The talks went on. " * 500
    assert all(sentences[e - 2:e] == ". " for _s, e in split_windows(sentences, 1_000)[:-1])
    words = "word " * 1_000
    assert all(words[e - 1] == " " for _s, e in split_windows(words, 1_000)[:-1])
    solid = "x" * 2_500
    assert split_windows(solid, 1_000) == [(0, 1_000), (1_000, 2_000), (2_000, 2_500)]


def test_split_windows_short_text_is_one_window() -> None:
    assert split_windows("Short.", 100) == [(0, 6)]
    assert split_windows("", 100) == [(0, 0)]


def test_over_limit_is_a_coded_refusal_before_any_work() -> None:
    article = Article(text="a" * 101, source_path="big.txt")
    assert over_limit(article, 101) is None
    refused = over_limit(article, 100)
    assert refused is not None and refused.code == "T303"
    assert "the text is 101 characters, over the analysis limit of 100" in str(refused)
    failures: list[tuple[Article, Exception]] = []
    # The pipeline is never touched: a refusal comes before the analysis.
    records = list(analyze_many([article], nlp=object(), max_chars=100,  # type: ignore[arg-type]
                                on_error=lambda a, exc: failures.append((a, exc))))
    assert records == [] and failures[0][0] is article
    with pytest.raises(PipelineError, match=r"^\[T303\] big.txt: the text is 101"):
        list(analyze_many([article], nlp=object(), max_chars=100))  # type: ignore[arg-type]


def test_refusal_line_is_the_coded_message_itself() -> None:
    refused = str(over_limit(Article(text="a" * 11, source_path="big.txt"), 10))
    failure = ItemFailure(source="big.txt", id="x", stage="analyze", reason="PipelineError", message=refused)
    assert failure.line() == refused
    other = ItemFailure(source="b.txt", id="y", stage="analyze", reason="ValueError", message="boom")
    assert other.line().startswith("[T300] b.txt: the analysis failed")


def test_structure_cuts_a_run_without_punctuation() -> None:
    import spacy

    from tidings.nlp.components.structure import MAX_SENTENCE_TOKENS, structure
    from tidings.nlp.extensions import set_extensions

    set_extensions()
    nlp = spacy.blank("en")
    plain = structure(nlp.make_doc("word " * (3 * MAX_SENTENCE_TOKENS + 10)))
    starts = [t.i for t in plain if t.is_sent_start]
    assert starts == [0, MAX_SENTENCE_TOKENS, 2 * MAX_SENTENCE_TOKENS, 3 * MAX_SENTENCE_TOKENS]
    prose = structure(nlp.make_doc("The talks went on. " * MAX_SENTENCE_TOKENS))
    assert [t.i for t in prose if t.is_sent_start] == [0]  # the parser finds these sentences


# -- with the model ----------------------------------------------------------------


@pytest.mark.slow
def test_windows_merge_entities_and_keep_offsets_exact() -> None:
    text = story(12_000)
    article = Article(text=text, source_path="long.txt", published="2024-03-01")
    (record,) = analyze_many([article], window_chars=2_000)
    assert_valid_record(record)
    ids = [e["id"] for e in record["entities"]]
    assert ids == [f"E{n}" for n in range(1, len(ids) + 1)]
    keys = [(e["name"], e["type"], e["code"], e["country"]) for e in record["entities"]]
    assert len(keys) == len(set(keys))
    merkel = [e for e in record["entities"] if e["name"] == "Angela Merkel"]
    assert len(merkel) == 1
    starts = [m["start"] for m in merkel[0]["mentions"]]
    assert starts[-1] - starts[0] > 2_000  # mentions from more than one window
    assert [v["id"] for v in record["events"]] == [f"V{n}" for n in range(1, len(record["events"]) + 1)]
    known = set(ids)
    for quote in record["quotes"]:
        assert quote["speaker"] is None or quote["speaker"] in known
    for event in record["events"]:
        assert set(event["actors"]) | set(event["targets"]) <= known


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("TIDINGS_LONG_TESTS"),
                    reason="about 5 min of CPU: set TIDINGS_LONG_TESTS=1 (bench/long_text_bench.py measures it)")
def test_article_of_1_2_million_characters_is_analysed() -> None:
    text = story(1_200_000)
    assert len(text) > 1_200_000
    article = Article(text=text, source_path="huge.txt", published="2024-03-01")
    (record,) = analyze_many([article])
    assert_valid_record(record)
    assert record["entities"] and record["events"]
    assert max(m["end"] for e in record["entities"] for m in e["mentions"]) > 1_100_000


@pytest.mark.slow
def test_read_reports_an_article_over_the_limit_and_prints_the_others(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "ANALYSIS_LIMIT", 5_000)
    big, small = tmp_path / "big.txt", tmp_path / "small.txt"
    big.write_text(story(6_000), encoding="utf-8")
    small.write_text(story(500), encoding="utf-8")
    result = CliRunner().invoke(cli, ["read", str(big), str(small)])
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["source_path"] for r in records] == [str(small)]
    assert_valid_record(records[0])
    lines = result.stderr.strip().splitlines()
    size = len(big.read_text(encoding="utf-8"))
    assert lines[0] == (f"tidings: [T303] {big}: the text is {size} characters, over the analysis limit of 5000; "
                        "the article is left out (split it, or raise the limit)")
    assert "Traceback" not in result.stderr and result.exit_code == 1
