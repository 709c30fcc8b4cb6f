"""Cross-document entity resolution: one global entity per real-world entity.

The pipeline already groups an article's mentions under one entity with a
canonical name ("Mr Stoltenberg", "he" and "Jens Stoltenberg" are one entity
``E1`` named "Jens Stoltenberg"). Across articles, a local entity is matched to
a global one, in this order:

1. its knowledge-base id (Wikidata QID), when known;
2. its ISO country code, for countries (GPE or LOC);
3. its normalised name with the same type, within its country first;
4. for a person known only by a surname (one word after titles are dropped),
   the one global person whose name ends with that surname; when there are
   two such people the surname stays a global entity of its own.

Names of two different countries never merge: a key held by an entity of
another country code (or country) is passed over.

When a new full name arrives and surname-only people with that surname are
already stored, and the full name is the only one carrying that surname, they
are folded into it. A user can correct any of this with :func:`merge` and
:func:`split`.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from tidings.errors import NotFound, QueryError, StoreError
from tidings.store import _pairs
from tidings.store import _schema as s

logger = logging.getLogger(__name__)

# fmt: off
# Honorifics that prefix a name in news copy; a closed list, not knowledge an
# analyst tunes, so a constant.
_HONORIFICS = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "prof",
    "professor", "rev", "the",
})
# fmt: on

# Types whose ISO country code identifies them (a country is its code); an
# organisation's ``IGO`` code is a class, not an identity, so it is no key.
_CODE_TYPES = {"GPE": "place", "LOC": "place"}

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)

# Names and words longer than these are not put in the word index (a btree
# entry has a size limit on PostgreSQL); exact lookups still find them.
MAX_INDEXED_NAME = 400
MAX_INDEXED_WORD = 100


def normalise_name(name: str) -> str:
    """Fold case, accents, punctuation and honorifics out of a name.

    >>> normalise_name("Mr  Stoltenberg")
    'stoltenberg'
    """
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = [w.replace("’", "'") for w in _WORD.findall(folded)]
    while len(words) > 1 and words[0].rstrip(".") in _HONORIFICS:
        words.pop(0)
    return " ".join(words)


def _type_family(etype: str) -> str:
    return _CODE_TYPES.get(etype, etype)


@dataclass(frozen=True, slots=True)
class LocalEntity:
    """What resolution needs to know of one article's entity."""

    name: str
    type: str
    code: str | None = None
    country: str | None = None
    kb: str | None = None

    @property
    def norm(self) -> str:
        return normalise_name(self.name) or self.name.casefold()

    def keys(self) -> list[str]:
        """Lookup keys, most specific first."""
        out = []
        if self.kb:
            out.append(f"kb:{self.kb}")
        if self.code and self.type in _CODE_TYPES:
            out.append(f"code:{_type_family(self.type)}:{self.code}")
        if self.type != "PERSON" and (self.code or self.country):
            # One country's "Defence Ministry" is not another's: the name within its country first.
            out.append(f"name:{self.type}:{self.norm}@{self.code or self.country}")
        out.append(f"name:{self.type}:{self.norm}")
        return out


def name_words(norm: str) -> list[str]:
    """The words of a normalised name as the word index keeps them."""
    if len(norm) > MAX_INDEXED_NAME:
        return []
    return sorted({w for w in norm.split(" ") if w and len(w) <= MAX_INDEXED_WORD})


def index_names(conn: Connection, pairs: Iterable[tuple[int, str]], *, fresh: bool = False) -> None:
    """Put the words of names (global id, normalised name) in the word index, once each.

    ``fresh``: the entities are new, so none of their words is indexed yet.
    """
    rows = {(gid, name, word) for gid, name in pairs for word in name_words(name)}
    if not rows:
        return
    w = s.entity_words
    known = set() if fresh else set(conn.execute(
        select(w.c.global_id, w.c.name, w.c.word).where(
            w.c.global_id.in_(sorted({r[0] for r in rows})), w.c.name.in_(sorted({r[1] for r in rows})))
    ).tuples())
    todo = [{"global_id": gid, "name": name, "word": word} for gid, name, word in sorted(rows - known)]
    if todo:
        conn.execute(insert(w), todo)


def unindex_unused(conn: Connection, pairs: Iterable[tuple[int, str]]) -> None:
    """Drop the words of names an entity no longer bears (no article names it so)."""
    g, e, w = s.global_entities, s.entities, s.entity_words
    for gid, name in sorted(set(pairs)):
        own = conn.execute(select(g.c.id).where(g.c.id == gid, g.c.name_norm == name)).first()
        used = own is not None or conn.execute(
            select(e.c.article_id).where(e.c.global_id == gid, e.c.name_norm == name).limit(1)
        ).first() is not None
        if not used:
            conn.execute(delete(w).where(w.c.global_id == gid, w.c.name == name))


