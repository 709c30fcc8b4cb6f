"""Errors raised by tidings.

The hierarchy::

    TidingsError
    ├── IngestError          bad input: a file, page, feed, dump or archive
    │   ├── FetchError       the input cannot be opened or read
    │   │   └── FetchFailed  a URL cannot be fetched (with the kind of failure)
    │   └── ParseError       the bytes are there but are not what they claim
    ├── LexiconError         a data file (lexicon, ontology, dictionary) is invalid
    ├── PipelineError        the NLP pipeline cannot be built or run
    ├── StoreError           the store cannot be opened, migrated or written
    │   └── QueryError       a query asks for something invalid (a bad cursor, date...)
    │       └── NotFound     a query names something the store does not hold
    └── ConfigError          an option or setting is invalid

Every message states what failed, the value, what was expected and how to fix
it, and starts with a stable code such as ``[T101]`` so it can be searched;
the code is also the error's ``code`` attribute, which handlers read (never
the message).
The CLI turns a ``TidingsError`` into one line on stderr and exit status 1.

Codes by range: ``T1xx`` reading inputs; ``T2xx`` data files (``T201``-``T215``
the shared loader, ``T216``-``T219`` reading patterns, ``T220``-``T224`` the
quote cues, ``T225``-``T229`` the time lexicon, ``T230``-``T239`` the event
ontology, ``T240``-``T249`` actor dictionaries, ``T250``-``T269`` PETRARCH
dictionaries, ``T270``-``T279`` the places, county and division tables, ``T280``-``T289`` the event
magnitudes table); ``T3xx`` the pipeline (``T300`` an article's analysis failed,
``T301``-``T302`` building the pipeline, ``T303`` an article over the analysis limit); ``T4xx`` component settings, ten
per component (``T400`` quotes, ``T410`` entities, ``T420`` events, ``T430``
times); ``T5xx`` the store; ``T6xx`` following sources live (``T600``-``T609``
sources and their settings, ``T610``-``T629`` fetching, ``T630``-``T649`` watches: ``T630`` an
unknown field, ``T631`` the name, ``T632`` the kind, ``T633`` a filter the kind does not read,
``T634`` a filter's value, ``T635`` the webhook or its secret, ``T636`` no such watch, ``T637`` no
such match, ``T638`` a bad timestamp, ``T639`` a match with no webhook; ``T650``-``T659`` webhook
deliveries: ``T650`` the receiver answered an error status, ``T651`` no answer in time, ``T652`` a
network error, ``T653`` a bad URL or a redirect not followed, ``T654`` delivery settings); ``T8xx``
batch runs. A code keeps one meaning.
"""

from __future__ import annotations

from dataclasses import dataclass


def _split_code(message: str) -> tuple[str | None, str]:
    """Split a leading ``[Txxx] `` off a message: ``("T101", "rest")``, or ``(None, message)``."""
    if len(message) > 6 and message[0] == "[" and message[1] == "T" and message[5] == "]" \
            and message[2:5].isdigit():
        return message[1:5], message[6:].lstrip()
    return None, message


class TidingsError(Exception):
    """Base class of every error tidings raises on purpose.

    Attributes:
        code: the stable code (``"T101"``), or ``None`` for an uncoded error.
            Handlers read it, never the message: ``except ParseError as exc:
            exc.code``. The message (``str(exc)``) starts with ``[T101]``.

    Args:
        message: what failed, the value, what was expected and how to fix it.
        code: the code; a message written as ``"[T101] ..."`` carries its own.
    """

    code: str | None

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        stated, text = _split_code(message)
        self.code = code or stated
        self.detail = text
        super().__init__(f"[{self.code}] {text}" if self.code else text)


class IngestError(TidingsError):
    """An input cannot be turned into an article."""


class FetchError(IngestError):
    """An input cannot be opened or read."""


class FetchFailed(FetchError):
    """A URL could not be fetched (``tidings follow``).

    Attributes:
        kind: why, for the source's error counters: ``timeout``, ``network``,
            ``http-503``, ``too-many-redirects``, ``redirect-loop``,
            ``too-large``, ``robots``, ``content-type``, ``malformed``, ``url``.
    """

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


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
        self.code = _split_code(message)[0]
        self.path = path
        self.line = line
        self.field = field


class PipelineError(TidingsError):
    """The NLP pipeline cannot be built or run."""


class StoreError(TidingsError):
    """The store cannot be opened, migrated, read or written."""


class QueryError(StoreError):
    """A query asks for something invalid: a bad cursor, limit, date or filter value."""


class NotFound(QueryError):
    """A query names an article, entity or cluster that the store does not hold."""


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
