"""Benchmark live following against a local publisher: throughput, lag and memory.

A publisher server on 127.0.0.1 serves RSS feeds and article pages built from
the shared BBC articles (``../shared/data/news/bbc-news-fulltext``; the run
is skipped when they are absent). Every follower runs in a process of its own
with the full pipeline, as ``tidings follow`` would, over a store in a
temporary directory. Three measures:

1. **Throughput**: ``--articles`` articles published before the start, read
   by ``Follower.run_once`` (fetched, read, analysed, stored): articles per
   second, pipeline loading excluded. What exists to parallelise is measured
   as it is: one process with ``--workers 1`` and ``--workers 2`` (the
   follower's fetch threads; reading, analysis and storing stay one article
   at a time in the calling thread), then two follower processes over half
   of the sources each, writing to the same store (two ``tidings follow``
   processes are safe together: the store's writers take turns).
2. **Lag**: a follower (with its webhook deliverer, as ``tidings follow``
   runs) polls ``--lag-sources`` feeds every ``--poll`` seconds while the
   publisher adds an article every ``--lag-every`` seconds (a quarter of the
   poll interval by default) for ``--lag-duration`` seconds. A watch of every
   event posts to a receiver on 127.0.0.1, which checks each signature and
   notes when each delivery arrives. Two lags, median and p95, both from the
   publication time the publisher stamped on the article: to its storage
   (the store's ``stored_at`` of the item) and to the webhook delivery's
   arrival (of the article the match names).
3. **Memory**: a follower with its deliverer over ``--sources`` feeds (200)
   polled every ``--poll`` seconds for ``--duration`` seconds (an hour), the
   publisher adding ``--rate`` articles a minute: its resident memory at the
   start, once the pipeline is loaded, every ``--sample`` seconds (written to
   ``--rss-csv`` as it goes), its peak, and the slope of RSS over each half
   and over the last 30 minutes (a leak keeps growing; warm-up flattens).

The machine's load average is printed first and last: other work on the
cores skews every figure.

Usage:
    python bench/live_bench.py [--quick] [--articles N] [--poll S] [--lag-duration S]
        [--lag-every S] [--sources N] [--duration S] [--rate N] [--sample S] [--rss-csv FILE]
        [--skip throughput,lag,memory] [--no-webhooks] [--json FILE]

``--quick`` is a short run (24 articles, 10 s polls, 90 s of lag, 120 s of
memory); the defaults are the full run (60 s polls, an hour over 200 sources).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from eval._shared import shared_data_dir  # noqa: E402

CORPUS = ("news", "bbc-news-fulltext")
FEED_ITEMS = 30  # the latest items a feed lists


# -- the publisher ------------------------------------------------------------------------------


def load_corpus() -> list[tuple[str, list[str]]] | None:
    """(headline, paragraphs) of every BBC article; None when the shared data is absent."""
    data = shared_data_dir()
    root = data.joinpath(*CORPUS) if data else None
    if root is None or not root.is_dir():
        return None
    found = []
    for path in sorted(root.glob("*/*.txt")):
        lines = [x.strip() for x in path.read_text(encoding="utf-8", errors="replace").splitlines()]
        paras = [x for x in lines[1:] if x]
        if lines and lines[0] and paras:
            found.append((lines[0], paras))
    return found or None


class Publisher:
    """RSS feeds ``/s/N/feed.xml`` and article pages ``/s/N/a/K.html`` on 127.0.0.1, published over time."""

    def __init__(self, corpus: list[tuple[str, list[str]]], sources: int) -> None:
        self.corpus = corpus
        self.sources = sources
        self.items: list[list[tuple[int, float]]] = [[] for _ in range(sources)]  # (corpus index, published)
        self.published: dict[str, float] = {}  # article path -> publication time
        self.lock = threading.Lock()
        self.next = 0
        self.requests = 0
        publisher = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                publisher.requests += 1
                status, body, ctype, etag = publisher.answer(self.path)
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def feed_url(self, n: int) -> str:
        return f"{self.base}/s/{n}/feed.xml"

    def start(self) -> Publisher:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def publish(self, source: int, when: float | None = None) -> str:
        """Add the next corpus article to a source's feed; return its page's URL."""
        with self.lock:
            when = time.time() if when is None else when
            k = len(self.items[source])
            self.items[source].append((self.next % len(self.corpus), when))
            self.next += 1
            url = f"{self.base}/s/{source}/a/{k}.html"
            self.published[url] = when
            return url

    def answer(self, path: str) -> tuple[int, bytes, str, str | None]:
        parts = path.split("?")[0].strip("/").split("/")
        if parts == ["robots.txt"]:
            return 200, b"User-agent: *\nAllow: /\n", "text/plain", None
        if len(parts) >= 3 and parts[0] == "s" and parts[1].isdigit() and int(parts[1]) < self.sources:
            n = int(parts[1])
            with self.lock:
                items = list(self.items[n])
            if parts[2:] == ["feed.xml"]:
                body = self._feed(n, items)
                return 200, body, "application/rss+xml", '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if len(parts) == 4 and parts[2] == "a" and parts[3].endswith(".html"):
                k = parts[3][:-5]
                if k.isdigit() and int(k) < len(items):
                    corpus_index, when = items[int(k)]
                    return 200, self._page(n, int(k), corpus_index, when), "text/html; charset=utf-8", None
        return 404, b"not found\n", "text/plain", None

    def _feed(self, n: int, items: list[tuple[int, float]]) -> bytes:
        entries = []
        for k in range(len(items) - 1, max(-1, len(items) - 1 - FEED_ITEMS), -1):
            corpus_index, when = items[k]
            date = format_datetime(datetime.fromtimestamp(when, UTC), usegmt=True)
            entries.append(f"<item><title>{escape(self.corpus[corpus_index][0])}</title>"
                           f"<link>{self.base}/s/{n}/a/{k}.html</link><guid>{self.base}/s/{n}/a/{k}.html</guid>"
                           f"<pubDate>{date}</pubDate></item>")
        return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
                f"<title>Bench source {n}</title><link>{self.base}/s/{n}/</link>{''.join(entries)}"
                "</channel></rss>").encode()

    def _page(self, n: int, k: int, corpus_index: int, when: float) -> bytes:
        headline, paras = self.corpus[corpus_index]
        stamp = datetime.fromtimestamp(when, UTC).isoformat(timespec="seconds")
        body = "".join(f"<p>{escape(p)}</p>" for p in paras)
        return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
                f"<title>{escape(headline)}</title><meta property='article:published_time' content='{stamp}'>"
                f"<link rel='canonical' href='{self.base}/s/{n}/a/{k}.html'></head><body><article>"
                f"<h1>{escape(headline)}</h1>{body}</article></body></html>").encode()


class Receiver:
    """A webhook receiver on 127.0.0.1: when each delivery arrives, its body, and whether its signature holds.

    ``keep=False`` keeps only the counts (the memory run: an hour of deliveries).
    """

    def __init__(self, *, keep: bool = True) -> None:
        self.got: list[tuple[float, dict[str, Any]]] = []
        self.count = 0
        self.invalid = 0
        self.keys: set[str] = set()
        self.secret = ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                arrived = time.time()
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.took(arrived, data, dict(self.headers.items()))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.keep = keep
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def took(self, arrived: float, data: bytes, headers: dict[str, str]) -> None:
        from tidings.live import verify

        with self.lock:
            self.count += 1
            if not verify(data, headers, self.secret):
                self.invalid += 1
            self.keys.add(str({k.lower(): v for k, v in headers.items()}.get("x-tidings-delivery")))
            if self.keep:
                with contextlib.suppress(ValueError):
                    self.got.append((arrived, json.loads(data)))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def watch(self, db: str) -> None:
        """A watch of every event in the store at ``db``, posting here (its secret kept to verify)."""
        from tidings.store import Store

        with Store(db) as store:
            self.secret = store.add_watch({"name": "every event", "kind": "events", "filters": {},
                                           "webhook_url": self.url})["secret"]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# -- the follower, in a process of its own -------------------------------------------------------


def child(args: argparse.Namespace) -> int:
    """Follow the given feeds: once after the barrier file appears (--once), or until SIGTERM."""
    from tidings.live import Follower, Politeness, SourceSpec
    from tidings.store import Store

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    urls = args.child_sources.split(",")
    rss_start = _rss(os.getpid())  # the interpreter and tidings imported, no model loaded yet
    politeness = Politeness(contact="bench@localhost", min_delay=0.0, per_host=max(2, args.workers),
                            retries=1, backoff=0.1)
    deliverer = None
    with Store(args.db) as store, Follower(store, politeness=politeness, workers=args.workers, stop=stop) as follower:
        sources = follower.add([SourceSpec(u, interval=args.poll) for u in urls])
        if args.deliver:
            from tidings.live import Deliverer  # type: ignore[attr-defined]

            deliverer = Deliverer(store, politeness=politeness, stop=stop).start()
        print(json.dumps({"ready": True, "rss_start": rss_start, "rss": _rss(os.getpid())}), flush=True)
        if args.once:
            while not Path(args.barrier).exists():
                time.sleep(0.01)
            start = time.time()
            reports = follower.run_once(sources)
            end = time.time()
            print(json.dumps({"start": start, "end": end, "added": sum(r.added for r in reports),
                              "errors": sum(sum(r.errors.values()) for r in reports)}), flush=True)
        else:
            traced = _trace_start(args.tracemalloc, args.trace_after, stop) if args.tracemalloc else None
            follower.run(sources=urls, max_wait=min(60.0, float(args.poll)))
            if traced is not None:
                _trace_report(traced, args.tracemalloc)
        if deliverer is not None:
            deliverer.close(timeout=10)
    return 0


def _trace_start(path: str, after: float, stop: threading.Event) -> dict[str, Any]:
    """Trace allocations; the baseline snapshot is taken ``after`` seconds on (past the warm-up)."""
    import tracemalloc

    tracemalloc.start(8)
    traced: dict[str, Any] = {"baseline": None}

    def baseline() -> None:
        if not stop.wait(after):
            traced["baseline"] = tracemalloc.take_snapshot()
            traced["at"] = time.time()

    threading.Thread(target=baseline, daemon=True).start()
    return traced


def _trace_report(traced: dict[str, Any], path: str) -> None:
    """Write what grew between the baseline and now: the top lines, and the top tracebacks."""
    import tracemalloc

    if traced["baseline"] is None:
        return
    ignore = [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap>")]
    now = tracemalloc.take_snapshot().filter_traces(ignore)
    before = traced["baseline"].filter_traces(ignore)
    lines = [f"# growth over {time.time() - traced['at']:.0f} s after the baseline"]
    for stat in now.compare_to(before, "lineno")[:30]:
        lines.append(str(stat))
    lines.append("# by traceback")
    for stat in now.compare_to(before, "traceback")[:12]:
        lines.append(f"{stat.size_diff / 1024:.1f} KiB in {stat.count_diff} blocks")
        lines.extend("    " + x for x in stat.traceback.format())
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _rss(pid: int, field: str = "VmRSS") -> int:
    """A process's resident memory (or ``VmHWM``, its peak) in bytes, from /proc; 0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _spawn(db: str, urls: list[str], *, workers: int, poll: int, once: bool = False, barrier: str = "",
           deliver: bool = False, trace: str = "", trace_after: float = 0.0) -> subprocess.Popen[str]:
    cmd = [sys.executable, __file__, "--child", "--db", db, "--child-sources", ",".join(urls),
           "--workers", str(workers), "--poll", str(poll)]
    if trace:
        cmd += ["--tracemalloc", trace, "--trace-after", str(trace_after)]
    if once:
        cmd += ["--once", "--barrier", barrier]
    if deliver:
        cmd += ["--deliver"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=REPO)


