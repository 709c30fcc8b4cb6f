"""Write one article's reading (a contract record) into the store.

One article is written in one transaction by the caller, so an interrupted
write never leaves half an article. Fields are read defensively: the record
contract lets stages add fields, and references (an event's ``place``,
``when``, ``actors``) may be an entity id, a dict or plain text.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from tidings.errors import QueryError
from tidings.store import _cluster, _pairs, _resolve, _stories
from tidings.store import _schema as s

logger = logging.getLogger(__name__)

_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_PART_DATE = re.compile(r"^\d{4}(?:-\d{2})?$")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int | float | bool):
        return str(value)
    return None


def _int(value: Any, default: int = 0) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    return default


def _check_text(row: Mapping[str, Any], where: str) -> None:
    # PostgreSQL text cannot hold NUL; refuse on every backend so both agree.
    for key, value in row.items():
        if isinstance(value, str) and "\x00" in value:
            raise QueryError(
                f"[T520] {where}: field {key!r} contains a NUL character, which the store "
                "cannot hold; remove it from the input"
            )


def date_of(value: Any) -> str | None:
    """The ISO date (or year, year-month) a TIMEX3-like value names, else ``None``."""
    if isinstance(value, Mapping):
        value = value.get("value")
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _FULL_DATE.match(text):
        return text[:10]
    if _PART_DATE.match(text):
        return text
    return None


def _ref_id(ref: Any) -> str | None:
    """The local entity id a reference names (``"E1"`` or ``{"id": "E1"}``)."""
    if isinstance(ref, str):
        return ref
    if isinstance(ref, Mapping):
        for key in ("id", "entity", "entity_id"):
            if isinstance(ref.get(key), str):
                return str(ref[key])
    return None


class _Article:
    """One record with its local entity ids mapped to global ids."""

    def __init__(self, record: Mapping[str, Any]) -> None:
        aid = record.get("id")
        if not isinstance(aid, str) or not aid:
            raise QueryError("[T521] the record has no 'id'; records come from 'tidings read'")
        if not isinstance(record.get("text"), str):
            raise QueryError(f"[T522] record {aid}: 'text' is missing or not a string")
        self.record = record
        self.id = aid
        self.published = date_of(record.get("published")) or ""
        self.entities: list[Mapping[str, Any]] = [
            e for e in record.get("entities") or [] if isinstance(e, Mapping)
        ]
        self.local_ids: list[str] = []
        for i, ent in enumerate(self.entities):
            lid = _str(ent.get("id")) or f"E{i + 1}"
            self.local_ids.append(lid)
        self.by_local: dict[str, Mapping[str, Any]] = dict(zip(self.local_ids, self.entities, strict=True))
        self.global_of: dict[str, int] = {}

    def global_id(self, ref: Any) -> int | None:
        lid = _ref_id(ref)
        return self.global_of.get(lid) if lid is not None else None


def _entity_name(ent: Mapping[str, Any]) -> str:
    name = _str(ent.get("name"))
    if name:
        return name
    for m in ent.get("mentions") or []:
        if isinstance(m, Mapping) and _str(m.get("text")):
            return str(m["text"])
    return "?"


def _write_entities(conn: Connection, art: _Article) -> None:
    ent_rows: list[dict[str, Any]] = []
    mention_rows: list[dict[str, Any]] = []
    for idx, (lid, ent) in enumerate(zip(art.local_ids, art.entities, strict=True)):
        name = _entity_name(ent)
        etype = _str(ent.get("type")) or "MISC"
        local = _resolve.LocalEntity(
            name=name, type=etype, code=_str(ent.get("code")), country=_str(ent.get("country")),
            kb=_str(ent.get("kb")),
        )
        gid = _resolve.resolve(conn, local)
        art.global_of[lid] = gid
        ent_rows.append({
            "article_id": art.id, "local_id": lid, "idx": idx, "global_id": gid, "name": name,
            "name_norm": local.norm, "type": etype, "code": local.code, "country": local.country,
            "sector": _str(ent.get("sector")), "kb": local.kb, "data": _dumps(ent),
        })
        for midx, m in enumerate(ent.get("mentions") or []):
            if not isinstance(m, Mapping):
                continue
            mention_rows.append({
                "article_id": art.id, "local_id": lid, "idx": midx, "global_id": gid,
                "start": _int(m.get("start")), "end": _int(m.get("end")),
                "text": _str(m.get("text")) or "",
            })
    _insert(conn, s.entities, ent_rows, art.id)
    _insert(conn, s.mentions, mention_rows, art.id)
    _resolve.index_names(conn, [(row["global_id"], row["name_norm"]) for row in ent_rows])


def _insert(conn: Connection, table: Any, rows: list[dict[str, Any]], where: str) -> None:
    if not rows:
        return
    for row in rows:
        _check_text(row, where)
    conn.execute(insert(table), rows)


def _place(art: _Article, place: Any) -> tuple[str | None, int | None, str | None]:
    """Name, global id and country of an event's place reference."""
    lid = _ref_id(place)
    ent = art.by_local.get(lid) if lid is not None else None
    if ent is None and isinstance(place, Mapping):
        name = _str(place.get("name")) or _str(place.get("text"))
        return name, None, _str(place.get("country")) or _str(place.get("code"))
    if ent is None:
        return (place if isinstance(place, str) else None), None, None
    gid = art.global_of.get(lid or "")
    country = _str(ent.get("country")) or _str(ent.get("code"))
    return _entity_name(ent), gid, country


