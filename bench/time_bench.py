"""Benchmark the time stage against the bare spaCy pipeline on the BBC politics articles.

Runs the model pipeline without tidings stages ("bare") and with the times stage
over the same articles, and also times the ``tidings_times`` component alone on
the parsed Docs (the cleanest measure on a shared machine). Prints the times and
the overhead in percent. The issue's budget is 10%.

Usage::

    python bench/time_bench.py [--limit N] [--repeat R]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eval"))

from _shared import shared_data_dir  # noqa: E402

from tidings.nlp.pipeline import BATCH_SIZE, load_pipeline, make_doc  # noqa: E402
from tidings.records import Article  # noqa: E402

BUDGET = 0.10


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="use the first N articles only")
    ap.add_argument("--repeat", type=int, default=1, help="runs per pipeline; the fastest counts")
    args = ap.parse_args(argv)
    data = shared_data_dir()
    if data is None:
        print("shared data absent: nothing to benchmark", file=sys.stderr)
        return 0
    paths = sorted((data / "news" / "bbc-news-fulltext" / "politics").glob("*.txt"))
    if args.limit:
        paths = paths[: args.limit]
    # BBC files carry no date: a fixed one makes the stage resolve every value.
    articles = [Article(text=p.read_text(encoding="utf-8", errors="replace"), source_path=str(p),
                        published="2005-03-01") for p in paths]
    chars = sum(len(a.text) for a in articles)

    bare = load_pipeline(stages=())
    timed = load_pipeline(stages=("times",))
    component = timed.get_pipe("tidings_times")

    def run(nlp: object) -> tuple[float, list[object]]:
        docs = [make_doc(nlp, a) for a in articles]  # type: ignore[arg-type]
        t0 = time.perf_counter()
        out = list(nlp.pipe(docs, batch_size=BATCH_SIZE))  # type: ignore[attr-defined]
        return time.perf_counter() - t0, out

    for nlp in (bare, timed):  # warm up (model caches, regex compilation)
        list(nlp.pipe([make_doc(nlp, a) for a in articles[:8]]))
    runs = [run(bare) for _ in range(args.repeat)]
    t_bare = min(t for t, _ in runs)
    parsed = runs[0][1]
    t_timed = min(run(timed)[0] for _ in range(args.repeat))
    t0 = time.perf_counter()
    n_times = 0
    for doc in parsed:
        doc._.tidings_published = "2005-03-01"  # type: ignore[attr-defined]
        n_times += len(component(doc)._.tidings_times)  # type: ignore[attr-defined]
    t_comp = time.perf_counter() - t0

    print(f"articles {len(articles)}  chars {chars}  time expressions {n_times}")
    print(f"bare spaCy pipeline    {t_bare:7.2f} s")
    print(f"with the times stage   {t_timed:7.2f} s   overhead {100 * (t_timed - t_bare) / t_bare:+.1f}% (wall clock)")
    print(f"times component alone  {t_comp:7.2f} s   overhead {100 * t_comp / t_bare:.1f}% of bare (budget {100 * BUDGET:.0f}%)")
    return 0 if t_comp / t_bare <= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
