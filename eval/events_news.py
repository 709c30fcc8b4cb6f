"""Score the event stage on hand-coded events in real news articles.

Usage::

    nice -n 10 python eval/events_news.py [--show-errors] [--no-floors] [--gold PATH]

The gold (``eval/data/events_news_gold.yaml``, coded by hand with
``docs/events-codebook.md``) lists the PLOVER events of 30 world and business
articles of the news-cluster set (``news/news-cluster-dev/data_raw`` in the
shared data, news-please JSON files). Each article is read with tidings' own
reader (the record is handed to ``tidings.ingest.read_bytes`` as one JSON
line, so the text is the headline, a blank line and the body) and analysed by
the default pipeline.

``--gold eval/data/events_wire_gold.yaml`` scores the held-out set instead: 30
TimeBank wire and newspaper stories coded blind, never used to build the stage
(``make eval`` runs it as ``events_wire``). Its entries name a document id of
``tools/news_text.py`` (``doc: tbaq:TimeBank/NAME``) rather than a ``file``:
the article is that document's text, with its title as headline when it has
one and the TimeML document creation time as its date.
``--gold eval/data/events_news_more_gold.yaml`` (``events_news_more``) scores
44 more news-cluster world and business articles, other publishers' reports of
the dev set's stories, coded blind to the stage's output by three coders. Each
gold file has its own floors (``FLOORS_OF``); another gold file is only
reported.

Matching, per article, one to one (a maximum matching):

* each gold event is one unit per actor–target pair (a gold event listing
  three actors is three units, as the stage gives one event per pair);
* a system event matches a gold unit when the types agree and one of its
  reports (the event itself and each of its ``mentions``) has a trigger or
  evidence span overlapping an occurrence of the gold evidence or of one of
  its gold ``mentions`` in the article text, or has its sentence span
  containing such an occurrence;
* modality does not decide a match: an event is found when its type and place
  agree, whatever its modality; modality accuracy is reported apart;
* among the matchings of maximum size, the one whose pairs agree most on side
  codes is kept (several units of one type told in one place: "the United
  States, Japan and France condemned ..."), so code accuracy is not lowered by
  an arbitrary pairing; precision and recall depend only on the size.

Figures: precision (matched system events / system events), recall (matched
gold units / gold units), F1, overall and per type; among matched pairs, the
share whose system modality equals the gold one, and actor and target code
agreement (a gold side with a country code counts; it agrees when one of the
system side's codes is that code; for a reciprocal gold event either system
side may hold it). An unmatched system event is a false positive even when it
repeats a matched one (an act the stage failed to fold).

Floors (checked unless ``--no-floors``): the gate holds today's precision and
recall (a regression fails ``make eval``); the targets are the figures the events
work aims at, printed as ``TARGET`` lines until they are met and become floors.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

import yaml

# Code accuracies: today's (0.704 / 0.658 dev, 0.512 / 0.397 blind) less a margin.
FLOORS = {"precision": 0.58, "recall": 0.40, "actor_code_accuracy": 0.65, "target_code_accuracy": 0.60}
TARGETS = {"precision": 0.75, "recall": 0.55}
GOLD = Path(__file__).resolve().parent / "data" / "events_news_gold.yaml"
WIRE_GOLD = GOLD.with_name("events_wire_gold.yaml")
WIRE_FLOORS = {"precision": 0.48, "recall": 0.50, "actor_code_accuracy": 0.45, "target_code_accuracy": 0.34}
MORE_GOLD = GOLD.with_name("events_news_more_gold.yaml")
# Today's figures (0.506 / 0.360; codes 0.662 / 0.420; first run 0.446 / 0.338) less a margin.
MORE_FLOORS = {"precision": 0.47, "recall": 0.33, "actor_code_accuracy": 0.60, "target_code_accuracy": 0.38}
FLOORS_OF = {GOLD.name: FLOORS, WIRE_GOLD.name: WIRE_FLOORS, MORE_GOLD.name: MORE_FLOORS}
NEWS_FOLDER = ("news", "news-cluster-dev", "data_raw")

Span = tuple[int, int]


def _shared_module() -> Any:
    """``eval/_shared.py``, loaded by path (the tests import this script the same way)."""
    spec = importlib.util.spec_from_file_location("_tidings_eval_shared",
                                                  Path(__file__).resolve().parent / "_shared.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class GoldUnit(NamedTuple):
    """One actor–target pair of a gold event, with every place it is told."""

    type: str
    modality: str
    actor_code: str | None
    target_code: str | None
    reciprocal: bool
    evidence: str
    spans: list[Span]


def _quote_pattern(quote: str) -> re.Pattern[str]:
    """A pattern for a quote that tolerates other whitespace and other quotation marks."""
    parts = []
    for ch in quote:
        if ch.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
        elif ch in "\"“”":
            parts.append("[\"“”]")
        elif ch in "'‘’":
            parts.append("['‘’]")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts))


def locate(text: str, quote: str) -> list[Span]:
    """Every place where a quote occurs in the text (exact first, else loosely).

    Args:
        text: the article text.
        quote: a verbatim excerpt.

    Returns:
        The ``(start, end)`` of each occurrence, in text order; empty when absent.
    """
    spans = []
    start = text.find(quote)
    while start != -1:
        spans.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    if spans:
        return spans
    return [m.span() for m in _quote_pattern(quote).finditer(text)]


def _sides(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return [{}]
    if isinstance(value, dict):
        return [value]
    return [dict(v) for v in value] or [{}]


def gold_units(events: list[dict[str, Any]], text: str, where: str = "") -> list[GoldUnit]:
    """Expand an article's gold events into units and find them in its text.

    Raises:
        ValueError: when a gold quote is not in the text (a gold file error).
    """
    units = []
    for event in events:
        spans: list[Span] = []
        for quote in [event["evidence"], *event.get("mentions", [])]:
            found = locate(text, quote)
            if not found:
                raise ValueError(f"{where}: gold quote not found in the text: {quote!r}")
            spans.extend(found)
        for actor in _sides(event.get("actor")):
            for target in _sides(event.get("target")):
                units.append(GoldUnit(
                    type=event["type"], modality=event.get("modality", "occurred"),
                    actor_code=actor.get("code"), target_code=target.get("code"),
                    reciprocal=bool(event.get("reciprocal")), evidence=event["evidence"], spans=spans))
    return units


def _reports(event: dict[str, Any]) -> list[dict[str, Any]]:
    return list(event.get("mentions") or []) or [event]


def _span(item: Any) -> Span | None:
    if isinstance(item, dict) and isinstance(item.get("start"), int) and isinstance(item.get("end"), int):
        return item["start"], item["end"]
    return None


def matches(event: dict[str, Any], unit: GoldUnit) -> bool:
    """Whether a system event can be matched to a gold unit (type and place agree)."""
    if event.get("type") != unit.type:
        return False
    for report in _reports(event) + [event]:
        for key in ("trigger", "evidence"):
            span = _span(report.get(key))
            if span and any(span[0] < end and start < span[1] for start, end in unit.spans):
                return True
        sentence = _span(report.get("sentence"))
        if sentence and any(sentence[0] <= start and end <= sentence[1] for start, end in unit.spans):
            return True
    return False


def _side_agrees(gold_code: str, own: set[str], other: set[str], reciprocal: bool) -> bool:
    """Whether a system side holds a gold side's code (either side, for a reciprocal gold event)."""
    return gold_code in own or (reciprocal and gold_code in other)


