"""Who acts on whom: counts of event reports per actor -> target pair, kept in step.

The network of the whole store (the strongest pairs among every report) would
otherwise count every report's actor and target on each request. The table
``event_pairs`` holds, per pair, the number of reports of each type and, under
the type ``*``, their total, so the strongest pairs are one index range.
Every change of an event's actors or targets goes through :func:`adjust`:
called with ``-1`` before the change and ``+1`` after it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Connection, and_, delete, insert, select, text, update

from tidings.store import _schema as s

TOTAL = "*"


def _counts(conn: Connection, event_ids: list[int]) -> Counter[tuple[int, int, str]]:
    """(actor, target, type) -> reports, over the given events as they stand."""
    ev = s.events
    actor, target = s.event_actors.alias("pa"), s.event_actors.alias("pt")
    found: Counter[tuple[int, int, str]] = Counter()
    for start in range(0, len(event_ids), 500):
        chunk = event_ids[start:start + 500]
        rows = conn.execute(
            select(actor.c.global_id, target.c.global_id, ev.c.type)
            .select_from(ev)
            .join(actor, and_(actor.c.event_id == ev.c.id, actor.c.role == "actor"))
            .join(target, and_(target.c.event_id == ev.c.id, target.c.role == "target"))
            .where(ev.c.id.in_(chunk), actor.c.global_id != target.c.global_id)
        ).tuples()
        for a, t, etype in rows:
            found[(int(a), int(t), str(etype))] += 1
            found[(int(a), int(t), TOTAL)] += 1
    return found


def adjust(conn: Connection, event_ids: Iterable[int], sign: int) -> None:
    """Add (``sign=1``) or take away (``-1``) the pairs of events to the counts."""
    ids = sorted({int(i) for i in event_ids})
    if not ids:
        return
    change = _counts(conn, ids)
    if not change:
        return
    p = s.event_pairs
    keys = sorted(change)
    known: dict[tuple[int, int, str], int] = {}
    for start in range(0, len(keys), 300):
        chunk = keys[start:start + 300]
        actors = sorted({k[0] for k in chunk})
        targets = sorted({k[1] for k in chunk})
        for a, t, etype, n in conn.execute(
            select(p.c.actor_id, p.c.target_id, p.c.type, p.c.n)
            .where(p.c.actor_id.in_(actors), p.c.target_id.in_(targets))
        ).tuples():
            known[(int(a), int(t), str(etype))] = int(n)
    new = [{"actor_id": a, "target_id": t, "type": etype, "n": sign * n}
           for (a, t, etype), n in change.items() if (a, t, etype) not in known and sign > 0]
    if new:
        conn.execute(insert(p), new)
    for key, n in change.items():
        if key not in known:
            continue
        a, t, etype = key
        where = and_(p.c.actor_id == a, p.c.target_id == t, p.c.type == etype)
        left = known[key] + sign * n
        if left > 0:
            conn.execute(update(p).where(where).values(n=left))
        else:
            conn.execute(delete(p).where(where))


def events_of(conn: Connection, gids: Iterable[int]) -> list[int]:
    """The events naming any of these entities as actor or target."""
    ea = s.event_actors
    ids = sorted({int(g) for g in gids})
    if not ids:
        return []
    return sorted({int(e) for e in conn.execute(
        select(ea.c.event_id).where(ea.c.global_id.in_(ids))).scalars()})


def rebuild(conn: Connection) -> None:
    """Count every pair again from the events, in the database (the migration's backfill)."""
    conn.execute(delete(s.event_pairs))
    conn.execute(text(
        "INSERT INTO event_pairs (actor_id, target_id, type, n) "
        "SELECT a.global_id, t.global_id, e.type, count(*) FROM events e "
        "JOIN event_actors a ON a.event_id = e.id AND a.role = 'actor' "
        "JOIN event_actors t ON t.event_id = e.id AND t.role = 'target' "
        "WHERE a.global_id <> t.global_id GROUP BY a.global_id, t.global_id, e.type"
    ))
    conn.execute(text(
        "INSERT INTO event_pairs (actor_id, target_id, type, n) "
        "SELECT actor_id, target_id, :total, sum(n) FROM event_pairs GROUP BY actor_id, target_id"
    ), {"total": TOTAL})
