"""Train the PLOVER event classifier shipped in ``src/tidings/data/events/``.

Run from the repository root (about 2 minutes on two quiet cores, most of it parsing)::

    python tools/train_event_classifier.py                  # train and ship the linear model
    python tools/train_event_classifier.py --model both     # also measure spaCy's textcat
    python tools/train_event_classifier.py --labels my.jsonl --out my_model/

Data, read at training time from the shared data folder (``../shared/data``
beside the repository, ``$TIDINGS_SHARED/data``, or ``--shared DIR``):

* positives: the NGEC VOA evidence quotes (``events/ngec-voa-plover/
  train_quotes.jsonl``, silver labels: one LLM annotator), one example per
  distinct quote of an article with the type(s) it was judged evidence of;
  the codebook's exemplars (``codebook.json``) go to training only;
* negatives ("no political event"), *weakly* labelled: sentences of BBC news
  articles of the sport, entertainment and tech sections
  (``news/bbc-news-fulltext``), a few per article; tech sentences naming a
  government, court, police, army, regulator, sanction, protest and the like
  are left out, since tech news does report such events. Business and
  politics are never used as negatives;
* the label files shipped in ``src/tidings/data/events/labels/`` (hard
  negatives written by hand: sport, accidents, weather, products... in the
  words of events; ``--no-shipped-labels`` leaves them out);
* span label files (``*.spans.jsonl``, shipped in the same folder or given
  with ``--labels``): sentences of real news articles of the shared data
  (Guardian, BBC, news-cluster) labelled by hand, stored as document id,
  character span and sha1 with no article text; the texts are read back with
  ``tools/news_text.py`` (``resolve_labels``). A span that cannot be read back
  is reported on one line and skipped; without the shared data the files are
  skipped with one line. Their examples belong to the article ``news:DOC``
  (``news:guardian-sdf:3``) and to the source ``news:COLLECTION``; figures are
  printed for them (the ``news`` part) apart from the rest (the ``voa`` part);
* ``--labels FILE`` (repeatable): a user's own labels, JSONL whose first line
  is ``{"provenance": {"source": ..., "licence": ...}}`` then one
  ``{"text": ..., "types": ["PROTEST"], "doc": "optional article id"}`` a line
  (``"types": []`` for no event), or a span label file;
* ``--include-petrarch``: the PETRARCH-2 unit-test records (CAMEO codes mapped
  to PLOVER with the shipped crosswalk; ``noevents`` records as negatives).
  They are left out by default, because ``eval/events_petrarch.py`` measures
  the event stage on them; by default they are scored as an out-of-domain test.

Examples are split by article (sha256 of seed and article id) into train
(70 %), dev (15 %) and test (15 %); a dev or test text also found in train is
dropped. Models are trained on train; the model choice, its regularisation,
the Platt calibration and the decision thresholds are set on dev; the figures
printed for test are measured once, at the end. Two models are compared:

* ``linear``: scikit-learn logistic regression per type (and one for "any
  event") over the parse features of :func:`tidings.nlp._events.classifier.span_features`;
* ``spacy``: spaCy's ``textcat_multilabel`` (bag of words, 1-2 grams) over the same labels.

Only the linear model can be shipped (exported to plain arrays that load with
numpy alone); ``--model spacy`` measures spaCy's without writing anything.
Needs scikit-learn (``pip install scikit-learn``, or the ``train`` extra).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "eval"))
sys.path.insert(0, str(REPO / "tools"))

from tidings.nlp._events.classifier import EVENT, FEATURE_VERSION, save_classifier, span_features  # noqa: E402

SHIPPED_LABELS = REPO / "src" / "tidings" / "data" / "events" / "labels"
SPAN_SUFFIX = ".spans.jsonl"
NEWS_PREFIX = "news:"
SPLITS = (("train", 0.70), ("dev", 0.15), ("test", 0.15))
NEGATIVE_SECTIONS = ("sport", "entertainment", "tech")
# A tech (or other weakly negative) sentence with one of these words may well
# report a political event ("the EU fined Microsoft"): it is not used.
POLITICAL = re.compile(
    r"\b(government|minister|ministry|parliament|president|senate|congress|court|judge|police|"
    r"army|military|troops?|soldiers?|war|regulators?|commission|EU|European Union|UN|Nato|"
    r"sanctions?|embargo|ban(?:s|ned)?|protest(?:s|ers|ed)?|strike|fine[sd]?|sued?|lawsuit|"
    r"arrest(?:s|ed)?|charged|terror\w*|attack(?:s|ed)?|treaty|election|vote[sd]?|MPs?|"
    r"Labour|Tory|Tories|Conservatives?|Democrats?|Republicans?|campaigners?|union|"
    r"accus\w+|condemn\w*|agree[sd]?|talks|summit|deal)\b")
SENTENCE = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘A-Z])")


@dataclass
class Example:
    """One text with its PLOVER types (empty: no event), the article it comes from and its split."""

    text: str
    types: set[str]
    doc: str
    source: str
    split: str = ""
    features: list[str] = field(default_factory=list)


def default_shared() -> Path | None:
    """``$TIDINGS_SHARED/data`` or ``<repo>/../shared/data``, if present."""
    from _shared import shared_data_dir

    return shared_data_dir()


def split_of(doc: str, seed: int) -> str:
    """The split of an article: a fixed function of the seed and its id."""
    h = int(hashlib.sha256(f"{seed}:{doc}".encode()).hexdigest()[:12], 16) / 16**12
    acc = 0.0
    for name, share in SPLITS:
        acc += share
        if h < acc:
            return name
    return SPLITS[-1][0]


def read_ngec(folder: Path, types: set[str]) -> list[Example]:
    """The VOA evidence quotes, one example per distinct quote of an article."""
    by_key: dict[tuple[str, str], set[str]] = defaultdict(set)
    with (folder / "train_quotes.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            quote = " ".join(str(row.get("quote") or "").split())
            if quote and row.get("type") in types:
                by_key[(str(row["doc_id"]), quote)].add(row["type"])
    return [Example(text, t, f"voa:{doc}", "ngec") for (doc, text), t in by_key.items()]


def read_codebook(folder: Path, types: set[str]) -> list[Example]:
    """The codebook's exemplars ("Promise to sign a treaty"), for training only."""
    book = json.loads((folder / "codebook.json").read_text(encoding="utf-8"))
    out = []
    for typ, entry in book.items():
        if typ in types:
            out.extend(Example(str(x).split(" (note")[0], {typ}, "codebook", "codebook", split="train")
                       for x in entry.get("exemplars", []))
    return out


