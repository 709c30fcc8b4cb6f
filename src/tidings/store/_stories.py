"""Stories kept in the store: :class:`tidings.stories.StoryIndex` over the story tables.

Every change runs in the caller's write transaction (under the store's write
lock, so writers take turns) and reads from the database only what it needs.

**Assigning a new article** (:func:`assign`) reads, in a handful of batched queries:

* the document frequencies of its keys (``story_df``);
* the postings of its rarest keys (``story_terms`` by ``(key, story)``, open
  stories only): one query for every key rare enough that its list must be
  short, a bounded count first for the others;
* for the few candidate stories, only the ``story_terms`` rows of the
  article's own keys, and each story's **norm summary**: per namespace, the
  sums ``S0 = sum(w**2)``, ``S1 = sum(w**2 * l)`` and ``S2 = sum(w**2 * l**2)``
  over its keys, with ``l = log(1 + df)``. As ``idf = log(1 + N) + 1 - l``, a
  story's idf-weighted norm for the current article count ``N`` is
  ``sqrt((L)**2 * S0 - 2 * L * S1 + S2)`` with ``L = log(1 + N) + 1``, so
  scoring never reads a story's other keys. The summary is kept in
  ``story_terms`` under reserved keys (``#0t``, ``#1t``, ``#2t``, ... per
  namespace; feature keys always start with a namespace letter and ``:``) and
  updated with the keys an article adds (with their ``df`` of the moment; the
  other keys keep the ``df`` they were written with, as the engine keeps a
  story's norms until the story changes). A story without a summary (written
  before there were any) gets one, computed from all its keys, when first read.

The article's rows are then written with batched statements and the story it
joins described again (title, publishers, key entities and places) from its
rows: the title is the most central headline of all its articles while it has
at most :data:`TITLE_ARTICLES`, then the more central of the current title and
the newcomer. So an assignment costs what the candidates share with the
article, not how many stories or articles the store holds, nor how big the
candidate stories are.

**Re-assigning, removing, merging and splitting** load the stories concerned
whole into a partial index (:class:`_Partial`, which counts the articles of
the whole store for idf), let the engine change it, and write back the rows
that differ (with exact norm summaries for the stories whose keys changed).

So a process never holds a copy of the index that another could make stale:
what it reads is what the last committed writer left.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, select, update

from tidings.store import _schema as s
from tidings.stories import STATE_VERSION, Features, StoryConfig, StoryIndex, features
from tidings.stories._features import entity_key
from tidings.stories._index import NAMESPACES, QUERY_SPACES

CONFIG = StoryConfig()
_CHUNK = 500
# A story's title is chosen among all its articles while it has at most this many.
TITLE_ARTICLES = 50
# The reserved ``story_terms`` keys of a story's norm summary: ``#<i><namespace>`` holds S<i>.
# Candidates scoring within this band of the threshold (ratio) get fresh norms, at most this many.
HEAL_BAND = (0.5, 2.0)
HEAL_STORIES = 2
SUMMARY_KEYS = tuple(f"#{i}{space}" for space in NAMESPACES for i in range(3))


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
            if key.startswith("#"):
                continue
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


def _summary(keys: Mapping[str, float], df: Mapping[str, int]) -> dict[str, float]:
    """The norm summary of a story's keys (see the module docstring), by reserved key."""
    out = dict.fromkeys(SUMMARY_KEYS, 0.0)
    for key, weight in keys.items():
        square = weight * weight
        low = math.log1p(df.get(key, 0))
        space = key[0]
        out[f"#0{space}"] += square
        out[f"#1{space}"] += square * low
        out[f"#2{space}"] += square * low * low
    return out


def _norms(summary: Mapping[str, float], total: int) -> dict[str, float]:
    """A story's idf-weighted norm per namespace, for ``total`` indexed articles, from its summary."""
    big = math.log1p(total) + 1.0
    out = {}
    for space in NAMESPACES:
        square = (big * big * summary.get(f"#0{space}", 0.0) - 2.0 * big * summary.get(f"#1{space}", 0.0)
                  + summary.get(f"#2{space}", 0.0))
        out[space] = math.sqrt(square) if square > 1e-9 else 1.0
    return out


