"""The cue lexicon: the shipped file loads; bad files and options fail with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from tidings.errors import ConfigError, LexiconError
from tidings.nlp._quotes.lexicon import load_cues
from tidings.nlp.components.quotes import QuoteFinder

HEADER = "# source: test\n# licence: CC0\nlemma\tkind\tframes\n"


def test_quotes_lexicon_shipped_file_loads() -> None:
    lexicon = load_cues()
    assert {"say", "tell", "deny", "warn", "announce", "vow", "insist", "add"} <= lexicon.lemmas
    assert "say" in lexicon.direct and "say" in lexicon.clause
    assert len(lexicon.sha256) == 64


def test_quotes_lexicon_kinds_filter() -> None:
    lexicon = load_cues(kinds=frozenset({"denial"}))
    assert lexicon.clause == frozenset({"deny"})


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("say\tspeech\tdirect\nsay\tspeech\tclause\n", "[T220]"),
        ("say\tgossip\tdirect\n", "[T204]"),
        ("say\tspeech\tsideways\n", "[T204]"),
        ("Say\tspeech\tdirect\n", "[T205]"),
        ("say\t\tdirect\n", "[T202]"),
    ],
)
def test_quotes_lexicon_invalid_file(tmp_path: Path, body: str, code: str) -> None:
    path = tmp_path / "cues.tsv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(LexiconError, match=r"cues\.tsv:\d+") as info:
        load_cues(path)
    assert code in str(info.value)


def test_quotes_lexicon_user_file(tmp_path: Path) -> None:
    path = tmp_path / "cues.tsv"
    path.write_text(HEADER + "grumble\tspeech\tdirect|clause\n", encoding="utf-8")
    finder = QuoteFinder(spacy.blank("en"), cues=str(path))
    assert finder.lexicon.lemmas == frozenset({"grumble"})


@pytest.mark.parametrize(
    "options",
    [{"kinds": ["gossip"]}, {"min_unattributed_words": -1}],
)
def test_quotes_lexicon_bad_options(options: dict[str, object]) -> None:
    with pytest.raises(ConfigError, match=r"\[T40\d\]"):
        QuoteFinder(spacy.blank("en"), **options)  # type: ignore[arg-type]