def drop_orphans(conn: Connection, gids: Iterable[int]) -> list[int]:
    """Delete global entities nothing refers to any more (their articles were replaced or deleted).

    Returns:
        The ids deleted.
    """
    g, ev = s.global_entities, s.events
    refs = (
        (s.entities, s.entities.c.global_id), (s.event_actors, s.event_actors.c.global_id),
        (s.quotes, s.quotes.c.speaker_global_id), (s.event_clusters, s.event_clusters.c.place_global_id),
    )
    dropped = []
    for gid in sorted(set(gids)):
        if any(conn.execute(select(col).where(col == gid).limit(1)).first() is not None for _, col in refs):
            continue
        if conn.execute(select(ev.c.id).where(or_(ev.c.place_global_id == gid,
                                                  ev.c.source_global_id == gid)).limit(1)).first():
            continue
        conn.execute(delete(s.entity_words).where(s.entity_words.c.global_id == gid))
        conn.execute(delete(s.entity_keys).where(s.entity_keys.c.global_id == gid))
        conn.execute(delete(g).where(g.c.id == gid))
        dropped.append(gid)
    return dropped


def _new_global(conn: Connection, ent: LocalEntity) -> int:
    result = conn.execute(
        insert(s.global_entities).values(
            name=ent.name, name_norm=ent.norm, type=ent.type, code=ent.code,
            country=ent.country, kb=ent.kb,
        )
    )
    gid = result.inserted_primary_key[0] if result.inserted_primary_key else None
    if gid is None:  # pragma: no cover - both dialects return the key
        raise StoreError("[T510] the store did not return the id of a new global entity")
    index_names(conn, [(int(gid), ent.norm)], fresh=True)
    return int(gid)


def _add_keys(conn: Connection, gid: int, keys: list[str]) -> None:
    known = set(conn.execute(select(s.entity_keys.c.key).where(s.entity_keys.c.key.in_(keys))).scalars())
    rows = [{"key": k, "global_id": gid} for k in keys if k not in known]
    if rows:
        conn.execute(insert(s.entity_keys), rows)


def _with_surname(conn: Connection, etype: str, surname: str) -> list[int]:
    """Global entities of a type whose own name is a full name ending with ``surname``.

    Driven by the word index (the entities with that word in a name), so the
    cost does not grow with the number of entities stored.
    """
    g, w = s.global_entities, s.entity_words
    ending = g.c.name_norm.like("% " + _escape_like(surname), escape="\\")
    if surname in name_words(surname):
        stmt = (select(g.c.id).distinct().join(w, w.c.global_id == g.c.id)
                .where(w.c.word == surname, g.c.type == etype, ending))
    else:  # a word too long for the index
        stmt = select(g.c.id).where(g.c.type == etype, ending)
    return sorted(int(x) for x in conn.execute(stmt).scalars())


def _surname_match(conn: Connection, ent: LocalEntity) -> int | None:
    """The one stored full-name person whose last name is ``ent``'s single word."""
    rows = _with_surname(conn, ent.type, ent.norm)
    return rows[0] if len(rows) == 1 else None


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fold_surnames(conn: Connection, gid: int, ent: LocalEntity) -> None:
    """Fold stored surname-only people into a new full name that alone carries it."""
    surname = ent.norm.rsplit(" ", 1)[-1]
    g = s.global_entities
    if [other for other in _with_surname(conn, ent.type, surname) if other != gid]:
        return
    singles = conn.execute(
        select(g.c.id).where(g.c.type == ent.type, g.c.name_norm == surname, g.c.id != gid)
    ).scalars().all()
    for single in singles:
        logger.debug("folding surname-only entity %s into %s", single, gid)
        merge(conn, gid, int(single))


def _other_country(conn: Connection, ent: LocalEntity, gids: set[int]) -> set[int]:
    """The global entities among ``gids`` whose country code differs from ``ent``'s.

    Two names of different countries are never one entity, whatever key they
    share ("Korea" stored as South Korea never takes a North Korean entity, nor
    one country's "Defence Ministry" another's). People are left out: their
    code comes from a role and varies with what an article says of them.
    """
    mine = {ent.code, ent.country} - {None, "IGO", "NGO"}
    if not gids or not mine or ent.type == "PERSON":
        return set()
    g = s.global_entities
    rows = conn.execute(select(g.c.id, g.c.code, g.c.country).where(g.c.id.in_(sorted(gids)))).all()
    return {int(r.id) for r in rows if (r.code and r.code not in {"IGO", "NGO"} and ent.code
                                        and r.code != ent.code)
            or (r.country and ent.country and r.country != ent.country)}


def resolve(conn: Connection, ent: LocalEntity) -> int:
    """Return the global entity id for a local entity, creating it when new."""
    keys = ent.keys()
    found = conn.execute(
        select(s.entity_keys.c.key, s.entity_keys.c.global_id).where(s.entity_keys.c.key.in_(keys))
    ).all()
    by_key = {k: int(gid) for k, gid in found}
    clash = _other_country(conn, ent, set(by_key.values()))
    for key in keys:
        if key in by_key and by_key[key] not in clash:
            gid = by_key[key]
            _add_keys(conn, gid, keys)
            return gid
    if ent.type == "PERSON" and " " not in ent.norm:
        gid_or_none = _surname_match(conn, ent)
        if gid_or_none is not None:
            _add_keys(conn, gid_or_none, keys)
            return gid_or_none
    gid = _new_global(conn, ent)
    _add_keys(conn, gid, keys)
    if ent.type == "PERSON" and " " in ent.norm:
        _fold_surnames(conn, gid, ent)
    return gid


