"""What the OpenAPI document says of the answers: each operation's body and its error statuses.

FastAPI documents a loose object for every success and a validation error
shape the API never sends; :func:`declare_responses` puts in their place the
bodies the routes return and the one error shape (:func:`~._errors.error_body`)
with every status an operation can answer, so a client (or a conformance check)
can hold the server to the document.
"""

from __future__ import annotations

from typing import Any

ERROR: dict[str, Any] = {
    "title": "Error", "type": "object", "required": ["ok", "error", "errors", "status"],
    "properties": {"ok": {"const": False}, "error": {"type": "string"}, "errors": {"type": "array"},
                   "status": {"type": "integer", "minimum": 400, "maximum": 599}},
}
_OBJECT: dict[str, Any] = {"type": "object"}
_PAGE: dict[str, Any] = {
    "type": "object", "required": ["ok", "items", "next_cursor"],
    "properties": {"ok": {"const": True}, "items": {"type": "array", "items": _OBJECT},
                   "next_cursor": {"type": ["string", "null"]}},
}


_COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
_SECONDS: dict[str, Any] = {"type": ["number", "null"], "minimum": 0}
_SOURCE: dict[str, Any] = {
    "type": "object",
    "required": ["id", "url", "interval", "paused", "fetched", "not_modified", "items_seen", "articles_added",
                 "articles_updated", "errors", "last_success", "last_error", "lag_items", "lag_median_s",
                 "lag_p95_s"],
    "properties": {"id": {"type": "integer"}, "url": {"type": "string"}, "interval": {"type": "integer"},
                   "paused": {"type": "boolean"}, "fetched": _COUNT, "not_modified": _COUNT,
                   "items_seen": _COUNT, "articles_added": _COUNT, "articles_updated": _COUNT,
                   "errors": {"type": "object", "additionalProperties": _COUNT},
                   "last_success": {"type": ["string", "null"]}, "last_error": {"type": ["string", "null"]},
                   "lag_items": _COUNT, "lag_median_s": _SECONDS, "lag_p95_s": _SECONDS},
}


def _ok(**fields: Any) -> dict[str, Any]:
    return {"type": "object", "required": ["ok", *fields], "properties": {"ok": {"const": True}, **fields}}


# The body of each operation's success.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "/health"): _ok(version={"type": "string"},
                            counts={"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}),
    ("get", "/articles"): _PAGE,
    ("post", "/articles"): _ok(id={"type": "string"}, status={"type": "string"},
                               events={"type": "integer", "minimum": 0},
                               entities={"type": "integer", "minimum": 0}),
    ("get", "/articles/{article_id}"): _ok(record=_OBJECT),
    ("delete", "/articles/{article_id}"): _ok(id={"type": "string"}),
    ("get", "/events"): _PAGE,
    ("get", "/clusters"): _PAGE,
    ("get", "/clusters/{cluster_id}"): _ok(cluster=_OBJECT),
    ("get", "/entities"): _PAGE,
    ("get", "/entities/{entity_id}"): _ok(entity=_OBJECT),
    ("get", "/timeline"): _PAGE,
    ("get", "/quotes"): _PAGE,
    ("get", "/search"): _PAGE,
    ("post", "/entities/merge"): _ok(entity=_OBJECT),
    ("post", "/entities/{entity_id}/split"): _ok(entity=_OBJECT),
    ("get", "/stories"): _PAGE,
    ("get", "/stories/{story_id}"): _ok(
        story=_OBJECT, entities={"type": "array", "items": _OBJECT},
        clusters={"type": "object", "required": ["items", "next_cursor"],
                  "properties": {"items": {"type": "array", "items": _OBJECT},
                                 "next_cursor": {"type": ["string", "null"]}}},
        quotes={"type": "object", "required": ["items", "next_cursor", "total"],
                "properties": {"items": {"type": "array", "items": _OBJECT},
                               "next_cursor": {"type": ["string", "null"]},
                               "total": {"type": "integer", "minimum": 0}}},
        places={"type": "object", "required": ["points", "countries", "unplaced"],
                "properties": {"points": {"type": "array", "items": _OBJECT},
                               "countries": {"type": "object",
                                             "additionalProperties": {"type": "integer", "minimum": 0}},
                               "unplaced": {"type": "integer", "minimum": 0}}}),
    ("get", "/stories/{story_id}/quotes"): _PAGE,
    ("post", "/stories/merge"): _ok(story=_OBJECT),
    ("post", "/stories/{story_id}/split"): _ok(story=_OBJECT),
    ("get", "/sources"): _PAGE,
    ("get", "/sources/{source_id}"): _ok(source=_SOURCE),
    ("post", "/sources"): _ok(created={"type": "boolean"}, source=_SOURCE),
    ("delete", "/sources/{source_id}"): _ok(source=_OBJECT),
    ("post", "/sources/{source_id}/pause"): _ok(source=_SOURCE),
    ("post", "/sources/{source_id}/resume"): _ok(source=_SOURCE),
}

# Bodies in another media type than JSON.
TEXT_BODIES: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
    ("get", "/metrics"): ("text/plain", {"type": "string",
                                         "description": "Prometheus text exposition format, version 0.0.4."}),
}

# Operations that can name something the store does not hold, besides those with a path id.
_NOT_FOUND = frozenset({("get", "/timeline"), ("post", "/entities/merge"), ("post", "/stories/merge")})


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def declare_responses(spec: dict[str, Any]) -> None:
    """Declare each operation's success body and error statuses in ``spec`` (in place).

    Call it after the security of each operation is settled: an operation
    with ``security`` can answer 401, a write 403 (the server has no token).
    """
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                body = BODIES.get((method, path))
                if status.startswith("2") and body is not None:
                    response["content"] = {"application/json": {"schema": body}}
                if status.startswith("2") and (method, path) in TEXT_BODIES:
                    media, schema = TEXT_BODIES[(method, path)]
                    response["content"] = {media: {"schema": schema}}
            responses["400"] = _error("the request asks for something invalid (a cursor, a date, a body)")
            responses["422"] = _error("a parameter or the body is not valid")
            if "security" in operation:
                responses["401"] = _error("no bearer token, or not the right one")
            if method != "get":
                responses["403"] = _error("writes are disabled: the server has no token")
                responses["413"] = _error("the request body is over the limit")
            if method == "post" and path == "/articles":
                responses["415"] = _error("the body's content type is not one the API reads")
                responses["500"] = _error("the analysis of the article failed")
            if "{" in path or (method, path) in _NOT_FOUND:
                responses["404"] = _error("the store holds no such thing")
