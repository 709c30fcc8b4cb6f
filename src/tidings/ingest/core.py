"""Dispatch inputs to format readers and report bad items without stopping."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from tidings.errors import FetchError, IngestError
from tidings.records import Article

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read inputs."""

    format: str = "auto"
    published: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    allow_languages: tuple[str, ...] = ("en",)


@dataclass(frozen=True, slots=True)
class Failure:
    """An input (or an item within it) that could not be read."""

    source: str
    reason: str
    message: str


def read_text(text: str, *, source_path: str = "-", options: ReadOptions | None = None) -> Article:
    """Read one plain-text article (the structure is recognised, the text kept exactly)."""
    from tidings.ingest.structure import structure_article

    options = options or ReadOptions()
    article = Article(text=text, source_path=source_path, format="text")
    article = structure_article(article)
    if article.published is None and options.published:
        article = replace(article, published=options.published, published_from="option")
    return article


def read_bytes(data: bytes, *, source_path: str = "-", options: ReadOptions | None = None) -> Iterator[Article | Failure]:
    """Read articles from the bytes of one input."""
    options = options or ReadOptions()
    if not data.strip():
        raise IngestError(f"[T101] {source_path}: the input is empty")
    if len(data) > options.max_bytes:
        raise IngestError(
            f"[T102] {source_path}: the input is {len(data)} bytes, over the limit of "
            f"{options.max_bytes}; raise it with --max-bytes"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"[T103] {source_path}: the bytes are not UTF-8 text") from exc
    yield read_text(text, source_path=source_path, options=options)


def _iter_files(paths: Iterable[str]) -> Iterator[str]:
    for p in paths:
        if p != "-" and os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for name in sorted(files):
                    if not name.startswith("."):
                        yield os.path.join(root, name)
        else:
            yield p


def read_paths(paths: Iterable[str], options: ReadOptions | None = None) -> Iterator[Article | Failure]:
    """Read every input (files, directories recursively, ``-`` for stdin).

    A bad input is yielded as a :class:`Failure` and reading goes on.
    """
    import sys

    options = options or ReadOptions()
    for path in _iter_files(paths):
        try:
            if path == "-":
                data = sys.stdin.buffer.read()
            else:
                try:
                    data = Path(path).read_bytes()
                except OSError as exc:
                    raise FetchError(f"[T100] {path}: cannot read: {exc.strerror or exc}") from exc
            yield from read_bytes(data, source_path=path, options=options)
        except IngestError as exc:
            logger.debug("failed to read %s: %s", path, exc)
            yield Failure(source=path, reason=type(exc).__name__, message=str(exc))
