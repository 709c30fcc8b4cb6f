"""Loading the project's scripts (``eval/``, ``tools/``), which are not part of the package, as modules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from helpers.records import REPO_ROOT


def load_script(path: str | Path, name: str | None = None) -> ModuleType:
    """The module of a script file (relative to the repository root, or absolute), loaded once
    under ``name`` (default: the file's stem) and registered in ``sys.modules``, where its
    dataclasses look their module up."""
    path = Path(path) if Path(path).is_absolute() else REPO_ROOT / path
    name = name or path.stem
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module
