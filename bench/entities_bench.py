"""Time the entity stage against the bare spaCy pipeline on the BBC politics articles.

Both runs read the same texts with ``nlp.pipe`` (batch size as in the pipeline);
each is repeated, the two alternating, and the fastest run kept, since the
machine is shared. The
entity stage includes the geocoder when it is installed.

    python bench/entities_bench.py [--limit N] [--repeat R]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eval"))
from _shared import shared_data_dir  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="Use only the first N articles.")
    parser.add_argument("--repeat", type=int, default=2, help="Runs per configuration (fastest kept).")
    args = parser.parse_args()
    data = shared_data_dir()
    if data is None:
        print("shared data absent: nothing to time", file=sys.stderr)
        return 0
    files = sorted((data / "news" / "bbc-news-fulltext" / "politics").glob("*.txt"))
    if args.limit:
        files = files[: args.limit]
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]

    import spacy

    from tidings.nlp.pipeline import BATCH_SIZE, MODEL, load_pipeline, make_doc
    from tidings.records import Article, Section

    bare = spacy.load(MODEL)
    full = load_pipeline(("entities",))
    articles = []
    for text, f in zip(texts, files, strict=True):
        head = text.split("\n", 1)[0]
        articles.append(Article(text=text, source_path=str(f), headline=head,
                                sections=(Section("headline", 0, len(head)), Section("body", len(head), len(text)))))

    def run_bare() -> float:
        t0 = time.perf_counter()
        for _ in bare.pipe(texts, batch_size=BATCH_SIZE):
            pass
        return time.perf_counter() - t0

    def run_full() -> tuple[float, int]:
        t0 = time.perf_counter()
        n = 0
        for doc in full.pipe((make_doc(full, a) for a in articles), batch_size=BATCH_SIZE):
            n += len(doc._.tidings_entities)
        return time.perf_counter() - t0, n

    def run_stage_alone() -> float:
        # The entity stage by itself, on Docs the model has already parsed.
        docs = list(full.pipe((make_doc(full, a) for a in articles), batch_size=BATCH_SIZE,
                              disable=["tidings_entities"]))
        stage = full.get_pipe("tidings_entities")
        t0 = time.perf_counter()
        for doc in docs:
            stage(doc)
        return time.perf_counter() - t0

    run_bare()  # warm up
    # Alternate the two, so that a busy spell of the shared machine hits both alike.
    bare_times: list[float] = []
    runs: list[tuple[float, int]] = []
    for _ in range(args.repeat):
        bare_times.append(run_bare())
        runs.append(run_full())
    t_bare = min(bare_times)
    t_full = min(t for t, _ in runs)
    n_entities = runs[0][1]
    words = sum(len(t.split()) for t in texts)
    print(f"BBC politics: {len(texts)} articles, {words:,} words, {n_entities:,} entities")
    print(f"bare spaCy ({MODEL}): {t_bare:.2f} s")
    print(f"spaCy + tidings_structure + tidings_entities: {t_full:.2f} s")
    print(f"overhead of the entity stage: {100 * (t_full - t_bare) / t_bare:+.1f}%")
    t_stage = min(run_stage_alone() for _ in range(args.repeat))
    print(f"tidings_entities alone: {t_stage:.2f} s ({100 * t_stage / t_bare:.1f}% of bare spaCy)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
