"""The REST API: analyse and store articles, query what the store knows."""

from __future__ import annotations

import hmac
import json
import logging
import os
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tidings import __version__
from tidings.api._errors import ApiError, install
from tidings.api._limits import BodyLimit
from tidings.records import Article
from tidings.store import EventFilter, Store

logger = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 2 * 1024 * 1024
Analyzer = Callable[[Article], dict[str, Any]]

_bearer = HTTPBearer(auto_error=False, description="The token set in TIDINGS_TOKEN.")

Limit = Annotated[int, Query(ge=1, le=1000, description="At most this many items.")]
Cursor = Annotated[str | None, Query(max_length=400, description="next_cursor of the previous page.")]
Text = Annotated[str | None, Query(max_length=200)]
Day = Annotated[str | None, Query(max_length=10, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
                                  description="YYYY-MM-DD")]

_ARTICLE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {
                "type": "object",
                "properties": {
                    "text": {"type": "string", "description": "Plain text of the article."},
                    "html": {"type": "string", "description": "HTML of the article page."},
                    "headline": {"type": "string"},
                    "published": {"type": "string", "description": "YYYY-MM-DD when the text has none."},
                    "url": {"type": "string"},
                },
            }},
            "text/plain": {"schema": {"type": "string"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }
}


def _add(store: Store, article: Article, analyzer: Analyzer | None) -> dict[str, Any]:
    """Analyse and store one article through the driver (in a worker thread); the answer's body."""
    from tidings.batch import add_article
    from tidings.errors import StoreError

    added = add_article(store, article, analyzer=analyzer)
    failure = added.failure
    if failure is not None:
        if failure.stage == "write":  # the store's own error, answered as any store error
            raise StoreError(failure.message)
        logger.error("%s", failure.line())  # the line every command prints for it
        raise ApiError(500, f"{failure.line(detail=False)}; the server log has the details")
    return {"ok": True, "id": added.id, "status": added.status, "events": added.events,
            "entities": added.entities}


