"""The story's own timeline: expressions anchored to the reference time.

"The next morning", "that day", "the previous Friday", "the following month",
"two days later" are counted not from the publication date but from the last
date the text itself mentioned (the reference time of TimeML, HeidelTime's
narrative mode). The reference is the most recent earlier date precise enough
for the unit: "the following year" needs a year, "the next day" a full date.
Before any date is mentioned, the reference is the publication date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from tidings.nlp._time import calendar as cal

PAST, FUTURE = "past", "future"

_DAY = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_WEEK = re.compile(r"(\d{4})-W(\d\d)(?!\d)")
_MONTH = re.compile(r"(\d{4})-(\d\d)(?!\d)")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_YEAR = re.compile(r"(\d{4})(?![\d])")
_CALENDAR = re.compile(r"\d{4}(?:$|-(?:\d\d|W\d\d|Q[1-4]|H[12]|SP|SU|FA|WI)(?:$|[-T]))")


def is_reference(value: str) -> bool:
    """Whether a value names a stretch of the calendar that later expressions can count from."""
    return _CALENDAR.match(value) is not None


# The precision each unit needs from its reference.
_NEEDS = {"day": "day", "night": "day", "morning": "day", "afternoon": "day", "evening": "day",
          "weekday": "day", "week": "week", "weekend": "week", "month": "month", "quarter": "quarter",
          "year": "year", "hour": "day", "minute": "day", "second": "day", "fortnight": "week",
          "decade": "year", "century": "year"}


def _read(value: str, need: str) -> tuple[int, int, int] | None:
    """Read (year, month or week or quarter, day) from a value at the precision ``need``.

    The middle number is a month for ``day``/``month``, an ISO week for ``week``
    and a quarter for ``quarter``; the unused parts are 0.
    """
    m = _DAY.match(value)
    if m and cal.valid_date(int(m[1]), int(m[2]), int(m[3])):
        d = date(int(m[1]), int(m[2]), int(m[3]))
        if need == "day":
            return d.year, d.month, d.day
        if need == "week":
            y, w, _ = d.isocalendar()
            return y, w, 0
        if need == "quarter":
            return d.year, cal.quarter_of(d), 0
        if need == "month":
            return d.year, d.month, 0
        return d.year, 0, 0
    if need == "day":
        return None
    m = _WEEK.match(value)
    if m:
        return (int(m[1]), int(m[2]), 0) if need == "week" else (int(m[1]), 0, 0) if need == "year" else None
    if need == "week":
        return None
    m = _MONTH.match(value)
    if m and 1 <= int(m[2]) <= 12:
        y, mo = int(m[1]), int(m[2])
        return (y, mo, 0) if need == "month" else (y, (mo - 1) // 3 + 1, 0) if need == "quarter" else (y, 0, 0)
    if need == "month":
        return None
    m = _QUARTER.match(value)
    if m:
        return (int(m[1]), int(m[2]), 0) if need == "quarter" else (int(m[1]), 0, 0)
    if need == "quarter":
        return None
    m = _YEAR.match(value)
    return (int(m[1]), 0, 0) if m else None


def reference(mentioned: Sequence[str], unit: str,
              anchor: date | None) -> tuple[tuple[int, int, int] | None, bool]:
    """The reference time for ``unit``: the latest mentioned date precise enough
    for it, else the publication date, else ``None``; and whether it came from
    the text (not the publication date)."""
    need = _NEEDS.get(unit, "day")
    for value in reversed(mentioned):
        got = _read(value, need)
        if got is not None:
            return got, True
    if anchor is None:
        return None, False
    return _read(anchor.isoformat(), need), False


def shifted(ref: tuple[int, int, int], unit: str, k: int) -> str:
    """The value of the unit holding the reference, moved by ``k`` units."""
    y, mid, d = ref
    need = _NEEDS.get(unit, "day")
    if need == "day":
        return cal.shift_days(cal.make_date(y, mid, d), k).isoformat()
    if need == "week":
        monday = cal.shift_weeks(cal.iso_monday(y, mid), k * (2 if unit == "fortnight" else 1))
        return cal.week(monday) + ("-WE" if unit == "weekend" else "")
    if need == "month":
        yy, mm = cal.shift_month(y, mid, k)
        return cal.ym(yy, mm)
    if need == "quarter":
        idx = y * 4 + mid - 1 + k
        return cal.period(idx // 4, f"Q{idx % 4 + 1}")
    if unit == "decade":
        return cal.decade_text(y // 10 + k)
    if unit == "century":
        return cal.century_text(y // 100 + k)
    return cal.year_text(y + k)


def weekday_from(ref: tuple[int, int, int], day: int, k: int, tense: str | None) -> str:
    """A weekday counted from the reference day: the one before (``k`` < 0), after
    (``k`` > 0), or, for "that Friday", the nearest in the direction of the tense."""
    d = cal.make_date(*ref)
    if k < 0:
        return cal.weekday_date(d, day, cal.PAST, same_day=False).isoformat()
    if k > 0:
        return cal.weekday_date(d, day, cal.FUTURE, same_day=False).isoformat()
    return cal.weekday_date(d, day, cal.PAST if tense == PAST else cal.FUTURE).isoformat()


def year_before(ref: tuple[int, int, int], unit: str) -> tuple[int, int, int]:
    """The same day, week or month one year before the reference ("the same month a year ago")."""
    y, mid, d = ref
    if _NEEDS.get(unit, "day") == "day":
        moved = cal.add_years(cal.make_date(y, mid, d), -1)
        return moved.year, moved.month, moved.day
    return cal.check_year(y - 1), mid, d
