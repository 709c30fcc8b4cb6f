"""The normaliser, family by family, with a fixed publication date (Sunday 29 January 2023).

These call :func:`tidings.nlp.components.timex.normalize` directly: no model is loaded.
"""

from __future__ import annotations

from datetime import date

import pytest

from tidings.nlp.components.timex import normalize

DCT = "2023-01-29"  # a Sunday


@pytest.mark.parametrize("text,expected", [
    ("Jan 29, 2023", ("DATE", "2023-01-29")),
    ("January 29, 2023", ("DATE", "2023-01-29")),
    ("Sunday, Jan. 29, 2023", ("DATE", "2023-01-29")),
    ("29 January 2023", ("DATE", "2023-01-29")),
    ("2023-01-29", ("DATE", "2023-01-29")),
    ("1/29/2023", ("DATE", "2023-01-29")),
    ("March 2021", ("DATE", "2021-03")),
    ("mid-2021", ("DATE", "2021")),
    ("in 1998", ("DATE", "1998")),
    ("the 1990s", ("DATE", "199")),
    ("the '80s", ("DATE", "198")),
    ("the 20th century", ("DATE", "19")),
    ("nineteen ninety-six", ("DATE", "1996")),
    ("January nineteen ninety-seven", ("DATE", "1997-01")),  # a broadcast transcript
    ("the winter of nineteen ninety-four", ("DATE", "1994-WI")),
])
def test_time_absolute_dates(text: str, expected: tuple[str, str]) -> None:
    assert normalize(text, DCT) == expected


@pytest.mark.parametrize("text,expected", [
    ("29 January", ("DATE", "2023-01-29")),
    ("March 3", ("DATE", "2023-03-03")),
    ("Dec. 20", ("DATE", "2022-12-20")),
    ("in November", ("DATE", "2022-11")),
    ("in March", ("DATE", "2023-03")),
])
def test_time_dates_without_year_take_the_nearest(text: str, expected: tuple[str, str]) -> None:
    assert normalize(text, DCT) == expected


@pytest.mark.parametrize("text,tense,expected", [
    ("Sunday", "past", "2023-01-29"),  # the publication day itself
    ("Sunday", "future", "2023-01-29"),
    ("Friday", "past", "2023-01-27"),
    ("Friday", None, "2023-01-27"),  # news reports what happened
    ("Monday", "future", "2023-01-30"),
    ("Monday", "present", "2023-01-30"),  # a present-tense schedule looks ahead
    ("Monday", "past", "2023-01-23"),
    ("Wednesday", "future", "2023-02-01"),
])
def test_time_weekdays_follow_tense(text: str, tense: str | None, expected: str) -> None:
    assert normalize(text, DCT, tense=tense) == ("DATE", expected)


@pytest.mark.parametrize("text,tense,expected", [
    ("in June", "past", "2022-06"),  # a past clause does not reach far ahead
    ("November", "future", "2023-11"),
    ("Feb. 2", "past", "2023-02-02"),  # ...but a few days ahead is fine ("extended to Feb. 2")
])
def test_time_months_vetoed_by_tense(text: str, tense: str, expected: str) -> None:
    assert normalize(text, DCT, tense=tense) == ("DATE", expected)


@pytest.mark.parametrize("text,expected", [
    ("last year", ("DATE", "2022")),
    ("this year", ("DATE", "2023")),
    ("next year", ("DATE", "2024")),
    ("last month", ("DATE", "2022-12")),
    ("next month", ("DATE", "2023-02")),
    ("last week", ("DATE", "2023-W03")),
    ("this week", ("DATE", "2023-W04")),
    ("next week", ("DATE", "2023-W05")),
    ("last weekend", ("DATE", "2023-W03-WE")),
    ("last Friday", ("DATE", "2023-01-27")),
    ("next Monday", ("DATE", "2023-01-30")),
    ("last November", ("DATE", "2022-11")),
    ("last quarter", ("DATE", "2022-Q4")),
    ("two weeks ago", ("DATE", "2023-W02")),
    ("three days ago", ("DATE", "2023-01-26")),
    ("five years ago", ("DATE", "2018")),
    ("a month ago", ("DATE", "2022-12")),
    ("earlier this month", ("DATE", "2023-01")),
    ("later this year", ("DATE", "2023")),
    ("early next year", ("DATE", "2024")),
    ("June last year", ("DATE", "2022-06")),
    ("a week or so ago", ("DATE", "2023-W03")),
    ("a couple of days ago", ("DATE", "2023-01-27")),
    ("the week of March 6", ("DATE", "2023-W10")),
    ("year-end", ("DATE", "2023")),
])
def test_time_relative_units(text: str, expected: tuple[str, str]) -> None:
    assert normalize(text, DCT) == expected


