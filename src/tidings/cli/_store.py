"""The store commands: ``ingest``, the queries, ``export`` and ``serve``."""

from __future__ import annotations

import json
import os
from typing import Any

import click

from ._common import (
    db_option,
    entity_options,
    event_filter,
    event_filter_options,
    format_option,
    limit_option,
    open_store,
    report_failure,
    resolve_entities,
    show,
    tidings_errors,
)


@click.command()
@click.argument("sources", nargs=-1, required=True)
@db_option
@click.option("--published", metavar="YYYY-MM-DD", help="Publication date when the source has none.")
@click.option("--records", is_flag=True, help="Sources are JSON Lines records from 'tidings read'.")
@entity_options
@click.option("--allow-failures", is_flag=True,
              help="Exit 0 even when inputs failed (each is still reported on stderr).")
def ingest(sources: tuple[str, ...], db: str | None, published: str | None, records: bool,
           actors: tuple[str, ...], entity_data: str | None, allow_failures: bool) -> None:
    """Read, analyse and store articles; stored ones are skipped, so a rerun resumes.

    The exit status is 1 when any input failed, unless --allow-failures.

    Example: tidings ingest articles/ --db news.db
    """
    from tidings.batch import WorkSettings, ingest_sources  # not for --help

    with open_store(db) as store:
        settings = None
        if not records:
            actors, entity_data = resolve_entities(actors, entity_data)
            settings = WorkSettings(actors=actors, entity_data=entity_data)
        report = ingest_sources(store, sources, published=published, records=records, settings=settings,
                                on_failure=report_failure)
    click.echo(json.dumps(report.as_dict()), err=True)
    if report.failures and not allow_failures:
        raise SystemExit(1)


@click.command()
@event_filter_options
@click.option("--clusters", is_flag=True, help="One row per real-world event, not per report.")
@db_option
@format_option
@limit_option
def events(clusters: bool, db: str | None, fmt: str, limit: int, **filters: Any) -> None:
    """List events (reports, or clusters with --clusters) matching the filters, by date.

    Example: tidings events --actor Stoltenberg --since 2023-01-01
    """
    with open_store(db) as store:
        fetch = store.clusters if clusters else store.events
        page = fetch(event_filter(**filters), limit=limit)
    show(page.items, fmt, "clusters" if clusters else "events")


@click.command()
@click.option("--speaker", help="Who said it (name or id).")
@click.option("--text", "text_", metavar="WORDS", help="Words the quote contains.")
@db_option
@format_option
@limit_option
def quotes(speaker: str | None, text_: str | None, db: str | None, fmt: str, limit: int) -> None:
    """List quotes by speaker and words.

    Example: tidings quotes --speaker Stoltenberg --text security
    """
    with open_store(db) as store:
        page = store.quotes(speaker=speaker, text_=text_, limit=limit)
    show(page.items, fmt, "quotes")


@click.group(invoke_without_command=True)
@click.option("--name", help="Name (or part of one, in whole words) or id.")
@click.option("--type", "type_", help="Entity type (PERSON, ORG, GPE...).")
@db_option
@format_option
@limit_option
@click.pass_context
def entities(ctx: click.Context, name: str | None, type_: str | None, db: str | None, fmt: str,
             limit: int) -> None:
    """List entities known across articles; merge or split them.

    Example: tidings entities --type PERSON
    """
    if ctx.invoked_subcommand is not None:
        return
    with open_store(db) as store:
        page = store.entities(name=name, type=type_, limit=limit)
    show(page.items, fmt, "entities")


@entities.command("merge")
@click.argument("into", type=int)
@click.argument("other", type=int)
@db_option
def entities_merge(into: int, other: int, db: str | None) -> None:
    """Fold entity OTHER into entity INTO (ids from 'tidings entities').

    Example: tidings entities merge 12 40
    """
    with open_store(db) as store:
        click.echo(json.dumps(store.merge_entities(into, other), ensure_ascii=False))


@entities.command("split")
@click.argument("entity", type=int)
@click.option("--article", help="Move this article's mentions to a new entity.")
@click.option("--name", help="Move mentions under this name variant to a new entity.")
@db_option
def entities_split(entity: int, article: str | None, name: str | None, db: str | None) -> None:
    """Split mentions of ENTITY off into a new entity.

    Example: tidings entities split 12 --name "Mr Park"
    """
    with open_store(db) as store:
        click.echo(json.dumps(store.split_entity(entity, article_id=article, name=name), ensure_ascii=False))


