"""Errors raised by tidings.

The hierarchy::

    TidingsError
    ├── IngestError          bad input: a file, page, feed, dump or archive
    │   ├── FetchError       the input cannot be opened or read
    │   └── ParseError       the bytes are there but are not what they claim
    ├── LexiconError         a data file (lexicon, ontology, dictionary) is invalid
    ├── PipelineError        the NLP pipeline cannot be built or run
    ├── StoreError           the store cannot be opened, migrated or written
    └── ConfigError          an option or setting is invalid

Every message states what failed, the value, what was expected and how to fix
it, and starts with a stable code such as ``[T101]`` so it can be searched.
The CLI turns a ``TidingsError`` into one line on stderr and exit status 1.

Codes by range: ``T1xx`` reading inputs; ``T2xx`` data files (``T201``-``T215``
the shared loader, ``T216``-``T219`` reading patterns, ``T220``-``T224`` the
quote cues, ``T225``-``T229`` the time lexicon, ``T230``-``T239`` the event
ontology, ``T240``-``T249`` actor dictionaries, ``T250``-``T269`` PETRARCH
dictionaries, ``T270``-``T279`` the places and county tables); ``T3xx`` the pipeline; ``T4xx`` component settings, ten
per component (``T400`` quotes, ``T410`` entities, ``T420`` events, ``T430``
times); ``T5xx`` the store; ``T8xx`` batch runs. A code keeps one meaning.
"""

from __future__ import annotations

from dataclasses import dataclass


class TidingsError(Exception):
    """Base class of every error tidings raises on purpose."""


class IngestError(TidingsError):
    """An input cannot be turned into an article."""


class FetchError(IngestError):
    """An input cannot be opened or read."""


class ParseError(IngestError):
    """An input was read but its content is malformed or of the wrong kind."""


class LexiconError(TidingsError):
    """A data file shipped with tidings or given by the user is invalid."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}"
            if line is not None:
                where += f":{line}"
            if field is not None:
                where += f" (field {field!r})"
            where += ": "
        super().__init__(where + message)
        self.path = path
        self.line = line
        self.field = field


class PipelineError(TidingsError):
    """The NLP pipeline cannot be built or run."""


class StoreError(TidingsError):
    """The store cannot be opened, migrated, read or written."""


class ConfigError(TidingsError):
    """An option or a setting has an invalid value."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """An expected rejection of an input: counted by a batch, not an error.

    Attributes:
        source: where the input came from (path, and entry within it).
        reason: a short machine-readable reason such as ``"language"``.
        detail: one human sentence.
    """

    source: str
    reason: str
    detail: str = ""


class TidingsWarning(UserWarning):
    """A recoverable misuse, such as an empty lexicon."""
