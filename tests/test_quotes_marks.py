"""Quotation marks: spans, paragraphs, nesting and unbalanced marks (no model needed)."""

from __future__ import annotations

import pytest

from tidings.nlp._quotes.marks import find_quoted, paragraphs


def _contents(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quoted(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said: "Go now."', ["Go now."]),
        ("“A,” he said. “B.”", ["A,", "B."]),
        ("“One. Two. Three,” she said.", ["One. Two. Three,"]),
        ("«Oui», dit-il.", ["Oui"]),
        ("no marks at all", []),
    ],
)
def test_quotes_marks_straight_and_curly(text: str, expected: list[str]) -> None:
    assert _contents(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An opening mark with no close runs on when the next paragraph re-opens.
        ("“First part.\n\n“Second part,” he said.", ["First part.\n\n“Second part,"]),
        ('"First.\n\n"Second.\n\n"Third," he said.', ['First.\n\n"Second.\n\n"Third,']),
    ],
)
def test_quotes_marks_multi_paragraph(text: str, expected: list[str]) -> None:
    assert _contents(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Unclosed: bounded by its paragraph, never the rest of the article.
        ("He said “this never closes.\n\nNext paragraph.\n\nAnother.", ["this never closes."]),
        ('He said "open\n\nplain text "x" here', ["open", "x"]),
        # A stray closing mark is ignored.
        ("stray” mark and “ok” here", ["ok"]),
        # An inch mark after a digit does not open a quote.
        ('a 5" pipe and "words" here', ["words"]),
        # Mixed straight and curly marks still pair.
        ('“Hello," he said.', ["Hello,"]),
    ],
)
def test_quotes_marks_unbalanced(text: str, expected: list[str]) -> None:
    assert _contents(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“He told me “no” twice,” she said.", ["He told me “no” twice,"]),
        ('"He told me “no” twice," she said.', ["He told me “no” twice,"]),
        ('"He said "no" to me," she said.', ['He said "no" to me,']),
    ],
)
def test_quotes_marks_nested(text: str, expected: list[str]) -> None:
    quoted = find_quoted(text)
    assert [text[q.start : q.end] for q in quoted] == expected
    assert all(q.nested for q in quoted)


@pytest.mark.parametrize(
    "text",
    ['"', "“", "”", '""', "“”", '"\n\n"', "“\n\n“\n\n“", 'a "b\n"c" d"', "” “ ” “", "\n\n\n"],
)
def test_quotes_marks_degenerate_never_crash(text: str) -> None:
    for q in find_quoted(text):
        assert 0 <= q.start <= q.end <= len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\n\nb\n\n\nc", [(0, 1), (3, 4), (7, 8)]),
        ("a\nb\nc", [(0, 1), (2, 3), (4, 5)]),
        ("one paragraph", [(0, 13)]),
    ],
)
def test_quotes_marks_paragraphs(text: str, expected: list[tuple[int, int]]) -> None:
    assert paragraphs(text) == expected


_WRAPPED = (
    "The committee met on Monday and said it would publish the report later\n"
    "this week, after members had read the final draft and agreed on every\n"
    "recommendation in it, one by one.\n"
    "\n"
    "Its chairman said the delay was short and that the findings would stand\n"
    "as written, whatever the government said about them in the meantime.\n"
)


def test_quotes_marks_single_breaks_end_paragraphs_unless_hard_wrapped() -> None:
    mixed = "Headline\n\nFirst paragraph.\nSecond paragraph.\nThird paragraph."
    assert [mixed[a:b] for a, b in paragraphs(mixed)] == [
        "Headline", "First paragraph.", "Second paragraph.", "Third paragraph."
    ]
    assert len(paragraphs(_WRAPPED)) == 2


def test_quotes_marks_unclosed_quote_stops_at_single_break() -> None:
    text = "Intro\n\n“We will win, he said.\nThe vote is on Monday.\nOfficials expect a close result."
    (quote,) = find_quoted(text)
    assert text[quote.start : quote.end] == "We will win, he said."
