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
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy import select

from tidings import __version__
from tidings.errors import StoreError
from tidings.store import Store
from tidings.store import _schema as schema
from tidings.web import _article, _views
from tidings.web._views import Query as EventQuery

_STATIC = re.compile(r"^[a-z0-9_-]{1,40}\.(css|js|json|svg)$")
_TYPES = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
          "json": "application/json", "svg": "image/svg+xml"}
NAV = (("/ui/", "Home"), ("/ui/events", "Events"), ("/ui/map", "Map"), ("/ui/network", "Network"),
       ("/ui/search", "Search"))

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


def _error(request: Request, status: int, message: str) -> HTMLResponse:
    title = {400: "Bad request", 404: "Not found"}.get(status, "Error")
    return _page(request, "error.html", status=status, title=title, message=message)


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _query(request: Request) -> EventQuery:
    return EventQuery.parse(dict(request.query_params))


def make_router() -> APIRouter:
    """The router of the web pages (``/ui/...``, and ``/`` sends there)."""
    router = APIRouter(include_in_schema=False)

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
    def home(request: Request) -> HTMLResponse:
        store = _store(request)
        with store.read() as conn:
            recent = _views.recent_articles(conn, 12)
            low, high = _views.date_range(conn)
        return _page(request, "home.html", title="Overview", counts=store.counts(), recent=recent,
                     low=low, high=high)

    @router.get("/ui/events")
    def events(request: Request) -> HTMLResponse:
        try:
            q = _query(request)
            store = _store(request)
            with store.read() as conn:
                table = _views.clusters_table if q.level == "events" else _views.reports_table
                items, total = table(conn, q)
                last = max(1, math.ceil(total / q.size))
                if q.page > last:  # past the end: show the last page
                    q = replace(q, page=last)
                    items, total = table(conn, q)
                publishers = _views.sources(conn)
        except StoreError as exc:
            return _error(request, 400, str(exc))
        pages = max(1, math.ceil(total / q.size))
        return _page(request, "events.html", title="Events", q=q, items=items, total=total,
                     pages=pages, types=_views.PLOVER_TYPES, modalities=_views.MODALITIES,
                     sizes=_views.PAGE_SIZES, publishers=publishers, export_max=_views.EXPORT_MAX,
                     cluster_sorts=_views.CLUSTER_SORTS)

    @router.get("/ui/events.{fmt}")
    def export(request: Request, fmt: Annotated[str, Path(pattern="^(csv|json)$")]) -> Response:
        try:
            q = _query(request)
            with _store(request).read() as conn:
                table = _views.clusters_table if q.level == "events" else _views.reports_table
                items, total = table(conn, q, limit=_views.EXPORT_MAX, offset=0)
        except StoreError as exc:
            return Response(str(exc) + "\n", status_code=400, media_type="text/plain")
        name = f"tidings-{q.level}"
        headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"',
                   "X-Total-Count": str(total)}
        if fmt == "json":
            body = json.dumps({"total": total, "items": items, "filters": q.params(page=1)},
                              ensure_ascii=False, indent=1)
            return Response(body, media_type="application/json", headers=headers)
        return Response(_csv(items), media_type="text/csv; charset=utf-8", headers=headers)

    @router.get("/ui/articles/{article_id}")
    def article(request: Request, article_id: Annotated[str, Path(max_length=64)]) -> HTMLResponse:
        store = _store(request)
        try:
            record = store.article(article_id)
        except StoreError as exc:
            return _error(request, 400, str(exc))
        if record is None:
            return _error(request, 404, f"No article with id {article_id!r} is stored.")
        e = schema.entities
        with store.read() as conn:
            gids = {str(lid): int(gid) for lid, gid in conn.execute(
                select(e.c.local_id, e.c.global_id).where(e.c.article_id == article_id))}
        spans, catalogue = _article.facts(record, gids)
        body = Markup(_article.render(record["text"], spans))
        return _page(request, "article.html", title=record.get("headline") or "Article", record=record,
                     body=body, facts=catalogue, gids=gids)

    @router.get("/ui/entities/{entity_id}")
    def entity(request: Request, entity_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> HTMLResponse:
        store = _store(request)
        found = store.entity(entity_id)
        if found is None:
            return _error(request, 404, f"No entity with id {entity_id} is stored.")
        ref = str(entity_id)
        timeline = store.timeline(ref)
        quotes = store.quotes(speaker=ref, limit=200).items
        stops: list[dict[str, Any]] = []
        with store.read() as conn:
            roles = _views.entity_roles(conn, entity_id)
            sector = _views.entity_sector(conn, entity_id)
            if found["type"] == "PERSON":
                stops = store.itinerary(ref)
                coords = _views.coordinates(conn, [s["place_id"] for s in stops if s["place_id"]])
                points = _views.country_points()
                ev = schema.events
                local = dict(conn.execute(select(ev.c.id, ev.c.local_id).where(
                    ev.c.id.in_([s["event_id"] for s in stops]))).tuples().all()) if stops else {}
                for stop in stops:
                    stop["event_local"] = local.get(stop["event_id"])
                    where = coords.get(stop["place_id"]) if stop["place_id"] else None
                    where = where or points.get(stop.get("country") or "")
                    stop["lat"], stop["lon"] = (where if where else (None, None))
        return _page(request, "entity.html", title=found["name"], entity=found, roles=roles,
                     sector=sector, timeline=timeline, quotes=quotes, stops=stops)

    @router.get("/ui/map")
    def map_page(request: Request) -> HTMLResponse:
        try:
            q = _query(request)
            with _store(request).read() as conn:
                data = _views.map_points(conn, q)
                low, high = _views.date_range(conn)
        except StoreError as exc:
            return _error(request, 400, str(exc))
        return _page(request, "map.html", title="Map", q=q, data=data, types=_views.PLOVER_TYPES,
                     low=low, high=high)

    @router.get("/ui/network")
    def network_page(request: Request) -> HTMLResponse:
        try:
            q = _query(request)
            with _store(request).read() as conn:
                data = _views.network(conn, q)
                low, high = _views.date_range(conn)
        except StoreError as exc:
            return _error(request, 400, str(exc))
        return _page(request, "network.html", title="Network", q=q, data=data,
                     types=_views.PLOVER_TYPES, low=low, high=high)

    @router.get("/ui/search")
    def search(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
        store = _store(request)
        q = q.strip()
        articles: list[dict[str, Any]] = []
        quotes: list[dict[str, Any]] = []
        entities: list[dict[str, Any]] = []
        if q:
            try:
                articles = store.search(q, limit=30).items
                quotes = store.quotes(text_=q, limit=30).items
                quotes += [x for x in store.quotes(speaker=q, limit=30).items
                           if x["id"] not in {y["id"] for y in quotes}]
                entities = store.entities(name=q, limit=30).items
            except StoreError as exc:
                return _error(request, 400, str(exc))
        return _page(request, "search.html", title="Search", q=q, articles=articles, quotes=quotes,
                     entities=entities)

    return router


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
