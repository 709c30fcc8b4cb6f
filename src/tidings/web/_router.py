"""The web pages: server-rendered HTML over the store, with small JS modules for the pictures.

Every page is a plain HTML document that works without JavaScript (forms,
links, tables); the map, the network and the details of a fact are drawn by
JS modules shipped in ``static/``. No page loads anything from elsewhere.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import replace
from importlib import resources
from typing import Annotated, Any, Protocol
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from tidings import __version__
from tidings.store import EventFilter, Store
from tidings.web import _article, _atom, _views
from tidings.web._views import Query as EventQuery


class ShownError(Protocol):
    """What a page needs of an error (the API's ``ApiError`` has it): its status, words and headers."""

    status: int
    error: str
    headers: dict[str, str] | None

_STATIC = re.compile(r"^[a-z0-9_-]{1,40}\.(css|js|json|svg)$")
_TYPES = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
          "json": "application/json", "svg": "image/svg+xml"}
NAV = (("/ui/", "Home"), ("/ui/events", "Events"), ("/ui/map", "Map"), ("/ui/network", "Network"),
       ("/ui/search", "Search"), ("/ui/watches", "Watches"))

_env = Environment(loader=PackageLoader("tidings.web", "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def _qs(params: dict[str, str]) -> str:
    return ("?" + urlencode(params)) if params else ""


def _json_script(value: Any) -> Markup:
    """JSON safe inside a ``<script type="application/json">`` element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _snippet(text: str | None) -> Markup:
    """A search snippet with the store's ``[match]`` marks as ``<mark>``."""
    from html import escape

    return Markup(re.sub(r"\[([^\[\]]*)\]", r"<mark>\1</mark>", escape(text or "")))


_env.filters["qs"] = _qs
_env.filters["json_script"] = _json_script
_env.filters["snippet"] = _snippet
_env.globals.update(nav=NAV, version=__version__, polarity=_views.polarity)


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _env.get_template(template).render(path=request.url.path, **context)
    return HTMLResponse(html, status_code=status)


_EXPORT = re.compile(r"^/ui/events\.[a-z]+$")


def error_page(request: Request, err: ShownError) -> Response:
    """An error under ``/ui`` as a page (an export's as plain text), with the error's status.

    The API's error handler calls it for every error of the pages (see
    :func:`tidings.api.create_app`), so no page catches store errors itself.
    """
    if _EXPORT.match(request.url.path):
        return PlainTextResponse(err.error + "\n", status_code=err.status, headers=err.headers)
    title = {400: "Bad request", 404: "Not found"}.get(err.status, "Error")
    response = _page(request, "error.html", status=err.status, title=title, message=err.error)
    response.headers.update(err.headers or {})
    return response


def get_store(request: Request) -> Store:
    """The store the app serves (``app.state.store``)."""
    store: Store = request.app.state.store
    return store


def get_query(request: Request) -> EventQuery:
    """The explorer's filters, sort and page of the request's query string."""
    return EventQuery.parse(dict(request.query_params))


StoreDep = Annotated[Store, Depends(get_store)]
QueryDep = Annotated[EventQuery, Depends(get_query)]

router = APIRouter(include_in_schema=False)


def make_router() -> APIRouter:
    """The router of the web pages (``/ui/...``, and ``/`` sends there).

    Its errors are drawn as pages by :func:`error_page` once the app routes
    them there (``tidings.api`` does: ``install(app, {"/ui": error_page})``).
    """
    return router


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=307)


@router.get("/ui")
def ui_root() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=307)


@router.get("/ui/static/{name}")
def static(name: Annotated[str, Path(max_length=60)]) -> Response:
    if not _STATIC.match(name):
        return Response("not found\n", status_code=404, media_type="text/plain")
    res = resources.files("tidings.web").joinpath("static", name)
    if not res.is_file():
        return Response("not found\n", status_code=404, media_type="text/plain")
    return Response(res.read_bytes(), media_type=_TYPES[name.rsplit(".", 1)[1]],
                    headers={"Cache-Control": "public, max-age=3600"})


@router.get("/ui/")
def home(request: Request, store: StoreDep) -> HTMLResponse:
    low, high = store.date_range()
    return _page(request, "home.html", title="Overview", counts=store.counts(),
                 recent=store.recent_articles(12), low=low, high=high)


def _table(store: Store, q: EventQuery, **window: Any) -> tuple[list[dict[str, Any]], int]:
    table = store.clusters_table if q.level == "events" else store.reports_table
    return table(q.filter, **q.window(**window))


@router.get("/ui/events")
def events(request: Request, store: StoreDep, q: QueryDep) -> HTMLResponse:
    items, total = _table(store, q)
    last = max(1, math.ceil(total / q.size))
    if q.page > last:  # past the end: show the last page
        q = replace(q, page=last)
        items, total = _table(store, q)
    pages = max(1, math.ceil(total / q.size))
    return _page(request, "events.html", title="Events", q=q, items=items, total=total,
                 pages=pages, types=_views.PLOVER_TYPES, modalities=_views.MODALITIES,
                 sizes=_views.PAGE_SIZES, publishers=store.publishers(), export_max=_views.EXPORT_MAX,
                 cluster_sorts=_views.CLUSTER_SORTS)


