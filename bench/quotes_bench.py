"""Benchmark the quote stage against the bare spaCy pipeline on the BBC politics articles.

Times (best of ``--rounds``):

(a) the bare spaCy model, ``nlp.pipe`` over the article texts;
(b) the ``tidings_quotes`` component alone, over the same articles already run
    through every stage before it (so it sees the entity layer, as in use).

Prints both, articles and quotes per second, and b as a share of a. Floor: the
quote stage adds at most 10% to the bare spaCy time (exit 1 with ``--check``
when it adds more). Other work on the cores skews the figures; the load
average is printed first.

Usage:
    python bench/quotes_bench.py [--limit N] [--rounds R] [--check]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import politics_articles, stage_options  # noqa: E402

SHARE_FLOOR = 0.10


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
    bare_times = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        for _doc in bare.pipe(texts, batch_size=16):
            pass
        bare_times.append(time.perf_counter() - started)

    nlp = load_pipeline()
    component = nlp.get_pipe("tidings_quotes")
    before = nlp.pipe_names[: nlp.pipe_names.index("tidings_quotes")]
    with nlp.select_pipes(enable=before):
        docs = list(nlp.pipe((make_doc(nlp, a) for a in articles), batch_size=16))
    quote_times = []
    n_quotes = 0
    for _ in range(args.rounds):
        started = time.perf_counter()
        n_quotes = 0
        for doc in docs:
            n_quotes += len(component(doc)._.tidings_quotes)
        quote_times.append(time.perf_counter() - started)

    a, b = min(bare_times), min(quote_times)
    words = sum(len(t.split()) for t in texts)
    print(f"BBC politics: {len(articles)} articles, {words} words, best of {args.rounds}")
    print(f"  bare spaCy     {a:7.2f} s  {len(articles) / a:7.1f} articles/s")
    print(f"  tidings_quotes {b:7.2f} s  {len(articles) / b:7.1f} articles/s  {n_quotes} quotes")
    print(f"  quote stage adds {b / a:.1%} to bare spaCy (floor {SHARE_FLOOR:.0%})")
    if b / a > SHARE_FLOOR:
        print("below floor: the quote stage is too slow")
        return 1 if args.check else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
