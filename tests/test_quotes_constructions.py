"""Each quote construction, read by the real pipeline (one pipeline per module)."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language

from tidings.ingest.core import read_text
from tidings.nlp.components.quotes import quote_at
from tidings.nlp.pipeline import load_pipeline, make_doc

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


def _quotes(nlp: Language, text: str) -> list[dict[str, Any]]:
    doc = nlp(make_doc(nlp, read_text(text)))
    quotes = list(doc._.tidings_quotes)
    for q in quotes:
        assert text[q["start"] : q["end"]] == q["text"]
    return quotes


def _name(nlp: Language, text: str, eid: str | None) -> str | None:
    doc = nlp(make_doc(nlp, read_text(text)))
    return next((e["name"] for e in doc._.tidings_entities or [] if e["id"] == eid), None)


# text, expected quotes: (kind, content, speaker words, cue)
DIRECT = [
    pytest.param(
        "“We will win the vote,” Mr Okafor said.",
        [("direct", "We will win the vote,", "Mr Okafor", "said")],
        id="speaker-after",
    ),
    pytest.param(
        "“We will win the vote,” said Mr Okafor.",
        [("direct", "We will win the vote,", "Mr Okafor", "said")],
        id="speaker-after-inverted",
    ),
    pytest.param(
        'The finance minister said: "Prices will fall next year."',
        [("direct", "Prices will fall next year.", "The finance minister", "said")],
        id="speaker-before-colon",
    ),
    pytest.param(
        "“Prices will fall,” the minister warned. “Wages will rise.”",
        [("direct", "Prices will fall,", "the minister", "warned"),
         ("direct", "Wages will rise.", "the minister", "warned")],
        id="split-quote",
    ),
    pytest.param(
        "“Prices will fall. Wages will rise. We are ready,” she said.",
        [("direct", "Prices will fall. Wages will rise. We are ready,", "she", "said")],
        id="multi-sentence",
    ),
    pytest.param(
        "“Prices will fall next year.\n\n“Wages will rise too,” the minister said.",
        [("direct", "Prices will fall next year.\n\n“Wages will rise too,", "the minister", "said")],
        id="multi-paragraph",
    ),
    pytest.param(
        "“Prices will fall,” the minister said.\n\n“We have a plan for wages as well.”",
        [("direct", "Prices will fall,", "the minister", "said"),
         ("direct", "We have a plan for wages as well.", "the minister", "said")],
        id="continuation-next-paragraph",
    ),
    pytest.param(
        "The minister continued:\n\n“We have a plan for wages as well.”",
        [("direct", "We have a plan for wages as well.", "The minister", "continued")],
        id="introduced-by-previous-paragraph",
    ),
    pytest.param(
        "“They told me “never again” last week,” the minister said.",
        [("direct", "They told me “never again” last week,", "the minister", "said")],
        id="nested-marks",
    ),
    pytest.param(
        "“They told me \"never again\" last week,\" the minister said.",
        [("direct", "They told me \"never again\" last week,", "the minister", "said")],
        id="nested-mixed-marks",
    ),
    pytest.param(
        "“We cannot accept this,” the judge exclaimed.",
        [("direct", "We cannot accept this,", "the judge", "exclaimed")],
        id="any-verb-after-comma",
    ),
    pytest.param(
        "“The plan will fail.” ― Maria Lopez\n“We need a better plan.”— Tom Reyes, a teacher",
        [("direct", "The plan will fail.", "Maria Lopez", "―"),
         ("direct", "We need a better plan.", "Tom Reyes, a teacher", "—")],
        id="dash-credit",
    ),
    pytest.param(
        "“The plan will fail.” — The vote was delayed.",
        [("direct", "The plan will fail.", None, None)],
        id="dash-then-sentence-is-no-credit",
    ),
    pytest.param(
        "POLLS MISSED THE LATE SHIFT - Ann Selzer: “We stopped calling voters too early.”",
        [("direct", "We stopped calling voters too early.", "Ann Selzer", ":")],
        id="headline-dash-name-colon",
    ),
    pytest.param(
        "“Prices will fall,” the finance minister said, “and wages will rise.”",
        [("direct", "Prices will fall,", "the finance minister", "said"),
         ("direct", "and wages will rise.", "the finance minister", "said")],
        id="split-quote-same-sentence",
    ),
    pytest.param(
        "“The probe is ongoing.” He said the agency had not commented on the case.",
        [("direct", "The probe is ongoing.", None, None),
         ("indirect", "the agency had not commented on the case", "He", "said")],
        id="next-sentence-cue-reports-its-own-clause",
    ),
    pytest.param(
        "“We will win the vote,”Okafor said. Adeyemi said,“We will not.”",
        [("direct", "We will win the vote,", "Okafor", "said"),
         ("direct", "We will not.", "Adeyemi", "said")],
        id="marks-glued-to-words",
    ),
    pytest.param(
        "“We will win the vote,” party chairman Tunde Okafor said Monday.",
        [("direct", "We will win the vote,", "party chairman Tunde Okafor", "said")],
        id="time-after-cue-is-no-speaker",
    ),
    pytest.param(
        "''I admire the mechanics'' of the plan, Mr. Okafor said. ''The rest is weak.''",
        [("direct", "I admire the mechanics", "Mr. Okafor", "said"),
         ("direct", "The rest is weak.", "Mr. Okafor", "said")],
        id="doubled-apostrophes-quote-opening-a-sentence",
    ),
    pytest.param(
        "“The vote was a disaster for the party,” the committee report said.",
        [("direct", "The vote was a disaster for the party,", "the committee report", "said")],
        id="cue-noun-before-cue-verb",
    ),
    pytest.param(
        'LONDON (Reuters) - "I am pleased with my form," he said.',
        [("direct", "I am pleased with my form,", "he", "said")],
        id="after-dateline-and-wire-credit",
    ),
    pytest.param(
        "PARIS (AFP) -- “We will win the vote,” Mr Okafor said.",
        [("direct", "We will win the vote,", "Mr Okafor", "said")],
        id="after-dateline-and-double-dash",
    ),
    pytest.param(
        "— “We will win the vote,” Mr Okafor said.",
        [("direct", "We will win the vote,", "Mr Okafor", "said")],
        id="after-a-lone-dash",
    ),
]

INDIRECT = [
    pytest.param(
        "The ministry said the talks would resume next week.",
        [("indirect", "the talks would resume next week", "The ministry", "said")],
        id="says-that-clause",
    ),
    pytest.param(
        "The talks will resume next week, a senior official said.",
        [("indirect", "The talks will resume next week", "a senior official", "said")],
        id="clause-then-cue",
    ),
    pytest.param(
        "The talks will resume in Geneva next week, the foreign ministry said in a statement.",
        [("indirect", "The talks will resume in Geneva next week", "the foreign ministry", "said")],
        id="said-in-a-statement",
    ),
    pytest.param(
        "The ministry spokesman, who said the talks would resume next week, left early.",
        [("indirect", "the talks would resume next week", "The ministry spokesman", "said")],
        id="relative-clause-speaker",
    ),
    pytest.param(
        "According to the ministry, the talks will resume next week.",
        [("indirect", "the talks will resume next week", "the ministry", "According to")],
        id="according-to",
    ),
    pytest.param(
        "The company denied that it had broken the law.",
        [("indirect", "it had broken the law", "The company", "denied")],
        id="denial",
    ),
    pytest.param(
        "In the long run, the minister said, prices will fall.",
        [("indirect", "In the long run, the minister said, prices will fall", "the minister", "said")],
        id="parenthetical-cue",
    ),
    pytest.param(
        "Mr. Rubin asked the students if they were always so serious.",
        [("indirect", "they were always so serious", "Mr. Rubin", "asked")],
        id="clause-the-parser-missed",
    ),
    pytest.param(
        "Mr. Rubin asked the students about their plans for the summer.",
        [],
        id="no-clause-no-quote",
    ),
    pytest.param(
        "The minister said the plan was “dead on arrival” and would be dropped.",
        [("mixed", "the plan was “dead on arrival” and would be dropped", "The minister", "said")],
        id="mixed-fragment",
    ),
]


def _check(quotes: list[dict[str, Any]], expected: list[tuple[str, str, str | None, str | None]]) -> None:
    got = [(q["kind"], q["text"], q["speaker_text"], q["cue"]) for q in quotes]
    assert got == expected


@pytest.mark.parametrize(("text", "expected"), DIRECT)
def test_quotes_direct_constructions(nlp: Language, text: str, expected: list[tuple[str, str, str, str]]) -> None:
    _check(_quotes(nlp, text), expected)


@pytest.mark.parametrize(("text", "expected"), INDIRECT)
def test_quotes_indirect_constructions(nlp: Language, text: str, expected: list[tuple[str, str, str, str]]) -> None:
    _check(_quotes(nlp, text), expected)


@pytest.mark.parametrize(
    ("text", "addressee"),
    [
        ("The minister told reporters that the talks would resume.", "reporters"),
        ("“The talks will resume,” the minister told the Reuters news agency.", "the Reuters news agency"),
        ("The minister said to reporters that the talks would resume.", "reporters"),
    ],
)
def test_quotes_addressee(nlp: Language, text: str, addressee: str) -> None:
    (quote,) = _quotes(nlp, text)
    assert quote["addressee_text"] == addressee
    assert quote["addressee"] is not None


def test_quotes_unnamed_source_has_no_entity(nlp: Language) -> None:
    (quote,) = _quotes(nlp, "The talks will resume next week, a senior official said.")
    assert quote["speaker"] is None and quote["speaker_text"] == "a senior official"


def test_quotes_pronoun_speaker_resolves(nlp: Language) -> None:
    text = "Chancellor Angela Merkel arrived in Paris on Monday.\n\nThe talks were useful, she said."
    (quote,) = _quotes(nlp, text)
    assert quote["speaker_text"] == "she"
    assert _name(nlp, text, quote["speaker"]) == "Angela Merkel"


@pytest.mark.parametrize(
    "text",
    [
        "The minister said: “Prices will fall.\n\nThe opposition rejected the plan on Monday.\n\nIt was a long day.",
        "“Prices will fall, the minister said.\n\nThe opposition rejected the plan on Monday.",
        "Prices ” will fall “ he said.\n\nThe opposition rejected the plan.\n\n“",
    ],
    ids=["unclosed-after-colon", "unclosed-at-start", "reversed-and-dangling"],
)
def test_quotes_unbalanced_marks_stay_in_paragraph(nlp: Language, text: str) -> None:
    first_break = text.index("\n\n")
    for quote in _quotes(nlp, text):
        if quote["kind"] == "direct":
            assert quote["end"] <= first_break


@pytest.mark.parametrize(
    "text",
    ["", "   ", "“", "“”", '""""', "He said.", "Said: “", "“\n\n“\n\n“ he said"],
)
def test_quotes_degenerate_text_never_crashes(nlp: Language, text: str) -> None:
    assert isinstance(_quotes(nlp, text), list)


