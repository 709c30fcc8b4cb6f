"""The entity stage's knowledge: gazetteers and lexicons loaded from data files.

Everything here is read once, when the component is built, from files under
``tidings/data/entities/`` (or the user's replacements) through
:func:`tidings.knowledge.files.load_data_file`, then kept in plain lookup tables.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tidings.knowledge.actor_lexicon import ActorTable, norm
from tidings.knowledge.actors import ActorEntry
from tidings.knowledge.files import Field, load_data_file

logger = logging.getLogger(__name__)

DEFAULT_FILES: dict[str, str] = {
    "countries": "tidings:entities/countries.tsv",
    "organisations": "tidings:entities/organisations.tsv",
    "places": "tidings:entities/places.tsv",
    "regions": "tidings:entities/regions.tsv",
    "titles": "tidings:entities/titles.tsv",
    "nominals": "tidings:entities/nominals.tsv",
    "institutions": "tidings:entities/institutions.tsv",
    "orgwords": "tidings:entities/orgwords.tsv",
    "divisions": "tidings:entities/divisions.tsv",
    "parties": "tidings:entities/parties.tsv",
    # The field's named actors (PETRARCH-2), under tidings' own files and the user's actors.
    "actors": "tidings:entities/actors.tsv",
}

_ALPHA3 = re.compile(r"^[A-Z]{3}$")


def _alpha3(value: object) -> str | None:
    return None if value is None or _ALPHA3.match(str(value)) else "expected an ISO 3166-1 alpha-3 code"


SECTORS = frozenset(
    {"GOV", "MIL", "DIP", "LEG", "JUD", "MED", "BUS", "IGO", "NGO", "REB", "OPP", "CVL", "COP",
     "REL", "EDU", "HLH", "LAB", "PTY", "SPY", "ELI", "CRM", "AGR", "REF", "UAF", "MNC"}
)
ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "LAW"})

_FIELDS: dict[str, list[Field]] = {
    "countries": [
        Field("code", required=True, check=_alpha3), Field("alpha2"), Field("name", required=True),
        Field("aliases", kind="list"), Field("demonyms", kind="list"), Field("capital"),
        Field("continent"),
    ],
    "organisations": [
        Field("name", required=True), Field("code", required=True), Field("kb"),
        Field("kinds", kind="list"), Field("aliases", kind="list"),
        Field("country", check=lambda v: _alpha3(v) if v else None),
        Field("sector", check=lambda v: None if not v or v in SECTORS else "expected a sector code"),
    ],
    "places": [
        Field("name", required=True), Field("kind", required=True),
        Field("country", required=True, check=_alpha3), Field("population", kind="int"),
        Field("geonameid", kind="int"), Field("capital", kind="bool"),
    ],
    "regions": [
        Field("name", required=True), Field("type", required=True, choices=ENTITY_TYPES),
        Field("aliases", kind="list"),
    ],
    "titles": [
        Field("title", required=True), Field("sector", required=True, choices=SECTORS),
        Field("head"), Field("of", choices=frozenset({"place", "org"})),
    ],
    "nominals": [Field("noun", required=True), Field("kind", required=True)],
    "institutions": [
        Field("phrase", required=True), Field("type", required=True, choices=ENTITY_TYPES),
        Field("sector", required=True, choices=SECTORS), Field("note"),
    ],
    "orgwords": [Field("word", required=True), Field("kind", required=True, choices=frozenset({"suffix", "head"}))],
    "divisions": [Field("word", required=True)],
    "parties": [
        Field("name", required=True), Field("country", required=True, check=_alpha3),
        Field("aliases", kind="list"), Field("sector", required=True, choices=SECTORS),
    ],
}


@dataclass(frozen=True, slots=True)
class Known:
    """An entity the gazetteer knows: what a matched surface form stands for.

    Attributes:
        key: a stable key (``country:KOR``, ``org:NATO``, ``place:Seoul:KOR``...).
        name: the canonical name.
        type: the entity type (GPE, ORG, NORP, LOC, PERSON...).
        code: ISO alpha-3 for a country, IGO/NGO for an organisation, or a
            dictionary code.
        country: the country it belongs to.
        sector: its agent sector, if any.
        kb: Wikidata QID.
        kinds: the nouns a story uses for it ("alliance").
        population: for places, to prefer the bigger of two namesakes.
        strong: whether a match may add a mention the model missed.
        actor: the dictionary entry it came from, if any.
    """

    key: str
    name: str
    type: str
    code: str | None = None
    country: str | None = None
    sector: str | None = None
    kb: str | None = None
    kinds: tuple[str, ...] = ()
    population: int = 0
    strong: bool = True
    actor: ActorEntry | None = None


@dataclass(slots=True)
class Knowledge:
    """Lookup tables built from the data files.

    Attributes:
        surface: surface form (as written) -> the entities it may name, best first.
        by_key: key -> entity.
        demonym_country: demonym -> country code.
        country_names: alpha-3 -> canonical country name.
        alpha2_country: lower-case ISO alpha-2 code -> alpha-3 code.
        titles: lower-case title -> (sector, is_head).
        nominals: lower-case noun -> kind.
        institutions: lower-case phrase -> (type, sector).
        org_words: last word of organisations' names, as written -> ``suffix`` or ``head``.
        title_of: lower-case title -> ``place`` or ``org``: what a name run together
            with it before it stands for ("Anderson County Sheriff").
        divisions: words that make a name a place's ("County", "Parish", "City").
        actors: the shipped named-actor lexicon (PETRARCH-2's actors), matched
            apart from ``surface`` whatever the case (see :meth:`actor_at`).
        sha256: a digest of every file read, to key derived caches on.
    """

    surface: dict[str, list[Known]] = field(default_factory=dict)
    by_key: dict[str, Known] = field(default_factory=dict)
    demonym_country: dict[str, str] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)
    alpha2_country: dict[str, str] = field(default_factory=dict)
    titles: dict[str, tuple[str, bool]] = field(default_factory=dict)
    nominals: dict[str, str] = field(default_factory=dict)
    institutions: dict[str, tuple[str, str]] = field(default_factory=dict)
    org_words: dict[str, str] = field(default_factory=dict)
    title_of: dict[str, str] = field(default_factory=dict)
    divisions: frozenset[str] = frozenset()
    actors: ActorTable | None = None
    sha256: str = ""
    _actor_known: dict[int, Known] = field(default_factory=dict)

    def actor_at(self, name: str) -> Known | None:
        """The entry of the shipped actor lexicon a name (any case, see
        :func:`tidings.knowledge.actor_lexicon.norm`) names, built on first use."""
        if self.actors is None:
            return None
        row = self.actors.index.get(norm(name))
        if row is None:
            return None
        known = self._actor_known.get(row)
        if known is None:
            known = self._actor_known[row] = actor_known(self.actors.entry(row), "lexicon")
            self.by_key.setdefault(known.key, known)
        return known

    def add(self, known: Known, forms: Iterable[str]) -> None:
        """Register an entity under each of its surface forms."""
        self.by_key[known.key] = known
        for form in forms:
            form = form.strip()
            if not form:
                continue
            bucket = self.surface.setdefault(form, [])
            if all(k.key != known.key for k in bucket):
                bucket.append(known)

    def lookup(self, text: str) -> list[Known]:
        """The entities a surface form may name (exact spelling, then capitalised)."""
        found = self.surface.get(text)
        if found:
            return found
        if text.isupper() and len(text) > 3:
            # "SEOUL" in a dateline or an all-caps headline.
            return self.surface.get(text.title(), [])
        return []


def _acronym_variants(form: str) -> list[str]:
    """Add the capitalised spelling of a long acronym ("NATO" -> "Nato")."""
    if form.isupper() and form.isalpha() and len(form) >= 4:
        return [form, form.capitalize()]
    return [form]


def load_knowledge(
    files: dict[str, str] | None = None, actors: Sequence[ActorEntry] = ()
) -> Knowledge:
    """Load the gazetteers and lexicons, with the user's actors merged on top.

    Args:
        files: replacements for :data:`DEFAULT_FILES` (same keys), as paths.
        actors: entries from user actor dictionaries; they win over shipped ones.

    Returns:
        The lookup tables.
    """
    paths = dict(DEFAULT_FILES)
    paths.update(files or {})
    digest = hashlib.sha256()
    data = {}
    for name, path in paths.items():
        if name == "actors":
            continue
        loaded = load_data_file(path, _FIELDS[name])
        digest.update(loaded.sha256.encode())
        data[name] = loaded.entries
    kn = Knowledge()
    # Countries go after places (a country outranks a same-named city).
    _add_places(kn, data["places"])
    _add_countries(kn, data["countries"])
    _add_names(kn, data)
    _add_lexicons(kn, data)

    if paths["actors"]:
        # The field's named actors, matched apart (see ``actor_known``); an empty path turns them off.
        from tidings.knowledge.actor_lexicon import load_actor_lexicon

        kn.actors = load_actor_lexicon(paths["actors"])
        digest.update(kn.actors.sha256.encode())
    for actor in actors:
        digest.update(repr(actor).encode())
        add_actor(kn, actor)
    kn.sha256 = digest.hexdigest()
    logger.debug("entity knowledge: %d surface forms", len(kn.surface))
    return kn


def _add_places(kn: Knowledge, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if row["kind"] == "state":
            key = f"place:{row['name']}:{row['country']}:state"
        else:
            key = f"place:{row['name']}:{row['country']}"
        pop = row["population"] or 0
        kn.add(
            Known(key=key, name=row["name"], type="GPE", country=row["country"], population=pop,
                  strong=bool(row["capital"]) or pop >= 1_000_000 or row["kind"] == "state"),
            [row["name"]],
        )


def _add_countries(kn: Knowledge, rows: list[dict[str, Any]]) -> None:
    """Add the countries and their demonyms.

    A country outranks a same-named city ("Mexico", "Singapore"): add countries
    after places and put them first.
    """
    for row in rows:
        code = row["code"]
        kn.country_names[code] = row["name"]
        if row["alpha2"]:
            kn.alpha2_country[row["alpha2"].lower()] = code
        known = Known(key=f"country:{code}", name=row["name"], type="GPE", code=code, country=code)
        kn.add(known, [row["name"], *row["aliases"]])
        for form in [row["name"], *row["aliases"]]:
            bucket = kn.surface[form]
            bucket.sort(key=lambda k: not k.key.startswith("country:"))
        norp = Known(key=f"norp:{code}", name=row["demonyms"][0] if row["demonyms"] else row["name"],
                     type="NORP", country=code)
        for dem in row["demonyms"]:
            kn.demonym_country[dem] = code
            kn.demonym_country.setdefault(dem + "s", code)
        kn.add(norp, [*row["demonyms"], *(d + "s" for d in row["demonyms"] if not d.endswith(("s", "ese", "sh", "ch")))])


def _add_names(kn: Knowledge, data: dict[str, list[dict[str, Any]]]) -> None:
    """Add the named regions, organisations and parties."""
    for row in data["regions"]:
        kn.add(Known(key=f"region:{row['name']}", name=row["name"], type=row["type"]),
               [row["name"], *row["aliases"]])
    for row in data["organisations"]:
        forms = [v for f in [row["name"], *row["aliases"]] for v in _acronym_variants(f)]
        kn.add(
            Known(key=f"org:{row['name']}", name=row["name"], type="ORG", code=row["code"],
                  country=row["country"],
                  sector=row["sector"] or (row["code"] if row["code"] in SECTORS else None), kb=row["kb"],
                  kinds=tuple(k.lower() for k in row["kinds"])),
            forms,
        )
    for row in data["parties"]:
        # A national party: its code is its country's. Weak, so a common word
        # ("Labour", "Greens") is a party only where the model also reads a name.
        forms = [v for f in [row["name"], *row["aliases"]] for v in _acronym_variants(f)]
        kn.add(
            Known(key=f"party:{row['name']}", name=row["name"], type="ORG", code=row["country"],
                  country=row["country"], sector=row["sector"], kinds=("party",), strong=False),
            forms,
        )


def _add_lexicons(kn: Knowledge, data: dict[str, list[dict[str, Any]]]) -> None:
    """Fill the word tables: titles, nominals, institutions, organisation words, divisions."""
    for row in data["titles"]:
        kn.titles[row["title"].lower()] = (row["sector"], (row["head"] or "").lower() == "head")
        if row.get("of"):
            kn.title_of[row["title"].lower()] = row["of"]
    for row in data["nominals"]:
        kn.nominals[row["noun"].lower()] = row["kind"].lower()
    for row in data["institutions"]:
        kn.institutions[row["phrase"].lower()] = (row["type"], row["sector"])
    for row in data["orgwords"]:
        kn.org_words[row["word"]] = row["kind"]
    kn.divisions = frozenset(row["word"] for row in data["divisions"])


def actor_type(actor: ActorEntry) -> str:
    """The entity type of a dictionary actor that does not give one."""
    etype = actor.type
    if not etype:
        code = actor.code or ""
        if len(code) == 3 and code.isalpha() and code not in SECTORS and not actor.roles:
            etype = "GPE"  # a bare country code: a (possibly fictional) state
        elif actor.roles and not actor.code:
            etype = "PERSON"  # only dated codes: a person's offices
        else:
            etype = "ORG"
    return etype


def actor_known(actor: ActorEntry, prefix: str = "actor") -> Known:
    """The gazetteer entry of a dictionary actor (``prefix`` ``lexicon`` for the shipped lexicon's)."""
    return Known(
        key=f"{prefix}:{actor.source or ''}:{actor.name}", name=actor.name, type=actor_type(actor),
        code=actor.code, country=actor.country, sector=actor.sector, kb=actor.kb, actor=actor,
    )


def add_actor(kn: Knowledge, actor: ActorEntry) -> None:
    """Merge a dictionary actor on top of the shipped knowledge (it wins)."""
    known = actor_known(actor)
    kn.by_key[known.key] = known
    for form in (actor.name, *actor.aliases):
        form = form.strip()
        if not form:
            continue
        variants = {form}
        if form.isupper() and len(form) > 3:
            # PETRARCH dictionaries write names in capitals: match them as a story writes them.
            variants.add(" ".join(w.capitalize() for w in form.split()))
        for v in variants:
            bucket = kn.surface.setdefault(v, [])
            bucket[:] = [known, *[k for k in bucket if k.key != known.key]]
