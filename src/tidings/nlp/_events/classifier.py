"""A learned PLOVER event classifier for clauses and sentences.

The trigger lexicon says *which word* is an event; this model says whether a
stretch of text reports a political event at all, and of which PLOVER type(s).
It is meant for the places where the lexicon is silent (no trigger) or
ambiguous (a trigger in a sports, product or accident context: "beat",
"attack", "launch"), where its no-event probability can veto a hit.

The model is linear (one logistic output per PLOVER type, plus one for "any
event") over sparse binary features read from the spaCy parse: words (names
replaced by their entity label), word pairs, lemmas, and the lemma triples
around each verb (``fire|dobj|gas``, ``fire|at|protester``). Its weights ship
as ``tidings/data/events/event_classifier.npz`` with a provenance and
settings file ``event_classifier.json`` beside it; see
``tidings/data/events/event_classifier.md`` for how it was trained and how to
retrain it (``tools/train_event_classifier.py --labels my.jsonl``).

Usage::

    from tidings.nlp._events.classifier import classify, load_classifier

    probs = classify(["Police fired tear gas at protesters."])
    probs[0]["ASSAULT"], probs[0]["NONE"]   # probabilities in [0, 1]
    load_classifier().predict(spans)        # [["ASSAULT", "PROTEST"], []...]

Spans (or Docs) already parsed by the pipeline are read as they are; strings
are parsed first with spaCy's model (loaded once, offline).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from tidings.errors import LexiconError

NONE = "NONE"
"""The key of the no-event probability in :func:`classify`'s dicts."""

EVENT = "EVENT"
"""The name of the model's "any event" output (``NONE`` is one minus it)."""

WEIGHTS = "event_classifier.npz"
SETTINGS = "event_classifier.json"
FEATURE_VERSION = 2
"""The feature set :func:`span_features` computes by default (version 1: the
first shipped model's; a model records its version and is scored with it)."""
FEATURE_VERSIONS = frozenset({1, 2})

# Entity labels that stand in for the words they cover ("w=<GPE>"), so that
# the model learns "<GPE> troops" rather than "Russian troops".
_NAME_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT",
                          "WORK_OF_ART", "LAW", "LANGUAGE"})
_NUMBER_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
# Dependents of a verb read as lemma triples.
_ARG_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "dative", "attr", "agent", "xcomp", "ccomp",
                       "acomp", "oprd", "neg", "prt", "csubj", "advcl"})


# ---------------------------------------------------------------------------
# Features
# ---------------------------------------------------------------------------

def _word(tok: Token) -> str:
    if tok.ent_type_ in _NAME_LABELS:
        return f"<{tok.ent_type_}>"
    if tok.ent_type_ in _NUMBER_LABELS or tok.like_num:
        return "<NUM>"
    return tok.lower_


def _lemma(tok: Token) -> str:
    if tok.ent_type_ in _NAME_LABELS:
        return f"<{tok.ent_type_}>"
    if tok.ent_type_ in _NUMBER_LABELS or tok.like_num:
        return "<NUM>"
    return (tok.lemma_ or tok.lower_).lower()


def span_features(span: Span | Doc, version: int = FEATURE_VERSION) -> list[str]:
    """The sparse features of one clause or sentence (a parsed Span or Doc).

    Args:
        span: text parsed by a spaCy pipeline with tagger, parser, lemmatizer
            and entity recogniser (the tidings pipeline or spaCy's model).
        version: the feature set (1 or 2), as the model to score was trained with.

    Returns:
        Feature names, each at most once, in a stable order.
    """
    feats = _base_features(span)
    if version >= 2:
        _root_features(span, feats)
    return list(feats)


