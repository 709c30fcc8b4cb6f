"""Read one HTML page: its main text and metadata, extracted with trafilatura."""

from __future__ import annotations

import logging
import re
from typing import Any

from tidings.errors import ParseError
from tidings.ingest._common import Draft, with_headline

logger = logging.getLogger(__name__)

# Options chosen on eval/html_extraction.py (F1 over the English subset of
# trafilatura's evaluation pages): leaving out reader comments gains ~0.01 F1
# over trafilatura's defaults; favor_precision or favor_recall both lose.
EXTRACTION_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": False,
    "favor_recall": False,
}
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)


class _ToDebug(logging.Filter):
    """Demote the extraction libraries' records to debug lines of this module's logger (on their loggers).

    trafilatura and its helpers log their own warnings (``discarding data``) for
    pages that tidings reports itself with one coded line; each input gets one line.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".")[0] in _LIBRARIES:
            logger.debug("%s: %s", record.name, record.getMessage())
            return False
        return True


_LIBRARIES = frozenset({"trafilatura", "htmldate", "courlan", "justext", "readability"})
_FILTER = _ToDebug()
_QUIETED: list[bool] = []


def _quiet_libraries() -> None:
    """Attach the filter to the extraction libraries' loggers, once they are imported."""
    if _QUIETED:
        return
    _QUIETED.append(True)
    for name, item in list(logging.Logger.manager.loggerDict.items()):
        if (name.split(".")[0] in _LIBRARIES and isinstance(item, logging.Logger)
                and _FILTER not in item.filters):
            item.addFilter(_FILTER)


def read_html(markup: str, *, source: str, url: str | None = None, entry: str | None = None,
              fmt: str = "html") -> Draft:
    """Extract the article from an HTML page.

    The main text becomes paragraphs separated by blank lines, preceded by the
    page title when the metadata has one.

    Args:
        markup: the decoded page.
        source: where it came from, for error messages.
        url: the page's URL when known (from a WARC record), used when the page names none.
        entry: the entry within the input (a WARC record id).
        fmt: the format to record (``html`` or ``warc``).

    Returns:
        The draft article.

    Raises:
        ParseError: ``[T105]`` when the markup cannot be parsed as HTML,
            ``[T110]`` when the page holds no article text.
    """
    # trafilatura (about 1 s) loads with the first HTML page, so importing this module stays cheap.
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    _quiet_libraries()
    tree = load_html(markup)
    if tree is None:
        raise ParseError(f"[T105] {source}: malformed HTML: the markup cannot be parsed; "
                         "check that the file is a complete web page")
    document = bare_extraction(tree, url=url, with_metadata=True, **EXTRACTION_OPTIONS)
    meta: dict[str, Any] = {}
    if document is not None:
        meta = document if isinstance(document, dict) else document.as_dict()
    body = str(meta.get("text") or "")
    if not body.strip():
        raise ParseError(f"[T110] {source}: no article text found in the HTML page")
    paragraphs = "\n\n".join(line.strip() for line in body.split("\n") if line.strip())
    headline, text = with_headline(meta.get("title"), paragraphs)
    match = _HTML_LANG.search(markup[:4096])
    return Draft(
        text=text,
        format=fmt,
        source_entry=entry,
        headline=headline,
        published=meta.get("date") or None,
        url=meta.get("url") or url,
        author=meta.get("author") or None,
        sitename=meta.get("sitename") or None,
        language=meta.get("language") or (match.group(1).lower() if match else None),
    )
