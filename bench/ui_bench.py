"""Benchmark the web UI: the events explorer's page load in chromium with 100,000 events.

1. Build (once; the file is cached) a SQLite store of ``--events`` event reports
   (100,000 by default) from synthetic articles stored through the Store's own
   ingest (``Store.add``, one transaction per article, with entity resolution
   and event clustering as for real readings). Each synthetic article is a few
   sentences "ACTOR VERB TARGET in PLACE on DATE." with exact offsets; names,
   places and dates are drawn from small pools with a fixed seed.
2. Serve the app with uvicorn on a free 127.0.0.1 port and open the events
   explorer in Debian's chromium, each run in a fresh browser context (no
   cache). The time of a run is from navigation start to the table rendered:
   the rows are in the server's HTML, so it is the navigation's
   ``domContentLoadedEventEnd`` once ``#events-table tbody tr`` is there; the
   first contentful paint and ``loadEventEnd`` (stylesheet and scripts done)
   are reported too.
3. Report the median of ``--runs`` runs for the plain page and for a few
   filtered, sorted and deep pages. Floor: median < 1 s for the plain page.

4. With ``--all-pages``, also time the other pages from navigation start to
   drawn (their scripts done): reported, no floor.

Usage:
    python bench/ui_bench.py [--events N] [--runs N] [--db FILE] [--json FILE] [--all-pages]

The machine's load average is printed first: other work on the cores skews
every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FLOOR_MS = 1000.0
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
EVENTS_PER_ARTICLE = 20
FIRST_DAY = date(2015, 1, 1)
DAYS = 10 * 365
VERBS = {"AGREE": "agreed with", "CONSULT": "met", "SUPPORT": "praised", "CONCEDE": "yielded to",
         "COOPERATE": "worked with", "AID": "sent aid to", "RETREAT": "withdrew from",
         "REQUEST": "urged", "ACCUSE": "accused", "REJECT": "rejected", "THREATEN": "threatened",
         "PROTEST": "protested against", "SANCTION": "sanctioned", "MOBILIZE": "mobilised against",
         "COERCE": "detained envoys of", "ASSAULT": "attacked"}
MODALITIES = ("occurred",) * 6 + ("planned", "possible", "negated", "hypothetical")
FIRST = ("Anna", "Boris", "Chen", "Dara", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kemal",
         "Lina", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tamar")
LAST = ("Abara", "Bergman", "Castillo", "Dumont", "Eriksen", "Fontaine", "Gallo", "Haddad", "Ivanova",
        "Jensen", "Kowalski", "Laine", "Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Rossi",
        "Sato", "Tanaka")


def _places() -> list[dict[str, Any]]:
    """Towns with coordinates and countries, from the geo stage's country points."""
    from tidings.store._maps import country_points

    points = country_points()
    return [{"name": f"{iso} City", "country": iso, "lat": lat, "lon": lon}
            for iso, (lat, lon) in sorted(points.items())]


def _article(n: int, rng: random.Random, people: list[str], places: list[dict[str, Any]]) -> dict[str, Any]:
    """One synthetic record of EVENTS_PER_ARTICLE events, offsets exact."""
    published = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    headline = f"Round-up {n}: talks, threats and visits"
    parts = [headline, "\n\n"]
    pos = len(headline) + 2
    entities: dict[str, dict[str, Any]] = {}
    events = []

    def entity(name: str, type_: str, start: int, **extra: Any) -> str:
        key = (name, type_)
        found = next((e for e in entities.values() if (e["name"], e["type"]) == key), None)
        if found is None:
            found = {"id": f"E{len(entities) + 1}", "name": name, "type": type_, "code": None,
                     "country": None, "sector": None, "kb": None, "geo": None, "roles": [],
                     "mentions": [], **extra}
            entities[found["id"]] = found
        found["mentions"].append({"start": start, "end": start + len(name), "text": name})
        return str(found["id"])

    for i in range(EVENTS_PER_ARTICLE):
        etype = rng.choice(tuple(VERBS))
        actor, target = rng.sample(people, 2)
        place = rng.choice(places)
        day = published - timedelta(days=rng.randrange(3))
        when = day.isoformat()
        sentence_start = pos
        a_id = entity(actor, "PERSON", pos)
        pos += len(actor) + 1
        verb = VERBS[etype]
        trigger = {"start": pos, "end": pos + len(verb), "text": verb}
        pos += len(verb) + 1
        t_id = entity(target, "PERSON", pos)
        pos += len(target) + len(" in ")
        p_id = entity(place["name"], "GPE", pos, country=place["country"],
                      geo={"lat": place["lat"], "lon": place["lon"]})
        pos += len(place["name"]) + len(" on ")
        sentence = f"{actor} {verb} {target} in {place['name']} on {when}."
        pos += len(when) + 1
        parts.append(sentence + " ")
        pos += 1
        events.append({
            "id": f"V{i + 1}", "type": etype, "mode": None, "context": None,
            "actors": [a_id], "targets": [t_id], "place": p_id, "when": when,
            "modality": rng.choice(MODALITIES), "cameo": None, "source": None, "trigger": trigger,
            "evidence": {"start": sentence_start, "end": sentence_start + len(sentence), "text": sentence},
        })
    text = "".join(parts)
    return {
        "id": f"uibench{n:08d}", "source_path": f"synthetic/{n}.txt", "source_entry": None,
        "format": "text", "headline": headline, "published": published.isoformat(),
        "published_from": "option", "dateline": None, "publisher": f"Wire {n % 7 + 1}", "wire": [],
        "url": f"https://synthetic.example/{n}", "author": None, "language": "en", "text": text,
        "sections": [{"kind": "headline", "start": 0, "end": len(headline)},
                     {"kind": "body", "start": len(headline) + 2, "end": len(text)}],
        "captions": [], "entities": list(entities.values()), "times": [], "quotes": [],
        "events": events,
    }