def _agreement(event: dict[str, Any], unit: GoldUnit) -> int:
    """How many of a gold unit's side codes a system event holds (0 to 2), as scored below."""
    actors, targets = _codes(event, "actor_codes"), _codes(event, "target_codes")
    return sum(bool(gold) and _side_agrees(gold, own, other, unit.reciprocal)
               for gold, own, other in ((unit.actor_code, actors, targets), (unit.target_code, targets, actors)))


def match(events: list[dict[str, Any]], units: list[GoldUnit]) -> list[tuple[int, int]]:
    """A maximum one-to-one matching of system events to gold units.

    Among the matchings of maximum size (which alone decide precision and
    recall), the one whose pairs agree most on side codes: when several gold
    units of one type are told in one place ("the United States, Japan and
    France condemned ..."), each event is paired with the unit of its own
    actor, not with an arbitrary one.

    Returns:
        ``(event index, unit index)`` pairs.
    """
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    if not events or not units:
        return []
    # Each pair weighs more than every pair of a matching can agree (2 codes each):
    # a larger matching always outweighs a smaller one.
    base = 2.0 * min(len(events), len(units)) + 1.0
    weight = np.zeros((len(events), len(units)))
    for e, event in enumerate(events):
        for u, unit in enumerate(units):
            if matches(event, unit):
                weight[e, u] = base + _agreement(event, unit)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return sorted((int(e), int(u)) for e, u in zip(rows, cols, strict=True) if weight[e, u] > 0)


