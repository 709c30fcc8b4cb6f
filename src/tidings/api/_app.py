"""The REST API: analyse and store articles, query what the store knows."""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request

from tidings import __version__
from tidings.api._deps import (
    Analyzer,
    AnalyzerDep,
    ApiSettings,
    StoreDep,
    require_reader,
    require_writer,
)
from tidings.api._errors import ApiError, install
from tidings.api._limits import BodyLimit
from tidings.api._routes import reads, writes
from tidings.api._security import Guard, docs, trusted_hosts, truthful_openapi
from tidings.api._watches import watch_reads, watch_writes
from tidings.batch import add_article
from tidings.errors import NotFound, QueryError, StoreError
from tidings.records import Article
from tidings.store import Store

logger = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 2 * 1024 * 1024

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


# A write failure names its error class; the answer is that error's.
_STORE_ERRORS = {kind.__name__: kind for kind in (StoreError, QueryError, NotFound)}


def _add(store: Store, article: Article, analyzer: Analyzer | None) -> dict[str, Any]:
    """Analyse and store one article through the driver (in a worker thread); the answer's body."""
    added = add_article(store, article, analyzer=analyzer)
    failure = added.failure
    if failure is not None:
        if failure.stage == "write":  # the store's own error, answered as that error would be
            raise _STORE_ERRORS.get(failure.reason, StoreError)(failure.message)
        logger.error("%s", failure.line())  # the line every command prints for it
        raise ApiError(500, f"{failure.line(detail=False)}; the server log has the details")
    return {"ok": True, "id": added.id, "status": added.status, "events": added.events,
            "entities": added.entities}


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
    from tidings.ingest import scrub

    # JSON's \ud800 escapes give lone surrogates, which no UTF-8 holds: each becomes U+FFFD.
    data = {k: scrub(v) if isinstance(v, str) else v for k, v in data.items()}
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


articles = APIRouter(dependencies=[Depends(require_writer)])


@articles.post("/articles", status_code=201, summary="Analyse an article and store it",
               openapi_extra=_ARTICLE_BODY)
async def post_article(request: Request, the_store: StoreDep, analyze: AnalyzerDep) -> dict[str, Any]:
    payload, fmt, meta = await _read_article(request)
    article = _to_article(payload, fmt, meta)
    import anyio

    return await anyio.to_thread.run_sync(_add, the_store, article, analyze)


def create_app(db_url: str | None = None, *, token: str | None = None, read_token: str | None = None,
               max_body_bytes: int = DEFAULT_MAX_BODY, analyzer: Analyzer | None = None,
               store: Store | None = None, hosts: Sequence[str] | None = None) -> FastAPI:
    """Build the API app over a store.

    Args:
        db_url: the store (see :class:`tidings.store.Store`); ignored when ``store`` is given.
        token: bearer token for writes; ``None`` reads ``$TIDINGS_TOKEN``; no token
            at all means writes are refused.
        read_token: when set (or ``$TIDINGS_READ_TOKEN``), reads need it too.
        max_body_bytes: larger request bodies are refused with 413.
        analyzer: turns an Article into a record; the full pipeline by default.
        store: an open store to serve (the app then does not own it).
        hosts: the host names it answers (``Host`` header); ``None`` reads
            ``$TIDINGS_TRUSTED_HOSTS``, else the loopback names; ``["*"]`` any.

    Returns:
        The FastAPI app; ``app.state.store`` is the store, and other routers
        (the web pages) can be included on it.
    """
    from tidings.web import error_page, make_router

    token = token if token is not None else os.environ.get("TIDINGS_TOKEN") or None
    read_token = read_token if read_token is not None else os.environ.get("TIDINGS_READ_TOKEN") or None
    allowed = trusted_hosts(hosts)
    app = FastAPI(title="tidings", version=__version__, docs_url=None, redoc_url=None, openapi_url=None,
                  description="Events, actors, quotes, times and places read from news, "
                              "each with the words it rests on.")
    app.openapi = functools.partial(truthful_openapi, app, reads_need_token=bool(read_token))  # type: ignore[method-assign]
    app.state.store = store if store is not None else Store(db_url)
    app.state.analyzer = analyzer  # None: the full pipeline, loaded on first use
    app.state.settings = ApiSettings(token=token, read_token=read_token)
    install(app, {"/ui": error_page})  # the web pages draw their errors as pages
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(Guard, hosts=allowed)  # outermost: every answer, refusals too, gets the headers
    app.include_router(reads)
    app.include_router(docs)
    app.include_router(articles)
    app.include_router(writes)
    app.include_router(watch_reads)
    app.include_router(watch_writes)
    app.include_router(make_router(), dependencies=[Depends(require_reader)])  # the web pages, /ui/
    return app
