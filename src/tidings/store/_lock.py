"""One writer at a time: every write transaction of a store takes the store's write lock.

Resolution and clustering read what is stored and then write from it (is this
name known? which cluster does this report join?). Two writers interleaving
those reads and writes, say `tidings serve` taking a POST while `tidings
ingest` runs, would both create the same global entity or both start a
cluster for one event. So writes are serialised:

- on SQLite the transaction starts with ``BEGIN IMMEDIATE``, which takes the
  database's write lock before the first read (a second writer waits up to the
  busy timeout); it also makes schema migrations atomic, since DDL then runs
  inside the transaction;
- on PostgreSQL the transaction takes a transaction-level advisory lock, keyed
  by the schema the store lives in, released at commit or rollback (or when
  the connection dies). Readers are never blocked.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# First key of the PostgreSQL advisory lock: says "tidings store write".
_PG_LOCK_CLASS = 0x7469_6400  # "tid\0"


def begin_write(conn: Connection) -> None:
    """Take the store's write lock in ``conn``'s transaction, before it reads anything.

    Call it first thing in a transaction that will write.
    """
    dialect = conn.dialect.name
    if dialect == "sqlite":
        # The driver has not begun a transaction yet (it does so lazily before
        # the first INSERT/UPDATE/DELETE): begin one that holds the write lock.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif dialect == "postgresql":
        conn.execute(text(f"SELECT pg_advisory_xact_lock({_PG_LOCK_CLASS}, hashtext(current_schema()))"))