@pytest.mark.parametrize("text,expected", [
    ("yesterday", ("DATE", "2023-01-28")),
    ("today", ("DATE", "2023-01-29")),
    ("tomorrow", ("DATE", "2023-01-30")),
    ("tonight", ("TIME", "2023-01-29TNI")),
    ("last night", ("TIME", "2023-01-28TNI")),
    ("this morning", ("TIME", "2023-01-29TMO")),
    ("yesterday afternoon", ("TIME", "2023-01-28TAF")),
])
def test_time_deictic_days(text: str, expected: tuple[str, str]) -> None:
    assert normalize(text, DCT) == expected


@pytest.mark.parametrize("text,tense,expected", [
    ("Tuesday night", "past", ("TIME", "2023-01-24TNI")),
    ("Monday morning", "future", ("TIME", "2023-01-30TMO")),
    ("10 a.m.", None, ("TIME", "2023-01-29T10:00")),
    ("10:30 p.m.", None, ("TIME", "2023-01-29T22:30")),
    ("18:00 UTC", None, ("TIME", "2023-01-29T18:00Z")),
    ("noon", None, ("TIME", "2023-01-29T12:00")),
    ("0800 UTC", None, ("TIME", "2023-01-29T08:00Z")),
    ("4 in the morning", None, ("TIME", "2023-01-29T04:00")),
    ("10 at night", None, ("TIME", "2023-01-29T22:00")),
    ("mid-afternoon yesterday", None, ("TIME", "2023-01-28TAF")),
    ("overnight", None, ("TIME", "2023-01-28TNI")),  # the night before the paper
    ("overnight", "future", ("TIME", "2023-01-29TNI")),  # "will work overnight": tonight
])
def test_time_times_of_day(text: str, tense: str | None, expected: tuple[str, str]) -> None:
    assert normalize(text, DCT, tense=tense) == expected


@pytest.mark.parametrize("text,expected", [
    ("now", ("DATE", "PRESENT_REF")),
    ("currently", ("DATE", "PRESENT_REF")),
    ("recently", ("DATE", "PAST_REF")),
    ("the future", ("DATE", "FUTURE_REF")),
    ("in recent years", ("DATE", "PAST_REF")),
    ("in the past", ("DATE", "PAST_REF")),
    ("Islam will one day be", ("DATE", "FUTURE_REF")),
    ("for the time being", ("DATE", "PRESENT_REF")),
])
def test_time_vague_references(text: str, expected: tuple[str, str]) -> None:
    assert normalize(text, DCT) == expected


@pytest.mark.parametrize("text,expected", [
    ("the third quarter", ("DATE", "2023-Q3")),
    ("the fourth quarter of 2022", ("DATE", "2022-Q4")),
    ("third-quarter", ("DATE", "2023-Q3")),
    ("Q2 2022", ("DATE", "2022-Q2")),
    ("the first half of 2024", ("DATE", "2024-H1")),
    ("last summer", ("DATE", "2022-SU")),
    ("this spring", ("DATE", "2023-SP")),
    ("the winter of 2021", ("DATE", "2021-WI")),
    ("fiscal 2023", ("DATE", "2023")),
    ("FY2024", ("DATE", "2024")),
    ("Christmas 2022", ("DATE", "2022-12-25")),
    ("Thanksgiving 2023", ("DATE", "2023-11-23")),
    ("for the quarter ended Sept. 30", ("DATE", "2022-Q3")),  # the quarter the date closes
    ("in the quarter ended July 31", ("DATE", "2022-Q2")),  # a fiscal quarter: mostly May-July
    ("the latest period", ("DATE", "2022-Q4")),  # the last quarter over
    ("Easter 2023", ("DATE", "2023-04-09")),
    ("Christmas Eve 2022", ("DATE", "2022-12-24")),  # a name of several words
    ("New Year's Day 2024", ("DATE", "2024-01-01")),
])
def test_time_quarters_seasons_fiscal_holidays(text: str, expected: tuple[str, str]) -> None:
    assert normalize(text, DCT) == expected