def _when(art: _Article, when: Any) -> tuple[str, str]:
    """The event's date and where it came from (``event``, ``published``, ``unknown``)."""
    times = art.record.get("times") or []
    if isinstance(when, int) and not isinstance(when, bool) and 0 <= when < len(times):
        when = times[when]
    found = date_of(when)
    if found:
        return found, "event"
    if art.published:
        return art.published, "published"
    return "", "unknown"


def _span(value: Any) -> tuple[int | None, int | None, str | None]:
    if not isinstance(value, Mapping):
        return None, None, None
    return (_int(value.get("start")) if "start" in value else None,
            _int(value.get("end")) if "end" in value else None,
            _str(value.get("text")))


def _confidence(value: Any) -> float | None:
    """An event's confidence in [0, 1], or None when it has none."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return min(1.0, max(0.0, float(value)))


def _write_events(conn: Connection, art: _Article) -> list[int]:
    ids: list[int] = []
    for idx, ev in enumerate(art.record.get("events") or []):
        if not isinstance(ev, Mapping):
            continue
        place, place_gid, country = _place(art, ev.get("place"))
        date, date_from = _when(art, ev.get("when"))
        ev_start, ev_end, ev_text = _span(ev.get("evidence"))
        cameo = ev.get("cameo")
        if isinstance(cameo, Mapping):
            cameo = cameo.get("code")
        row = {
            "article_id": art.id, "local_id": _str(ev.get("id")) or f"V{idx + 1}", "idx": idx,
            "type": _str(ev.get("type")) or "UNKNOWN", "mode": _str(ev.get("mode")),
            "context": _str(ev.get("context")) if not isinstance(ev.get("context"), list)
            else ",".join(str(c) for c in ev["context"]),
            "modality": _str(ev.get("modality")), "date": date, "date_from": date_from,
            "place": place, "place_global_id": place_gid, "country": country,
            "cameo": _str(cameo), "confidence": _confidence(ev.get("confidence")), "evidence_start": ev_start, "evidence_end": ev_end,
            "evidence": ev_text, "source_global_id": art.global_id(ev.get("source")),
            "data": _dumps(ev),
        }
        _check_text(row, art.id)
        result = conn.execute(insert(s.events).values(**row))
        event_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        ids.append(event_id)
        _write_roles(conn, art, ev, event_id, date)
    _pairs.adjust(conn, ids, 1)
    return ids


def _roles(art: _Article, ev: Mapping[str, Any]) -> list[tuple[str, int]]:
    pairs: list[tuple[str, int]] = []
    for role, key in (("actor", "actors"), ("target", "targets")):
        refs = ev.get(key) or []
        if not isinstance(refs, list):
            refs = [refs]
        for ref in refs:
            gid = art.global_id(ref)
            if gid is not None and (role, gid) not in pairs:
                pairs.append((role, gid))
    return pairs


def _write_roles(conn: Connection, art: _Article, ev: Mapping[str, Any], event_id: int,
                 date: str) -> None:
    rows = [{"event_id": event_id, "role": role, "global_id": gid, "date": date}
            for role, gid in _roles(art, ev)]
    if rows:
        conn.execute(insert(s.event_actors), rows)


def _write_quotes(conn: Connection, art: _Article) -> None:
    rows = []
    for idx, q in enumerate(art.record.get("quotes") or []):
        if not isinstance(q, Mapping):
            continue
        rows.append({
            "article_id": art.id, "idx": idx, "start": _int(q.get("start")),
            "end": _int(q.get("end")), "text": _str(q.get("text")) or "",
            "kind": _str(q.get("kind")), "speaker_global_id": art.global_id(q.get("speaker")),
            "speaker_text": _str(q.get("speaker_text")), "cue": _str(q.get("cue")),
            "data": _dumps(q),
        })
    _insert(conn, s.quotes, rows, art.id)


def _write_times(conn: Connection, art: _Article) -> None:
    rows = []
    for idx, t in enumerate(art.record.get("times") or []):
        if not isinstance(t, Mapping):
            continue
        rows.append({
            "article_id": art.id, "idx": idx, "start": _int(t.get("start")),
            "end": _int(t.get("end")), "text": _str(t.get("text")) or "",
            "type": _str(t.get("type")), "value": _str(t.get("value")), "data": _dumps(t),
        })
    _insert(conn, s.times, rows, art.id)


_ARTICLE_KEYS = ("entities", "times", "quotes", "events", "sections")


def _write_article(conn: Connection, art: _Article) -> None:
    rec = art.record
    row = {
        "id": art.id, "url": _str(rec.get("url")), "headline": _str(rec.get("headline")),
        "published": _str(rec.get("published")) or "", "dateline": _str(rec.get("dateline")),
        "publisher": _str(rec.get("publisher")), "language": _str(rec.get("language")),
        "source_path": _str(rec.get("source_path")), "text": rec["text"],
        "data": _dumps({k: v for k, v in rec.items() if k not in _ARTICLE_KEYS}),
        "ingested_at": datetime.now(UTC).isoformat(),
    }
    _insert(conn, s.articles, [row], art.id)
    sections = [
        {"article_id": art.id, "idx": i, "kind": _str(sec.get("kind")) or "body",
         "start": _int(sec.get("start")), "end": _int(sec.get("end"))}
        for i, sec in enumerate(rec.get("sections") or []) if isinstance(sec, Mapping)
    ]
    _insert(conn, s.sections, sections, art.id)


def delete_article(conn: Connection, article_id: str, *, prune: bool = True) -> set[tuple[int, str]]:
    """Remove an article and everything read from it; empty clusters go too.

    With ``prune``, the names only this article gave an entity leave the word
    index, and global entities nothing refers to any more are deleted.

    Returns:
        The (global id, normalised name) pairs of the article's entities, for
        :func:`prune_entities` when the caller prunes later.
    """
    ev, e = s.events, s.entities
    named = {(int(gid), str(name)) for gid, name in conn.execute(
        select(e.c.global_id, e.c.name_norm).where(e.c.article_id == article_id)).all()}
    for table, col in ((s.events, s.events.c.place_global_id), (s.events, s.events.c.source_global_id),
                       (s.quotes, s.quotes.c.speaker_global_id)):
        named |= {(int(gid), "") for gid in conn.execute(
            select(col).where(table.c.article_id == article_id, col.is_not(None))).scalars()}
    clusters = set(conn.execute(
        select(ev.c.cluster_id).where(ev.c.article_id == article_id, ev.c.cluster_id.is_not(None))
    ).scalars())
    _pairs.adjust(conn, conn.execute(select(ev.c.id).where(ev.c.article_id == article_id)).scalars(), -1)
    event_ids = select(ev.c.id).where(ev.c.article_id == article_id).scalar_subquery()
    conn.execute(delete(s.event_actors).where(s.event_actors.c.event_id.in_(event_ids)))
    for table in (s.events, s.quotes, s.times, s.mentions, s.entities, s.sections):
        conn.execute(delete(table).where(table.c.article_id == article_id))
    conn.execute(delete(s.articles).where(s.articles.c.id == article_id))
    _cluster.refresh(conn, clusters)
    _stories.remove(conn, article_id)
    if prune:
        prune_entities(conn, named)
    return named


def prune_entities(conn: Connection, named: Iterable[tuple[int, str]]) -> None:
    """After articles went: unindex names no article gives any more, delete unreferenced entities."""
    named = set(named)
    _resolve.unindex_unused(conn, [(gid, name) for gid, name in named if name])
    dropped = _resolve.drop_orphans(conn, {gid for gid, _ in named})
    if dropped:
        logger.info("deleted %d entities no stored article names any more", len(dropped))


def write_record(conn: Connection, record: Mapping[str, Any]) -> str:
    """Store one record in the caller's transaction.

    Returns:
        ``"unchanged"`` when an article with this id is stored already,
        ``"replaced"`` when it replaced an earlier reading with the same URL,
        else ``"added"``.
    """
    art = _Article(record)
    a = s.articles
    if conn.execute(select(a.c.id).where(a.c.id == art.id)).first() is not None:
        return "unchanged"
    status = "added"
    url = _str(record.get("url"))
    # Entities of a replaced reading are pruned after the new one is written,
    # so an entity the new reading names again keeps its id.
    named: set[tuple[int, str]] = set()
    pin: int | None = None
    if url:
        for old in conn.execute(select(a.c.id).where(a.c.url == url)).scalars().all():
            # A manual story decision about the old reading holds for the new one.
            pin = _stories.pinned_story(conn, old) or pin
            logger.info("article %s replaces %s (same URL %s)", art.id, old, url)
            named |= delete_article(conn, old, prune=False)
            status = "replaced"
    _write_article(conn, art)
    _write_entities(conn, art)
    _write_times(conn, art)
    _write_quotes(conn, art)
    event_ids = _write_events(conn, art)
    # The story first: an event's cluster folds with the clusters of its story.
    _stories.assign(conn, record, pin=pin)
    for event_id in event_ids:
        _cluster.assign(conn, event_id)
    if named:
        prune_entities(conn, named)
    return status


def relink(conn: Connection, article_ids: Iterable[str]) -> None:
    """Recompute the global references of articles' events and quotes after a split."""
    for aid in article_ids:
        mapping = dict(conn.execute(
            select(s.entities.c.local_id, s.entities.c.global_id).where(s.entities.c.article_id == aid)
        ).all())
        data = conn.execute(select(s.articles.c.data).where(s.articles.c.id == aid)).scalar_one()
        art = _Article({**json.loads(data), "id": aid, "text": "", "entities": [
            json.loads(d) for d in conn.execute(
                select(s.entities.c.data).where(s.entities.c.article_id == aid).order_by(s.entities.c.idx)
            ).scalars()
        ]})
        art.global_of = {k: int(v) for k, v in mapping.items()}
        for q_id, q_data in conn.execute(
            select(s.quotes.c.id, s.quotes.c.data).where(s.quotes.c.article_id == aid)
        ).all():
            conn.execute(s.quotes.update().where(s.quotes.c.id == q_id).values(
                speaker_global_id=art.global_id(json.loads(q_data).get("speaker"))))
        rows = conn.execute(
            select(s.events.c.id, s.events.c.data, s.events.c.date).where(s.events.c.article_id == aid)
        ).all()
        _pairs.adjust(conn, [int(r.id) for r in rows], -1)
        for e_id, e_data, e_date in rows:
            ev = json.loads(e_data)
            _, place_gid, _ = _place(art, ev.get("place"))
            conn.execute(s.events.update().where(s.events.c.id == e_id).values(
                place_global_id=place_gid, source_global_id=art.global_id(ev.get("source"))))
            conn.execute(delete(s.event_actors).where(s.event_actors.c.event_id == e_id))
            _write_roles(conn, art, ev, e_id, e_date)
        _pairs.adjust(conn, [int(r.id) for r in rows], 1)
