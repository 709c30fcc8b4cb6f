"""Stories kept in the store: :class:`tidings.stories.StoryIndex` over the story tables.

Every change runs in the caller's write transaction (under the store's write
lock, so writers take turns) and reads from the database only what it needs:

* assigning an article reads the postings of its rarest keys (``story_terms``
  by ``(key, story)``, open stories only), the rows of the few candidate
  stories, and the document frequencies of their keys; the engine scores them
  and the rows that changed are written back;
* removing, merging and splitting read the stories concerned with their articles.

So a process never holds a copy of the index that another could make stale:
what it reads is what the last committed writer left. The engine runs on a
partial index (:class:`_Partial`), built from those rows, that counts the
articles of the whole store for idf.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from tidings.store import _schema as s
from tidings.stories import STATE_VERSION, StoryConfig, StoryIndex, features
from tidings.stories._features import entity_key
from tidings.stories._index import QUERY_SPACES

CONFIG = StoryConfig()
_CHUNK = 500


class _Partial(StoryIndex):
    """A story index holding some of the store's stories; idf counts every stored article."""

    total = 0

    def _idf(self, key: str) -> float:
        return math.log((1 + self.total) / (1 + self._df[key])) + 1.0


def _chunks(items: Iterable[Any]) -> Iterable[list[Any]]:
    items = list(items)
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def _meta(conn: Connection) -> dict[str, Any]:
    m = s.story_meta
    row = conn.execute(select(m.c.next_id, m.c.clock, m.c.articles).where(m.c.id == 1)).first()
    if row is None:
        conn.execute(m.insert().values(id=1, next_id=1, clock=None, articles=0))
        return {"next_id": 1, "clock": None, "articles": 0}
    return {"next_id": int(row.next_id), "clock": row.clock, "articles": int(row.articles)}


def _article_rows(conn: Connection, *, stories: Iterable[int] = (), ids: Iterable[str] = ()) -> list[dict[str, Any]]:
    sa = s.story_articles
    found: dict[str, dict[str, Any]] = {}
    for cond in ([sa.c.story.in_(c) for c in _chunks(set(stories))]
                 + [sa.c.article.in_(c) for c in _chunks(set(ids))]):
        for r in conn.execute(select(sa).where(cond).order_by(sa.c.published, sa.c.article)).all():
            found[r.article] = {"id": r.article, "story": int(r.story), "pinned": bool(r.pinned),
                                "published": r.published, "headline": r.headline or "",
                                "publisher": r.publisher, "keys": json.loads(r.keys)}
    return sorted(found.values(), key=lambda a: (a["published"] is None, a["published"] or 0.0, a["id"]))


def _load(conn: Connection, story_ids: Iterable[int], *, with_articles: Iterable[int] = (),
          article_ids: Iterable[str] = (), keys: Iterable[str] = (),
          label_keys: Iterable[str] = ()) -> _Partial:
    """A partial index of these stories (with the articles of ``with_articles`` and ``article_ids``)."""
    story_ids = set(story_ids)
    st, sd, sl = s.story_terms, s.story_df, s.story_labels
    ss = s.stories
    story_rows = []
    for chunk in _chunks(story_ids):
        story_rows += [{"id": int(i), "first_seen": first, "last_seen": last, "open": bool(is_open)}
                       for i, first, last, is_open in conn.execute(
                           select(ss.c.id, ss.c.first_seen, ss.c.last_seen, ss.c.open).where(ss.c.id.in_(chunk)))]
    known = {r["id"] for r in story_rows}
    # The candidates' keys with their document frequencies, in one join.
    terms = []
    found_df: dict[str, int] = {}
    for chunk in _chunks(known):
        for story_id, key, weight, n in conn.execute(
                select(st.c.story, st.c.key, st.c.weight, sd.c.df).outerjoin(sd, sd.c.key == st.c.key)
                .where(st.c.story.in_(chunk))):
            terms.append({"story": int(story_id), "key": key, "weight": float(weight)})
            if n is not None:
                found_df[key] = int(n)
    articles = [a for a in _article_rows(conn, stories=set(with_articles) & known, ids=article_ids)
                if a["story"] in known]
    wanted = (set(keys) | {k for a in articles for k in a["keys"]}) - set(found_df)
    for chunk in _chunks(wanted):
        found_df.update({k: int(n) for k, n in conn.execute(select(sd.c.key, sd.c.df).where(sd.c.key.in_(chunk)))})
    df = [{"key": k, "df": n} for k, n in found_df.items()]
    labels = []
    for chunk in _chunks(set(label_keys)):
        labels += [{"key": r.key, "label": r.label}
                   for r in conn.execute(select(sl).where(sl.c.key.in_(chunk))).all()]
    meta = _meta(conn)
    state = {
        "version": STATE_VERSION,
        "config": {k: (list(map(list, v)) if k == "weights" else v) for k, v in asdict(CONFIG).items()},
        "meta": {"next_id": meta["next_id"], "clock": meta["clock"]},
        "stories": story_rows, "story_terms": terms, "articles": articles, "key_df": df, "labels": labels,
        "pins": [{"article": a["id"], "story": a["story"]} for a in articles if a["pinned"]],
    }
    index = _Partial.from_state(state)
    assert isinstance(index, _Partial)
    index.total = meta["articles"]
    return index


