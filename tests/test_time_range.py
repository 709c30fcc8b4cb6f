"""Dates from text that leave the calendar, impossible dates and weekdays that contradict them.

Calls the tagger directly (no model): every expression is kept, with no value
and a flag when its date cannot be, and nothing raises whatever number or
publication date it meets.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from tidings.nlp._time import calendar as cal
from tidings.nlp._time.normalizer import Value
from tidings.nlp._time.tagger import default_tagger, parse_anchor

DCT = "2023-01-29"  # a Sunday
# A TIMEX3 value the stage may give: never a negative or five-digit year.
_NO_BAD_YEAR = re.compile(r"^(?!-)(?!\d{5})")


def _values(text: str, anchor: str | None = DCT, tense: str | None = None,
            refs: tuple[str, ...] = ()) -> list[tuple[str, Value]]:
    tagger = default_tagger()
    out = []
    for found in tagger.scan(text):
        v = tagger.value(found, text, parse_anchor(anchor), tense, refs=refs)
        if v is not None:
            out.append((text[found.start : found.end], v))
    return out


def _one(text: str, anchor: str | None = DCT, **kw: object) -> Value:
    values = _values(text, anchor, **kw)  # type: ignore[arg-type]
    assert len(values) == 1, values
    return values[0][1]


@pytest.mark.parametrize("text", [
    "130,000 weeks ago", "1,300,000 days ago", "5,000,000 days later", "10,000 years ago", "9,000 years from now",
    "500,000 decades ago", "9,000 centuries later", "40,000 months ago", "20,000 quarters ago",
    "1,000,000,000,000 days ago", "100,000 fortnights ago",
])
def test_time_range_huge_shift_is_kept_without_value(text: str) -> None:
    v = _one(text)
    assert (v.type, v.value, v.anchor, v.flags) == ("DATE", None, "none", ("out_of_range",))


@pytest.mark.parametrize("text", ["130,000 weeks later", "the following year", "9,000 years later"])
def test_time_range_huge_shift_from_the_story_timeline(text: str) -> None:
    v = _one(text, refs=("9999-12-31",), tense="past")
    assert v.value is None or _NO_BAD_YEAR.match(v.value), v
    if v.value is None:
        assert v.flags == ("out_of_range",)


# Every relative family, counted from the first and the last day of the calendar.
RELATIVE = [
    "yesterday", "tomorrow", "the day after tomorrow", "last night", "tonight", "next week", "last week",
    "next weekend", "the weekend", "next month", "last month", "next quarter", "the last quarter",
    "the first quarter", "next year", "last year", "this year", "next decade", "last century",
    "next millennium", "two weeks ago", "a year earlier", "three decades ago", "two centuries from now",
    "next Monday", "last Friday", "this Friday", "Monday", "on Sunday", "last March", "next March",
    "in March", "March 3", "Monday, March 6", "the week of March 6", "next summer", "last winter",
    "the spring", "Christmas", "next Easter", "last Thanksgiving", "the year-ago quarter", "year-ago",
    "the next day", "the following week", "the previous month", "that year", "the same month a year ago",
    "this fiscal year", "next fiscal year", "year-end", "10 p.m.", "noon", "the end of the month",
    "earlier this month", "later this year", "for the day", "in the morning", "the quarter ended Sept. 30",
]


@pytest.mark.parametrize("anchor", ["0001-01-01", "0001-01-07", "9999-12-31", "9999-12-25"])
@pytest.mark.parametrize("text", RELATIVE)
def test_time_range_calendar_edges_never_raise(text: str, anchor: str) -> None:
    for tense in (None, "past", "future", "present"):
        for _words, v in _values(text, anchor, tense=tense):
            if v.value is None:
                assert v.flags in (("out_of_range",), ("invalid_date",)), v
            else:
                assert _NO_BAD_YEAR.match(v.value), v


@pytest.mark.parametrize("text", ["32 January 2024", "January 32, 2024", "the 35th of March 2020",
                                  "Feb. 30, 2023", "June 31, 2022", "31 April 2021", "Feb. 30"])
@pytest.mark.parametrize("anchor", [DCT, None])
def test_time_range_impossible_date_has_no_value(text: str, anchor: str | None) -> None:
    values = _values(text, anchor)
    assert [w for w, _ in values] == [text.removeprefix("the ")] or [w for w, _ in values] == [text]
    v = values[0][1]
    assert (v.value, v.flags) == (None, ("invalid_date",))


@pytest.mark.parametrize("text,words", [
    ("In January 35 people died.", "January"),
    ("Sales of 32 January products rose.", "January"),
    ("January 35", "January"),
])
def test_time_range_day_out_of_range_without_year_is_not_a_date(text: str, words: str) -> None:
    assert [w for w, _ in _values(text)] == [words]


def test_time_range_weekday_contradicting_its_date_is_flagged() -> None:
    v = _one("Monday 1 January 1600")  # a Saturday
    assert (v.value, v.anchor, v.flags) == ("1600-01-01", "absolute", ("weekday_mismatch",))
    assert _one("Saturday 1 January 1600").flags == ()
    assert _one("Sunday, Jan. 29, 2023").flags == ()
    assert _one("Monday, Jan. 29, 2023").flags == ("weekday_mismatch",)


def test_time_range_weekday_without_year_fixes_it_or_is_flagged() -> None:
    # 6 March is a Monday in 2023: the weekday picks that year
    assert (_one("Monday, March 6").value, _one("Monday, March 6").flags) == ("2023-03-06", ())
    # 6 March is a Sunday in 2022, a Monday in 2023 and a Wednesday in 2024: no Friday near
    v = _one("Friday, March 6")
    assert v.flags == ("weekday_mismatch",) and v.value is not None and v.value.endswith("-03-06")


def test_time_range_helpers_refuse_the_edge_of_the_calendar() -> None:
    with pytest.raises(cal.OutOfRange):
        cal.shift_days(date(9999, 12, 31), 1)
    with pytest.raises(cal.OutOfRange):
        cal.shift_weeks(date(2023, 1, 29), -130_000)
    with pytest.raises(cal.OutOfRange):
        cal.shift_days(date(2023, 1, 29), 10**12)  # wider than timedelta itself
    with pytest.raises(cal.OutOfRange):
        cal.add_years(date(1, 6, 1), -1)
    with pytest.raises(cal.OutOfRange):
        cal.ym(10_000, 1)
    with pytest.raises(cal.OutOfRange):
        cal.period(0, "Q1")
    with pytest.raises(cal.OutOfRange):
        cal.iso_monday(2023, 53)  # 2023 has 52 ISO weeks
    with pytest.raises(cal.OutOfRange):
        cal.easter(10_000)
    assert cal.shift_days(date(9999, 12, 30), 1) == date(9999, 12, 31)
    assert cal.year_text(999) == "0999" and cal.decade_text(199) == "199" and cal.century_text(9) == "09"
    assert not cal.valid_date(0, 1, 1) and not cal.valid_date(10_000, 1, 1) and cal.valid_date(9999, 12, 31)
