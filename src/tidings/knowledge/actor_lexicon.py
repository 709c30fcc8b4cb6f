"""The shipped named-actor lexicon: the field's actors (PETRARCH-2) as tidings' default coverage.

``tidings:entities/actors.tsv`` is derived by ``tools/make_actor_lexicon.py``
from PETRARCH-2's ``Phoenix.Countries``, ``Phoenix.International`` and
``Phoenix.MilNonState`` actor dictionaries (MIT): heads of state and ministers
with their dated offices, international organisations and their officials,
companies, media, armed and non-state groups. The entity stage loads it under
tidings' own gazetteers (a name those know keeps their reading) and under the
user's actor dictionaries (which win over both). Replace it with a file of the
same columns (``--entity-data DIR`` holding an ``actors.tsv``).

One row per actor::

    name  aliases  type  code  country  sector  roles  source

``roles`` lists dated codes, ``|``-separated, each ``code sector start end``
(``-`` for none); the first that holds on the article's date gives the
entity's code and sector, else ``code`` and ``sector`` do.

The validated rows are compiled once into a cache keyed on the file's content
(``$TIDINGS_CACHE/entities``), so a process loads the 26,000 actors in tens of
milliseconds.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import tempfile
from typing import Any

from tidings.knowledge.actors import ActorEntry, RoleEntry
from tidings.knowledge.files import Field, _read, cache_dir, load_data_file

logger = logging.getLogger(__name__)

ACTORS = "tidings:entities/actors.tsv"
_CACHE_VERSION = "1"
_CODE = re.compile(r"^[A-Z]{3}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _code(value: Any) -> str | None:
    return None if _CODE.match(str(value)) else "expected a three-letter code (KOR, IGO, MNC)"


def _sector(value: Any) -> str | None:
    return None if _CODE.match(str(value)) else "expected a three-letter sector code (GOV, REB)"


def _roles(value: Any) -> str | None:
    for item in value:
        parts = item.split()
        if len(parts) != 4:
            return f"a role is 'code sector start end' ('-' for none); got {item!r}"
        code, sector, start, end = parts
        if code != "-" and _code(code):
            return f"bad role code {code!r}"
        if sector != "-" and _sector(sector):
            return f"bad role sector {sector!r}"
        for day in (start, end):
            if day != "-" and not _DATE.match(day):
                return f"bad role date {day!r}; expected YYYY-MM-DD"
        if start != "-" and end != "-" and end < start:
            return f"the role ends ({end}) before it starts ({start})"
    return None


FIELDS = [
    Field("name", required=True), Field("aliases", kind="list"),
    Field("type", required=True, choices=frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})),
    Field("code", check=_code), Field("country", check=_code), Field("sector", check=_sector),
    Field("roles", kind="list", check=_roles), Field("source"),
]


def _entries(data: Any) -> list[ActorEntry]:
    from tidings.knowledge.petrarch import _is_country

    out = []
    for e in data.entries:
        roles = []
        for item in e["roles"]:
            code, sector, start, end = (None if p == "-" else p for p in item.split())
            country = code if code and _is_country(code) else None
            roles.append(RoleEntry(code=code, country=country, sector=sector, start=start, end=end))
        out.append(ActorEntry(name=e["name"], aliases=tuple(e["aliases"]), type=e["type"], code=e["code"],
                              country=e["country"], sector=e["sector"], roles=tuple(roles),
                              source=f"{data.path}:{e['_line']}"))
    return out


def norm(text: str) -> str:
    """A name as the lexicon looks it up: lower case, one space between words, straight quotes."""
    return " ".join(text.lower().replace("\u2019", "'").split())


class ActorTable:
    """The actors of a lexicon, compact: rows as tuples, an index of their names.

    Attributes:
        path: the file it was read from.
        rows: one packed tuple per actor (see :meth:`entry`).
        index: normalised name (:func:`norm`) -> row number.
        first: normalised first word of a name -> the length of the longest
            name (in characters) that starts with it.
    """

    def __init__(self, path: str, rows: list[tuple[Any, ...]], index: dict[str, int], first: dict[str, int]) -> None:
        self.path = path
        self.rows = rows
        self.index = index
        self.first = first
        self._entries: dict[int, ActorEntry] = {}
        self.sha256 = ""

    def __len__(self) -> int:
        return len(self.rows)

    def entry(self, row: int) -> ActorEntry:
        """The :class:`ActorEntry` of a row (built once, on first use)."""
        found = self._entries.get(row)
        if found is None:
            from tidings.knowledge.petrarch import _unpack

            found = self._entries[row] = _unpack([self.rows[row]], self.path)[0]
        return found

    def entries(self) -> list[ActorEntry]:
        """Every actor, in file order."""
        return [self.entry(i) for i in range(len(self.rows))]

    def find(self, name: str) -> ActorEntry | None:
        """The actor a name (any case) names, if any."""
        row = self.index.get(norm(name))
        return None if row is None else self.entry(row)

    @classmethod
    def build(cls, path: str, entries: list[ActorEntry]) -> ActorTable:
        from tidings.knowledge.petrarch import _pack

        index: dict[str, int] = {}
        first: dict[str, int] = {}
        for n, e in enumerate(entries):
            for form in dict.fromkeys((e.name, *e.aliases)):
                key = norm(form)
                if not key or key in index:
                    continue  # the first actor of a name keeps it
                index[key] = n
                head = key.split()[0]
                first[head] = max(first.get(head, 0), len(key))
        return cls(path, _pack(entries), index, first)


def load_actor_lexicon(path: str = ACTORS, *, cache: bool = True) -> ActorTable:
    """Read and validate an actor lexicon (the shipped one by default).

    Args:
        path: ``tidings:entities/actors.tsv`` or a user's file of the same columns.
        cache: keep the compiled table in ``$TIDINGS_CACHE/entities``, keyed on
            the sha256 of the file's text (written to a temporary file and
            renamed; a missing or damaged cache is rebuilt).

    Raises:
        LexiconError: naming the file, line and field of the first problem.
    """
    name, text = _read(path)
    digest = hashlib.sha256(f"tidings-actor-lexicon:{_CACHE_VERSION}\n".encode())
    digest.update(text.encode("utf-8"))
    target = cache_dir() / "entities" / f"actors-{digest.hexdigest()[:24]}.pickle" if cache else None
    if target is not None:
        try:
            with target.open("rb") as fh:
                rows, index, first = pickle.load(fh)  # noqa: S301 - our own cache, keyed on the content
            table = ActorTable(name, rows, index, first)
            table.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
            return table
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            pass
    data = load_data_file(path, FIELDS)
    table = ActorTable.build(data.path, _entries(data))
    table.sha256 = data.sha256
    if target is not None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump((table.rows, table.index, table.first), fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError as exc:
            logger.info("cannot write the actor lexicon cache %s: %s", target, exc)
    return table


def actor_lexicon_digest(path: str = ACTORS) -> str:
    """The sha256 of a lexicon file's text (for caches derived from it)."""
    return hashlib.sha256(_read(path)[1].encode("utf-8")).hexdigest()


__all__ = ["ACTORS", "FIELDS", "ActorTable", "actor_lexicon_digest", "load_actor_lexicon", "norm"]
