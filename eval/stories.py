"""Evaluate story clustering on news-cluster-dev (real articles labelled with their real-world event).

Reads ``<shared>/data/news/news-cluster-dev/data_raw/*.json`` (news-please
files, one pretty-printed object each) with the tidings reader, analyses them
with the tidings pipeline (cached under ``/tmp`` by a hash of the articles and
of the pipeline's code and data, so reruns take seconds), feeds the records to
:class:`tidings.stories.StoryIndex` in publication order and scores the stories
against the labelled events. The label (``newsCluster``) is read for scoring
only; the engine never sees it.

Scores:

* pairwise precision, recall and F1 over article pairs (a pair is positive when
  both articles report the same event);
* B-cubed precision, recall and F1 (per article: the share of its story that
  reports its event, and the share of its event that is in its story);
* the same for a bag-of-words single-link baseline (an article joins every
  earlier article whose tf-idf word cosine is at least a threshold; by default
  the best threshold on these very articles, so the baseline is flattered).

Articles with neither title nor text (news-please wrote them empty) cannot be
read; they are scored as left out, and the scores with them as singletons are
printed too.

Usage::

    nice -n 10 python eval/stories.py [--misses N] [--no-cache] [--no-store]

With ``--store`` (the default) the records are also ingested, in the same
order, into a fresh SQLite store through ``Store.add`` (which assigns each
article to a story in its transaction) and the stories read back with
``Store.stories`` are scored the same way.

Exits 1 when pairwise F1 < 0.90 or B-cubed F1 < 0.93 (of the engine, or of the store); exits 0 and prints
"skipped" when the shared data is absent.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import REPO_ROOT, check_floors, shared_data_dir, skipped  # noqa: E402

from tidings.ingest import ReadOptions, read_path  # noqa: E402
from tidings.records import Article  # noqa: E402
from tidings.stories import StoryIndex  # noqa: E402

PAIRWISE_FLOOR = 0.90
BCUBED_FLOOR = 0.93
CACHE_DIR = Path("/tmp/tidings-eval-stories")


def read_dev(base: Path) -> tuple[list[Article], dict[str, int], dict[str, int]]:
    """Read the dev articles.

    Returns:
        The articles read, the gold event of each (by article id), and the gold
        event of each file that gave no article (by file name).
    """
    articles: list[Article] = []
    gold: dict[str, int] = {}
    unread: dict[str, int] = {}
    options = ReadOptions(allow_languages=None)
    for path in sorted(base.glob("*.json")):
        event = int(json.loads(path.read_text(encoding="utf-8"))["newsCluster"]["EventId"])
        found = [item for item in read_path(str(path), options) if isinstance(item, Article)]
        if not found:
            unread[path.name] = event
        for article in found:
            articles.append(article)
            gold[article.id] = event
    return articles, gold, unread


def _code_hash() -> str:
    digest = hashlib.sha256()
    for root in ("src/tidings/nlp", "src/tidings/data", "src/tidings/knowledge", "src/tidings/geo"):
        for path in sorted((REPO_ROOT / root).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO_ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def analysed(articles: list[Article], *, use_cache: bool = True) -> list[dict[str, Any]]:
    """Run the tidings pipeline over the articles, or read the records cached by an earlier run."""
    key = hashlib.sha256(("\n".join(a.id for a in articles) + _code_hash()).encode()).hexdigest()[:20]
    cache = CACHE_DIR / f"records-{key}.jsonl.gz"
    if use_cache and cache.is_file():
        with gzip.open(cache, "rt", encoding="utf-8") as handle:
            return [json.loads(line) for line in handle]
    from tidings.nlp.pipeline import analyze_many

    records = list(analyze_many(articles))
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    tmp.replace(cache)
    return records


def in_order(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records in publication order (undated ones last, then by id, so the order is stable)."""
    return sorted(records, key=lambda r: (r.get("published") is None, r.get("published") or "", r["id"]))


def scores(predicted: dict[str, str], gold: dict[str, Any]) -> dict[str, float]:
    """Pairwise and B-cubed precision, recall and F1 of a clustering against gold labels."""
    ids = list(gold)
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[Any, set[str]] = defaultdict(set)
    for i in ids:
        by_pred[predicted[i]].add(i)
        by_gold[gold[i]].add(i)
    tp = sum(len(by_pred[predicted[i]] & by_gold[gold[i]]) - 1 for i in ids) / 2
    pred_pairs = sum(len(c) * (len(c) - 1) / 2 for c in by_pred.values())
    gold_pairs = sum(len(c) * (len(c) - 1) / 2 for c in by_gold.values())
    p = tp / pred_pairs if pred_pairs else 1.0
    r = tp / gold_pairs if gold_pairs else 1.0
    bp = sum(len(by_pred[predicted[i]] & by_gold[gold[i]]) / len(by_pred[predicted[i]]) for i in ids) / len(ids)
    br = sum(len(by_pred[predicted[i]] & by_gold[gold[i]]) / len(by_gold[gold[i]]) for i in ids) / len(ids)
    return {
        "pairwise_p": round(p, 3), "pairwise_r": round(r, 3), "pairwise_f1": round(_f1(p, r), 3),
        "bcubed_p": round(bp, 3), "bcubed_r": round(br, 3), "bcubed_f1": round(_f1(bp, br), 3),
        "stories": len(by_pred), "events": len(by_gold),
    }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


_WORD = re.compile(r"[^\W\d_]{3,}")


