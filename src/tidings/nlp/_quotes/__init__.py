"""Internals of the tidings_quotes stage: cue lexicon, quotation marks, attribution."""
