"""The ``tidings`` command line: thin commands over the library."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any

import click

from tidings import __version__
from tidings.errors import TidingsError
from tidings.ingest import ReadOptions

# The commands import what only they need when they run, so that `tidings --help`
# stays quick: tidings.batch (driver, sinks, sqlite3: ~0.15 s), tidings.nlp
# (spaCy: ~3 s), tidings.store (SQLAlchemy: ~1 s), the API and uvicorn.

if TYPE_CHECKING:
    from tidings.batch import ItemFailure
    from tidings.errors import Skipped
    from tidings.store import Store


def entity_options(func: Any) -> Any:
    """The shared ``--actors`` and ``--entity-data`` options (paths made absolute, for workers)."""
    func = click.option(
        "--entity-data", metavar="DIR", type=click.Path(exists=True, file_okay=False, resolve_path=True),
        help="Directory of entity data files (countries.tsv, organisations.tsv, places.tsv, titles.tsv, "
             "...) replacing the shipped ones.")(func)
    return click.option(
        "--actors", multiple=True, metavar="FILE", type=click.Path(exists=True, dir_okay=False, resolve_path=True),
        help="Actor dictionary (YAML, CSV/TSV, JSONL or PETRARCH .txt) merged over the shipped "
             "knowledge. Repeatable.")(func)


def _entity_settings(actors: tuple[str, ...], entity_data: str | None) -> tuple[tuple[str, ...], str | None]:
    """``--actors`` and ``--entity-data``, else ``$TIDINGS_ACTORS`` and ``$TIDINGS_ENTITY_DATA``."""
    from tidings.nlp.pipeline import entity_settings  # spaCy: only when the command analyses

    with tidings_errors():
        found = entity_settings(actors, entity_data)
    return found["actors"], found["entity_data"]


@click.group()
@click.version_option(__version__, prog_name="tidings")
@click.option("-v", "--verbose", count=True, help="Log more to stderr (-vv for debug).")
def cli(verbose: int) -> None:
    """Read news and write down what happened."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--pretty", is_flag=True, help="Indent the JSON for people.")
@click.option("--published", metavar="YYYY-MM-DD", help="Publication date when the source states none.")
@click.option("--format", "fmt", type=click.Choice(["auto", "text", "html", "feed", "jsonl", "warc"]),
              default="auto", show_default=True, help="Input format; auto sniffs the content.")
@click.option("--field", "fields", multiple=True, metavar="NAME=KEY",
              help="Where JSONL records keep a field (title, text, published, url, author, language, "
                   "sitename, entry), e.g. --field text=body. Repeatable.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=50 * 1024 * 1024, show_default=True,
              help="Largest input (or JSONL line / WARC record) accepted.")
@click.option("--allow-language", "languages", multiple=True, metavar="CODE",
              help="Also read articles in this language (ISO 639-1, e.g. fr); English is always read. Repeatable.")
@click.option("--any-language", is_flag=True, help="Read articles in any language.")
@click.option("--reading-data", metavar="DIR", type=click.Path(exists=True, file_okay=False),
              help="Directory of reading data files (agencies.tsv, publishers.tsv, boilerplate.tsv) "
                   "replacing the shipped ones.")
@entity_options
@click.option("--no-nlp", is_flag=True, help="Only read: skip entities, times, quotes and events.")
@click.option("--allow-failures", is_flag=True,
              help="Exit 0 even when inputs failed (each is still reported on stderr).")
def read(paths: tuple[str, ...], pretty: bool, published: str | None, fmt: str, fields: tuple[str, ...],
         max_bytes: int, languages: tuple[str, ...], any_language: bool, reading_data: str | None,
         actors: tuple[str, ...], entity_data: str | None, no_nlp: bool, allow_failures: bool) -> None:
    """Read articles and print one JSON object per article (JSON Lines).

    PATHS are files, directories (read recursively) or - for stdin. A bad input
    is reported on stderr and the others are still read; the exit status is 1
    when any failed (unless --allow-failures). Articles not in English are skipped unless allowed.

    Example: tidings read examples/visit.txt --pretty
    """
    from tidings.batch import StreamSink, WorkSettings, read_sources  # not for --help

    options = ReadOptions(
        format=fmt, published=published, max_bytes=max_bytes, fields=fields, data_dir=reading_data,
        allow_languages=None if any_language else tuple(dict.fromkeys(("en", *languages))),
    )
    if not no_nlp:
        actors, entity_data = _entity_settings(actors, entity_data)
    settings = WorkSettings(nlp=not no_nlp, actors=actors, entity_data=entity_data)
    counts = read_sources(paths, StreamSink(sys.stdout, pretty=pretty), read_options=options,
                          settings=settings, on_failure=_report_failure, on_skip=_report_skip)
    failed, skipped = sum(counts.failed.values()), sum(counts.skipped.values())
    if failed or skipped:
        click.echo(f"tidings: {failed} input(s) failed, {skipped} skipped", err=True)
    if failed and not allow_failures:
        raise SystemExit(1)


