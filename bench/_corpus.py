"""What the stage benches share: their options and the BBC politics articles they time."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from eval._shared import shared_data_dir  # noqa: E402

CORPUS = ("news", "bbc-news-fulltext", "politics")


def stage_options(doc: str | None, argv: list[str] | None, *, limit: int = 0) -> argparse.Namespace:
    """``--limit``, ``--rounds`` and ``--check``, the options of every stage bench."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=limit,
                        help=f"use the first N articles ({'0: all' if limit else 'default all'})")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="exit 1 when the floor is missed")
    return parser.parse_args(argv)


def politics_articles(limit: int) -> list[Path] | None:
    """The first ``limit`` (0: all) BBC politics files, the load average printed first; None (and a
    line saying so) when the shared data is absent."""
    data = shared_data_dir()
    corpus = data.joinpath(*CORPUS) if data else None
    if corpus is None or not corpus.is_dir():
        print(f"skipped: ../shared/data/{'/'.join(CORPUS)} is absent (set TIDINGS_SHARED)")
        return None
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    paths = sorted(corpus.glob("*.txt"))
    return paths[:limit] if limit else paths
