"""Agreement between two codings of the same news sentences (PLOVER span labels).

Compares a second, blind coding (by default ``eval/data/events_labels_recode.spans.jsonl``)
with the shipped span labels (``src/tidings/data/events/labels/*.spans.jsonl``), on the
documents present in both, sentence by sentence: sentences are matched by document and
character span. Coder A is the shipped labels, coder B the second coding.

Printed:

* event vs none: the 2x2 table, the share of sentences on which the coders agree and
  Cohen's kappa;
* types: precision, recall and F1 of B against A (micro over all types, and per type with
  the counts A, B and both); F1 is symmetric, precision and recall swap when A and B do;
* the kinds of disagreement (event vs none either way, same sentence with other types) and
  the type pairs most often swapped;
* with ``--show``: every sentence on which the type sets differ (doc, n, types A, types B,
  the first 100 characters of the sentence).

The texts are read back from the shared data with ``tools/news_text.py`` (a span whose
text no longer hashes as labelled is left out and counted); without the shared data the
script says so in one line and stops.

Usage::

    python tools/label_agreement.py [--show] [--recode FILE] [--labels FILE ...] [--shared DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import news_text  # noqa: E402  (the sibling tool; tools/ is not a package)

Key = tuple[str, int, int]  # (doc, start, end)


@dataclass(frozen=True)
class Label:
    """One coded sentence: its number in the document, its types and its sha1."""

    n: int
    types: frozenset[str]
    sha1: str


@dataclass
class TypeCounts:
    a: int = 0
    b: int = 0
    both: int = 0

    @property
    def precision(self) -> float:
        return self.both / self.b if self.b else 0.0

    @property
    def recall(self) -> float:
        return self.both / self.a if self.a else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.both / (self.a + self.b) if self.a + self.b else 0.0


@dataclass
class Agreement:
    """The comparison of coders A and B on the sentences both coded."""

    sentences: int = 0
    # event vs none: table[(a_is_event, b_is_event)]
    table: Counter[tuple[bool, bool]] = field(default_factory=Counter)
    per_type: dict[str, TypeCounts] = field(default_factory=dict)
    exact: int = 0  # same type set (both none included)
    kinds: Counter[str] = field(default_factory=Counter)
    swaps: Counter[tuple[str, str]] = field(default_factory=Counter)  # (only A, only B) on shared event sentences
    disagreements: list[tuple[Key, frozenset[str], frozenset[str]]] = field(default_factory=list)

    @property
    def observed(self) -> float:
        """Share of sentences on which A and B agree about event vs none."""
        return (self.table[True, True] + self.table[False, False]) / self.sentences if self.sentences else 0.0

    @property
    def kappa(self) -> float:
        """Cohen's kappa of event vs none (1.0 when both coders are constant and agree)."""
        n = self.sentences
        if not n:
            return 0.0
        a_yes = (self.table[True, True] + self.table[True, False]) / n
        b_yes = (self.table[True, True] + self.table[False, True]) / n
        expected = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
        if expected == 1.0:
            return 1.0 if self.observed == 1.0 else 0.0
        return (self.observed - expected) / (1 - expected)

    @property
    def micro(self) -> TypeCounts:
        total = TypeCounts()
        for c in self.per_type.values():
            total.a += c.a
            total.b += c.b
            total.both += c.both
        return total


def compare(a: Mapping[Key, frozenset[str]], b: Mapping[Key, frozenset[str]]) -> Agreement:
    """Compare two codings on the keys both hold (sentences matched by doc and span)."""
    out = Agreement()
    for key in sorted(a.keys() & b.keys()):
        ta, tb = a[key], b[key]
        out.sentences += 1
        out.table[bool(ta), bool(tb)] += 1
        for t in ta | tb:
            c = out.per_type.setdefault(t, TypeCounts())
            c.a += t in ta
            c.b += t in tb
            c.both += t in ta and t in tb
        if ta == tb:
            out.exact += 1
            continue
        out.disagreements.append((key, ta, tb))
        if ta and not tb:
            out.kinds["event (A) vs none (B)"] += 1
        elif tb and not ta:
            out.kinds["none (A) vs event (B)"] += 1
        elif ta < tb:
            out.kinds["B adds types to A's"] += 1
        elif tb < ta:
            out.kinds["B gives fewer types than A"] += 1
        elif ta & tb:
            out.kinds["overlapping, each has a type the other lacks"] += 1
        else:
            out.kinds["disjoint types"] += 1
        if ta and tb:
            for x in ta - tb:
                for y in tb - ta:
                    out.swaps[x, y] += 1
    return out