def read_bbc(folder: Path, per_doc: int, seed: int) -> list[Example]:
    """Weak negatives: a few sentences of each sport, entertainment and tech article."""
    rng = random.Random(seed)
    out = []
    for section in NEGATIVE_SECTIONS:
        for path in sorted((folder / section).glob("*.txt")):
            raw = path.read_text(encoding="utf-8", errors="replace")
            body = raw.split("\n", 1)[1] if "\n" in raw else raw
            sentences = []
            for para in body.split("\n"):
                for s in SENTENCE.split(para.strip()):
                    s = " ".join(s.split())
                    if 6 <= len(s.split()) <= 45 and not POLITICAL.search(s):
                        sentences.append(s)
            for s in rng.sample(sentences, min(per_doc, len(sentences))):
                out.append(Example(s, set(), f"bbc:{section}/{path.stem}", f"bbc-{section}"))
    return out


def read_petrarch(folder: Path) -> list[Example]:
    """The PETRARCH-2 unit-test records with mapped gold types; ``noevents`` ones as negatives."""
    from events_petrarch import read_records

    from tidings.nlp._events.ontology import EventKnowledge

    plover_of = EventKnowledge.load().plover_of
    out = []
    for rec in read_records(folder / "PETR.UnitTest.records.xml"):
        if rec["error"]:
            continue
        mapped = {str(row["type"]) for _, _, code in rec["gold"] if (row := plover_of(code)) and row.get("type")}
        if rec["noevents"]:
            out.append(Example(rec["text"], set(), f"petrarch:{rec['id']}", "petrarch"))
        elif mapped:
            out.append(Example(rec["text"], mapped, f"petrarch:{rec['id']}", "petrarch"))
    return out


def read_labels(path: str, types: set[str]) -> list[Example]:
    """A user's label file (JSONL with a provenance first line)."""
    from tidings.errors import LexiconError
    from tidings.knowledge.files import Field, load_data_file

    def check(values: list[str]) -> str | None:
        bad = [v for v in values if v not in types]
        return f"unknown PLOVER type(s) {bad}" if bad else None

    data = load_data_file(path, (Field("text", required=True), Field("types", kind="list", check=check),
                                 Field("doc")))
    if not data.entries:
        raise LexiconError("[T239] the label file has no entries", path=path)
    return [Example(e["text"], set(e["types"]), f"labels:{e.get('doc') or Path(path).name + ':' + str(e['_line'])}",
                    f"labels:{Path(path).name}") for e in data.entries]


