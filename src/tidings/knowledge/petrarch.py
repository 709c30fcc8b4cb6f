"""Import TABARI/PETRARCH actor and agent dictionaries.

The actor format (``PETR.Validate.actors.txt`` and the PETRARCH ``Phoenix``
dictionaries) is line oriented:

* ``<!-- ... -->`` blocks (possibly over several lines) and text after ``#`` or
  ``;`` are comments.
* A line that starts at the margin opens an actor: its name, words joined by
  ``_`` or spaces (a trailing ``_`` asks for an exact word and is dropped),
  optionally followed by its code(s) in brackets: ``ISRAEL [ISR]``.
* ``+NAME`` lines add synonyms to the open actor.
* Indented ``[CODE ...]`` lines add codes to the open actor, optionally dated:
  ``[HOB < 950601]`` (before), ``[HOBREB > 990816]`` (after),
  ``[HOBGOV 19950601 - 19990815]`` (between, inclusive). Dates are ``YYMMDD``
  or ``YYYYMMDD``. The first dated code that holds on a date wins; an undated
  code is the default.
* ``[ELR/GAL]`` names a joint actor coded as each of its parts; ``[---]`` is an
  actor known to be uncoded.

The agent format (``PETR.Validate.agents.txt``) gives sector words:
``MINISTER [~GOV]`` (a suffix added to the actor's code), ``MSF {} [NGO~]`` (a
prefix), ``GOLDEN_GOOSE {GOLDEN_GEESE} [~GGS]`` (explicit plural; ``{}`` means
no plural), and substitution sets ``!PERSON! = MAN, MEN``.

Entries become :class:`~tidings.knowledge.actors.ActorEntry` records whose dated
codes are :class:`~tidings.knowledge.actors.RoleEntry` items with ``code``,
``start`` and ``end``. Errors name the file, line and field.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import re
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tidings.errors import LexiconError, TidingsWarning
from tidings.knowledge.actors import ActorEntry, RoleEntry

logger = logging.getLogger(__name__)

# Code prefixes that name a kind of organisation rather than a country.
_ORG_PREFIXES = frozenset({"IGO", "NGO", "NGM", "MNC", "IMG", "UIS", "UNO", "IMF"})

# CAMEO role codes: the sector of a code is the first of these after the country.
# fmt: off
_SECTORS = frozenset({
    "GOV", "MIL", "REB", "OPP", "PTY", "COP", "JUD", "SPY", "MED", "EDU", "BUS", "CRM", "CVL", "LAB",
    "LEG", "HLH", "REF", "MOD", "RAD", "ELI", "AGR", "ENV", "HRI", "UAF", "INS", "SEP", "REL", "DEV",
    "NGO", "IGO",
})
# fmt: on

_COMMENT_BLOCK = re.compile(r"<!.*?-->", re.S)
_BRACKET = re.compile(r"\[([^\]]*)\]")
_DATE6 = re.compile(r"^\d{6}$")
_DATE8 = re.compile(r"^\d{8}$")


@dataclass(frozen=True, slots=True)
class AgentEntry:
    """A sector word from an agents dictionary.

    Attributes:
        name: the word or phrase (spaces between words), upper case as written.
        forms: every surface form to match: the name and its plurals.
        sector: the code the agent adds (``GOV``, ``MED``, ``NGO``...).
        position: ``suffix`` when the code follows the actor's (``[~GOV]``),
            ``prefix`` when it precedes it (``[NGO~]``).
        source: ``file:line`` it came from.
    """

    name: str
    forms: tuple[str, ...]
    sector: str
    position: str = "suffix"
    source: str | None = None


def _strip_comments(text: str) -> list[str]:
    """Blank ``<!-- -->`` blocks (keeping line numbers) and cut ``#``/``;`` comments."""

    def blank(m: re.Match[str]) -> str:
        return "\n" * m.group(0).count("\n")

    text = _COMMENT_BLOCK.sub(blank, text)
    lines = []
    for line in text.split("\n"):
        cut = len(line)
        for mark in ("#", ";"):
            i = line.find(mark)
            if i != -1:
                cut = min(cut, i)
        lines.append(line[:cut].rstrip())
    return lines


