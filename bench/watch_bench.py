"""Benchmark matching watches on ingest: the store's write time per article with 0 and 20 watches.

Matching runs in each article's write transaction, so it adds to every
ingest; this measures how much. The articles are the store tests' hand-built
records (tests/fixtures/store), copied under new ids, URLs and dates (a day
apart per copy, so the clusters and stories grow as in a stream of news); no
model is loaded. The 20 watches mix the three kinds and the filters (type,
country, actor, modality, free text, min_reports, min_confidence), a third of
them with a webhook.

Usage:
    python bench/watch_bench.py [--copies N] [--watches N] [--json FILE]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "store"
NAMES = ("visit_a", "visit_b", "unrelated")

SPECS: list[dict[str, Any]] = [
    {"kind": "events", "filters": {"type": "PROTEST", "country": "BEL"}},
    {"kind": "events", "filters": {"actor": "Stoltenberg"}},
    {"kind": "events", "filters": {"actor": "Stoltenberg", "min_reports": 2}},
    {"kind": "events", "filters": {"type": "CONSULT", "modality": "planned"}},
    {"kind": "events", "filters": {"q": "Seoul"}},
    {"kind": "events", "filters": {"target": "Fumio Kishida"}},
    {"kind": "events", "filters": {"min_confidence": 0.5}},
    {"kind": "events", "filters": {"place": "Tokyo"}},
    {"kind": "events", "filters": {"type": "ASSAULT", "country": "KEN"}},
    {"kind": "events", "filters": {}},
    {"kind": "quotes", "filters": {"actor": "Stoltenberg"}},
    {"kind": "quotes", "filters": {"q": "Ukraine"}},
    {"kind": "quotes", "filters": {}},
    {"kind": "stories", "filters": {"q": "NATO", "min_reports": 2}},
    {"kind": "stories", "filters": {"actor": "Jens Stoltenberg"}},
    {"kind": "stories", "filters": {"type": "PROTEST"}},
    {"kind": "stories", "filters": {}},
    {"kind": "events", "filters": {"country": "JPN", "min_reports": 3}},
    {"kind": "quotes", "filters": {"q": "security Asia"}},
    {"kind": "stories", "filters": {"country": "KOR"}},
]


def records(copies: int) -> list[dict[str, Any]]:
    base = {n: json.loads((FIXTURES / f"{n}.json").read_text("utf-8")) for n in NAMES}
    out = []
    for i in range(copies):
        day = (date(2023, 1, 29) + timedelta(days=i)).isoformat()
        for rec in base.values():
            new = copy.deepcopy(rec)
            new["id"] = f"{rec['id'][:8]}{i:08x}"
            new["url"] = f"{rec['url']}?copy={i}"
            new["published"] = day
            out.append(new)
    return out


def run(n_watches: int, batch: list[dict[str, Any]]) -> dict[str, float]:
    from tidings.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(os.path.join(tmp, "bench.db"))
        for i in range(n_watches):
            spec = SPECS[i % len(SPECS)]
            hook = {"webhook_url": "http://127.0.0.1:9/hook"} if i % 3 == 0 else {}
            store.add_watch({"name": f"w{i}", **spec, **hook})
        times = []
        for rec in batch:
            start = time.perf_counter()
            store.add(rec)
            times.append((time.perf_counter() - start) * 1000)
        matches = sum(c["matches"] for c in store.watch_counters())
        store.close()
    times.sort()
    return {"watches": n_watches, "articles": len(batch), "mean_ms": round(statistics.fmean(times), 2),
            "median_ms": round(times[len(times) // 2], 2), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
            "matches": matches}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=100, help="Copies of the three records (3 articles each).")
    parser.add_argument("--watches", type=int, default=20)
    parser.add_argument("--json", help="Also write the figures as JSON to FILE.")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    batch = records(args.copies)
    found = [run(0, batch), run(args.watches, batch)]
    for row in found:
        print(f"{row['watches']:>3} watches: {row['articles']} articles, mean {row['mean_ms']} ms, "
              f"median {row['median_ms']} ms, p95 {row['p95_ms']} ms per article; {row['matches']} matches")
    extra = found[1]["mean_ms"] - found[0]["mean_ms"]
    print(f"matching adds {extra:.2f} ms per article ({100 * extra / found[0]['mean_ms']:.0f}%)")
    if args.json:
        Path(args.json).write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
