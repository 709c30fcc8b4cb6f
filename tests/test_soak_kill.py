"""kill -9 during `tidings ingest` and `tidings batch --db`, then resume: the store is intact and holds
exactly what a clean run holds.

Bounded for the default suite (a few kills over a few dozen articles); `make soak` runs it longer
(`TIDINGS_SOAK_KILLS`, `TIDINGS_SOAK_ARTICLES`).
"""

from __future__ import annotations

import copy
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from helpers.store import load_record
from tidings.store import Store

SRC = Path(__file__).resolve().parents[1] / "src"
ARTICLES = int(os.environ.get("TIDINGS_SOAK_ARTICLES", "80"))
KILLS = int(os.environ.get("TIDINGS_SOAK_KILLS", "3"))

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


def _env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{path}" if path else str(SRC)}


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "tidings.cli", *args]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, env=_env(), timeout=600)


def _timed(args: list[str]) -> float:
    started = time.perf_counter()
    done = _run(args)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - started


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # killed before the tables were made
        return 0


def _killed_then_resumed(args: list[str], db: Path, span: float, seed: int) -> list[int]:
    """Start the command and kill -9 it KILLS times, each time once the store holds a random number of
    articles it did not hold before, then a few random milliseconds more so that some kills land inside a
    write (a clean run's span bounds the wait); then run it to the end. Returns the articles stored after
    each kill. Watching the store, not the clock, makes every kill land mid-run on a fast or slow
    machine alike."""
    rng = random.Random(seed)
    seen = []
    for _ in range(KILLS):
        before = _stored(db)
        target = rng.randint(before + 1, ARTICLES - 1) if before + 1 < ARTICLES else ARTICLES
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
        deadline = time.perf_counter() + 2 * span + 30
        while proc.poll() is None and _stored(db) < target and time.perf_counter() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.02))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        seen.append(_stored(db))
    final = _run(args)
    assert final.returncode == 0, final.stderr
    return seen


def _state(db: Path) -> tuple[dict[str, int], set[str]]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with Store(str(db)) as store:
        return store.counts(), store.article_ids()


def _records(path: Path, n: int) -> Path:
    bases = [load_record(name) for name in ("visit_a", "visit_b", "unrelated")]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            record: dict[str, Any] = copy.deepcopy(bases[i % len(bases)])
            record["id"] = f"soak{i:05d}"
            record["url"] = f"https://news.example.org/soak/{i}"
            record["headline"] = f"{record.get('headline') or 'Report'} ({i})"
            out.write(json.dumps(record) + "\n")
    return path


@pytest.mark.slow
def test_ingest_survives_kill_9_and_resumes_to_a_clean_runs_store(tmp_path: Path) -> None:
    records = _records(tmp_path / "records.jsonl", ARTICLES)
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"
    span = _timed(_command("ingest", "--records", str(records), "--db", str(clean)))
    seen = _killed_then_resumed(_command("ingest", "--records", str(records), "--db", str(killed)),
                                killed, span, seed=7)
    assert min(seen) < ARTICLES, f"no kill landed before the end ({seen}); the soak tested nothing"
    assert _state(killed) == _state(clean)
    assert len(_state(clean)[1]) == ARTICLES


@pytest.mark.slow
def test_batch_db_survives_kill_9_and_resumes_to_a_clean_runs_store(tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    words = "The minister met the envoy in the capital on Tuesday to discuss trade and security"
    for i in range(ARTICLES):
        (news / f"{i:04d}.txt").write_text(
            f"Talks number {i}\n\nLONDON (Reuters) - {words}, officials said in statement {i}.\n",
            encoding="utf-8")
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"
    base = ["batch", str(news), "--no-nlp", "--no-progress", "--published", "2024-03-01"]
    span = _timed(_command(*base, "--db", str(clean), "--errors", str(tmp_path / "e1.jsonl")))
    seen = _killed_then_resumed(_command(*base, "--db", str(killed), "--errors", str(tmp_path / "e2.jsonl")),
                                killed, span, seed=11)
    assert min(seen) < ARTICLES, f"no kill landed before the end ({seen}); the soak tested nothing"
    assert _state(killed) == _state(clean)
    assert len(_state(clean)[1]) == ARTICLES