def _snapshot(index: _Partial) -> dict[str, Any]:
    """The partial index's rows, keyed for comparison (what :func:`_save` diffs)."""
    stories = index._stories
    return {
        "stories": {sid: (st.first_seen, st.last_seen, st.open) for sid, st in stories.items()},
        "terms": {(sid, key): weight for sid, st in stories.items() for key, weight in st.keys.items()},
        "articles": {aid: {**stored.as_row(), "story": index._story_of[aid], "pinned": aid in index._pins}
                     for aid, stored in index._articles.items()},
        "df": dict(index._df),
        "labels": dict(index._labels),
        "next_id": index._next_id, "clock": index._clock,
    }


def _fill(conn: Connection, index: _Partial, story_ids: Iterable[int]) -> None:
    """Load the articles of these stories that the partial index lacks (for their description)."""
    for story_id in story_ids:
        story = index._stories.get(story_id)
        if story is None:
            continue
        rows = [r for r in _article_rows(conn, stories=[story_id]) if r["id"] not in index._articles]
        if not rows:
            continue
        from tidings.stories import Features
        from tidings.stories._index import _Stored

        for row in rows:
            index._articles[row["id"]] = _Stored(Features.from_row(row))
            index._story_of[row["id"]] = story_id
        story.articles[:0] = [r["id"] for r in rows]
        missing = [k for k in story.keys if k not in index._df]
        for chunk in _chunks(missing):
            for r in conn.execute(select(s.story_df).where(s.story_df.c.key.in_(chunk))).all():
                index._df[r.key] = int(r.df)