def _write_summary(conn: Connection, story_id: int, summary: Mapping[str, float], *, known: bool) -> None:
    """Store a story's summary; ``known``: its rows exist already (else they are replaced)."""
    st = s.story_terms
    if known:
        conn.execute(update(st).where(st.c.story == bindparam("b_story"), st.c.key == bindparam("b_key"))
                     .values(weight=bindparam("b_weight")),
                     [{"b_story": story_id, "b_key": k, "b_weight": v} for k, v in summary.items()])
        return
    conn.execute(delete(st).where(st.c.story == story_id, st.c.key.in_(SUMMARY_KEYS)))
    conn.execute(st.insert(), [{"story": story_id, "key": k, "weight": v} for k, v in summary.items()])


def _heal(conn: Connection, story_id: int, bump: Iterable[str] = ()) -> dict[str, float]:
    """Compute and store a story's summary from all its keys (when it has none, or afresh).

    Args:
        bump: keys whose df is taken one higher (those of the article being assigned).
    """
    st, sd = s.story_terms, s.story_df
    keys: dict[str, float] = {}
    df: dict[str, int] = {}
    for key, weight, n in conn.execute(
            select(st.c.key, st.c.weight, sd.c.df).outerjoin(sd, sd.c.key == st.c.key)
            .where(st.c.story == story_id)).all():
        if key.startswith("#"):
            continue
        keys[key] = float(weight)
        if n is not None:
            df[key] = int(n)
    for key in bump:
        df[key] = df.get(key, 0) + 1
    summary = _summary(keys, df)
    _write_summary(conn, story_id, summary, known=False)
    return summary


def _range(prefix: str) -> tuple[str, str]:
    """The key range of one namespace (``e:`` .. ``e;``)."""
    return f"{prefix}:", f"{prefix};"


def _story_keys(conn: Connection, story_id: int, first: str, last: str, df: dict[str, int]) -> dict[str, float]:
    """A story's keys of the namespaces ``first`` to ``last`` with their weights; their df go into ``df``."""
    st, sd = s.story_terms, s.story_df
    low, high = _range(first)[0], _range(last)[1]
    out = {}
    for key, weight, n in conn.execute(
            select(st.c.key, st.c.weight, sd.c.df).outerjoin(sd, sd.c.key == st.c.key)
            .where(st.c.story == story_id, st.c.key >= low, st.c.key < high)).all():
        out[key] = float(weight)
        if n is not None:
            df[key] = int(n)
    return out


def _df_of(conn: Connection, keys: Iterable[str]) -> dict[str, int]:
    sd = s.story_df
    out: dict[str, int] = {}
    for chunk in _chunks(set(keys)):
        out.update({k: int(n) for k, n in conn.execute(select(sd.c.key, sd.c.df).where(sd.c.key.in_(chunk))).all()})
    return out


