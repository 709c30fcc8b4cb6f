"""Builders for the event tests: a pipeline reader of short texts, and sides as code/sector strings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tidings.records import Article


def text_reader(nlp: Any = None, published: str = "2030-01-01") -> Callable[..., dict[str, Any]]:
    """A function reading one text as an article published on ``published`` into its record
    (with the default pipeline when no ``nlp`` is given); keywords go to the ``Article``."""
    from tidings.nlp.pipeline import analyze, load_pipeline

    pipeline = nlp if nlp is not None else load_pipeline()

    def run(text: str, **kw: Any) -> dict[str, Any]:
        return analyze(Article(text=text, source_path="test", published=published, **kw), pipeline)

    return run


def coded(codes: list[dict[str, Any]]) -> set[str]:
    """An event side's codes as ``CODE`` or ``CODE/SECTOR`` strings ("None/REB" when only the sector is known)."""
    return {f"{c.get('code')}{'/' + c['sector'] if c.get('sector') else ''}" for c in codes}
