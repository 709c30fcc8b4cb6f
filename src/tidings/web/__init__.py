"""The web interface of ``tidings serve``: pages over the store, fully offline.

``make_router()`` gives the FastAPI router of the pages (``/ui/...``); the
API app includes it (see :func:`tidings.api.create_app`).
"""

from __future__ import annotations

from tidings.web._router import make_router

__all__ = ["make_router"]
