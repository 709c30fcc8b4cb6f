"""The cross-validation logic of eval/stories_robust.py, on tiny synthetic features (no data, no model)."""

from __future__ import annotations

from types import ModuleType

import pytest

from helpers.modules import load_script
from tidings.stories import Features


def _load() -> ModuleType:
    return load_script("eval/stories_robust.py", "eval_stories_robust")


@pytest.fixture(scope="module")
def robust() -> ModuleType:
    return _load()


def test_splits_are_seeded_disjoint_halves(robust: ModuleType) -> None:
    events = list(range(1, 35))
    first = robust.splits(events, 3, 14)
    assert first == robust.splits(events, 3, 14)
    assert first != robust.splits(events, 3, 15)
    for a, b in first:
        assert not a & b and a | b == set(events) and len(a) == len(b) == 17
    assert len({a for a, _ in first}) == 3


def test_choose_takes_the_middle_of_tied_best_points(robust: ModuleType) -> None:
    points = robust.grid()
    curve = {p: {"pairwise_f1": 0.5, "bcubed_f1": 0.5} for p in points}
    tied = [p for p in points if 0.09 <= p[0] <= 0.11 and p[1] == 0.02]
    for p in tied:
        curve[p] = {"pairwise_f1": 0.9, "bcubed_f1": 0.95}
    assert robust.choose(curve) == tied[1]
    curve[tied[2]] = {"pairwise_f1": 0.91, "bcubed_f1": 0.95}
    assert robust.choose(curve) == tied[2]


def _articles(events: int, per_event: int) -> tuple[list[Features], dict[str, int]]:
    feats, gold = [], {}
    for event in range(events):
        for n in range(per_event):
            aid = f"a{event}-{n}"
            words = {f"event{event}word{k}" for k in range(4)} | {"common", f"only{aid}"}
            keys = {f"{space}:{w}": 1.0 for w in words for space in ("t", "w")}
            keys[f"e:person{event}"] = 1.0
            feats.append(Features(id=aid, published=17000.0 + event + n / 10, headline=aid, publisher=None, keys=keys))
            gold[aid] = event
    return feats, gold


def test_cross_validation_scores_held_out_halves(robust: ModuleType) -> None:
    feats, gold = _articles(events=6, per_event=3)
    result = robust.cross_validate(feats, gold, repeats=2, seed=1)
    assert len(result["rows"]) == 4
    for row in result["rows"]:
        assert row["chosen"] in robust.grid()
        assert row["heldout"]["events"] == 3
        assert row["heldout"]["pairwise_f1"] == row["oracle"]["pairwise_f1"] == 1.0
    assert set(result["mean_curve"]) == set(robust.grid())


def test_sensitivity_moves_each_setting_around_its_default(robust: ModuleType) -> None:
    feats, gold = _articles(events=3, per_event=2)
    curves = robust.sensitivity(feats, gold)
    assert set(curves) == {"threshold", "min_terms", "decay_days", "window_days", "terms_weight"}
    threshold = curves["threshold"]
    assert [r["step"] for r in threshold] == list(robust.SENSITIVITY)
    assert threshold[robust.SENSITIVITY.index(0.0)]["value"] == robust.DEFAULT.threshold
    assert threshold[0]["value"] == pytest.approx(robust.DEFAULT.threshold * 0.7, abs=1e-4)