def _report_failure(failure: ItemFailure) -> None:
    """Report an input or an article that failed: its one line on stderr (every command alike)."""
    click.echo(f"tidings: {failure.line()}", err=True)


def _report_skip(item: Skipped) -> None:
    click.echo(f"tidings: skipped {item.source}: {item.detail or item.reason}", err=True)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the records `tidings read` prints.

    Example: tidings schema > record.schema.json
    """
    click.echo(resources.files("tidings").joinpath("data", "schema", "record.schema.json").read_text("utf-8"), nl=False)


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--out", "out", metavar="DIR", help="Write records as partition files in DIR.")
@click.option("--db", metavar="URL", help="Write records to the store (SQLite path or database URL).")
@click.option("--out-format", type=click.Choice(["jsonl", "parquet"]), default="jsonl", show_default=True,
              help="Partition file format for --out.")
@click.option("--partition-size", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Records per partition file.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes on this machine (a Dask LocalCluster when > 1).")
@click.option("--scheduler", metavar="ADDRESS", help="Use an existing Dask scheduler (tcp://HOST:8786).")
@click.option("--chunk-size", type=click.IntRange(min=1), default=32, show_default=True,
              help="Articles per task sent to a worker.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Texts per nlp.pipe batch (bounds a worker's memory).  [default: 16]")
@click.option("--published", metavar="YYYY-MM-DD", help="Publication date when the source has none.")
@click.option("--no-nlp", is_flag=True, help="Only read: skip entities, times, quotes and events.")
@entity_options
@click.option("--errors", "errors_path", metavar="FILE",
              help="Failures file (JSON Lines).  [default: DIR/errors.jsonl, or ./errors.jsonl with --db]")
@click.option("--summary-json", metavar="FILE", help="Also write the summary as JSON to FILE ('-' for stdout).")
@click.option("--total", type=click.IntRange(min=0), help="Number of articles, when known (for the ETA).")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show progress on stderr.")
@click.option("--allow-failures", is_flag=True,
              help="Exit 0 even when inputs failed (they are still in the errors file and the summary).")
def batch(sources: tuple[str, ...], out: str | None, db: str | None, out_format: str,
          partition_size: int, workers: int, scheduler: str | None, chunk_size: int,
          batch_size: int | None, published: str | None, no_nlp: bool, actors: tuple[str, ...],
          entity_data: str | None, errors_path: str | None, summary_json: str | None, total: int | None,
          progress: bool, allow_failures: bool) -> None:
    """Stream articles from SOURCES through the pipeline into the store or partition files.

    Articles already written (by id) are skipped, so a re-run resumes; failures
    go to the errors file and the batch goes on. The exit status is 1 when any
    input failed (after the summary is printed), unless --allow-failures.

    Example: tidings batch news/ --out out/ --workers 2
    """
    # Not for --help.
    from tidings.batch import Progress, WorkSettings, default_errors_path, open_sink, run_batch

    if (out is None) == (db is None):
        raise click.UsageError("give exactly one of --out DIR or --db URL")
    if workers > 1 or scheduler:
        # Dask sets its loggers up on import and logs every worker start and stop
        # at INFO; show those only with -vv.
        import distributed  # noqa: F401

        debug = logging.getLogger().level <= logging.DEBUG
        logging.getLogger("distributed").setLevel(logging.INFO if debug else logging.WARNING)
    if not no_nlp:
        actors, entity_data = _entity_settings(actors, entity_data)
    settings = WorkSettings(nlp=not no_nlp, actors=actors, entity_data=entity_data)
    if batch_size is not None:
        settings = dataclasses.replace(settings, batch_size=batch_size)
    sink = open_sink(out=out, db=db, out_format=out_format, partition_size=partition_size)
    summary = run_batch(
        sources, sink, read_options=ReadOptions(published=published), settings=settings,
        workers=workers, scheduler=scheduler, chunk_size=chunk_size,
        errors=errors_path or default_errors_path(out=out, db=db),
        progress=Progress(sys.stderr) if progress else None, total=total,
    )
    for line in summary.lines():
        click.echo(f"tidings batch: {line}", err=True)
    if summary_json == "-":
        click.echo(json.dumps(summary.as_dict(), indent=2))
    elif summary_json:
        with open(summary_json, "w", encoding="utf-8") as handle:
            json.dump(summary.as_dict(), handle, indent=2)
            handle.write("\n")
    if summary.failed_total and not allow_failures:
        raise SystemExit(1)


# -- store commands: ingest, query, export, serve ---------------------------------

_FORMAT_CHOICE = click.Choice(["table", "jsonl", "csv"])


def db_option(func: Any) -> Any:
    """The shared ``--db`` option of the store commands."""
    return click.option(
        "--db", metavar="URL", default=None,
        help="Store: SQLite file or postgresql+psycopg://... URL (default $TIDINGS_DB or ./tidings.db).",
    )(func)


def format_option(func: Any) -> Any:
    """The shared ``--format`` option of the query commands."""
    return click.option("--format", "fmt", type=_FORMAT_CHOICE, default="table", show_default=True,
                        help="Output: a table for people, JSON Lines or CSV.")(func)


def limit_option(func: Any) -> Any:
    return click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True,
                        help="At most this many rows.")(func)


def event_filter_options(func: Any) -> Any:
    """Filters shared by ``events``, ``clusters`` and ``export``."""
    for name, helptext in reversed([
        ("--actor", "Entity (name or id) that acts."), ("--target", "Entity the event is aimed at."),
        ("--entity", "Entity (name or id) in either role."),
        ("--type", "PLOVER event type (CONSULT, ACCUSE...)."),
        ("--modality", "occurred, planned, possible, negated or hypothetical."),
        ("--since", "Events on or after YYYY-MM-DD."), ("--until", "Events on or before YYYY-MM-DD."),
        ("--place", "Place (name or id) where it happened."), ("--country", "ISO alpha-3 code of the place."),
        ("--article", "Id of the article that reports it."),
        ("--source", "Publisher, article id or article URL of the report."),
    ]):
        func = click.option(name, default=None, help=helptext)(func)
    func = click.option("--story", type=click.IntRange(1, 2**31 - 1), default=None,
                        help="Id of a story: the events of its articles.")(func)
    return click.option("--min-confidence", "min_confidence", type=click.FloatRange(0.0, 1.0), default=None,
                        help="Only events whose calibrated confidence is at least this (0-1).")(func)


@contextmanager
def tidings_errors() -> Iterator[None]:
    """Turn a ``TidingsError`` into its one ``Error: [Txxx] ...`` line on stderr and exit status 1."""
    try:
        yield
    except TidingsError as exc:
        raise click.ClickException(str(exc)) from None


@contextmanager
def open_store(db: str | None) -> Iterator[Store]:
    """The store of ``--db`` (else ``$TIDINGS_DB``), closed on the way out; its errors as in `tidings_errors`."""
    from tidings.store import Store  # SQLAlchemy: only the commands that use the store

    with tidings_errors():
        store = Store(db)
        try:
            yield store
        finally:
            store.close()


def _show(items: list[dict[str, Any]], fmt: str, kind: str) -> None:
    from tidings.store._format import render  # SQLAlchemy, as in open_store

    click.echo(render(items, fmt, kind), nl=False)


def _filter(**kw: Any) -> Any:
    from tidings.store import EventFilter  # SQLAlchemy, as in open_store

    return EventFilter(**kw)


@cli.command()
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
            actors, entity_data = _entity_settings(actors, entity_data)
            settings = WorkSettings(actors=actors, entity_data=entity_data)
        report = ingest_sources(store, sources, published=published, records=records, settings=settings,
                                on_failure=_report_failure)
    click.echo(json.dumps(report.as_dict()), err=True)
    if report.failures and not allow_failures:
        raise SystemExit(1)


@cli.command()
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
        page = fetch(_filter(**filters), limit=limit)
    _show(page.items, fmt, "clusters" if clusters else "events")


@cli.command()
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
    _show(page.items, fmt, "quotes")


@cli.group(invoke_without_command=True)
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
    _show(page.items, fmt, "entities")


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


@cli.group(invoke_without_command=True)
@click.option("--since", default=None, help="Stories with an article on or after YYYY-MM-DD.")
@click.option("--until", default=None, help="Stories with an article on or before YYYY-MM-DD.")
@click.option("--entity", default=None, help="Stories naming this entity (name or id).")
@click.option("--q", default=None, help="Words of the story's title, entities or places.")
@db_option
@format_option
@limit_option
@click.pass_context
def stories(ctx: click.Context, since: str | None, until: str | None, entity: str | None, q: str | None,
            db: str | None, fmt: str, limit: int) -> None:
    """List stories (every report of one real-world event), latest first; merge or split them.

    Example: tidings stories --since 2024-03-01 --format jsonl
    """
    if ctx.invoked_subcommand is not None:
        return
    with open_store(db) as store:
        page = store.stories(since=since, until=until, entity=entity, q=q, limit=limit)
    items = page.items
    if fmt != "jsonl":  # one line per story: its number of articles
        items = [{**item, "articles": len(item["articles"])} for item in items]
    _show(items, fmt, "stories")


@stories.command("merge")
@click.argument("a", type=int)
@click.argument("b", type=int)
@db_option
def stories_merge(a: int, b: int, db: str | None) -> None:
    """Fold story B into story A (ids from 'tidings stories'); the decision is kept.

    Example: tidings stories merge 3 7
    """
    with open_store(db) as store:
        click.echo(json.dumps(store.merge_stories(a, b), ensure_ascii=False))


@stories.command("split")
@click.argument("story", type=int)
@click.option("--article", "articles", multiple=True, required=True, help="An article to move (repeatable).")
@db_option
def stories_split(story: int, articles: tuple[str, ...], db: str | None) -> None:
    """Move articles of STORY into a new story; the decision is kept.

    Example: tidings stories split 3 --article 3f9c0a...
    """
    with open_store(db) as store:
        click.echo(json.dumps(store.split_story(story, list(articles)), ensure_ascii=False))


@cli.command()
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
    _show(rows, fmt, "itinerary" if itinerary else "timeline")


@cli.command()
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
    _show(page.items, fmt, "search")


@cli.command()
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
                n = export_store(conn, to, out, table=table, flt=_filter(**filters))
        except OSError as exc:
            raise click.ClickException(f"[T543] cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"exported {n} rows", err=True)


@cli.command()
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


# -- live: follow sources as they publish --------------------------------------------


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


@cli.command()
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
    with open_store(db) as store, _stop_on_signals("the current article") as stop, \
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


@contextmanager
def _stop_on_signals(after: str) -> Iterator[threading.Event]:
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

    with Deliverer(store, politeness=politeness, stop=stop, on_event=_log_delivery) as deliverer:
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
    actors, entity_data = _entity_settings(actors, entity_data)
    return WorkSettings(actors=actors, entity_data=entity_data)


def _follow_once(follower: Any, chosen: list[dict[str, Any]], deliverer: Any) -> None:
    """One round of every source (then of the deliveries due); exit status 1 when a source failed."""
    reports = follower.run_once(chosen or None)
    for report in reports:
        click.echo(json.dumps(report.as_dict()), err=True)
    if deliverer is not None:
        _deliver_due(deliverer)
    if any(r.status == "error" for r in reports):
        raise SystemExit(1)


def _log_follow(kind: str, details: dict[str, Any]) -> None:
    """One stderr line per source error and per article added or replaced."""
    if kind == "error":
        click.echo(f"tidings: {details['message']}", err=True)
    elif kind in ("added", "replaced"):
        click.echo(f"tidings: {kind} {details['url']}", err=True)


def _log_delivery(kind: str, details: dict[str, Any]) -> None:
    """One stderr line per webhook delivery that failed or died."""
    if kind == "failed":
        click.echo(f"tidings: webhook {details['key']} (match {details['match_id']}): {details['error']}; "
                   f"attempt {details['attempts']}, next at {details['next_attempt_at']}", err=True)
    elif kind == "dead":
        click.echo(f"tidings: webhook {details['key']} (match {details['match_id']}) is dead after "
                   f"{details['attempts']} attempts: {details['error']}", err=True)


def _deliver_due(deliverer: Any) -> dict[str, Any]:
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


@cli.group()
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


# -- watches: saved queries delivered as Atom feeds and webhooks ----------------------------

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


@cli.group()
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


# -- watches: webhook deliveries -----------------------------------------------------


def _register_delivery_commands(group: click.Group) -> None:
    """``watch deliver``, ``watch dead-letters``, and ``watch retry`` (``watch requeue`` by another name)."""

    @group.command("deliver")
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
        with open_store(db) as store, _stop_on_signals("the answers awaited") as stop, \
                Deliverer(store, policy=policy, politeness=Politeness(contact=contact), stop=stop,
                          on_event=_log_delivery) as deliverer:
            if once:
                click.echo(json.dumps(_deliver_due(deliverer)), err=True)
            else:
                deliverer.run()

    @group.command("dead-letters")
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

    group.add_command(watch_requeue, "retry")  # the name the delivery docs use


_register_delivery_commands(watch)


def main() -> None:
    """Entry point of the console script."""
    try:
        cli(standalone_mode=True)
    except TidingsError as exc:
        click.echo(f"tidings: {exc}", err=True)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
