"""Following sources as they publish: ``follow`` and ``sources``."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from ._common import db_option, entity_options, open_store, resolve_entities, tidings_errors

if TYPE_CHECKING:
    from tidings.store import Store


@click.command()
@click.argument("sources", nargs=-1)
@db_option
@click.option("--once", is_flag=True, help="Poll every source once and exit (for cron).")
@click.option("--interval", metavar="DURATION",
              help="Poll interval of the URLs given here: seconds or 30m, 2h (default 15m).")
@click.option("--language", metavar="CODE", help="Language of the URLs given here (ISO 639-1).")
@click.option("--contact", metavar="EMAIL|URL", help="Who site owners can write to, put in the User-Agent "
              "(default $TIDINGS_CONTACT).")
@click.option("--workers", type=click.IntRange(1, 32), default=4, show_default=True, help="Pages fetched at once.")
@click.option("--per-host", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Requests at once to one host.")
@click.option("--min-delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds between two requests to one host (robots.txt Crawl-delay raises it).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=20.0, show_default=True,
              help="Seconds to wait for a response.")
@click.option("--max-bytes", type=click.IntRange(min=1024), default=10 * 1024 * 1024, show_default=True,
              help="Largest feed or page read; a larger one is abandoned.")
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
              help="Retries after a 429, 5xx, timeout or network error.")
@click.option("--deliver/--no-deliver", default=True, show_default=True,
              help="Deliver watches' webhooks alongside (or leave them to 'tidings watch deliver').")
@click.option("--no-nlp", is_flag=True, help="Only read and store: skip entities, times, quotes and events.")
@entity_options
def follow(sources: tuple[str, ...], db: str | None, once: bool, interval: str | None, language: str | None,
           contact: str | None, workers: int, per_host: int, min_delay: float, timeout: float, max_bytes: int,
           retries: int, deliver: bool, no_nlp: bool, actors: tuple[str, ...], entity_data: str | None) -> None:
    """Follow news sources: poll feeds and news sitemaps, store their new and changed articles.

    SOURCES are a sources file (YAML: url, interval, language, name) or feed
    and sitemap URLs; they are added to the store's followed sources. Without
    SOURCES every source the store follows is polled. Without --once it runs
    until interrupted (Ctrl-C, SIGTERM): the article being stored is
    finished, and what was not stored is fetched again next time. Watches'
    webhooks are delivered alongside, on threads of their own (with --once,
    after the round).

    Example: tidings follow sources.yaml --db news.db --once
    """
    from tidings.live import Follower, Politeness  # not for --help

    with tidings_errors():
        specs = _source_specs(sources, interval, language)
        politeness = Politeness(contact=contact, timeout=timeout, max_bytes=max_bytes, retries=retries,
                                per_host=per_host, min_delay=min_delay)
    if not (contact or os.environ.get("TIDINGS_CONTACT")):
        click.echo("tidings: no --contact or $TIDINGS_CONTACT: site owners cannot reach you", err=True)
    # Closed in reverse: the deliverer records the answers it awaits before the store closes.
    with open_store(db) as store, stop_on_signals("the current article") as stop, \
            _deliverer(store, politeness, stop, enabled=deliver) as deliverer:
        chosen = _add_sources(store, specs)
        settings = _work_settings(no_nlp, actors, entity_data)
        with Follower(store, politeness=politeness, settings=settings, workers=workers, stop=stop,
                      on_event=_log_follow) as follower:
            if once:
                _follow_once(follower, chosen, deliverer)
            else:
                if deliverer is not None:
                    deliverer.start()
                follower.run(sources=[s["url"] for s in chosen] or None)


def _source_specs(args: tuple[str, ...], interval: str | None, language: str | None) -> list[Any]:
    """Sources from a sources file (.yaml/.yml) or URLs on the command line."""
    from tidings.live import DEFAULT_INTERVAL, SourceSpec, load_sources, parse_interval
    from tidings.live._sources import check_source_url

    every = parse_interval(interval, where="--interval") if interval else DEFAULT_INTERVAL
    specs: list[Any] = []
    for arg in args:
        if arg.lower().endswith((".yaml", ".yml")) and "://" not in arg:
            specs.extend(load_sources(arg))
        else:
            specs.append(SourceSpec(check_source_url(arg, where="argument"), interval=every, language=language))
    return specs


@contextmanager
def stop_on_signals(after: str) -> Iterator[threading.Event]:
    """An event the first SIGINT or SIGTERM sets (a second one interrupts); the old handlers come back after."""
    stop = threading.Event()

    def stopping(signum: int, _frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        click.echo(f"tidings: {signal.Signals(signum).name}: stopping after {after}", err=True)
        stop.set()

    old = {sig: signal.signal(sig, stopping) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


@contextmanager
def _deliverer(store: Store, politeness: Any, stop: threading.Event, *, enabled: bool) -> Iterator[Any]:
    """The webhook deliverer that runs alongside 'tidings follow' (None without --deliver), closed after."""
    if not enabled:
        yield None
        return
    from tidings.live import Deliverer

    with Deliverer(store, politeness=politeness, stop=stop, on_event=log_delivery) as deliverer:
        yield deliverer


def _add_sources(store: Store, specs: list[Any]) -> list[dict[str, Any]]:
    """Add (or update) the sources given to 'tidings follow'; fail when there is nothing to follow at all."""
    chosen = [store.add_source(s.url, name=s.name, language=s.language, interval=s.interval)[0] for s in specs]
    if not chosen and not store.sources():
        raise click.ClickException("[T604] no sources to follow: give a sources file or feed URLs, or "
                                   "add some with 'tidings sources add'")
    return chosen


def _work_settings(no_nlp: bool, actors: tuple[str, ...], entity_data: str | None) -> Any:
    """The analysis settings of ``--no-nlp``, ``--actors`` and ``--entity-data``."""
    from tidings.batch import WorkSettings

    if no_nlp:
        return WorkSettings(nlp=False)
    actors, entity_data = resolve_entities(actors, entity_data)
    return WorkSettings(actors=actors, entity_data=entity_data)


def _follow_once(follower: Any, chosen: list[dict[str, Any]], deliverer: Any) -> None:
    """One round of every source (then of the deliveries due); exit status 1 when a source failed."""
    reports = follower.run_once(chosen or None)
    for report in reports:
        click.echo(json.dumps(report.as_dict()), err=True)
    if deliverer is not None:
        deliver_due(deliverer)
    if any(r.status == "error" for r in reports):
        raise SystemExit(1)


def _log_follow(kind: str, details: dict[str, Any]) -> None:
    """One stderr line per source error and per article added or replaced."""
    if kind == "error":
        click.echo(f"tidings: {details['message']}", err=True)
    elif kind in ("added", "replaced"):
        click.echo(f"tidings: {kind} {details['url']}", err=True)


def log_delivery(kind: str, details: dict[str, Any]) -> None:
    """One stderr line per webhook delivery that failed or died."""
    if kind == "failed":
        click.echo(f"tidings: webhook {details['key']} (match {details['match_id']}): {details['error']}; "
                   f"attempt {details['attempts']}, next at {details['next_attempt_at']}", err=True)
    elif kind == "dead":
        click.echo(f"tidings: webhook {details['key']} (match {details['match_id']}) is dead after "
                   f"{details['attempts']} attempts: {details['error']}", err=True)


def deliver_due(deliverer: Any) -> dict[str, Any]:
    """Rounds of deliveries until nothing due now is left to try; the totals."""
    totals: dict[str, Any] = {"delivered": 0, "failed": 0, "dead": 0, "errors": {}}
    while not deliverer.stop.is_set():
        report = deliverer.run_once()
        for name in ("delivered", "failed", "dead"):
            totals[name] += getattr(report, name)
        for kind, n in report.errors.items():
            totals["errors"][kind] = totals["errors"].get(kind, 0) + n
        if report.due == 0 or (report.delivered == 0 and report.postponed == 0):
            break
    return totals


@click.group()
def sources() -> None:
    """The sources 'tidings follow' polls, with their fetch counters."""


@sources.command("list")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def sources_list(db: str | None, fmt: str) -> None:
    """List followed sources: interval, state, last success and error, counters, lag.

    The lag is from an item's publication (its feed's date) to its article's
    storage: the median and 95th percentile over the latest items stored.
    """
    with open_store(db) as store:
        found = store.sources()
        lags = store.source_lags()
    no_lag = {"lag_items": 0, "lag_median_s": None, "lag_p95_s": None}
    found = [s | lags.get(s["id"], no_lag) for s in found]
    if fmt == "jsonl":
        for source in found:
            click.echo(json.dumps(source))
        return
    for s in found:
        state = "paused" if s["paused"] else "active"
        errors = ", ".join(f"{k} {v}" for k, v in sorted(s["errors"].items())) or "none"
        click.echo(f"{s['id']:>3}  {s['url']}  [{state}, every {s['interval']} s]"
                   + (f"  {s['name']}" if s["name"] else ""))
        click.echo(f"     fetched {s['fetched']}, not modified {s['not_modified']}, items {s['items_seen']}, "
                   f"added {s['articles_added']}, updated {s['articles_updated']}; errors: {errors}")
        lag = (f"lag median {s['lag_median_s']:g} s, p95 {s['lag_p95_s']:g} s over {s['lag_items']} items"
               if s["lag_items"] else "lag not known yet")
        click.echo(f"     last success {s['last_success'] or 'never'}; {lag}"
                   + (f"; last error {s['last_error_at']}: {s['last_error']}" if s["last_error"] else ""))


@sources.command("add")
@click.argument("urls", nargs=-1, required=True)
@db_option
@click.option("--interval", metavar="DURATION", help="Poll interval: seconds or 30m, 2h (default 15m).")
@click.option("--language", metavar="CODE", help="Language of its articles (ISO 639-1).")
@click.option("--name", help="Publisher name given to articles that state none.")
def sources_add(urls: tuple[str, ...], db: str | None, interval: str | None, language: str | None,
                name: str | None) -> None:
    """Follow feeds or sitemaps (URLs, or a sources file); a followed one gets the new settings."""
    with tidings_errors():
        specs = _source_specs(urls, interval, language)
    with open_store(db) as store:
        for spec in specs:
            source, new = store.add_source(spec.url, name=name or spec.name, language=spec.language,
                                           interval=spec.interval)
            click.echo(f"{'added' if new else 'updated'} {source['id']} {source['url']}")


def _source_state(refs: tuple[str, ...], db: str | None, what: str) -> None:
    with open_store(db) as store:
        for ref in refs:
            if what == "remove":
                found = store.remove_source(ref)
            else:
                found = store.update_source(ref, paused=what == "pause")
            click.echo(f"{what}d {found['id']} {found['url']}")


@sources.command("remove")
@click.argument("refs", nargs=-1, required=True)
@db_option
def sources_remove(refs: tuple[str, ...], db: str | None) -> None:
    """Stop following sources (by id or URL) and forget their items; their articles stay."""
    _source_state(refs, db, "remove")


@sources.command("pause")
@click.argument("refs", nargs=-1, required=True)
@db_option
def sources_pause(refs: tuple[str, ...], db: str | None) -> None:
    """Pause sources (by id or URL): 'tidings follow' leaves them until resumed."""
    _source_state(refs, db, "pause")


@sources.command("resume")
@click.argument("refs", nargs=-1, required=True)
@db_option
def sources_resume(refs: tuple[str, ...], db: str | None) -> None:
    """Resume paused sources (by id or URL)."""
    _source_state(refs, db, "resume")
