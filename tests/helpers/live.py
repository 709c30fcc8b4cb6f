"""A news site on 127.0.0.1 for the live tests: feeds, pages, and misbehaviours on demand.

Nothing else is ever contacted: the server binds the loopback address on a
free port, and each route is a function of the request the test defines.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive, and no request log on stderr."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        pass


class LoopbackServer:
    """A threaded HTTP server on a free port of 127.0.0.1 (daemon threads), started and stopped by the test."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Reply:
    """What a route answers: status, headers, body (bytes, or an iterator of chunks), a delay first."""

    status: int = 200
    body: bytes | Iterator[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Route = Callable[[BaseHTTPRequestHandler], Reply]


class NewsSite(LoopbackServer):
    """A threaded HTTP server on 127.0.0.1 with routes by path; it counts requests and bytes sent."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.sent: Counter[str] = Counter()
        site = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = self.path
                site.hits[path] += 1
                site.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
                route = site.routes.get(path) or site.routes.get(path.split("?")[0])
                reply = route(self) if route else Reply(404, b"not found")
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if isinstance(reply.body, bytes):
                        self.send_header("Content-Length", str(len(reply.body)))
                        self.end_headers()
                        self.wfile.write(reply.body)
                        site.sent[path] += len(reply.body)
                    else:
                        self.send_header("Transfer-Encoding", "chunked")
                        self.end_headers()
                        for chunk in reply.body:
                            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                            self.wfile.flush()
                            site.sent[path] += len(chunk)
                        self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        super().__init__(Handler)

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, reply: Reply | Route) -> None:
        self.routes[path] = reply if callable(reply) else (lambda _request, r=reply: r)


def page(headline: str, body: str, *, canonical: str | None = None) -> bytes:
    """An article page."""
    link = f"<link rel='canonical' href='{canonical}'>" if canonical else ""
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{headline}</title>{link}<meta property='article:published_time' content='2024-03-04'>"
        f"</head><body><article><h1>{headline}</h1>{paras}</article></body></html>"
    ).encode()


def rss(items: list[tuple[str, str, str]]) -> bytes:
    """An RSS feed of (title, link, pubDate) items."""
    entries = "".join(f"<item><title>{t}</title><link>{link}</link><pubDate>{d}</pubDate></item>"
                      for t, link, d in items)
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Example news</title>"
            f"<link>http://127.0.0.1/</link>{entries}</channel></rss>").encode()


HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/rss+xml"}
