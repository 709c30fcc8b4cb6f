"""Benchmark batch throughput and memory on the BBC politics articles.

Measures, in one run:

(a) the bare spaCy model (``nlp.pipe`` over the article texts),
(b) the full tidings pipeline over the same articles (``analyze_many``),

each in a fresh process, so that its peak resident memory is its own: articles
per second, words per second, peak memory, and the ratio of times b/a. Then
``run_batch`` through a Dask LocalCluster with 1 and with 2 workers: articles
per second (start-up excluded), peak memory per worker, and the speed-up.

Floors: b/a <= 1.5; peak <= 1.0 GB per worker; 2 workers >= 1.5 x one.
The machine's load average is printed first: other work on the cores skews
every figure, so run it on a quiet machine.

Usage:
    python bench/batch_bench.py [--limit N] [--batch-size B] [--rounds R] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from eval._shared import shared_data_dir  # noqa: E402

RATIO_FLOOR = 1.5
PEAK_FLOOR = 1.0 * 2**30
SPEEDUP_FLOOR = 1.5


def _corpus() -> Path | None:
    data = shared_data_dir()
    if data is None:
        return None
    path = data / "news" / "bbc-news-fulltext" / "politics"
    return path if path.is_dir() else None


def _articles(corpus: Path, limit: int | None) -> list[Any]:
    from tidings.ingest import Failure, read_paths

    paths = sorted(str(p) for p in corpus.glob("*.txt"))[:limit]
    return [a for a in read_paths(paths) if not isinstance(a, Failure)]


def _peak_rss() -> int:
    from tidings.batch.work import peak_rss

    return peak_rss()


def measure(kind: str, corpus: Path, limit: int | None, batch_size: int) -> dict[str, Any]:
    """Time one pipeline over the corpus in this process (called in a child process)."""
    import spacy

    from tidings.nlp.pipeline import MODEL, analyze_many, load_pipeline, masked_text

    articles = _articles(corpus, limit)
    words = sum(len(a.text.split()) for a in articles)
    if kind == "bare":
        nlp = spacy.load(MODEL)
        texts = [masked_text(a) for a in articles]
        list(nlp.pipe(texts[:4]))  # warm up, as the full pipeline does below
        started, cpu = time.perf_counter(), time.process_time()
        for _doc in nlp.pipe(texts, batch_size=batch_size):
            pass
    else:
        nlp = load_pipeline()
        list(analyze_many(articles[:4], nlp))
        started, cpu = time.perf_counter(), time.process_time()
        for _record in analyze_many(articles, nlp, batch_size=batch_size):
            pass
    seconds = time.perf_counter() - started
    return {"kind": kind, "articles": len(articles), "words": words, "seconds": seconds,
            "cpu_seconds": time.process_time() - cpu, "peak_rss": _peak_rss()}


def _child(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--measure", kind, "--batch-size", str(args.batch_size)]
    if args.limit:
        cmd += ["--limit", str(args.limit)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _batch(corpus: Path, workers: int, args: argparse.Namespace) -> dict[str, Any]:
    import logging

    import distributed  # noqa: F401  (configures its loggers; quiet them after)

    from tidings.batch import PartitionSink, WorkSettings, run_batch

    logging.getLogger("distributed").setLevel(logging.WARNING)
    paths = sorted(str(p) for p in corpus.glob("*.txt"))[: args.limit]
    with tempfile.TemporaryDirectory() as out:
        summary = run_batch(paths, PartitionSink(out), settings=WorkSettings(batch_size=args.batch_size),
                            workers=workers, use_dask=True)
    return summary.as_dict() | {"peak_rss": summary.peak_rss}


def _mb(n: float) -> str:
    return f"{n / 2**20:.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="Only the first N articles.")
    parser.add_argument("--batch-size", type=int, default=None, help="Texts per nlp.pipe batch.")
    parser.add_argument("--rounds", type=int, default=2, help="Timed rounds of (a) and (b); the best counts.")
    parser.add_argument("--skip-workers", action="store_true", help="Skip the 1 vs 2 workers part.")
    parser.add_argument("--json", help="Also write the figures as JSON to this file.")
    parser.add_argument("--measure", choices=["bare", "full"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.batch_size is None:
        from tidings.nlp.pipeline import BATCH_SIZE

        args.batch_size = BATCH_SIZE

    corpus = _corpus()
    if corpus is None:
        print("batch_bench: the shared BBC corpus is absent; nothing to measure", file=sys.stderr)
        return 0
    if args.measure:
        print(json.dumps(measure(args.measure, corpus, args.limit, args.batch_size)))
        return 0

    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    print(f"corpus: {corpus} (limit {args.limit or 'none'}), nlp.pipe batch size {args.batch_size}")
    best: dict[str, dict[str, Any]] = {}
    for _ in range(args.rounds):
        for kind in ("bare", "full"):  # alternate, so drifting load hits both alike
            result = _child(kind, args)
            if kind not in best or result["cpu_seconds"] < best[kind]["cpu_seconds"]:
                best[kind] = result
    figures: dict[str, Any] = {"load_before": load, "batch_size": args.batch_size}
    for kind, label in (("bare", "(a) bare spaCy"), ("full", "(b) full tidings")):
        r = best[kind]
        print(f"{label:18} {r['articles']} articles {r['seconds']:.2f} s ({r['cpu_seconds']:.2f} s CPU): "
              f"{r['articles'] / r['seconds']:.1f} articles/s, {r['words'] / r['seconds']:.0f} words/s, "
              f"peak {_mb(r['peak_rss'])}")
        figures[kind] = r
    ratio = best["full"]["seconds"] / best["bare"]["seconds"]
    cpu_ratio = best["full"]["cpu_seconds"] / best["bare"]["cpu_seconds"]
    figures |= {"ratio": ratio, "cpu_ratio": cpu_ratio}
    # Wall time on a shared machine also measures the neighbours; CPU time of
    # the process does not, so both are shown.
    print(f"ratio b/a: {ratio:.2f} wall, {cpu_ratio:.2f} CPU (floor <= {RATIO_FLOOR})")
    ok = cpu_ratio <= RATIO_FLOOR and best["full"]["peak_rss"] <= PEAK_FLOOR

    if not args.skip_workers:
        runs = {n: _batch(corpus, n, args) for n in (1, 2)}
        for n, s in runs.items():
            print(f"batch, {n} worker(s): {s['stored']} articles in {s['seconds']:.2f} s "
                  f"(+{s['setup_seconds']:.1f} s start-up): {s['articles_per_second']:.1f} articles/s, "
                  f"{s['words_per_second']:.0f} words/s, peak {_mb(s['peak_rss'])} per worker")
        speedup = runs[2]["articles_per_second"] / runs[1]["articles_per_second"]
        print(f"speed-up 2 workers / 1: {speedup:.2f} (floor >= {SPEEDUP_FLOOR})")
        figures |= {"workers": runs, "speedup": speedup}
        ok = ok and speedup >= SPEEDUP_FLOOR and all(s["peak_rss"] <= PEAK_FLOOR for s in runs.values())

    load = os.getloadavg()
    figures["load_after"] = load
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("floors: " + ("met" if ok else "NOT met"))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