def is_span_file(path: str | Path) -> bool:
    """Whether a label file holds spans of the shared news texts (``*.spans.jsonl``) rather than texts."""
    return Path(path).name.endswith(SPAN_SUFFIX)


def label_files(folder: Path = SHIPPED_LABELS) -> tuple[list[Path], list[Path]]:
    """The label files of a folder: ``(plain, spans)``, plain ``*.jsonl`` texts and ``*.spans.jsonl`` spans."""
    every = sorted(folder.glob("*.jsonl"))
    return [p for p in every if not is_span_file(p)], [p for p in every if is_span_file(p)]


def part_of(ex: Example) -> str:
    """``news`` for an example of a span label file (a real article's sentence), else ``voa``
    (the VOA quotes, the BBC weak negatives, the text label files)."""
    return "news" if ex.source.startswith(NEWS_PREFIX) else "voa"


def read_span_labels(path: str | Path, shared: Path, types: set[str]) -> tuple[list[Example], list[str]]:
    """A span label file's sentences, read back from the shared news texts.

    Each example's article is ``news:`` and the span's document id
    (``news:guardian-sdf:3``), its source ``news:`` and the collection
    (``news:guardian-sdf``, ``news:bbc``, ``news:cluster``).

    Returns:
        ``(examples, problems)``: one problem line per span that cannot be read
        back or names an unknown type (the span is skipped), or one for the whole
        file when it cannot be read.
    """
    from news_text import resolve_labels

    path = Path(path)
    try:
        entries, problems = resolve_labels(path, shared)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [], [f"{path.name}: unreadable span label file, skipped ({type(exc).__name__}: {exc})"]
    out = []
    for e in entries:
        bad = sorted(set(e["types"]) - types)
        if bad:
            problems.append(f"{path.name}: {e['doc']}: unknown PLOVER type(s) {bad}, skipped")
            continue
        kind = str(e["doc"]).split(":", 1)[0]
        out.append(Example(e["text"], set(e["types"]), f"{NEWS_PREFIX}{e['doc']}", f"{NEWS_PREFIX}{kind}"))
    return out, problems


def assemble(shared: Path | None, *, labels: Sequence[str | Path] = (), include_petrarch: bool = False,
             per_doc: int = 3, seed: int = 13) -> tuple[list[Example], list[Example]]:
    """All examples with their split, and (when not trained on) the PETRARCH records as an extra test.

    ``labels`` may name text label files (``*.jsonl``) and span label files
    (``*.spans.jsonl``, read back from the shared news texts; skipped, with one
    line, without the shared data). A BBC article with span labels gives no weak
    negatives: its hand labels replace them.

    Returns:
        ``(examples, petrarch)``; ``petrarch`` is empty when included in training or absent.
    """
    from tidings.nlp._events.ontology import EventKnowledge

    types = set(EventKnowledge.load().types)
    examples: list[Example] = []
    petrarch: list[Example] = []
    spans: list[Example] = []
    span_files = [p for p in labels if is_span_file(p)]
    if span_files and shared is None:
        print(f"span label files skipped, no shared data to read their texts from: "
              f"{', '.join(Path(p).name for p in span_files)}", file=sys.stderr)
    elif span_files:
        assert shared is not None
        for path in span_files:
            found, problems = read_span_labels(path, shared, types)
            for line in problems:
                print(line, file=sys.stderr)
            spans += found
    if shared is not None:
        ngec = shared / "events" / "ngec-voa-plover"
        if ngec.is_dir():
            examples += read_ngec(ngec, types) + read_codebook(ngec, types)
        bbc = shared / "news" / "bbc-news-fulltext"
        if bbc.is_dir():
            hand = {ex.doc.removeprefix(NEWS_PREFIX) for ex in spans}
            examples += [ex for ex in read_bbc(bbc, per_doc, seed) if ex.doc not in hand]
        pet = shared / "events" / "petrarch2-validation"
        if pet.is_dir():
            (examples if include_petrarch else petrarch).extend(read_petrarch(pet))
    for path in labels:
        if not is_span_file(path):
            examples += read_labels(str(path), types)
    examples += spans
    for ex in examples:
        ex.split = ex.split or split_of(ex.doc, seed)
    seen = {ex.text.lower() for ex in examples if ex.split == "train"}
    examples = [ex for ex in examples if ex.split == "train" or ex.text.lower() not in seen]
    return examples, petrarch


