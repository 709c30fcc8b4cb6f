"""Score the shipped PLOVER event classifier on its held-out test split.

Usage::

    nice -n 10 python eval/events_classifier.py [--model DIR] [--labels my.jsonl] [--split test]

The split is rebuilt exactly as ``tools/train_event_classifier.py`` built it
(same data, seed and label files, read from the model's settings file), and
the shipped weights are scored on its ``test`` part, which training never saw
and on which nothing was tuned (with span labels of real news sentences among
the label files, the VOA and news parts are also scored apart). Figures:
per-type precision, recall and F1, micro-F1 over (text, type) decisions, and
event-vs-none detection, with the model's own thresholds and no-event veto;
then a reliability table (among
probabilities near x, the share that is right). The PETRARCH-2 unit records,
which training leaves out, are scored too as an out-of-domain check; their gold
codes follow the suite's own (mostly WEIS) conventions, so no floor is set on them.

Needs the shared data (``../shared/data`` or ``$TIDINGS_SHARED``); without it
the script says so and exits 0. It exits 1 when test micro-F1 or event F1 is
below its floor (measured value minus a margin, see ``FLOORS``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

from _shared import check_floors, shared_data_dir, skipped  # noqa: E402

# Measured on the test split when the shipped weights were trained (see
# src/tidings/data/events/event_classifier.md), less a margin of about 0.03: the
# whole split, and each part (VOA quotes; sentences of real articles).
FLOORS = {"micro_f1": 0.51, "event_f1": 0.69,
          "voa_micro_f1": 0.64, "voa_event_f1": 0.82, "news_micro_f1": 0.39, "news_event_f1": 0.56}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=None, help="a folder with event_classifier.npz/.json")
    parser.add_argument("--labels", action="append", default=[], help="label files the model was trained with")
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    args = parser.parse_args()
    data = shared_data_dir()
    if data is None or not (data / "events" / "ngec-voa-plover").is_dir():
        return skipped("events/ngec-voa-plover")

    import spacy
    from train_event_classifier import (
        assemble,
        featurize,
        figures,
        gold_matrix,
        label_files,
        part_line,
        part_of,
        reliability,
        table,
    )

    from tidings.nlp._events.classifier import load_classifier
    from tidings.nlp.pipeline import MODEL

    clf = load_classifier(args.model)
    split = clf.settings.get("split", {})
    shipped = {p.name: str(p) for files in label_files() for p in files}
    given = {Path(p).name: p for p in args.labels}
    files = []
    for name in split.get("labels", []):
        if name not in given and name not in shipped:
            print(f"the model was trained with {name}: give it with --labels to rebuild the split", file=sys.stderr)
            return 2
        files.append(given.get(name) or shipped[name])
    examples, petrarch = assemble(data, labels=files, include_petrarch=bool(split.get("include_petrarch")),
                                  per_doc=int(split.get("per_doc", 3)), seed=int(split.get("seed", 13)))
    held = [e for e in examples if e.split == args.split]
    nlp = spacy.load(MODEL)
    featurize(held + petrarch, nlp, clf.feature_version)
    labels = list(clf.labels)

    started = time.perf_counter()
    probs = clf.probabilities([e.features for e in held])
    per_text = (time.perf_counter() - started) / max(1, len(held))
    fig = figures(probs, gold_matrix(held, labels), labels, clf.thresholds)
    print(table(fig, f"{args.split} split ({len(held)} texts; classifier {per_text * 1e6:.0f} µs a text after the parse)"))
    gated = {"micro_f1": fig["micro"]["f1"], "event_f1": fig["event"]["f1"]}
    if any(part_of(e) == "news" for e in held):
        print("by part of the data (voa: VOA quotes, BBC weak negatives, text label files; news: span labels):")
        for part in ("voa", "news"):
            mask = np.array([part_of(e) == part for e in held])
            part_fig = figures(probs[mask], gold_matrix(held, labels)[mask], labels, clf.thresholds)
            print(part_line(part, args.split, part_fig))
            gated |= {f"{part}_micro_f1": part_fig["micro"]["f1"], f"{part}_event_f1": part_fig["event"]["f1"]}
    print("\nreliability (all outputs):\n| p | n | mean p | share true |\n|---|---|---|---|")
    for row in reliability(probs, gold_matrix(held, labels)):
        print(f"| {row['bin']} | {row['n']} | {row['mean_p']:.2f} | {row['share_true']:.2f} |")
    if petrarch:
        pfig = figures(clf.probabilities([e.features for e in petrarch]), gold_matrix(petrarch, labels), labels,
                       clf.thresholds)
        m, e = pfig["micro"], pfig["event"]
        print(f"\nPETRARCH-2 unit records (out of domain, not a floor): type micro-F1 {m['f1']:.3f}; "
              f"event F1 {e['f1']:.3f}; false-event rate {pfig['false_event_rate']:.3f} on "
              f"{pfig['n'] - pfig['n_event']} no-event records")
    if args.split != "test" or args.model is not None:
        return 0
    held_up = check_floors(gated, {k: v for k, v in FLOORS.items() if k in gated})
    return 0 if held_up else 1


if __name__ == "__main__":
    raise SystemExit(main())