def _date(value: str, *, path: str, line: int) -> str:
    """Turn ``YYMMDD`` or ``YYYYMMDD`` into an ISO date."""
    value = value.strip()
    if _DATE8.match(value):
        y, m, d = value[:4], value[4:6], value[6:]
    elif _DATE6.match(value):
        yy = int(value[:2])
        # TABARI's two-digit years: the dictionaries were written before 2030 and
        # their roles start in the 1930s ("491001" is 1949, "090120" 2009).
        y = f"{1900 + yy if yy >= 30 else 2000 + yy}"
        m, d = value[2:4], value[4:]
    else:
        raise LexiconError(
            f"[T250] bad date {value!r}; expected YYMMDD or YYYYMMDD", path=path, line=line, field="date"
        )
    from datetime import date

    try:
        date(int(y), int(m), int(d))
    except ValueError:
        raise LexiconError(f"[T250] bad date {value!r}: no such day", path=path, line=line,
                           field="date") from None
    return f"{y}-{m}-{d}"


def _day_before(iso: str) -> str:
    from datetime import date, timedelta

    day = date.fromisoformat(iso)
    return (day - timedelta(days=1)).isoformat() if day > date.min else day.isoformat()


def _day_after(iso: str) -> str:
    from datetime import date, timedelta

    day = date.fromisoformat(iso)
    return (day + timedelta(days=1)).isoformat() if day < date.max else day.isoformat()


def _parse_code(body: str, *, path: str, line: int) -> tuple[str | None, str | None, str | None]:
    """Parse the inside of ``[...]``: return (code, start, end) with ISO dates."""
    body = body.strip()
    if not body:
        raise LexiconError("[T251] empty code in brackets; write [CODE] or [CODE >YYMMDD]", path=path,
                           line=line, field="code")
    m = re.match(r"^(\S+?)\s*(?:([<>])\s*(\d+)|(\d+)\s*-\s*(\d+))?\s*$", body)
    if m is None or (m.group(1).isdigit() and len(m.group(1)) >= 6):
        raise LexiconError(
            f"[T252] cannot read the code {body!r}; expected CODE, CODE <YYMMDD, CODE >YYMMDD "
            "or CODE YYYYMMDD-YYYYMMDD",
            path=path, line=line, field="code",
        )
    code_text, op, when, lo, hi = m.groups()
    code: str | None = code_text.upper()
    if code is not None and set(code) <= {"-"}:
        code = None  # a known actor without a code
    start = end = None
    if op == "<":
        end = _day_before(_date(when, path=path, line=line))
    elif op == ">":
        start = _day_after(_date(when, path=path, line=line))
    elif lo is not None:
        start, end = _date(lo, path=path, line=line), _date(hi, path=path, line=line)
    return code, start, end


def split_code(code: str | None) -> tuple[str | None, str | None]:
    """Split a CAMEO-style actor code into (country or organisation, sector).

    ``"KORGOV"`` gives ``("KOR", "GOV")``; ``"IGOEEU"`` gives ``(None, "IGO")``;
    ``"ARN"`` gives ``("ARN", None)``.
    """
    if code and "/" in code:
        code = code.split("/", 1)[0]
    if not code or not code[:3].isalpha():
        return None, None
    code = code.upper()
    head = code[:3]
    if head in _ORG_PREFIXES:
        return None, "IGO" if head in {"IGO", "UNO", "IMF"} else head
    chunks = [code[i : i + 3] for i in range(3, len(code) - 2, 3)]
    sector = next((c for c in chunks if c in _SECTORS), chunks[0] if chunks else None)
    return head, sector


