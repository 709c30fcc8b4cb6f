"""The ``tidings`` command line: thin commands over the library."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

import click

from tidings import __version__
from tidings.errors import TidingsError


def _emit(record: dict[str, Any], pretty: bool) -> None:
    if pretty:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        click.echo(json.dumps(record, ensure_ascii=False))


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
@click.option("--published", metavar="YYYY-MM-DD", help="Publication date when the source has none.")
@click.option("--no-nlp", is_flag=True, help="Only read: skip entities, times, quotes and events.")
def read(paths: tuple[str, ...], pretty: bool, published: str | None, no_nlp: bool) -> None:
    """Read articles and print one JSON object per article (JSON Lines).

    Example: tidings read examples/visit.txt --pretty
    """
    from tidings.ingest import Failure, ReadOptions, read_paths

    options = ReadOptions(published=published)
    failed = 0
    articles = []
    for item in read_paths(paths, options):
        if isinstance(item, Failure):
            failed += 1
            click.echo(f"tidings: {item.message}", err=True)
            continue
        articles.append(item)
    if no_nlp:
        from tidings.nlp.pipeline import doc_to_record

        for article in articles:
            _emit(doc_to_record(article, None), pretty)
    else:
        from tidings.nlp.pipeline import analyze_many

        for record in analyze_many(articles):
            _emit(record, pretty)
    if failed:
        raise SystemExit(1)


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
@click.option("--errors", "errors_path", metavar="FILE",
              help="Failures file (JSON Lines).  [default: DIR/errors.jsonl, or ./errors.jsonl with --db]")
@click.option("--summary-json", metavar="FILE", help="Also write the summary as JSON to FILE ('-' for stdout).")
@click.option("--total", type=click.IntRange(min=0), help="Number of articles, when known (for the ETA).")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show progress on stderr.")
def batch(sources: tuple[str, ...], out: str | None, db: str | None, out_format: str,
          partition_size: int, workers: int, scheduler: str | None, chunk_size: int,
          batch_size: int | None, published: str | None, no_nlp: bool, errors_path: str | None,
          summary_json: str | None, total: int | None, progress: bool) -> None:
    """Stream articles from SOURCES through the pipeline into the store or partition files.

    Articles already written (by id) are skipped, so a re-run resumes; failures
    go to the errors file and the batch goes on.

    Example: tidings batch news/ --out out/ --workers 2
    """
    from tidings.batch import Progress, WorkSettings, default_errors_path, open_sink, run_batch
    from tidings.ingest import ReadOptions

    if (out is None) == (db is None):
        raise click.UsageError("give exactly one of --out DIR or --db URL")
    if workers > 1 or scheduler:
        # Dask sets its loggers up on import and logs every worker start and stop
        # at INFO; show those only with -vv.
        import distributed  # noqa: F401

        debug = logging.getLogger().level <= logging.DEBUG
        logging.getLogger("distributed").setLevel(logging.INFO if debug else logging.WARNING)
    settings = WorkSettings(nlp=not no_nlp)
    if batch_size is not None:
        settings = WorkSettings(nlp=not no_nlp, batch_size=batch_size)
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


def main() -> None:
    """Entry point of the console script."""
    try:
        cli(standalone_mode=True)
    except TidingsError as exc:
        click.echo(f"tidings: {exc}", err=True)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
