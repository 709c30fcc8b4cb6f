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

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from tidings.errors import LexiconError
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
        # TABARI's two-digit years: the dictionaries start in the 1950s.
        y = f"{1900 + yy if yy >= 50 else 2000 + yy}"
        m, d = value[2:4], value[4:]
    else:
        raise LexiconError(
            f"[T250] bad date {value!r}; expected YYMMDD or YYYYMMDD", path=path, line=line, field="date"
        )
    if not (1 <= int(m) <= 12 and 1 <= int(d) <= 31):
        raise LexiconError(f"[T250] bad date {value!r}: month or day out of range", path=path, line=line,
                           field="date")
    return f"{y}-{m}-{d}"


def _day_before(iso: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(iso) - timedelta(days=1)).isoformat()


def _day_after(iso: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(iso) + timedelta(days=1)).isoformat()


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


def _name(raw: str) -> str:
    """Dictionary form to words: ``PRESIDENT_GEORGE_W._BUSH`` -> ``PRESIDENT GEORGE W. BUSH``."""
    return " ".join(raw.replace("_", " ").split())


def load_petrarch_actors(path: str | Path) -> list[ActorEntry]:
    """Read a TABARI/PETRARCH actor dictionary.

    Args:
        path: the dictionary file.

    Returns:
        One entry per actor: ``name`` in title case, ``aliases`` the dictionary
        forms (upper case, spaces between words) of the name and its synonyms,
        ``code`` the undated code (``None`` when all codes are dated or the actor
        is uncoded), ``country``/``sector`` split from that code, ``roles`` one
        :class:`RoleEntry` per dated code, in dictionary order.

    Raises:
        LexiconError: naming the file, line and field of a malformed entry.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise LexiconError(f"[T201] cannot read the actor dictionary: {exc}", path=name) from exc
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
    close()
    return entries


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


def load_petrarch_agents(path: str | Path) -> list[AgentEntry]:
    """Read a TABARI/PETRARCH agents dictionary into sector words.

    Args:
        path: the dictionary file.

    Returns:
        One entry per agent line, with its substitution sets (``!PERSON!``)
        expanded into separate entries and regular plurals added unless ``{}``
        or an explicit ``{PLURAL}`` is given.

    Raises:
        LexiconError: naming the file, line and field of a malformed entry.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise LexiconError(f"[T201] cannot read the agents dictionary: {exc}", path=name) from exc
    subs: dict[str, list[str]] = {}
    out: list[AgentEntry] = []
    for lineno, line in enumerate(_strip_comments(text), start=1):
        body = line.strip()
        if not body:
            continue
        m = re.match(r"^(![A-Z0-9_]+!)\s*=\s*(.+)$", body)
        if m:
            subs[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
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
    preps = {"WITH", "FROM", "ABOUT", "TO", "ON", "AT", "IN", "OF", "FOR", "AGAINST", "BY", "INTO", "OVER"}

    def clean(code: str) -> str | None:
        code = code.split(":")[0].strip().upper()
        return code if code.isalnum() and any(ch.isdigit() for ch in code) else None

    for lineno, line in enumerate(_strip_comments(text), start=1):
        body = line.strip()
        if not body:
            continue
        if body.startswith("---"):
            m = _VERB_HEADER.match(body)
            if m is None:
                raise LexiconError("[T260] a verb block header must read '--- VERB [code] ---'", path=name,
                                   line=lineno, field="header")
            default = clean(m.group(2))
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
            verb_code = clean(found[0]) if found else default
            verbs.append(word.lower())
            if verb_code:
                out.append(VerbEntry(word.lower(), (), verb_code, f"{name}:{lineno}"))
            continue
        if body.startswith("-") and verbs:
            codes = _BRACKET.findall(body)
            code = clean(codes[0]) if codes else None
            pattern = _BRACKET.sub(" ", body[1:]).split()
            if code is None or "*" not in pattern or pattern[0] != "*":
                continue
            words = []
            for w in pattern[1:]:
                if w.upper() in preps:
                    break
                words.append(w)
            if not words or any(ch in "".join(words) for ch in "^$%+&*"):
                continue
            head = words[-1].split("_")[-1].lower()
            for verb in verbs:
                out.append(VerbEntry(verb, (head,), code, f"{name}:{lineno}"))
    return out


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


__all__ = ["AgentEntry", "VerbEntry", "actor_code_on", "load_petrarch_actors", "load_petrarch_agents",
           "load_petrarch_verbs", "petrarch_verb_triggers", "split_code"]
