"""Benchmark reading: ``tidings read --no-nlp`` over the BBC News full-text corpus.

Runs the real command (a fresh process, so start-up is included) over
``../shared/data/news/bbc-news-fulltext`` (2,225 plain-text articles), writes
its output to /dev/null and prints articles per second. This is a benchmark,
not a test: it asserts nothing about speed.

Usage: nice -n 10 python bench/read_bench.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eval"))
from _shared import shared_data_dir  # noqa: E402


def run_once(corpus: Path) -> tuple[float, int, int]:
    """Run ``tidings read --no-nlp`` once; return (seconds, articles printed, exit status)."""
    command = [sys.executable, "-c", "from tidings.cli import main; main()", "read", "--no-nlp", str(corpus)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    return seconds, done.stdout.count(b"\n"), done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported (default %(default)s)")
    args = parser.parse_args()
    data_dir = shared_data_dir()
    corpus = data_dir / "news" / "bbc-news-fulltext" if data_dir else None
    if corpus is None or not corpus.is_dir():
        print("skipped: ../shared/data/news/bbc-news-fulltext is absent (set TIDINGS_SHARED)")
        return 0
    files = sum(1 for p in corpus.rglob("*") if p.is_file())
    runs = [run_once(corpus) for _ in range(max(1, args.repeat))]
    best, articles, status = min(runs)
    print(f"tidings read --no-nlp {corpus.name}: {files} files, {articles} articles, exit {status}")
    print(f"best of {len(runs)}: {best:.2f} s  ->  {articles / best:.0f} articles/s "
          f"(runs: {', '.join(f'{r[0]:.2f}' for r in runs)} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
