"""Score the event stage on the PETRARCH-2 unit-test records.

Usage::

    nice -n 10 python eval/events_petrarch.py [--lexicon shipped|petrarch|both] [--show-misses]

The suite's fictional actors (Arnor, Gondor...) come from its own actor and
agent dictionaries, loaded into the entity stage through its
``actor_dictionaries`` option, in place of the shipped lexicon of real actors
(``entities/actors.tsv``): the suite's gold was coded with its dictionary alone. Each gold CAMEO code is mapped to PLOVER with
the shipped crosswalk; codes without a PLOVER type (CAMEO 01 and 02, and the
suite's private 9xx codes) are left out of the type scores.

Figures, per record:

* type precision and recall: the set of PLOVER types the stage outputs for a
  record against the set of mapped gold types, summed over records that have at
  least one mapped gold event;
* source and target accuracy: for each mapped gold event whose type the stage
  found in that record, whether an output event of that type has an actor
  (target) code with the same country or actor part, i.e. the first three
  letters of the CAMEO actor code ("ARNGOV" and "ARN" agree; "ARN" and "GON" do
  not). Gold events whose actor is unknown ("---GOV") are not counted. The strict
  figure divides by all mapped gold events, found or not;
* false events: the share of ``noevents`` records with any output event.

The event stage runs with ``coded_only`` on, close to PETRARCH's own convention
that an event needs coded actors: a pair is kept when one participant is coded
and no entity in it lacks both code and sector.

Two trigger lexicons can be measured: ``shipped`` (tidings' own, PLOVER
semantics) and ``petrarch`` (the suite's verb dictionary,
``PETR.Validate.verbs.txt``, added to it through the event stage's ``triggers``
option after conversion by :func:`tidings.knowledge.petrarch.petrarch_verb_triggers`).
The figures asked of the ``shipped`` run — the stage as it ships (its own
triggers, then the CAMEO verb lexicon and the classifier), with only the
suite's fictional actors added — are printed as ``TARGET`` lines; its floors
hold what it reaches today, and the ``petrarch`` run keeps its own floors (the
event logic with the suite's verbs). The suite's gold codes come from its own verb
dictionary, whose codes are mostly WEIS rather than CAMEO ("welcome" is 041,
"condemned" 122 there), so part of the disagreement is the suite's convention,
not a missed event; the ``petrarch`` run (that dictionary added as triggers)
is reported beside it. A per-type confusion of the ``shipped`` run is printed
to tell the two apart.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import check_floors, report_targets, shared_data_dir, skipped  # noqa: E402

TARGETS = {"type_f1": 0.75, "source_accuracy": 0.75, "target_accuracy": 0.75}
FLOORS = {
    "shipped": {"type_f1": 0.08, "source_accuracy": 0.90, "target_accuracy": 0.90, "false_event_rate": 0.10},
    # The suite's verbs ride on top of the shipped lexicon and classifier, whose CAMEO
    # conventions differ from the suite's in places (0.77 before they came, 0.69 with them).
    "petrarch": {"type_f1": 0.65, "source_accuracy": 0.70, "target_accuracy": 0.70, "false_event_rate": 0.20},
}
_SENTENCE = re.compile(r"<Sentence\s+(.*?)>(.*?)</Sentence>", re.S)
_ATTR = re.compile(r"(\w+)\s*=\s*\"([^\"]*)\"")
_CODING = re.compile(r"<EventCoding\s+([^>]*)>")
_TEXT = re.compile(r"<Text>(.*?)</Text>", re.S)


def read_records(path: Path) -> list[dict[str, Any]]:
    """Read the unit-test records: id, date, text, gold codings, and whether none are expected."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<!--.*?-->", " ", raw, flags=re.S)
    records = []
    for attrs, body in _SENTENCE.findall(raw):
        meta = dict(_ATTR.findall(attrs))
        text_m = _TEXT.search(body)
        if not text_m:
            continue
        codings = []
        noevents = False
        error = False
        for c in _CODING.findall(body):
            cattrs = dict(re.findall(r"(\w+)\s*=\s*['\"]?([^'\"\s>]*)", c))
            if "noevents" in cattrs:
                noevents = True
            elif "error" in cattrs:
                error = True
            elif "eventcode" in cattrs:
                codings.append((cattrs.get("sourcecode", ""), cattrs.get("targetcode", ""), cattrs["eventcode"]))
        date = meta.get("date", "")
        published = f"{date[:4]}-{date[4:6]}-{date[6:8]}" if re.match(r"^\d{8}$", date) else None
        text = " ".join(text_m.group(1).split()).replace("&amp;", "&")
        records.append({"id": meta.get("id", "?"), "published": published, "text": text, "gold": codings,
                        "noevents": noevents, "error": error})
    return records


def actor_part(code: str | None) -> str | None:
    """The country or actor part of a CAMEO-style actor code: its first three letters."""
    if not code:
        return None
    code = code.split("/")[0].strip().upper()
    if len(code) < 3 or not code[:3].isalnum():
        return None
    return code[:3]


