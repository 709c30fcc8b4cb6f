"""The layering of tidings' packages, read from the source with ``ast`` (nothing is imported).

Every ``import`` and ``from ... import`` in every module under ``src/tidings`` counts,
at module level or inside a function, class or ``if`` block. Each module belongs to
the top-level package it sits in (``tidings/batch/`` is ``batch``; ``tidings/cli/`` is
``cli``; ``tidings/__init__.py`` is ``tidings``). A failing rule prints the offending edges.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "tidings"

# Where the code of a top-level package lives under another name.
ALIASES = {"_batch": "batch"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (``tidings.store._schema``)."""
    return {_module_name(p): p for p in sorted((SRC / ROOT).rglob("*.py"))}


def _resolve_from(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """The modules a ``from X import a, b`` names: ``X.a`` where that is a module, else ``X``."""
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    known = modules()
    found = []
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        found.append(sub if sub in known else target)
    return found


@functools.cache
def imports() -> list[tuple[str, str]]:
    """(importing module, imported module) for every import of a ``tidings`` module."""
    edges = []
    for module, path in modules().items():
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                targets = _resolve_from(module, is_package, node)
            else:
                continue
            edges += [(module, t) for t in targets if t == ROOT or t.startswith(ROOT + ".")]
    return edges


def package_of(module: str) -> str:
    """The top-level package of a dotted module name: ``tidings.store._schema`` -> ``store``."""
    parts = module.split(".")
    if len(parts) == 1:
        return ROOT
    return ALIASES.get(parts[1], parts[1])


def package_edges() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Package -> package edges (self-edges left out), each with the module imports behind it."""
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for source, target in imports():
        a, b = package_of(source), package_of(target)
        if a != b:
            found.setdefault((a, b), []).append((source, target))
    return found


def _show(edges: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f"  {a} -> {b}" for a, b in sorted(set(edges)))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def forbidden(source: str, targets: set[str]) -> list[tuple[str, str]]:
    """The module imports from package ``source`` into any of ``targets``."""
    return sorted({edge for (a, b), edges in package_edges().items() if a == source and b in targets
                   for edge in edges})


# --- the graph itself is read right ------------------------------------------------------------


def test_architecture_reads_every_package() -> None:
    packages = {package_of(m) for m in modules()}
    assert {"ingest", "nlp", "geo", "knowledge", "store", "batch", "api", "web", "cli"} <= packages
    # Imports in functions count: the CLI reads the store only inside its commands.
    assert ("cli", "store") in package_edges()


def test_architecture_resolves_relative_and_submodule_imports() -> None:
    known = modules()
    node = ast.parse("from ._schema import articles").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _resolve_from("tidings.store._query", False, node) == ["tidings.store._schema"]
    node = ast.parse("from .. import errors").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _resolve_from("tidings.store._query", False, node) == ["tidings.errors"]
    node = ast.parse("from tidings.store import Store").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _resolve_from("tidings.web._views", False, node) == ["tidings.store"]
    assert "tidings.store._schema" in known and "tidings.store" in known
    assert package_of("tidings._batch.work") == "batch" and package_of("tidings") == ROOT


def test_architecture_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


# --- the rules ---------------------------------------------------------------------------------


def test_architecture_no_cycle_among_packages() -> None:
    edges = package_edges()
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    cycles = _cycles(graph)
    detail = "\n".join(
        f"cycle {' <-> '.join(c)}:\n"
        + _show(e for (a, b), es in edges.items() if a in c and b in c for e in es)
        for c in cycles
    )
    assert not cycles, f"import cycles among tidings' packages:\n{detail}"


def test_architecture_store_reads_neither_ingest_nor_nlp() -> None:
    bad = forbidden("store", {"ingest", "nlp"})
    assert not bad, f"store imports ingest or nlp:\n{_show(bad)}"


def test_architecture_geo_stands_below_the_pipeline() -> None:
    bad = forbidden("geo", {"nlp", "ingest", "store", "web", "api"})
    assert not bad, f"geo imports nlp, ingest, store, web or api:\n{_show(bad)}"


def test_architecture_web_uses_only_the_public_store() -> None:
    bad = sorted({(a, b) for a, b in imports()
                  if package_of(a) == "web" and package_of(b) == "store"
                  and any(part.startswith("_") for part in b.split(".")[2:])})
    assert not bad, f"web imports private store modules:\n{_show(bad)}"
