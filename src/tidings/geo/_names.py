"""Normalise place names into lookup keys, the same way for the index and the text."""

from __future__ import annotations

import re
import unicodedata

# Abbreviations that news and GeoNames spell both ways ("St. Louis", "Saint Louis").
# fmt: off
_WORD_FORMS = {
    "st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "pt": "port",
}
# fmt: on

_DROP = re.compile(r"[.'’`´]")
_SPACE = re.compile(r"[\s\-‐–—_/,]+")
_LEADING_THE = re.compile(r"^the ")


def name_key(name: str) -> str:
    """Return the lookup key of a place name.

    Accents are folded, case is dropped, periods and apostrophes are removed,
    hyphens become spaces, a leading "the" is dropped and "St"/"Ft"/"Mt" are
    spelled out, so "St. Louis", "Saint-Louis" and "ST LOUIS" share one key.

    Args:
        name: a place name as written.

    Returns:
        The key; empty when the name has no letters or digits.
    """
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    folded = _DROP.sub("", folded)
    folded = _SPACE.sub(" ", folded).strip()
    folded = _LEADING_THE.sub("", folded)
    words = [_WORD_FORMS.get(w, w) for w in folded.split(" ") if w]
    return " ".join(words)


def is_latin(name: str) -> bool:
    """Return whether a name is written in Latin script (with accents allowed)."""
    return all("LATIN" in unicodedata.name(ch, "") for ch in name if ch.isalpha())
