"""Score the quote stage on PolNeAR (brat Source / Cue / Content attributions).

Usage::

    python eval/quotes_polnear.py [--split dev|train] [--limit N] [--check]

Reads ``<shared>/data/quotes/polnear``: the texts of a split and, per article,
the attribution file of one annotator (the first listed in ``metadata.tsv``
that has a file). Every article goes through the real pipeline.

Figures, for direct quotes (gold content enclosed in quotation marks: straight,
curly or angle double marks, or the two apostrophes some archives write for a
straight mark; system quotes of kind ``direct``) and for all attributions
(every gold content, every system quote):

* content overlap P/R/F1: a system quote is right when it overlaps some gold
  content; a gold content is found when some system quote overlaps it (a quote
  split by its attribution, one content in the gold, is found by either part);
* exact-match P/R/F1: the same with equal spans, compared after stripping
  whitespace, quotation marks and edge punctuation (gold contents include the
  marks, system direct quotes do not); a multi-part gold content matches a
  system quote equal to any of its parts;
* speaker accuracy among detected quotes whose gold has a source: right when a
  mention of the speaker entity, or the speaker's words, overlap the gold source;
* cue accuracy among detected quotes whose gold has a cue: right when the cue
  overlaps the gold cue.

On the dev split the script exits 1 when a floor is missed (direct content
F1 >= 0.90, direct speaker accuracy >= 0.94, all-attribution content F1 >=
0.60); ``--check``, which used to turn that on, is still accepted. The train
split has no floors.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import check_floors, shared_data_dir, skipped  # noqa: E402

FLOORS = {"direct_content_f1": 0.90, "direct_speaker_accuracy": 0.94, "all_content_f1": 0.60}
OPEN_MARKS = "“\"«„"
CLOSE_MARKS = "”\"»"
STRIP = " \t\r\n\u00a0“”\"«»„‘’'.,;:!?—–-…"

Spans = tuple[tuple[int, int], ...]
# brat lines: a span's words may hold a line break, so a line is a record only by its id.
_TEXT_BOUND = re.compile(r"T\d+\t")
_EVENT = re.compile(r"E\d+\t")


@dataclass
class GoldAttribution:
    content: Spans
    source: Spans = ()
    cue: Spans = ()
    direct: bool = False


@dataclass
class Scores:
    pred: int = 0
    pred_hit: int = 0
    gold: int = 0
    gold_hit: int = 0
    pred_exact: int = 0
    gold_exact: int = 0
    speaker_n: int = 0
    speaker_ok: int = 0
    cue_n: int = 0
    cue_ok: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    wrong_speakers: list[str] = field(default_factory=list)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _overlaps(a: Spans, b: Spans) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _overlap_size(a: Spans, b: Spans) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _norm(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in STRIP:
        start += 1
    while end > start and text[end - 1] in STRIP:
        end -= 1
    return start, end


def read_ann(path: Path, text: str) -> list[GoldAttribution]:
    """Read the attributions of one brat file."""
    spans: dict[str, Spans] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if _TEXT_BOUND.match(line):
            tid, info, _words = (line.split("\t") + ["", ""])[:3]
            _label, _, offsets = info.partition(" ")
            pieces = [tuple(piece.split()) for piece in offsets.split(";")]
            if pieces and all(len(p) == 2 and p[0].isdigit() and p[1].isdigit() for p in pieces):
                spans[tid] = tuple((int(a), int(b)) for a, b in pieces)
        elif _EVENT.match(line):
            _eid, args = line.split("\t")[:2]
            roles = dict(arg.split(":", 1) for arg in args.split())
            events.append(roles)
    gold = []
    for roles in events:
        content = spans.get(roles.get("Content", ""))
        if not content:
            continue
        first, last = content[0], content[-1]
        inner = text[first[0] : first[1]].lstrip()
        inner_end = text[last[0] : last[1]].rstrip()
        before = text[max(0, first[0] - 2) : first[0]]
        after = text[last[1] : last[1] + 2]
        # Two apostrophes stand for a double mark in some archives (''Yes,'' he said).
        opens = inner[:1] in OPEN_MARKS or before[-1:] in OPEN_MARKS or inner.startswith("''") or before == "''"
        closes = (inner_end[-1:] in CLOSE_MARKS or after[:1] in CLOSE_MARKS
                  or inner_end.endswith("''") or after == "''")
        direct = opens and closes
        gold.append(GoldAttribution(
            content=content,
            source=spans.get(roles.get("Source", ""), ()),
            cue=spans.get(roles.get("Cue", ""), ()),
            direct=direct,
        ))
    return gold


def articles(base: Path, split: str) -> list[tuple[str, Path]]:
    """Return (text, attribution file) of each article of a split, one annotator each."""
    out = []
    with (base / "metadata.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["compartment"] != split:
                continue
            for annotator in row["annotators"].split("|"):
                ann = base / split / "attributions" / f"{row['filename']}_{annotator}.ann"
                if ann.exists():
                    text = (base / split / "text" / f"{row['filename']}.txt").read_text(encoding="utf-8")
                    out.append((text, ann))
                    break
    return out


def score(text: str, gold: list[GoldAttribution], quotes: list[dict], s: Scores, *, direct_only: bool) -> None:
    """Add one article's counts to the scores."""
    golds = [g for g in gold if g.direct] if direct_only else gold
    preds = [q for q in quotes if q["kind"] == "direct"] if direct_only else quotes
    pred_spans = [((q["start"], q["end"]),) for q in preds]
    norm_gold = [{_norm(text, a, b) for a, b in g.content} | {_norm(text, g.content[0][0], g.content[-1][1])}
                 for g in golds]
    s.pred += len(preds)
    s.gold += len(golds)
    for g, normed in zip(golds, norm_gold, strict=True):
        if any(_overlaps(g.content, p) for p in pred_spans):
            s.gold_hit += 1
        else:
            s.misses.append(text[g.content[0][0] : g.content[-1][1]][:120])
        if any(_norm(text, q["start"], q["end"]) in normed for q in preds):
            s.gold_exact += 1
    for q, p in zip(preds, pred_spans, strict=True):
        hits = [g for g in golds if _overlaps(g.content, p)]
        if any(_norm(text, q["start"], q["end"]) in normed for normed in norm_gold):
            s.pred_exact += 1
        if not hits:
            s.false.append(f"{q['kind']}: {q['text'][:120]}")
            continue
        s.pred_hit += 1
        g = max(hits, key=lambda h: _overlap_size(h.content, p))
        if g.source:
            s.speaker_n += 1
            mine = [tuple(x) for x in q.get("_speaker_spans") or []]
            if q.get("speaker_start") is not None:
                mine.append((q["speaker_start"], q["speaker_end"]))
            if _overlaps(tuple(mine), g.source):
                s.speaker_ok += 1
            else:
                gold_source = text[g.source[0][0] : g.source[-1][1]]
                s.wrong_speakers.append(f"{q['speaker_text']!r} vs gold {gold_source!r}: {q['text'][:60]}")
        if g.cue:
            s.cue_n += 1
            if q.get("cue_start") is not None and _overlaps(((q["cue_start"], q["cue_end"]),), g.cue):
                s.cue_ok += 1


