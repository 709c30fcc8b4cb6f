"""Reading without a store: ``read``, ``schema`` and ``batch``."""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
from importlib import resources

import click

from tidings.ingest import ReadOptions

from ._common import entity_options, report_failure, report_skip, resolve_entities


@click.command()
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
        actors, entity_data = resolve_entities(actors, entity_data)
    settings = WorkSettings(nlp=not no_nlp, actors=actors, entity_data=entity_data)
    counts = read_sources(paths, StreamSink(sys.stdout, pretty=pretty), read_options=options,
                          settings=settings, on_failure=report_failure, on_skip=report_skip)
    failed, skipped = sum(counts.failed.values()), sum(counts.skipped.values())
    if failed or skipped:
        click.echo(f"tidings: {failed} input(s) failed, {skipped} skipped", err=True)
    if failed and not allow_failures:
        raise SystemExit(1)


@click.command()
def schema() -> None:
    """Print the JSON Schema of the records `tidings read` prints.

    Example: tidings schema > record.schema.json
    """
    click.echo(resources.files("tidings").joinpath("data", "schema", "record.schema.json").read_text("utf-8"), nl=False)


@click.command()
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
        actors, entity_data = resolve_entities(actors, entity_data)
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