def read_spans(paths: Iterable[Path]) -> dict[Key, Label]:
    """The labels of span files, keyed by (doc, start, end)."""
    out: dict[Key, Label] = {}
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if "provenance" in row:
                    continue
                out[row["doc"], row["start"], row["end"]] = Label(row["n"], frozenset(row["types"]), row["sha1"])
    return out


def _fmt(types: frozenset[str]) -> str:
    return ",".join(sorted(types)) or "-"


def report(agr: Agreement, texts: Mapping[Key, str], labels: Mapping[Key, Label], show: bool,
           docs: int, unmatched: tuple[int, int], stale: int) -> list[str]:
    t = agr.table
    lines = [
        f"documents in both: {docs}; sentences matched: {agr.sentences} "
        f"(unmatched spans: A {unmatched[0]}, B {unmatched[1]}; text changed: {stale})",
        "",
        "event vs none (rows A, columns B):   B event   B none",
        f"  A event                            {t[True, True]:7d}  {t[True, False]:7d}",
        f"  A none                             {t[False, True]:7d}  {t[False, False]:7d}",
        f"  agreement {agr.observed:.3f}   Cohen's kappa {agr.kappa:.3f}",
        f"  same type set (none included): {agr.exact}/{agr.sentences} ({agr.exact / max(agr.sentences, 1):.3f})",
        "",
    ]
    m = agr.micro
    lines.append(f"types, B against A: micro P {m.precision:.3f}  R {m.recall:.3f}  F1 {m.f1:.3f}  "
                 f"(A {m.a}, B {m.b}, both {m.both})")
    lines.append(f"  {'type':10s} {'A':>4s} {'B':>4s} {'both':>5s} {'P':>6s} {'R':>6s} {'F1':>6s}")
    for name, c in sorted(agr.per_type.items(), key=lambda kv: (-(kv[1].a + kv[1].b), kv[0])):
        lines.append(f"  {name:10s} {c.a:4d} {c.b:4d} {c.both:5d} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}")
    lines.append("")
    lines.append(f"disagreements: {len(agr.disagreements)}")
    for kind, count in agr.kinds.most_common():
        lines.append(f"  {count:4d}  {kind}")
    if agr.swaps:
        lines.append("  type swapped on sentences both call an event (A -> B): " + ", ".join(
            f"{x}->{y} {c}" for (x, y), c in agr.swaps.most_common(8)))
    if show:
        lines.append("")
        lines.append("doc\tn\ttypes A\ttypes B\ttext")
        for key, ta, tb in agr.disagreements:
            lines.append(f"{key[0]}\t{labels[key].n}\t{_fmt(ta)}\t{_fmt(tb)}\t{texts.get(key, '')[:100]}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recode", type=Path, default=ROOT / "eval" / "data" / "events_labels_recode.spans.jsonl",
                        help="the second coding (coder B)")
    parser.add_argument("--labels", type=Path, action="append", default=None,
                        help="span label files of coder A (default: the shipped *.spans.jsonl; repeatable)")
    parser.add_argument("--shared", default=None, help="the shared data folder")
    parser.add_argument("--show", action="store_true", help="list every sentence on which the codings differ")
    args = parser.parse_args(argv)
    try:
        shared = news_text.shared_dir(args.shared)
    except SystemExit:
        print("label_agreement: skipped (no shared data folder: set TIDINGS_SHARED or pass --shared)")
        return 0
    a_paths = args.labels or sorted((ROOT / "src" / "tidings" / "data" / "events" / "labels").glob("*.spans.jsonl"))
    a_all, b_all = read_spans(a_paths), read_spans([args.recode])
    docs = {k[0] for k in a_all} & {k[0] for k in b_all}
    a_in = {k: v for k, v in a_all.items() if k[0] in docs}
    b_in = {k: v for k, v in b_all.items() if k[0] in docs}
    texts: dict[Key, str] = {}
    stale = 0
    for key in sorted(a_in.keys() & b_in.keys()):
        try:
            text = news_text.document(shared, key[0])[key[1]:key[2]]
        except (KeyError, OSError):
            text = ""
        if news_text.sha1(text) != a_in[key].sha1 or news_text.sha1(text) != b_in[key].sha1:
            stale += 1
            del a_in[key], b_in[key]
            continue
        texts[key] = " ".join(text.split())
    agr = compare({k: v.types for k, v in a_in.items()}, {k: v.types for k, v in b_in.items()})
    unmatched = (len(a_in.keys() - b_in.keys()), len(b_in.keys() - a_in.keys()))
    print("\n".join(report(agr, texts, a_in, args.show, len(docs), unmatched, stale)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