def _codes(event: dict[str, Any], key: str) -> set[str]:
    return {str(c.get("code")) for c in event.get(key) or [] if isinstance(c, dict) and c.get("code")}


def score(articles: list[tuple[str, list[GoldUnit], list[dict[str, Any]]]],
          show_errors: bool = False) -> dict[str, Any]:
    """Compute the figures of the module docstring.

    Args:
        articles: per article, its name, its gold units and the system events.
        show_errors: print misses and false positives.
    """
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    modality_ok = actor_ok = actor_n = target_ok = target_n = 0
    for name, units, events in articles:
        pairs = match(events, units)
        for unit in units:
            n_gold[unit.type] += 1
        for event in events:
            n_pred[str(event.get("type"))] += 1
        for e, u in pairs:
            event, unit = events[e], units[u]
            tp[unit.type] += 1
            modality_ok += event.get("modality", "occurred") == unit.modality
            actors, targets = _codes(event, "actor_codes"), _codes(event, "target_codes")
            for gold_code, own, other, counter in ((unit.actor_code, actors, targets, "a"),
                                                   (unit.target_code, targets, actors, "t")):
                if not gold_code:
                    continue
                ok = _side_agrees(gold_code, own, other, unit.reciprocal)
                if counter == "a":
                    actor_n += 1
                    actor_ok += ok
                else:
                    target_n += 1
                    target_ok += ok
        if show_errors:
            matched_e = {e for e, _ in pairs}
            matched_u = {u for _, u in pairs}
            for u, unit in enumerate(units):
                if u not in matched_u:
                    print(f"  MISS {name[:10]} {unit.type:9} {unit.modality:12} {unit.evidence[:90]!r}")
            for e, event in enumerate(events):
                if e not in matched_e:
                    trig = (event.get("trigger") or {}).get("text", "")
                    evid = (event.get("evidence") or {}).get("text", "")
                    print(f"  FP   {name[:10]} {event.get('type', '?'):9} {event.get('modality', ''):12} "
                          f"[{trig}] {evid[:80]!r}")
    figures: dict[str, Any] = {"articles": len(articles), "gold_units": sum(n_gold.values()),
                               "system_events": sum(n_pred.values()), "matched": sum(tp.values())}
    figures.update(_prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values())))
    matched = sum(tp.values())
    figures["modality_accuracy"] = modality_ok / matched if matched else 0.0
    figures["actor_code_accuracy"] = actor_ok / actor_n if actor_n else 0.0
    figures["actor_code_counted"] = actor_n
    figures["target_code_accuracy"] = target_ok / target_n if target_n else 0.0
    figures["target_code_counted"] = target_n
    figures["per_type"] = {t: {"gold": n_gold[t], "system": n_pred[t], "matched": tp[t],
                               **_prf(tp[t], n_pred[t], n_gold[t])}
                           for t in sorted(set(n_gold) | set(n_pred))}
    return figures


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def read_article(path: Path) -> Any:
    """Read one news-please JSON file with tidings' reader (as one JSON line)."""
    from tidings.ingest import read_bytes

    record = json.loads(path.read_text(encoding="utf-8"))
    items = [item for item in read_bytes(json.dumps(record).encode("utf-8"), source_path=path.name)
             if hasattr(item, "text")]
    if len(items) != 1:
        raise ValueError(f"{path.name}: expected one article, read {len(items)}")
    return items[0]