def _save(conn: Connection, index: _Partial, before: dict[str, Any], touched: Iterable[int]) -> None:
    """Write the rows the change made differ from ``before``; describe the touched stories again."""
    after = _snapshot(index)
    ss, st, sa, sd, sl = s.stories, s.story_terms, s.story_articles, s.story_df, s.story_labels
    gone = set(before["stories"]) - set(after["stories"])
    for chunk in _chunks(gone):
        conn.execute(delete(ss).where(ss.c.id.in_(chunk)))
        conn.execute(delete(st).where(st.c.story.in_(chunk)))
    for sid, (first, last, is_open) in after["stories"].items():
        if sid not in before["stories"]:
            conn.execute(ss.insert().values(id=sid, first_seen=first, last_seen=last, open=int(is_open), title="",
                                            n_articles=0, publishers="[]", entities="[]", places="[]"))
        elif before["stories"][sid] != (first, last, is_open):
            conn.execute(update(ss).where(ss.c.id == sid).values(first_seen=first, last_seen=last,
                                                                 open=int(is_open)))
    # Terms: per story, the keys whose weight changed or went.
    changed: dict[int, list[str]] = {}
    for pair, weight in before["terms"].items():
        if pair[0] not in gone and after["terms"].get(pair) != weight:
            changed.setdefault(pair[0], []).append(pair[1])
    for pair, weight in after["terms"].items():
        if before["terms"].get(pair) != weight and pair not in before["terms"]:
            changed.setdefault(pair[0], []).append(pair[1])
    for sid, keys in changed.items():
        for chunk in _chunks(keys):
            conn.execute(delete(st).where(st.c.story == sid, st.c.key.in_(chunk)))
        rows = [{"story": sid, "key": k, "weight": after["terms"][(sid, k)]}
                for k in keys if (sid, k) in after["terms"]]
        if rows:
            conn.execute(st.insert(), rows)
    # Articles.
    for aid in before["articles"]:
        if aid not in after["articles"]:
            conn.execute(delete(sa).where(sa.c.article == aid))
    for aid, row in after["articles"].items():
        old = before["articles"].get(aid)
        if old == row:
            continue
        values = {"story": row["story"], "pinned": int(row["pinned"]), "published": row["published"],
                  "headline": row["headline"] or "", "publisher": row["publisher"],
                  "keys": json.dumps(row["keys"], sort_keys=True)}
        if old is None:
            conn.execute(sa.insert().values(article=aid, **values))
        else:
            conn.execute(update(sa).where(sa.c.article == aid).values(**values))
    # Document frequencies and labels.
    for table, col, name in ((sd, sd.c.key, "df"), (sl, sl.c.key, "labels")):
        old_map, new_map = before[name], after[name]
        stale = [k for k in old_map if new_map.get(k) != old_map[k]] + [k for k in new_map if k not in old_map]
        for chunk in _chunks(stale):
            conn.execute(delete(table).where(col.in_(chunk)))
        value = "df" if name == "df" else "label"
        rows = [{"key": k, value: new_map[k]} for k in stale if k in new_map]
        if rows:
            conn.execute(table.insert(), rows)
    conn.execute(update(s.story_meta).where(s.story_meta.c.id == 1).values(
        next_id=max(after["next_id"], _meta(conn)["next_id"]), clock=after["clock"], articles=index.total))
    if after["clock"] is not None:
        # Stories whose last article is out of the window leave the postings (see tidings.stories).
        conn.execute(update(ss).where(ss.c.open == 1, ss.c.last_seen < after["clock"] - 2 * CONFIG.window_days)
                     .values(open=0))
    touched = {t for t in touched if t in index._stories}
    _fill(conn, index, touched)
    for sid in touched:
        story = index.story(sid)
        conn.execute(update(ss).where(ss.c.id == sid).values(
            title=story.title or "", n_articles=len(story.article_ids),
            publishers=json.dumps(list(story.publishers)), entities=json.dumps(list(story.entities)),
            places=json.dumps(list(story.places))))


def _label_keys(record: Mapping[str, Any]) -> set[str]:
    keys: set[str] = set()
    for entity in record.get("entities") or []:
        if not isinstance(entity, Mapping):
            continue
        key = entity_key(dict(entity))
        if key is not None:
            keys |= {f"e:{key}", f"g:{key}"}
        geo = entity.get("geo") or {}
        if isinstance(geo, Mapping) and geo.get("geonameid"):
            keys.add(f"g:geo {geo['geonameid']}")
    return keys


