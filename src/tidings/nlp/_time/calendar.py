"""Calendar arithmetic for TIMEX3 values: weeks, quarters, seasons, holidays, shifts.

Every computation on dates read from text goes through the helpers here, which
keep to the years 1-9999 (what ``datetime.date`` and a four-digit TIMEX3 year
hold). A result outside raises :class:`OutOfRange` ("130,000 weeks ago"); the
tagger turns that into an expression kept with no value, never a crash.
"""

from __future__ import annotations

import calendar as _cal
from datetime import date, timedelta

from tidings.nlp._time.lexicon import Holiday

PAST, FUTURE, NEAREST = "past", "future", "nearest"

# Meteorological seasons by month (northern hemisphere), as TIMEX3 codes.
_SEASON_OF_MONTH = {12: "WI", 1: "WI", 2: "WI", 3: "SP", 4: "SP", 5: "SP",
                    6: "SU", 7: "SU", 8: "SU", 9: "FA", 10: "FA", 11: "FA"}
_SEASON_ORDER = ("WI", "SP", "SU", "FA")


MIN_YEAR, MAX_YEAR = 1, 9999


class OutOfRange(ValueError):
    """A date computed from the text falls outside the calendar (years 1-9999)."""


def check_year(year: int) -> int:
    """Return ``year`` when it is within the calendar, else raise :class:`OutOfRange`."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise OutOfRange(f"year {year} is outside {MIN_YEAR}-{MAX_YEAR}")
    return year


def year_text(year: int) -> str:
    """Format a year as the four digits of a TIMEX3 value (range-checked)."""
    return f"{check_year(year):04d}"


def decade_text(decade: int) -> str:
    """Format a decade (years // 10) as a TIMEX3 value ("199" for the 1990s), range-checked."""
    check_year(decade * 10 + 9)
    return str(decade)


def century_text(century: int) -> str:
    """Format a century (years // 100) as a TIMEX3 value ("20" for 2000-2099), range-checked."""
    check_year(century * 100 + 99)
    return f"{century:02d}"


def period(year: int, code: str) -> str:
    """Format a part of a year: ``period(2023, "Q3")`` is ``2023-Q3`` (range-checked)."""
    return f"{year_text(year)}-{code}"


def make_date(year: int, month: int, day: int) -> date:
    """Build a date, raising :class:`OutOfRange` for a year outside the calendar."""
    return date(check_year(year), month, day)


def iso_monday(year: int, week_no: int) -> date:
    """The Monday of an ISO week (range-checked)."""
    try:
        return date.fromisocalendar(check_year(year), week_no, 1)
    except ValueError as exc:  # week 53 of a 52-week year, or the edge of the calendar
        raise OutOfRange(str(exc)) from exc


def ymd(d: date) -> str:
    """Format a date as ``YYYY-MM-DD``."""
    return d.isoformat()


def ym(year: int, month: int) -> str:
    """Format a month as ``YYYY-MM`` (range-checked)."""
    return f"{year_text(year)}-{month:02d}"


def week(d: date) -> str:
    """Format the ISO week of a date as ``YYYY-Www``."""
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def quarter_of(d: date) -> int:
    """Return the calendar quarter (1-4) of a date."""
    return (d.month - 1) // 3 + 1


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    """Return (year, month) moved by ``by`` months."""
    n = year * 12 + (month - 1) + by
    return n // 12, n % 12 + 1


def shift_days(d: date, by: int) -> date:
    """Return the date ``by`` days away (range-checked)."""
    # a shift wider than the calendar is refused before timedelta sees it
    if abs(by) > (date.max - date.min).days:
        raise OutOfRange(f"{by} days from {d} is outside the calendar")
    try:
        return d + timedelta(days=by)
    except OverflowError as exc:
        raise OutOfRange(f"{by} days from {d} is outside the calendar") from exc


def shift_weeks(d: date, by: int) -> date:
    """Return the date ``by`` weeks away (range-checked)."""
    return shift_days(d, 7 * by)


def add_years(d: date, by: int) -> date:
    """Return the date ``by`` years away (29 Feb becomes 28 Feb when needed; range-checked)."""
    y = check_year(d.year + by)
    return d.replace(year=y, day=min(d.day, _cal.monthrange(y, d.month)[1]))


def weekday_date(anchor: date, day: int, direction: str, *, same_day: bool = True) -> date:
    """Resolve a weekday (1 = Monday) relative to ``anchor``.

    Args:
        anchor: the reference date (publication date).
        day: ISO weekday number.
        direction: ``past`` (most recent), ``future`` (next) or ``nearest``.
        same_day: whether the anchor itself counts when it falls on ``day``
            (news says "Sunday" on a Sunday for that very day).
    """
    delta = day - anchor.isoweekday()
    if delta == 0 and same_day:
        return anchor
    if direction == PAST:
        delta = delta - 7 if delta >= 0 else delta
    elif direction == FUTURE:
        delta = delta + 7 if delta <= 0 else delta
    else:
        if delta > 3:
            delta -= 7
        elif delta < -3:
            delta += 7
        elif delta == 0:
            delta = -7
    return shift_days(anchor, delta)


def year_for(anchor: date, month: int, day: int, direction: str) -> int:
    """Choose the year of a month (and day) written without one."""
    key, here = (month, day), (anchor.month, anchor.day)
    if direction == PAST:
        return anchor.year if key <= here else anchor.year - 1
    if direction == FUTURE:
        return anchor.year if key >= here else anchor.year + 1
    # nearest: within six months either way
    diff = (month - anchor.month) * 31 + (day - anchor.day)
    if diff > 183:
        return anchor.year - 1
    if diff < -183:
        return anchor.year + 1
    return anchor.year


def season_of(d: date) -> tuple[int, str]:
    """Return (year, season code) of a date; December counts as next year's winter."""
    code = _SEASON_OF_MONTH[d.month]
    return (d.year + 1 if d.month == 12 else d.year), code


def season_year(anchor: date, code: str, direction: str) -> int:
    """Choose the year of a season written without one."""
    ay, acode = season_of(anchor)
    a_i, s_i = _SEASON_ORDER.index(acode), _SEASON_ORDER.index(code)
    if direction == PAST and s_i > a_i:
        return ay - 1
    if direction == FUTURE and s_i < a_i:
        return ay + 1
    return ay


def easter(year: int) -> date:
    """Return Easter Sunday (Gregorian) of ``year`` (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return make_date(year, month, day + 1)


def holiday_date(h: Holiday, year: int) -> date | None:
    """Return the date of a holiday in ``year``."""
    if h.easter is not None:
        return shift_days(easter(year), h.easter)
    if h.month is None:
        return None
    if h.day is not None:
        return make_date(year, h.month, min(h.day, _cal.monthrange(year, h.month)[1]))
    if h.weekday is None or h.nth is None:
        return None
    if h.nth > 0:
        first = make_date(year, h.month, 1)
        offset = (h.weekday - first.isoweekday()) % 7
        d = shift_days(first, offset + 7 * (h.nth - 1))
        return d if d.month == h.month else None
    last = make_date(year, h.month, _cal.monthrange(year, h.month)[1])
    return shift_days(last, -((last.isoweekday() - h.weekday) % 7))


def valid_date(year: int, month: int, day: int) -> bool:
    """Whether the year, month and day form a real date of the calendar (years 1-9999)."""
    return (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12
            and 1 <= day <= _cal.monthrange(year, month)[1])
