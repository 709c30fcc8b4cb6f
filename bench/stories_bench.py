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

With ``--store`` the same is timed through the store: for each size a fresh
SQLite store is filled with that many synthetic articles by bulk inserts
straight into the story tables (each article in the story it was drawn from,
with the rows the store keeps: summed keys, norm summaries, document
frequencies, article features), then the next ``--probe`` articles are added
one at a time with ``Store.add`` and the cost of their story assignment
(``tidings.store._stories.assign``, inside the add's transaction) printed, with
the whole add's.

    python bench/stories_bench.py [--sizes 10000,100000] [--probe 1000] [--seed 7]
    python bench/stories_bench.py --store [--probe 200] [--db-dir /tmp]
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
        story, words, people, _ = rng.choice(self.open[-200:])
        head = rng.sample(words, 3) + rng.choices(self.common, self.weights, k=3)
        lead = rng.sample(words, 4) + rng.choices(self.common, self.weights, k=40)
        self.n += 1
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(day * 86400))
        return {"id": f"a{self.n}", "headline": " ".join(head), "text": " ".join(head) + "\n\n" + " ".join(lead),
                "published": stamp, "publisher": f"pub{rng.randrange(300)}", "entities": rng.sample(people, 2),
                "events": [], "story": story}


def fill_store(path: str, synth: Synth, size: int) -> None:
    """A fresh SQLite store holding ``size`` synthetic articles in their stories, by bulk inserts."""
    from collections import defaultdict

    from tidings.store import Store, _stories
    from tidings.stories import features

    config = _stories.CONFIG
    members: dict[int, list[Any]] = defaultdict(list)
    df: dict[str, int] = defaultdict(int)
    for _ in range(size):
        record = synth.record()
        feats = features(record, lead_words=config.lead_words, headline_weight=config.headline_weight)
        members[record["story"]].append(feats)
        for key in feats.keys:
            df[key] += 1
    summary = getattr(_stories, "_summary", None)  # absent before norm summaries
    stories, terms, articles = [], [], []
    clock = max(f.published for group in members.values() for f in group)
    for story_id, group in members.items():
        keys: dict[str, float] = defaultdict(float)
        for feats in group:
            for key, weight in feats.keys.items():
                keys[key] += weight
            articles.append((feats.id, story_id, 0, feats.published, feats.headline, feats.publisher,
                             json.dumps(feats.keys, sort_keys=True)))
        dates = [f.published for f in group]
        stories.append((story_id, min(dates), max(dates), 1, group[0].headline, len(group)))
        terms += [(story_id, k, w) for k, w in keys.items()]
        if summary is not None:
            terms += [(story_id, k, w) for k, w in summary(keys, df).items()]
    with Store(path) as store, store.write() as conn:
        conn.exec_driver_sql("INSERT INTO stories (id, first_seen, last_seen, open, title, n_articles, publishers, "
                             "entities, places) VALUES (?, ?, ?, ?, ?, ?, '[]', '[]', '[]')", stories)
        conn.exec_driver_sql("INSERT INTO story_terms (story, key, weight) VALUES (?, ?, ?)", terms)
        conn.exec_driver_sql("INSERT INTO story_articles (article, story, pinned, published, headline, publisher, "
                             "keys) VALUES (?, ?, ?, ?, ?, ?, ?)", articles)
        conn.exec_driver_sql("INSERT INTO story_df (key, df) VALUES (?, ?)", list(df.items()))
        conn.exec_driver_sql("DELETE FROM story_meta")
        conn.exec_driver_sql("INSERT INTO story_meta (id, next_id, clock, articles) VALUES (1, ?, ?, ?)",
                             (max(members) + 1, clock, size))


def bench_store(args: argparse.Namespace, sizes: list[int]) -> int:
    """Story assignment through the store (``Store.add``) at each size; one JSON line per size."""
    import os
    import tempfile

    from tidings.store import Store, _stories

    spent = {"assign": 0.0}
    assign = _stories.assign

    def timed(*a: Any, **k: Any) -> Any:
        start = time.process_time()
        try:
            return assign(*a, **k)
        finally:
            spent["assign"] = time.process_time() - start

    _stories.assign = timed  # type: ignore[assignment]
    with tempfile.TemporaryDirectory(prefix="tidings-stories-bench-", dir=args.db_dir) as tmp:
        for size in sizes:
            synth = Synth(args.seed)
            path = os.path.join(tmp, f"stories-{size}.db")
            t0 = time.perf_counter()
            fill_store(path, synth, size)
            fill_s = time.perf_counter() - t0
            costs, adds, walls = [], [], []
            with Store(path) as store:
                for _ in range(args.probe):
                    record = synth.record()
                    start, wall = time.process_time(), time.perf_counter()
                    store.add(record)
                    adds.append((time.process_time() - start) * 1000)
                    walls.append((time.perf_counter() - wall) * 1000)
                    costs.append(spent["assign"] * 1000)
                with store.read() as conn:
                    n_stories = _stories.count(conn)
            costs.sort()
            adds.sort()
            walls.sort()
            print(json.dumps({
                "stored": size, "stories": n_stories,
                "assign_ms_p50": round(statistics.median(costs), 2),
                "assign_ms_p95": round(costs[int(0.95 * len(costs)) - 1], 2),
                "assign_ms_mean": round(statistics.fmean(costs), 2),
                "add_ms_mean": round(statistics.fmean(adds), 2),
                "add_wall_ms_p50": round(statistics.median(walls), 2),
                "db_mb": round(os.path.getsize(path) / 1e6, 1), "fill_wall_s": round(fill_s, 1),
            }))
            sys.stdout.flush()
            os.remove(path)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="checkpoints: articles indexed before timing")
    parser.add_argument("--probe", type=int, default=1000, help="articles timed at each checkpoint")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--state", action="store_true", help="also measure the serialised state (slow at 100k)")
    parser.add_argument("--store", action="store_true",
                        help="time the assignment through a SQLite store (Store.add) instead of the engine")
    parser.add_argument("--db-dir", default=None, help="where --store puts its stores (default: the temp dir)")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.store:
        return bench_store(args, sizes)
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
