"""Watches: saved queries delivered as Atom feeds and webhooks (``tidings watch ...``)."""

from __future__ import annotations

import json
from typing import Any

import click

from ._common import db_option, open_store, tidings_errors
from ._live import deliver_due, log_delivery, stop_on_signals


def watch_options(func: Any) -> Any:
    """The spec options of ``watch add`` and ``watch test``."""
    for name, helptext in reversed([
        ("--actor", "An entity (name or id) that acts; for quotes, the speaker; for stories, in the story."),
        ("--target", "An entity (name or id) the event is done to."),
        ("--type", "PLOVER event type, e.g. PROTEST."),
        ("--modality", "Event modality: occurred, planned, negated..."),
        ("--country", "Country code of the event's place, e.g. KEN."),
        ("--place", "A place (name or id)."),
        ("--q", "Free text: every word must appear (evidence or headline; quote; story title)."),
    ]):
        func = click.option(name, name[2:], default=None, help=helptext)(func)
    func = click.option("--story", type=click.IntRange(min=1), default=None, help="Only items of this story.")(func)
    func = click.option("--min-reports", "min_reports", type=click.IntRange(min=1), default=None,
                        help="Fire when the event (or story) first has this many reports.")(func)
    func = click.option("--min-confidence", "min_confidence", type=click.FloatRange(0.0, 1.0), default=None,
                        help="Only events whose calibrated confidence is at least this (0-1).")(func)
    func = click.option("--kind", type=click.Choice(["events", "quotes", "stories"]), default="events",
                        show_default=True, help="What the watch matches.")(func)
    return click.option("--name", required=True, help="A name for the watch.")(func)


_WATCH_FILTERS = ("actor", "target", "type", "modality", "country", "place", "q", "story", "min_reports",
                  "min_confidence")


def _watch_spec(name: str, kind: str, kw: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "kind": kind,
            "filters": {k: kw[k] for k in _WATCH_FILTERS if kw.get(k) is not None}}


def _watch_title(kind: str, item: dict[str, Any]) -> str:
    from tidings.web import entry_title  # the feed's own words for an item

    return entry_title({"kind": kind, "payload": item})


@click.group()
def watch() -> None:
    """Watches: saved queries over events, quotes and stories, delivered as Atom feeds and webhooks."""


@watch.command("add")
@watch_options
@db_option
@click.option("--webhook", metavar="URL", help="POST each new match here, signed (see docs/live.md).")
@click.option("--secret", help="HMAC secret of the webhook (generated and printed when not given).")
@click.option("--paused", is_flag=True, help="Add it paused.")
def watch_add(name: str, kind: str, db: str | None, webhook: str | None, secret: str | None, paused: bool,
              **kw: Any) -> None:
    """Save a watch; articles stored from now on are matched against it.

    Example: tidings watch add --name kenya-protests --type PROTEST --country KEN
    """
    spec = {**_watch_spec(name, kind, kw), "webhook_url": webhook, "secret": secret, "paused": paused}
    with open_store(db) as store:
        found = store.add_watch(spec)
    click.echo(f"added watch {found['id']} {found['name']}: {found['kind']} "
               f"{json.dumps(found['filters'], sort_keys=True)}")
    if found["webhook_url"] and not secret:
        click.echo(f"webhook secret (shown once): {found['secret']}")


@watch.command("list")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def watch_list(db: str | None, fmt: str) -> None:
    """List watches with their counters: matches, deliveries by state, failures, lag."""
    with open_store(db) as store:
        found = store.watches()
        counters = {c["id"]: c for c in store.watch_counters()}
    for w in found:
        c = counters.get(w["id"], {})
        if fmt == "jsonl":
            click.echo(json.dumps({**w, "counters": c}))
            continue
        state = "paused" if w["paused"] else "active"
        hook = f", webhook {w['webhook_url']}" if w["webhook_url"] else ""
        click.echo(f"{w['id']:>3}  {w['name']}  [{w['kind']}, {state}{hook}]  {json.dumps(w['filters'], sort_keys=True)}")
        lag = ("n/a" if c.get("lag_median_s") is None
               else f"median {c['lag_median_s']} s, p95 {c['lag_p95_s']} s")
        click.echo(f"     matches {c.get('matches', 0)}, pending {c.get('pending', 0)}, delivered "
                   f"{c.get('delivered', 0)}, dead {c.get('dead', 0)}, failed attempts "
                   f"{c.get('failed_attempts', 0)}; lag {lag}")


def _watch_ids(ids: tuple[int, ...], db: str | None, what: str) -> None:
    with open_store(db) as store:
        for watch_id in ids:
            if what == "remove":
                found = store.remove_watch(watch_id)
            else:
                found = store.set_watch_paused(watch_id, what == "pause")
            click.echo(f"{what}d watch {found['id']} {found['name']}")


@watch.command("remove")
@click.argument("ids", nargs=-1, required=True, type=click.IntRange(min=1))
@db_option
def watch_remove(ids: tuple[int, ...], db: str | None) -> None:
    """Delete watches (by id) and their matches."""
    _watch_ids(ids, db, "remove")


