"""The API's read routes and its writes other than ``POST /articles``: thin calls of the Store."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query

from tidings import __version__
from tidings.api._deps import StoreDep, require_reader, require_writer
from tidings.api._errors import ApiError
from tidings.store import EventFilter

Limit = Annotated[int, Query(ge=1, le=1000, description="At most this many items.")]
Cursor = Annotated[str | None, Query(max_length=400, description="next_cursor of the previous page.")]
Text = Annotated[str | None, Query(max_length=200)]
Day = Annotated[str | None, Query(max_length=10, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
                                  description="YYYY-MM-DD")]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]

reads = APIRouter(dependencies=[Depends(require_reader)])
writes = APIRouter(dependencies=[Depends(require_writer)])


def event_filter(actor: Text = None, target: Text = None, entity: Text = None, type: Text = None,
                 modality: Text = None, since: Day = None, until: Day = None, place: Text = None,
                 country: Text = None, article: Text = None, source: Text = None,
                 story: Annotated[int | None, Query(ge=1, le=2**31 - 1, description=(
                     "Id of a story: the events of its articles."))] = None,
                 min_confidence: Annotated[float | None, Query(ge=0.0, le=1.0, description=(
                     "Only events whose calibrated confidence is at least this (0-1)."))] = None) -> EventFilter:
    """The event filters of the query string."""
    return EventFilter(actor=actor, target=target, entity=entity, type=type, modality=modality,
                       since=since, until=until, place=place, country=country, article=article,
                       source=source, story=story, min_confidence=min_confidence)


Filter = Annotated[EventFilter, Depends(event_filter)]


def _page(page: Any) -> dict[str, Any]:
    return {"ok": True, **page.as_dict()}


@reads.get("/health", summary="Store counts; events (clusters) and reports apart")
def health(the_store: StoreDep) -> dict[str, Any]:
    return {"ok": True, "version": __version__, "counts": the_store.counts()}


@reads.get("/articles", summary="Stored articles by publication date")
def list_articles(the_store: StoreDep, limit: Limit = 50, cursor: Cursor = None, since: Day = None,
                  until: Day = None) -> dict[str, Any]:
    return _page(the_store.articles(limit=limit, cursor=cursor, since=since, until=until))


@reads.get("/articles/{article_id}", summary="One article's stored reading (the record)")
def get_article(the_store: StoreDep, article_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
    record = the_store.article(article_id)
    if record is None:
        raise ApiError(404, f"no article with id {article_id!r}")
    return {"ok": True, "record": record}


@writes.delete("/articles/{article_id}", summary="Remove an article and what was read from it")
def delete_article(the_store: StoreDep, article_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
    if not the_store.delete_article(article_id):
        raise ApiError(404, f"no article with id {article_id!r}")
    return {"ok": True, "id": article_id}


@reads.get("/events", summary="Event reports matching the filters, by date")
def list_events(the_store: StoreDep, flt: Filter, limit: Limit = 50,
                cursor: Cursor = None) -> dict[str, Any]:
    return _page(the_store.events(flt, limit=limit, cursor=cursor))


@reads.get("/clusters", summary="Real-world events (clusters of reports), by date")
def list_clusters(the_store: StoreDep, flt: Filter, limit: Limit = 50, cursor: Cursor = None,
                  min_reports: Annotated[int, Query(ge=1, le=10_000)] = 1) -> dict[str, Any]:
    return _page(the_store.clusters(flt, limit=limit, cursor=cursor, min_reports=min_reports))


@reads.get("/clusters/{cluster_id}", summary="One event cluster with every report and source")
def get_cluster(the_store: StoreDep, cluster_id: Id) -> dict[str, Any]:
    found = the_store.cluster(cluster_id)
    if found is None:
        raise ApiError(404, f"no event cluster with id {cluster_id}")
    return {"ok": True, "cluster": found}


@reads.get("/entities", summary="Entities known across articles")
def list_entities(the_store: StoreDep, name: Text = None, type: Text = None, limit: Limit = 50,
                  cursor: Cursor = None) -> dict[str, Any]:
    return _page(the_store.entities(name=name, type=type, limit=limit, cursor=cursor))


@reads.get("/entities/{entity_id}", summary="One entity with its name variants")
def get_entity(the_store: StoreDep, entity_id: Id) -> dict[str, Any]:
    found = the_store.entity(entity_id)
    if found is None:
        raise ApiError(404, f"no entity with id {entity_id}")
    return {"ok": True, "entity": found}


@reads.get("/timeline", summary="An entity's events in date order, or a person's itinerary")
def get_timeline(the_store: StoreDep, entity: Annotated[str, Query(min_length=1, max_length=200)],
                 itinerary: bool = False, limit: Limit = 50, cursor: Cursor = None) -> dict[str, Any]:
    if itinerary:
        return _page(the_store.itinerary_page(entity, limit=limit, cursor=cursor))
    return _page(the_store.timeline_page(entity, limit=limit, cursor=cursor))


@reads.get("/quotes", summary="Quotes by speaker and words")
def list_quotes(the_store: StoreDep, speaker: Text = None, text: Text = None, article: Text = None,
                limit: Limit = 50, cursor: Cursor = None) -> dict[str, Any]:
    return _page(the_store.quotes(speaker=speaker, text_=text, article=article, limit=limit,
                                  cursor=cursor))


@reads.get("/search", summary="Full-text search over articles, best match first")
def search(the_store: StoreDep, q: Annotated[str, Query(min_length=1, max_length=200)],
           limit: Limit = 20, cursor: Cursor = None) -> dict[str, Any]:
    return _page(the_store.search(q, limit=limit, cursor=cursor))


@writes.post("/entities/merge", summary="Fold entity 'other' into entity 'into'")
def merge(the_store: StoreDep, into: Annotated[int, Body(ge=1, le=2**31 - 1)],
          other: Annotated[int, Body(ge=1, le=2**31 - 1)]) -> dict[str, Any]:
    return {"ok": True, "entity": the_store.merge_entities(into, other)}


@writes.post("/entities/{entity_id}/split", summary="Split an article's or a name's mentions off")
def split(the_store: StoreDep, entity_id: Id, article: Annotated[str | None, Body(max_length=64)] = None,
          name: Annotated[str | None, Body(max_length=200)] = None) -> dict[str, Any]:
    return {"ok": True, "entity": the_store.split_entity(entity_id, article_id=article, name=name)}


@reads.get("/stories", summary="Stories (every report of one real-world event), latest first")
def list_stories(the_store: StoreDep, since: Day = None, until: Day = None, entity: Text = None,
                 q: Text = None, limit: Limit = 50, cursor: Cursor = None) -> dict[str, Any]:
    return _page(the_store.stories(since=since, until=until, entity=entity, q=q, limit=limit, cursor=cursor))


@reads.get("/stories/{story_id}", summary="One story: its articles, entities, event clusters, quotes and places")
def get_story(the_store: StoreDep, story_id: Id, limit: Annotated[int, Query(ge=1, le=1000, description=(
        "At most this many entities, event clusters and quotes."))] = 50) -> dict[str, Any]:
    """``story`` is the story as ``GET /stories`` lists it (every article in publication order).

    Besides it: ``entities``, the resolved entities of its articles, most
    articles first; ``clusters``, the first page of its event clusters (the
    next from ``GET /clusters?story={story_id}&cursor=``); ``quotes``, the first
    page of who said what, grouped by speaker (the next from
    ``GET /stories/{story_id}/quotes?cursor=``), with ``total`` quotes; and
    ``places``, its event reports counted by place and country (as the map).
    """
    found = the_store.story(story_id)
    if found is None:
        raise ApiError(404, f"no story with id {story_id}")
    flt = EventFilter(story=story_id)
    quotes = the_store.story_quotes(story_id, limit=limit)
    return {"ok": True, "story": found, "entities": the_store.story_entities(story_id, limit=limit),
            "clusters": the_store.clusters(flt, limit=limit).as_dict(),
            "quotes": {**quotes.as_dict(), "total": the_store.story_quote_count(story_id)},
            "places": the_store.map_points(flt)}


@reads.get("/stories/{story_id}/quotes", summary="Who said what in a story: its quotes grouped by speaker")
def get_story_quotes(the_store: StoreDep, story_id: Id, limit: Limit = 50,
                     cursor: Cursor = None) -> dict[str, Any]:
    """Items are speakers (``speaker_id``, ``speaker``, ``n`` quotes in the story) with their ``quotes``;
    the most quoted first, the unattributed last. ``limit`` counts quotes."""
    if the_store.story(story_id) is None:
        raise ApiError(404, f"no story with id {story_id}")
    return _page(the_store.story_quotes(story_id, limit=limit, cursor=cursor))


@writes.post("/stories/merge", summary="Fold story 'b' into story 'a' (kept across re-ingest)")
def merge_stories(the_store: StoreDep, a: Annotated[int, Body(ge=1, le=2**31 - 1)],
                  b: Annotated[int, Body(ge=1, le=2**31 - 1)]) -> dict[str, Any]:
    return {"ok": True, "story": the_store.merge_stories(a, b)}


@writes.post("/stories/{story_id}/split", summary="Move articles of a story into a new story")
def split_story(the_store: StoreDep, story_id: Id,
                articles: Annotated[list[Annotated[str, Body(max_length=64)]],
                                    Body(embed=True, min_length=1, max_length=1000)]) -> dict[str, Any]:
    return {"ok": True, "story": the_store.split_story(story_id, articles)}