def featurize(examples: list[Example], nlp: Any, version: int = FEATURE_VERSION, cache: Path | None = None) -> None:
    """Parse each text once and store its features (of the given feature version).

    ``cache``: a pickle of features by text, read first and written back (for
    repeated trials; the features are a function of the text, the model and the
    feature version, all three in the cache's key).
    """
    import pickle

    key = (_model_key(), version)
    known: dict[str, list[str]] = {}
    if cache is not None and cache.is_file():
        stored = pickle.loads(cache.read_bytes())
        known = stored["features"] if stored.get("key") == key else {}
    todo = [e for e in examples if e.text not in known]
    for ex, doc in zip(todo, nlp.pipe([e.text for e in todo], batch_size=256), strict=True):
        known[ex.text] = span_features(doc, version)
    for ex in examples:
        ex.features = known[ex.text]
    if cache is not None and todo:
        cache.write_bytes(pickle.dumps({"key": key, "features": known}))


def _model_key() -> str:
    """The parser model and its version, on which cached features depend."""
    import spacy

    from tidings.nlp.pipeline import MODEL

    return f"{MODEL}-{spacy.util.get_package_version(MODEL)}"


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------

def gold_matrix(examples: list[Example], labels: Sequence[str]) -> np.ndarray:
    y = np.zeros((len(examples), len(labels)), dtype=np.int8)
    for i, ex in enumerate(examples):
        for j, lab in enumerate(labels):
            y[i, j] = bool(ex.types) if lab == EVENT else lab in ex.types
    return y


def decisions(probs: np.ndarray, labels: Sequence[str], thresholds: dict[str, float]) -> np.ndarray:
    """0/1 per type (the EVENT column is dropped), after the no-event veto."""
    ev = labels.index(EVENT)
    keep = [j for j, lab in enumerate(labels) if lab != EVENT]
    out = np.zeros((len(probs), len(keep)), dtype=np.int8)
    veto = (1.0 - probs[:, ev]) >= thresholds.get("NONE", 1.01)
    for k, j in enumerate(keep):
        out[:, k] = (probs[:, j] >= thresholds.get(labels[j], 0.5)) & ~veto
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def figures(probs: np.ndarray, y: np.ndarray, labels: Sequence[str], thresholds: dict[str, float]) -> dict[str, Any]:
    """Per-type and micro P/R/F1, and event detection (any type vs none)."""
    types = [lab for lab in labels if lab != EVENT]
    keep = [labels.index(t) for t in types]
    pred = decisions(probs, labels, thresholds)
    gold = y[:, keep]
    per_type = {}
    for k, t in enumerate(types):
        tp = int(((pred[:, k] == 1) & (gold[:, k] == 1)).sum())
        fp = int(((pred[:, k] == 1) & (gold[:, k] == 0)).sum())
        fn = int(((pred[:, k] == 0) & (gold[:, k] == 1)).sum())
        per_type[t] = dict(zip(("p", "r", "f1"), prf(tp, fp, fn), strict=True)) | {"n": int(gold[:, k].sum())}
    tp = int(((pred == 1) & (gold == 1)).sum())
    fp = int(((pred == 1) & (gold == 0)).sum())
    fn = int(((pred == 0) & (gold == 1)).sum())
    micro = dict(zip(("p", "r", "f1"), prf(tp, fp, fn), strict=True))
    pe, ge = pred.any(axis=1), gold.any(axis=1)
    event = dict(zip(("p", "r", "f1"), prf(int((pe & ge).sum()), int((pe & ~ge).sum()), int((~pe & ge).sum())),
                     strict=True))
    false_event_rate = float(pe[~ge].mean()) if (~ge).any() else 0.0
    present = [v["f1"] for v in per_type.values() if v["n"]]
    macro = float(np.mean(present)) if present else 0.0
    return {"n": len(y), "n_event": int(ge.sum()), "micro": micro, "macro_f1": macro, "event": event,
            "false_event_rate": false_event_rate, "per_type": per_type}


