"""Find an article's publication date in its text or its URL."""

from __future__ import annotations

import re
from datetime import date

# fmt: off
MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}
# fmt: on
MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_WEEKDAY = r"(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"

# "Jan 29, 2023", "January 29 2023", "29 January 2023", "29 Jan, 2023", "2023-01-29"
DATE = (
    rf"{_WEEKDAY}(?:(?P<m1>{MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{MONTH})\.?,?\s+(?P<y2>(?:19|20)\d\d)"
    rf"|(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d))"
)
DATE_RE = re.compile(rf"\b{DATE}\b", re.IGNORECASE)
# A line that states when the article appeared.
PUBLISHED_RE = re.compile(
    rf"^\W{{0,3}}(?P<label>(?:first\s+)?(?:published|posted|updated|last\s+updated|modified)(?:\s+(?:on|at))?)\s*:?\s*{DATE}",
    re.IGNORECASE,
)
_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<s>[/_.-]?)(?P<m>0[1-9]|1[0-2])(?P=s)(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)


def _iso(year: str, month: str, day: str) -> str | None:
    m = MONTHS.get(month.lower().rstrip(".")) if not month.isdigit() else int(month)
    if not m:
        return None
    try:
        return date(int(year), m, int(day)).isoformat()
    except ValueError:
        return None


def match_to_iso(match: re.Match[str]) -> str | None:
    """Turn a match of :data:`DATE` into an ISO date, or None when it is not a real date."""
    for n in "123":
        if match.group(f"y{n}"):
            return _iso(match.group(f"y{n}"), match.group(f"m{n}"), match.group(f"d{n}"))
    return None


def parse_date(text: str) -> str | None:
    """Return the ISO date of the first full date (day, month and year) in ``text``."""
    for match in DATE_RE.finditer(text):
        iso = match_to_iso(match)
        if iso:
            return iso
    return None


def published_line(text: str) -> tuple[str, bool] | None:
    """Read a "Published Jan 29, 2023" line.

    Returns:
        ``(iso_date, is_update)`` when the line starts with such a statement, else None.
    """
    match = PUBLISHED_RE.match(text)
    if not match:
        return None
    iso = match_to_iso(match)
    if iso is None:
        return None
    label = match.group("label").lower()
    return iso, ("updated" in label or "modified" in label)


def url_date(url: str | None) -> str | None:
    """Return the date a URL's path carries (``/2023/01/29/``, ``-20230129-``), if any."""
    if not url:
        return None
    path = url.split("://", 1)[-1]
    path = path[path.find("/"):] if "/" in path else ""
    for match in _URL_DATE.finditer(path):
        if not match.group("s") and len(path) > match.end() and path[match.end()].isdigit():
            continue
        iso = _iso(match.group("y"), match.group("m"), match.group("d"))
        if iso:
            return iso
    return None
