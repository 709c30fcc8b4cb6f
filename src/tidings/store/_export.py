"""Exports of the store: flat tables (JSON Lines, CSV, Parquet), PLOVER/POLECAT-style
JSON events, and a CAMEO TSV with GDELT-like columns.

Every exported event carries its evidence: the sentence words, their offsets
and the article's URL.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import Connection, select

from tidings.errors import ConfigError
from tidings.store import _query
from tidings.store import _schema as s
from tidings.store._query import EventFilter

FORMATS = ("jsonl", "csv", "parquet", "plover", "cameo-tsv")
TABLES = ("events", "clusters", "quotes", "entities", "articles", "records")

# GDELT 1.0/2.0 event-table names for the columns we can fill.
CAMEO_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code", "EventCode",
    "EventBaseCode", "EventRootCode", "PloverType", "PloverMode", "Modality", "ActionGeo_FullName",
    "ActionGeo_CountryCode", "ClusterID", "SOURCEURL", "Evidence",
)


def _pages(fetch: Any) -> Iterator[dict[str, Any]]:
    cursor = None
    while True:
        page = fetch(cursor)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


class _Agents:
    """Per-article entity attributes (sector, country) of global entities, cached."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.cache: dict[str, dict[int, dict[str, Any]]] = {}

    def get(self, article_id: str, gid: int) -> dict[str, Any]:
        if article_id not in self.cache:
            e = s.entities
            rows = self.conn.execute(
                select(e.c.global_id, e.c.code, e.c.country, e.c.sector).where(e.c.article_id == article_id)
            ).all()
            self.cache = {article_id: {int(r.global_id): r._asdict() for r in rows}}
        return self.cache[article_id].get(gid, {})