@dataclass(frozen=True, slots=True)
class CodeFields:
    """A PETRARCH actor code read into tidings' actor fields.

    Attributes:
        code: tidings' actor code: the ISO 3166-1 alpha-3 country, or the kind
            of organisation (``IGO``, ``NGO``, ``MNC``...); ``None`` when unknown
            (``---GOV``).
        country: the ISO alpha-3 country, when the code names one.
        sector: the sector (``GOV``, ``COP``...; ``IGO``/``NGO`` for those).
        org: the organisation part of an organisation code (``UNO`` in ``IGOUNO``).
        petrarch: the code as the dictionary gives it.
    """

    code: str | None
    country: str | None
    sector: str | None
    org: str | None = None
    petrarch: str | None = None


def _is_country(head: str) -> bool:
    import pycountry

    return pycountry.countries.get(alpha_3=head) is not None


def code_fields(code: str | None) -> CodeFields:
    """Read a PETRARCH actor code into tidings' fields.

    ``USAGOV`` -> code and country ``USA``, sector ``GOV``; ``IGOUNO`` -> code
    ``IGO``, sector ``IGO``, org ``UNO``; ``NGOHRIAMN`` -> code ``NGO``;
    ``---GOV`` -> no code, sector ``GOV``; a region code (``AFR``) keeps its
    three letters as code with no country. A joint code (``ELR/GAL``) is read
    by its first part.
    """
    if not code:
        return CodeFields(None, None, None)
    raw = code.strip().upper()
    first = raw.split("/", 1)[0]
    head = first[:3]
    if head in _ORG_PREFIXES:
        kind = "IGO" if head in {"IGO", "UNO", "IMF"} else head
        org = first[3:6] or (head if head != kind else None)
        sector = {"MNC": "BUS"}.get(kind, kind)
        return CodeFields(kind, None, sector, org or None, raw)
    chunks = [first[i : i + 3] for i in range(3, len(first) - 2, 3)]
    sector = next((c for c in chunks if c in _SECTORS), chunks[0] if chunks else None)
    if set(head) <= {"-"} or not head.isalpha():
        return CodeFields(None, None, sector, None, raw)
    return CodeFields(head, head if _is_country(head) else None, sector, None, raw)


def combine_agent(base: str | None, agent: str, position: str = "suffix") -> str:
    """The code of an agent word applied to an actor, as PETRARCH builds it.

    ``combine_agent("TUR", "COP")`` is ``TURCOP`` ("Turkish police");
    ``combine_agent("TUR", "NGO", "prefix")`` is ``NGOTUR``; without a base
    actor the country part is unknown: ``---COP``.
    """
    base = (base or "---").upper()
    agent = agent.upper()
    return agent + base if position == "prefix" else base + agent


def agent_fields(country: str | None, agent: str, position: str = "suffix") -> CodeFields:
    """tidings' fields for an agent word modified by a country: ("TUR", "COP") -> TUR, COP."""
    fields = code_fields(combine_agent(country, agent, position))
    if position == "prefix" and country:
        # NGO~ agents name an organisation of that country: keep the country.
        return CodeFields(fields.code, country.upper(), fields.sector, None, fields.petrarch)
    return fields


AGENTS = "tidings:entities/agents.tsv"


@dataclass(frozen=True, slots=True)
class AgentWord:
    """An agent word of ``agents.tsv``: the noun heading an actor phrase ("Turkish **police**").

    Attributes:
        word: the word or phrase, lower case.
        code: the agent code the dictionary adds (``COP``, ``GOVMED``).
        sector: its first three letters.
        position: ``suffix`` (after the country: TUR + COP) or ``prefix`` (NGO~).
    """

    word: str
    code: str
    sector: str
    position: str = "suffix"


