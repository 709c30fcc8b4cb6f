"""Score the time layer on TimeML corpora the way TempEval-3 does.

Corpora (under ``../shared/data/time``, see the data README):

* ``timebank-aquaint-tbaq``: TimeBank 1.2 + AQUAINT, TempEval-3 "TBAQ-cleaned".
  The ``testpipeline`` folder repeats a TimeBank file byte for byte and is skipped.
* ``meantime-en``: NewsReader MEANTIME English (CAT XML). Only the title and the
  first sentences (index <= 5) are annotated, so only those are read and scored.

Each document is run through the ``times`` stage with its document creation time
(DCT) as the publication date. Figures, as in TempEval-3:

* strict and relaxed (any overlap) span precision, recall and F1;
* value and type accuracy over the relaxed matches;
* value F1 = relaxed F1 x value accuracy (the TempEval-3 "value" score).

Usage::

    python eval/time_tempeval.py [--corpus tbaq|meantime|all] [--errors] [--limit N]

Exit status 1 when a figure is below its floor (``FLOORS``); 0 when the shared
data is absent (nothing to score).
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import check_floors, shared_data_dir, skipped  # noqa: E402

from tidings.nlp.pipeline import load_pipeline, make_doc  # noqa: E402
from tidings.records import Article  # noqa: E402

# The floors, per corpus.
FLOORS = {"value_f1": 0.80, "relaxed_f1": 0.88}


@dataclass(frozen=True, slots=True)
class Timex:
    """One time expression: a character span with its TIMEX3 type and value."""

    start: int
    end: int
    type: str
    value: str


@dataclass(slots=True)
class TimeDoc:
    """One document to score: text, creation time, gold time expressions."""

    name: str
    text: str
    dct: str
    gold: list[Timex] = field(default_factory=list)


# --------------------------------------------------------------------------- readers

_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*?)(/?)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def _strip_timeml(raw: str) -> tuple[str, list[Timex]]:
    """Remove the tags of a TimeML ``TEXT`` body, keeping TIMEX3 spans as offsets."""
    out: list[str] = []
    pos = 0
    length = 0
    open_timex: list[tuple[int, dict[str, str]]] = []
    gold: list[Timex] = []
    for m in _TAG.finditer(raw):
        chunk = html.unescape(raw[pos : m.start()])
        out.append(chunk)
        length += len(chunk)
        pos = m.end()
        closing, name, attrs = m.group(1), m.group(2), m.group(3)
        if name != "TIMEX3":
            continue
        if not closing:
            open_timex.append((length, dict(_ATTR.findall(attrs))))
        elif open_timex:
            start, a = open_timex.pop()
            gold.append(Timex(start, length, a.get("type", ""), a.get("value", "")))
    out.append(html.unescape(raw[pos:]))
    return "".join(out), gold


def read_tbaq(root: Path) -> Iterator[TimeDoc]:
    """Yield the TBAQ-cleaned documents (TimeBank and AQUAINT, not ``testpipeline``)."""
    base = root / "TBAQ-cleaned"
    for sub in ("TimeBank", "AQUAINT"):
        for path in sorted((base / sub).glob("*.tml")):
            raw = path.read_text(encoding="utf-8")
            dct_m = re.search(r"<DCT>\s*<TIMEX3[^>]*value=\"([^\"]+)\"", raw)
            body_m = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
            if not dct_m or not body_m:
                continue
            text, gold = _strip_timeml(body_m.group(1))
            yield TimeDoc(path.stem, text, dct_m.group(1)[:10], gold)


_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "'s", "n't", "%", "''", "'", "'re", "'ve", "'ll", "'d", "'m"}
_NO_SPACE_AFTER = {"(", "[", "$", "``"}


def read_meantime(root: Path, *, max_sentence: int = 5) -> Iterator[TimeDoc]:
    """Yield the MEANTIME English documents, cut after sentence ``max_sentence``.

    The CAT format gives tokens, not text: the text is rebuilt by joining the
    tokens with spaces (none before closing punctuation), one sentence per line.
    """
    base = root / "meantime_newsreader_english_oct15" / "intra-doc_annotation"
    for path in sorted(base.glob("*/*.xml")):
        tree = ET.parse(path)
        doc = tree.getroot()
        spans: dict[str, tuple[int, int]] = {}
        parts: list[str] = []
        length = 0
        prev_sent: str | None = None
        prev_tok = ""
        for tok in doc.iter("token"):
            sent = tok.get("sentence", "0")
            if int(sent) > max_sentence:
                break
            word = tok.text or ""
            if prev_sent is None:
                sep = ""
            elif sent != prev_sent:
                sep = "\n"
            elif word in _NO_SPACE_BEFORE or prev_tok in _NO_SPACE_AFTER:
                sep = ""
            else:
                sep = " "
            parts.append(sep + word)
            length += len(sep)
            spans[tok.get("t_id", "")] = (length, length + len(word))
            length += len(word)
            prev_sent, prev_tok = sent, word
        text = "".join(parts)
        dct = ""
        gold: list[Timex] = []
        markables = doc.find("Markables")
        for tx in markables.iter("TIMEX3") if markables is not None else []:
            if tx.get("functionInDocument") == "CREATION_TIME":
                dct = tx.get("value", "")[:10]
            ids = [a.get("t_id", "") for a in tx.iter("token_anchor")]
            if not ids or any(i not in spans for i in ids):
                continue
            start = min(spans[i][0] for i in ids)
            end = max(spans[i][1] for i in ids)
            gold.append(Timex(start, end, tx.get("type", ""), tx.get("value", "")))
        if re.fullmatch(r"\d\d-\d\d-\d{4}", dct):  # one file writes its DCT day-first
            dct = f"{dct[6:]}-{dct[3:5]}-{dct[:2]}"
        if dct:
            yield TimeDoc(path.stem, text, dct, gold)


# --------------------------------------------------------------------------- scoring


def system_times(docs: list[TimeDoc]) -> list[list[Timex]]:
    """Run the times stage over each document with its DCT as publication date."""
    nlp = load_pipeline(stages=("times",))
    made = []
    for d in docs:
        art = Article(text=d.text, source_path=d.name, published=d.dct)
        made.append(make_doc(nlp, art))
    out: list[list[Timex]] = []
    for doc in nlp.pipe(made, batch_size=16):
        out.append([Timex(t["start"], t["end"], t["type"], t["value"]) for t in doc._.tidings_times])
    return out


def _pairs(gold: list[Timex], system: list[Timex]) -> list[tuple[Timex, Timex]]:
    """Pair system and gold expressions one-to-one by overlap (largest first)."""
    cands = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            ov = min(g.end, s.end) - max(g.start, s.start)
            if ov > 0:
                cands.append((-ov, gi, si))
    cands.sort()
    used_g: set[int] = set()
    used_s: set[int] = set()
    pairs = []
    for _, gi, si in cands:
        if gi in used_g or si in used_s:
            continue
        used_g.add(gi)
        used_s.add(si)
        pairs.append((gold[gi], system[si]))
    return pairs


def _prf(tp_p: int, n_sys: int, tp_r: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_p / n_sys if n_sys else 0.0
    r = tp_r / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(docs: list[TimeDoc], systems: list[list[Timex]], *, errors: bool = False) -> dict[str, float]:
    """Score system output against gold; optionally print the errors."""
    n_gold = n_sys = strict = relaxed = value_ok = type_ok = 0
    for d, sys_t in zip(docs, systems, strict=True):
        gold = d.gold
        n_gold += len(gold)
        n_sys += len(sys_t)
        pairs = _pairs(gold, sys_t)
        relaxed += len(pairs)
        gold_spans = {(g.start, g.end) for g in gold}
        strict += sum(1 for s in sys_t if (s.start, s.end) in gold_spans)
        for g, s in pairs:
            value_ok += g.value == s.value
            type_ok += g.type == s.type
            if errors and (g.value != s.value or g.type != s.type):
                print(f"VALUE {d.name} dct={d.dct} {d.text[g.start:g.end]!r} gold={g.type}:{g.value} "
                      f"sys={d.text[s.start:s.end]!r} {s.type}:{s.value}  | {_ctx(d.text, g.start, g.end)}")
        if errors:
            paired_g = {id(g) for g, _ in pairs}
            paired_s = {id(s) for _, s in pairs}
            for g in gold:
                if id(g) not in paired_g:
                    print(f"MISS  {d.name} {d.text[g.start:g.end]!r} {g.type}:{g.value} | {_ctx(d.text, g.start, g.end)}")
            for s in sys_t:
                if id(s) not in paired_s:
                    print(f"EXTRA {d.name} {d.text[s.start:s.end]!r} {s.type}:{s.value} | {_ctx(d.text, s.start, s.end)}")
    sp, sr, sf = _prf(strict, n_sys, strict, n_gold)
    rp, rr, rf = _prf(relaxed, n_sys, relaxed, n_gold)
    vacc = value_ok / relaxed if relaxed else 0.0
    tacc = type_ok / relaxed if relaxed else 0.0
    return {
        "gold": n_gold, "system": n_sys,
        "strict_p": sp, "strict_r": sr, "strict_f1": sf,
        "relaxed_p": rp, "relaxed_r": rr, "relaxed_f1": rf,
        "value_acc": vacc, "type_acc": tacc,
        "value_f1": rf * vacc, "type_f1": rf * tacc,
    }


def _ctx(text: str, start: int, end: int, width: int = 50) -> str:
    left = text[max(0, start - width) : start].replace("\n", " ")
    right = text[end : end + width].replace("\n", " ")
    return f"...{left}[{text[start:end]}]{right}..."


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", choices=("tbaq", "meantime", "all"), default="all")
    ap.add_argument("--errors", action="store_true", help="print every value, type and span error")
    ap.add_argument("--limit", type=int, default=0, help="score only the first N documents")
    args = ap.parse_args(argv)
    data = shared_data_dir()
    if data is None or not (data / "time").is_dir():
        return skipped("time_tempeval: time")
    folders = {"tbaq": data / "time" / "timebank-aquaint-tbaq", "meantime": data / "time" / "meantime-en"}
    readers = {
        "tbaq": lambda: read_tbaq(folders["tbaq"]),
        "meantime": lambda: read_meantime(folders["meantime"]),
    }
    names = list(readers) if args.corpus == "all" else [args.corpus]
    status = 0
    for name in names:
        if not folders[name].is_dir():
            skipped(f"time_tempeval {name}: time/{folders[name].name}")
            continue
        docs = list(readers[name]())
        if args.limit:
            docs = docs[: args.limit]
        t0 = time.perf_counter()
        systems = system_times(docs)
        elapsed = time.perf_counter() - t0
        s = score(docs, systems, errors=args.errors)
        print(f"== {name}: {len(docs)} docs, {s['gold']:.0f} gold, {s['system']:.0f} system, {elapsed:.1f} s")
        print(f"   strict  P {s['strict_p']:.3f}  R {s['strict_r']:.3f}  F1 {s['strict_f1']:.3f}")
        print(f"   relaxed P {s['relaxed_p']:.3f}  R {s['relaxed_r']:.3f}  F1 {s['relaxed_f1']:.3f}")
        print(f"   value accuracy {s['value_acc']:.3f}  type accuracy {s['type_acc']:.3f}")
        print(f"   value F1 {s['value_f1']:.3f}  type F1 {s['type_f1']:.3f}")
        if not check_floors(s, FLOORS, label=name):
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
