"""Locate the shared development data that evaluation scripts and benchmarks read; check floors.

The data lives next to the repository (``<repo>/../shared/data``), never inside
it. Set the environment variable ``TIDINGS_SHARED`` to the ``shared`` directory
to use another location.
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path | None:
    """Return the shared directory, or None when it is absent.

    Returns:
        ``$TIDINGS_SHARED`` when set, else ``<repo>/../shared``; None when that
        directory does not exist.
    """
    override = os.environ.get("TIDINGS_SHARED")
    path = Path(override) if override else REPO_ROOT.parent / "shared"
    return path if path.is_dir() else None


def shared_data_dir() -> Path | None:
    """Return the shared ``data`` directory, or None when it is absent.

    Returns:
        ``<shared>/data`` when it exists, else None (callers then skip).
    """
    base = shared_dir()
    if base is None:
        return None
    data = base / "data"
    return data if data.is_dir() else None


def check_floors(figures: Mapping[str, float], floors: Mapping[str, float], *, label: str = "",
                 ceilings: Collection[str] = ()) -> bool:
    """Print one line per floor and say whether every one holds.

    Each line reads ``FLOOR ok|MISS name value >= floor`` (``<=`` for a name in
    ``ceilings``, a figure that must stay at or under its bound), so ``make eval``
    and a reader find every floor the same way in every script.

    Args:
        figures: the measured figures by name.
        floors: the bound of each figure that has one.
        label: put before each name (``tbaq.value_f1``), when a script checks several runs.
        ceilings: names whose bound is a maximum rather than a minimum.

    Returns:
        True when every figure is on the right side of its bound; a figure that
        is missing or not a number misses.
    """
    held = True
    for name, floor in floors.items():
        value = figures.get(name)
        ceiling = name in ceilings
        if not isinstance(value, int | float) or math.isnan(value):
            ok, shown = False, "absent"
        else:
            ok = value <= floor if ceiling else value >= floor
            shown = f"{value:.3f}"
        print(f"FLOOR {'ok' if ok else 'MISS'} {label + '.' if label else ''}{name} {shown} "
              f"{'<=' if ceiling else '>='} {floor}", flush=True)
        held = held and ok
    return held


def report_targets(figures: Mapping[str, float], targets: Mapping[str, float], *, label: str = "") -> None:
    """Print one ``TARGET met|open name value >= target`` line per target, deciding nothing.

    A target is a figure an issue asks for that the code does not reach yet; the
    gate is its floor (what the code holds today, so a regression fails), and the
    target line keeps the distance to go in every run's output.
    """
    for name, target in targets.items():
        value = figures.get(name)
        met = isinstance(value, int | float) and not math.isnan(value) and value >= target
        shown = f"{value:.3f}" if isinstance(value, int | float) else "absent"
        print(f"TARGET {'met' if met else 'open'} {label + '.' if label else ''}{name} {shown} >= {target}",
              flush=True)


def skipped(what: str) -> int:
    """Say that an evaluation has nothing to score and return its exit status (0)."""
    print(f"SKIP {what} is absent (set TIDINGS_SHARED to the shared directory)", flush=True)
    return 0
