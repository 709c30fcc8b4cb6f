"""Locate the shared development data that evaluation scripts and benchmarks read.

The data lives next to the repository (``<repo>/../shared/data``), never inside
it. Set the environment variable ``TIDINGS_SHARED`` to the ``shared`` directory
to use another location.
"""

from __future__ import annotations

import os
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
