"""Benchmark the store: ingest the BBC politics articles, then query a million events.

Per backend (SQLite file, PostgreSQL when a URL is given):

1. ingest the BBC politics articles, read and analysed once by the real
   pipeline (seconds per article for the store alone);
2. scale the store to ``--events`` events (one million by default) with
   synthetic articles, entities and events inserted in bulk, two actors per
   event (an actor and a target), dates spread over 25 years;
3. time three indexed queries through the public ``Store`` API, each asking
   for the first page of 50: events by actor (a full name resolved to its
   entity, then its events in date order), events by a partial name (one word
   of a name, as in ``--actor Stoltenberg``: found through the word index of
   entity names) and events in a date range (a random week);
4. time the resolution of a surname-only person against every stored entity
   (the surname matcher of ingest, through the word index; rolled back).

Floor: p95 <= 50 ms for each query at one million events. The machine's load
average is printed first: other work on the cores skews every figure.

Usage:
    python bench/store_bench.py [--limit N] [--events N] [--queries N]
        [--pg postgresql+psycopg://USER@HOST:PORT/DB] [--json FILE]

``--pg`` defaults to ``$TIDINGS_BENCH_PG`` or ``$TIDINGS_TEST_PG``; the run
creates its own schema there and drops it at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FLOOR_MS = 50.0
PLOVER = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
          "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
FIRST_DAY = date(2000, 1, 1)
DAYS = 25 * 365


def shared_dir() -> Path:
    return Path(os.environ.get("TIDINGS_SHARED") or REPO.parent / "shared")


def analyse_bbc(limit: int | None) -> tuple[list[dict[str, Any]], float]:
    """Read and analyse the BBC politics articles once; return records and seconds."""
    from tidings.ingest import ReadOptions, read_paths
    from tidings.nlp.pipeline import analyze_many
    from tidings.records import Article

    folder = shared_dir() / "data" / "news" / "bbc-news-fulltext" / "politics"
    if not folder.is_dir():
        sys.exit(f"store_bench: {folder} is absent (set TIDINGS_SHARED)")
    paths = sorted(str(p) for p in folder.glob("*.txt"))[:limit]
    start = time.perf_counter()
    articles = [a for a in read_paths(paths, ReadOptions(published="2005-01-01")) if isinstance(a, Article)]
    records = list(analyze_many(articles))
    return records, time.perf_counter() - start


def _pg_schema(base: str) -> tuple[str, Callable[[], None]]:
    import sqlalchemy as sa

    schema = "bench_" + uuid.uuid4().hex[:8]
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", drop


def _synthetic(store: Any, n_events: int, rng: random.Random) -> dict[str, Any]:
    """Bulk-insert synthetic entities, articles and events up to ``n_events`` events."""
    from sqlalchemy import func, select

    from tidings.store import _schema as s

    with store.read() as conn:
        have = conn.execute(select(func.count()).select_from(s.events)).scalar_one()
        next_event = (conn.execute(select(func.max(s.events.c.id))).scalar() or 0) + 1
        next_entity = (conn.execute(select(func.max(s.global_entities.c.id))).scalar() or 0) + 1
    todo = max(0, n_events - have)
    n_entities = max(1000, todo // 50)  # ~100 event roles per entity
    n_articles = max(100, todo // 50)
    ent_ids = list(range(next_entity, next_entity + n_entities))
    types = ("PERSON", "ORG", "GPE")
    entities = [(gid, f"Synthetic {types[gid % 3].title()} {gid:07d}",
                 f"synthetic {types[gid % 3].lower()} {gid:07d}", types[gid % 3]) for gid in ent_ids]
    articles = [(f"syn{i:08d}", f"https://synthetic.example/{i}", f"Synthetic article {i}",
                 (FIRST_DAY + timedelta(days=rng.randrange(DAYS))).isoformat(), "synthetic text", "{}",
                 "2026-01-01T00:00:00") for i in range(n_articles)]

    def events() -> Iterator[tuple[Any, ...]]:
        for k in range(todo):
            day = (FIRST_DAY + timedelta(days=rng.randrange(DAYS))).isoformat()
            yield (next_event + k, articles[k % n_articles][0], "V1", 0, rng.choice(PLOVER), "occurred",
                   day, "event", "synthetic evidence", "{}")

    def roles(rows: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        for row in rows:
            actor, target = rng.sample(ent_ids, 2)
            yield (row[0], "actor", actor, row[6])
            yield (row[0], "target", target, row[6])

    start = time.perf_counter()
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        pg = store.dialect == "postgresql"
        sql = {
            "global_entities": "INSERT INTO global_entities (id, name, name_norm, type) VALUES ({})",
            "articles": "INSERT INTO articles (id, url, headline, published, text, data, ingested_at) VALUES ({})",
            "events": "INSERT INTO events (id, article_id, local_id, idx, type, modality, date, date_from, "
                      "evidence, data) VALUES ({})",
            "event_actors": "INSERT INTO event_actors (event_id, role, global_id, date) VALUES ({})",
            "entity_words": "INSERT INTO entity_words (global_id, name, word) VALUES ({})",
        }

        def put(table: str, rows: list[tuple[Any, ...]]) -> None:
            if not rows:
                return
            if pg:
                cols = sql[table].split("(", 1)[1].split(")", 1)[0]
                with cur.connection.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(rows[0]))
                cur.executemany(sql[table].format(marks), rows)

        put("global_entities", entities)
        # The word index of the names, as ingest keeps it.
        put("entity_words", [(gid, norm, word) for gid, _, norm, _ in entities for word in set(norm.split())])
        put("articles", articles)
        batch: list[tuple[Any, ...]] = []
        for row in events():
            batch.append(row)
            if len(batch) >= 100_000:
                put("events", batch)
                put("event_actors", list(roles(batch)))
                batch = []
        put("events", batch)
        put("event_actors", list(roles(batch)))
        raw.commit()
        if pg:
            cur.execute("SELECT setval(pg_get_serial_sequence('events', 'id'), (SELECT max(id) FROM events))")
            cur.execute("SELECT setval(pg_get_serial_sequence('global_entities', 'id'), "
                        "(SELECT max(id) FROM global_entities))")
            raw.commit()
            raw.driver_connection.autocommit = True  # type: ignore[union-attr]
            cur.execute("ANALYZE")
        else:
            cur.execute("ANALYZE")
            raw.commit()
    finally:
        raw.close()
    return {"synthetic_events": todo, "synthetic_entities": n_entities, "synthetic_articles": n_articles,
            "bulk_seconds": round(time.perf_counter() - start, 1),
            "entity_names": [e[1] for e in entities]}


def _timed(fn: Callable[[], Any], n: int) -> dict[str, float]:
    fn()  # warm the caches once
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    q = statistics.quantiles(times, n=100)
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(q[94], 2),
            "max_ms": round(max(times), 2)}


def run_backend(name: str, url: str, records: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    from tidings.store import EventFilter, Store

    rng = random.Random(7)
    store = Store(url)
    start = time.perf_counter()
    store.add_many(records)
    ingest_s = time.perf_counter() - start
    scale = _synthetic(store, args.events, rng)
    counts = store.counts()
    names = scale.pop("entity_names")
    real = [e["name"] for e in store.entities(type="PERSON", limit=200).items if not e["name"].startswith("Synthetic")]
    actors = [rng.choice(names) for _ in range(args.queries)]
    actors[: len(real[:20])] = real[:20]  # real names too, whose events came from the pipeline
    it = iter(actors * 2)

    def by_actor() -> None:
        store.events(EventFilter(actor=next(it)), limit=50)

    # One word of a name: a synthetic entity's own word, or a real person's surname.
    words = [name.split()[-1] for name in actors]
    partial = iter(words * 2)
    hits = [0]

    def by_partial_name() -> None:
        hits[0] += bool(store.events(EventFilter(actor=next(partial)), limit=50).items)

    surnames = iter(words * 2)

    def resolve_surname() -> None:
        from tidings.store import _resolve

        with store.engine.connect() as conn, conn.begin() as tx:
            _resolve.resolve(conn, _resolve.LocalEntity(next(surnames), "PERSON"))
            tx.rollback()

    def by_dates() -> None:
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS - 7))
        store.events(EventFilter(since=day.isoformat(), until=(day + timedelta(days=6)).isoformat()), limit=50)

    result = {
        "backend": name, "articles_ingested": len(records), "ingest_seconds": round(ingest_s, 2),
        "ingest_ms_per_article": round(1000 * ingest_s / max(1, len(records)), 1), **scale,
        "events": counts["reports"], "event_clusters": counts["events"],
        "events_by_actor": _timed(by_actor, args.queries),
        "events_by_partial_name": _timed(by_partial_name, args.queries),
        "partial_name_queries_with_events": f"{hits[0]}/{args.queries + 1}",
        "events_by_date_range": _timed(by_dates, args.queries),
        "resolve_surname_only": _timed(resolve_surname, args.queries),
    }
    store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="Only the first N BBC articles.")
    parser.add_argument("--events", type=int, default=1_000_000, help="Scale the store to N events.")
    parser.add_argument("--queries", type=int, default=200, help="Timed queries of each kind.")
    parser.add_argument("--pg", default=os.environ.get("TIDINGS_BENCH_PG") or os.environ.get("TIDINGS_TEST_PG"),
                        help="PostgreSQL URL (a schema is created and dropped).")
    parser.add_argument("--json", help="Also write the figures as JSON to FILE.")
    args = parser.parse_args()

    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    records, analyse_s = analyse_bbc(args.limit)
    print(f"analysed {len(records)} BBC politics articles in {analyse_s:.1f} s "
          f"({sum(len(r['events']) for r in records)} events read)", flush=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(run_backend("sqlite", str(Path(tmp) / "bench.db"), records, args))
        print(json.dumps(results[-1]), flush=True)
    if args.pg:
        url, drop = _pg_schema(args.pg)
        try:
            results.append(run_backend("postgresql", url, records, args))
            print(json.dumps(results[-1]), flush=True)
        finally:
            drop()
    print()
    print(f"{'backend':<11} {'events':>9} {'query':<22} {'p50 ms':>8} {'p95 ms':>8}  floor p95 <= {FLOOR_MS:g} ms")
    ok = True
    for r in results:
        for q in ("events_by_actor", "events_by_partial_name", "events_by_date_range"):
            passed = r[q]["p95_ms"] <= FLOOR_MS
            ok &= passed
            print(f"{r['backend']:<11} {r['events']:>9} {q:<22} {r[q]['p50_ms']:>8} {r[q]['p95_ms']:>8}  "
                  f"{'ok' if passed else 'OVER'}")
        s = r["resolve_surname_only"]
        print(f"{r['backend']:<11} {r['events']:>9} {'resolve_surname_only':<22} {s['p50_ms']:>8} {s['p95_ms']:>8}  "
              "(no floor)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
