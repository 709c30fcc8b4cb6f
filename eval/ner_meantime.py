"""Score named-entity mentions on MEANTIME (English): the bare spaCy model and tidings, one run.

Gold: ``ENTITY_MENTION`` elements of ``syntactic_type`` NAM or PRE.NAM (proper
names) whose entity is a person, organisation or location (PER/ORG/LOC), in the
annotated part of each article (sentence index <= 5; MEANTIME annotates only
the title and the first sentences). Predictions are mapped to the same types:
PERSON -> PER; ORG -> ORG; GPE, LOC, FAC, NORP -> LOC (MEANTIME files demonyms
such as "German" under LOC).

MEANTIME marks the whole noun phrase of a name ("Spokeswoman Sandy Angers"), so
a prediction matches a gold mention of its type when both end on the same token
(the name's head) and the prediction starts no earlier; each gold mention
matches at most one prediction. Both systems are scored the same way. Exact-span
figures are printed too, with a leading "the" left out of gold and predicted
spans alike (MEANTIME and spaCy include it, tidings does not).

The text is rebuilt from MEANTIME's tokens as a news site would print it (PTB
quotes ``...'' become straight double quotes, "O' Leary" is "O'Leary").

    python eval/ner_meantime.py [--limit N] [--errors N]

Exits 1 when the floor (``FLOORS``: the issue's, tidings' head-match F1 over
all types at least 3 points above the bare model's; docs/entities.md) is
missed; exits 0 and prints "SKIP" when the shared data is absent.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import check_floors, shared_data_dir, skipped  # noqa: E402

TYPES = ("PER", "ORG", "LOC")
MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "NORP": "LOC"}
MAX_SENTENCE = 5
# The floor: tidings - bare, head-match F1 over PER/ORG/LOC together.
FLOORS = {"head_f1_gain": 0.03}
_NO_SPACE_BEFORE = {",", ".", ":", ";", "?", "!", ")", "]", "}", "'s", "n't", "'", "''", "%", "'re", "'ve", "'ll", "'d", "'m"}
_NO_SPACE_AFTER = {"(", "[", "{", "``", "$", "#"}
_PTB_QUOTES = {"``": '"', "''": '"'}
_ELIDED = re.compile(r"[OD]'")  # "O'" "Leary" -> "O'Leary"


@dataclass
class Article:
    name: str
    text: str
    headline_end: int
    token_spans: list[tuple[int, int, int]]  # (start, end, sentence)
    gold: set[tuple[int, int, str]]  # (first token index, last token index, type)


def read_article(path: Path) -> Article:
    """Detokenise a MEANTIME file and collect its gold name mentions."""
    root = ET.parse(path).getroot()
    tokens = [(t.get("t_id"), t.text or "", int(t.get("sentence"))) for t in root.iter("token")]
    index = {tid: i for i, (tid, _, _) in enumerate(tokens)}
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    pos = 0
    prev_sent = -1
    prev_text = ""
    headline_end = 0
    for _tid, raw, sent in tokens:
        text = _PTB_QUOTES.get(raw, raw)
        if prev_sent >= 0:
            if sent != prev_sent and prev_sent <= 1:
                sep = "\n\n"
            elif raw in _NO_SPACE_BEFORE or prev_text in _NO_SPACE_AFTER or _ELIDED.fullmatch(prev_text):
                sep = ""
            else:
                sep = " "
            if sent != prev_sent and prev_sent == 0:
                headline_end = pos
            parts.append(sep)
            pos += len(sep)
        spans.append((pos, pos + len(text), sent))
        parts.append(text)
        pos += len(text)
        prev_sent, prev_text = sent, raw
    markables = root.find("Markables")
    relations = root.find("Relations")
    types = {e.get("m_id"): e.get("ent_type") for e in markables.iter("ENTITY")}
    refers: dict[str, str] = {}
    for rel in relations.iter("REFERS_TO"):
        target = rel.find("target")
        for src in rel.iter("source"):
            if target is not None:
                refers[src.get("m_id")] = target.get("m_id")
    gold: set[tuple[int, int, str]] = set()
    for m in markables.iter("ENTITY_MENTION"):
        if m.get("syntactic_type") not in {"NAM", "PRE.NAM"}:
            continue
        etype = types.get(refers.get(m.get("m_id"), ""))
        ids = [index[a.get("t_id")] for a in m.iter("token_anchor") if a.get("t_id") in index]
        if etype not in TYPES or not ids or spans[ids[0]][2] > MAX_SENTENCE:
            continue
        gold.add((min(ids), max(ids), etype))
    return Article(path.stem, "".join(parts), headline_end, spans, gold)


def to_tokens(article: Article, start: int, end: int) -> tuple[int, int] | None:
    """Map a character span to (first, last) MEANTIME token indices."""
    first = last = None
    for i, (a, b, _s) in enumerate(article.token_spans):
        if b > start and a < end:
            if first is None:
                first = i
            last = i
    return None if first is None else (first, last)  # type: ignore[return-value]


def without_the(article: Article, spans: set[tuple[int, int, str]]) -> set[tuple[int, int, str]]:
    """The same spans with a leading determiner left out (for exact-span scoring)."""
    out = set()
    for a, b, t in spans:
        start, end, _s = article.token_spans[a]
        if a < b and article.text[start:end] in {"the", "The", "THE"}:
            a += 1
        out.add((a, b, t))
    return out


def score(gold: list[set[tuple[int, int, str]]], pred: list[set[tuple[int, int, str]]],
          *, exact: bool) -> dict[str, tuple[float, float, float]]:
    """Precision, recall, F1 per type and overall ("ALL")."""
    tp: Counter[str] = Counter()
    np_: Counter[str] = Counter()
    ng: Counter[str] = Counter()
    for g_set, p_set in zip(gold, pred, strict=True):
        for _a, _b, t in g_set:
            ng[t] += 1
        for _a, _b, t in p_set:
            np_[t] += 1
        used: set[tuple[int, int, str]] = set()
        for p in sorted(p_set):
            for g in sorted(g_set):
                if g in used or g[2] != p[2]:
                    continue
                if (exact and g[:2] == p[:2]) or (not exact and g[1] == p[1] and g[0] <= p[0]):
                    used.add(g)
                    tp[p[2]] += 1
                    break
    out = {}
    for t in (*TYPES, "ALL"):
        if t == "ALL":
            a, b, c = sum(tp.values()), sum(np_.values()), sum(ng.values())
        else:
            a, b, c = tp[t], np_[t], ng[t]
        p = a / b if b else 0.0
        r = a / c if c else 0.0
        out[t] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return out


def errors(articles: list[Article], gold: list[set[tuple[int, int, str]]],
           pred: list[set[tuple[int, int, str]]]) -> Counter[tuple[str, str, str]]:
    """Unmatched predictions (``FP``) and gold mentions (``FN``) by text and type, head match."""
    out: Counter[tuple[str, str, str]] = Counter()

    def text(art: Article, a: int, b: int) -> str:
        return art.text[art.token_spans[a][0] : art.token_spans[b][1]]

    for art, g_set, p_set in zip(articles, gold, pred, strict=True):
        used: set[tuple[int, int, str]] = set()
        for p in sorted(p_set):
            hit = next((g for g in sorted(g_set) if g not in used and g[2] == p[2] and g[1] == p[1] and g[0] <= p[0]),
                       None)
            if hit is None:
                out["FP", text(art, p[0], p[1]), p[2]] += 1
            else:
                used.add(hit)
        for g in g_set - used:
            out["FN", text(art, g[0], g[1]), g[2]] += 1
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="Score only the first N articles.")
    parser.add_argument("--errors", type=int, default=0, metavar="N",
                        help="Also print tidings' N most frequent errors (head match).")
    args = parser.parse_args()
    data = shared_data_dir()
    root = data / "time" / "meantime-en" if data else None
    if root is None or not root.is_dir():
        return skipped("ner_meantime: time/meantime-en")
    files = sorted(root.glob("**/intra-doc_annotation/*/*.xml"))
    if args.limit:
        files = files[: args.limit]
    articles = [read_article(f) for f in files]

    import spacy

    from tidings.nlp.pipeline import MODEL, load_pipeline
    from tidings.records import Article as Record
    from tidings.records import Section

    bare = spacy.load(MODEL)
    tidings = load_pipeline(("entities",))
    gold = [a.gold for a in articles]
    pred_bare: list[set[tuple[int, int, str]]] = []
    pred_tidings: list[set[tuple[int, int, str]]] = []
    t_bare = t_tidings = 0.0
    for art in articles:

        def keep(start: int, end: int, label: str, art: Article = art) -> tuple[int, int, str] | None:
            t = MAP.get(label)
            tok = to_tokens(art, start, end)
            if t is None or tok is None or art.token_spans[tok[0]][2] > MAX_SENTENCE:
                return None
            return (tok[0], tok[1], t)

        t0 = time.perf_counter()
        doc = bare(art.text)
        t_bare += time.perf_counter() - t0
        pred_bare.append({k for e in doc.ents if (k := keep(e.start_char, e.end_char, e.label_))})

        record = Record(text=art.text, source_path=art.name, headline=art.text[: art.headline_end],
                        sections=(Section("headline", 0, art.headline_end),
                                  Section("body", art.headline_end, len(art.text))))
        from tidings.nlp.pipeline import make_doc

        t0 = time.perf_counter()
        tdoc = tidings(make_doc(tidings, record))
        t_tidings += time.perf_counter() - t0
        found = set()
        for ent in tdoc._.tidings_entities:
            for m in ent["mentions"]:
                if m.get("kind") != "name":
                    continue
                # A name with an honorific ("Mr Smith") is scored on its name.
                start = m["start"]
                first = m["text"].split(" ", 1)
                if len(first) == 2 and first[0] in {"Mr", "Mrs", "Ms", "Dr", "Mr.", "Mrs.", "Ms.", "Dr."}:
                    start += len(first[0]) + 1
                k = keep(start, m["end"], ent["type"])
                if k:
                    found.add(k)
        pred_tidings.append(found)

    n_gold = sum(len(g) for g in gold)
    print(f"MEANTIME English: {len(articles)} articles, {n_gold} gold name mentions (PER/ORG/LOC, sentences <= {MAX_SENTENCE})")
    gains: dict[str, float] = {}
    for exact in (False, True):
        label = "exact span (a leading 'the' left out)" if exact else "head match (same last token)"
        print(f"\n{label}")
        print(f"{'system':<22}" + "".join(f"{t + ' P/R/F1':>22}" for t in (*TYPES, "ALL")))
        results = {}
        for name, pred in (("bare en_core_web_sm", pred_bare), ("tidings", pred_tidings)):
            if exact:
                s = score([without_the(a, g) for a, g in zip(articles, gold, strict=True)],
                          [without_the(a, p) for a, p in zip(articles, pred, strict=True)], exact=True)
            else:
                s = score(gold, pred, exact=False)
            results[name] = s
            print(f"{name:<22}" + "".join(f"{s[t][0]:>8.3f}{s[t][1]:>7.3f}{s[t][2]:>7.3f}" for t in (*TYPES, "ALL")))
        gain = results["tidings"]["ALL"][2] - results["bare en_core_web_sm"]["ALL"][2]
        print(f"tidings - bare: {100 * gain:+.1f} F1 points")
        gains["exact_f1_gain" if exact else "head_f1_gain"] = gain
    print(f"\ntime: bare {t_bare:.1f}s, tidings (model + entities) {t_tidings:.1f}s")
    if args.errors:
        print(f"\ntidings' {args.errors} most frequent errors (FP: predicted, not gold; FN: gold, not found)")
        for (kind, words, etype), n in errors(articles, gold, pred_tidings).most_common(args.errors):
            print(f"{n:>4}  {kind}  {etype:<4} {words}")
    return 0 if check_floors(gains, FLOORS) else 1


if __name__ == "__main__":
    raise SystemExit(main())
