"""What a route depends on: the app's store, analyser and settings, and the access rule.

``create_app`` puts them on ``app.state``; the routers (module-level, shared by
every app) read them from the request, so one router serves any app.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tidings.api._errors import ApiError
from tidings.records import Article
from tidings.store import Store

Analyzer = Callable[[Article], dict[str, Any]]

_bearer = HTTPBearer(auto_error=False, description="The token set in TIDINGS_TOKEN.")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """The access rule of an app: the bearer token of writes and, when set, of reads."""

    token: str | None = None
    read_token: str | None = None


def get_store(request: Request) -> Store:
    """The store the app serves (``app.state.store``)."""
    store: Store = request.app.state.store
    return store


def get_analyzer(request: Request) -> Analyzer | None:
    """What turns an Article into a record (``app.state.analyzer``; ``None``: the pipeline)."""
    analyze: Analyzer | None = request.app.state.analyzer
    return analyze


def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(get_store)]
AnalyzerDep = Annotated[Analyzer | None, Depends(get_analyzer)]


def _check(creds: HTTPAuthorizationCredentials | None, expected: str) -> None:
    if creds is None:
        raise ApiError(401, "this endpoint needs 'Authorization: Bearer TOKEN'",
                       headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(creds.credentials.encode(), expected.encode()):
        raise ApiError(401, "the bearer token is not valid", headers={"WWW-Authenticate": "Bearer"})


def require_writer(request: Request, creds: Credentials) -> None:
    """Writes need the app's token; with none configured they are refused (403)."""
    token = get_settings(request).token
    if not token:
        raise ApiError(403, "writes are disabled: the server has no token; start it with "
                            "TIDINGS_TOKEN set (or create_app(token=...))")
    _check(creds, token)


def require_reader(request: Request, creds: Credentials) -> None:
    """Reads need the read token when one is configured."""
    read_token = get_settings(request).read_token
    if read_token:
        _check(creds, read_token)
