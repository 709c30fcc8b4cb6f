"""Canonical URLs: one spelling per article, so a feed's tracking links are seen once."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that say who sent the reader, not which page it is.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid", "mc_cid",
    "mc_eid", "_ga", "_gl", "ocid", "cmpid", "ncid", "sr_share", "at_medium", "at_campaign", "ref_src",
    "s_cid", "spm", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "rss",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "itm_")

_DEFAULT_PORTS = {"http": 80, "https": 443}
_CANONICAL_LINK = re.compile(rb"<link\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(rb"""([a-zA-Z:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def _tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The URL without tracking parameters or fragment, with a lower-case scheme and host.

    The default port is dropped, an empty path becomes ``/``; the remaining
    query parameters keep their order (some sites route on it).

    Example:
        >>> canonical_url("HTTPS://News.Example.ORG:443/a?utm_source=x&id=3&fbclid=y#top")
        'https://news.example.org/a?id=3'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{host}"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)])
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def link_canonical(html: bytes, base: str) -> str | None:
    """The ``<link rel=canonical href>`` of a page, absolute and canonical, when it has an http(s) one."""
    head = html[:262144]  # the head, not the whole page
    for tag in _CANONICAL_LINK.findall(head):
        attrs = {m[0].lower(): (m[1] or m[2] or m[3]) for m in _ATTR.findall(tag)}
        if b"canonical" in attrs.get(b"rel", b"").lower().split() and attrs.get(b"href"):
            href = attrs[b"href"].decode("utf-8", "replace").strip()
            found = urljoin(base, href)
            if urlsplit(found).scheme in ("http", "https"):
                return canonical_url(found)
    return None


def host_key(url: str) -> str:
    """``scheme://host[:port]``: the unit of politeness (robots.txt, rate, concurrency)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), (parts.netloc or "").lower(), "", "", ""))
