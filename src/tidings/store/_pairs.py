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

from sqlalchemy import Connection, and_, bindparam, delete, insert, select, text, update

from tidings.store import _schema as s

TOTAL = "*"


def _counts(conn: Connection, event_ids: list[int]) -> Counter[tuple[int, int, str]]:
    """(actor, target, type) -> reports, over the given events as they stand.

    Two primary-key lookups, paired here (a join of the roles with themselves
    is planned badly by PostgreSQL on a small, fresh table).
    """
    ev, ea = s.events, s.event_actors
    found: Counter[tuple[int, int, str]] = Counter()
    for start in range(0, len(event_ids), 500):
        chunk = event_ids[start:start + 500]
        types = {int(i): str(ty) for i, ty in conn.execute(select(ev.c.id, ev.c.type).where(ev.c.id.in_(chunk)))}
        roles: dict[int, dict[str, list[int]]] = {}
        for eid, role, gid in conn.execute(
                select(ea.c.event_id, ea.c.role, ea.c.global_id).where(ea.c.event_id.in_(chunk))).tuples():
            roles.setdefault(int(eid), {}).setdefault(str(role), []).append(int(gid))
        for eid, by_role in roles.items():
            etype = str(types.get(eid, ""))
            for a in by_role.get("actor", []):
                for t in by_role.get("target", []):
                    if a != t:
                        found[(a, t, etype)] += 1
                        found[(a, t, TOTAL)] += 1
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
    # Changes of known rows as two executemany statements (one round trip each on PostgreSQL).
    left = {key: known[key] + sign * n for key, n in change.items() if key in known}
    keep = [{"a": a, "t": t, "ty": ty, "n": n} for (a, t, ty), n in sorted(left.items()) if n > 0]
    drop = [{"a": a, "t": t, "ty": ty} for (a, t, ty), n in sorted(left.items()) if n <= 0]
    where = and_(p.c.actor_id == bindparam("a"), p.c.target_id == bindparam("t"), p.c.type == bindparam("ty"))
    if keep:
        conn.execute(update(p).where(where).values(n=bindparam("n")), keep)
    if drop:
        conn.execute(delete(p).where(where), drop)


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
