"""Turn the bytes of one input into text: declared charset, then UTF-8, then a detector."""

from __future__ import annotations

import codecs
import logging
import re

from tidings.errors import ParseError

logger = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
# Control characters other than tab, newline, form feed and carriage return: text has almost none.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SNIFF = 8192
_WESTERN = ("cp1252", "latin_1", "iso8859_15")


def bom_encoding(data: bytes) -> str | None:
    """Return the codec named by a byte-order mark at the start of ``data``, if any."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def declared_encoding(data: bytes) -> str | None:
    """Return the charset an XML declaration or an HTML ``<meta>`` declares, if any.

    Args:
        data: the start of the input (the first few kilobytes suffice).

    Returns:
        A codec name Python knows, or None.
    """
    head = data[:_SNIFF]
    match = _XML_DECL.match(head) or _META_CHARSET.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        logger.debug("unknown declared charset %r", name)
        return None


def looks_binary(data: bytes) -> bool:
    """Whether ``data`` is not text: NUL bytes (without a UTF-16/32 mark) anywhere in it.

    Text holds no NUL byte, so one far into the input (past what sniffing the
    start would see) makes the whole input binary, decided when it is read.
    """
    return b"\x00" in data and bom_encoding(data[:4]) not in {"utf-16", "utf-32"}


def decode(data: bytes, *, source: str, declared: bool = True, charset: str | None = None) -> str:
    """Decode the bytes of one input.

    Tries, in order: a byte-order mark, the charset the document declares (when
    ``declared``), UTF-8, then charset-normalizer's best guess.

    Args:
        data: the raw bytes.
        source: where they came from, for error messages.
        declared: whether to look for an XML or HTML charset declaration.
        charset: a charset named outside the bytes (an HTTP header), tried first.

    Returns:
        The text (a byte-order mark is dropped).

    Raises:
        ParseError: ``[T104]`` for binary data, ``[T103]`` when no charset fits.
    """
    if looks_binary(data):
        raise ParseError(
            f"[T104] {source}: the input is binary (it holds NUL bytes), not text; "
            "give a text, HTML, feed, JSONL or WARC file"
        )
    candidates: list[str] = []
    bom = bom_encoding(data)
    if bom:
        candidates.append(bom)
    if charset:
        candidates.append(charset)
    if declared:
        named = declared_encoding(data)
        if named:
            candidates.append(named)
    candidates.append("utf-8")
    for codec in candidates:
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        return _check_text(text, source)
    # Only for bytes that no declared or usual encoding decodes; every command imports
    # the readers, so the others (and `tidings --help`) never pay for it.
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is not None:
        # Short texts often fit several single-byte charsets equally well; among
        # equals prefer Western European, the commonest legacy charset of news.
        for candidate in results:
            if (candidate.encoding in _WESTERN and candidate.chaos <= best.chaos + 1e-6
                    and candidate.coherence >= best.coherence - 1e-6):
                best = candidate
                break
        logger.debug("%s: decoded as %s (detected)", source, best.encoding)
        return _check_text(str(best), source)
    raise ParseError(
        f"[T103] {source}: the bytes are not text in any charset tried (declared, UTF-8, detected); "
        "convert the file to UTF-8"
    )


def _check_text(text: str, source: str) -> str:
    sample = text[:_SNIFF]
    if sample and len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise ParseError(
            f"[T104] {source}: the input is binary (it is full of control characters), not text; "
            "give a text, HTML, feed, JSONL or WARC file"
        )
    return text
