"""Actor entries: the shape shared by shipped knowledge, user dictionaries and PETRARCH imports."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RoleEntry:
    """A role an actor held, optionally bounded by ISO dates (inclusive)."""

    title: str | None = None
    org: str | None = None
    country: str | None = None
    sector: str | None = None
    code: str | None = None          # CAMEO/PLOVER-style actor code for the role, e.g. "KORGOV"
    start: str | None = None
    end: str | None = None

    def active_on(self, date: str | None) -> bool:
        """Whether the role holds on an ISO date (always, when either is unknown)."""
        if not date:
            return True
        day = date[:10]
        if self.start and day < self.start[:10]:
            return False
        return not (self.end and day > self.end[:10])


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """A named actor known from a dictionary.

    Attributes:
        name: the canonical name.
        aliases: other surface forms that refer to it.
        type: PERSON, ORG, GPE, LOC, NORP...
        code: ISO 3166-1 alpha-3 for a country, ``IGO`` for an international
            organisation, or a full CAMEO-style actor code from a PETRARCH dictionary.
        country, sector: as in the output contract.
        kb: Wikidata QID.
        roles: dated roles.
        source: the file it came from.
    """

    name: str
    aliases: tuple[str, ...] = ()
    type: str | None = None
    code: str | None = None
    country: str | None = None
    sector: str | None = None
    kb: str | None = None
    roles: tuple[RoleEntry, ...] = field(default_factory=tuple)
    source: str | None = None

    def roles_on(self, date: str | None) -> list[RoleEntry]:
        """The roles that hold on an ISO date."""
        return [r for r in self.roles if r.active_on(date)]