@click.command()
@click.argument("entity")
@click.option("--itinerary", is_flag=True, help="Where the person was, day by day, instead.")
@db_option
@format_option
@limit_option
@click.option("--cursor", default=None, help="Start after the previous page (printed on stderr).")
def timeline(entity: str, itinerary: bool, db: str | None, fmt: str, limit: int, cursor: str | None) -> None:
    """Show an entity's events in date order (or a person's itinerary), a page at a time.

    Example: tidings timeline "Jens Stoltenberg" --itinerary
    """
    with open_store(db) as store:
        fetch = store.itinerary_page if itinerary else store.timeline_page
        page = fetch(entity, limit=limit, cursor=cursor)
    rows = page.items
    if page.next_cursor:
        click.echo(f"more: add --cursor {page.next_cursor}", err=True)
    show(rows, fmt, "itinerary" if itinerary else "timeline")


@click.command()
@click.argument("text")
@db_option
@format_option
@limit_option
def search(text: str, db: str | None, fmt: str, limit: int) -> None:
    """Full-text search over stored articles, best match first.

    Example: tidings search "diplomatic mission"
    """
    with open_store(db) as store:
        page = store.search(text, limit=limit)
    show(page.items, fmt, "search")


@click.command()
@click.option("--to", "to", type=click.Choice(["jsonl", "csv", "parquet", "plover", "cameo-tsv"]),
              required=True, help="Format: flat tables, PLOVER/POLECAT JSON events, CAMEO TSV.")
@click.option("--table", type=click.Choice(["events", "clusters", "quotes", "entities", "articles", "records"]),
              default="events", show_default=True, help="What to export (jsonl, csv, parquet).")
@click.option("-o", "--output", metavar="FILE", default="-", help="Write to FILE (default stdout).")
@event_filter_options
@db_option
def export(to: str, table: str, output: str, db: str | None, **filters: Any) -> None:
    """Export the store: events with their evidence, or any table.

    Example: tidings export --to cameo-tsv -o events.tsv
    """
    from tidings.store import export as export_store  # SQLAlchemy, as in open_store

    if to == "parquet" and output == "-":
        raise click.UsageError("Parquet is binary: give a file with -o FILE")
    with open_store(db) as store:
        try:
            with store.read() as conn, click.open_file(output, "wb") as out:
                n = export_store(conn, to, out, table=table, flt=event_filter(**filters))
        except OSError as exc:
            raise click.ClickException(f"[T543] cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"exported {n} rows", err=True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--trusted-host", "trusted", multiple=True, metavar="NAME",
              help="A host name the server answers to (the Host header), besides localhost and the "
                   "--host address; '*' for any (behind a proxy that checks it). Repeatable. "
                   "Default: $TIDINGS_TRUSTED_HOSTS.")
@db_option
def serve(host: str, port: int, trusted: tuple[str, ...], db: str | None) -> None:
    """Serve the web pages (at /ui/) and the REST API over the store.

    Writes through the API need the bearer token in $TIDINGS_TOKEN; with
    $TIDINGS_READ_TOKEN set, reads (pages included) need that token. Requests
    naming another host than localhost, the bound address or a --trusted-host
    are refused (a defence against DNS rebinding).

    Example: TIDINGS_TOKEN=secret tidings serve --port 8000   # then open http://127.0.0.1:8000/ui/
    """
    # The server and the app (FastAPI, the store) load only to serve.
    import uvicorn

    from tidings.api import DEFAULT_TRUSTED_HOSTS, create_app

    hosts = list(trusted) or [h for h in os.environ.get("TIDINGS_TRUSTED_HOSTS", "").split(",") if h.strip()]
    if host not in ("0.0.0.0", "::", ""):  # a wildcard bind is no name a client uses
        hosts.append(host)
    with tidings_errors():
        app = create_app(db, hosts=[*DEFAULT_TRUSTED_HOSTS, *hosts])
    uvicorn.run(app, host=host, port=port, log_level="info")
