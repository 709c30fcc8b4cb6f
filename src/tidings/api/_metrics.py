"""``GET /metrics``: the store's figures in the Prometheus text exposition format (0.0.4).

Each family has its ``# HELP`` and ``# TYPE`` lines; counters end in
``_total``; label values are escaped (backslash, double quote, newline) as
the format asks. Everything is read through :class:`~tidings.store.Store`
methods at scrape time: per source (:meth:`~tidings.store.Store.sources`,
:meth:`~tidings.store.Store.source_lags`), the store's totals
(:meth:`~tidings.store.Store.totals`) and, when the store keeps watches,
per watch (``Store.watch_counters()``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tidings.store import Store

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

Sample = tuple[dict[str, str], float | int | None]


def escape_label(value: str) -> str:
    """A label value as the text format writes it between double quotes."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _number(value: float | int) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


class Exposition:
    """Metric families written one after the other, each with its HELP and TYPE lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str, samples: Iterable[Sample]) -> None:
        """One family; samples whose value is ``None`` (not known) are left out."""
        self.lines.append(f"# HELP {name} {_escape_help(help_text)}")
        self.lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            if value is None:
                continue
            shown = ",".join(f'{k}="{escape_label(str(v))}"' for k, v in labels.items())
            self.lines.append(f"{name}{{{shown}}} {_number(value)}" if shown else f"{name} {_number(value)}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _timestamp(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        return None


def _sources(out: Exposition, store: Store) -> None:
    sources = store.sources()
    lags = store.source_lags()

    def each(get: Any) -> list[Sample]:
        return [({"source": str(s["id"]), "url": s["url"]}, get(s)) for s in sources]

    counters = (
        ("fetched", "tidings_source_fetches_total", "Listings (feeds, sitemaps) read with a body."),
        ("not_modified", "tidings_source_not_modified_total", "Listings answered 304 Not Modified."),
        ("items_seen", "tidings_source_items_seen_total", "Distinct items seen in the listing."),
        ("articles_added", "tidings_source_articles_added_total", "Articles stored new from the source."),
        ("articles_updated", "tidings_source_articles_updated_total",
         "Articles read again and stored as an update (same URL, new text)."),
    )
    for key, name, help_text in counters:
        out.family(name, "counter", help_text, each(lambda s, key=key: int(s[key])))
    out.family("tidings_source_errors_total", "counter", "Fetch, read and analysis errors of the source, by kind.",
               [({"source": str(s["id"]), "url": s["url"], "kind": kind}, int(n))
                for s in sources for kind, n in sorted(s["errors"].items())])
    out.family("tidings_source_paused", "gauge", "1 when the source is paused.", each(lambda s: int(s["paused"])))
    out.family("tidings_source_interval_seconds", "gauge", "Seconds between two polls of the source.",
               each(lambda s: int(s["interval"])))
    out.family("tidings_source_last_success_timestamp_seconds", "gauge",
               "Unix time of the last listing fetched without error.", each(lambda s: _timestamp(s["last_success"])))
    out.family("tidings_source_last_error_timestamp_seconds", "gauge", "Unix time of the last error.",
               each(lambda s: _timestamp(s["last_error_at"])))
    for key, name, what in (("lag_median_s", "tidings_source_lag_median_seconds", "Median"),
                            ("lag_p95_s", "tidings_source_lag_p95_seconds", "95th percentile of the")):
        out.family(name, "gauge", f"{what} seconds from an item's publication (its listing's date) to its "
                                  "article's storage, over the latest items stored.",
                   each(lambda s, key=key: lags.get(s["id"], {}).get(key)))
    out.family("tidings_source_lag_items", "gauge", "Items the lag of the source is taken over.",
               each(lambda s: lags.get(s["id"], {}).get("lag_items", 0)))


def _watches(out: Exposition, store: Store) -> None:
    counters = getattr(store, "watch_counters", None)
    if counters is None:  # a store without watches
        return
    watches: list[dict[str, Any]] = counters()

    def each(get: Any) -> list[Sample]:
        return [({"watch": str(w["id"]), "name": str(w.get("name") or "")}, get(w)) for w in watches]

    out.family("tidings_watch_matches_total", "counter", "New matches of the watch.",
               each(lambda w: int(w.get("matches") or 0)))
    out.family("tidings_watch_deliveries_total", "counter",
               "Webhook deliveries of the watch's matches: ok (delivered) and failed (attempts that failed).",
               [({"watch": str(w["id"]), "name": str(w.get("name") or ""), "result": result}, int(w.get(key) or 0))
                for w in watches for result, key in (("ok", "delivered"), ("failed", "failed_attempts"))])
    out.family("tidings_watch_deliveries_dead", "gauge",
               "Matches whose delivery gave up (dead letters), until requeued.", each(lambda w: int(w.get("dead") or 0)))
    out.family("tidings_watch_deliveries_pending", "gauge", "Matches waiting for delivery.",
               each(lambda w: int(w.get("pending") or 0)))
    for key, name, what in (("lag_median_s", "tidings_watch_lag_median_seconds", "Median"),
                            ("lag_p95_s", "tidings_watch_lag_p95_seconds", "95th percentile of the")):
        out.family(name, "gauge", f"{what} seconds from a matched item's publication to its webhook delivery.",
                   each(lambda w, key=key: w.get(key)))


def render(store: Store) -> str:
    """The metrics of a store as Prometheus text (format 0.0.4)."""
    out = Exposition()
    totals = store.totals()
    for key, help_text in (("articles", "Articles stored."), ("events", "Events (clusters of reports) stored."),
                           ("reports", "Event reports stored."), ("stories", "Stories stored."),
                           ("quotes", "Quotes stored."), ("entities", "Entities known across articles."),
                           ("sources", "Sources followed.")):
        out.family(f"tidings_store_{key}", "gauge", help_text, [({}, int(totals.get(key, 0)))])
    _sources(out, store)
    _watches(out, store)
    return out.text()
