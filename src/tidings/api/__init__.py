"""The REST API over the store (FastAPI): ``create_app`` builds it, ``tidings serve`` runs it."""

from __future__ import annotations

from tidings.api._app import DEFAULT_MAX_BODY, create_app
from tidings.api._errors import ApiError, error_body
from tidings.api._security import DEFAULT_TRUSTED_HOSTS

__all__ = ["DEFAULT_MAX_BODY", "DEFAULT_TRUSTED_HOSTS", "ApiError", "create_app", "error_body"]
