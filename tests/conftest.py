"""Fixtures shared by every test module; the helpers they use live in the ``helpers`` package.

``tests`` is on ``sys.path`` through pytest's ``pythonpath`` setting (pyproject.toml), so
test modules import ``helpers.*`` and never one another.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Starlette's TestClient names its host "testserver"; the apps the tests build trust it
# besides the loopback names (tests/test_api_security.py checks the default set).
os.environ.setdefault("TIDINGS_TRUSTED_HOSTS", "localhost,127.0.0.1,::1,testserver")

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
