"""The NLP layer: a spaCy pipeline with tidings components."""
