"""Where the event stage loses the events of labelled articles: a breakdown by cause.

Usage::

    nice -n 10 python tools/event_losses.py [--part dev] [--later] [--limit N] [--show 20] [--json FILE]

Each labelled article of the span label files (``src/tidings/data/events/labels``,
and with ``--later`` those of ``eval/data/events_labels_later``) in the chosen
part of the classifier's split is read *whole* by the default pipeline, with
the detector's trace on and no confidence veto (so what is lost is lost before
judgement). Every labelled (sentence, type) pair is then

* **found** when an event of that type has its trigger in the sentence;
* else lost for the first reason the trace gives for a candidate of that type
  in the sentence ("participants missing", "the classifier disagrees", ...);
* else lost with **no candidate**, split by the classifier's probability of the
  type for the sentence (below 0.3, 0.3 to 0.5, 0.5 or more).

The share found is the ceiling of the stage's recall on those sentences
whatever the confidence veto does: a better veto cannot find what no candidate
holds. Prints the breakdown, per type, and ``--show`` sampled losses of the
largest causes. Skips (exit 0) without the shared data.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "eval"))
sys.path.insert(0, str(ROOT / "tools"))

LATER = ROOT / "eval" / "data" / "events_labels_later"


def labelled_articles(data: Path, part: str, later: bool) -> dict[str, list[dict[str, Any]]]:
    """``{doc: [{"start", "end", "types"}]}`` for the articles of one split part (``all``: every one)."""
    import news_text
    from train_event_classifier import label_files, split_of

    from tidings.nlp._events.classifier import load_classifier

    seed = int(load_classifier().settings.get("split", {}).get("seed", 13))
    _, files = label_files()
    if later and LATER.is_dir():
        files = [*files, *sorted(LATER.glob("*.spans.jsonl"))]
    docs: dict[str, list[dict[str, Any]]] = {}
    for path in files:
        entries, problems = news_text.resolve_labels(Path(path), data)
        for line in problems:
            print(f"skipped: {line}", file=sys.stderr)
        for e in entries:
            if part == "all" or split_of(f"news:{e['doc']}", seed) == part:
                docs.setdefault(e["doc"], []).append({"start": e["start"], "end": e["end"], "types": set(e["types"])})
    return docs


def losses(data: Path, docs: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One row per labelled (sentence, type) pair: its doc, type, text and cause (``found`` or why not)."""
    from events_news import read_document

    from tidings.nlp.pipeline import default_pipeline, make_doc

    nlp = default_pipeline()
    coder = nlp.get_pipe("tidings_events")
    det = coder.detector
    shipped = det.calibration
    det.calibration = type(shipped)(shipped.weights, shipped.bias, -1.0, dict(shipped.settings))
    rows: list[dict[str, Any]] = []
    names = sorted(docs)
    try:
        for name, doc in zip(names, nlp.pipe([make_doc(nlp, read_document(data, d)) for d in names],
                                             batch_size=8), strict=True):
            det.trace = []
            found = coder.match(doc).found
            trace, det.trace = det.trace, None
            for lab in docs[name]:
                if not lab["types"]:
                    continue
                inside = [f.trigger.type for f in found if lab["start"] <= f.token.idx < lab["end"]]
                drops = [t for t in trace if lab["start"] <= doc[t["token"]].idx < lab["end"]]
                span = doc.char_span(lab["start"], lab["end"], alignment_mode="expand")
                probs = det.classifier.scores([span])[0] if span is not None and det.classifier else {}
                for typ in sorted(lab["types"]):
                    p = float(probs.get(typ, 0.0))
                    if typ in inside:
                        why = "found"
                    else:
                        reasons = [d["reason"] for d in drops if d["type"] == typ]
                        why = reasons[0] if reasons else (
                            "no candidate; classifier p >= 0.5" if p >= 0.5 else
                            "no candidate; classifier p 0.3-0.5" if p >= 0.3 else "no candidate; classifier p < 0.3")
                    rows.append({"doc": name, "type": typ, "why": why, "p": round(p, 3),
                                 "text": " ".join(doc.text[lab["start"]:lab["end"]].split())})
    finally:
        det.calibration = shipped
        det.trace = None
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("train", "dev", "test", "all"), default="dev",
                        help="the part of the classifier's split whose articles are read (default dev)")
    parser.add_argument("--later", action="store_true", help="also the later labels (eval/data/events_labels_later)")
    parser.add_argument("--limit", type=int, default=None, help="at most this many articles (a seeded sample)")
    parser.add_argument("--show", type=int, default=0, help="sampled losses to print for each of the largest causes")
    parser.add_argument("--json", type=Path, default=None, help="write every row here")
    args = parser.parse_args(argv)

    from _shared import shared_data_dir

    data = shared_data_dir()
    if data is None:
        print("skipped: the shared data is absent (set TIDINGS_SHARED)")
        return 0
    docs = labelled_articles(data, args.part, args.later)
    if args.limit is not None and len(docs) > args.limit:
        keep = set(random.Random(13).sample(sorted(docs), args.limit))
        docs = {d: v for d, v in docs.items() if d in keep}
    rows = losses(data, docs)
    if not rows:
        print("no labelled events in the chosen articles")
        return 0
    causes = Counter(r["why"] for r in rows)
    print(f"{len(docs)} articles, {len(rows)} labelled (sentence, type) pairs; "
          f"found {causes['found']} ({causes['found'] / len(rows):.1%})")
    for why, n in causes.most_common():
        print(f"  {n:5d}  {n / len(rows):6.1%}  {why}")
    print("by type: labelled, found, share")
    for typ, n in Counter(r["type"] for r in rows).most_common():
        got = sum(1 for r in rows if r["type"] == typ and r["why"] == "found")
        print(f"  {typ:10s} {n:5d} {got:5d}  {got / n:.2f}")
    rng = random.Random(13)
    for why, _ in [c for c in causes.most_common() if c[0] != "found"][:4] if args.show else []:
        pick = [r for r in rows if r["why"] == why]
        print(f"-- {why}")
        for r in rng.sample(pick, min(args.show, len(pick))):
            print(f"  {r['type']:9s} p={r['p']:.2f}  {r['text'][:150]}")
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=0) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