@functools.lru_cache(maxsize=4)
def load_agent_words(path: str = AGENTS) -> dict[str, AgentWord]:
    """Every form (lower case: the word and its plurals) of the agent words of a file.

    Args:
        path: ``agents.tsv`` as shipped (built by ``tools/make_event_lexicon.py``
            from PETRARCH-2's ``Phoenix.agents.txt``) or a user's file of that shape.

    Raises:
        LexiconError: naming the file, line and field of the first problem.
    """
    from tidings.knowledge.files import Field, load_data_file

    def code_check(value: str) -> str | None:
        return None if value.isalnum() and value.isupper() else "an agent code is upper-case letters"

    data = load_data_file(path, [
        Field("word", required=True), Field("forms", kind="list"), Field("code", required=True, check=code_check),
        Field("sector", required=True, check=code_check),
        Field("position", required=True, choices=frozenset({"suffix", "prefix"})), Field("line", kind="int"),
    ])
    out: dict[str, AgentWord] = {}
    for e in data.entries:
        agent = AgentWord(e["word"].lower(), e["code"], e["sector"], e["position"])
        for form in (agent.word, *(f.lower() for f in e["forms"])):
            out.setdefault(form, agent)
    return out


def _name(raw: str) -> str:
    """Dictionary form to words: ``PRESIDENT_GEORGE_W._BUSH`` -> ``PRESIDENT GEORGE W. BUSH``."""
    return " ".join(raw.replace("_", " ").split())


def load_petrarch_actors(path: str | Path, *, strict: bool = False) -> list[ActorEntry]:
    """Read a TABARI/PETRARCH actor dictionary.

    Real dictionaries hold a few malformed lines (a date ``9008223``, a code
    ``[MNEGOV 20121204]``): unless ``strict``, each such line is skipped (an
    actor keeps its other lines) and one :class:`~tidings.errors.TidingsWarning`
    names the file, the count and the line numbers.

    Args:
        path: the dictionary file.
        strict: raise on the first malformed line instead.

    Returns:
        One entry per actor: ``name`` in title case, ``aliases`` the dictionary
        forms (upper case, spaces between words) of the name and its synonyms,
        ``code`` the undated code (``None`` when all codes are dated or the actor
        is uncoded), ``country``/``sector`` split from that code, ``roles`` one
        :class:`RoleEntry` per dated code, in dictionary order.

    Raises:
        LexiconError: the file cannot be read; with ``strict``, naming the file,
            line and field of the first malformed entry.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise LexiconError(f"[T201] cannot read the actor dictionary: {exc}", path=name) from exc
    entries, skipped = _read_actors(text, name, strict=strict)
    _warn_skipped(name, skipped)
    return entries


def _read_actors(text: str, name: str, *, strict: bool) -> tuple[list[ActorEntry], list[int]]:
    """Parse an actor dictionary's text: the entries and the line numbers skipped."""
    skipped: list[int] = []
    entries: list[ActorEntry] = []
    current: dict[str, object] | None = None

    def close() -> None:
        if current is None:
            return
        forms: list[str] = current["forms"]  # type: ignore[assignment]
        codes: list[tuple[str | None, str | None, str | None]] = current["codes"]  # type: ignore[assignment]
        default = next((c for c, s, e in codes if s is None and e is None), None)
        roles = tuple(
            RoleEntry(code=c, country=split_code(c)[0], sector=split_code(c)[1], start=s, end=e)
            for c, s, e in codes
            if s is not None or e is not None
        )
        if not codes:
            logger.debug("%s:%s: actor %r has no code", name, current["line"], forms[0])
        country, sector = split_code(default)
        entries.append(
            ActorEntry(
                name=forms[0].title(),
                aliases=tuple(dict.fromkeys(forms)),
                code=default,
                country=country,
                sector=sector,
                roles=roles,
                source=f"{name}:{current['line']}",
            )
        )

    for lineno, line in enumerate(_strip_comments(text), start=1):
        if not line.strip():
            continue
        try:
            current = _actor_line(line, lineno, name, current, close)
        except LexiconError:
            if strict:
                raise
            skipped.append(lineno)
    close()
    return entries, skipped


