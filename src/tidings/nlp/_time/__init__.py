"""Internals of the time layer: grammar, vocabulary, normaliser and clause anchoring."""

from tidings.nlp._time.tagger import TimeTagger, default_tagger, normalize, parse_anchor

__all__ = ["TimeTagger", "default_tagger", "normalize", "parse_anchor"]
