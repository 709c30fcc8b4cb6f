"""The watches of the API: saved queries, their matches and their Atom feeds.

Reads follow the read rule (a read token when one is set, so feed readers give
it as a bearer token); writes need the write token. No answer ever holds a
webhook's secret except the one that creates the watch (``secret_set`` says
whether one is set).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from tidings.api._deps import StoreDep, require_reader, require_writer
from tidings.web import ATOM_TYPE, atom_feed, watch_rows

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]

watch_reads = APIRouter(dependencies=[Depends(require_reader)], tags=["watches"])
watch_writes = APIRouter(dependencies=[Depends(require_writer)], tags=["watches"])


class WatchFilters(BaseModel):
    """The filters of a watch; each given one must hold (see docs/live.md for which kind reads which)."""

    model_config = ConfigDict(extra="forbid")

    actor: str | None = Field(None, max_length=200, description="An entity (name or id) acting; a quote's speaker.")
    target: str | None = Field(None, max_length=200, description="An entity the event is done to.")
    type: str | None = Field(None, max_length=40, description="PLOVER event type, e.g. PROTEST.")
    modality: str | None = Field(None, max_length=40, description="occurred, planned, negated...")
    country: str | None = Field(None, max_length=20, description="Country code of the event's place.")
    place: str | None = Field(None, max_length=200, description="A place (name or id).")
    story: int | None = Field(None, ge=1, le=2**31 - 1, description="Only items of this story.")
    q: str | None = Field(None, max_length=200, description="Free text: every word must appear.")
    min_reports: int | None = Field(None, ge=1, le=10_000,
                                    description="Fire when the event or story first has this many reports.")
    min_confidence: float | None = Field(None, ge=0.0, le=1.0, description="Least event confidence (0-1).")


class WatchSpec(BaseModel):
    """A watch to create."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: Literal["events", "quotes", "stories"] = "events"
    filters: WatchFilters = Field(default_factory=WatchFilters)
    webhook_url: str | None = Field(None, max_length=2000, description="POST each new match here (signed).")
    secret: str | None = Field(None, max_length=500,
                               description="HMAC secret of the webhook; generated when a webhook has none.")
    paused: bool = False

    def as_spec(self) -> dict[str, Any]:
        return {**self.model_dump(exclude={"filters"}), "filters": self.filters.model_dump(exclude_none=True)}


@watch_reads.get("/watches", summary="Watches (saved queries) with their counters")
def list_watches(the_store: StoreDep) -> dict[str, Any]:
    return {"ok": True, "items": watch_rows(the_store)}


@watch_writes.post("/watches", status_code=201, summary="Create a watch; the answer holds its webhook secret once")
def create_watch(the_store: StoreDep, spec: WatchSpec) -> dict[str, Any]:
    return {"ok": True, "watch": the_store.add_watch(spec.as_spec())}


@watch_reads.get("/watches/{watch_id}", summary="One watch with its counters")
def get_watch(the_store: StoreDep, watch_id: Id) -> dict[str, Any]:
    found = the_store.watch(watch_id)
    counters = next((c for c in the_store.watch_counters() if c["id"] == watch_id), None)
    return {"ok": True, "watch": {**found, "counters": counters}}


@watch_writes.delete("/watches/{watch_id}", summary="Delete a watch and its matches")
def delete_watch(the_store: StoreDep, watch_id: Id) -> dict[str, Any]:
    return {"ok": True, "watch": the_store.remove_watch(watch_id)}


@watch_reads.get("/watches/{watch_id}/matches", summary="A watch's matches, newest first (paged by offset)")
def list_matches(the_store: StoreDep, watch_id: Id,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 50,
                 offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> dict[str, Any]:
    items = the_store.watch_matches(watch_id, limit=limit, offset=offset)
    total = the_store.watch_match_count(watch_id)
    nxt = offset + limit if offset + limit < total else None
    return {"ok": True, "items": items, "total": total, "next_offset": nxt}


@watch_reads.get("/watches/{watch_id}/feed.atom", summary="A watch's matches as an Atom 1.0 feed",
                 response_class=Response,
                 responses={200: {"content": {ATOM_TYPE: {"schema": {"type": "string"}}},
                                  "description": "An Atom 1.0 feed, newest entry first."}})
def watch_feed(request: Request, the_store: StoreDep, watch_id: Id,
               limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> Response:
    watch = the_store.watch(watch_id)
    matches = the_store.watch_matches(watch_id, limit=limit)
    body = atom_feed(watch, matches, base=str(request.base_url).rstrip("/"), self_url=str(request.url))
    return Response(body, media_type=ATOM_TYPE)