def _actor_line(line: str, lineno: int, name: str, current: dict[str, Any] | None,
                close: Callable[[], None]) -> dict[str, Any] | None:
    """Read one non-blank line of an actor dictionary; return the actor now open.

    Nothing changes when the line is malformed: every check comes before ``close``.
    """
    if "[" in line and "]" not in line:
        raise LexiconError("[T253] '[' without a closing ']'", path=name, line=lineno, field="code")
    codes = [_parse_code(b, path=name, line=lineno) for b in _BRACKET.findall(line)]
    expanded: list[tuple[str | None, str | None, str | None]] = []
    for c, s, e in codes:
        if c is not None and "/" in c:
            expanded.append(("/".join(p for p in c.split("/") if p), s, e))
        else:
            expanded.append((c, s, e))
    words = _BRACKET.sub(" ", line).strip()
    indented = line[:1] in {" ", "\t"}
    if words.startswith("+"):
        if current is None:
            raise LexiconError("[T254] a '+' synonym before any actor", path=name, line=lineno,
                               field="name")
        form = _name(words[1:])
        if not form:
            raise LexiconError("[T255] an empty synonym", path=name, line=lineno, field="name")
        current["forms"].append(form)  # type: ignore[attr-defined]
        current["codes"].extend(expanded)  # type: ignore[attr-defined]
    elif indented and not words:
        if current is None:
            raise LexiconError("[T256] a code line before any actor", path=name, line=lineno,
                               field="code")
        current["codes"].extend(expanded)  # type: ignore[attr-defined]
    else:
        if indented and current is not None and not expanded:
            # An indented word line without codes continues nothing we know.
            raise LexiconError(f"[T257] unexpected indented text {words!r}", path=name, line=lineno,
                               field="name")
        close()
        form = _name(words)
        if not form:
            raise LexiconError("[T255] an actor line without a name", path=name, line=lineno,
                               field="name")
        current = {"forms": [form], "codes": list(expanded), "line": lineno}
    return current


# Bump when the parse or the cached shape changes, so that old caches are not read.
ACTOR_CACHE_VERSION = "3"


def actor_cache_path(data: bytes) -> Path:
    """The cache file of an actor dictionary with these bytes (keyed on their sha256)."""
    from tidings.knowledge.files import cache_dir

    digest = hashlib.sha256(f"tidings-petrarch-actors:{ACTOR_CACHE_VERSION}\n".encode())
    digest.update(data)
    return cache_dir() / "petrarch" / f"actors-{digest.hexdigest()[:24]}.pickle"


def _pack(entries: list[ActorEntry]) -> list[tuple[Any, ...]]:
    """Entries as plain tuples in field order: unpickled and rebuilt far faster than dataclasses."""
    return [(e.name, e.aliases, e.type, e.code, e.country, e.sector, e.kb,
             tuple((r.title, r.org, r.country, r.sector, r.code, r.start, r.end) for r in e.roles),
             (e.source or "").rsplit(":", 1)[-1]) for e in entries]


def _unpack(rows: list[tuple[Any, ...]], name: str) -> list[ActorEntry]:
    role = RoleEntry
    return [ActorEntry(n, aliases, kind, code, country, sector, kb,
                       tuple([role(*r) for r in roles]) if roles else (), f"{name}:{line}")
            for n, aliases, kind, code, country, sector, kb, roles, line in rows]


