"""tidings pipeline components; importing this package registers their factories."""

from tidings.nlp.components import entities, events, quotes, structure, timex

__all__ = ["entities", "events", "quotes", "structure", "timex"]
