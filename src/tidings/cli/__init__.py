"""The ``tidings`` command line: thin commands over the library.

The commands live by subject in private modules (``_read``, ``_store``,
``_stories``, ``_live``, ``_watch``); what they share (``open_store``, the
``[Txxx]`` error line, the ``--db`` and query options) is in ``_common``.
"""

from __future__ import annotations

import logging
import sys

import click

from tidings import __version__
from tidings.errors import TidingsError

from . import _live, _read, _store, _stories, _watch

# The commands import what only they need when they run, so that `tidings --help`
# stays quick: tidings.batch (driver, sinks, sqlite3: ~0.15 s), tidings.nlp
# (spaCy: ~3 s), tidings.store (SQLAlchemy: ~1 s), the API and uvicorn.

__all__ = ["cli", "main"]


@click.group()
@click.version_option(__version__, prog_name="tidings")
@click.option("-v", "--verbose", count=True, help="Log more to stderr (-vv for debug).")
def cli(verbose: int) -> None:
    """Read news and write down what happened."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


for _command in (
    _read.read, _read.schema, _read.batch,
    _store.ingest, _store.events, _store.quotes, _store.entities, _store.timeline, _store.search,
    _store.export, _store.serve,
    _stories.stories,
    _live.follow, _live.sources,
    _watch.watch,
):
    cli.add_command(_command)


def main() -> None:
    """Entry point of the console script."""
    try:
        cli(standalone_mode=True)
    except TidingsError as exc:
        click.echo(f"tidings: {exc}", err=True)
        raise SystemExit(1) from None
