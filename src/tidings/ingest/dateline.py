"""The one dateline finder: "SEOUL -", "WASHINGTON, Jan 5 (Reuters) -", "CHARLESTON, W.Va. (AP) --".

Reading (:mod:`tidings.ingest.structure`) marks the dateline of an article as a
``dateline`` section; later stages read that section. A stage that gets plain
text with no sections (a user's own spaCy pipeline, :func:`tidings.nlp.geoparse`)
calls :func:`find_dateline` here. No model is loaded: this is one regular
expression and the rules that tell a dateline from a sentence opening with a
capitalised word.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tidings.ingest._dates import MONTH

# fmt: off
# Capitalised words that open a paragraph like a dateline but name no place.
NOT_PLACES = frozenset({
    "BREAKING", "UPDATE", "UPDATED", "WATCH", "EXCLUSIVE", "ANALYSIS", "OPINION", "EDITORIAL",
    "LIVE", "VIDEO", "PHOTOS", "PHOTO", "FACTBOX", "EXPLAINER", "COMMENT", "REVIEW", "NOTE",
    "CORRECTION", "WARNING", "URGENT", "FLASH", "NEWSLETTER", "PODCAST", "READ", "RELATED",
    "ADVERTISEMENT", "SPONSORED", "Q", "A",
})
# fmt: on

_CAPS_WORD = r"[A-Z][A-Z'’.\-]*[A-Z.]"
_MIXED_WORD = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
DATELINE = re.compile(
    rf"""(?P<lead>\W{{0,2}})
    (?P<place>{_CAPS_WORD}(?:\s+{_CAPS_WORD}){{0,3}}|(?P<mixed>{_MIXED_WORD}(?:\s+{_MIXED_WORD}){{0,2}}))
    (?P<region>,\s*(?!{MONTH}\b)[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){{0,2}})?
    (?P<date>,?\s*(?:{MONTH}\.?\s+\d{{1,2}}(?:,\s*\d{{4}})?|\d{{1,2}}\s+{MONTH}(?:\s+\d{{4}})?))?
    (?P<wire>\s*\((?P<agency>[^()\n]{{1,40}})\))?
    (?P<sep>\s*(?:[-–—]{{1,2}}|:)\s+|\s+(?=[-–—]))
    (?=[\"“‘'A-Z0-9])""",
    re.VERBOSE,
)
"""The shape of a dateline opening a line (match it at the line's start)."""

# Where a dateline may open in plain text: its start, a line's, or a sentence's.
_OPENINGS = re.compile(r"\n\s*|[.!?]\s+")
# How far into a plain text a dateline may open (after a headline and a byline).
DATELINE_WITHIN = 600


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline found in a text.

    Attributes:
        place: the place as written ("CHARLESTON").
        start, end: the place's offsets in the text.
        text: the place with its region as written ("CHARLESTON, W.Va.").
        agency: the wire agency in parentheses, if any ("AP").
        match: the match of :data:`DATELINE`, for its other groups.
    """

    place: str
    start: int
    end: int
    text: str
    agency: str | None
    match: re.Match[str]


def dateline_at(text: str, pos: int = 0) -> Dateline | None:
    """The dateline shape at ``pos`` (a line's start), whatever its words; no rule applied."""
    m = DATELINE.match(text, pos)
    if m is None:
        return None
    place = m.group("place")
    return Dateline(place=place, start=m.start("place"), end=m.end("place"),
                    text=place + (m.group("region") or ""), agency=m.group("agency"), match=m)


def plausible(found: Dateline, is_agency: Callable[[str], bool] | None = None) -> bool:
    """Whether a dateline shape is a dateline, by its words alone.

    A word such as BREAKING is no place; a place written in mixed case
    ("Washington - ...") or shorter than three letters ("US - China ...") opens
    sentences too often to be a dateline without an agency or a date; an agency
    is a known one (``is_agency``) or a name (capitalised or in capitals).
    """
    m = found.match
    if found.place.upper() in NOT_PLACES:
        return False
    if not (found.agency or m.group("date")) and (m.group("mixed") or len(found.place.replace(".", "")) < 3):
        return False
    if not found.agency:
        return True
    agency = found.agency.strip()
    return bool(is_agency and is_agency(found.agency)) or agency.istitle() or agency.isupper()


def find_dateline(text: str, within: int = DATELINE_WITHIN) -> Dateline | None:
    """The dateline of a plain text with no sections, if one opens it, a line or a sentence near its start.

    Args:
        text: the text.
        within: how far into the text the dateline may open.

    Returns:
        The first plausible dateline, or None.
    """
    starts = [0, *(m.end() for m in _OPENINGS.finditer(text, 0, within))]
    for pos in starts:
        if pos >= within:
            break
        found = dateline_at(text, pos)
        if found is not None and found.match.group("place") and plausible(found):
            return found
    return None
