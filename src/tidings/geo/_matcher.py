"""Find place names the NER missed, by matching well-known gazetteer names in the text."""

from __future__ import annotations

import logging
import threading

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from tidings.geo._gazetteer import Gazetteer, load_gazetteer

logger = logging.getLogger(__name__)

# Towns below this population are left to the NER: small-town names are too
# often also surnames and words ("Hope", "Bath", "Mobile").
MIN_POPULATION = 15_000
# Names of two words or more ("Glen Carbon", "New Concord") are rarely anything
# else, so smaller towns may be matched by them.
MIN_POPULATION_MULTIWORD = 1_000
# fmt: off
_CALENDAR_AND_COMPASS = frozenset({
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday", "North", "South", "East", "West", "Central",
})
# fmt: on
_AREA_KINDS = frozenset({"continent", "region"})
_STRONG_KINDS = frozenset({"country", "admin1", "continent", "region"})
_LOCK = threading.Lock()
# The longest name, in tokens, worth trying ("Saint Vincent and the Grenadines").
MAX_TOKENS = 6


def well_known_names(gazetteer: Gazetteer) -> dict[str, str]:
    """Return (once per gazetteer) well-known names, as written, with their kind."""
    with _LOCK:
        found = gazetteer.memo.get("place_names")
        if found is not None:
            return found  # type: ignore[no-any-return]
        kinds: dict[str, str] = {}
        for text, kind in gazetteer.names(min_population=MIN_POPULATION_MULTIWORD):
            if text in _CALENDAR_AND_COMPASS:
                continue
            if " " not in text and kind not in _STRONG_KINDS and gazetteer.population(text) < MIN_POPULATION:
                continue
            # Names must start with a capital letter, and one-word names must not be
            # an English function word ("Of", "Be", "Us").
            one_word = " " not in text and not text.isupper()
            if not text[:1].isupper() or (one_word and text.lower() in STOP_WORDS):
                continue
            prev = kinds.get(text)
            if prev is None or (kind in _STRONG_KINDS and prev not in _STRONG_KINDS):
                kinds[text] = kind
        gazetteer.memo["place_names"] = kinds
        logger.debug("place matcher holds %d names", len(kinds))
        return kinds


def place_spans(doc: Doc, *, gazetteer: Gazetteer | None = None) -> list[tuple[int, int, str]]:
    """Return spans of the text that name well-known places, for an entity layer to merge.

    Matches the names of countries, first-order divisions, continents, regions
    and towns of at least 15,000 people, as written (case-sensitive), longest
    first, by dictionary look-up of the token runs that start with a capital. A one-word town name counts only when the tagger reads it as a proper
    noun, so "Reading" in "reading the report" is not a town.

    Args:
        doc: a parsed Doc (the tagger's ``pos_`` is used when present).
        gazetteer: the gazetteer; the shipped one by default.

    Returns:
        ``(start_char, end_char, label)`` with label ``GPE`` (countries,
        divisions, towns) or ``LOC`` (continents, regions), in text order.
    """
    kinds = well_known_names(gazetteer or load_gazetteer())
    spans: list[Span] = []
    tagged = doc.has_annotation("POS")
    text = doc.text
    n = len(doc)
    for start in range(n):
        first = doc[start]
        if not first.text[:1].isupper():
            continue
        # The longest name starting here, compared as written (spacing included).
        kind = None
        for end in range(min(n, start + MAX_TOKENS), start, -1):
            last = doc[end - 1]
            written = text[first.idx : last.idx + len(last.text)]
            kind = kinds.get(written)
            if kind is None and len(written) > 3 and written.isupper():
                kind = kinds.get(written.title())  # a dateline: "COLUMBUS —"
            if kind is not None:
                break
        if kind is None:
            continue
        span = doc[start:end]
        if end - start == 1 and kind not in _STRONG_KINDS and tagged and span[0].pos_ != "PROPN" \
                and not span.text.isupper():
            continue
        # Inside a capitalised name ("Ross Perot"): a town is named at the start of
        # such a run ("The Gainesville Riding Club"), not in its middle.
        before = doc[start - 1] if start > 0 else None
        if kind not in _STRONG_KINDS and before is not None and not doc[start].is_sent_start and (
            (before.is_title and not before.is_stop) or before.pos_ == "PROPN"
        ) and before.text not in _CALENDAR_AND_COMPASS:
            continue
        spans.append(Span(doc, start, end, label="LOC" if kind in _AREA_KINDS else "GPE"))
    return [(s.start_char, s.end_char, s.label_) for s in sorted(filter_spans(spans), key=lambda s: s.start)]
