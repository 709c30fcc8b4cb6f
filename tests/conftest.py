"""Fixtures shared by every test module; the helpers they use live in the ``helpers`` package.

``tests`` is on ``sys.path`` through pytest's ``pythonpath`` setting (pyproject.toml), so
test modules import ``helpers.*`` and never one another.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.register_assert_rewrite("helpers")

from helpers.records import shared_dir  # noqa: E402

# The store and API fixtures (a store on each backend, the API clients, the records).
pytest_plugins = ["helpers.store"]


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared directory; tests that use it are skipped when it is absent."""
    path = shared_dir()
    if path is None:
        pytest.skip("../shared is absent (set TIDINGS_SHARED to its location)")
    return path