def load_petrarch_actors_cached(path: str | Path) -> list[ActorEntry]:
    """:func:`load_petrarch_actors`, compiled once into a cache keyed on the file's sha256.

    The cache lives in ``$TIDINGS_CACHE/petrarch`` (else the user cache
    directory, see :func:`tidings.knowledge.files.cache_dir`). It is written to a temporary
    file and renamed into place, so two processes building it at once are safe;
    an unreadable or unwritable cache only costs the parse. The warning about
    skipped malformed lines is given on every load, from the cache too.

    Args:
        path: the dictionary file.

    Returns:
        The same entries as :func:`load_petrarch_actors`.

    Raises:
        LexiconError: the file cannot be read.
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise LexiconError(f"[T201] cannot read the actor dictionary: {exc}", path=name) from exc
    cache = actor_cache_path(data)
    try:
        with cache.open("rb") as fh:
            rows, skipped = pickle.load(fh)  # noqa: S301 - our own cache, keyed on the content hash
        entries = _unpack(rows, name)
    except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
        entries, skipped = _read_actors(data.decode("utf-8", errors="replace"), name, strict=False)
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cache.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump((_pack(entries), skipped), fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, cache)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError as exc:
            logger.info("cannot write the actor dictionary cache %s: %s", cache, exc)
    _warn_skipped(name, skipped)
    return entries


def _warn_skipped(name: str, lines: list[int]) -> None:
    """One warning for all the malformed lines of a dictionary that were skipped."""
    if not lines:
        return
    shown = ", ".join(str(n) for n in lines[:20]) + (", ..." if len(lines) > 20 else "")
    warnings.warn(f"[T261] {name}: skipped {len(lines)} malformed entries (lines {shown}); "
                  "load with strict=True to see the first error", TidingsWarning, stacklevel=3)


def actor_code_on(entry: ActorEntry, date: str | None) -> str | None:
    """The code of a dictionary actor on an ISO date: the first dated code that holds, else the default.

    Args:
        entry: an entry from :func:`load_petrarch_actors`.
        date: ISO date of the story, or ``None`` (then the default code, or the
            last dated one when there is no default).
    """
    if date:
        for role in entry.roles:
            if role.code and role.active_on(date):
                return role.code
        return entry.code
    if entry.code:
        return entry.code
    return entry.roles[-1].code if entry.roles else None


def _plural(phrase: str) -> str:
    """A regular plural of a phrase: its head noun (before ``OF``, else the last word)."""
    words = phrase.split("_") if "_" in phrase else phrase.split(" ")
    joiner = "_" if "_" in phrase else " "
    upper = [w.upper() for w in words]
    head = upper.index("OF") - 1 if "OF" in upper[1:] else len(words) - 1
    words[head] = _plural_word(words[head])
    return joiner.join(words)


def _plural_word(word: str) -> str:
    up = word.upper()
    if up.endswith(("MEN", "IES")) or (up.endswith("S") and not up.endswith(("SS", "US"))):
        return word
    if up.endswith("Y") and len(up) > 1 and up[-2] not in "AEIOU":
        return word[:-1] + "IES"
    if up.endswith(("S", "X", "CH", "SH", "Z")):
        return word + "ES"
    if up.endswith("MAN"):
        return word[:-3] + "MEN"
    return word + "S"


def load_petrarch_agents(path: str | Path, *, strict: bool = False) -> list[AgentEntry]:
    """Read a TABARI/PETRARCH agents dictionary into sector words.

    Args:
        path: the dictionary file.
        strict: raise on the first malformed line; by default such lines (the
            real ``Phoenix.agents.txt`` has ``[~ENV}``) are skipped and one
            :class:`~tidings.errors.TidingsWarning` names them.

    Returns:
        One entry per agent line, with its substitution sets (``!PERSON!``)
        expanded into separate entries and regular plurals added unless ``{}``
        or an explicit ``{PLURAL}`` is given. ``sector`` is the whole agent
        code (``GOVMED`` for ``[~GOVMED]``).

    Raises:
        LexiconError: the file cannot be read; with ``strict``, naming the file,
            line and field of the first malformed entry.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise LexiconError(f"[T201] cannot read the agents dictionary: {exc}", path=name) from exc
    subs: dict[str, list[str]] = {}
    out: list[AgentEntry] = []
    skipped: list[int] = []
    for lineno, line in enumerate(_strip_comments(text), start=1):
        body = line.strip()
        if not body:
            continue
        m = re.match(r"^(![A-Z0-9_]+!)\s*=\s*(.+)$", body)
        if m:
            subs[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
        try:
            out.extend(_agent_line(body, lineno, name, subs))
        except LexiconError:
            if strict:
                raise
            skipped.append(lineno)
    _warn_skipped(name, skipped)
    return out


def _agent_line(body: str, lineno: int, name: str, subs: dict[str, list[str]]) -> list[AgentEntry]:
    """The entries of one agent line (several when it uses a substitution set)."""
    out: list[AgentEntry] = []
    codes = _BRACKET.findall(body)
    if len(codes) != 1:
        raise LexiconError(f"[T258] expected one [~CODE] or [CODE~] on the line, got {len(codes)}",
                           path=name, line=lineno, field="code")
    raw_code = codes[0].strip().replace(" ", "")
    if raw_code.startswith("~"):
        position, sector = "suffix", raw_code[1:]
    elif raw_code.endswith("~"):
        position, sector = "prefix", raw_code[:-1]
    else:
        raise LexiconError(f"[T258] agent code {raw_code!r} lacks '~' (write [~GOV] or [NGO~])",
                           path=name, line=lineno, field="code")
    if not sector.isalnum():
        raise LexiconError(f"[T258] bad agent code {raw_code!r}", path=name, line=lineno, field="code")
    rest = _BRACKET.sub(" ", body)
    plural_m = re.search(r"\{([^}]*)\}", rest)
    explicit = plural_m.group(1).strip() if plural_m else None
    word = re.sub(r"\{[^}]*\}", " ", rest).strip()
    if not word:
        raise LexiconError("[T255] an agent line without a word", path=name, line=lineno, field="name")
    variants = [word]
    for key, values in subs.items():
        if key in word:
            variants = [v.replace(key, val) for v in variants for val in values]
    unknown = re.search(r"![A-Z0-9_]+!", " ".join(variants))
    if unknown:
        raise LexiconError(f"[T259] unknown substitution set {unknown.group(0)}", path=name, line=lineno,
                           field="name")
    for variant in variants:
        forms = [_name(variant)]
        if explicit:
            forms.append(_name(explicit))
        elif plural_m is None:
            forms.append(_name(_plural(variant)))
        out.append(AgentEntry(name=forms[0], forms=tuple(dict.fromkeys(forms)), sector=sector.upper(),
                              position=position, source=f"{name}:{lineno}"))
    return out


_VERB_HEADER = re.compile(r"^---\s+(.+?)\s+\[([^\]]*)\]\s*(?:---)?\s*$")
# Target sources for triggers converted from a verb dictionary, whose patterns
# do not say where the target is.
_VERB_TARGETS = "dobj|dative|with|against|on|at|to|of|about|from|for|between|in"


@dataclass(frozen=True, slots=True)
class VerbEntry:
    """A verb (and optionally the head word of its object) with its event code."""

    lemma: str
    objects: tuple[str, ...]
    cameo: str
    source: str


def load_petrarch_verbs(path: str | Path) -> list[VerbEntry]:
    """Read the simple part of a TABARI/PETRARCH verb dictionary.

    Kept: each ``--- VERB [code] ---`` block's verbs (its first line and ``+``
    synonyms) with the block's code, and patterns ``- * WORDS [code]`` whose
    words after the verb are plain: the last of them (before a preposition)
    becomes an object constraint. Patterns with words before the verb, wildcards
    (``^ $ % +``), synsets (``&X``) and null codes (``---``) are skipped.

    Raises:
        LexiconError: naming the file, line and field of a malformed header.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise LexiconError(f"[T201] cannot read the verb dictionary: {exc}", path=name) from exc
    out: list[VerbEntry] = []
    verbs: list[str] = []
    default: str | None = None
    expect_verb = False
    for lineno, line in enumerate(_strip_comments(text), start=1):
        body = line.strip()
        if not body:
            continue
        if body.startswith("---"):
            m = _VERB_HEADER.match(body)
            if m is None:
                raise LexiconError("[T260] a verb block header must read '--- VERB [code] ---'", path=name,
                                   line=lineno, field="header")
            default = _clean_code(m.group(2))
            verbs = []
            expect_verb = True
            continue
        if body.startswith("&") or (body.startswith("+") and not verbs and not expect_verb):
            expect_verb = False
            continue
        if expect_verb or (body.startswith("+") and verbs):
            word = _BRACKET.sub(" ", body).lstrip("+").strip()
            expect_verb = False
            if not word or "_" in word or "+" in word or " " in word:
                continue
            found = _BRACKET.findall(body)
            verb_code = _clean_code(found[0]) if found else default
            verbs.append(word.lower())
            if verb_code:
                out.append(VerbEntry(word.lower(), (), verb_code, f"{name}:{lineno}"))
            continue
        if body.startswith("-") and verbs:
            out.extend(_pattern_entries(body, verbs, f"{name}:{lineno}"))
    return out


_PREPS = frozenset({"WITH", "FROM", "ABOUT", "TO", "ON", "AT", "IN", "OF", "FOR", "AGAINST", "BY", "INTO", "OVER"})


def _clean_code(code: str) -> str | None:
    """A CAMEO code from a dictionary's bracket (``[042:...]``), or ``None`` when it is not one."""
    code = code.split(":")[0].strip().upper()
    return code if code.isalnum() and any(ch.isdigit() for ch in code) else None


def _pattern_entries(body: str, verbs: list[str], where: str) -> list[VerbEntry]:
    """The entries of a plain ``- * WORDS [code]`` pattern line, one per verb of its block (none if not plain)."""
    codes = _BRACKET.findall(body)
    code = _clean_code(codes[0]) if codes else None
    pattern = _BRACKET.sub(" ", body[1:]).split()
    if code is None or "*" not in pattern or pattern[0] != "*":
        return []
    words = []
    for w in pattern[1:]:
        if w.upper() in _PREPS:
            break
        words.append(w)
    if not words or any(ch in "".join(words) for ch in "^$%+&*"):
        return []
    head = words[-1].split("_")[-1].lower()
    return [VerbEntry(verb, (head,), code, where) for verb in verbs]


def petrarch_verb_triggers(path: str | Path, out_path: str | Path) -> int:
    """Convert a PETRARCH verb dictionary into a tidings trigger file.

    Only entries whose CAMEO code has a PLOVER type in the shipped crosswalk are
    written (the type is then taken from the crosswalk).

    Args:
        path: the verb dictionary.
        out_path: the trigger TSV to write.

    Returns:
        The number of triggers written.
    """
    from tidings.knowledge.files import Field, load_data_file

    walk = {str(e["cameo"]): e.get("type") for e in load_data_file(
        "tidings:events/cameo_plover.tsv", [Field("cameo", required=True), Field("type")]).entries}

    def mapped(code: str) -> bool:
        while code:
            if code in walk:
                return bool(walk[code])
            code = code[:-1] if len(code) > 2 else ""
        return False

    rows = []
    seen = set()
    for entry in load_petrarch_verbs(path):
        key = (entry.lemma, entry.objects)
        if key in seen or not mapped(entry.cameo):
            continue
        seen.add(key)
        phrase = " ".join([entry.lemma, *entry.objects])
        rows.append(f"{phrase}\tVERB\t\t\t\t{entry.cameo}\t{_VERB_TARGETS}\t")
    header = (
        f"# source: converted by tidings from the PETRARCH/TABARI verb dictionary {Path(path).name}\n"
        "# licence: as the source dictionary\n"
        "phrase\tpos\ttype\tmode\tcontext\tcameo\ttarget\tflags\n"
    )
    Path(out_path).write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return len(rows)


__all__ = ["AGENTS", "AgentEntry", "AgentWord", "CodeFields", "VerbEntry", "actor_cache_path", "actor_code_on", "agent_fields",
           "code_fields", "combine_agent", "load_agent_words", "load_petrarch_actors", "load_petrarch_actors_cached",
           "load_petrarch_agents", "load_petrarch_verbs", "petrarch_verb_triggers", "split_code"]
