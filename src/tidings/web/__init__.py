"""The web interface of ``tidings serve``: pages over the store, fully offline.

``make_router()`` gives the FastAPI router of the pages (``/ui/...``); the
API app includes it and draws the pages' errors with ``error_page`` (see
:func:`tidings.api.create_app`).
"""

from __future__ import annotations

from tidings.web._atom import ATOM_TYPE, atom_feed, entry_title, evidence_path, watch_rows
from tidings.web._router import error_page, make_router

__all__ = ["ATOM_TYPE", "atom_feed", "entry_title", "error_page", "evidence_path", "make_router", "watch_rows"]
