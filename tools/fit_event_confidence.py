"""Fit the event stage's confidence calibration on labelled development sentences.

Usage::

    nice -n 10 python tools/fit_event_confidence.py [--limit 2000] [--part news|voa|all] [--out src/tidings/data/events/event_confidence.json]

The sentences are those of the event classifier's split (the VOA PLOVER quotes
with their types, and the BBC sport, entertainment and tech sentences without
an event; see ``tools/train_event_classifier.py``), rebuilt from the shared data
with the model's own seed. Only the ``dev`` part is used here; the ``test`` part
is what ``eval/events_sentences.py`` scores, and nothing is fitted on it.

Each sentence is read by the whole default pipeline; every event the stage
detects (before the veto) is one example, right when its type is one of the
sentence's gold types. A logistic regression on the features of
:mod:`tidings.nlp._events.confidence` (Platt scaling) gives the weights; the
veto is the score below which dropping events gives the best type micro-F1 on
the same part. Writes the constants, with provenance and the figures, as JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "eval"))
sys.path.insert(0, str(ROOT / "tools"))

OUT = ROOT / "src" / "tidings" / "data" / "events" / "event_confidence.json"
# Classifier probabilities from which an event the lexicon missed may be proposed
# (besides the type's own threshold), with a named participant and without one
# (1.01: never without one). None is below 0.5: the probability is calibrated, so
# a lower gate proposes events the classifier itself holds more likely wrong than
# right (0.3/0.4 gained dev sentence F1, 0.380 -> 0.402, but cost article
# precision, 0.539 -> 0.508 on the dev articles).
GATES = (0.5, 0.6, 0.7, 0.8, 0.9)
UNNAMED_GATES = (0.8, 0.9, 1.01)
# The probability at which the classifier's reading of a sentence corroborates a
# trigger (keeps it without its sides, or a bare word of tidings' own lexicon):
# more likely than not, whatever lower threshold its own decisions use.
CORROBORATE = 0.5


def split_examples(part: str, limit: int | None = None, seed: int = 13, *, only: str | None = None,
                   labels: Sequence[str | Path] = ()) -> list[Any]:
    """The classifier's examples of one split part (``dev`` or ``test``), rebuilt as it was trained.

    Args:
        part: ``dev`` or ``test``.
        limit: a seeded sample of at most this many.
        seed: the sample's seed.
        only: ``voa`` or ``news`` for that part of the data only (see
            ``train_event_classifier.part_of``); ``None`` for both.
        labels: more label files (text or span) besides the shipped ones the
            model names and every shipped span label file (whose articles fall
            in the same split whether the model was trained on them or not).
    """
    from _shared import shared_data_dir
    from train_event_classifier import assemble, label_files, part_of

    from tidings.nlp._events.classifier import load_classifier

    data = shared_data_dir()
    if data is None or not (data / "events" / "ngec-voa-plover").is_dir():
        return []
    split = load_classifier().settings.get("split", {})
    plain, spans = label_files()
    files = [str(p) for p in plain if p.name in split.get("labels", [])] + [str(p) for p in spans]
    files += [str(p) for p in labels if str(p) not in files]
    examples, _ = assemble(data, labels=files, include_petrarch=False, per_doc=int(split.get("per_doc", 3)),
                           seed=int(split.get("seed", 13)))
    held = [e for e in examples if e.split == part and e.source != "codebook"
            and (only is None or part_of(e) == only)]
    if limit is not None and len(held) > limit:
        held = random.Random(seed).sample(held, limit)
    return held


def run_stage(texts: Iterable[str], *, found: bool = False) -> list[list[dict[str, Any]]]:
    """The events the default pipeline gives each text (``found``: the detector's
    events before pairing, with their features, and no veto)."""
    from tidings.nlp.pipeline import default_pipeline, make_doc
    from tidings.records import Article

    nlp = default_pipeline()
    coder = nlp.get_pipe("tidings_events")
    out: list[list[dict[str, Any]]] = []
    articles = [Article(text=t, source_path=f"s{i}") for i, t in enumerate(texts)]
    docs = nlp.pipe([make_doc(nlp, a) for a in articles], batch_size=32)
    for doc in docs:
        if not found:
            out.append(list(doc._.tidings_events or []))
            continue
        veto = coder.detector.calibration
        coder.detector.calibration = type(veto)(veto.weights, veto.bias, -1.0,
                                                {**veto.settings, "discover": min(GATES),
                                                 "discover_unnamed": min(UNNAMED_GATES)})
        try:
            matches = coder.match(doc)
        finally:
            coder.detector.calibration = veto
        out.append([{"type": f.trigger.type, **f.features} for f in matches.found])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=2000, help="dev sentences to read (a seeded sample)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--beta", type=float, default=1.0,
                        help="the F-measure the veto and gates maximise (1: F1; 0.5 weighs precision twice)")
    parser.add_argument("--part", choices=("news", "voa", "all"), default="all",
                        help="the dev sentences to fit on: real articles' (the text the stage reads), VOA quotes', or both")
    args = parser.parse_args(argv)

    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from tidings.nlp._events.confidence import FEATURES

    held = split_examples("dev", args.limit, only=None if args.part == "all" else args.part)
    if not held:
        print("shared data absent: nothing to fit (set TIDINGS_SHARED)")
        return 0
    per_text = run_stage([e.text for e in held], found=True)
    rows, ys, owners = [], [], []
    for n, (ex, events) in enumerate(zip(held, per_text, strict=True)):
        for ev in events:
            rows.append([float(ev[f]) for f in FEATURES])
            ys.append(int(ev["type"] in ex.types))
            owners.append(n)
    x, y = np.array(rows), np.array(ys)
    model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    scores = model.predict_proba(x)[:, 1]

    def micro_f1(veto: float, gate: float = 1.01, unnamed: float = 1.01) -> float:
        tp = fp = fn = 0
        pred: list[set[str]] = [set() for _ in held]
        for s, o, ev in zip(scores, owners, (ev for evs in per_text for ev in evs), strict=True):
            if s >= veto and (not ev["found_by_model"]
                              or ev["p_type"] >= (gate if ev["participants"] else max(gate, unnamed))):
                pred[o].add(ev["type"])
        for ex, p in zip(held, pred, strict=True):
            tp += len(p & ex.types)
            fp += len(p - ex.types)
            fn += len(ex.types - p)
        b2 = args.beta ** 2
        return (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp) if tp else 0.0

    grid = [(round(v, 2), g, u) for v in np.arange(0.0, 0.81, 0.05) for g in (*GATES, 1.01) for u in UNNAMED_GATES]
    best, gate, unnamed = max(grid, key=lambda vgu: (round(micro_f1(*vgu), 4), -vgu[0], vgu[1], vgu[2]))
    bins = []
    for lo in np.arange(0.0, 1.0, 0.2):
        sel = (scores >= lo) & (scores < lo + 0.2)
        if sel.any():
            bins.append({"bin": f"{lo:.1f}-{lo + 0.2:.1f}", "n": int(sel.sum()),
                         "mean_score": round(float(scores[sel].mean()), 3), "share_right": round(float(y[sel].mean()), 3)})
    meta = {
        "provenance": {
            "source": "fitted by tools/fit_event_confidence.py on the dev part of the event classifier's split "
                      + {"news": "(sentences of real articles, the span label files)",
                         "voa": "(NGEC VOA PLOVER quotes and BBC sport/entertainment/tech sentences)",
                         "all": "(sentences of real articles, NGEC VOA PLOVER quotes, BBC weak negatives)"}[args.part]
                      + ", read by the whole event stage",
            "licence": "Apache-2.0 (as tidings)",
            "date": __import__("datetime").date.today().isoformat(),
        },
        "weights": {f: round(float(w), 4) for f, w in zip(FEATURES, model.coef_[0], strict=True)},
        "bias": round(float(model.intercept_[0]), 4),
        "veto": best,
        "discover": gate,
        "discover_unnamed": unnamed,
        "corroborate": CORROBORATE,
        "fit": {"sentences": len(held), "events": int(len(y)), "share_right": round(float(y.mean()), 3),
                "dev_micro_f1_no_veto": round(micro_f1(0.0), 4), "dev_micro_f1": round(micro_f1(best, gate, unnamed), 4),
                "reliability": bins},
    }
    args.out.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(meta, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
