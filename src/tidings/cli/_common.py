"""What the commands share: the store helper, the error line, the common options."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from tidings.errors import TidingsError

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


def resolve_entities(actors: tuple[str, ...], entity_data: str | None) -> tuple[tuple[str, ...], str | None]:
    """``--actors`` and ``--entity-data``, else ``$TIDINGS_ACTORS`` and ``$TIDINGS_ENTITY_DATA``."""
    from tidings.nlp.pipeline import entity_settings  # spaCy: only when the command analyses

    with tidings_errors():
        found = entity_settings(actors, entity_data)
    return found["actors"], found["entity_data"]


def report_failure(failure: ItemFailure) -> None:
    """Report an input or an article that failed: its one line on stderr (every command alike)."""
    click.echo(f"tidings: {failure.line()}", err=True)


def report_skip(item: Skipped) -> None:
    click.echo(f"tidings: skipped {item.source}: {item.detail or item.reason}", err=True)


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


def show(items: list[dict[str, Any]], fmt: str, kind: str) -> None:
    from tidings.store._format import render  # SQLAlchemy, as in open_store

    click.echo(render(items, fmt, kind), nl=False)


def event_filter(**kw: Any) -> Any:
    from tidings.store import EventFilter  # SQLAlchemy, as in open_store

    return EventFilter(**kw)
