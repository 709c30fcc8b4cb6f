"""The API's one error shape, produced by one handler.

Every error answer is ``{"ok": false, "error": str, "errors": [...], "status": int}``
with the HTTP status repeated in the body, whatever raised it: a validation
failure, a missing route, a refused token, a ``TidingsError``, or a bug.
Paths given a renderer of their own (the web pages under ``/ui``) answer the
same status drawn by that renderer instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from tidings.errors import ConfigError, IngestError, NotFound, QueryError, TidingsError

logger = logging.getLogger(__name__)



class ApiError(Exception):
    """An error the API answers with a given status."""

    def __init__(self, status: int, error: str, errors: list[Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.errors = errors or []
        self.headers = headers


def error_body(status: int, error: str, errors: list[Any] | None = None) -> dict[str, Any]:
    return {"ok": False, "error": error, "errors": errors or [], "status": status}


def _classify(exc: Exception) -> ApiError:
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, RequestValidationError):
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()
        ]
        return ApiError(422, "the request is not valid", errors)
    if isinstance(exc, StarletteHTTPException):
        return ApiError(exc.status_code, str(exc.detail), [], dict(exc.headers or {}))
    if isinstance(exc, IngestError):
        return ApiError(422, str(exc))
    if isinstance(exc, ConfigError):
        return ApiError(400, str(exc))
    if isinstance(exc, NotFound):
        return ApiError(404, str(exc))
    if isinstance(exc, QueryError):  # the request's fault (bad cursor, limit, date...), not the database's
        return ApiError(400, str(exc))
    if isinstance(exc, TidingsError):
        logger.error("store or pipeline failure: %s", exc)
        return ApiError(500, str(exc))
    logger.exception("unexpected error answering a request")
    return ApiError(500, "internal error; the server log has the details")


# Draws an error (classified, with its status) for a request: a page instead of JSON.
ErrorRenderer = Callable[[Request, ApiError], Response]


def _renderer(request: Request) -> ErrorRenderer | None:
    path = request.url.path
    renderers: Mapping[str, ErrorRenderer] = getattr(request.app.state, "error_renderers", {})
    for prefix, render in renderers.items():
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            return render
    return None


async def handle_error(request: Request, exc: Exception) -> Response:
    """Answer any error with the one JSON error shape (or the path's own renderer)."""
    err = _classify(exc)
    render = _renderer(request)
    if render is not None:
        return render(request, err)
    return JSONResponse(error_body(err.status, err.error, err.errors), status_code=err.status,
                        headers=err.headers)


def install(app: FastAPI, renderers: Mapping[str, ErrorRenderer] | None = None) -> None:
    """Route every kind of error through :func:`handle_error`.

    Args:
        renderers: path prefix (``"/ui"``) -> the renderer of errors under it;
            every other path answers the JSON error shape.
    """
    app.state.error_renderers = dict(renderers or {})
    for kind in (ApiError, RequestValidationError, StarletteHTTPException, TidingsError, Exception):
        app.add_exception_handler(kind, handle_error)
