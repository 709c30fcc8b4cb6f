"""Score the whole event stage on labelled development sentences.

Usage::

    nice -n 10 python eval/events_sentences.py [--limit N] [--no-floors]

The sentences are the ``test`` part of the event classifier's split (rebuilt as
``tools/train_event_classifier.py`` built it): VOA evidence quotes with their
PLOVER types (NGEC, silver labels) and BBC sport, entertainment and tech
sentences with none (the ``voa`` part; ``eval/events_news_sentences.py``
scores the real news sentences of the span label files, the ``news`` part,
with the same code). Neither the classifier nor the confidence calibration
(fitted on the ``dev`` part by ``tools/fit_event_confidence.py``) saw them.
Each sentence is read by the default pipeline, as an article of its own.

Figures: per type and micro-averaged precision, recall and F1 over (sentence,
type) decisions (the set of types of the stage's events against the gold set);
event detection (any event vs none); the false-event rate on sentences without
an event. Floor (unless ``--no-floors``): type micro-F1 as the stage holds it
today; the ``TARGET`` line is the figure the events work aims at.

``--losses`` also says where the stage loses what the classifier knows: for
each gold type the classifier alone finds (its own thresholds, on the whole
text) and the stage misses, why (the detector's trace: no trigger, a trigger
of another type, a trigger whose participants are missing, a veto...), and for
each false type whether the classifier agreed. ``--split dev`` reads the part
the confidence is fitted on (for diagnosis; the floors are for ``test``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

from _shared import check_floors, report_targets, skipped  # noqa: E402

FLOORS = {"micro_f1": 0.60}
TARGETS = {"micro_f1": 0.75}


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def losses(held: list[Any]) -> list[list[dict[str, Any]]]:
    """Run the stage with its detector traced; print why the classifier's finds are lost.

    Returns:
        The events of each text, as :func:`run_stage` gives them.
    """
    from tidings.nlp.pipeline import default_pipeline, make_doc
    from tidings.records import Article

    nlp = default_pipeline()
    detector = nlp.get_pipe("tidings_events").detector
    clf = detector.classifier
    outputs: list[list[dict[str, Any]]] = []
    missed: Counter[str] = Counter()
    false: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    known = 0
    for n, ex in enumerate(held):
        detector.trace = []
        doc = nlp(make_doc(nlp, Article(text=ex.text, source_path=f"s{n}")))
        trace, detector.trace = detector.trace, None
        events = list(doc._.tidings_events or [])
        outputs.append(events)
        pred = {e["type"] for e in events}
        said = set(clf.decide(clf.scores([doc])[0])) if clf is not None else set()
        for t in ex.types & said:
            known += 1
            if t in pred:
                continue
            mine = [r["reason"] for r in trace if r["type"] == t]
            if mine:
                why = f"a trigger of the type, dropped: {mine[0]}"
            elif pred:
                why = "the stage gave another type"
            elif any(r["type"] for r in trace if not r["reason"].startswith("discovery")):
                why = "only triggers of other types, dropped"
            elif trace:
                why = f"no trigger kept; {trace[-1]['reason']}"
            else:
                why = "no trigger; classifier discovery not tried"
            missed[why] += 1
            examples.setdefault(why, []).append(f"{t}: {ex.text[:150]}")
        for t in pred - ex.types:
            false["the classifier also said it" if t in said else
                  "the classifier said another type" if said else "the classifier said no event"] += 1
    print(f"== losses: {known} gold (sentence, type) pairs the classifier alone finds; "
          f"{sum(missed.values())} of them the stage misses")
    for why, k in missed.most_common():
        print(f"  {k:5}  {why}")
        for line in examples[why][:3]:
            print(f"         e.g. {line}")
    print(f"== false types of the stage: {sum(false.values())}")
    for why, k in false.most_common():
        print(f"  {k:5}  {why}")
    return outputs


def arguments(doc: str) -> argparse.ArgumentParser:
    """The options of this script and of ``events_news_sentences.py``."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="a seeded sample of the test sentences")
    parser.add_argument("--min-confidence", type=float, default=0.0)
    parser.add_argument("--no-floors", action="store_true")
    parser.add_argument("--losses", action="store_true", help="say where the classifier's finds are lost")
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    return parser


def evaluate(held: list[Any], args: argparse.Namespace, title: str) -> dict[str, float]:
    """Read each sentence with the whole stage, print the figures and return them.

    Returns:
        ``micro_f1``, ``micro_p``, ``micro_r``, ``event_f1`` and ``false_event_rate``.
    """
    from fit_event_confidence import run_stage

    started = time.perf_counter()
    if args.losses:
        outputs = losses(held)
    else:
        outputs = run_stage([e.text for e in held])
    elapsed = time.perf_counter() - started
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    det = Counter()
    false_events = negatives = 0
    for ex, events in zip(held, outputs, strict=True):
        pred = {e["type"] for e in events if (e.get("confidence") or 0.0) >= args.min_confidence}
        for t in pred & ex.types:
            tp[t] += 1
        for t in pred - ex.types:
            fp[t] += 1
        for t in ex.types - pred:
            fn[t] += 1
        det["tp"] += bool(pred) and bool(ex.types)
        det["fp"] += bool(pred) and not ex.types
        det["fn"] += not pred and bool(ex.types)
        if not ex.types:
            negatives += 1
            false_events += bool(pred)
    print(f"== whole event stage on {len(held)} {args.split} sentences, {title} ({elapsed:.0f} s)")
    print(f"  {'type':10} {'gold':>5} {'tp':>5} {'fp':>5}      P      R     F1")
    for t in sorted(set(tp) | set(fp) | set(fn)):
        p, r, f = _prf(tp[t], fp[t], fn[t])
        print(f"  {t:10} {tp[t] + fn[t]:5} {tp[t]:5} {fp[t]:5}  {p:.3f}  {r:.3f}  {f:.3f}")
    p, r, f = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    print(f"  {'micro':10} {'':5} {'':5} {'':5}  {p:.3f}  {r:.3f}  {f:.3f}")
    ep, er, ef = _prf(det["tp"], det["fp"], det["fn"])
    print(f"  event detection          P {ep:.3f} R {er:.3f} F1 {ef:.3f}")
    rate = false_events / max(1, negatives)
    print(f"  false-event rate on {negatives} no-event sentences: {rate:.3f}")
    return {"micro_f1": f, "micro_p": p, "micro_r": r, "event_f1": ef, "false_event_rate": rate}


def gated(args: argparse.Namespace) -> bool:
    """Whether the floors apply to this run (the test part, every event, not ``--no-floors``)."""
    return not (args.no_floors or args.split != "test" or args.min_confidence)


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__).parse_args(argv)
    from fit_event_confidence import split_examples

    held = split_examples(args.split, args.limit, only="voa")
    if not held:
        return skipped("events/ngec-voa-plover")
    figures = evaluate(held, args, "VOA quotes and BBC sport, entertainment and tech sentences")
    report_targets(figures, TARGETS)
    return 0 if not gated(args) or check_floors(figures, FLOORS) else 1


if __name__ == "__main__":
    raise SystemExit(main())
