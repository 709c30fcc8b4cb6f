"""The evaluation gate: the floor lines every script prints, and make eval's skips without data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from helpers.modules import load_script
from helpers.records import REPO_ROOT

EVAL = REPO_ROOT / "eval"


def _eval_shared() -> ModuleType:
    return load_script("eval/_shared.py", "tidings_eval_shared")


def test_eval_check_floors_prints_one_line_per_floor(capsys: pytest.CaptureFixture[str]) -> None:
    shared = _eval_shared()
    figures = {"f1": 0.91, "rate": 0.25, "other": 0.1}
    assert shared.check_floors(figures, {"f1": 0.90}, label="tbaq") is True
    assert shared.check_floors(figures, {"f1": 0.95, "rate": 0.20}, ceilings={"rate"}) is False
    assert capsys.readouterr().out.splitlines() == [
        "FLOOR ok tbaq.f1 0.910 >= 0.9",
        "FLOOR MISS f1 0.910 >= 0.95",
        "FLOOR MISS rate 0.250 <= 0.2",
    ]


def test_eval_check_floors_misses_an_absent_figure(capsys: pytest.CaptureFixture[str]) -> None:
    shared = _eval_shared()
    assert shared.check_floors({"f1": float("nan")}, {"f1": 0.5, "recall": 0.5}) is False
    assert capsys.readouterr().out.splitlines() == ["FLOOR MISS f1 absent >= 0.5",
                                                    "FLOOR MISS recall absent >= 0.5"]


def test_eval_every_script_is_gated() -> None:
    scripts = sorted(p.stem for p in EVAL.glob("*.py") if not p.stem.startswith("_") and p.stem != "run_all")
    run_all = (EVAL / "run_all.py").read_text("utf-8")
    for name in scripts:
        text = (EVAL / f"{name}.py").read_text("utf-8")
        assert f'"{name}":' in run_all, f"make eval does not run {name}"
        assert "check_floors(" in text and "skipped(" in text, f"{name} does not print its floors or skips"


def _run_all(shared: Path, *names: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIDINGS_SHARED": str(shared)}
    return subprocess.run([sys.executable, str(EVAL / "run_all.py"), *names], capture_output=True,
                          text=True, env=env, timeout=300)


def test_eval_gate_skips_without_shared_data(tmp_path: Path) -> None:
    result = _run_all(tmp_path / "absent")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("SKIP make eval: no shared data")


def test_eval_gate_skips_an_absent_data_set(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    result = _run_all(tmp_path, "html_extraction", "quotes_polnear")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "SKIP html_extraction: html/trafilatura-eval-en is absent (set TIDINGS_SHARED to the shared directory)" in lines
    assert [line.split(" (")[0] for line in lines if line.startswith("EVAL ")] == [
        "EVAL SKIP html_extraction", "EVAL SKIP quotes_polnear"]
    assert lines[-1] == "eval: 0 passed, 0 failed, 2 skipped"


def test_eval_gate_refuses_an_unknown_name(tmp_path: Path) -> None:
    result = _run_all(tmp_path, "no_such_eval")
    assert result.returncode == 2
    assert "unknown evaluation(s) no_such_eval" in result.stderr


def test_eval_gate_runs_the_held_out_events_set_with_the_events_news_script(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    result = _run_all(tmp_path, "events_wire")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].startswith("== eval events_wire --gold ") and lines[1].endswith("events_wire_gold.yaml")
    assert "SKIP time/timebank-aquaint-tbaq is absent (set TIDINGS_SHARED to the shared directory)" in lines
    assert lines[-1] == "eval: 0 passed, 0 failed, 1 skipped"