@watch.command("pause")
@click.argument("ids", nargs=-1, required=True, type=click.IntRange(min=1))
@db_option
def watch_pause(ids: tuple[int, ...], db: str | None) -> None:
    """Pause watches: they match nothing and deliver nothing until resumed."""
    _watch_ids(ids, db, "pause")


@watch.command("resume")
@click.argument("ids", nargs=-1, required=True, type=click.IntRange(min=1))
@db_option
def watch_resume(ids: tuple[int, ...], db: str | None) -> None:
    """Resume paused watches."""
    _watch_ids(ids, db, "resume")


@watch.command("test")
@watch_options
@db_option
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def watch_test(name: str, kind: str, db: str | None, limit: int, fmt: str, **kw: Any) -> None:
    """Show what a watch would match in the store now, latest first; records nothing."""
    with open_store(db) as store:
        found = store.test_watch(_watch_spec(name, kind, kw), limit=limit)
    for item in found:
        if fmt == "jsonl":
            click.echo(json.dumps(item, ensure_ascii=False))
        else:
            evidence = (item["payload"].get("evidence") or {}).get("text") or ""
            click.echo(f"{item['item_key']:>6}  {_watch_title(kind, item['payload'])}"
                       + (f"\n        “{evidence}”" if evidence else ""))
    if fmt == "table":
        click.echo(f"{len(found)} match{'es' if len(found) != 1 else ''} now"
                   + (f" (the latest {limit})" if len(found) == limit else ""), err=True)


@watch.command("matches")
@click.argument("watch_id", type=click.IntRange(min=1))
@db_option
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--dead", is_flag=True, help="Only the dead letters (deliveries given up on).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def watch_matches(watch_id: int, db: str | None, limit: int, offset: int, dead: bool, fmt: str) -> None:
    """A watch's matches, newest first, with their delivery state."""
    with open_store(db) as store:
        found = (store.dead_letters(watch_id)[offset:offset + limit] if dead
                 else store.watch_matches(watch_id, limit=limit, offset=offset))
    for m in found:
        if fmt == "jsonl":
            click.echo(json.dumps(m, ensure_ascii=False))
            continue
        error = f"; last error: {m['last_error']}" if m["last_error"] else ""
        attempts = f" ({m['attempts']} attempts)" if m["attempts"] else ""
        click.echo(f"{m['id']:>6}  {m['matched_at'][:19]}  {m['state']}"
                   f"{attempts}  "
                   f"{_watch_title(m['kind'], m['payload'])}{error}")


@watch.command("requeue")
@click.argument("match_ids", nargs=-1, required=True, type=click.IntRange(min=1))
@db_option
def watch_requeue(match_ids: tuple[int, ...], db: str | None) -> None:
    """Put dead deliveries (by match id) back in the webhook queue."""
    with open_store(db) as store:
        for match_id in match_ids:
            store.requeue_delivery(match_id)
            click.echo(f"requeued match {match_id}")


@watch.command("deliver")
@db_option
@click.option("--once", is_flag=True, help="Deliver what is due now and exit (for cron).")
@click.option("--contact", metavar="EMAIL|URL", help="Put in the User-Agent (default $TIDINGS_CONTACT).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds to wait for a receiver's answer.")
@click.option("--max-attempts", type=click.IntRange(1, 100), default=8, show_default=True,
              help="Attempts before a delivery is dead (a dead letter).")
@click.option("--receivers", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Receivers delivered to at once.")
def watch_deliver(db: str | None, once: bool, contact: str | None, timeout: float, max_attempts: int,
                  receivers: int) -> None:
    """Deliver watches' webhooks: signed POSTs, retried with backoff, dead after --max-attempts.

    Without --once it runs until interrupted (Ctrl-C, SIGTERM), looking for
    new matches every few seconds; 'tidings follow' does the same alongside.

    Example: tidings watch deliver --db news.db --once
    """
    from tidings.live import Deliverer, DeliveryPolicy, Politeness  # not for --help

    with tidings_errors():
        policy = DeliveryPolicy(timeout=timeout, max_attempts=max_attempts, receivers=receivers)
    with open_store(db) as store, stop_on_signals("the answers awaited") as stop, \
            Deliverer(store, policy=policy, politeness=Politeness(contact=contact), stop=stop,
                      on_event=log_delivery) as deliverer:
        if once:
            click.echo(json.dumps(deliver_due(deliverer)), err=True)
        else:
            deliverer.run()


@watch.command("dead-letters")
@click.option("--watch", "watch_id", type=int, default=None, help="Only this watch's.")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def watch_dead_letters(watch_id: int | None, db: str | None, fmt: str) -> None:
    """List deliveries that failed --max-attempts times; 'tidings watch retry' sends one again."""
    with open_store(db) as store:
        dead = store.dead_letters(watch_id)
    for letter in dead:
        if fmt == "jsonl":
            click.echo(json.dumps(letter, ensure_ascii=False, default=str))
        else:
            click.echo(f"{letter['id']:>5}  watch {letter['watch_id']}  {letter['kind']} {letter['item_key']}  "
                       f"attempts {letter['attempts']}  key {letter['idempotency_key']}")
            click.echo(f"       last error: {letter['last_error'] or 'none'}")
    if fmt == "table":
        click.echo(f"{len(dead)} dead letter(s)", err=True)


watch.add_command(watch_requeue, "retry")  # the name the delivery docs use
