"""Detect an article's language with py3langid on a sample of its story text."""

from __future__ import annotations

import functools
import logging
from typing import Any

logger = logging.getLogger(__name__)

SAMPLE_CHARS = 600  # langid is sure of a language within a few sentences; cost grows with length
# Below this normalised probability the detector is guessing (a headline, a short note).
MIN_CONFIDENCE = 0.8


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    # py3langid and its model (about 0.3 s) load with the first article checked, not on import.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(sample: str) -> tuple[str, float]:
    """Return the ISO 639-1 code most likely for ``sample`` and its probability.

    Args:
        sample: some text; only the first :data:`SAMPLE_CHARS` characters are read.

    Returns:
        ``(code, probability)``; ``("und", 0.0)`` for text without letters.
    """
    sample = sample[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return "und", 0.0
    code, prob = _identifier().classify(sample)
    return str(code), float(prob)


def settle_language(sample: str, declared: str | None, allowed: frozenset[str] | None) -> tuple[str, bool]:
    """Decide an article's language and whether it may be read.

    Args:
        sample: the story text (or its start).
        declared: the language the source declares, if any.
        allowed: the languages to read; None reads any.

    Returns:
        ``(code, confident)``: the code to report, and whether the detector was
        sure of it (an unsure detection never causes a skip).
    """
    code, prob = detect_language(sample)
    if prob >= MIN_CONFIDENCE:
        return code, True
    declared = (declared or "").split("-")[0].split("_")[0].lower() or None
    if declared:
        return declared, False
    if code != "und" and (allowed is None or code in allowed):
        return code, False
    return "und", False
