"""Render query results for the command line: a table for people, JSON Lines, CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from tidings.errors import ConfigError

OUTPUT_FORMATS = ("table", "jsonl", "csv")

# Columns shown in a table (and in CSV) for each kind of result.
COLUMNS: dict[str, tuple[str, ...]] = {
    "events": ("date", "type", "mode", "modality", "actors", "targets", "place", "evidence", "cluster"),
    "clusters": ("id", "date", "type", "actors", "targets", "places", "reports", "sources"),
    "quotes": ("speaker", "kind", "text", "cue", "published"),
    "entities": ("id", "name", "type", "code", "country", "articles", "mentions", "variants"),
    "timeline": ("date", "role", "type", "mode", "modality", "actors", "targets", "place", "reports", "evidence"),
    "itinerary": ("date", "place", "country", "modality", "evidence"),
    "search": ("published", "headline", "snippet", "id"),
    "articles": ("published", "headline", "publisher", "url", "id"),
    "stories": ("id", "first_seen", "last_seen", "title", "articles", "publishers", "entities"),
}

_WIDTH = {"title": 48, "publishers": 30, "entities": 40, "evidence": 48, "text": 60, "snippet": 60, "headline": 40, "variants": 40, "sources": 30,
          "url": 40}


def cell(value: Any) -> str:
    """One value as flat text: names of entity lists, evidence words of spans."""
    if value is None:
        return ""
    if isinstance(value, dict):
        if "text" in value:
            return " ".join(str(value["text"] or "").split())
        return str(value.get("name", value))
    if isinstance(value, list):
        return "; ".join(cell(v) for v in value)
    return " ".join(str(value).split())


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render(items: Iterable[dict[str, Any]], fmt: str, kind: str) -> str:
    """Render result rows in ``fmt`` (``table``, ``jsonl`` or ``csv``)."""
    if fmt not in OUTPUT_FORMATS:
        raise ConfigError(f"[T550] unknown output format {fmt!r}; expected one of {list(OUTPUT_FORMATS)}")
    rows = list(items)
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows)
    columns: Sequence[str] = COLUMNS.get(kind) or (tuple(rows[0]) if rows else ())
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([cell(r.get(c)) for c in columns])
        return buf.getvalue()
    table = [[_clip(cell(r.get(c)), _WIDTH.get(c, 24)) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in table]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in table]
    return "\n".join(lines) + "\n"
