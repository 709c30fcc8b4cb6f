"""The API of live following: the followed sources (``/sources``) and ``GET /metrics``.

Thin calls of the Store, as every route: reads follow the read-token rule,
writes need the bearer token, errors go through the one handler (an unknown
source is the store's ``NotFound``, a bad URL or interval a ``[T600]``
``ConfigError``: 404 and 400).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Response

from tidings.api import _metrics
from tidings.api._deps import StoreDep, require_reader, require_writer
from tidings.api._routes import Cursor, Limit

SourceId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The source's id (see GET /sources).")]

reads = APIRouter(dependencies=[Depends(require_reader)])
writes = APIRouter(dependencies=[Depends(require_writer)])


@reads.get("/sources", summary="Followed sources with their counters and lag, in the order added")
def list_sources(the_store: StoreDep, limit: Limit = 50, cursor: Cursor = None) -> dict[str, Any]:
    return {"ok": True, **the_store.sources_page(limit=limit, cursor=cursor).as_dict()}


@reads.get("/sources/{source_id}", summary="One followed source with its counters and lag")
def get_source(the_store: StoreDep, source_id: SourceId) -> dict[str, Any]:
    return {"ok": True, "source": the_store.source_report(source_id)}


@writes.post("/sources", status_code=201, summary="Follow a feed or news sitemap (a followed one gets the "
             "new settings: 200)", responses={200: {"description": "The source was followed already; "
                                                                 "its settings are updated"}})
def add_source(the_store: StoreDep, response: Response,
               url: Annotated[str, Body(min_length=1, max_length=2000,
                                        description="An http(s) URL of an RSS or Atom feed or a news sitemap.")],
               name: Annotated[str | None, Body(max_length=200, description="The publisher's name.")] = None,
               interval: Annotated[int | str | None, Body(description=(
                   "Seconds between polls, or 30m, 2h, 1d; at least a minute (default 15 minutes)."))] = None,
               language: Annotated[str | None, Body(pattern=r"^[a-z]{2,3}$", description=(
                   "ISO 639-1 code of its articles."))] = None) -> dict[str, Any]:
    from tidings.live import DEFAULT_INTERVAL, check_source_url, parse_interval

    checked = check_source_url(url, where="url")
    seconds = parse_interval(interval, where="interval") if interval is not None else DEFAULT_INTERVAL
    source, new = the_store.add_source(checked, name=name, language=language, interval=seconds)
    if not new:
        response.status_code = 200
    return {"ok": True, "created": new, "source": the_store.source_report(source["id"])}


@writes.delete("/sources/{source_id}", summary="Stop following a source and forget its items (its articles stay)")
def remove_source(the_store: StoreDep, source_id: SourceId) -> dict[str, Any]:
    return {"ok": True, "source": the_store.remove_source(source_id)}


@writes.post("/sources/{source_id}/pause", summary="Pause a source: 'tidings follow' leaves it until resumed")
def pause_source(the_store: StoreDep, source_id: SourceId) -> dict[str, Any]:
    the_store.update_source(source_id, paused=True)
    return {"ok": True, "source": the_store.source_report(source_id)}


@writes.post("/sources/{source_id}/resume", summary="Resume a paused source")
def resume_source(the_store: StoreDep, source_id: SourceId) -> dict[str, Any]:
    the_store.update_source(source_id, paused=False)
    return {"ok": True, "source": the_store.source_report(source_id)}


@reads.get("/metrics", summary="Counters of sources, the store and watches (Prometheus text format 0.0.4)",
           response_class=Response)
def metrics(the_store: StoreDep) -> Response:
    return Response(_metrics.render(the_store), media_type=_metrics.CONTENT_TYPE)
