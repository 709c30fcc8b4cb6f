"""Load data files (TSV, CSV, YAML, JSONL) with a provenance header, validated on load.

Every shipped file starts with its provenance:

* TSV/CSV: leading ``# key: value`` comment lines, then a row of column names;
  later lines starting with ``#`` are comments.
* YAML: a mapping with ``provenance: {source: ..., licence: ...}`` and ``entries: [...]``.
* JSONL: a first line ``{"provenance": {...}}``, then one entry per line.

``source`` and ``licence`` are required in the provenance. Each entry is checked
against a list of :class:`Field`; any error names the file, the line and the field.
Shipped files are read through ``importlib.resources``; a user's file by path.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tidings.errors import LexiconError

REQUIRED_PROVENANCE = ("source", "licence")


@dataclass(frozen=True, slots=True)
class Field:
    """One field of an entry.

    Attributes:
        name: the column or key.
        required: whether a non-empty value must be present.
        kind: ``str``, ``int``, ``float``, ``bool`` or ``list`` (a list in YAML
            and JSONL; a ``|``-separated string in TSV/CSV).
        choices: allowed values, if the field is closed.
        check: an extra predicate; returns an error text or ``None``.
    """

    name: str
    required: bool = False
    kind: str = "str"
    choices: frozenset[str] | None = None
    check: Callable[[Any], str | None] | None = None


@dataclass(frozen=True, slots=True)
class DataFile:
    """A loaded data file: its provenance, its entries (each with ``_line``) and its sha256."""

    path: str
    provenance: dict[str, str]
    entries: list[dict[str, Any]] = field(default_factory=list)
    sha256: str = ""


def cache_dir() -> Path:
    """The directory for tidings' derived caches: ``$TIDINGS_CACHE``, else
    ``$XDG_CACHE_HOME/tidings``, else ``~/.cache/tidings`` (as :func:`tidings.geo.cache_dir`)."""
    override = os.environ.get("TIDINGS_CACHE")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "tidings"


def _read(path: str | Path) -> tuple[str, str]:
    """Return (display name, text) for a package resource ``tidings.data/...`` or a file path."""
    p = str(path)
    if p.startswith("tidings:"):
        rel = p.split(":", 1)[1]
        res = resources.files("tidings").joinpath("data", *rel.split("/"))
        try:
            return f"tidings/data/{rel}", res.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LexiconError(f"[T201] cannot read the shipped data file: {exc}", path=f"tidings/data/{rel}") from exc
    try:
        return p, Path(p).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"[T201] cannot read the data file: {exc}", path=p) from exc


def _coerce(value: Any, spec: Field, *, tabular: bool, name: str, line: int) -> Any:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        if spec.required:
            raise LexiconError("[T202] a value is required", path=name, line=line, field=spec.name)
        return [] if spec.kind == "list" else None
    try:
        if spec.kind == "list":
            if tabular and isinstance(value, str):
                value = [v.strip() for v in value.split("|") if v.strip()]
            if not isinstance(value, list):
                raise ValueError("expected a list")
        elif spec.kind == "int":
            value = int(value)
        elif spec.kind == "float":
            value = float(value)
        elif spec.kind == "bool":
            if isinstance(value, str):
                if value.lower() not in {"true", "false", "yes", "no", "1", "0"}:
                    raise ValueError("expected true or false")
                value = value.lower() in {"true", "yes", "1"}
            elif not isinstance(value, bool):
                raise ValueError("expected true or false")
        elif spec.kind == "str":
            if isinstance(value, (dict, list)):
                raise ValueError("expected text")
            value = str(value).strip()
    except (TypeError, ValueError) as exc:
        raise LexiconError(f"[T203] {exc}; got {value!r}", path=name, line=line, field=spec.name) from exc
    if spec.choices is not None:
        values = value if isinstance(value, list) else [value]
        for v in values:
            if v not in spec.choices:
                raise LexiconError(
                    f"[T204] {v!r} is not one of {sorted(spec.choices)}", path=name, line=line, field=spec.name
                )
    if spec.check is not None:
        problem = spec.check(value)
        if problem:
            raise LexiconError(f"[T205] {problem}; got {value!r}", path=name, line=line, field=spec.name)
    return value


def _check_provenance(prov: dict[str, Any], name: str) -> dict[str, str]:
    missing = [k for k in REQUIRED_PROVENANCE if not prov.get(k)]
    if missing:
        raise LexiconError(
            f"[T206] the provenance header lacks {missing}; start the file with "
            "'# source: ...' and '# licence: ...' lines (or a provenance mapping)",
            path=name,
            line=1,
        )
    return {str(k): str(v) for k, v in prov.items()}


def load_data_file(
    path: str | Path, fields: Sequence[Field], *, allow_extra: bool = True
) -> DataFile:
    """Load and validate one data file.

    Args:
        path: ``"tidings:sub/dir/file.tsv"`` for a file shipped in ``tidings/data``,
            or a filesystem path for a user's file.
        fields: the fields each entry may or must have.
        allow_extra: whether entries may carry fields not listed.

    Returns:
        The provenance, the validated entries (each with ``_line``) and the text's sha256.

    Raises:
        LexiconError: naming the file, line and field of the first problem.
    """
    name, text = _read(path)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    suffix = name.rsplit(".", 1)[-1].lower()
    tabular = suffix in {"tsv", "csv"}
    if tabular:
        provenance, raw = _read_tabular(text, name, fields, delim="\t" if suffix == "tsv" else ",")
    elif suffix in {"yaml", "yml"}:
        provenance, raw = _read_yaml(text, name)
    elif suffix == "jsonl":
        provenance, raw = _read_jsonl(text, name)
    else:
        raise LexiconError(f"[T214] unknown data file type {suffix!r}; use .tsv, .csv, .yaml or .jsonl", path=name)
    entries = _validate(raw, fields, allow_extra=allow_extra, tabular=tabular, name=name)
    return DataFile(path=name, provenance=provenance, entries=entries, sha256=digest)


# Each reader returns the checked provenance and the raw entries, each with its line number.
_RawEntries = list[tuple[int, dict[str, Any]]]


def _read_tabular(
    text: str, name: str, fields: Sequence[Field], *, delim: str
) -> tuple[dict[str, str], _RawEntries]:
    prov: dict[str, Any] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
        body = lines[i].lstrip("#").strip()
        if ":" in body:
            k, v = body.split(":", 1)
            prov.setdefault(k.strip().lower(), v.strip())
        i += 1
    provenance = _check_provenance(prov, name)
    if i >= len(lines):
        raise LexiconError("[T207] no column header row after the provenance header", path=name)
    header_line = i + 1
    reader = csv.reader(io.StringIO("\n".join(lines[i:])), delimiter=delim)
    header = [h.strip() for h in next(reader)]
    for f in fields:
        if f.required and f.name not in header:
            raise LexiconError("[T208] the column is missing from the header row", path=name,
                               line=header_line, field=f.name)
    raw: _RawEntries = []
    for offset, row in enumerate(reader, start=1):
        lineno = header_line + offset
        if not row or not "".join(row).strip() or row[0].startswith("#"):
            continue
        if len(row) > len(header):
            raise LexiconError(f"[T209] {len(row)} cells but {len(header)} columns", path=name, line=lineno)
        raw.append((lineno, dict(zip(header, row, strict=False))))
    return provenance, raw


def _read_yaml(text: str, name: str) -> tuple[dict[str, str], _RawEntries]:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise LexiconError(f"[T210] invalid YAML: {getattr(exc, 'problem', exc)}", path=name,
                           line=(mark.line + 1) if mark else None) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise LexiconError("[T211] expected a mapping with 'provenance' and an 'entries' list", path=name)
    provenance = _check_provenance(doc.get("provenance") or {}, name)
    # YAML loses line numbers; count entries from the 'entries:' line as a guide.
    base = next((n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith("entries:")), 1)
    raw: _RawEntries = []
    for n, item in enumerate(doc["entries"], start=1):
        if not isinstance(item, dict):
            raise LexiconError(f"[T212] entry {n} is not a mapping", path=name, line=base + n)
        raw.append((int(item.pop("_line", base + n)), item))
    return provenance, raw


def _read_jsonl(text: str, name: str) -> tuple[dict[str, str], _RawEntries]:
    provenance: dict[str, str] = {}
    raw: _RawEntries = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LexiconError(f"[T213] invalid JSON: {exc.msg}", path=name, line=lineno) from exc
        if not isinstance(obj, dict):
            raise LexiconError("[T212] expected a JSON object", path=name, line=lineno)
        if not provenance:
            provenance = _check_provenance(obj.get("provenance") or {}, name)
            continue
        raw.append((lineno, obj))
    if not provenance:
        raise LexiconError("[T206] the file is empty: no provenance line", path=name)
    return provenance, raw


def _validate(raw: _RawEntries, fields: Sequence[Field], *, allow_extra: bool, tabular: bool,
              name: str) -> list[dict[str, Any]]:
    specs = {f.name: f for f in fields}
    entries: list[dict[str, Any]] = []
    for lineno, item in raw:
        if not allow_extra:
            extra = [k for k in item if k not in specs]
            if extra:
                raise LexiconError(f"[T215] unknown field(s) {extra}", path=name, line=lineno, field=extra[0])
        entry: dict[str, Any] = {k: v for k, v in item.items() if k not in specs}
        for spec in fields:
            entry[spec.name] = _coerce(item.get(spec.name), spec, tabular=tabular, name=name, line=lineno)
        entry["_line"] = lineno
        entries.append(entry)
    return entries