@router.get("/ui/events.{fmt}")
def export(store: StoreDep, q: QueryDep, fmt: Annotated[str, Path(pattern="^(csv|json)$")]) -> Response:
    items, total = _table(store, q, limit=_views.EXPORT_MAX, offset=0)
    name = f"tidings-{q.level}"
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"',
               "X-Total-Count": str(total)}
    if fmt == "json":
        body = json.dumps({"total": total, "items": items, "filters": q.params(page=1)},
                          ensure_ascii=False, indent=1)
        return Response(body, media_type="application/json", headers=headers)
    return Response(_csv(items), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/ui/articles/{article_id}")
def article(request: Request, store: StoreDep,
            article_id: Annotated[str, Path(max_length=64)]) -> HTMLResponse:
    record = store.article(article_id)
    if record is None:
        raise HTTPException(404, f"No article with id {article_id!r} is stored.")
    gids = store.article_entity_ids(article_id)
    spans, catalogue = _article.facts(record, gids)
    body = Markup(_article.render(record["text"], spans))
    return _page(request, "article.html", title=record.get("headline") or "Article", record=record,
                 body=body, facts=catalogue, gids=gids)


@router.get("/ui/entities/{entity_id}")
def entity(request: Request, store: StoreDep,
           entity_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> HTMLResponse:
    found = store.entity(entity_id)
    if found is None:
        raise HTTPException(404, f"No entity with id {entity_id} is stored.")
    ref = str(entity_id)
    stops = store.itinerary_map(ref) if found["type"] == "PERSON" else []
    return _page(request, "entity.html", title=found["name"], entity=found,
                 roles=store.entity_roles(entity_id), sector=store.entity_sector(entity_id),
                 timeline=store.timeline(ref), quotes=store.quotes(speaker=ref, limit=200).items,
                 stops=stops)


# A story page draws the events and quotes of at most this many of its articles (the latest).
STORY_ARTICLES = 60


@router.get("/ui/stories/{story_id}")
def story(request: Request, store: StoreDep,
          story_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> HTMLResponse:
    found = store.story(story_id)
    if found is None:
        raise HTTPException(404, f"No story with id {story_id} is stored.")
    shown = found["articles"][-STORY_ARTICLES:]
    events = [e for a in shown for e in store.events(EventFilter(article=a["id"]), limit=200).items]
    events.sort(key=lambda e: (e["date"] or "", e["id"]))
    quotes = [q for a in shown for q in store.quotes(article=a["id"], limit=200).items]
    by_publisher: dict[str, list[dict[str, Any]]] = {}
    for item in found["articles"]:  # publication order, kept within each publisher
        by_publisher.setdefault(item["publisher"] or "Unknown publisher", []).append(item)
    return _page(request, "story.html", title=found["title"] or f"Story {story_id}", story=found,
                 by_publisher=by_publisher, events=events, quotes=quotes)


@router.get("/ui/map")
def map_page(request: Request, store: StoreDep, q: QueryDep) -> HTMLResponse:
    data = store.map_points(q.filter)
    low, high = store.date_range()
    return _page(request, "map.html", title="Map", q=q, data=data, types=_views.PLOVER_TYPES,
                 low=low, high=high)


@router.get("/ui/network")
def network_page(request: Request, store: StoreDep, q: QueryDep) -> HTMLResponse:
    data = store.network(q.filter)
    low, high = store.date_range()
    return _page(request, "network.html", title="Network", q=q, data=data,
                 types=_views.PLOVER_TYPES, low=low, high=high)


@router.get("/ui/search")
def search(request: Request, store: StoreDep,
           q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    q = q.strip()
    articles: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    entities: list[dict[str, Any]] = []
    if q:
        articles = store.search(q, limit=30).items
        quotes = store.quotes(text_=q, limit=30).items
        quotes += [x for x in store.quotes(speaker=q, limit=30).items
                   if x["id"] not in {y["id"] for y in quotes}]
        entities = store.entities(name=q, limit=30).items
    return _page(request, "search.html", title="Search", q=q, articles=articles, quotes=quotes,
                 entities=entities)


# A watch page lists this many matches at a time.
WATCH_PAGE = 50


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min" if value < 7200 else f"{value / 3600:.1f} h"


def _shown(match: dict[str, Any]) -> dict[str, Any]:
    """A match as a page lists it: its title, the link to its evidence and the evidence's words."""
    item = match["payload"]
    return {**match, "title": _atom.entry_title(match), "href": _atom.evidence_path(match),
            "article": item.get("article"), "evidence": (item.get("evidence") or {}).get("text")}


_env.globals.update(describe=_atom.describe, seconds=_seconds)


@router.get("/ui/watches")
def watches(request: Request, store: StoreDep) -> HTMLResponse:
    dead = [_shown(m) for m in store.dead_letters()[:200]]
    return _page(request, "watches.html", title="Watches", watches=_atom.watch_rows(store), dead=dead)


@router.get("/ui/watches/{watch_id}")
def watch(request: Request, store: StoreDep, watch_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
          offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> HTMLResponse:
    found = next((w for w in _atom.watch_rows(store) if w["id"] == watch_id), None)
    if found is None:
        store.watch(watch_id)  # NotFound, drawn as the 404 page
    matches = [_shown(m) for m in store.watch_matches(watch_id, limit=WATCH_PAGE, offset=offset)]
    dead = [_shown(m) for m in store.dead_letters(watch_id)[:200]]
    return _page(request, "watch.html", title=f"Watch {found['name'] if found else watch_id}", watch=found,
                 matches=matches, dead=dead, offset=offset, limit=WATCH_PAGE,
                 total=store.watch_match_count(watch_id))


def _names(items: list[dict[str, Any]]) -> str:
    return "; ".join(x["name"] for x in items)


def _csv(items: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if not items:
        return ""
    columns = [k for k in items[0] if k not in ("actors", "targets", "sources")]
    extra = [k for k in ("actors", "targets", "sources") if k in items[0]]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns + extra)
    for item in items:
        row = ["" if item[k] is None else item[k] for k in columns]
        for k in extra:
            row.append(_names(item[k]) if k != "sources" else "; ".join(item[k]))
        writer.writerow(row)
    return out.getvalue()