def report(name: str, s: Scores) -> dict[str, float]:
    """Print and return the figures of one scope."""
    p = s.pred_hit / s.pred if s.pred else 0.0
    r = s.gold_hit / s.gold if s.gold else 0.0
    ep = s.pred_exact / s.pred if s.pred else 0.0
    er = s.gold_exact / s.gold if s.gold else 0.0
    spk = s.speaker_ok / s.speaker_n if s.speaker_n else 0.0
    cue = s.cue_ok / s.cue_n if s.cue_n else 0.0
    print(f"{name}: gold {s.gold}, system {s.pred}")
    print(f"  content overlap  P {p:.3f}  R {r:.3f}  F1 {_f1(p, r):.3f}")
    print(f"  exact match      P {ep:.3f}  R {er:.3f}  F1 {_f1(ep, er):.3f}")
    print(f"  speaker accuracy {spk:.3f} ({s.speaker_ok}/{s.speaker_n})")
    print(f"  cue accuracy     {cue:.3f} ({s.cue_ok}/{s.cue_n})")
    return {"content_f1": _f1(p, r), "speaker_accuracy": spk}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--limit", type=int, default=0, help="score only the first N articles")
    parser.add_argument("--check", action="store_true",
                        help="accepted for old command lines: the dev floors are always checked")
    parser.add_argument("--show", type=int, default=0, help="print N misses, false quotes and wrong speakers")
    args = parser.parse_args(argv)

    data = shared_data_dir()
    if data is None or not (data / "quotes" / "polnear").is_dir():
        return skipped("quotes_polnear: quotes/polnear")
    from tidings.ingest.core import read_text
    from tidings.nlp.pipeline import load_pipeline, make_doc

    items = articles(data / "quotes" / "polnear", args.split)
    if args.limit:
        items = items[: args.limit]
    nlp = load_pipeline()
    started = time.perf_counter()
    texts = [t for t, _ in items]
    docs = nlp.pipe((make_doc(nlp, read_text(t)) for t in texts), batch_size=16)
    direct, every = Scores(), Scores()
    for (text, ann), doc in zip(items, docs, strict=True):
        gold = read_ann(ann, text)
        quotes = doc._.tidings_quotes or []
        score(text, gold, quotes, direct, direct_only=True)
        score(text, gold, quotes, every, direct_only=False)
    elapsed = time.perf_counter() - started
    print(f"PolNeAR {args.split}: {len(items)} articles, one annotator each ({elapsed:.1f} s)")
    d = report("direct quotes", direct)
    a = report("all attributions", every)
    if args.show:
        for title, rows in (("missed (all)", every.misses), ("false (all)", every.false),
                            ("missed (direct)", direct.misses), ("false (direct)", direct.false),
                            ("wrong speaker (direct)", direct.wrong_speakers),
                            ("wrong speaker (all)", every.wrong_speakers)):
            print(f"-- {title}")
            for row in rows[: args.show]:
                print("   ", row.replace("\n", " "))
    figures = {"direct_content_f1": d["content_f1"], "direct_speaker_accuracy": d["speaker_accuracy"],
               "all_content_f1": a["content_f1"]}
    if args.split != "dev":
        print(f"no floors for the {args.split} split")
        return 0
    return 0 if check_floors(figures, FLOORS) else 1


if __name__ == "__main__":
    sys.exit(main())