def _news_text_module() -> Any:
    """``tools/news_text.py``, loaded by path (document ids and texts of the shared collections)."""
    spec = importlib.util.spec_from_file_location("_tidings_news_text",
                                                  Path(__file__).resolve().parent.parent / "tools" / "news_text.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_document(data: Path, doc: str) -> Any:
    """An Article for a ``tools/news_text.py`` document id: its text, title and date.

    The text is the document's whole text (title included, as for the
    news-cluster articles), so the gold quotes are found in it; the headline is
    the title when the document has one apart from its text; ``published`` is
    the TimeML document creation time when the source gives it.
    """
    from tidings.records import Article

    news_text = _news_text_module()
    published = news_text.document_date(data, doc)
    return Article(text=news_text.document(data, doc), source_path=doc,
                   headline=news_text.document_title(data, doc), published=published,
                   published_from="metadata" if published else None)


def entry_name(entry: dict[str, Any]) -> str:
    """A gold entry's article: its news-cluster ``file`` or its document id."""
    return str(entry.get("file") or entry["doc"])


def read_entry(data: Path, entry: dict[str, Any]) -> Any:
    """The Article a gold entry names (``file:`` a news-cluster file, ``doc:`` a document id)."""
    if "doc" in entry:
        return read_document(data, entry["doc"])
    return read_article(data.joinpath(*NEWS_FOLDER) / entry["file"])


def load_gold(data: Path, gold_path: Path) -> list[tuple[str, Any, list[GoldUnit]]]:
    """Read a gold file's articles and place its units in their texts.

    Returns:
        Per entry, its name, its Article and its gold units.

    Raises:
        FileNotFoundError: when an article's data is absent.
        ValueError: when a gold quote is not in its article's text.
    """
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    loaded = []
    for entry in gold["articles"]:
        article = read_entry(data, entry)
        loaded.append((entry_name(entry), article,
                       gold_units(entry.get("events") or [], article.text, entry_name(entry))))
    return loaded


def run(data: Path, gold_path: Path, show_errors: bool) -> dict[str, Any]:
    loaded = load_gold(data, gold_path)  # first: an absent data set is told before the pipeline loads
    from tidings.nlp.pipeline import analyze_many, load_pipeline

    records = list(analyze_many([article for _, article, _ in loaded], load_pipeline()))
    return score([(name, units, record["events"])
                  for (name, _, units), record in zip(loaded, records, strict=True)], show_errors)


def _absent_data_set(data: Path, missing: str | None) -> str | None:
    """The data set (first two folders under ``data``) of a missing file, when that set is absent."""
    try:
        parts = Path(missing or "").resolve().relative_to(data.resolve()).parts
    except ValueError:
        return None
    if len(parts) < 2 or data.joinpath(*parts[:2]).is_dir():
        return None
    return "/".join(parts[:2])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show-errors", action="store_true", help="list misses and false positives")
    parser.add_argument("--no-floors", action="store_true", help="only report; do not check the floors")
    parser.add_argument("--gold", type=Path, default=GOLD, help="the gold file")
    args = parser.parse_args()
    shared = _shared_module()
    data = shared.shared_data_dir()
    if data is None:
        return int(shared.skipped("the shared data"))
    started = time.perf_counter()
    try:
        figures = run(data, args.gold, args.show_errors)
    except FileNotFoundError as exc:
        absent = _absent_data_set(data, exc.filename)
        if absent is None:
            raise
        return int(shared.skipped(absent))
    print(f"== events on hand-coded news, {args.gold.name} ({time.perf_counter() - started:.1f} s)")
    per_type = figures.pop("per_type")
    for key, value in figures.items():
        print(f"  {key:24} {value:.3f}" if isinstance(value, float) else f"  {key:24} {value}")
    print(f"  {'type':10} {'gold':>5} {'system':>6} {'match':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for typ, row in per_type.items():
        print(f"  {typ:10} {row['gold']:5} {row['system']:6} {row['matched']:5} "
              f"{row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f}")
    shared.report_targets(figures, TARGETS)
    floors = FLOORS_OF.get(args.gold.name)
    if args.no_floors:
        return 0
    if floors is None:
        print(f"no floors for {args.gold.name}: reported only")
        return 0
    return 0 if shared.check_floors(figures, floors) else 1


if __name__ == "__main__":
    sys.exit(main())
