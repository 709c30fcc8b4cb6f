"""How likely a detected event is right: a calibrated score in [0, 1].

The score is a logistic function (Platt scaling) of a few features of the
event, fitted by ``tools/fit_event_confidence.py`` on the *dev* part of the
labelled VOA sentences (the classifier's split; the test part is what
``eval/events_sentences.py`` scores) and shipped as constants in
``tidings/data/events/event_confidence.json``:

* ``lexical``: how specific the trigger is (:func:`lexical_specificity`);
* ``p_type``: the classifier's probability of the event's type for its sentence;
* ``p_none``: the classifier's no-event probability for the sentence;
* ``occurred``: whether the event is told as having happened;
* ``participants``: how many of actor and target say who they are (0 to 2);
* ``found_by_model``: the event has no lexicon trigger and was proposed by the classifier.

Among events of score about x, about x of them are right on the fitting data.
Events below the shipped ``veto`` are not reported (the classifier's no-event
and type probabilities weigh against the lexicon's word there).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

from tidings.errors import LexiconError

CONFIDENCE = "event_confidence.json"
FEATURES = ("lexical", "p_type", "p_none", "occurred", "participants", "found_by_model")


@dataclass(frozen=True, slots=True)
class Calibration:
    """Fitted constants: ``score = 1 / (1 + exp(-(bias + sum(w * feature))))``."""

    weights: dict[str, float]
    bias: float
    veto: float
    settings: dict[str, Any]

    def score(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * float(v) for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@functools.lru_cache(maxsize=4)
def load_calibration(path: str | None = None) -> Calibration:
    """Read the shipped calibration (or the file at ``path``)."""
    try:
        if path is None:
            text = resources.files("tidings").joinpath("data", "events", CONFIDENCE).read_text(encoding="utf-8")
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        meta = json.loads(text)
        weights = {str(k): float(v) for k, v in meta["weights"].items()}
        unknown = set(weights) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown features {sorted(unknown)}")
        return Calibration(weights=weights, bias=float(meta["bias"]), veto=float(meta.get("veto", 0.0)),
                           settings=meta)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LexiconError(f"[T230] cannot read the event confidence calibration: {exc}",
                           path=path or f"tidings/data/events/{CONFIDENCE}") from exc