def _base_features(span: Span | Doc) -> dict[str, None]:
    """Version 1: words, word pairs, lemmas, verb argument triples, entity labels."""
    toks = [t for t in span if not t.is_space]
    feats: dict[str, None] = {}
    words = [_word(t) for t in toks if not t.is_punct]
    for w in words:
        feats[f"w={w}"] = None
    for a, b in zip(words, words[1:], strict=False):
        if a != b:
            feats[f"b={a}_{b}"] = None
    start, end = (span.start, span.end) if isinstance(span, Span) else (0, len(span))
    for t in toks:
        if t.is_punct or t.is_stop or t.pos_ in {"PROPN", "NUM", "SYM", "X"}:
            continue
        lemma = _lemma(t)
        feats[f"l={lemma}"] = None
        if t.pos_ not in {"VERB", "NOUN", "AUX"}:
            continue
        if t.head is t or not start <= t.head.i < end:
            feats[f"r={lemma}"] = None
        if t.pos_ == "VERB":
            if t.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in t.children):
                feats[f"pass={lemma}"] = None
            for c in t.children:
                if c.dep_ in _ARG_DEPS:
                    feats[f"t={lemma}|{c.dep_}|{_lemma(c)}"] = None
                    if c.dep_ in {"nsubj", "nsubjpass", "dobj"} and c.ent_type_:
                        feats[f"e={lemma}|{c.dep_}|{c.ent_type_}"] = None
                elif c.dep_ == "prep":
                    for g in c.children:
                        if g.dep_ == "pobj":
                            feats[f"t={lemma}|{c.lower_}|{_lemma(g)}"] = None
    for ent in (span.ents if isinstance(span, Span) else span.ents):
        feats[f"ent={ent.label_}"] = None
    return feats