def build(path: Path, n_events: int) -> float:
    """Fill the store at ``path`` up to ``n_events`` reports; return the seconds it took."""
    from tidings.store import Store

    start = time.perf_counter()
    rng = random.Random(7)
    people = [f"{f} {last}" for f in FIRST for last in LAST]
    places = _places()
    n_articles = (n_events + EVENTS_PER_ARTICLE - 1) // EVENTS_PER_ARTICLE
    with Store(str(path)) as store:
        have = store.counts()["reports"]
        if have >= n_events:
            return 0.0
        done = set(store.article_ids())
        for n in range(n_articles):
            record = _article(n, rng, people, places)  # drawn for every n: the same seed, the same store
            if record["id"] in done:
                continue
            store.add(record)
            if n % 500 == 0:
                print(f"  {n}/{n_articles} articles, {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(path: Path) -> tuple[str, Any]:
    import uvicorn

    from tidings.api import create_app
    from tidings.store import Store

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(store=Store(str(path)), token="bench"),
                                           host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            sys.exit("ui_bench: the server did not start")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


_TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, ttfb: nav.responseStart,
          fcp: fcp ? fcp.startTime : null, rows: document.querySelectorAll('#events-table tbody tr').length};
}"""


def measure(base: str, paths: list[str], runs: int) -> dict[str, dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, Any]] = {}
    outside: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in paths:
            samples: list[dict[str, Any]] = []
            for run in range(runs + 1):  # the first run warms the server and is not counted
                context = browser.new_context(viewport={"width": 1366, "height": 768})
                context.route("**/*", guard)
                page = context.new_page()
                page.goto(base + path, wait_until="load")
                page.wait_for_selector("#events-table tbody tr")
                timing = page.evaluate(_TIMING)
                context.close()
                if run:
                    samples.append(timing)
            results[path] = {
                key: round(statistics.median(s[key] for s in samples), 1)
                for key in ("ttfb", "dcl", "fcp", "load") if all(s[key] is not None for s in samples)
            }
            results[path]["rows"] = samples[-1]["rows"]
            results[path]["runs"] = runs
        browser.close()
    if outside:
        sys.exit(f"ui_bench: requests left 127.0.0.1: {outside[:3]}")
    return results


_READY = "() => document.body.dataset.ready !== undefined || !document.querySelector('script[type=module]')"


def measure_pages(base: str, paths: list[str], runs: int) -> dict[str, float]:
    """Median ms from navigation start to each page drawn (its scripts done), no floor."""
    from playwright.sync_api import sync_playwright

    out: dict[str, float] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in paths:
            samples = []
            for run in range(runs + 1):
                context = browser.new_context(viewport={"width": 1366, "height": 768})
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
                    "http://127.0.0.1:") else route.abort())
                page = context.new_page()
                page.goto(base + path, wait_until="load")
                page.wait_for_function(_READY, timeout=60_000)
                if run:
                    samples.append(page.evaluate("performance.now()"))
                context.close()
            out[path] = round(statistics.median(samples), 1)
        browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, default=None,
                        help="store file (default bench/results/ui-EVENTS.db, built once and reused)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--all-pages", action="store_true",
                        help="also time the other pages (home, article, entity, map, network, search)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"ui_bench: {CHROMIUM} is absent; install Debian's chromium", file=sys.stderr)
        return 2
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    db = args.db or REPO / "bench" / "results" / f"ui-{args.events}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    built = build(db, args.events)
    from tidings.store import Store

    with Store(str(db)) as store:
        counts = store.counts()
    print(f"store {db}: {counts['reports']:,} reports, {counts['events']:,} events (clusters), "
          f"{counts['articles']:,} articles" + (f"; built in {built:.0f} s through Store.add" if built else
                                                "; cached"))
    base, server = serve(db)
    paths = ["/ui/events", "/ui/events?type=ASSAULT&since=2020-01-01",
             "/ui/events?actor=Anna+Abara", "/ui/events?sort=-place&size=100",
             "/ui/events?page=1000", "/ui/events?level=events",
             "/ui/events?country=KOR", "/ui/events?source=Wire+3", "/ui/events?actor=Abara"]
    results = measure(base, paths, args.runs)
    others = ["/ui/", "/ui/articles/uibench00000001", "/ui/entities/1", "/ui/map", "/ui/network",
              "/ui/search?q=talks"]
    drawn = measure_pages(base, others, max(1, args.runs // 2)) if args.all_pages else {}
    server.should_exit = True
    print(f"{'page':45} {'ttfb':>7} {'table':>7} {'fcp':>7} {'load':>7}  (ms, median of {args.runs})")
    for path, r in results.items():
        fcp = f"{r['fcp']:7.0f}" if "fcp" in r else f"{'-':>7}"
        print(f"{path:45} {r['ttfb']:7.0f} {r['dcl']:7.0f} {fcp} {r['load']:7.0f}  {r['rows']} rows")
    for path, ms in drawn.items():
        print(f"{path:45} drawn in {ms:.0f} ms (median of {max(1, args.runs // 2)}; no floor)")
    figure = results["/ui/events"]["dcl"]
    ok = figure < FLOOR_MS
    print(f"events explorer, {counts['reports']:,} reports: table rendered in {figure:.0f} ms "
          f"(floor < {FLOOR_MS:.0f} ms): {'ok' if ok else 'BELOW THE FLOOR'}")
    if args.json:
        args.json.write_text(json.dumps({"counts": counts, "results": results, "pages": drawn,
                                         "floor_ms": FLOOR_MS},
                                        indent=1), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
