"""``tidings stories``: list stories, merge and split them."""

from __future__ import annotations

import json

import click

from ._common import db_option, format_option, limit_option, open_store, show


@click.group(invoke_without_command=True)
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
    show(items, fmt, "stories")


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