def build_pipeline(folder: Path, trigger_files: list[str]) -> Any:
    """The tidings pipeline with the suite's actor dictionaries and extra triggers."""
    import spacy

    from tidings.nlp.extensions import set_extensions
    from tidings.nlp.pipeline import MODEL

    set_extensions()
    nlp = spacy.load(MODEL)
    nlp.add_pipe("tidings_structure", before="parser")
    dictionaries = [str(folder / "PETR.Validate.actors.txt")]
    # The suite's gold was coded with its own actor dictionary alone, as PETRARCH runs
    # it: the shipped lexicon of real actors is left out ("President Ilham Aliyev ...
    # held a meeting" is a no-event record there, as its dictionary knows nobody in it).
    nlp.add_pipe("tidings_entities", config={"actor_dictionaries": dictionaries, "data_files": {"actors": ""}})
    nlp.add_pipe("tidings_times")
    nlp.add_pipe("tidings_quotes")
    # PETRARCH codes an event only when its actors are coded (require_dyad).
    nlp.add_pipe("tidings_events", config={"triggers": trigger_files or None, "coded_only": True})
    return nlp


def score(records: list[dict[str, Any]], outputs: list[list[dict[str, Any]]], plover_of: Any,
          show_misses: bool = False) -> dict[str, Any]:
    """Compute the figures of the module docstring."""
    tp = n_pred = n_gold = 0
    src_ok = tgt_ok = src_n = tgt_n = 0
    src_strict_n = tgt_strict_n = 0
    false_events = n_noevents = 0
    mapped_records = 0
    confusion: dict[str, Counter[str]] = {}
    for rec, events in zip(records, outputs, strict=True):
        pred_types = {e["type"] for e in events}
        if rec["noevents"]:
            n_noevents += 1
            false_events += bool(events)
            continue
        gold = []
        for src, tgt, code in rec["gold"]:
            row = plover_of(code)
            if row is not None:
                gold.append((src, tgt, str(row["type"])))
        if not gold:
            continue
        mapped_records += 1
        gold_types = {g[2] for g in gold}
        tp += len(pred_types & gold_types)
        n_pred += len(pred_types)
        n_gold += len(gold_types)
        for src, tgt, typ in gold:
            same = [e for e in events if e["type"] == typ]
            for gold_code, field, counters in ((src, "actor_codes", "s"), (tgt, "target_codes", "t")):
                part = actor_part(gold_code)
                if part is None:
                    continue
                hit = any(actor_part(c.get("code")) == part for e in same for c in e[field])
                if counters == "s":
                    src_strict_n += 1
                    if same:
                        src_n += 1
                        src_ok += hit
                else:
                    tgt_strict_n += 1
                    if same:
                        tgt_n += 1
                        tgt_ok += hit
        for typ in gold_types:
            confusion.setdefault(typ, Counter())[",".join(sorted(pred_types - gold_types)) or "-"
                                                 if typ not in pred_types else typ] += 1
        if show_misses and pred_types != gold_types:
            print(f"  {rec['id']}: gold {sorted(gold_types)} pred {sorted(pred_types)} | {rec['text'][:110]}")
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "records_with_mapped_event": mapped_records,
        "type_precision": precision,
        "type_recall": recall,
        "type_f1": f1,
        "source_accuracy": src_ok / src_n if src_n else 0.0,
        "target_accuracy": tgt_ok / tgt_n if tgt_n else 0.0,
        "source_accuracy_strict": src_ok / src_strict_n if src_strict_n else 0.0,
        "target_accuracy_strict": tgt_ok / tgt_strict_n if tgt_strict_n else 0.0,
        "noevents_records": n_noevents,
        "false_event_rate": false_events / n_noevents if n_noevents else 0.0,
        "confusion": {t: dict(c.most_common(4)) for t, c in sorted(confusion.items())},
    }


def run(folder: Path, lexicon: str, show_misses: bool) -> dict[str, Any]:
    from tidings.knowledge.petrarch import petrarch_verb_triggers
    from tidings.nlp.pipeline import analyze
    from tidings.records import Article

    records = [r for r in read_records(folder / "PETR.UnitTest.records.xml") if not r["error"]]
    with tempfile.TemporaryDirectory() as tmp:
        trigger_files: list[str] = []
        if lexicon == "petrarch":
            path = Path(tmp) / "petrarch_triggers.tsv"
            petrarch_verb_triggers(folder / "PETR.Validate.verbs.txt", path)
            trigger_files.append(str(path))
        nlp = build_pipeline(folder, trigger_files)
        events_component = nlp.get_pipe("tidings_events")
        outputs = []
        for rec in records:
            article = Article(text=rec["text"], source_path=rec["id"], published=rec["published"])
            outputs.append(analyze(article, nlp)["events"])
    return score(records, outputs, events_component.knowledge.plover_of, show_misses)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lexicon", choices=("shipped", "petrarch", "both"), default="both")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    data = shared_data_dir()
    folder = data / "events" / "petrarch2-validation" if data else None
    if folder is None or not folder.is_dir():
        return skipped("events_petrarch: events/petrarch2-validation")
    failed = False
    for lexicon in (["shipped", "petrarch"] if args.lexicon == "both" else [args.lexicon]):
        started = time.perf_counter()
        figures = run(folder, lexicon, args.show_misses)
        print(f"== trigger lexicon: {lexicon} ({time.perf_counter() - started:.1f} s)")
        confusion = figures.pop("confusion")
        for key, value in figures.items():
            print(f"  {key:28} {value:.3f}" if isinstance(value, float) else f"  {key:28} {value}")
        print("  gold type -> output for its records (the type itself when found, else the other types given):")
        for typ, row in confusion.items():
            print(f"    {typ:10} " + ", ".join(f"{k} {v}" for k, v in row.items()))
        if lexicon == "shipped":
            report_targets(figures, TARGETS, label=lexicon)
        held = check_floors(figures, FLOORS[lexicon], label=lexicon, ceilings={"false_event_rate"})
        failed = failed or not held
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