def _root_features(span: Span | Doc, feats: dict[str, None]) -> None:
    """Version 2: the lemma of each root of the span (``root=``), which version 1
    meant to read (its ``r=``) but never did, testing tokens by identity."""
    start, end = (span.start, span.end) if isinstance(span, Span) else (0, len(span))
    for t in span:
        if (t.head.i == t.i or not start <= t.head.i < end) and t.pos_ in {"VERB", "NOUN", "AUX"}:
            feats[f"root={_lemma(t)}"] = None


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class EventClassifier:
    """Loaded weights: one logistic output per label, over binary features.

    Attributes:
        labels: the outputs, the PLOVER types then ``EVENT``.
        index: feature name to row of ``weights``.
        weights: ``(n_features, n_labels)`` float32.
        bias: ``(n_labels,)`` float32.
        calibration: ``(n_labels, 2)``: each output's raw score ``s`` gives
            ``p = sigmoid(a * s + b)`` (Platt scaling fitted on the dev split).
        thresholds: per type, the probability from which :meth:`predict` reports
            it; ``NONE``: the no-event probability from which nothing is reported.
        settings: the settings file as read (provenance, training figures).
        feature_version: the feature set the weights were trained on (see
            :func:`span_features`); texts are scored with the same one.
    """

    labels: tuple[str, ...]
    index: dict[str, int]
    weights: np.ndarray
    bias: np.ndarray
    calibration: np.ndarray
    thresholds: dict[str, float]
    settings: dict[str, Any] = field(default_factory=dict)
    feature_version: int = 1

    @property
    def types(self) -> tuple[str, ...]:
        """The PLOVER types the model scores."""
        return tuple(label for label in self.labels if label != EVENT)

    def vectorize(self, feature_lists: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sparse rows (CSR arrays: indptr, indices, values), each row scaled to unit length."""
        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        for feats in feature_lists:
            rows = sorted({self.index[f] for f in feats if f in self.index})
            indices.extend(rows)
            scale = 1.0 / math.sqrt(len(rows)) if rows else 0.0
            values.extend([scale] * len(rows))
            indptr.append(len(indices))
        return (np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int64),
                np.asarray(values, dtype=np.float32))

    def raw_scores(self, feature_lists: Sequence[Sequence[str]]) -> np.ndarray:
        """The linear scores, ``(n_texts, n_labels)``."""
        indptr, indices, values = self.vectorize(feature_lists)
        out = np.zeros((len(feature_lists), len(self.labels)), dtype=np.float32)
        filled = np.diff(indptr) > 0
        if filled.any():
            contrib = self.weights[indices] * values[:, None]
            out[filled] = np.add.reduceat(contrib, indptr[:-1][filled], axis=0)
        scores: np.ndarray = out + self.bias
        return scores

    def probabilities(self, feature_lists: Sequence[Sequence[str]]) -> np.ndarray:
        """Calibrated probabilities, ``(n_texts, n_labels)``."""
        s = self.raw_scores(feature_lists)
        z = s * self.calibration[:, 0] + self.calibration[:, 1]
        probs: np.ndarray = 1.0 / (1.0 + np.exp(-z))
        return probs

    def scores(self, items: Iterable[str | Span | Doc], *, nlp: Language | None = None) -> list[dict[str, float]]:
        """Per item, the probability of each PLOVER type and the no-event probability (key ``NONE``)."""
        feature_lists = [span_features(s, self.feature_version) for s in _parsed(list(items), nlp)]
        if not feature_lists:
            return []
        probs = self.probabilities(feature_lists)
        event_col = self.labels.index(EVENT)
        out = []
        for row in probs:
            d = {label: float(p) for label, p in zip(self.labels, row, strict=True) if label != EVENT}
            d[NONE] = float(1.0 - row[event_col])
            out.append(d)
        return out

    def predict(self, items: Iterable[str | Span | Doc], *, nlp: Language | None = None) -> list[list[str]]:
        """Per item, the PLOVER types over their thresholds, most probable first; ``[]`` for no event."""
        return [self.decide(d) for d in self.scores(items, nlp=nlp)]

    def decide(self, probs: dict[str, float]) -> list[str]:
        """The types that :meth:`predict` reports for one dict of :meth:`scores`."""
        if probs[NONE] >= self.thresholds.get(NONE, 0.5):
            return []
        chosen = [t for t in self.types if probs[t] >= self.thresholds.get(t, 0.5)]
        return sorted(chosen, key=lambda t: -probs[t])


def _parsed(items: list[str | Span | Doc], nlp: Language | None) -> list[Span | Doc]:
    texts = [i for i, item in enumerate(items) if isinstance(item, str)]
    if not texts:
        return items  # type: ignore[return-value]
    nlp = nlp or _parser()
    out: list[Span | Doc] = list(items)  # type: ignore[arg-type]
    for i, doc in zip(texts, nlp.pipe([str(items[i]) for i in texts], batch_size=64), strict=True):
        out[i] = doc
    return out


@functools.lru_cache(maxsize=1)
def _parser() -> Language:
    import spacy

    from tidings.nlp.pipeline import MODEL

    return spacy.load(MODEL)


def _resource(name: str) -> Path:
    with resources.as_file(resources.files("tidings").joinpath("data", "events", name)) as p:
        return Path(p)


def load_classifier(path: str | Path | None = None) -> EventClassifier:
    """Load the classifier's weights (once per path and file content; offline).

    Args:
        path: a directory holding ``event_classifier.npz`` and
            ``event_classifier.json``, or the ``.npz`` file itself; ``None``
            for the shipped model.

    Returns:
        The loaded :class:`EventClassifier`.

    Raises:
        LexiconError: ``[T238]`` a file is missing or unreadable; ``[T239]``
            the files disagree (shape, labels, checksum, feature version).
    """
    if path is None:
        weights, settings = _resource(WEIGHTS), _resource(SETTINGS)
    else:
        p = Path(path)
        weights = p / WEIGHTS if p.is_dir() else p
        settings = weights.with_suffix(".json")
    try:
        stamps = (weights.stat(), settings.stat())
    except OSError as exc:
        raise LexiconError(f"[T238] cannot read the event classifier's files: {exc}; "
                           "retrain with tools/train_event_classifier.py", path=str(weights)) from exc
    return _load(str(weights), str(settings), tuple((st.st_mtime_ns, st.st_size) for st in stamps))


@functools.lru_cache(maxsize=4)
def _load(name: str, settings_name: str, stamps: tuple[tuple[int, int], ...]) -> EventClassifier:
    """Read and check the files (cached on their paths, times and sizes)."""
    try:
        blob = Path(name).read_bytes()
        meta = json.loads(Path(settings_name).read_text(encoding="utf-8"))
        with np.load(io.BytesIO(blob), allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError) as exc:
        raise LexiconError(f"[T238] cannot read the event classifier's files: {exc}", path=name) from exc
    sha = hashlib.sha256(blob).hexdigest()

    def bad(problem: str) -> LexiconError:
        return LexiconError(f"[T239] {problem}; retrain with tools/train_event_classifier.py", path=name)

    prov = meta.get("provenance") if isinstance(meta, dict) else None
    if not isinstance(prov, dict) or not (prov.get("source") and prov.get("licence")):
        raise bad("the settings file lacks its provenance (source, licence)")
    if meta.get("sha256") and meta["sha256"] != sha:
        raise bad(f"the weights' sha256 {sha[:12]}... is not the one the settings name ({meta['sha256'][:12]}...)")
    version = meta.get("feature_version")
    if version not in FEATURE_VERSIONS:
        raise bad(f"feature version {version!r}, expected one of {sorted(FEATURE_VERSIONS)}")
    missing = {"weights", "bias", "calibration", "features"} - set(arrays)
    if missing:
        raise bad(f"the weights file lacks {sorted(missing)}")
    labels = tuple(str(x) for x in meta.get("labels", []))
    if EVENT not in labels:
        raise bad(f"the labels {list(labels)} lack {EVENT}")
    names = bytes(arrays["features"].tobytes()).decode("utf-8").split("\n")
    w = arrays["weights"].astype(np.float32)
    if w.shape != (len(names), len(labels)) or arrays["bias"].shape != (len(labels),) \
            or arrays["calibration"].shape != (len(labels), 2):
        raise bad(f"weights of shape {w.shape} for {len(names)} features and {len(labels)} labels")
    thresholds = {str(k): float(v) for k, v in meta.get("thresholds", {}).items()}
    return EventClassifier(labels=labels, index={n: i for i, n in enumerate(names)}, weights=w,
                           bias=arrays["bias"].astype(np.float32),
                           calibration=arrays["calibration"].astype(np.float32),
                           thresholds=thresholds, settings=meta, feature_version=int(version))


def classify(items: Iterable[str | Span | Doc], *, classifier: EventClassifier | None = None,
             nlp: Language | None = None) -> list[dict[str, float]]:
    """Score clauses or sentences with the shipped (or given) classifier.

    Args:
        items: strings, or Spans/Docs already parsed by the pipeline (read as
            they are, no second parse).
        classifier: weights from :func:`load_classifier`; the shipped ones by default.
        nlp: the spaCy pipeline that parses strings; spaCy's model by default.

    Returns:
        One dict per item: each PLOVER type's probability, and ``NONE``, the
        probability that the item reports no political event.
    """
    return (classifier or load_classifier()).scores(items, nlp=nlp)


def save_classifier(folder: str | Path, *, labels: Sequence[str], features: Sequence[str],
                    weights: np.ndarray, bias: np.ndarray, calibration: np.ndarray,
                    thresholds: dict[str, float], settings: dict[str, Any],
                    feature_version: int = FEATURE_VERSION) -> Path:
    """Write ``event_classifier.npz`` and ``event_classifier.json`` (used by the training tool)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / WEIGHTS
    names = "\n".join(features).encode("utf-8")
    np.savez_compressed(target, weights=np.asarray(weights, dtype=np.float16),
                        bias=np.asarray(bias, dtype=np.float32),
                        calibration=np.asarray(calibration, dtype=np.float32),
                        features=np.frombuffer(names, dtype=np.uint8))
    meta = dict(settings)
    meta.update({"labels": list(labels), "thresholds": thresholds, "feature_version": feature_version,
                 "sha256": hashlib.sha256(target.read_bytes()).hexdigest()})
    (folder / SETTINGS).write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
