"""What every answer carries and every request must show: security headers, trusted hosts, offline docs.

* :class:`Guard` (ASGI middleware) refuses a request whose ``Host`` is not a
  trusted name (a DNS-rebinding page in a browser reaches a loopback server
  under its own name) and adds the security headers to every answer: a
  Content-Security-Policy that allows only the server's own scripts, styles and
  images (no inline script anywhere), ``X-Content-Type-Options: nosniff``,
  ``X-Frame-Options: DENY`` with ``frame-ancestors 'none'``, and
  ``Referrer-Policy: no-referrer``.
* :data:`docs` serves ``/docs`` (Swagger UI) from files installed with the
  ``fastapi-offline`` package, started by a script of ours rather than an
  inline one, and ``/openapi.json``; both follow the read rule (with a read
  token they need it, like every read).
* :func:`truthful_openapi` makes the spec say what the server does: writes
  need the bearer token always, reads only when a read token is set.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tidings import __version__
from tidings.api._deps import require_reader
from tidings.api._errors import ApiError, error_body
from tidings.api._spec import declare_responses
from tidings.errors import ConfigError

DEFAULT_TRUSTED_HOSTS = ("localhost", "127.0.0.1", "::1")
"""The names a loopback server answers to unless told more (``--trusted-host``)."""

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
# Swagger UI sets style attributes in the markup it builds: its page alone allows them.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


def trusted_hosts(hosts: Iterable[str] | None = None) -> tuple[str, ...]:
    """The host names to answer: those given, else ``$TIDINGS_TRUSTED_HOSTS`` (comma-separated),
    else the loopback names. ``*`` trusts any host (behind a proxy that checks it).

    Raises:
        ConfigError: ``[T561]`` a name with a scheme, a path or a port.
    """
    given = list(hosts or ())
    if not given:
        given = [h for h in os.environ.get("TIDINGS_TRUSTED_HOSTS", "").split(",") if h.strip()]
    names = tuple(dict.fromkeys(h.strip().lower().strip("[]") for h in given)) or DEFAULT_TRUSTED_HOSTS
    for name in names:
        if not name or "/" in name or (name.count(":") == 1):
            raise ConfigError(f"[T561] trusted host {name!r} is not a host name; give a name such as "
                              "'news.example.org' or an address, without scheme, port or path")
    return names


def host_of(header: str) -> str | None:
    """The host of a ``Host`` header without its port, lower case; ``None`` when malformed."""
    header = header.strip().lower()
    if header.startswith("["):  # [::1]:8000
        end = header.find("]")
        rest = header[end + 1:] if end > 0 else ":x"
        if rest and not (rest[0] == ":" and rest[1:].isdigit()):
            return None
        return header[1:end]
    host, _, port = header.partition(":")
    if not host or (port and not port.isdigit()):
        return None
    return host


class Guard:
    """Refuse untrusted ``Host`` headers (400, the API's error shape) and add the security headers."""

    def __init__(self, app: ASGIApp, *, hosts: Sequence[str]) -> None:
        self.app = app
        self.any_host = "*" in hosts
        self.hosts = frozenset(hosts)

    def _trusted(self, scope: Scope) -> bool:
        if self.any_host:
            return True
        raw = dict(scope.get("headers") or []).get(b"host", b"")
        host = host_of(raw.decode("latin-1"))
        return host is not None and host in self.hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = (DOCS_CSP if scope.get("path") == "/docs" else CSP).encode("ascii")

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                for name, value in [(b"content-security-policy", csp), *_HEADERS]:
                    if name not in present:
                        headers.append((name, value))
                message = {**message, "headers": headers}
            await send(message)

        if not self._trusted(scope):
            body = json.dumps(error_body(400, "[T560] the Host header names a host this server does not "
                                              "serve; add it with --trusted-host")).encode("utf-8")
            await send_guarded({"type": "http.response.start", "status": 400,
                                "headers": [(b"content-type", b"application/json"),
                                            (b"content-length", str(len(body)).encode("ascii"))]})
            await send_guarded({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send_guarded)


# -- the docs, offline ---------------------------------------------------------

_SWAGGER = "fastapi_offline"  # the package whose files are Swagger UI's own
_DOCS_FILES = {"swagger-ui-bundle.js": "text/javascript; charset=utf-8",
               "swagger-ui.css": "text/css; charset=utf-8", "favicon.png": "image/png"}
_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tidings API</title>
<link rel="icon" href="/docs/files/favicon.png"><link rel="stylesheet" href="/docs/files/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="/docs/files/swagger-ui-bundle.js"></script><script src="/docs/files/start.js"></script>
</body></html>
"""
_START = ("SwaggerUIBundle({url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true,\n"
          "  presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout'});\n")

docs = APIRouter(dependencies=[Depends(require_reader)], include_in_schema=False)


@docs.get("/docs")
def docs_page() -> HTMLResponse:
    return HTMLResponse(_DOCS_PAGE)


@docs.get("/docs/files/{name}")
def docs_file(name: str) -> Response:
    if name == "start.js":
        return Response(_START, media_type="text/javascript; charset=utf-8")
    media = _DOCS_FILES.get(name)
    if media is None:
        raise ApiError(404, f"no docs file {name!r}")
    data = resources.files(_SWAGGER).joinpath("static", name).read_bytes()
    return Response(data, media_type=media, headers={"cache-control": "public, max-age=86400"})


@docs.get("/openapi.json")
def openapi_json(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


def truthful_openapi(app: FastAPI, *, reads_need_token: bool) -> dict[str, Any]:
    """The app's OpenAPI document, with security only where the server asks for a token.

    Every write (a method other than GET) needs the bearer token; reads need it
    only when the server has a read token. Each operation's body and error
    statuses are declared (:func:`._spec.declare_responses`). The document is
    built once per app.
    """
    if app.openapi_schema is None:
        spec = get_openapi(title=app.title, version=__version__, description=app.description,
                           routes=app.routes)
        for item in spec.get("paths", {}).values():
            for method, operation in item.items():
                if method == "get" and not reads_need_token:
                    operation.pop("security", None)
                    operation.get("responses", {}).pop("401", None)
                elif "security" not in operation:
                    operation["security"] = [{"HTTPBearer": []}]
        declare_responses(spec)
        app.openapi_schema = spec
    return app.openapi_schema