def _first(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    return items[0] if items else None


def _agent_code(agent: dict[str, Any], entity: dict[str, Any] | None) -> str:
    """A CAMEO-style actor code: country (or IGO) plus sector, e.g. ``KORGOV``."""
    if entity is None:
        return ""
    base = entity.get("code") or agent.get("code") or agent.get("country") or ""
    sector = agent.get("sector") or ""
    return f"{base}{sector}" if sector != base else base


def flat_event(ev: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": ev["id"], "cluster": ev["cluster"], "story": ev["story"], "article_id": ev["article_id"], "date": ev["date"],
        "date_from": ev["date_from"], "type": ev["type"], "mode": ev["mode"],
        "modality": ev["modality"], "context": ev["context"],
        "actors": "; ".join(a["name"] for a in ev["actors"]),
        "actor_ids": " ".join(str(a["id"]) for a in ev["actors"]),
        "targets": "; ".join(t["name"] for t in ev["targets"]),
        "target_ids": " ".join(str(t["id"]) for t in ev["targets"]),
        "place": ev["place"], "country": ev["country"], "cameo": ev["cameo"],
        "evidence": ev["evidence"]["text"], "evidence_start": ev["evidence"]["start"],
        "evidence_end": ev["evidence"]["end"], "url": ev["url"], "publisher": ev["publisher"],
        "published": ev["published"],
    }


def plover_event(ev: dict[str, Any], agents: _Agents) -> dict[str, Any]:
    """One event in the shape of a POLECAT record (PLOVER ontology)."""
    actor, target = _first(ev["actors"]), _first(ev["targets"])
    a_info = agents.get(ev["article_id"], actor["id"]) if actor else {}
    t_info = agents.get(ev["article_id"], target["id"]) if target else {}
    return {
        "event_id": ev["id"], "cluster_id": ev["cluster"], "event_date": ev["date"],
        "event_type": ev["type"], "event_mode": ev["mode"], "event_modality": ev["modality"],
        "contexts": ev["context"].split(",") if ev["context"] else [],
        "actor_name": actor["name"] if actor else None,
        "actor_country": (a_info.get("code") or a_info.get("country")) if actor else None,
        "actor_sector": a_info.get("sector"),
        "actors": [a["name"] for a in ev["actors"]],
        "recipient_name": target["name"] if target else None,
        "recipient_country": (t_info.get("code") or t_info.get("country")) if target else None,
        "recipient_sector": t_info.get("sector"),
        "recipients": [t["name"] for t in ev["targets"]],
        "place_name": ev["place"], "country": ev["country"], "cameo_code": ev["cameo"],
        "story_id": ev["article_id"], "headline": ev["headline"], "source": ev["publisher"],
        "publication_date": ev["published"], "url": ev["url"],
        "evidence_text": ev["evidence"]["text"], "evidence_start": ev["evidence"]["start"],
        "evidence_end": ev["evidence"]["end"], "trigger": ev["trigger"],
    }


def sqldate(day: str | None) -> str:
    """GDELT's ``SQLDATE``: eight digits ``YYYYMMDD``; an unknown month or day is ``00``.

    >>> sqldate("2023-01-29"), sqldate("2023-01"), sqldate("2023"), sqldate(None)
    ('20230129', '20230100', '20230000', '')
    """
    digits = (day or "").replace("-", "")[:8]
    if not digits.isdigit() or len(digits) not in (4, 6, 8):
        return ""
    return digits.ljust(8, "0")


def cameo_row(ev: dict[str, Any], agents: _Agents) -> list[str]:
    actor, target = _first(ev["actors"]), _first(ev["targets"])
    a_info = agents.get(ev["article_id"], actor["id"]) if actor else {}
    t_info = agents.get(ev["article_id"], target["id"]) if target else {}
    code = ev["cameo"] or ""
    evidence = " ".join((ev["evidence"]["text"] or "").split())
    return [
        str(ev["id"]), sqldate(ev["date"]),
        _agent_code(a_info, actor), actor["name"] if actor else "",
        (a_info.get("code") or a_info.get("country") or "") if actor else "", a_info.get("sector") or "",
        _agent_code(t_info, target), target["name"] if target else "",
        (t_info.get("code") or t_info.get("country") or "") if target else "", t_info.get("sector") or "",
        code, code[:3], code[:2], ev["type"] or "", ev["mode"] or "", ev["modality"] or "",
        ev["place"] or "", ev["country"] or "", str(ev["cluster"] or ""), ev["url"] or "", evidence,
    ]


def rows(conn: Connection, table: str, flt: EventFilter) -> Iterator[dict[str, Any]]:
    """Every row of an exportable table, flat."""
    if table == "events":
        for ev in _pages(lambda c: _query.events(conn, flt, limit=500, cursor=c)):
            yield flat_event(ev)
    elif table == "clusters":
        for cl in _pages(lambda c: _query.clusters(conn, flt, limit=200, cursor=c)):
            yield {k: (v if not isinstance(v, list) else "; ".join(
                str(x.get("name", x) if isinstance(x, dict) else x) for x in v))
                for k, v in cl.items() if k != "items"}
    elif table == "quotes":
        yield from _pages(lambda c: _query.quotes(conn, limit=500, cursor=c))
    elif table == "entities":
        for ent in _pages(lambda c: _query.entities(conn, limit=500, cursor=c)):
            yield {**ent, "variants": "; ".join(ent["variants"])}
    elif table == "articles":
        yield from _pages(lambda c: _query.articles(conn, limit=500, cursor=c))
    elif table == "records":
        for art in _pages(lambda c: _query.articles(conn, limit=500, cursor=c)):
            record = _query.article_record(conn, art["id"])
            if record is not None:
                yield record
    else:
        raise ConfigError(f"[T540] unknown table {table!r}; expected one of {list(TABLES)}")


def export(conn: Connection, fmt: str, out: IO[bytes], *, table: str = "events",
           flt: EventFilter | None = None) -> int:
    """Write the store (or the filtered events) to ``out`` in a format; return the row count."""
    flt = flt or EventFilter()
    if fmt not in FORMATS:
        raise ConfigError(f"[T541] unknown export format {fmt!r}; expected one of {list(FORMATS)}")
    if table == "records" and fmt != "jsonl":
        raise ConfigError("[T542] whole records export only as jsonl; use --to jsonl")
    if table not in ("events", "clusters") and fmt not in ("plover", "cameo-tsv") and not flt.empty():
        # The event filters select events: a table of something else would ignore them.
        given = ", ".join([f"--{name}" for name in flt.TEXTS if getattr(flt, name)]
                          + [f"--{name}" for name in ("cluster", "story") if getattr(flt, name) is not None]
                          + (["--min-confidence"] if flt.min_confidence else []))
        raise ConfigError(f"[T544] the event filters ({given}) select events and clusters; "
                          f"the {table} table takes none; export --table events or clusters, or drop them")
    n = 0
    if fmt in ("plover", "cameo-tsv"):
        agents = _Agents(conn)
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        writer = csv.writer(text, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        if fmt == "cameo-tsv":
            writer.writerow(CAMEO_COLUMNS)
        for ev in _pages(lambda c: _query.events(conn, flt, limit=500, cursor=c)):
            if fmt == "plover":
                text.write(json.dumps(plover_event(ev, agents), ensure_ascii=False) + "\n")
            else:
                writer.writerow(cameo_row(ev, agents))
            n += 1
        text.flush()
        text.detach()
        return n
    data = rows(conn, table, flt)
    if fmt == "jsonl":
        for row in data:
            out.write((json.dumps(row, ensure_ascii=False, default=str) + "\n").encode("utf-8"))
            n += 1
        return n
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        dict_writer: csv.DictWriter[str] | None = None
        for row in data:
            if dict_writer is None:
                dict_writer = csv.DictWriter(text, fieldnames=list(row), extrasaction="ignore")
                dict_writer.writeheader()
            dict_writer.writerow(row)
            n += 1
        text.flush()
        text.detach()
        return n
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows_list = list(data)
    pq.write_table(pa.Table.from_pylist(rows_list), out)
    return len(rows_list)