def _clean(record: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a record the engine reads, with anything of the wrong shape left out."""
    def text(value: Any) -> str | None:
        return value if isinstance(value, str) else None

    def items(value: Any) -> list[dict[str, Any]]:
        return [dict(v) for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []

    entities = items(record.get("entities"))
    for entity in entities:
        for name in ("name", "type", "kb", "code"):
            if name in entity and not isinstance(entity[name], str):
                entity[name] = None
        if not isinstance(entity.get("geo"), Mapping):
            entity["geo"] = None
        if not isinstance(entity.get("mentions"), list):
            entity["mentions"] = []
        if not isinstance(entity.get("aliases"), list):
            entity["aliases"] = []
        entity["aliases"] = [a for a in entity["aliases"] if isinstance(a, str)]
    events = items(record.get("events"))
    for event in events:
        if not isinstance(event.get("place"), (str, int)):
            event["place"] = None
    return {"id": str(record["id"]), "headline": text(record.get("headline")) or "",
            "published": text(record.get("published")), "publisher": text(record.get("publisher")),
            "text": text(record.get("text")) or "", "entities": entities, "events": events}


def _candidates(conn: Connection, keys: Iterable[str], df: Mapping[str, int]) -> list[int]:
    """The stories an article could join: the engine's lookup, over the postings table."""
    st, ss = s.story_terms, s.stories
    query = sorted((k for k in keys if k[0] in QUERY_SPACES and df.get(k, 0) > 1), key=lambda k: (df[k], k))
    hits: Counter[int] = Counter()
    budget = CONFIG.max_scanned
    for key in query[:CONFIG.query_keys]:
        posting = conn.execute(
            select(st.c.story).join(ss, ss.c.id == st.c.story)
            .where(st.c.key == key, ss.c.open == 1).limit(CONFIG.max_postings + 1)
        ).scalars().all()
        if not posting or len(posting) > CONFIG.max_postings:
            continue
        if len(posting) > budget:
            break
        budget -= len(posting)
        hits.update(int(p) for p in posting)
    return [sid for sid, _ in hits.most_common(CONFIG.candidates)]


def assign(conn: Connection, record: Mapping[str, Any], *, pin: int | None = None) -> int:
    """Put a stored article in a story (again, when it is indexed already); return the story id.

    Args:
        pin: a story the article is pinned to (a manual decision carried over
            from the reading it replaces).
    """
    plain = _clean(record)
    feats = features(plain, lead_words=CONFIG.lead_words, headline_weight=CONFIG.headline_weight)
    old = next(iter(_article_rows(conn, ids=[feats.id])), None)
    old_keys = set(old["keys"]) if old else set()
    sd = s.story_df
    df_db: dict[str, int] = {}
    for chunk in _chunks(set(feats.keys) | old_keys):
        df_db.update({r.key: int(r.df) for r in conn.execute(select(sd).where(sd.c.key.in_(chunk))).all()})
    df_after = {k: df_db.get(k, 0) - (1 if k in old_keys else 0) + 1 for k in feats.keys}
    found = set(_candidates(conn, feats.keys, df_after))
    own = {old["story"]} if old else set()
    if old and old["pinned"]:
        pin = old["story"]
    if pin is not None:
        own.add(pin)
    index = _load(conn, found | own, with_articles=own, article_ids=[feats.id], keys=feats.keys,
                  label_keys=_label_keys(plain))
    index.total += 0 if old else 1
    if pin is not None:
        index._pins[feats.id] = pin
    before = _snapshot(index)
    story_id = index.assign(plain)
    _save(conn, index, before, touched=own | {story_id})
    return story_id


def remove(conn: Connection, article_id: str) -> int | None:
    """Take a deleted article out of its story; return the story it was pinned to, if any."""
    old = next(iter(_article_rows(conn, ids=[article_id])), None)
    if old is None:
        return None
    index = _load(conn, [old["story"]], with_articles=[old["story"]])
    before = _snapshot(index)
    index.remove(article_id)
    index.total -= 1
    _save(conn, index, before, touched=[old["story"]])
    return old["story"] if old["pinned"] else None


def _whole(conn: Connection, story_ids: Iterable[int]) -> _Partial:
    ids = set(story_ids)
    found = {int(i) for i in conn.execute(select(s.stories.c.id).where(s.stories.c.id.in_(ids))).scalars()}
    missing = ids - found
    if missing:
        from tidings.errors import NotFound

        raise NotFound(f"[T545] no story {min(missing)}")
    return _load(conn, ids, with_articles=ids)


def merge(conn: Connection, a: int, b: int) -> int:
    """Fold story ``b`` into ``a``; every article of both is pinned to ``a``."""
    index = _whole(conn, [a, b])
    before = _snapshot(index)
    index.merge(a, b)
    _save(conn, index, before, touched=[a, b])
    return a


def split(conn: Connection, story_id: int, article_ids: Iterable[str]) -> int:
    """Move some articles of a story into a new story (both sides pinned); return the new id."""
    from tidings.errors import QueryError

    index = _whole(conn, [story_id])
    before = _snapshot(index)
    try:
        new_id = index.split(story_id, article_ids)
    except (KeyError, ValueError) as exc:
        raise QueryError(f"[T546] cannot split story {story_id}: {str(exc).strip(chr(39))}") from exc
    _save(conn, index, before, touched=[story_id, new_id])
    return new_id


def pinned_story(conn: Connection, article_id: str) -> int | None:
    """The story a manual decision pinned this article to, or None."""
    sa = s.story_articles
    row = conn.execute(select(sa.c.story, sa.c.pinned).where(sa.c.article == article_id)).first()
    return int(row.story) if row is not None and row.pinned else None


def story_of(conn: Connection, article_ids: Iterable[str]) -> dict[str, int]:
    """Article id -> story id, for those of these articles that are in a story."""
    sa = s.story_articles
    out: dict[str, int] = {}
    for chunk in _chunks(set(article_ids)):
        out.update({r.article: int(r.story) for r in conn.execute(
            select(sa.c.article, sa.c.story).where(sa.c.article.in_(chunk))).all()})
    return out


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(s.stories)).scalar_one())


