"""Live: follow news sources as they publish.

``tidings follow`` polls RSS/Atom feeds and news sitemaps, each on its own
interval, fetches the pages of their new items politely
(:class:`Client`: robots.txt, per-host limits, conditional GET, retries),
reads them with :func:`tidings.ingest.read_bytes`, and stores them through
the batch driver. Sources, their fetch history and the items seen are kept in
the store (:meth:`tidings.store.Store.sources`), so a restart resumes.
The :class:`Deliverer` POSTs watches' new matches to their webhooks, signed
(:func:`sign`, :func:`verify`), at least once.

Example:
    >>> from tidings.live import Follower, SourceSpec
    >>> with Follower(store) as follower:  # doctest: +SKIP
    ...     follower.add([SourceSpec("https://news.example.org/rss")])
    ...     follower.run_once()
"""

from __future__ import annotations

from tidings.live._follow import Follower, PollReport, content_hash
from tidings.live._http import Client, Fetched, Politeness
from tidings.live._sources import (
    DEFAULT_INTERVAL,
    Entry,
    SourceSpec,
    check_source_url,
    load_sources,
    parse_interval,
    parse_listing,
)
from tidings.live._urls import TRACKING_PARAMS, canonical_url, link_canonical
from tidings.live._webhooks import (
    Deliverer,
    DeliveryPolicy,
    DeliveryReport,
    DeliveryStore,
    sign,
    verify,
)

__all__ = [
    "DEFAULT_INTERVAL",
    "TRACKING_PARAMS",
    "Client",
    "Deliverer",
    "DeliveryPolicy",
    "DeliveryReport",
    "DeliveryStore",
    "Entry",
    "Fetched",
    "Follower",
    "Politeness",
    "PollReport",
    "SourceSpec",
    "canonical_url",
    "check_source_url",
    "content_hash",
    "link_canonical",
    "load_sources",
    "parse_interval",
    "parse_listing",
    "sign",
    "verify",
]
