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


def main() -> None:
    """Entry point of the console script."""
    try:
        cli(standalone_mode=True)
    except TidingsError as exc:
        click.echo(f"tidings: {exc}", err=True)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
