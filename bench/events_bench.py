"""Benchmark the event stage against the bare spaCy pipeline on the BBC politics articles.

Times (best of ``--rounds``):

(a) the bare spaCy model, ``nlp.pipe`` over the article texts;
(b) the ``tidings_events`` component alone, over the same articles already run
    through every stage before it (entities, times, quotes), as in use.

Prints both, articles and events per second, and b as a share of a. Floor: the
event stage (with the CAMEO lexicon and the classifier) adds at most 30% to the bare spaCy time (exit 1 with ``--check``
when it adds more). Other work on the cores skews the figures; the load
average is printed first.

Usage:
    nice -n 10 python bench/events_bench.py [--limit N] [--rounds R] [--check]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import politics_articles, stage_options  # noqa: E402

SHARE_FLOOR = 0.30


def main(argv: list[str] | None = None) -> int:
    args = stage_options(__doc__, argv)

    found = politics_articles(args.limit)
    if found is None:
        return 0

    import spacy

    from tidings.ingest import Failure, read_paths
    from tidings.nlp.pipeline import MODEL, load_pipeline, make_doc, masked_text

    paths = [str(p) for p in found]
    articles = [a for a in read_paths(paths) if not isinstance(a, Failure)]
    texts = [masked_text(a) for a in articles]

    bare = spacy.load(MODEL)
    list(bare.pipe(texts[:4]))
    bare_best = float("inf")
    for _ in range(args.rounds):
        started = time.perf_counter()
        for _doc in bare.pipe(texts, batch_size=16):
            pass
        bare_best = min(bare_best, time.perf_counter() - started)

    nlp = load_pipeline()
    events = nlp.get_pipe("tidings_events")
    with nlp.select_pipes(disable=["tidings_events"]):
        docs = list(nlp.pipe((make_doc(nlp, a) for a in articles), batch_size=16))
    stage_best = float("inf")
    n_events = 0
    for _ in range(args.rounds):
        started = time.perf_counter()
        for doc in docs:
            events(doc)
        stage_best = min(stage_best, time.perf_counter() - started)
        n_events = sum(len(d._.tidings_events) for d in docs)

    share = stage_best / bare_best
    print(f"articles: {len(articles)}")
    print(f"bare spaCy:   {bare_best:.2f} s ({len(articles) / bare_best:.1f} articles/s)")
    print(f"event stage:  {stage_best:.3f} s ({len(articles) / stage_best:.0f} articles/s, {n_events} events)")
    print(f"event stage adds {share:.1%} to bare spaCy (floor {SHARE_FLOOR:.0%})")
    if args.check and share > SHARE_FLOOR:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