def test_quotes_quote_at_finds_the_enclosing_quote(nlp: Language) -> None:
    text = "The ministry said the talks would resume next week. Markets rose."
    doc = nlp(make_doc(nlp, read_text(text)))
    start = text.index("resume")
    quote = quote_at(doc, start, start + len("resume"))
    assert quote is not None and quote["speaker_text"] == "The ministry"
    assert quote_at(doc, text.index("Markets"), text.index("Markets") + 7) is None


@pytest.mark.parametrize(
    "text",
    [
        'LONDON (Reuters) - "I am pleased with my form," he said.',
        'WASHINGTON (AP) — The senator said "we will not back down" on Friday.',
        'TOKYO, March 3 (Reuters) - "Prices will rise," the bank said, "and soon."',
    ],
    ids=["direct", "embedded", "interrupted"],
)
def test_quotes_never_start_in_a_dateline_or_credit(nlp: Language, text: str) -> None:
    article = read_text(text)
    cut = [s for s in article.sections if s.kind in {"dateline", "wire", "credit", "byline", "boilerplate"}]
    assert cut, "the reading finds the dateline and credit"
    for quote in _quotes(nlp, text):
        for section in cut:
            assert not section.start <= quote["start"] < section.end, (quote, section)
            assert quote["start"] >= section.end or quote["end"] <= section.start, (quote, section)


def test_quotes_record_texts_are_the_articles_words(nlp: Language) -> None:
    from tidings.nlp.pipeline import analyze

    text = 'LONDON (Reuters) - "I am pleased with my form," he said.'
    record = analyze(read_text(text), nlp)
    assert [q["text"] for q in record["quotes"]] == ["I am pleased with my form,"]
    for q in record["quotes"]:
        assert q["text"] == text[q["start"] : q["end"]]
        assert q["speaker_text"] == text[q["speaker_start"] : q["speaker_end"]]
