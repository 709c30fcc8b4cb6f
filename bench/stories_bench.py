"""Time story assignment per article with 10,000 and 100,000 articles already indexed, and its memory.

Synthetic records stand in for analysed articles: each story has its own rare
words and people (drawn from large pools), its articles add common words from
a Zipf-like vocabulary and are published within a few days of each other, and
about 500 articles arrive a day, so the index holds many open stories at once.
The index is filled in publication order; at each checkpoint the next
``--probe`` articles are assigned one at a time and their p50 / p95 / mean
cost printed (CPU time of this process, so that other work on a shared
machine does not count), with the growth of the resident memory of the
process and, with ``--state``, the size of the index's serialised state.

    python bench/stories_bench.py [--sizes 10000,100000] [--probe 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from typing import Any

from tidings.stories import StoryIndex

PER_DAY = 500
START = 19_700.0  # days since 1970: early 2024


def rss_mb() -> float:
    """The resident set size of this process in MB (Linux), or 0 when unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Synth:
    """A stream of synthetic article records grouped in stories."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.common = [f"word{i}" for i in range(5000)]
        self.weights = [1.0 / (i + 1) for i in range(len(self.common))]
        self.n = 0
        self.open: list[tuple[int, list[str], list[dict[str, Any]], float]] = []
        self.stories = 0

    def _story(self, day: float) -> tuple[int, list[str], list[dict[str, Any]], float]:
        rng = self.rng
        self.stories += 1
        words = [f"topic{rng.randrange(400_000)}" for _ in range(6)]
        people = [{"id": f"E{i}", "name": f"Given{rng.randrange(5000)} Family{rng.randrange(80_000)}",
                   "type": rng.choice(["PERSON", "ORG", "GPE"]), "code": None, "kb": None, "geo": None,
                   "mentions": [{}] * rng.randint(1, 4)} for i in range(3)]
        return self.stories, words, people, day

    def record(self) -> dict[str, Any]:
        rng = self.rng
        day = START + self.n / PER_DAY
        self.open = [s for s in self.open if day - s[3] < 4]
        if not self.open or rng.random() < 0.25:
            self.open.append(self._story(day))
        _, words, people, _ = rng.choice(self.open[-200:])
        head = rng.sample(words, 3) + rng.choices(self.common, self.weights, k=3)
        lead = rng.sample(words, 4) + rng.choices(self.common, self.weights, k=40)
        self.n += 1
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(day * 86400))
        return {"id": f"a{self.n}", "headline": " ".join(head), "text": " ".join(head) + "\n\n" + " ".join(lead),
                "published": stamp, "publisher": f"pub{rng.randrange(300)}", "entities": rng.sample(people, 2),
                "events": []}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="checkpoints: articles indexed before timing")
    parser.add_argument("--probe", type=int, default=1000, help="articles timed at each checkpoint")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--state", action="store_true", help="also measure the serialised state (slow at 100k)")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    synth = Synth(args.seed)
    index = StoryIndex()
    base = rss_mb()
    filled = 0
    t0 = time.process_time()
    for size in sizes:
        while filled < size:
            index.assign(synth.record())
            filled += 1
        fill_s = time.process_time() - t0
        costs = []
        for _ in range(args.probe):
            record = synth.record()
            start = time.process_time()
            index.assign(record)
            costs.append((time.process_time() - start) * 1000)
            filled += 1
        costs.sort()
        row = {
            "indexed": size,
            **index.stats(),
            "assign_ms_p50": round(statistics.median(costs), 3),
            "assign_ms_p95": round(costs[int(0.95 * len(costs)) - 1], 3),
            "assign_ms_mean": round(statistics.fmean(costs), 3),
            "rss_mb_growth": round(rss_mb() - base, 1),
            "fill_cpu_s": round(fill_s, 1),
        }
        if args.state:
            row["state_json_mb"] = round(len(json.dumps(index.to_state())) / 1e6, 1)
        print(json.dumps(row))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
