"""Score where tidings places an event: the place of the verb that tells it.

Usage::

    nice -n 10 python eval/events_places.py [--split dev|test] [--limit N] [--show-errors] [--no-floors]

Data: ``events/event-location/labeled_text.train.jsonl`` in the shared data
(ahalterman/event_location, MIT): 9,686 news sentences, each with one event
verb (span ``VERB``) and the place(s) where that event happened (spans
``LOCATION``; none when the sentence does not say). The records are split by
the sha256 of a fixed seed and the sentence text into ``dev`` (80 %, what the
place rules may be studied on) and ``test`` (20 %, scored by the gate and
never tuned on).

Each sentence is read by the default pipeline as an article of its own (no
dateline, so no place is inferred). Two figures:

* ``attach``: the stage's place rule applied to the gold verb (the place the
  event stage would give an event triggered there, :meth:`Detector.place_of`),
  whether or not a trigger fires: right when the place entity has a mention
  overlapping a gold ``LOCATION`` span in the sentence; a place given where the
  gold has none is wrong, none given where it has one is a miss. Precision,
  recall and F1 over places;
* ``stage``: the same, over the events whose trigger overlaps the gold verb
  (how many of the verbs are events at all is printed, not gated).

Floors (unless ``--no-floors``): attachment precision and recall on ``test``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import check_floors, shared_data_dir, skipped  # noqa: E402

FLOORS = {"attach_precision": 0.50, "attach_recall": 0.20}
DATA = ("events", "event-location", "labeled_text.train.jsonl")
SEED = 13
TEST_SHARE = 0.20


def split_of(text: str, seed: int = SEED) -> str:
    """``test`` for a fixed fifth of the sentences (by the hash of seed and text), else ``dev``."""
    h = int(hashlib.sha256(f"{seed}:{text}".encode()).hexdigest()[:12], 16) / 16**12
    return "test" if h < TEST_SHARE else "dev"


def read_records(path: Path, part: str) -> list[dict[str, Any]]:
    """The records of one split part: text, verb span, location spans."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            spans = row.get("spans") or []
            verbs = [(s["start"], s["end"]) for s in spans if s.get("label") == "VERB"]
            if len(verbs) != 1 or row.get("answer") not in {None, "accept"}:
                continue
            if split_of(row["text"]) != part:
                continue
            out.append({"text": row["text"], "verb": verbs[0],
                        "places": [(s["start"], s["end"]) for s in spans if s.get("label") == "LOCATION"]})
    return out


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def place_right(doc: Any, eid: str, gold: list[tuple[int, int]]) -> bool:
    """Whether a place entity has a mention overlapping a gold location span."""
    ent = next((e for e in doc._.tidings_entities or [] if e.get("id") == eid), None)
    spans = [(m["start"], m["end"]) for m in (ent or {}).get("mentions") or []]
    return any(_overlaps(s, g) for s in spans for g in gold)


class Tally:
    """Precision and recall of places given against gold places."""

    def __init__(self) -> None:
        self.c: Counter[str] = Counter()

    def add(self, given: str | None, right: bool, gold: bool) -> str:
        if given is not None:
            self.c["given"] += 1
            self.c["right"] += right
        if gold:
            self.c["gold"] += 1
            self.c["found"] += given is not None and right
        kind = "ok" if (given is None and not gold) or right else \
            "wrong" if given is not None and gold else "extra" if given is not None else "miss"
        self.c[kind] += 1
        return kind

    def figures(self) -> dict[str, float]:
        p = self.c["right"] / self.c["given"] if self.c["given"] else 0.0
        r = self.c["found"] / self.c["gold"] if self.c["gold"] else 0.0
        return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
                "n": sum(self.c[k] for k in ("ok", "wrong", "extra", "miss"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--limit", type=int, default=None, help="a seeded sample of the split")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--no-floors", action="store_true")
    args = parser.parse_args(argv)
    data = shared_data_dir()
    path = data.joinpath(*DATA) if data else None
    if path is None or not path.is_file():
        return skipped("events/event-location")
    records = read_records(path, args.split)
    if args.limit is not None and len(records) > args.limit:
        records = random.Random(SEED).sample(records, args.limit)

    from tidings.nlp._events.args import EntityIndex
    from tidings.nlp.pipeline import default_pipeline, make_doc
    from tidings.records import Article

    nlp = default_pipeline()
    coder = nlp.get_pipe("tidings_events")
    detector = coder.detector
    attach, stage = Tally(), Tally()
    events_at_verb = 0
    started = time.perf_counter()
    docs = nlp.pipe((make_doc(nlp, Article(text=r["text"], source_path=f"p{i}")) for i, r in enumerate(records)),
                    batch_size=32)
    for rec, doc in zip(records, docs, strict=True):
        gold = rec["places"]
        verb = next((t for t in doc if _overlaps((t.idx, t.idx + len(t)), rec["verb"])), None)
        if verb is None:
            continue
        index = EntityIndex(doc, coder.knowledge.sectors)
        trig = detector.match(verb)
        given = detector.place_of(index, verb, detector.find_speakers(verb.sent), trig.type if trig else None)
        kind = attach.add(given, given is not None and place_right(doc, given, gold), bool(gold))
        if args.show_errors and kind != "ok":
            shown = next((e.get("name") for e in doc._.tidings_entities or [] if e.get("id") == given), None)
            print(f"  {kind:5} [{doc.text[rec['verb'][0]:rec['verb'][1]]}] gave {shown!r} gold "
                  f"{[doc.text[a:b] for a, b in gold]} | {doc.text[:140]}")
        events = [e for e in doc._.tidings_events or []
                  if _overlaps((e["trigger"]["start"], e["trigger"]["end"]), rec["verb"])]
        if events:
            events_at_verb += 1
            ev = events[0]
            own = ev["place"] if ev.get("place_inferred") is None else None
            stage.add(own, own is not None and place_right(doc, own, gold), bool(gold))
    elapsed = time.perf_counter() - started
    a, s = attach.figures(), stage.figures()
    print(f"== event places on {len(records)} {args.split} sentences ({elapsed:.0f} s)")
    print(f"  attach (place rule at the gold verb): P {a['precision']:.3f} R {a['recall']:.3f} "
          f"F1 {a['f1']:.3f}  ({attach.c['gold']} with a gold place; ok {attach.c['ok']}, wrong "
          f"{attach.c['wrong']}, extra {attach.c['extra']}, miss {attach.c['miss']})")
    print(f"  stage (events at the gold verb: {events_at_verb}): P {s['precision']:.3f} R {s['recall']:.3f} "
          f"F1 {s['f1']:.3f}")
    if args.no_floors or args.split != "test" or args.limit is not None:
        return 0
    figures = {"attach_precision": a["precision"], "attach_recall": a["recall"]}
    return 0 if check_floors(figures, FLOORS) else 1


if __name__ == "__main__":
    raise SystemExit(main())
