"""User actor dictionaries: YAML, CSV/TSV or JSONL files of named actors, or PETRARCH ``.txt``.

A YAML dictionary::

    provenance: {source: "our desk's actor list", licence: "internal"}
    entries:
      - name: Arnor
        aliases: [Kingdom of Arnor]
        type: GPE
        code: ARN
      - name: Aragorn
        type: PERSON
        country: ARN
        kb: Q180
        roles:
          - {title: King, country: ARN, sector: GOV, start: "3019-01-01"}

A CSV or TSV dictionary has the columns ``name, aliases, type, code, country,
sector, kb`` and, for one role per row, ``role_title, role_org, role_country,
role_sector, role_code, role_start, role_end``; rows with the same name add
roles to one actor. ``aliases`` is ``|``-separated. Files start with the
provenance header of :mod:`tidings.knowledge.files`. A ``.txt`` file is read as
a PETRARCH/TABARI actor dictionary by :func:`tidings.knowledge.petrarch.load_petrarch_actors`.

Every error names the file, the line and the field.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tidings.errors import LexiconError
from tidings.knowledge.actors import ActorEntry, RoleEntry
from tidings.knowledge.files import Field, load_data_file

ACTOR_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT"})
_ALPHA3 = re.compile(r"^[A-Z]{3}$")
_QID = re.compile(r"^Q[1-9][0-9]*$")


def _country(value: Any) -> str | None:
    return None if _ALPHA3.match(str(value)) else "expected an ISO 3166-1 alpha-3 code such as 'KOR'"


def _qid(value: Any) -> str | None:
    return None if _QID.match(str(value)) else "expected a Wikidata QID such as 'Q7184'"


def _date(value: Any) -> str | None:
    try:
        _dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return "expected an ISO date YYYY-MM-DD"
    return None


def _roles(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        return "expected a list of roles, each a mapping with title, org, country, start, end"
    return None


_COMMON = [
    Field("name", required=True),
    Field("aliases", kind="list"),
    Field("type", choices=ACTOR_TYPES),
    Field("code"),
    Field("country", check=_country),
    Field("sector"),
    Field("kb", check=_qid),
]
_TABULAR = [
    *_COMMON,
    Field("role_title"), Field("role_org"), Field("role_country", check=_country),
    Field("role_sector"), Field("role_code"),
    Field("role_start", check=_date), Field("role_end", check=_date),
]
_ROLE_KEYS = ("title", "org", "country", "sector", "code", "start", "end")


def _role_from_mapping(raw: dict[str, Any], *, path: str, line: int, n: int) -> RoleEntry:
    unknown = [k for k in raw if k not in _ROLE_KEYS]
    if unknown:
        raise LexiconError(f"[T240] unknown role key(s) {unknown}; expected some of {list(_ROLE_KEYS)}",
                           path=path, line=line, field=f"roles[{n}].{unknown[0]}")
    values = {k: (str(raw[k]).strip() if raw.get(k) not in (None, "") else None) for k in _ROLE_KEYS}
    if values["country"] and _country(values["country"]):
        raise LexiconError(f"[T205] {_country(values['country'])}; got {values['country']!r}",
                           path=path, line=line, field=f"roles[{n}].country")
    for key in ("start", "end"):
        if values[key] and _date(values[key]):
            raise LexiconError(f"[T205] expected an ISO date YYYY-MM-DD; got {values[key]!r}",
                               path=path, line=line, field=f"roles[{n}].{key}")
    if values["start"] and values["end"] and values["end"][:10] < values["start"][:10]:
        raise LexiconError(f"[T241] the role ends ({values['end']}) before it starts ({values['start']})",
                           path=path, line=line, field=f"roles[{n}].end")
    return RoleEntry(**values)


def load_actor_dictionary(path: str | Path) -> list[ActorEntry]:
    """Load one actor dictionary.

    Args:
        path: a ``.yaml``/``.yml``, ``.csv``/``.tsv`` or ``.jsonl`` dictionary, or a
            PETRARCH ``.txt`` actor dictionary (compiled once into a cache keyed on
            its content; malformed lines are skipped with one warning).

    Returns:
        The actors, in file order.

    Raises:
        LexiconError: naming the file, line and field of the first problem.
    """
    p = str(path)
    suffix = p.rsplit(".", 1)[-1].lower()
    if suffix == "txt":
        # The PETRARCH reader (about 25 ms) only for .txt dictionaries: every run that
        # builds the pipeline imports this module, `tidings read --no-nlp` too.
        from tidings.knowledge.petrarch import load_petrarch_actors_cached

        return load_petrarch_actors_cached(p)
    tabular = suffix in {"csv", "tsv"}
    data = load_data_file(p, _TABULAR if tabular else [*_COMMON, Field("roles", kind="list", check=_roles)],
                          allow_extra=False)
    actors: dict[str, dict[str, Any]] = {}
    for entry in data.entries:
        line = entry["_line"]
        name = entry["name"]
        if tabular:
            role = None
            if any(entry.get(f"role_{k}") for k in _ROLE_KEYS):
                role = _role_from_mapping({k: entry.get(f"role_{k}") for k in _ROLE_KEYS},
                                          path=data.path, line=line, n=0)
            roles = [role] if role else []
        else:
            roles = [_role_from_mapping(r, path=data.path, line=line, n=n)
                     for n, r in enumerate(entry.get("roles") or [])]
        if name in actors:
            if not tabular:
                raise LexiconError(f"[T242] the actor {name!r} is defined twice (first on line "
                                   f"{actors[name]['line']})", path=data.path, line=line, field="name")
            actors[name]["roles"].extend(roles)
            continue
        actors[name] = {"entry": entry, "roles": roles, "line": line}
    out = []
    for name, item in actors.items():
        e = item["entry"]
        out.append(ActorEntry(
            name=name, aliases=tuple(e["aliases"]), type=e["type"], code=e["code"], country=e["country"],
            sector=e["sector"], kb=e["kb"], roles=tuple(item["roles"]), source=f"{data.path}:{item['line']}",
        ))
    return out


def load_actor_dictionaries(paths: Iterable[str | Path]) -> list[ActorEntry]:
    """Load several dictionaries; a later file's actor wins over an earlier one of the same name."""
    merged: dict[str, ActorEntry] = {}
    for path in paths:
        for actor in load_actor_dictionary(path):
            merged[actor.name] = actor
    return list(merged.values())
