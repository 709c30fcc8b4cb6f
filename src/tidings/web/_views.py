"""What a page asks the store for: the explorer's filters, sort and page, read from a query string.

The filters are the store's :class:`~tidings.store.EventFilter`; the tables,
the map and the network are the store's (``Store.reports_table``,
``Store.clusters_table``, ``Store.map_points``, ``Store.network``). Nothing
here reads the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from tidings.knowledge.plover import MODALITIES, plover_types, polarity
from tidings.store import CLUSTER_SORTS, REPORT_SORTS, EventFilter, check_text

PLOVER_TYPES = plover_types()
PAGE_SIZES = (25, 50, 100, 200)
EXPORT_MAX = 10_000
SORTS = REPORT_SORTS

__all__ = ["CLUSTER_SORTS", "DAY", "EXPORT_MAX", "MODALITIES", "PAGE_SIZES", "PLOVER_TYPES", "SORTS", "Query", "duration",
           "polarity"]

DAY = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass(frozen=True, slots=True)
class Query:
    """The explorer's level, filters, sort and page, as read from a query string.

    A filter's form value reads as an attribute (``q.actor``; ``""`` when not
    given); ``q.filter`` is the store's filter they make.
    """

    level: str = "reports"
    filter: EventFilter = field(default_factory=EventFilter)
    sort: str = "date"
    desc: bool = False
    page: int = 1
    size: int = 50

    FILTERS: ClassVar[tuple[str, ...]] = ("type", "actor", "target", "since", "until", "place", "country",
                                          "modality", "source", "cluster", "story")

    def __getattr__(self, name: str) -> str:
        if name not in Query.FILTERS:
            raise AttributeError(name)
        value = getattr(self.filter, name)
        return "" if value is None else str(value)

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Query:
        """Read a query string; unknown or malformed values fall back to defaults."""
        values: dict[str, Any] = {}
        for name in cls.FILTERS:
            value = (params.get(name) or "").strip()[:200]
            check_text(value)
            values[name] = value
        sort = (params.get("sort") or "date").strip()
        level = params.get("level") or "reports"
        size = _int(params.get("size"), 50, 1, 1000)
        return cls(level=level if level in ("reports", "events") else "reports",
                   filter=_filter(values), sort=sort.lstrip("-") if sort.lstrip("-") in SORTS else "date",
                   desc=sort.startswith("-"), page=_int(params.get("page"), 1, 1, 1_000_000),
                   size=size if size in PAGE_SIZES else 50)

    def params(self, **changes: Any) -> dict[str, str]:
        """The query string of this query with some values changed (defaults left out)."""
        wider = {k: v for k, v in changes.items() if k in self.FILTERS}
        flt = replace(self.filter, **{k: _value(k, v) for k, v in wider.items()}) if wider else self.filter
        q = replace(self, filter=flt, **{k: v for k, v in changes.items() if k not in wider})
        out = {name: str(getattr(q, name)) for name in ("level", *self.FILTERS)
               if getattr(q, name) and getattr(q, name) != "reports"}
        if q.sort != "date" or q.desc:
            out["sort"] = ("-" if q.desc else "") + q.sort
        if q.page > 1:
            out["page"] = str(q.page)
        if q.size != 50:
            out["size"] = str(q.size)
        return out

    def filtered(self) -> bool:
        return not self.filter.empty()

    def window(self, *, limit: int | None = None, offset: int | None = None) -> dict[str, Any]:
        """The sort and page of the table of this query's level, as the store takes them."""
        sorts = CLUSTER_SORTS if self.level == "events" else REPORT_SORTS
        return {"sort": self.sort if self.sort in sorts else "date", "desc": self.desc,
                "limit": limit if limit is not None else self.size,
                "offset": offset if offset is not None else (self.page - 1) * self.size}


def _value(name: str, value: Any) -> Any:
    """A form value as the filter holds it: ``None`` when empty, the cluster and story numbers."""
    if value in (None, ""):
        return None
    return int(value) if name in ("cluster", "story") else str(value)


def _filter(values: dict[str, str]) -> EventFilter:
    """The store's filter of a query string's values; a malformed value is left out."""
    if values["type"].upper() not in PLOVER_TYPES:
        values["type"] = ""
    if values["modality"] not in MODALITIES:
        values["modality"] = ""
    values["type"] = values["type"].upper()
    values["country"] = values["country"].upper()[:3]
    for number in ("cluster", "story"):
        if not (values[number].isdigit() and 0 < int(values[number]) <= 2**31 - 1):
            values[number] = ""
    for bound in ("since", "until"):
        if not DAY.fullmatch(values[bound]):
            values[bound] = ""
    return EventFilter(**{name: _value(name, value) for name, value in values.items()})


def duration(seconds: float | None) -> str:
    """Seconds as a page shows them: ``45 s``, ``12 min``, ``3.5 h``, ``2.0 d``."""
    if seconds is None:
        return "—"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        n = int(value or default)
    except ValueError:
        return default
    return min(max(n, low), high)
