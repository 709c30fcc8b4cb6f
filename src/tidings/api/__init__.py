"""The REST API over the store (FastAPI): ``create_app`` builds it, ``tidings serve`` runs it."""

from __future__ import annotations

from tidings.api._app import DEFAULT_MAX_BODY, create_app
from tidings.api._errors import ApiError, error_body

__all__ = ["DEFAULT_MAX_BODY", "ApiError", "create_app", "error_body"]