def reliability(probs: np.ndarray, y: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Among (text, output) probabilities in each bin, the share that is right."""
    p, g = probs.ravel(), y.ravel()
    rows = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        m = (p >= lo) & ((p < hi) if b < bins - 1 else (p <= hi))
        if m.any():
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": int(m.sum()), "mean_p": float(p[m].mean()),
                         "share_true": float(g[m].mean())})
    return rows


# ---------------------------------------------------------------------------
# Calibration and thresholds (dev split)
# ---------------------------------------------------------------------------

def platt(scores: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per output, (a, b) with p = sigmoid(a * score + b), fitted by logistic regression on dev."""
    from sklearn.linear_model import LogisticRegression

    out = np.zeros((scores.shape[1], 2), dtype=np.float64)
    for j in range(scores.shape[1]):
        if y[:, j].min() == y[:, j].max():
            out[j] = (1.0, 0.0)
            continue
        lr = LogisticRegression(C=100.0).fit(scores[:, [j]], y[:, j])
        out[j] = (lr.coef_[0, 0], lr.intercept_[0])
    return out


def apply_platt(scores: np.ndarray, cal: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(scores * cal[:, 0] + cal[:, 1])))


def tune_thresholds(probs: np.ndarray, y: np.ndarray, labels: Sequence[str]) -> dict[str, float]:
    """Per type the threshold best for its dev F1, then the no-event veto best for dev micro-F1."""
    grid = [round(x, 2) for x in np.arange(0.15, 0.86, 0.05)]
    th: dict[str, float] = {}
    for j, lab in enumerate(labels):
        if lab == EVENT:
            continue
        best = (-1.0, 0.5)
        for t in grid:
            pr = probs[:, j] >= t
            f1 = prf(int((pr & (y[:, j] == 1)).sum()), int((pr & (y[:, j] == 0)).sum()),
                     int((~pr & (y[:, j] == 1)).sum()))[2]
            if f1 > best[0] + 1e-9:
                best = (f1, t)
        th[lab] = float(best[1])
    best_none = (-1.0, 1.01)
    for t in [*grid, 0.9, 0.95, 1.01]:
        f1 = figures(probs, y, labels, th | {"NONE": t})["micro"]["f1"]
        if f1 > best_none[0] + 1e-9:
            best_none = (f1, t)
    th["NONE"] = float(min(best_none[1], 1.0))
    return th


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------

@dataclass
class Trained:
    name: str
    labels: list[str]
    score: Any  # examples -> raw scores (n, n_labels)
    calibration: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    thresholds: dict[str, float] = field(default_factory=dict)
    dev: dict[str, Any] = field(default_factory=dict)
    export: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def vocabulary(train: list[Example], min_count: int) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    for ex in train:
        for f in ex.features:
            counts[f] += 1
    return sorted(f for f, c in counts.items() if c >= min_count)


def design(examples: list[Example], index: dict[str, int]) -> Any:
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for i, ex in enumerate(examples):
        js = sorted({index[f] for f in ex.features if f in index})
        for j in js:
            rows.append(i)
            cols.append(j)
            vals.append(1.0 / np.sqrt(len(js)))
    return csr_matrix((vals, (rows, cols)), shape=(len(examples), len(index)), dtype=np.float64)


def train_linear(train: list[Example], dev: list[Example], labels: list[str], *,
                 cs: Sequence[float] = (5.0, 10.0, 20.0, 50.0), min_count: int = 2,
                 news_weight: float = 1.0) -> Trained:
    """Logistic regression per output; C chosen on dev micro-F1 (after dev calibration and thresholds).

    ``news_weight``: the weight of a sentence of a real article (span label) in
    training, against 1 for a VOA quote or a weak negative.
    """
    from sklearn.linear_model import LogisticRegression

    started = time.perf_counter()
    names = vocabulary(train, min_count)
    index = {f: i for i, f in enumerate(names)}
    xtr, xdv = design(train, index), design(dev, index)
    ytr, ydv = gold_matrix(train, labels), gold_matrix(dev, labels)
    weights = np.array([news_weight if part_of(ex) == "news" else 1.0 for ex in train])
    best: Trained | None = None
    for c in cs:
        w = np.zeros((len(names), len(labels)))
        b = np.zeros(len(labels))
        for j in range(len(labels)):
            lr = LogisticRegression(C=c, solver="liblinear", max_iter=500).fit(xtr, ytr[:, j], sample_weight=weights)
            w[:, j], b[j] = lr.coef_[0], lr.intercept_[0]
        sdv = np.asarray(xdv @ w) + b
        cal = platt(sdv, ydv)
        pdv = apply_platt(sdv, cal)
        th = tune_thresholds(pdv, ydv, labels)
        dev_fig = figures(pdv, ydv, labels, th)
        print(f"  linear C={c}: dev micro-F1 {dev_fig['micro']['f1']:.3f}", flush=True)
        if best is None or dev_fig["micro"]["f1"] > best.dev["micro"]["f1"]:
            def score(exs: list[Example], w: np.ndarray = w, b: np.ndarray = b) -> np.ndarray:
                return np.asarray(design(exs, index) @ w) + b
            best = Trained("linear", labels, score, cal, th, dev_fig,
                           {"features": names, "weights": w, "bias": b, "C": c, "min_count": min_count})
    assert best is not None
    best.seconds = time.perf_counter() - started
    return best


