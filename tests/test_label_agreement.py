"""The arithmetic of tools/label_agreement.py (agreement between two codings), on toy codings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers.modules import load_script

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> Any:
    return load_script("tools/label_agreement.py")


def _k(i: int) -> tuple[str, int, int]:
    return ("doc:1", 10 * i, 10 * i + 9)


def _codings() -> tuple[dict, dict]:
    f = frozenset
    a = {_k(1): f({"ACCUSE"}), _k(2): f({"ACCUSE", "REQUEST"}), _k(3): f({"ASSAULT"}), _k(4): f({"SUPPORT"}),
         _k(5): f(), _k(6): f(), **{_k(i): f() for i in range(7, 11)},
         _k(99): f({"PROTEST"})}  # only in A: not compared
    b = {_k(1): f({"ACCUSE"}), _k(2): f({"ACCUSE"}), _k(3): f({"COERCE"}), _k(4): f(),
         _k(5): f({"REQUEST"}), _k(6): f({"THREATEN"}), **{_k(i): f() for i in range(7, 11)}}
    return a, b


def test_event_vs_none_agreement_and_kappa() -> None:
    agr = _tool().compare(*_codings())
    assert agr.sentences == 10
    assert (agr.table[True, True], agr.table[True, False], agr.table[False, True], agr.table[False, False]) \
        == (3, 1, 2, 4)
    # observed 0.7; expected 0.4*0.5 + 0.6*0.5 = 0.5; kappa (0.7-0.5)/(1-0.5)
    assert agr.observed == pytest.approx(0.7)
    assert agr.kappa == pytest.approx(0.4)
    assert agr.exact == 5


def test_type_scores_micro_and_per_type() -> None:
    agr = _tool().compare(*_codings())
    m = agr.micro
    assert (m.a, m.b, m.both) == (5, 5, 2)
    assert (m.precision, m.recall, m.f1) == (pytest.approx(0.4), pytest.approx(0.4), pytest.approx(0.4))
    accuse, request = agr.per_type["ACCUSE"], agr.per_type["REQUEST"]
    assert (accuse.a, accuse.b, accuse.both, accuse.f1) == (2, 2, 2, 1.0)
    assert (request.a, request.b, request.both, request.f1) == (1, 1, 0, 0.0)
    assert "PROTEST" not in agr.per_type


def test_kinds_of_disagreement() -> None:
    agr = _tool().compare(*_codings())
    assert len(agr.disagreements) == 5
    assert agr.kinds == {"event (A) vs none (B)": 1, "none (A) vs event (B)": 2,
                         "B gives fewer types than A": 1, "disjoint types": 1}
    assert agr.swaps == {("ASSAULT", "COERCE"): 1}


def test_kappa_when_both_coders_say_none_throughout() -> None:
    none = {_k(i): frozenset() for i in range(4)}
    agr = _tool().compare(none, dict(none))
    assert (agr.observed, agr.kappa, agr.micro.f1) == (1.0, 1.0, 0.0)


def test_read_spans_skips_provenance(tmp_path: Path) -> None:
    path = tmp_path / "x.spans.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"provenance": {"source": "toy"}},
        {"doc": "doc:1", "n": 0, "start": 0, "end": 9, "sha1": "ab", "types": ["ACCUSE"]},
    ]) + "\n", encoding="utf-8")
    labels = _tool().read_spans([path])
    assert list(labels) == [("doc:1", 0, 9)]
    assert labels["doc:1", 0, 9].types == frozenset({"ACCUSE"})