def describe(conn: Connection, story_id: int, *, total: int, full: bool = False,
             newcomers: Iterable[str] = ()) -> None:
    """Describe a story again from its rows: title, article count, publishers, key entities and places.

    As the engine does: the title is the headline of the most central article
    (idf cosine of its headline-and-lead terms with the story's), the entities
    the ``e:`` keys with most weight x idf, the places the ``g:`` keys with most
    weight. Past :data:`TITLE_ARTICLES` articles (unless ``full``), the title is
    the more central of the current one and the ``newcomers``.
    """
    ss, sa, sl = s.stories, s.story_articles, s.story_labels
    row = conn.execute(select(ss.c.title).where(ss.c.id == story_id)).first()
    if row is None:
        return
    counts = conn.execute(select(sa.c.publisher, func.count(), func.min(sa.c.published))
                          .where(sa.c.story == story_id).group_by(sa.c.publisher)).all()
    n = sum(int(c) for _, c, _ in counts)
    publishers = [p for p, _, _ in sorted((r for r in counts if r[0]),
                                          key=lambda r: (-r[1], r[2] is None, r[2] or 0.0, r[0]))]
    df: dict[str, int] = {}
    keyed = _story_keys(conn, story_id, "e", "t", df)  # e:, g: and t: (in key order, between e: and t;)
    entity_weights = {k: w for k, w in keyed.items() if k[0] == "e"}
    place_weights = {k: w for k, w in keyed.items() if k[0] == "g"}
    terms = {k: w for k, w in keyed.items() if k[0] == "t"}

    def idf(key: str) -> float:
        return math.log((1 + total) / (1 + df.get(key, 0))) + 1.0

    entities = [k for _, k in sorted(((w * idf(k), k) for k, w in entity_weights.items()), reverse=True)[:8]]
    places = [k for _, k in sorted(((w, k) for k, w in place_weights.items()), reverse=True)[:5]]
    labels = {r.key: r.label for r in conn.execute(select(sl).where(sl.c.key.in_(entities + places)))}
    # The title: among every article, or the current title's and the newcomers'.
    pick = select(sa.c.article, sa.c.headline, sa.c["keys"]).where(sa.c.story == story_id)
    if not full and n > TITLE_ARTICLES:
        newcomers = list(newcomers)
        pick = pick.where((sa.c.headline == row.title) | sa.c.article.in_(newcomers or [""]))
    best: tuple[float, str, str] | None = None
    for article, headline, raw in conn.execute(pick).all():
        score = -1.0
        if headline:
            own = {k: w for k, w in json.loads(raw).items() if k.startswith("t:")}
            norm = math.sqrt(sum((w * idf(k)) ** 2 for k, w in own.items())) or 1.0
            score = sum(w * terms.get(k, 0.0) * idf(k) ** 2 for k, w in own.items()) / norm
        if best is None or (score, article) > best[:2]:
            best = (score, article, headline or "")
    conn.execute(update(ss).where(ss.c.id == story_id).values(
        title=best[2] if best else "", n_articles=n, publishers=json.dumps(publishers),
        entities=json.dumps([labels.get(k, k[2:]) for k in entities]),
        places=json.dumps([labels.get(k, k[2:]) for k in places])))


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
    # Exact norm summaries for the stories whose keys changed.
    for sid in set(changed) - gone:
        story = index._stories.get(sid)
        if story is not None:
            _write_summary(conn, sid, _summary(story.keys, index._df), known=False)
    for sid in touched:
        if sid in index._stories:
            describe(conn, sid, total=index.total, full=True)


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
    """The stories an article could join: the engine's lookup, over the postings table.

    ``df`` counts the article itself (a key no other article has finds nothing).
    Keys are taken rarest first, as by the engine. A key in ``d`` other stored
    articles is in at most ``d`` stories, so as many keys as the scan budget
    surely holds are read in one query; a key that may not fit is counted first
    (up to ``max_postings + 1`` open stories) and read only when it does.
    """
    st, ss = s.story_terms, s.stories
    # "open + 0": a postings list is read by key, then its stories' rows; never all open stories
    # first (SQLite would otherwise go through the index on ``open`` and probe each story).
    is_open = (ss.c.open + 0) == 1
    query = sorted((k for k in keys if k[0] in QUERY_SPACES and df.get(k, 0) > 1),
                   key=lambda k: (df[k], k))[:CONFIG.query_keys]
    hits: Counter[int] = Counter()
    budget = CONFIG.max_scanned
    i = 0
    while i < len(query):
        batch, bound = [], 0
        for key in query[i:]:
            if df[key] - 1 > CONFIG.max_postings or bound + df[key] - 1 > budget:
                break
            batch.append(key)
            bound += df[key] - 1
        if batch:
            found: dict[str, list[int]] = {k: [] for k in batch}
            for key, story in conn.execute(
                    select(st.c.key, st.c.story).join(ss, ss.c.id == st.c.story)
                    .where(st.c.key.in_(batch), is_open).order_by(st.c.key, st.c.story)).all():
                found[key].append(int(story))
            for key in batch:
                budget -= len(found[key])
                hits.update(found[key])
            i += len(batch)
            continue
        key = query[i]
        i += 1
        posting = select(st.c.story).join(ss, ss.c.id == st.c.story).where(st.c.key == key, is_open)
        n = conn.execute(select(func.count()).select_from(
            posting.limit(CONFIG.max_postings + 1).subquery())).scalar_one()
        if n == 0 or n > CONFIG.max_postings:
            continue
        if n > budget:
            break
        stories = [int(p) for p in conn.execute(posting.order_by(st.c.story)).scalars().all()]
        budget -= len(stories)
        hits.update(stories)
    return [sid for sid, _ in hits.most_common(CONFIG.candidates)]


def _rows_of(conn: Connection, story_ids: Iterable[int], keys: Iterable[str]) -> dict[int, dict[str, float]]:
    """The ``story_terms`` rows of these stories for these keys (and their summaries): story -> key -> weight."""
    st = s.story_terms
    ids = sorted(set(story_ids))
    out: dict[int, dict[str, float]] = {sid: {} for sid in ids}
    if not ids:
        return out
    for chunk in _chunks([*SUMMARY_KEYS, *keys]):
        for story, key, weight in conn.execute(
                select(st.c.story, st.c.key, st.c.weight).where(st.c.story.in_(ids), st.c.key.in_(chunk))).all():
            out[int(story)][key] = float(weight)
    return out


def _gap(first: float | None, last: float | None, when: float | None) -> float:
    if when is None or first is None or last is None:
        return 0.0
    if when < first:
        return first - when
    return max(0.0, when - last)