def _line(proc: subprocess.Popen[str]) -> dict[str, Any]:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError(f"the follower process ended with status {proc.wait()}")
    return json.loads(line)


# -- the three measures --------------------------------------------------------------------------


def throughput(publisher: Publisher, sources: int, args: argparse.Namespace) -> dict[str, Any]:
    """Articles per second: one process with 1 and 2 fetch workers, then two processes.

    With ``--repeat N`` the three are run in turn N times (so a quieter or a
    busier minute of the machine falls on each alike); each one's figure is
    the median of its runs.
    """
    from tidings.store import Store

    urls = [publisher.feed_url(n) for n in range(sources)]
    setups = (("1 process, 1 fetch worker", [urls], 1), ("1 process, 2 fetch workers", [urls], 2),
              ("2 processes (2 analysis workers)", [urls[0::2], urls[1::2]], 1))
    rates: dict[str, list[dict[str, Any]]] = {label: [] for label, _, _ in setups}
    for _round in range(args.repeat):
        for label, groups, workers in setups:
            with tempfile.TemporaryDirectory() as tmp:
                db, barrier = str(Path(tmp) / "bench.db"), str(Path(tmp) / "go")
                Store(db).close()  # migrated once, before the processes open it
                procs = [_spawn(db, g, workers=workers, poll=args.poll, once=True, barrier=barrier)
                         for g in groups]
                for p in procs:
                    _line(p)  # ready: the pipeline is loaded
                Path(barrier).touch()
                done = [_line(p) for p in procs]
                for p in procs:
                    p.wait()
            added = sum(d["added"] for d in done)
            seconds = max(d["end"] for d in done) - min(d["start"] for d in done)
            run = {"added": added, "errors": sum(d["errors"] for d in done), "seconds": round(seconds, 2),
                   "articles_per_second": round(added / seconds, 3) if seconds else 0.0,
                   "load1": round(os.getloadavg()[0], 2)}
            rates[label].append(run)
            print(f"throughput, {label}: {added} articles in {seconds:.1f} s: {run['articles_per_second']:.2f} "
                  f"articles/s (load {run['load1']})"
                  + (f" ({run['errors']} errors)" if run["errors"] else ""), flush=True)
    runs = {label: {"articles_per_second": statistics.median(r["articles_per_second"] for r in found),
                    "runs": found} for label, found in rates.items()}
    if args.repeat > 1:
        print("throughput, median of " + str(args.repeat) + " runs: " + "; ".join(
            f"{label} {r['articles_per_second']:.2f} articles/s" for label, r in runs.items()), flush=True)
    return runs


