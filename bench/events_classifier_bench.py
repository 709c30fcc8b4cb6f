"""Benchmark the PLOVER event classifier against the bare spaCy pipeline on the BBC politics articles.

Times (best of ``--rounds``):

(a) the bare spaCy model, ``nlp.pipe`` over the article texts;
(b) the classifier over every sentence of those parsed articles (features read
    from the parse, then one batched product with the weights), as the event
    stage would call it.

Prints both, microseconds per sentence, and b as a share of a. Floor: the
classifier adds at most 10% to the bare spaCy time, leaving room within the
event stage's budget (exit 1 with ``--check`` when it adds more). Other work on
the cores skews the figures; the load average is printed first.

Usage:
    nice -n 10 python bench/events_classifier_bench.py [--limit N] [--rounds R] [--check]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import politics_articles, stage_options  # noqa: E402

SHARE_FLOOR = 0.10


def main(argv: list[str] | None = None) -> int:
    args = stage_options(__doc__, argv, limit=100)

    found = politics_articles(args.limit)
    if found is None:
        return 0

    import spacy

    from tidings.nlp._events.classifier import load_classifier
    from tidings.nlp.pipeline import MODEL

    paths = found
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in paths]
    nlp = spacy.load(MODEL)
    clf = load_classifier()
    list(nlp.pipe(texts[:4]))

    bare = float("inf")
    docs: list[spacy.tokens.Doc] = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        docs = list(nlp.pipe(texts, batch_size=16))
        bare = min(bare, time.perf_counter() - started)
    sents = [s for d in docs for s in d.sents]
    cost = float("inf")
    for _ in range(args.rounds):
        started = time.perf_counter()
        clf.scores(sents)
        cost = min(cost, time.perf_counter() - started)
    share = cost / bare
    print(f"(a) bare spaCy: {bare:.2f} s for {len(texts)} articles ({len(sents)} sentences)")
    print(f"(b) classifier: {cost:.3f} s, {cost / len(sents) * 1e6:.0f} µs a sentence")
    print(f"b/a = {share:.1%} (floor {SHARE_FLOOR:.0%})")
    return 1 if args.check and share > SHARE_FLOOR else 0


if __name__ == "__main__":
    raise SystemExit(main())