_GLOBAL_REFS = (
    (s.entities, s.entities.c.global_id),
    (s.mentions, s.mentions.c.global_id),
    (s.entity_keys, s.entity_keys.c.global_id),
    (s.quotes, s.quotes.c.speaker_global_id),
    (s.events, s.events.c.place_global_id),
    (s.events, s.events.c.source_global_id),
    (s.event_clusters, s.event_clusters.c.place_global_id),
)


def merge(conn: Connection, into: int, other: int) -> None:
    """Fold global entity ``other`` into ``into``: every mention, key and role moves."""
    if into == other:
        raise QueryError(f"[T511] cannot merge entity {into} into itself")
    g = s.global_entities
    ids = [i for i in (into, other) if 0 <= i < 2**31]
    present = set(conn.execute(select(g.c.id).where(g.c.id.in_(ids))).scalars())
    for gid in (into, other):
        if gid not in present:
            raise NotFound(f"[T512] no entity with id {gid}; list them with 'tidings entities'")
    # The pairs of the events naming ``other`` are counted again once it is ``into``.
    moved = _pairs.events_of(conn, [other])
    _pairs.adjust(conn, moved, -1)
    for table, col in _GLOBAL_REFS:
        conn.execute(update(table).where(col == other).values({col.name: into}))
    ea = s.event_actors
    both = ea.alias("both")
    # An event may already name both entities in one role: keep one row.
    conn.execute(
        delete(ea).where(
            ea.c.global_id == other,
            select(both.c.event_id)
            .where(both.c.event_id == ea.c.event_id, both.c.role == ea.c.role,
                   both.c.global_id == into)
            .exists(),
        )
    )
    conn.execute(update(ea).where(ea.c.global_id == other).values(global_id=into))
    _pairs.adjust(conn, moved, 1)
    w = s.entity_words
    names = set(conn.execute(select(w.c.name).where(w.c.global_id == other)).scalars())
    conn.execute(delete(w).where(w.c.global_id == other))
    index_names(conn, [(into, name) for name in names])
    conn.execute(delete(g).where(g.c.id == other))


def split(
    conn: Connection, gid: int, *, article_id: str | None = None, name: str | None = None
) -> tuple[int, list[str]]:
    """Move part of a global entity into a new one.

    The caller relinks the events and quotes of the articles returned.

    Args:
        conn: an open transaction.
        gid: the global entity to split.
        article_id: move this article's local entities.
        name: move the local entities with this (normalised) name, in any article.

    Returns:
        The new entity's id and the ids of the articles whose entities moved.
    """
    if article_id is None and name is None:
        raise QueryError("[T513] split needs --article or --name to say which mentions move")
    if not 0 <= gid < 2**31:
        raise NotFound(f"[T512] no entity with id {gid}; list them with 'tidings entities'")
    for value in (article_id, name):
        if value is not None and "\x00" in value:
            raise QueryError("[T534] the request contains a NUL character; remove it")
    e = s.entities
    cond = [e.c.global_id == gid]
    if article_id is not None:
        cond.append(e.c.article_id == article_id)
    if name is not None:
        cond.append(e.c.name_norm == normalise_name(name))
    locals_ = conn.execute(select(e.c.article_id, e.c.local_id, e.c.name, e.c.type, e.c.code,
                                  e.c.country, e.c.kb).where(*cond)).all()
    if not locals_:
        raise QueryError(f"[T514] entity {gid} has no mentions matching the split; nothing moved")
    total = conn.execute(select(func.count()).select_from(e).where(e.c.global_id == gid)).scalar_one()
    if total == len(locals_):
        raise QueryError(f"[T515] the split would move all of entity {gid}; nothing to split off")
    first = locals_[0]
    new = _new_global(conn, LocalEntity(first.name, first.type, first.code, first.country, first.kb))
    pairs = [(r.article_id, r.local_id) for r in locals_]
    for art, loc in pairs:
        conn.execute(update(e).where(e.c.article_id == art, e.c.local_id == loc).values(global_id=new))
        conn.execute(update(s.mentions).where(s.mentions.c.article_id == art,
                                              s.mentions.c.local_id == loc).values(global_id=new))
    moved = {normalise_name(r.name) or r.name.casefold() for r in locals_}
    index_names(conn, [(new, n) for n in moved])
    unindex_unused(conn, [(gid, n) for n in moved])
    # The name keys of the moved variant now lead to the new entity.
    if name is not None:
        key = f"name:{first.type}:{normalise_name(name)}"
        k = s.entity_keys.c.key
        conn.execute(update(s.entity_keys).where(
            k.in_([key]) | (k.like(_escape_like(key) + "@%", escape="\\") & (s.entity_keys.c.global_id == gid))
        ).values(global_id=new))
    return new, sorted({art for art, _ in pairs})
