"""Benchmark one long article through the pipeline: time and peak memory.

Builds an article of N characters from the BBC articles of the shared data
(joined by blank lines: realistic sentences and paragraphs), or the same words
with every punctuation mark and line break taken out ("plain": one sentence of
N characters as far as punctuation tells), analyses it with
:func:`tidings.nlp.pipeline.analyze` and reports the seconds of the analysis
(the model's loading left out) and the peak resident memory of the process.
Every size and kind runs in a process of its own, so each peak is its own.
The issue's budget: at most 500 MB for a 1,000,000-character article, and time
growing linearly with the length (hence 250k and 500k too).

Usage::

    python bench/long_text_bench.py [--sizes 250000,500000,1000000] [--kinds prose,plain]
    python bench/long_text_bench.py --one prose 1000000   # one run, one JSON line
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eval"))

from _shared import shared_data_dir  # noqa: E402

BUDGET_MB = 500


def article_text(kind: str, chars: int) -> str:
    """N characters of BBC prose (``prose``) or of its words alone (``plain``)."""
    data = shared_data_dir()
    if data is None:
        raise SystemExit("shared data absent: nothing to benchmark")
    paths = sorted((data / "news" / "bbc-news-fulltext").glob("*/*.txt"))
    parts: list[str] = []
    total = 0
    if not paths:
        raise SystemExit("no BBC articles in the shared data: nothing to benchmark")
    while total < chars:  # the articles again from the first, when they are too few
        for path in paths:
            text = path.read_text(encoding="utf-8", errors="replace").strip()
            if kind == "plain":
                text = " ".join(re.sub(r"[^\w\s]", " ", text).split())
            parts.append(text)
            total += len(text) + 2
            if total >= chars:
                break
    joined = ("\n\n" if kind == "prose" else " ").join(parts)
    return joined[:chars].rstrip() + "."


def one(kind: str, chars: int) -> dict[str, object]:
    """Analyse one article in this process and return its figures."""
    from tidings.nlp.pipeline import analyze, default_pipeline
    from tidings.records import Article

    nlp = default_pipeline()
    analyze(Article(text="Warm-up: the minister spoke in London on Monday.", source_path="warm"), nlp)
    text = article_text(kind, chars)
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    record = analyze(Article(text=text, source_path=f"{kind}-{chars}", published="2005-03-01"), nlp)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "chars": len(text), "seconds": round(seconds, 1), "peak_mb": round(peak),
            "loaded_mb": round(loaded), "entities": len(record["entities"]), "events": len(record["events"])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="250000,500000,1000000", help="article lengths, comma-separated")
    ap.add_argument("--kinds", default="prose,plain", help="prose, plain or both")
    ap.add_argument("--one", nargs=2, metavar=("KIND", "CHARS"), help="run one article here (used by the runs)")
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
        return 0
    rows = []
    for kind in args.kinds.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            out = subprocess.run([sys.executable, __file__, "--one", kind, str(size)], check=True,
                                 capture_output=True, text=True, env=os.environ)
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
            row = rows[-1]
            print(f"{row['kind']:>6} {row['chars']:>9,} chars  {row['seconds']:>7.1f} s  "
                  f"{1e6 * float(row['seconds']) / int(row['chars']):5.1f} s/M chars  "
                  f"peak {row['peak_mb']:>5} MB (model loaded: {row['loaded_mb']} MB)  "
                  f"{row['entities']} entities, {row['events']} events", flush=True)
    worst = max(int(r["peak_mb"]) for r in rows)
    print(f"worst peak {worst} MB; budget {BUDGET_MB} MB: {'met' if worst <= BUDGET_MB else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