class _Auth:
    def __init__(self, token: str | None, read_token: str | None) -> None:
        self.token = token
        self.read_token = read_token

    @staticmethod
    def _check(creds: HTTPAuthorizationCredentials | None, expected: str) -> None:
        if creds is None:
            raise ApiError(401, "this endpoint needs 'Authorization: Bearer TOKEN'",
                           headers={"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(creds.credentials.encode(), expected.encode()):
            raise ApiError(401, "the bearer token is not valid", headers={"WWW-Authenticate": "Bearer"})

    def writer(self, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
        if not self.token:
            raise ApiError(403, "writes are disabled: the server has no token; start it with "
                                "TIDINGS_TOKEN set (or create_app(token=...))")
        self._check(creds, self.token)

    def reader(self, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
        if self.read_token:
            self._check(creds, self.read_token)


def event_filter(actor: Text = None, target: Text = None, entity: Text = None, type: Text = None,
                 modality: Text = None, since: Day = None, until: Day = None, place: Text = None,
                 country: Text = None, article: Text = None) -> EventFilter:
    """The event filters of the query string."""
    return EventFilter(actor=actor, target=target, entity=entity, type=type, modality=modality,
                       since=since, until=until, place=place, country=country, article=article)


Filter = Annotated[EventFilter, Depends(event_filter)]


def _page(page: Any) -> dict[str, Any]:
    return {"ok": True, **page.as_dict()}


async def _read_article(request: Request) -> tuple[bytes | str, str, dict[str, Any]]:
    """The article payload, its reading format and its metadata, from any accepted body."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if ctype in ("text/plain", "text/html"):
        try:
            return raw.decode("utf-8"), ("html" if ctype == "text/html" else "text"), {}
        except UnicodeDecodeError:
            raise ApiError(400, "the body is not UTF-8 text") from None
    if ctype != "application/json":
        raise ApiError(415, f"unsupported content type {ctype or 'none'!r}; send application/json, "
                            "text/plain or text/html")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(422, "expected a JSON object with 'text' or 'html'")
    errors = [{"loc": ["body", k], "msg": "expected a string"} for k in
              ("text", "html", "headline", "published", "url") if k in data and not isinstance(data[k], str)]
    if errors:
        raise ApiError(422, "the request is not valid", errors)
    if bool(data.get("text")) == bool(data.get("html")):
        raise ApiError(422, "give exactly one of 'text' or 'html', not empty")
    meta = {k: data[k] for k in ("headline", "published", "url") if data.get(k)}
    if data.get("html"):
        return data["html"], "html", meta
    return data["text"], "text", meta


def _to_article(payload: bytes | str, fmt: str, meta: dict[str, Any]) -> Article:
    from dataclasses import replace

    from tidings.ingest import Failure, ReadOptions, read_bytes

    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    if not data.strip():
        raise ApiError(422, "the article is empty")
    options = ReadOptions(format=fmt, published=meta.get("published"))
    items = list(read_bytes(data, source_path="api", options=options))
    articles = [a for a in items if isinstance(a, Article)]
    if not articles:
        reasons = [f.message if isinstance(f, Failure) else f"skipped: {getattr(f, 'reason', '')} "
                   f"{getattr(f, 'detail', '')}".strip() for f in items]
        raise ApiError(422, "the article could not be read", reasons)
    article = articles[0]
    updates = {k: v for k, v in (("headline", meta.get("headline")), ("url", meta.get("url")))
               if v and not getattr(article, k)}
    return replace(article, **updates) if updates else article


def create_app(db_url: str | None = None, *, token: str | None = None, read_token: str | None = None,
               max_body_bytes: int = DEFAULT_MAX_BODY, analyzer: Analyzer | None = None,
               store: Store | None = None) -> FastAPI:
    """Build the API app over a store.

    Args:
        db_url: the store (see :class:`tidings.store.Store`); ignored when ``store`` is given.
        token: bearer token for writes; ``None`` reads ``$TIDINGS_TOKEN``; no token
            at all means writes are refused.
        read_token: when set (or ``$TIDINGS_READ_TOKEN``), reads need it too.
        max_body_bytes: larger request bodies are refused with 413.
        analyzer: turns an Article into a record; the full pipeline by default
            (through :func:`tidings.batch.add_article`, like every other write).
        store: an open store to serve (the app then does not own it).

    Returns:
        The FastAPI app; ``app.state.store`` is the store, and other routers
        (the web pages) can be included on it.
    """
    token = token if token is not None else os.environ.get("TIDINGS_TOKEN") or None
    read_token = read_token if read_token is not None else os.environ.get("TIDINGS_READ_TOKEN") or None
    the_store = store if store is not None else Store(db_url)
    auth = _Auth(token, read_token)

    app = FastAPI(title="tidings", version=__version__,
                  description="Events, actors, quotes, times and places read from news, "
                              "each with the words it rests on.")
    app.state.store = the_store
    install(app)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)

    reads = APIRouter(dependencies=[Depends(auth.reader)])
    writes = APIRouter(dependencies=[Depends(auth.writer)])

    @reads.get("/health", summary="Store counts; events (clusters) and reports apart")
    def health() -> dict[str, Any]:
        return {"ok": True, "version": __version__, "counts": the_store.counts()}

    @writes.post("/articles", status_code=201, summary="Analyse an article and store it",
                 openapi_extra=_ARTICLE_BODY)
    async def post_article(request: Request) -> dict[str, Any]:
        payload, fmt, meta = await _read_article(request)
        article = _to_article(payload, fmt, meta)
        import anyio

        return await anyio.to_thread.run_sync(_add, the_store, article, analyzer)

    @reads.get("/articles", summary="Stored articles by publication date")
    def list_articles(limit: Limit = 50, cursor: Cursor = None, since: Day = None,
                      until: Day = None) -> dict[str, Any]:
        return _page(the_store.articles(limit=limit, cursor=cursor, since=since, until=until))

    @reads.get("/articles/{article_id}", summary="One article's stored reading (the record)")
    def get_article(article_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        record = the_store.article(article_id)
        if record is None:
            raise ApiError(404, f"no article with id {article_id!r}")
        return {"ok": True, "record": record}

    @writes.delete("/articles/{article_id}", summary="Remove an article and what was read from it")
    def delete_article(article_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        if not the_store.delete_article(article_id):
            raise ApiError(404, f"no article with id {article_id!r}")
        return {"ok": True, "id": article_id}

    @reads.get("/events", summary="Event reports matching the filters, by date")
    def list_events(flt: Filter, limit: Limit = 50, cursor: Cursor = None) -> dict[str, Any]:
        return _page(the_store.events(flt, limit=limit, cursor=cursor))

    @reads.get("/clusters", summary="Real-world events (clusters of reports), by date")
    def list_clusters(flt: Filter, limit: Limit = 50, cursor: Cursor = None,
                      min_reports: Annotated[int, Query(ge=1, le=10_000)] = 1) -> dict[str, Any]:
        return _page(the_store.clusters(flt, limit=limit, cursor=cursor, min_reports=min_reports))

    @reads.get("/clusters/{cluster_id}", summary="One event cluster with every report and source")
    def get_cluster(cluster_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> dict[str, Any]:
        found = the_store.cluster(cluster_id)
        if found is None:
            raise ApiError(404, f"no event cluster with id {cluster_id}")
        return {"ok": True, "cluster": found}

    @reads.get("/entities", summary="Entities known across articles")
    def list_entities(name: Text = None, type: Text = None, limit: Limit = 50,
                      cursor: Cursor = None) -> dict[str, Any]:
        return _page(the_store.entities(name=name, type=type, limit=limit, cursor=cursor))

    @reads.get("/entities/{entity_id}", summary="One entity with its name variants")
    def get_entity(entity_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> dict[str, Any]:
        found = the_store.entity(entity_id)
        if found is None:
            raise ApiError(404, f"no entity with id {entity_id}")
        return {"ok": True, "entity": found}

    @reads.get("/timeline", summary="An entity's events in date order, or a person's itinerary")
    def get_timeline(entity: Annotated[str, Query(min_length=1, max_length=200)],
                     itinerary: bool = False, limit: Limit = 50, cursor: Cursor = None) -> dict[str, Any]:
        if itinerary:
            return _page(the_store.itinerary_page(entity, limit=limit, cursor=cursor))
        return _page(the_store.timeline_page(entity, limit=limit, cursor=cursor))

    @reads.get("/quotes", summary="Quotes by speaker and words")
    def list_quotes(speaker: Text = None, text: Text = None, article: Text = None, limit: Limit = 50,
                    cursor: Cursor = None) -> dict[str, Any]:
        return _page(the_store.quotes(speaker=speaker, text_=text, article=article, limit=limit,
                                      cursor=cursor))

    @reads.get("/search", summary="Full-text search over articles, best match first")
    def search(q: Annotated[str, Query(min_length=1, max_length=200)], limit: Limit = 20,
               cursor: Cursor = None) -> dict[str, Any]:
        return _page(the_store.search(q, limit=limit, cursor=cursor))

    @writes.post("/entities/merge", summary="Fold entity 'other' into entity 'into'")
    def merge(into: Annotated[int, Body(ge=1, le=2**31 - 1)],
              other: Annotated[int, Body(ge=1, le=2**31 - 1)]) -> dict[str, Any]:
        return {"ok": True, "entity": the_store.merge_entities(into, other)}

    @writes.post("/entities/{entity_id}/split", summary="Split an article's or a name's mentions off")
    def split(entity_id: Annotated[int, Path(ge=1, le=2**31 - 1)], article: Annotated[str | None, Body(max_length=64)] = None,
              name: Annotated[str | None, Body(max_length=200)] = None) -> dict[str, Any]:
        return {"ok": True, "entity": the_store.split_entity(entity_id, article_id=article, name=name)}

    app.include_router(reads)
    app.include_router(writes)
    from tidings.web import make_router

    app.include_router(make_router(), dependencies=[Depends(auth.reader)])  # the web pages, /ui/
    return app
