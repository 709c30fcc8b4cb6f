"""The tidings_times component in the pipeline: tense of the clause, heads, spans, clause lookup."""

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
    hits = [t for t in doc._.tidings_times if t["text"] == text]
    assert hits, f"no time {text!r} in {doc._.tidings_times}"
    return hits[0]


@pytest.mark.parametrize("sentence,expr,value", [
    ("The minister arrived in Seoul on Sunday.", "Sunday", "2023-01-29"),
    ("The minister arrived in Seoul on Friday.", "Friday", "2023-01-27"),
    ("The talks ended on Monday.", "Monday", "2023-01-23"),
    ("The ministers will meet on Monday.", "Monday", "2023-01-30"),
    ("The envoy is due to meet the president on Monday.", "Monday", "2023-01-30"),
    ("He plans to visit Tokyo on Wednesday.", "Wednesday", "2023-02-01"),
    ("Flying to Tokyo on Monday, the envoy has meetings scheduled with officials.", "Monday", "2023-01-30"),
    ("Speaking on Friday, the envoy said the talks had failed.", "Friday", "2023-01-27"),
    ("He has arrived in Seoul on Saturday.", "Saturday", "2023-01-28"),
    ("An interview published on Thursday quoted him.", "Thursday", "2023-01-26"),
    ("The deadline was extended until Tuesday.", "Tuesday", "2023-01-31"),
    ("The company said it would announce results in March.", "March", "2023-03"),
    ("The company bought the plant in June.", "June", "2022-06"),
    # a plan given up is over; a plan still standing looks ahead
    ("The offer had been due to expire on Friday.", "Friday", "2023-01-27"),
    ("The offer is due to expire on Friday.", "Friday", "2023-02-03"),
    ("The offer had been scheduled to expire at midnight Friday.", "midnight Friday", "2023-01-27T24:00"),
    # modals look ahead, except a failed attempt
    ("The deal should be completed in October.", "October", "2023-10"),
    ("He could not be reached on Friday.", "Friday", "2023-01-27"),
    # the object of a planning verb is planned ahead
    ("They planned a large rally on Saturday.", "Saturday", "2023-02-04"),
    ("The rally was planned for Saturday.", "Saturday", "2023-02-04"),
    ("The prosecutor has scheduled a news conference Thursday.", "Thursday", "2023-02-02"),
    # "hurt" with a singular subject can only be a past tense
    ("Weakness in technology stocks hurt the index on Friday.", "Friday", "2023-01-27"),
    # a simple past does not reach ahead; a deadline or a present clause may
    ("In March, the company hired a new chief executive.", "March", "2022-03"),
    ("The offer was extended to March 2.", "March 2", "2023-03-02"),
    ("The dividend is payable March 1.", "March 1", "2023-03-01"),
    ("Final guidelines to be published in March will decide.", "March", "2023-03"),
])
def test_time_tense_places_the_day(nlp: Language, sentence: str, expr: str, value: str) -> None:
    assert _time(_doc(nlp, sentence), expr)["value"] == value


@pytest.mark.parametrize("sentence,expr,head", [
    ("The minister arrived in Seoul on Sunday.", "Sunday", "arrived"),
    ("Police said Friday that two men were held.", "Friday", "said"),
    ("The leaders met as observers last year.", "last year", "met"),
])
def test_time_head_is_the_word_it_modifies(nlp: Language, sentence: str, expr: str, head: str) -> None:
    doc = _doc(nlp, sentence)
    t = _time(doc, expr)
    assert t["head"] is not None and doc[t["head"]].text == head


def test_time_spans_and_extension_agree(nlp: Language) -> None:
    doc = _doc(nlp, "Talks began on Jan 3, 2023 and lasted for three days, officials said yesterday.")
    spans = doc.spans["tidings_times"]
    assert [(s.start_char, s.end_char, s.label_) for s in spans] == [
        (t["start"], t["end"], t["type"]) for t in doc._.tidings_times
    ]
    assert [t["value"] for t in doc._.tidings_times] == ["2023-01-03", "P3D", "2023-01-28"]


def test_time_record_fields(nlp: Language) -> None:
    t = _time(_doc(nlp, "He left on Friday."), "Friday")
    assert {"start", "end", "text", "type", "value", "anchor", "head"} <= set(t)
    assert t["anchor"] == "tense-past"


