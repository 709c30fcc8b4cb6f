"""Times of the story's own timeline, counted from the last date the text mentioned, and
the clause of a relative clause."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc

pytestmark = pytest.mark.slow

DCT = "2023-01-29"  # a Sunday


@pytest.fixture(scope="module")
def nlp() -> Language:
    from tidings.nlp.pipeline import load_pipeline

    return load_pipeline(stages=("times",))


def _doc(nlp: Language, text: str, published: str | None = DCT) -> Doc:
    from tidings.nlp.pipeline import make_doc
    from tidings.records import Article

    return nlp(make_doc(nlp, Article(text=text, source_path="test", published=published)))


def _time(doc: Doc, text: str) -> dict[str, Any]:
    hits = [t for t in doc._.tidings_times if t["text"].lower() == text.lower()]
    assert hits, f"no time {text!r} in {doc._.tidings_times}"
    return hits[0]


@pytest.mark.parametrize("text,expr,type_,value", [
    ("He landed in Paris on March 3, 2021. The next morning he met the mayor.", "The next morning", "TIME",
     "2021-03-04TMO"),
    ("He landed in Paris on March 3, 2021. The next day he met the mayor.", "The next day", "DATE", "2021-03-04"),
    ("The rally was held on Jan. 12. That day, police arrested 40 people.", "That day", "DATE", "2023-01-12"),
    ("The rally was held on Jan. 12. Police had warned the day before.", "the day before", "DATE", "2023-01-11"),
    ("The rally was held on Jan. 12, and the leaders met the same day.", "the same day", "DATE", "2023-01-12"),
    ("Stocks closed at 2082 on Friday, down 4.5% from the previous Friday.", "the previous Friday", "DATE",
     "2023-01-20"),
    ("The plant opened on Oct. 5, 2020. The following Monday, workers struck.", "The following Monday", "DATE",
     "2020-10-12"),
    ("In 1995 he was made a general, and the following year he was appointed attache.", "the following year",
     "DATE", "1996"),
    ("The firm was founded in May 2001. The following month, it hired its first worker.", "The following month",
     "DATE", "2001-06"),
    ("The firm was founded in May 2001 and moved to Ohio later that year.", "later that year", "DATE", "2001"),
    ("The firm was founded in May 2001. Sales doubled that year.", "that year", "DATE", "2001"),
    ("The firm was founded on May 3, 2001. The following week, it hired a worker.", "The following week", "DATE",
     "2001-W19"),
    ("He was arrested on June 2, 2019. Two days later he was released.", "Two days later", "DATE", "2019-06-04"),
    ("He was arrested on June 2, 2019. He had been seen a week earlier.", "a week earlier", "DATE", "2019-W21"),
    ("He was arrested on June 2, 2019 and released that night.", "that night", "TIME", "2019-06-02TNI"),
    ("Sales fell 35% in December, compared to the same month a year ago.", "the same month a year ago", "DATE",
     "2021-12"),
])
def test_time_narrative_counts_from_the_last_date(nlp: Language, text: str, expr: str, type_: str,
                                                  value: str) -> None:
    t = _time(_doc(nlp, text), expr)
    assert (t["type"], t["value"], t["anchor"]) == (type_, value, "narrative")


@pytest.mark.parametrize("text,expr,value", [
    # before any date is mentioned, the publication date is the reference
    ("Police had warned the day before.", "the day before", "2023-01-28"),
    # "the next" in a future clause looks ahead from the publication date, like "next"
    ("The rally was held on Jan. 12. The leaders will meet again the next week.", "the next week", "2023-W05"),
])
def test_time_narrative_falls_back_to_the_publication_date(nlp: Language, text: str, expr: str,
                                                           value: str) -> None:
    t = _time(_doc(nlp, text), expr)
    assert (t["value"], t["anchor"]) == (value, "publication")


def test_time_narrative_follows_the_latest_date(nlp: Language) -> None:
    # (a month or date without a year still takes the publication year: news comes back to the present)
    doc = _doc(nlp, "He was arrested on June 2, 2019. The next day he was charged. He was freed on July 9, 2020. "
                    "The next day he left the country.")
    values = [t["value"] for t in doc._.tidings_times if t["text"] == "The next day"]
    assert values == ["2019-06-03", "2020-07-10"]


def test_time_narrative_needs_the_precision_of_its_unit(nlp: Language) -> None:
    # "the next day" skips a year-only mention and counts from the last full date
    doc = _doc(nlp, "She won on April 4, 2010, her first title since 2004. The next day she flew home.")
    assert _time(doc, "The next day")["value"] == "2010-04-05"


def test_time_narrative_without_publication_date_stays_underspecified(nlp: Language) -> None:
    t = _time(_doc(nlp, "The next day he left.", published=None), "The next day")
    assert (t["value"], t["anchor"]) == ("XXXX-XX-XX", "unanchored")


@pytest.mark.parametrize("text,expr,type_,value", [
    ("A few days later, the company announced lower earnings.", "A few days later", "DURATION", "PXD"),
    ("An hour later, police arrived.", "An hour later", "DURATION", "PT1H"),
])
def test_time_vague_or_short_later_is_a_duration(nlp: Language, text: str, expr: str, type_: str,
                                                 value: str) -> None:
    t = _time(_doc(nlp, text), expr)
    assert (t["type"], t["value"]) == (type_, value)


def test_time_overnight_is_no_reference(nlp: Language) -> None:
    doc = _doc(nlp, "Shares closed lower on Friday after overnight losses, down 4.5% from the previous Friday.")
    assert _time(doc, "the previous Friday")["value"] == "2023-01-20"


@pytest.mark.parametrize("text,verb,expr", [
    ("Uganda, which had accused Kenya of detaining its fishermen last month, said it would hold talks.",
     "accused", "last month"),
    ("Kenya said on Tuesday it would talk to Uganda, which had accused Kenyan police of detaining its "
     "fishermen last month.", "accused", "last month"),
    ("Kenya said on Tuesday it would talk to Uganda, which had accused Kenyan police of detaining its "
     "fishermen last month.", "said", "Tuesday"),
])
def test_time_relative_clause_links_its_own_verb(nlp: Language, text: str, verb: str, expr: str) -> None:
    from tidings.nlp.components.timex import time_for_token

    doc = _doc(nlp, text)
    tok = next(t for t in doc if t.text == verb)
    got = time_for_token(doc, tok)
    assert got is not None and got["text"] == expr


def test_time_relative_clause_time_stays_out_of_the_main_clause(nlp: Language) -> None:
    from tidings.nlp.components.timex import time_for_token

    doc = _doc(nlp, "Uganda, which had accused Kenya of detaining its fishermen last month, said it would hold "
                    "talks.")
    said = next(t for t in doc if t.text == "said")
    hold = next(t for t in doc if t.text == "hold")
    assert time_for_token(doc, said) is None
    assert time_for_token(doc, hold) is None


@pytest.mark.parametrize("text,expr,value", [
    ("Shares closed lower on Friday. Dealers placed heavy buy orders in the morning.", "the morning",
     "2023-01-27TMO"),
    ("The index rose on Friday, ending the day at 8,017.", "the day", "2023-01-27"),
])
def test_time_the_day_of_a_past_clause_is_the_story_day(nlp: Language, text: str, expr: str, value: str) -> None:
    t = _time(_doc(nlp, text), expr)
    assert (t["value"], t["anchor"]) == (value, "narrative")


def test_time_the_day_of_a_present_clause_is_the_publication_day(nlp: Language) -> None:
    t = _time(_doc(nlp, "The index rose on Friday. Traders expect gains later in the day."), "the day")
    assert t["value"] == DCT


def test_time_the_night_of_a_date_is_not_the_publication_night(nlp: Language) -> None:
    doc = _doc(nlp, "He was shot to death on the night of Oct. 23 as he stood in his kitchen.")
    assert [t["text"] for t in doc._.tidings_times] == ["Oct. 23"]
