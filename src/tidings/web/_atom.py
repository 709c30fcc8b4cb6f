"""Watches on the web: the Atom feed of a watch's matches, and how a match is named and linked.

The API serves the feed (``GET /watches/{id}/feed.atom``) and the pages list
the matches; both name a match with :func:`entry_title` and link its evidence
with :func:`evidence_path` (the article page, at the event or quote).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from tidings import __version__
from tidings.store import Store, watch_entry_id, watch_feed_id

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"


def _atom_time(value: str | None) -> str:
    """An RFC 3339 time (Atom's dates) from a stored ISO time."""
    try:
        found = datetime.fromisoformat(value or "")
    except ValueError:
        found = datetime.now(UTC)
    if found.tzinfo is None:
        found = found.replace(tzinfo=UTC)
    return found.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _names(items: list[dict[str, Any]] | None) -> str:
    return ", ".join(str(x.get("name")) for x in items or [] if isinstance(x, dict)) or "?"


def entry_title(match: dict[str, Any]) -> str:
    """A match in one line: what happened, who said what, or the story's title."""
    item = match["payload"]
    if match["kind"] == "events":
        where = f" in {item.get('country')}" if item.get("country") else ""
        reports = item.get("reports") or 1
        return (f"{item.get('type')}{where}: {_names(item.get('actors'))} → {_names(item.get('targets'))}"
                f" ({reports} report{'s' if reports != 1 else ''})")
    if match["kind"] == "quotes":
        words = str(item.get("text") or "")
        words = words if len(words) <= 120 else words[:119] + "…"
        return f"{item.get('speaker') or item.get('speaker_text') or 'Someone'}: “{words}”"
    return str(item.get("title") or f"Story {item.get('id')}")


def evidence_path(match: dict[str, Any]) -> str | None:
    """The web page of a match's evidence: its article, at the event or quote."""
    item = match["payload"]
    article = item.get("article") or {}
    evidence = item.get("evidence") or {}
    if not article.get("id"):
        return None
    anchor = ""
    if match["kind"] == "events" and evidence.get("local_id"):
        anchor = f"#ev-{evidence['local_id']}"
    elif match["kind"] == "quotes" and evidence.get("idx") is not None:
        anchor = f"#quote-{evidence['idx']}"
    return f"/ui/articles/{article['id']}{anchor}"


def atom_feed(watch: dict[str, Any], matches: list[dict[str, Any]], *, base: str, self_url: str) -> bytes:
    """An Atom 1.0 document of a watch's matches (newest first); entry ids come from idempotency keys."""
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", watch_feed_id(watch))
    sub(feed, "title", f"tidings watch: {watch['name']}")
    sub(feed, "subtitle", f"New {watch['kind']} matching {describe(watch['filters'])}")
    sub(feed, "updated", _atom_time(max((m["matched_at"] for m in matches), default=watch["created_at"])))
    author = sub(feed, "author")
    sub(author, "name", "tidings")
    sub(feed, "generator", "tidings", version=__version__)
    sub(feed, "link", rel="self", type=ATOM_TYPE, href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=f"{base}/ui/watches/{watch['id']}")
    for match in matches:
        item = match["payload"]
        article = item.get("article") or {}
        evidence = item.get("evidence") or {}
        entry = sub(feed, "entry")
        sub(entry, "id", watch_entry_id(match["idempotency_key"]))
        sub(entry, "title", entry_title(match))
        sub(entry, "updated", _atom_time(match["matched_at"]))
        if article.get("published"):
            sub(entry, "published", _atom_time(article["published"]))
        path = evidence_path(match)
        if path:
            sub(entry, "link", rel="alternate", type="text/html", href=base + path)
        if article.get("url"):
            sub(entry, "link", rel="related", href=str(article["url"]))
        summary = str(evidence.get("text") or "")
        source = article.get("publisher") or article.get("headline")
        sub(entry, "summary", f"“{summary}” ({source})" if summary and source else summary or str(source or ""))
        sub(entry, "category", term=match["kind"])
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)


def describe(filters: dict[str, Any]) -> str:
    """A watch's filters in a few words."""
    return ", ".join(f"{k}={v}" for k, v in sorted(filters.items())) or "anything"


def watch_rows(store: Store) -> list[dict[str, Any]]:
    """Every watch with its counters (what the list page and ``GET /watches`` show)."""
    counters = {c["id"]: c for c in store.watch_counters()}
    return [{**w, "counters": counters.get(w["id"])} for w in store.watches()]