def _scores(feats: Features, df: Mapping[str, int], total: int, rows: Mapping[int, Mapping[str, float]],
            dates: Mapping[int, tuple[float | None, float | None]]) -> list[tuple[float, int]]:
    """The candidate stories' similarity with the article (the engine's scoring, from the rows read), best first."""
    def idf(key: str) -> float:
        return math.log((1 + total) / (1 + df.get(key, 0))) + 1.0

    weighted = [(key, key[0], weight * idf(key) ** 2) for key, weight in feats.keys.items()]
    squares: Counter[str] = Counter()
    for key, weight in feats.keys.items():
        squares[key[0]] += (weight * idf(key)) ** 2
    own = {space: math.sqrt(squares[space]) or 1.0 for space in NAMESPACES}
    weights = dict(CONFIG.weights)
    scored: list[tuple[float, int]] = []
    for story_id, keys in rows.items():
        if story_id not in dates:
            continue
        gap = _gap(*dates[story_id], feats.published)
        if gap > CONFIG.window_days:
            continue
        norms = _norms(keys, total)
        dots = dict.fromkeys(NAMESPACES, 0.0)
        for key, space, weight in weighted:
            other = keys.get(key)
            if other:
                dots[space] += weight * other
        if dots["w"] / (own["w"] * norms["w"]) < CONFIG.min_terms:
            score = 0.0
        else:
            score = sum(w * dots[space] / (own[space] * norms[space]) for space, w in weights.items())
        scored.append((score * math.exp(-max(0.0, gap - 1.0) / CONFIG.decay_days), story_id))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return scored


def _learn_labels(conn: Connection, record: dict[str, Any]) -> None:
    """The engine's display names for the record's entity and place keys, where they improve."""
    sl = s.story_labels
    wanted = _label_keys(record)
    if not wanted:
        return
    known: dict[str, str] = {}
    for chunk in _chunks(wanted):
        known.update({r.key: r.label for r in conn.execute(select(sl).where(sl.c.key.in_(chunk)))})
    learner = StoryIndex(CONFIG)
    learner._labels = dict(known)
    learner._learn_labels(record)
    fresh = [{"key": k, "label": v} for k, v in learner._labels.items() if k not in known]
    if fresh:
        conn.execute(sl.insert(), fresh)
    better = [{"b_key": k, "b_label": v} for k, v in learner._labels.items() if k in known and known[k] != v]
    if better:
        conn.execute(update(sl).where(sl.c.key == bindparam("b_key")).values(label=bindparam("b_label")), better)