def _quantiles(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0, "median_s": None, "p95_s": None, "max_s": None}
    ordered = sorted(values)
    return {"n": len(ordered), "median_s": round(statistics.median(ordered), 2),
            "p95_s": round(ordered[max(0, -(-95 * len(ordered) // 100) - 1)], 2), "max_s": round(ordered[-1], 2)}


def lag(publisher: Publisher, first: int, count: int, args: argparse.Namespace) -> dict[str, Any]:
    """Publish an article every few seconds into ``count`` feeds polled every ``--poll`` s.

    A watch of every event posts each new match to a :class:`Receiver`: the lag
    to delivery is its arrival less the publication time the publisher stamped
    on the match's article (the article that made the cluster match).
    """
    from tidings.store import Store

    urls = [publisher.feed_url(first + n) for n in range(count)]
    receiver = None if args.no_webhooks else Receiver()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "lag.db")
        Store(db).close()
        if receiver is not None:
            receiver.watch(db)
        proc = _spawn(db, urls, workers=2, poll=args.poll, deliver=receiver is not None)
        _line(proc)
        every = args.lag_every or max(1.0, args.poll / 4)  # a few articles per poll interval, across the feeds
        started, n, mine = time.time(), 0, []
        while time.time() - started < args.lag_duration:
            mine.append(publisher.publish(first + n % count))
            n += 1
            time.sleep(every)
        time.sleep(args.poll + 30)  # the last items' poll, their analysis and delivery
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
        with Store(db) as store:
            lags, stored = [], {}
            for source in store.sources():
                for url, item in store.source_items(source["id"]).items():
                    if item.get("stored_at") and url in publisher.published:
                        stored[url] = datetime.fromisoformat(item["stored_at"]).timestamp()
                        lags.append(stored[url] - publisher.published[url])
            counters = store.source_lags()
            watches = store.watch_counters() if receiver is not None else []
            matches = sum(int(w.get("matches") or 0) for w in watches)
    figures: dict[str, Any] = {"published": len(mine), "stored": len(lags), "poll_s": args.poll, "feeds": count,
                               "publish_every_s": every, "storage": _quantiles(lags),
                               "store_counters": {str(k): v for k, v in counters.items()}}
    s = figures["storage"]
    print(f"lag publication -> storage ({args.poll} s polls, {count} feeds, an article every {every:.0f} s): "
          f"{s['n']} of {len(mine)} articles, median {s['median_s']} s, p95 {s['p95_s']} s, max {s['max_s']} s",
          flush=True)
    if receiver is None:
        figures["webhook"] = None
        return figures
    receiver.stop()
    delivered, after_storage, first_per_article = [], [], {}
    for arrived, body in receiver.got:
        article = (body.get("item") or {}).get("article") or {}
        url = str(article.get("url") or "")
        if url in publisher.published:
            delivered.append(arrived - publisher.published[url])
            if url in stored:
                after_storage.append(arrived - stored[url])
            first_per_article[url] = min(first_per_article.get(url, arrived), arrived)
    per_article = [t - publisher.published[u] for u, t in first_per_article.items()]
    figures["webhook"] = _quantiles(delivered) | {
        "deliveries": receiver.count, "distinct_keys": len(receiver.keys), "bad_signatures": receiver.invalid,
        "matches_recorded": matches, "articles": len(per_article), "first_per_article": _quantiles(per_article),
        "after_storage": _quantiles(after_storage),
        "store_counters": watches}
    w = figures["webhook"]
    print(f"lag publication -> webhook delivery: {w['deliveries']} deliveries of {matches} matches "
          f"({w['distinct_keys']} keys, {w['bad_signatures']} bad signatures), median {w['median_s']} s, "
          f"p95 {w['p95_s']} s, max {w['max_s']} s; first delivery per article ({w['articles']} articles): "
          f"median {w['first_per_article']['median_s']} s, p95 {w['first_per_article']['p95_s']} s; from storage to "
          f"delivery: median {w['after_storage']['median_s']} s, p95 {w['after_storage']['p95_s']} s; the store's "
          f"own watch counters: median {watches[0]['lag_median_s']} s, p95 {watches[0]['lag_p95_s']} s", flush=True)
    return figures


def _slope(samples: list[tuple[float, int]], since: float) -> float | None:
    """Least-squares slope of RSS over time after ``since`` seconds, in MB an hour."""
    points = [(t, r / 2**20) for t, r in samples if t >= since]
    if len(points) < 3:
        return None
    mt = statistics.fmean(t for t, _ in points)
    mr = statistics.fmean(r for _, r in points)
    var = sum((t - mt) ** 2 for t, _ in points)
    return round(sum((t - mt) * (r - mr) for t, r in points) / var * 3600, 2) if var else None


def memory(publisher: Publisher, first: int, count: int, args: argparse.Namespace) -> dict[str, Any]:
    """A follower (with its webhook deliverer) over ``count`` feeds for ``--duration`` s: RSS sampled.

    Every ``--sample`` seconds a row ``t_s,rss_bytes,published,load1`` goes to
    ``--rss-csv`` (written as it goes, so a run can be watched or cut short).
    """
    from tidings.store import Store

    urls = [publisher.feed_url(first + n) for n in range(count)]
    receiver = Receiver(keep=False)
    csv = Path(args.rss_csv)
    with tempfile.TemporaryDirectory() as tmp, csv.open("w", encoding="utf-8") as out:
        db = str(Path(tmp) / "memory.db")
        Store(db).close()
        receiver.watch(db)
        proc = _spawn(db, urls, workers=2, poll=args.poll, deliver=True, trace=args.tracemalloc or "",
                      trace_after=args.trace_after)
        ready = _line(proc)
        out.write("t_s,rss_bytes,published,load1\n")
        samples: list[tuple[float, int]] = [(0.0, int(ready["rss"]))]
        started = time.time()
        out.write(f"0,{ready['rss']},0,{os.getloadavg()[0]:.2f}\n")
        out.flush()
        every, step, n = 60.0 / args.rate if args.rate else 0.0, args.sample, 0
        next_article, next_sample = started, started + step
        while time.time() - started < args.duration and proc.poll() is None:
            now = time.time()
            if every and now >= next_article:
                publisher.publish(first + n % count)
                n += 1
                next_article += every
            if now >= next_sample:
                samples.append((round(now - started, 1), _rss(proc.pid)))
                out.write(f"{samples[-1][0]},{samples[-1][1]},{n},{os.getloadavg()[0]:.2f}\n")
                out.flush()
                next_sample += step
            time.sleep(0.2)
        peak = _rss(proc.pid, "VmHWM")
        samples.append((round(time.time() - started, 1), _rss(proc.pid)))
        out.write(f"{samples[-1][0]},{samples[-1][1]},{n},{os.getloadavg()[0]:.2f}\n")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=900 if args.tracemalloc else 120)
        receiver.stop()
        with Store(db) as store:
            found = store.sources()
            matches = sum(int(w.get("matches") or 0) for w in store.watch_counters())
    polls = sum(s["fetched"] + s["not_modified"] for s in found)
    duration = samples[-1][0]
    half = duration / 2
    figures = {"sources": count, "duration_s": duration, "poll_s": args.poll, "published": n,
               "stored": sum(s["articles_added"] for s in found), "polls": polls,
               "not_modified": sum(s["not_modified"] for s in found),
               "errors": sum(sum(s["errors"].values()) for s in found),
               "matches": matches, "deliveries": receiver.count, "bad_signatures": receiver.invalid,
               "rss_start": int(ready["rss_start"]), "rss_after_pipeline": int(ready["rss"]),
               "rss_end": samples[-1][1], "peak_rss": peak,
               "slope_first_half_mb_per_h": _slope([x for x in samples if x[0] <= half], 0.0),
               "slope_second_half_mb_per_h": _slope(samples, half),
               "slope_last_30_min_mb_per_h": _slope(samples, duration - 1800),
               "rss_csv": str(csv), "rss_over_time": samples}
    print(f"memory, {count} sources for {duration:.0f} s ({args.poll} s polls): {polls} polls "
          f"({figures['not_modified']} answered 304), {figures['stored']} of {n} articles stored, "
          f"{matches} matches, {receiver.count} webhook deliveries; RSS {_mb(figures['rss_start'])} at start, "
          f"{_mb(figures['rss_after_pipeline'])} after loading the pipeline, {_mb(figures['rss_end'])} at the end, "
          f"peak {_mb(peak)}; slope {figures['slope_first_half_mb_per_h']} MB/h in the first half, "
          f"{figures['slope_second_half_mb_per_h']} MB/h in the second, "
          f"{figures['slope_last_30_min_mb_per_h']} MB/h over the last 30 minutes", flush=True)
    print("  RSS over time: " + ", ".join(f"{t:.0f} s {_mb(r)}" for t, r in samples[:: max(1, len(samples) // 12)]),
          flush=True)
    return figures


def _mb(n: float) -> str:
    return f"{n / 2**20:.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run (see the usage)")
    parser.add_argument("--articles", type=int, help="articles published for the throughput runs (default 100)")
    parser.add_argument("--throughput-sources", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the three throughput runs (median kept)")
    parser.add_argument("--poll", type=int, help="seconds between two polls of a feed (default 60)")
    parser.add_argument("--lag-sources", type=int, default=10)
    parser.add_argument("--lag-duration", type=float, help="seconds of publishing for the lag (default 600)")
    parser.add_argument("--sources", type=int, default=200, help="feeds of the memory run")
    parser.add_argument("--duration", type=float, help="seconds of the memory run (default 3600)")
    parser.add_argument("--rate", type=float, default=6.0, help="articles a minute published in the memory run")
    parser.add_argument("--lag-every", type=float, help="seconds between two articles of the lag run "
                        "(default a quarter of the poll interval)")
    parser.add_argument("--sample", type=float, help="seconds between two RSS samples (default 30)")
    parser.add_argument("--rss-csv", default=str(Path(tempfile.gettempdir()) / "tidings-live-memory-rss.csv"),
                        help="where the memory run writes its RSS samples as it goes")
    parser.add_argument("--tracemalloc", help="the memory run's follower traces its allocations and writes "
                        "what grew after --trace-after seconds to this file (slow: for finding a leak)")
    parser.add_argument("--trace-after", type=float, default=300.0)
    parser.add_argument("--skip", default="", help="comma-separated: throughput, lag, memory")
    parser.add_argument("--no-webhooks", action="store_true", help="leave the webhook lag out")
    parser.add_argument("--json", help="also write the figures as JSON to this file")
    # The follower process's own options.
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--child-sources", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--barrier", help=argparse.SUPPRESS)
    parser.add_argument("--deliver", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    quick = args.quick
    args.articles = args.articles or (24 if quick else 100)
    args.poll = args.poll or (10 if quick else 60)
    args.lag_duration = args.lag_duration or (90.0 if quick else 600.0)
    args.duration = args.duration or (120.0 if quick else 3600.0)
    args.sample = args.sample or (10.0 if quick else 30.0)
    if args.child:
        return child(args)
    if args.poll < 1:
        parser.error("--poll must be at least 1 second")

    corpus = load_corpus()
    if corpus is None:
        print(f"skipped: ../shared/data/{'/'.join(CORPUS)} is absent (set TIDINGS_SHARED)")
        return 0
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    print(f"corpus: {len(corpus)} BBC articles; publisher on 127.0.0.1", flush=True)
    figures: dict[str, Any] = {"load_before": load, "quick": quick}
    ts, ls = args.throughput_sources, args.lag_sources
    publisher = Publisher(corpus, ts + ls + args.sources).start()
    try:
        if "throughput" not in skip:
            start = time.time() - 60
            for n in range(args.articles):
                publisher.publish(n % ts, start)
            figures["throughput"] = throughput(publisher, ts, args)
            runs = figures["throughput"]
            one = runs["1 process, 1 fetch worker"]["articles_per_second"]
            if one:
                print(f"speed-up: 2 fetch workers {runs['1 process, 2 fetch workers']['articles_per_second'] / one:.2f}, "
                      f"2 processes {runs['2 processes (2 analysis workers)']['articles_per_second'] / one:.2f}")
        if "lag" not in skip:
            figures["lag"] = lag(publisher, ts, ls, args)
        if "memory" not in skip:
            figures["memory"] = memory(publisher, ts + ls, args.sources, args)
    finally:
        publisher.stop()
    load = os.getloadavg()
    figures["load_after"] = load
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
