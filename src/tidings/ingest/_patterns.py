"""The reading knowledge an analyst may edit: agencies, publishers, boilerplate phrases.

Each file lives in ``tidings/data/reading/`` and can be replaced by a file of
the same name in a directory given as ``ReadOptions.data_dir``
(``tidings read --reading-data DIR``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from tidings.errors import LexiconError
from tidings.knowledge.files import Field, load_data_file

AGENCY_FIELDS = (
    Field("alias", required=True),
    Field("name", required=True),
    Field("kind", required=True, choices=frozenset({"wire", "photo", "both"})),
)
PUBLISHER_FIELDS = (
    Field("hint", required=True),
    Field("kind", required=True, choices=frozenset({"abbr", "name", "domain"})),
    Field("publisher", required=True),
)


def _check_regex(value: str) -> str | None:
    try:
        re.compile(value)
    except re.error as exc:
        return f"not a valid regular expression ({exc})"
    return None


BOILERPLATE_FIELDS = (
    Field("pattern", required=True, check=_check_regex),
    Field("anchor", required=True, choices=frozenset({"start", "any"})),
    Field("kind", required=True, choices=frozenset({"line", "list"})),
    Field("note"),
)
FILES = ("agencies.tsv", "publishers.tsv", "boilerplate.tsv")


@dataclass(frozen=True, slots=True)
class ReadingPatterns:
    """Compiled reading knowledge.

    Attributes:
        agencies: alias -> canonical agency name (all kinds).
        wire_agencies: the aliases of agencies that are credited for stories.
        agency_re: matches any agency alias as a whole word (case-sensitive).
        publisher_abbr: abbreviation -> publisher (matched case-sensitively).
        publisher_names: lower-cased full name -> publisher.
        publisher_domains: domain -> publisher.
        abbr_re, name_re: match those hints as whole words.
        boilerplate: ``(regex, kind)`` per boilerplate pattern.
        wire_tail_re: a closing credit at the end of a paragraph ("... in Europe. REUTERS").
        wire_line_re: a paragraph that is only an agency credit ("- AFP", "With Reuters").
        slash_credit_re: a photo credit "AGENCY/Photographer" ending a paragraph.
        sha256: a digest of the files, to key caches on.
    """

    agencies: dict[str, str]
    wire_agencies: frozenset[str]
    agency_re: re.Pattern[str]
    publisher_abbr: dict[str, str]
    publisher_names: dict[str, str]
    publisher_domains: dict[str, str]
    abbr_re: re.Pattern[str] | None
    name_re: re.Pattern[str] | None
    boilerplate: tuple[tuple[re.Pattern[str], str], ...]
    wire_tail_re: re.Pattern[str]
    wire_line_re: re.Pattern[str]
    slash_credit_re: re.Pattern[str]
    sha256: str

    def agency(self, text: str) -> str | None:
        """The canonical name of an agency credit such as ``REUTERS`` or ``AP Photo``, if known."""
        text = text.strip(" .,;:()-–—")
        return self.agencies.get(text) or self.agencies.get(text.upper() if text.isupper() else text)

    def publisher_for_domain(self, host: str | None) -> str | None:
        """The publisher of a web host (``www.straitstimes.com``), if known."""
        if not host:
            return None
        host = host.lower().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        parts = host.split(".")
        for i in range(len(parts) - 1):
            hit = self.publisher_domains.get(".".join(parts[i:]))
            if hit:
                return hit
        return None


def _words(items: list[str], flags: int = 0) -> re.Pattern[str] | None:
    if not items:
        return None
    alternation = "|".join(re.escape(i) for i in sorted(items, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-]|-\w)", flags)


def _path(name: str, data_dir: str | None) -> str:
    if data_dir:
        candidate = Path(data_dir) / name
        if candidate.is_file():
            return str(candidate)
    return f"tidings:reading/{name}"


@functools.lru_cache(maxsize=8)
def load_patterns(data_dir: str | None = None) -> ReadingPatterns:
    """Load and compile the reading data files (once per directory).

    Args:
        data_dir: a directory whose ``agencies.tsv``, ``publishers.tsv`` or
            ``boilerplate.tsv`` replace the shipped ones; None for the shipped files.

    Returns:
        The compiled patterns.

    Raises:
        LexiconError: naming the file, line and field of an invalid entry.
    """
    agencies = load_data_file(_path("agencies.tsv", data_dir), AGENCY_FIELDS)
    publishers = load_data_file(_path("publishers.tsv", data_dir), PUBLISHER_FIELDS)
    boiler = load_data_file(_path("boilerplate.tsv", data_dir), BOILERPLATE_FIELDS)
    alias_to_name = {e["alias"]: e["name"] for e in agencies.entries}
    wire = frozenset(e["alias"] for e in agencies.entries if e["kind"] in {"wire", "both"})
    agency_re = _words(list(alias_to_name))
    if agency_re is None:
        raise LexiconError("[T216] the agency list is empty", path=agencies.path)
    abbr = {e["hint"]: e["publisher"] for e in publishers.entries if e["kind"] == "abbr"}
    names = {e["hint"].lower(): e["publisher"] for e in publishers.entries if e["kind"] == "name"}
    domains = {e["hint"].lower(): e["publisher"] for e in publishers.entries if e["kind"] == "domain"}
    rules = []
    for entry in boiler.entries:
        pattern = entry["pattern"] if entry["anchor"] == "any" else rf"(?:{entry['pattern']})"
        compiled = re.compile(pattern, re.IGNORECASE)
        rules.append((compiled if entry["anchor"] == "any" else _anchored(compiled), entry["kind"]))
    digest = "".join(f.sha256 for f in (agencies, publishers, boiler))
    one = "|".join(re.escape(a) for a in sorted(wire, key=len, reverse=True))
    several = rf"(?:{one})(?:\s*(?:,|/|&|\band\b)\s*(?:{one}))*"
    tail = re.compile(
        rf"(?<=[.!?\"”’'»)])(?P<credit>\s+(?:(?P<dash>[-–—]+)\s*)?(?P<paren>\()?(?P<ag>{several})\)?)\s*$"
    )
    line = re.compile(
        rf"^\s*(?:[-–—]+\s*)?\(?\s*(?:(?:with|source|sources)\s*:?\s+(?:(?:files|reporting|additional reporting)\s+from\s+)?)?"
        rf"(?P<ag>{several}|(?:news\s+)?agencies|wires)\s*\)?\s*\.?\s*$",
        re.IGNORECASE,
    )
    return ReadingPatterns(
        agencies=alias_to_name,
        wire_agencies=wire,
        agency_re=agency_re,
        publisher_abbr=abbr,
        publisher_names=names,
        publisher_domains=domains,
        abbr_re=_words(list(abbr)),
        name_re=_words(list(names), re.IGNORECASE),
        boilerplate=tuple(rules),
        wire_tail_re=tail,
        wire_line_re=line,
        slash_credit_re=re.compile(
            rf"(?P<credit_part>(?P<credit>(?:{agency_re.pattern})/[^\n/]{{2,60}}(?:/[^\n/]{{2,40}})?))[\s.]*$"
        ),
        sha256=digest,
    )


def _anchored(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """Anchor a pattern at the start of a paragraph (after stray bullets or quotes)."""
    return re.compile(rf"^[\W_]{{0,3}}(?:{pattern.pattern})", pattern.flags)