def assign(conn: Connection, record: Mapping[str, Any], *, pin: int | None = None) -> int:
    """Put a stored article in a story (again, when it is indexed already); return the story id.

    Args:
        pin: a story the article is pinned to (a manual decision carried over
            from the reading it replaces).
    """
    plain = _clean(record)
    feats = features(plain, lead_words=CONFIG.lead_words, headline_weight=CONFIG.headline_weight)
    old = next(iter(_article_rows(conn, ids=[feats.id])), None)
    if old is not None:
        return _reassign(conn, plain, feats, old, pin)
    meta = _meta(conn)
    total = meta["articles"] + 1
    stored_df = _df_of(conn, feats.keys)
    df = {k: stored_df.get(k, 0) + 1 for k in feats.keys}
    rows: dict[int, dict[str, float]] = {}
    healed: set[int] = set()  # stories whose summary counts the article's keys' df already
    ss, st, sa, sd = s.stories, s.story_terms, s.story_articles, s.story_df
    if pin is None:
        found = _candidates(conn, feats.keys, df)
        rows = _rows_of(conn, found, feats.keys)
        dates = {int(i): (first, last) for i, first, last in conn.execute(
            select(ss.c.id, ss.c.first_seen, ss.c.last_seen).where(ss.c.id.in_(found or [-1]))).tuples()}
        for story_id, keys in rows.items():
            if "#0t" not in keys:
                keys.update(_heal(conn, story_id))
        scored = _scores(feats, df, total, rows, dates)
        # A summary holds the df its keys had when written: where the decision is close, the
        # likeliest stories' norms are computed afresh from all their keys (and stored so).
        close = [sid for score, sid in scored if HEAL_BAND[0] <= score / CONFIG.threshold < HEAL_BAND[1]]
        for story_id in close[:HEAL_STORIES]:
            rows[story_id].update(_heal(conn, story_id, bump=feats.keys))
            healed.add(story_id)
        if close:
            scored = _scores(feats, df, total, rows, dates)
        if scored and scored[0][0] >= CONFIG.threshold:
            story_id = scored[0][1]
        else:
            story_id = meta["next_id"]
    else:
        story_id = pin
    # The story's row.
    when = feats.published
    current = conn.execute(select(ss.c.first_seen, ss.c.last_seen).where(ss.c.id == story_id)).first()
    if current is None:
        conn.execute(ss.insert().values(id=story_id, first_seen=when, last_seen=when, open=1, title="",
                                        n_articles=0, publishers="[]", entities="[]", places="[]"))
        had: dict[str, float] = {}
    else:
        first, last = current
        if when is not None:
            first = when if first is None else min(first, when)
            last = when if last is None else max(last, when)
        conn.execute(update(ss).where(ss.c.id == story_id).values(first_seen=first, last_seen=last, open=1))
        had = rows.get(story_id) or _rows_of(conn, [story_id], feats.keys)[story_id]
        if "#0t" not in had:
            had.update(_heal(conn, story_id))
    # Its keys and their norm summary.
    summary = {k: had.get(k, 0.0) for k in SUMMARY_KEYS}
    grown, added = [], []
    for key, weight in feats.keys.items():
        before = had.get(key, 0.0)
        after = before + weight
        low_after = math.log1p(df[key])
        low_before = low_after if story_id in healed else math.log1p(stored_df.get(key, 0))
        space = key[0]
        summary[f"#0{space}"] += after * after - before * before
        summary[f"#1{space}"] += after * after * low_after - before * before * low_before
        summary[f"#2{space}"] += after * after * low_after ** 2 - before * before * low_before ** 2
        (grown if key in had else added).append({"b_story": story_id, "b_key": key, "b_weight": after})
    if grown:
        conn.execute(update(st).where(st.c.story == bindparam("b_story"), st.c.key == bindparam("b_key"))
                     .values(weight=bindparam("b_weight")), grown)
    if added:
        conn.execute(st.insert(), [{"story": r["b_story"], "key": r["b_key"], "weight": r["b_weight"]}
                                   for r in added])
    _write_summary(conn, story_id, summary, known="#0t" in had)
    # Document frequencies, the article's row, labels, the counters.
    for chunk in _chunks([k for k in feats.keys if k in stored_df]):
        conn.execute(update(sd).where(sd.c.key.in_(chunk)).values(df=sd.c.df + 1))
    fresh = [{"key": k, "df": 1} for k in feats.keys if k not in stored_df]
    if fresh:
        conn.execute(sd.insert(), fresh)
    conn.execute(sa.insert().values(article=feats.id, story=story_id, pinned=int(pin is not None),
                                    published=when, headline=feats.headline or "", publisher=feats.publisher,
                                    keys=json.dumps(feats.keys, sort_keys=True)))
    _learn_labels(conn, plain)
    clock = meta["clock"]
    if when is not None and (clock is None or when > clock):
        clock = when
    conn.execute(update(s.story_meta).where(s.story_meta.c.id == 1).values(
        next_id=max(meta["next_id"], story_id + 1), clock=clock, articles=total))
    if clock is not None:
        # Stories whose last article is out of the window leave the postings (see tidings.stories).
        conn.execute(update(ss).where(ss.c.open == 1, ss.c.last_seen < clock - 2 * CONFIG.window_days)
                     .values(open=0))
    describe(conn, story_id, total=total, newcomers=[feats.id])
    return story_id


def _reassign(conn: Connection, plain: dict[str, Any], feats: Features, old: dict[str, Any],
              pin: int | None) -> int:
    """Assign an article that is indexed already (its reading changed): through the engine, on a partial index."""
    old_keys = set(old["keys"])
    df_db = _df_of(conn, set(feats.keys) | old_keys)
    df_after = {k: df_db.get(k, 0) - (1 if k in old_keys else 0) + 1 for k in feats.keys}
    found = set(_candidates(conn, feats.keys, df_after))
    own = {old["story"]}
    if old["pinned"]:
        pin = old["story"]
    if pin is not None:
        own.add(pin)
    index = _load(conn, found | own, with_articles=own, article_ids=[feats.id], keys=feats.keys,
                  label_keys=_label_keys(plain))
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


def articles_of(conn: Connection, story_ids: Iterable[int]) -> list[str]:
    """The ids of the articles of these stories."""
    sa = s.story_articles
    out: list[str] = []
    for chunk in _chunks(set(story_ids)):
        out += conn.execute(select(sa.c.article).where(sa.c.story.in_(chunk))).scalars().all()
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