# -- reading -----------------------------------------------------------------------------------


def _iso(day: float | None) -> str | None:
    if day is None:
        return None
    from datetime import UTC, datetime

    return datetime.fromtimestamp(day * 86400.0, UTC).isoformat().replace("+00:00", "Z")


_UNDATED = -1.0e9  # the sort key of a story without a date: after every dated one


def _day(value: str, *, end: bool) -> float:
    """The day (the engine's count) a YYYY, YYYY-MM or YYYY-MM-DD starts, or with ``end`` the day after it."""
    from datetime import date, timedelta

    from tidings.errors import QueryError

    try:
        parts = [int(p) for p in value.split("-")]
        year, month, day = (parts + [1, 1])[:3]
        first = date(year, month, day)
        if not end:
            return float((first - date(1970, 1, 1)).days)
        if len(parts) == 3:
            after = first + timedelta(days=1)
        elif len(parts) == 2:
            after = date(year + month // 12, month % 12 + 1, 1)
        else:
            after = date(year + 1, 1, 1)
    except OverflowError:
        return math.inf
    except ValueError as exc:
        raise QueryError(f"[T532] {value!r} is not a date; expected YYYY-MM-DD") from exc
    return float((after - date(1970, 1, 1)).days)


def story_dicts(conn: Connection, rows: list[Any]) -> list[dict[str, Any]]:
    """Story rows as output dicts, with their articles (publication order) and event clusters."""
    ids = [int(r.id) for r in rows]
    sa, a, ev = s.story_articles, s.articles, s.events
    articles: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    clusters: dict[int, list[int]] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        for r in conn.execute(
            select(sa.c.story, sa.c.pinned, a.c.id, a.c.url, a.c.headline, a.c.publisher, a.c.published)
            .join(a, a.c.id == sa.c.article).where(sa.c.story.in_(chunk)).order_by(a.c.published, a.c.id)
        ).all():
            articles[int(r.story)].append({"id": r.id, "url": r.url, "headline": r.headline,
                                           "publisher": r.publisher, "published": r.published or None,
                                           "pinned": bool(r.pinned)})
        for story_id, cluster_id in conn.execute(
            select(sa.c.story, ev.c.cluster_id).distinct().join(ev, ev.c.article_id == sa.c.article)
            .where(sa.c.story.in_(chunk), ev.c.cluster_id.is_not(None)).order_by(sa.c.story, ev.c.cluster_id)
        ).tuples():
            clusters[int(story_id)].append(int(cluster_id))
    return [{
        "id": int(r.id), "title": r.title, "first_seen": _iso(r.first_seen), "last_seen": _iso(r.last_seen),
        "articles": articles[int(r.id)], "publishers": json.loads(r.publishers),
        "entities": json.loads(r.entities), "places": json.loads(r.places), "clusters": clusters[int(r.id)],
    } for r in rows]


def stories(conn: Connection, *, since: str | None = None, until: str | None = None, entity: str | None = None,
            q: str | None = None, limit: int = 50, cursor: str | None = None) -> Any:
    """Stories, latest first (by their last article), with the stories filters."""
    from sqlalchemy import literal, or_, tuple_

    from tidings.store import _query
    limit = _query._limit(limit)
    since, until = _query._check_date(since, "since"), _query._check_date(until, "until")
    ss, sa, e = s.stories, s.story_articles, s.entities
    last = func.coalesce(ss.c.last_seen, _UNDATED)
    stmt = select(ss)
    if since:
        stmt = stmt.where(ss.c.last_seen >= _day(since, end=False))
    if until:
        stmt = stmt.where(ss.c.first_seen < _day(until, end=True))
    if entity:
        gids = _query.entity_ids(conn, entity)
        stmt = stmt.where(ss.c.id.in_(select(sa.c.story).join(e, e.c.article_id == sa.c.article)
                                      .where(e.c.global_id.in_(gids or [-1]))))
    if q:
        _query.check_text(q)
        for word in q.lower().split():
            pattern = f"%{word}%"
            stmt = stmt.where(or_(func.lower(ss.c.title).like(pattern), func.lower(ss.c.entities).like(pattern),
                                  func.lower(ss.c.places).like(pattern)))
    if cursor:
        key, story_id = _query.decode_cursor(cursor, 2)
        try:
            key, story_id = float(key), int(story_id)
            if not math.isfinite(key):
                raise ValueError(key)
        except (TypeError, ValueError) as exc:
            raise _query.QueryError(f"[T530] the cursor {cursor[:40]!r} is not valid; use next_cursor as given") \
                from exc
        stmt = stmt.where(tuple_(last, ss.c.id) < tuple_(literal(key), literal(story_id)))
    rows = conn.execute(stmt.order_by(last.desc(), ss.c.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = None
    if more and rows:
        tail = rows[-1]
        nxt = _query.encode_cursor([repr(float(tail.last_seen if tail.last_seen is not None else _UNDATED)),
                                    int(tail.id)])
    return _query.Page(story_dicts(conn, rows), nxt)


def story(conn: Connection, story_id: int) -> dict[str, Any] | None:
    """One story with its articles, or None."""
    row = conn.execute(select(s.stories).where(s.stories.c.id == story_id)).first()
    return story_dicts(conn, [row])[0] if row is not None else None


def _in_story(story_id: int) -> Any:
    """The ids of a story's articles, as a subquery."""
    sa = s.story_articles
    return select(sa.c.article).where(sa.c.story == story_id)


def story_entities(conn: Connection, story_id: int, *, limit: int = 50) -> list[dict[str, Any]]:
    """The resolved entities of a story's articles: in how many of them and how often each is named.

    Most articles first, then most mentions; at most ``limit``.
    """
    from tidings.store import _query

    limit = _query._limit(limit)
    e, m, g = s.entities, s.mentions, s.global_entities
    arts = _in_story(story_id)
    n_articles = func.count(func.distinct(e.c.article_id)).label("n")
    rows = conn.execute(
        select(g.c.id, g.c.name, g.c.type, g.c.code, g.c.country, n_articles)
        .join(e, e.c.global_id == g.c.id).where(e.c.article_id.in_(arts))
        .group_by(g.c.id, g.c.name, g.c.type, g.c.code, g.c.country)).all()
    mentions: dict[int, int] = dict(conn.execute(
        select(m.c.global_id, func.count()).where(m.c.article_id.in_(arts)).group_by(m.c.global_id)).tuples().all())
    items = [{"id": int(r.id), "name": r.name, "type": r.type, "code": r.code, "country": r.country,
              "articles": int(r.n), "mentions": int(mentions.get(r.id, 0))} for r in rows]
    items.sort(key=lambda x: (-x["articles"], -x["mentions"], x["name"], x["id"]))
    return items[:limit]


def story_quotes(conn: Connection, story_id: int, *, limit: int = 50, cursor: str | None = None) -> Any:
    """Who said what in a story: its articles' quotes grouped by resolved speaker.

    The most quoted speaker first, the quotes without a resolved speaker last;
    a speaker's quotes in publication order. ``limit`` counts quotes: a page
    is a list of ``{"speaker_id", "speaker", "n", "quotes": [...]}`` groups
    (``n``: the speaker's quotes in the whole story), and a speaker whose
    quotes run past the page goes on in the first group of the next one.
    """
    from sqlalchemy import case, literal, tuple_

    from tidings.store import _query

    limit = _query._limit(limit)
    q, g, a = s.quotes, s.global_entities, s.articles
    arts = _in_story(story_id)
    counts = (select(q.c.speaker_global_id.label("sid"), func.count().label("n"))
              .where(q.c.article_id.in_(arts), q.c.speaker_global_id.is_not(None))
              .group_by(q.c.speaker_global_id).subquery())
    # One ascending key: (most quoted first, unattributed last), speaker, publication, id.
    rank = case((q.c.speaker_global_id.is_(None), _query.MAX_ID), else_=_query.MAX_ID - counts.c.n)
    speaker = func.coalesce(q.c.speaker_global_id, 0)
    published = func.coalesce(a.c.published, "")
    stmt = (select(q, g.c.name.label("speaker_name"), a.c.url, a.c.headline, a.c.published, a.c.publisher,
                   counts.c.n.label("speaker_quotes"), rank.label("rank"))
            .join(a, a.c.id == q.c.article_id).outerjoin(g, g.c.id == q.c.speaker_global_id)
            .outerjoin(counts, counts.c.sid == q.c.speaker_global_id).where(q.c.article_id.in_(arts)))
    if cursor:
        key = _query.decode_cursor(cursor, 4)
        if not (isinstance(key[0], int) and isinstance(key[1], int) and isinstance(key[2], str)
                and isinstance(key[3], int)):
            from tidings.errors import QueryError

            raise QueryError(f"[T530] the cursor {cursor[:40]!r} is not valid; use next_cursor as given")
        stmt = stmt.where(tuple_(rank, speaker, published, q.c.id)
                          > tuple_(literal(key[0]), literal(key[1]), literal(key[2]), literal(key[3])))
    rows = conn.execute(stmt.order_by(rank, speaker, published, q.c.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    unattributed = conn.execute(select(func.count()).select_from(q).where(
        q.c.article_id.in_(arts), q.c.speaker_global_id.is_(None))).scalar_one() if rows else 0
    groups: list[dict[str, Any]] = []
    for r in rows:
        sid = int(r.speaker_global_id) if r.speaker_global_id is not None else None
        if not groups or groups[-1]["speaker_id"] != sid:
            groups.append({"speaker_id": sid, "speaker": r.speaker_name,
                           "n": int(r.speaker_quotes) if sid is not None else int(unattributed), "quotes": []})
        groups[-1]["quotes"].append({
            "id": int(r.id), "article_id": r.article_id, "idx": int(r.idx), "start": r.start, "end": r.end,
            "text": r.text, "kind": r.kind, "speaker_text": r.speaker_text, "cue": r.cue, "url": r.url,
            "headline": r.headline, "publisher": r.publisher, "published": r.published or None,
        })
    nxt = None
    if more and rows:
        tail = rows[-1]
        nxt = _query.encode_cursor([int(tail.rank), int(tail.speaker_global_id or 0), tail.published or "",
                                    int(tail.id)])
    return _query.Page(groups, nxt)


def story_quote_count(conn: Connection, story_id: int) -> int:
    """How many quotes a story's articles hold."""
    q = s.quotes
    return int(conn.execute(select(func.count()).select_from(q).where(
        q.c.article_id.in_(_in_story(story_id)))).scalar_one())