@pytest.mark.parametrize("text,expected", [
    ("for three days", ("DURATION", "P3D")),
    ("a decade", ("DURATION", "P10Y")),
    ("two-year", ("DURATION", "P2Y")),
    ("six months", ("DURATION", "P6M")),
    ("24 hours", ("DURATION", "PT24H")),
    ("2 1/2 years", ("DURATION", "P2Y6M")),
    ("a minute and a half", ("DURATION", "PT1M30S")),
    ("several years", ("DURATION", "PXY")),
    ("the past two quarters", ("DURATION", "P2Q")),
    ("for years", ("DURATION", "PXY")),
    ("a couple of years", ("DURATION", "P2Y")),
    ("the next couple of years", ("DURATION", "P2Y")),
    ("a few minutes", ("DURATION", "PTXM")),
    ("six straight days", ("DURATION", "P6D")),
    ("the past five trading days", ("DURATION", "P5D")),
    ("in the weeks ahead", ("DURATION", "PXW")),
    ("the past two years", ("DURATION", "P2Y")),
])
def test_time_durations(text: str, expected: tuple[str, str]) -> None:
    assert normalize(text, DCT) == expected


@pytest.mark.parametrize("text,expected", [
    ("every Monday", ("SET", "XXXX-WXX-1")),
    ("annually", ("SET", "P1Y")),
    ("daily", ("SET", "P1D")),
    ("every two years", ("SET", "P2Y")),
    ("twice a week", ("SET", "P1W")),
    ("$5 million a year", ("SET", "P1Y")),
    ("each July", ("SET", "XXXX-07")),
    ("flights depart each Thursday", ("SET", "XXXX-WXX-4")),
    ("Mondays", ("SET", "XXXX-WXX-1")),
    ("on Tuesday nights", ("SET", "XXXX-WXX-2TNI")),
])
def test_time_sets(text: str, expected: tuple[str, str]) -> None:
    assert normalize(text, DCT) == expected


@pytest.mark.parametrize("text,expected", [
    ("Monday", ("DATE", "XXXX-WXX-1")),
    ("last year", ("DATE", "XXXX")),
    ("March 3", ("DATE", "XXXX-03-03")),
    ("yesterday", ("DATE", "XXXX-XX-XX")),
    ("Jan 29, 2023", ("DATE", "2023-01-29")),
])
def test_time_without_publication_date_stays_underspecified(text: str, expected: tuple[str, str]) -> None:
    assert normalize(text, None) == expected


@pytest.mark.parametrize("text", ["May said", "I may go", "$1990", "march on the capital", "hello"])
def test_time_rejects_non_times(text: str) -> None:
    got = normalize(text, DCT)
    assert got is None or got[1] not in {"2000", "1990", "2023-05", "2023-03"}


def test_time_anchor_accepts_a_date_or_datetime() -> None:
    assert normalize("yesterday", date(2023, 1, 29)) == normalize("yesterday", "2023-01-29T08:15:00+09:00")


@pytest.mark.parametrize("text,tense,expected", [
    ("as soon as Tuesday", "past", "2023-01-31"),  # an earliest date lies ahead
    ("until Tuesday", "past", "2023-01-31"),
    ("on Tuesday", "past", "2023-01-24"),
])
def test_time_deadlines_look_ahead(text: str, tense: str, expected: str) -> None:
    assert normalize(text, DCT, tense=tense) == ("DATE", expected)


@pytest.mark.parametrize("text,expected", [
    ("from 2014 to 2019", [("2014", "2014"), ("2019", "2019")]),
    ("in 2014-2019", [("2014", "2014"), ("2019", "2019")]),
    ("between 2014 and 2016", [("2014", "2014"), ("2016", "2016")]),
    ("more than two thousand years", []),  # a count of years, not the year 2000
])
def test_time_ranges_give_one_expression_per_end(text: str, expected: list[tuple[str, str]]) -> None:
    from tidings.nlp._time.tagger import default_tagger

    tagger = default_tagger()
    got = []
    for found in tagger.scan(text):
        v = tagger.value(found, text, date(2023, 1, 29), None)
        if v is not None and v.type == "DATE":
            got.append((text[found.start : found.end], v.value))
    assert got == expected
