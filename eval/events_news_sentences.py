"""Score the whole event stage on hand-labelled sentences of real news articles.

Usage::

    nice -n 10 python eval/events_news_sentences.py [--limit N] [--no-floors] [--labels FILE.spans.jsonl]

The sentences are the ``test`` part of the span label files
(``src/tidings/data/events/labels/*.spans.jsonl``, and ``--labels``): sentences
of Guardian, BBC and news-cluster articles of the shared data, labelled by hand
with their PLOVER types (``[]``: no political event: background, commentary,
sport...). A file holds no article text; each span is read back from the
shared data (``tools/news_text.py``). The split is the event classifier's (by
article, ``news:DOC``, with the model's seed), so neither the classifier nor
the confidence calibration saw these sentences. Each sentence is read by the
default pipeline as an article of its own.

Figures, as ``eval/events_sentences.py`` gives them for the VOA part (same
code): per type and micro-averaged precision, recall and F1 over (sentence,
type) decisions; event detection; the false-event rate on sentences without
an event. Skips (exit 0) without the shared data or without span labels.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

from _shared import check_floors, report_targets, skipped  # noqa: E402
from events_sentences import arguments, evaluate, gated  # noqa: E402

# Today's figure (0.357, shipped model and calibration) less a margin.
FLOORS = {"micro_f1": 0.34}
TARGETS = {"micro_f1": 0.75}


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument("--labels", action="append", default=[], type=Path,
                        help="a span label file besides the shipped ones (repeatable)")
    parser.add_argument("--whole", action="append", default=[], type=Path,
                        help="score EVERY sentence of this span label file, none of which the model saw "
                             "(repeatable; e.g. eval/data/events_labels_later/*.spans.jsonl); no floor")
    args = parser.parse_args(argv)
    if args.whole:
        return _whole(args)
    from fit_event_confidence import split_examples

    held = split_examples(args.split, args.limit, only="news", labels=args.labels)
    if not held:
        return skipped("the shared data or span labels (src/tidings/data/events/labels/*.spans.jsonl)")
    figures = evaluate(held, args, "real news sentences of the span label files")
    report_targets(figures, TARGETS)
    return 0 if not gated(args) or check_floors(figures, FLOORS) else 1


def _whole(args: Any) -> int:
    """Every sentence of the ``--whole`` files, read by the whole stage (a held-out set of its own)."""
    from _shared import shared_data_dir
    from train_event_classifier import read_span_labels

    from tidings.nlp._events.ontology import EventKnowledge

    data = shared_data_dir()
    if data is None:
        return skipped("the shared data (the span labels' texts)")
    types = set(EventKnowledge.load().types)
    held = []
    for path in args.whole:
        examples, problems = read_span_labels(path, data, types)
        for line in problems:
            print(line)
        held += examples
    if not held:
        return skipped("sentences in the --whole files")
    figures = evaluate(held, args, f"every sentence of {', '.join(p.name for p in args.whole)}")
    report_targets(figures, TARGETS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
