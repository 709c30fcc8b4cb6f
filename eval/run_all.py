"""Run every evaluation with its floors: the gate of ``make eval`` (and of CI after the tests).

Each script runs in its own process, as ``python eval/NAME.py`` would, and prints
its figures and one ``FLOOR ok|MISS name value >= floor`` line per floor. This
prints one ``EVAL ok|FAIL|SKIP name (seconds)`` line per script at the end, then
``eval: N passed, N failed, N skipped``, and exits 1 when any script exited non-zero (a floor missed, or a crash), 0
otherwise. When the shared data (``$TIDINGS_SHARED/data`` or ``<repo>/../shared/data``)
is absent it says so and exits 0; a script whose own data set is absent prints
``SKIP`` and counts as skipped.

Usage::

    python eval/run_all.py [NAME ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import shared_data_dir  # noqa: E402

HERE = Path(__file__).resolve().parent

# Every evaluation, with the arguments of its gated run (none: the script's defaults).
# An evaluation runs eval/NAME.py unless SCRIPTS names another script for it.
EVALUATIONS: dict[str, list[str]] = {
    "html_extraction": [],
    "time_tempeval": [],
    "ner_meantime": [],
    "quotes_polnear": [],
    "events_petrarch": [],
    "events_classifier": [],
    "events_news": [],
    "events_wire": ["--gold", str(HERE / "data" / "events_wire_gold.yaml")],
    "events_news_more": ["--gold", str(HERE / "data" / "events_news_more_gold.yaml")],
    "events_sentences": [],
    "events_news_sentences": [],
    "events_places": [],
    "geo_lgl": [],
    "stories": [],
    "stories_robust": [],
}

# Evaluations that run another evaluation's script on other data.
SCRIPTS: dict[str, str] = {"events_wire": "events_news", "events_news_more": "events_news"}


def run(name: str, args: list[str]) -> tuple[str, float]:
    """Run one evaluation, its output passed through; return its verdict and seconds."""
    print(f"== eval {name} {' '.join(args)}".rstrip(), flush=True)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(HERE / f"{SCRIPTS.get(name, name)}.py"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    assert proc.stdout is not None
    skipped = False
    for line in proc.stdout:
        print(line, end="", flush=True)
        skipped = skipped or line.startswith("SKIP ")
    code = proc.wait()
    seconds = time.perf_counter() - started
    if code != 0:
        return "FAIL", seconds
    return ("SKIP" if skipped else "ok"), seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"evaluations to run (default: all of {', '.join(EVALUATIONS)})")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in EVALUATIONS]
    if unknown:
        parser.error(f"unknown evaluation(s) {', '.join(unknown)}; known: {', '.join(EVALUATIONS)}")
    data = shared_data_dir()
    if data is None:
        where = os.environ.get("TIDINGS_SHARED") or str(HERE.parent.parent / "shared")
        print(f"SKIP make eval: no shared data under {where} (set TIDINGS_SHARED to the shared directory)")
        return 0
    print(f"eval: shared data {data}", flush=True)
    verdicts = [(name, *run(name, EVALUATIONS[name])) for name in (args.names or EVALUATIONS)]
    print()
    for name, verdict, seconds in verdicts:
        print(f"EVAL {verdict} {name} ({seconds:.0f} s)")
    counts = {v: sum(1 for _, verdict, _ in verdicts if verdict == v) for v in ("ok", "FAIL", "SKIP")}
    failed = [name for name, verdict, _ in verdicts if verdict == "FAIL"]
    total = sum(seconds for _, _, seconds in verdicts)
    print(f"eval: {total:.0f} s" + (f"; failed: {', '.join(failed)}" if failed else ""))
    print(f"eval: {counts['ok']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