def baseline(records: list[dict[str, Any]], threshold: float) -> dict[str, str]:
    """Bag-of-words single link: an article joins the clusters of all earlier articles it is close to.

    Words of the whole text, weighted tf-idf (idf over the whole dev set, which
    favours the baseline), compared by cosine.
    """
    bags = [Counter(w.lower() for w in _WORD.findall(record.get("text") or "")) for record in records]
    df: Counter[str] = Counter(w for bag in bags for w in bag)
    n = len(bags)
    vectors: list[tuple[str, dict[str, float]]] = []
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for record, bag in zip(records, bags, strict=True):
        weights = {w: c * math.log(n / df[w]) for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        unit = {w: v / norm for w, v in weights.items()}
        parent[record["id"]] = record["id"]
        for other, other_unit in vectors:
            if sum(v * other_unit.get(w, 0.0) for w, v in unit.items()) >= threshold:
                parent[find(record["id"])] = find(other)
        vectors.append((record["id"], unit))
    return {i: find(i) for i in parent}


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print one JSON line per system."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-cache", action="store_true", help="analyse again even when cached")
    parser.add_argument("--baseline-threshold", type=float, default=None,
                        help="tf-idf cosine at which the baseline links two articles "
                             "(default: the best of 0.1, 0.15 ... 0.6 on these articles)")
    parser.add_argument("--misses", type=int, default=0, help="print up to N wrongly split or joined stories")
    parser.add_argument("--store", action=argparse.BooleanOptionalAction, default=True,
                        help="also ingest the records into a fresh SQLite store (Store.add) and score the "
                             "stories Store.stories reads back (default: yes)")
    args = parser.parse_args(argv)

    data = shared_data_dir()
    base = data / "news" / "news-cluster-dev" / "data_raw" if data else None
    if base is None or not base.is_dir():
        return skipped("news/news-cluster-dev")
    t0 = time.perf_counter()
    articles, gold, unread = read_dev(base)
    records = in_order(analysed(articles, use_cache=not args.no_cache))
    t1 = time.perf_counter()
    index = StoryIndex()
    predicted = {record["id"]: index.assign(record) for record in records}
    t2 = time.perf_counter()
    result = scores(predicted, gold)
    with_unread = dict(gold) | {f"unread:{name}": event for name, event in unread.items()}
    singletons = dict(predicted) | {f"unread:{name}": f"unread:{name}" for name in unread}
    full = scores(singletons, with_unread)
    report = {"system": "stories", "articles": len(records), "unread": len(unread), **result,
              "with_unread_pairwise_f1": full["pairwise_f1"], "with_unread_bcubed_f1": full["bcubed_f1"],
              "read_analyse_s": round(t1 - t0, 1), "assign_ms_per_article": round(1000 * (t2 - t1) / len(records), 2)}
    print(json.dumps(report))
    thresholds = [args.baseline_threshold] if args.baseline_threshold is not None else [
        t / 100 for t in range(10, 61, 5)]
    tried = [(scores(baseline(records, t), gold), t) for t in thresholds]
    best, threshold = max(tried, key=lambda pair: (pair[0]["pairwise_f1"], pair[0]["bcubed_f1"]))
    print(json.dumps({"system": f"bag-of-words tf-idf single link (cosine >= {threshold})",
                      "articles": len(records), **best}))
    if args.misses:
        print_misses(records, predicted, gold, args.misses)
    floors = {"pairwise_f1": PAIRWISE_FLOOR, "bcubed_f1": BCUBED_FLOOR}
    ok = check_floors(result, floors, label="engine")
    if args.store:
        stored, seconds = through_store(records)
        # An article the store did not keep (a later reading of the same URL replaced it) is a singleton.
        kept = {aid: str(stored.get(aid, f"left:{aid}")) for aid in predicted}
        store_result = scores(kept, gold)
        print(json.dumps({"system": "stories through the store (Store.add, Store.stories)",
                          "articles": len(records), "stored": len(stored), **store_result,
                          "add_ms_per_article": round(1000 * seconds / len(records), 2)}))
        ok = check_floors(store_result, floors, label="store") and ok
    return 0 if ok else 1


def through_store(records: list[dict[str, Any]]) -> tuple[dict[str, int], float]:
    """Ingest the records into a fresh SQLite store; article id -> story id as the store reads them back."""
    import tempfile

    from tidings.store import Store

    with tempfile.TemporaryDirectory(prefix="tidings-eval-stories-") as tmp, Store(f"{tmp}/stories.db") as store:
        t0 = time.perf_counter()
        for record in records:
            store.add(record)
        seconds = time.perf_counter() - t0
        found: dict[str, int] = {}
        cursor = None
        while True:
            page = store.stories(limit=1000, cursor=cursor)
            found.update({article["id"]: story["id"] for story in page.items for article in story["articles"]})
            cursor = page.next_cursor
            if cursor is None:
                return found, seconds


def print_misses(records: list[dict[str, Any]], predicted: dict[str, str], gold: dict[str, Any], limit: int) -> None:
    """Print the stories that mix events and the events split over stories."""
    headline = {r["id"]: (r.get("published") or "-")[:10] + " " + (r.get("headline") or "")[:80] for r in records}
    by_pred: dict[str, list[str]] = defaultdict(list)
    by_gold: dict[Any, list[str]] = defaultdict(list)
    for i, story in predicted.items():
        by_pred[story].append(i)
        by_gold[gold[i]].append(i)
    shown = 0
    for story, members in by_pred.items():
        if len({gold[i] for i in members}) > 1 and shown < limit:
            shown += 1
            print(f"MIXED {story}:")
            for i in members:
                print(f"    [{gold[i]}] {headline[i]}")
    for event, members in by_gold.items():
        if len({predicted[i] for i in members}) > 1 and shown < limit:
            shown += 1
            print(f"SPLIT event {event}:")
            for i in sorted(members, key=lambda m: predicted[m]):
                print(f"    <{predicted[i]}> {headline[i]}")


if __name__ == "__main__":
    raise SystemExit(main())