def test_time_clock_joins_its_day(nlp: Language) -> None:
    doc = _doc(nlp, "The attack began at 10 p.m. Wednesday, police said.")
    t = _time(doc, "10 p.m. Wednesday")
    assert (t["type"], t["value"]) == ("TIME", "2023-01-25T22:00")


@pytest.mark.parametrize("sentence,absent", [
    ("The army sent 2000 troops to the border.", "2000"),
    ("May said the plan would work.", "May"),
    ("The 6-year-old boy was found.", "6-year-old"),
    ("The index closed at 1678.5 points.", "1678"),
    ("A second group of directors resigned.", "A second"),
    ("Iraq imports about three-quarters of its food.", "about three-quarters"),
    ("Almost a quarter (21%) of those polled agreed.", "Almost a quarter"),
    ("He told BBC Radio 4's Today programme he would stay.", "Today"),
    ("He told the Sunday Times the party would win.", "Sunday"),
    ("The figures appear in the Quarterly Economic Commentary.", "Quarterly"),
])
def test_time_ignores_look_alikes(nlp: Language, sentence: str, absent: str) -> None:
    assert not [t for t in _doc(nlp, sentence)._.tidings_times if t["text"] == absent]


def test_time_without_publication_date(nlp: Language) -> None:
    t = _time(_doc(nlp, "The ministers will meet on Monday.", published=None), "Monday")
    assert (t["value"], t["anchor"]) == ("XXXX-WXX-1", "unanchored")


def test_time_for_token_takes_the_clause_time(nlp: Language) -> None:
    from tidings.nlp.components.timex import time_for_token

    doc = _doc(nlp, "The minister arrived in Seoul on Sunday. He met the president.")
    arrived = next(t for t in doc if t.text == "arrived")
    met = next(t for t in doc if t.text == "met")
    got = time_for_token(doc, arrived)
    assert got is not None and got["value"] == "2023-01-29"
    assert time_for_token(doc, met) is None  # a sentence with no time inherits nothing


def test_time_quarter_reference_carries(nlp: Language) -> None:
    doc = _doc(nlp, "Profit rose in the third quarter of 2022. Sales were $5 million, up from $4 million a year earlier.")
    assert _time(doc, "a year earlier")["value"] == "2021-Q3"


def test_time_quarter_reference_skips_forecasts(nlp: Language) -> None:
    doc = _doc(nlp, "Profit rose in the third quarter of 2022. Analysts expect a loss in the second quarter of 2023. "
                    "Sales were $5 million, up from $4 million a year earlier.")
    assert _time(doc, "a year earlier")["value"] == "2021-Q3"  # a quarter still to come is not the report's


def test_time_clock_takes_the_day_of_its_sentence(nlp: Language) -> None:
    doc = _doc(nlp, "The jet made its first flight on Tuesday in Everett at 18:00 UTC.")
    assert _time(doc, "18:00 UTC")["value"] == "2023-01-24T18:00Z"
    doc = _doc(nlp, "The jet made its first flight in Everett at 18:00 UTC.")
    assert _time(doc, "18:00 UTC")["value"] == "2023-01-29T18:00Z"  # no day named: the publication day


@pytest.mark.parametrize("sentence,expr,value", [
    ("The index rose 2% to end the day at 7,114.", "the day", "2023-01-29"),
    ("For the day, the Nikkei closed down 6.4 percent.", "the day", "2023-01-29"),
])
def test_time_trading_day(nlp: Language, sentence: str, expr: str, value: str) -> None:
    assert _time(_doc(nlp, sentence), expr)["value"] == value


def test_time_user_vocabulary_file(nlp: Language, tmp_path: Any) -> None:
    import spacy

    from tidings.nlp.extensions import set_extensions

    months = tmp_path / "months.tsv"
    months.write_text("# source: test\n# licence: CC0-1.0\nname\tmonth\tkind\nJanvier\t1\tfull\n", encoding="utf-8")
    set_extensions()
    blank = spacy.blank("en")
    blank.add_pipe("tidings_times", config={"months": str(months)})
    doc = blank.make_doc("Il est parti en Janvier 2020.")
    doc._.tidings_published = DCT
    doc = blank(doc)
    assert [(t["text"], t["value"]) for t in doc._.tidings_times] == [("Janvier 2020", "2020-01")]