def train_spacy(train: list[Example], dev: list[Example], labels: list[str], *, epochs: int = 12,
                seed: int = 13, arch: str = "bow") -> Trained:
    """spaCy's textcat_multilabel (bag of words); the epoch kept is the one best on dev micro-F1."""
    import spacy
    from spacy.training import Example as SpacyExample
    from spacy.util import fix_random_seed, minibatch

    started = time.perf_counter()
    fix_random_seed(seed)
    nlp = spacy.blank("en")
    if arch == "bow":
        model = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 2,
                 "no_output_layer": False, "length": 2**18}
    else:
        model = {"@architectures": "spacy.TextCatEnsemble.v2", "linear_model": {
            "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 2,
            "no_output_layer": False, "length": 2**18},
            "tok2vec": {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None, "width": 64,
                        "depth": 2, "embed_size": 2000, "window_size": 1, "maxout_pieces": 3,
                        "subword_features": True}}
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": model, "threshold": 0.5})
    for lab in labels:
        textcat.add_label(lab)

    def cats(ex: Example) -> dict[str, float]:
        return {lab: float(bool(ex.types)) if lab == EVENT else float(lab in ex.types) for lab in labels}

    data = [SpacyExample.from_dict(nlp.make_doc(ex.text), {"cats": cats(ex)}) for ex in train]
    optimizer = nlp.initialize(lambda: data)
    ydv = gold_matrix(dev, labels)

    def score_with(exs: list[Example]) -> np.ndarray:
        docs = list(nlp.pipe([e.text for e in exs], batch_size=256))
        p = np.array([[d.cats[lab] for lab in labels] for d in docs], dtype=np.float64)
        p = np.clip(p, 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))  # logits, so that Platt scaling applies as for the linear model

    best: Trained | None = None
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(data)
        losses: dict[str, float] = {}
        for batch in minibatch(data, size=32):
            nlp.update(batch, sgd=optimizer, losses=losses, drop=0.2)
        sdv = score_with(dev)
        cal = platt(sdv, ydv)
        pdv = apply_platt(sdv, cal)
        th = tune_thresholds(pdv, ydv, labels)
        dev_fig = figures(pdv, ydv, labels, th)
        print(f"  spacy {arch} epoch {epoch + 1}: loss {losses.get('textcat_multilabel', 0):.2f}, "
              f"dev micro-F1 {dev_fig['micro']['f1']:.3f}", flush=True)
        if best is None or dev_fig["micro"]["f1"] > best.dev["micro"]["f1"]:
            best = Trained(f"spacy-{arch}", labels, None, cal, th, dev_fig,
                           {"epoch": epoch + 1, "bytes": len(nlp.to_bytes())})
            best.score = score_with
            best.export["test_scores"] = None
            best.export["_frozen"] = nlp.to_bytes()
    assert best is not None
    # Score with the weights of the best epoch.
    nlp.from_bytes(best.export.pop("_frozen"))
    best.seconds = time.perf_counter() - started
    return best


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def table(fig: dict[str, Any], title: str) -> str:
    lines = [f"{title}: n={fig['n']} ({fig['n_event']} with an event)",
             "| type | P | R | F1 | n |", "|---|---|---|---|---|"]
    for t, v in fig["per_type"].items():
        lines.append(f"| {t} | {v['p']:.2f} | {v['r']:.2f} | {v['f1']:.2f} | {v['n']} |")
    m, e = fig["micro"], fig["event"]
    lines.append(f"| micro | {m['p']:.3f} | {m['r']:.3f} | {m['f1']:.3f} | |")
    lines.append(f"macro-F1 {fig['macro_f1']:.3f}; event vs none: P {e['p']:.3f} R {e['r']:.3f} F1 {e['f1']:.3f}; "
                 f"false-event rate on no-event texts {fig['false_event_rate']:.3f}")
    return "\n".join(lines)


