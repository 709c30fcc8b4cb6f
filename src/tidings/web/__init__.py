"""The web interface of ``tidings serve``: pages over the store, fully offline.

``make_router()`` gives the FastAPI router of the pages (``/ui/...``); the
API app includes it and draws the pages' errors with ``error_page`` (see
:func:`tidings.api.create_app`).
"""

from __future__ import annotations

from tidings.web._router import error_page, make_router

__all__ = ["error_page", "make_router"]