def summary(fig: dict[str, Any]) -> dict[str, Any]:
    """The headline figures of :func:`figures` (no per-type rows), rounded, for the settings file."""
    return {"n": fig["n"], "n_event": fig["n_event"],
            "micro": {k: round(v, 4) for k, v in fig["micro"].items()}, "macro_f1": round(fig["macro_f1"], 4),
            "event_f1": round(fig["event"]["f1"], 4), "false_event_rate": round(fig["false_event_rate"], 4)}


def part_figures(t: Trained, by_split: dict[str, list[Example]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Dev and test figures of a trained model on each part of the data (``voa``, ``news``) that has texts there."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for name in ("dev", "test"):
        for part in ("voa", "news"):
            exs = [e for e in by_split[name] if part_of(e) == part]
            if exs:
                probs = apply_platt(t.score(exs), t.calibration)
                out.setdefault(part, {})[name] = figures(probs, gold_matrix(exs, t.labels), t.labels, t.thresholds)
    return out


def part_line(part: str, split: str, fig: dict[str, Any]) -> str:
    m, e = fig["micro"], fig["event"]
    return (f"  {part:4} {split:4}: n={fig['n']:5} ({fig['n_event']} with an event)  micro P {m['p']:.3f} "
            f"R {m['r']:.3f} F1 {m['f1']:.3f}; macro-F1 {fig['macro_f1']:.3f}; event F1 {e['f1']:.3f}; "
            f"false-event rate {fig['false_event_rate']:.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=None, help="the shared data folder (holding events/, news/)")
    parser.add_argument("--labels", action="append", default=[], help="a JSONL label file of your own (repeatable)")
    parser.add_argument("--no-shipped-labels", action="store_true",
                        help="leave out the label files shipped in src/tidings/data/events/labels/")
    parser.add_argument("--include-petrarch", action="store_true", help="train on the PETRARCH-2 unit-test records too")
    parser.add_argument("--model", choices=("both", "linear", "spacy"), default="linear",
                        help="linear (shipped), spacy (measured only), or both to compare them")
    parser.add_argument("--spacy-arch", choices=("bow", "ensemble"), default="bow")
    parser.add_argument("--per-doc", type=int, default=3, help="negative sentences per BBC article")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--feature-version", type=int, choices=(1, 2), default=FEATURE_VERSION,
                        help="the feature set (1: the first shipped model's)")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "tidings" / "data" / "events",
                        help="where to write event_classifier.npz/.json")
    parser.add_argument("--report", type=Path, default=None, help="write all figures as JSON here")
    parser.add_argument("--news-weight", type=float, default=1.0,
                        help="training weight of a sentence of a real article (span label) against a VOA quote's 1")
    parser.add_argument("--tune-on", choices=("all", "news"), default="all",
                        help="the dev examples that choose C, the calibration and the thresholds: all, or only the "
                             "sentences of real articles (the text the stage reads)")
    parser.add_argument("--cache", type=Path, default=None, help="a pickle of parse features, for repeated trials")
    args = parser.parse_args(argv)

    shared = args.shared if args.shared is not None else default_shared()
    if shared is not None and (shared / "data").is_dir() and not (shared / "events").is_dir():
        shared = shared / "data"
    if shared is None and not args.labels:
        print("no shared data and no --labels: nothing to train on", file=sys.stderr)
        return 2
    started = time.perf_counter()
    plain, spans = label_files()
    files = [] if args.no_shipped_labels else [str(p) for p in (*plain, *spans)]
    files += args.labels
    examples, petrarch = assemble(shared, labels=files, include_petrarch=args.include_petrarch,
                                  per_doc=args.per_doc, seed=args.seed)
    by_split = {name: [e for e in examples if e.split == name] for name, _ in SPLITS}
    for name, exs in by_split.items():
        print(f"{name}: {len(exs)} examples, {sum(bool(e.types) for e in exs)} with an event, "
              f"{len({e.doc for e in exs})} articles")
    if not by_split["train"] or not by_split["dev"]:
        print("too few examples to train and tune", file=sys.stderr)
        return 2

    import spacy

    from tidings.nlp._events.ontology import EventKnowledge
    from tidings.nlp.pipeline import MODEL

    labels = [t for t in EventKnowledge.load().types] + [EVENT]
    parse_start = time.perf_counter()
    featurize(examples + petrarch, spacy.load(MODEL), args.feature_version, args.cache)
    print(f"parsed {len(examples) + len(petrarch)} texts in {time.perf_counter() - parse_start:.0f} s", flush=True)

    trained: list[Trained] = []
    if args.model in ("both", "linear"):
        tune = [e for e in by_split["dev"] if part_of(e) == "news"] if args.tune_on == "news" else by_split["dev"]
        if not tune:
            print("no news sentences in dev to tune on", file=sys.stderr)
            return 2
        trained.append(train_linear(by_split["train"], tune, labels, news_weight=args.news_weight))
    if args.model in ("both", "spacy"):
        trained.append(train_spacy(by_split["train"], by_split["dev"], labels, seed=args.seed, arch=args.spacy_arch))
    chosen = max(trained, key=lambda t: t.dev["micro"]["f1"])
    if args.model == "both" and chosen.name != "linear":
        print(f"{chosen.name} is better on dev, but only the linear model can be shipped; shipping linear")
        chosen = next(t for t in trained if t.name == "linear")

    report: dict[str, Any] = {"data": {k: len(v) for k, v in by_split.items()}, "models": {}}
    test = by_split["test"]
    ytest = gold_matrix(test, labels)
    for t in trained:
        ptest = apply_platt(t.score(test), t.calibration) if test else np.zeros((0, len(labels)))
        entry = {"dev": t.dev, "test": figures(ptest, ytest, labels, t.thresholds) if test else None,
                 "seconds": round(t.seconds, 1), "thresholds": t.thresholds}
        if petrarch:
            ypet = gold_matrix(petrarch, labels)
            entry["petrarch"] = figures(apply_platt(t.score(petrarch), t.calibration), ypet, labels, t.thresholds)
        if t is chosen and test:
            entry["reliability_test"] = reliability(ptest, ytest)
        entry["parts"] = part_figures(t, by_split)
        report["models"][t.name] = entry
        print(f"\n== {t.name} (trained and tuned in {t.seconds:.0f} s)")
        print(table(t.dev, "dev"))
        if entry["test"]:
            print(table(entry["test"], "test (held out)"))
        print("by part of the data (voa: VOA quotes, BBC weak negatives, text label files; "
              "news: span labels of real articles):")
        for part, figs in entry["parts"].items():
            for name, fig in figs.items():
                print(part_line(part, name, fig))
        if "news" in entry["parts"] and "test" in entry["parts"]["news"]:
            print(table(entry["parts"]["news"]["test"], "news span labels, test (held out)"))
        if petrarch:
            print(table(entry["petrarch"], "PETRARCH-2 unit records (out of domain, not trained on)"))
    if chosen.name == "linear" and args.model != "spacy":
        ex = chosen.export
        settings = {
            "provenance": {
                "source": "trained by tools/train_event_classifier.py on the NGEC VOA PLOVER evidence quotes "
                          "(ahalterman/NGEC-2025, silver LLM labels; VOA text, US public domain), the NGEC "
                          "codebook exemplars, and weak negatives from BBC sport/entertainment/tech sentences "
                          "(Greene & Cunningham 2006 BBC dataset)"
                          + (", the PETRARCH-2 unit-test records" if args.include_petrarch else "")
                          + "".join(f", {Path(p).name}" for p in files),
                "licence": "weights: Apache-2.0 (as tidings); derived from MIT-declared labels and public-domain VOA text",
                "date": time.strftime("%Y-%m-%d"),
                "readme": "event_classifier.md",
            },
            "model": "linear", "C": ex["C"], "min_count": ex["min_count"],
            "split": {"seed": args.seed, "per_doc": args.per_doc, "shares": dict(SPLITS),
                      "include_petrarch": args.include_petrarch,
                      "labels": [Path(p).name for p in files],
                      "news_weight": args.news_weight, "tune_on": args.tune_on},
            "figures": {"dev_micro_f1": round(chosen.dev["micro"]["f1"], 4),
                        "test_micro_f1": round(report["models"]["linear"]["test"]["micro"]["f1"], 4) if test else None,
                        "parts": {part: {name: summary(fig) for name, fig in figs.items()}
                                  for part, figs in report["models"]["linear"]["parts"].items()}},
        }
        path = save_classifier(args.out, labels=labels, features=ex["features"], weights=ex["weights"],
                               bias=ex["bias"], calibration=chosen.calibration, thresholds=chosen.thresholds,
                               settings=settings, feature_version=args.feature_version)
        print(f"\nwrote {path} ({path.stat().st_size / 1e6:.1f} MB, {len(ex['features'])} features)")
    if args.report:
        args.report.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
