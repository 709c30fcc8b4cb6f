"""Derive tidings' default named-actor lexicon from PETRARCH-2's actor dictionaries.

Reads ``Phoenix.Countries.actors.txt``, ``Phoenix.International.actors.txt`` and
``Phoenix.MilNonState.actors.txt`` (PETRARCH-2's production dictionaries, MIT)
with the lenient reader :func:`tidings.knowledge.petrarch.load_petrarch_actors`
and writes ``src/tidings/data/entities/actors.tsv``: one row per named actor
(heads of state, ministers, international organisations and their officials,
companies, media, armed and non-state groups), its names, its default code and
its dated roles, every PETRARCH code read into tidings' fields with
:func:`tidings.knowledge.petrarch.code_fields` (``NGAGOV`` -> code ``NGA``,
sector ``GOV``; ``IGOUNO`` -> ``IGO``).

What is left out, and why (all general rules, counted in the header):

* the country entries of the Countries file (``AFGHANISTAN [AFG]`` with its
  cities as synonyms): tidings' ``countries.tsv`` and ``places.tsv`` name them;
* a person's one-word synonyms (``+BUHARI``): a surname alone is resolved by the
  entity stage within the article, to the person named in full there;
* a form two actors of different codes share: it names neither for sure;
* a one-word synonym of an organisation that is neither its own name nor
  acronym-like (at most six letters, or hyphenated);
* actors with no code at all (``[---]``).

A person whose dated roles all name one country and who has no default code
(most ministers of the CountryInfo lists) belongs to that country outside
their terms, with no sector. A role open at its end (``[USAGOV >090120]``)
ends at the dictionaries' horizon, the latest date they hold: past it the
dictionaries cannot know who holds the office.

Run from the repository root::

    python tools/make_actor_lexicon.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "tidings" / "data" / "entities" / "actors.tsv"
SOURCE = "openeventdata/petrarch2 @ 676801c, petrarch2/data/dictionaries"
FILES = {"Countries": "Phoenix.Countries.actors.txt", "International": "Phoenix.International.actors.txt",
         "MilNonState": "Phoenix.MilNonState.actors.txt"}
SMALL_WORDS = frozenset({"of", "the", "and", "for", "in", "on", "de", "du", "des", "la", "le", "el", "del", "da",
                         "do", "dos", "van", "von", "der", "den", "bin", "ibn", "al", "at", "to", "y", "e"})

sys.path.insert(0, str(ROOT / "tools"))
from make_event_lexicon import LICENCE_NOTICE, header  # noqa: E402


def display(form: str, acronym: bool) -> str:
    """A dictionary form (upper case) as a story writes it: "MUHAMMADU BUHARI" -> "Muhammadu Buhari"."""
    if acronym:
        return form
    words = []
    for n, word in enumerate(form.split()):
        low = word.lower()
        if n and low in SMALL_WORDS:
            words.append(low)
            continue
        words.append("-".join(p[:1].upper() + p[1:].lower() for p in word.split("-")))
    return " ".join(words)


def fields(code: str | None) -> tuple[str | None, str | None]:
    """(code, sector) in tidings' terms; a code that is only a sector (``ELI``) gives no code."""
    from tidings.knowledge.petrarch import _ORG_PREFIXES, _SECTORS, code_fields

    if not code:
        return None, None
    if (code[:3] in _SECTORS and code[:3] not in _ORG_PREFIXES) or code[:3] == "ELI":
        return None, code[:3]
    f = code_fields(code)
    return f.code, f.sector


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"),
                        help="the shared data folder holding events/petrarch2-dictionaries")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    from tidings.knowledge.petrarch import _is_country, load_petrarch_actors

    folder = Path(args.data) / "events" / "petrarch2-dictionaries"
    counts: Counter[str] = Counter()
    loaded = []
    for short, name in FILES.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            entries = load_petrarch_actors(folder / name)
        counts["malformed lines skipped"] += sum(int(str(w.message).split("skipped ")[1].split()[0])
                                                 for w in caught if "skipped" in str(w.message))
        loaded += [(short, e) for e in entries]
    dates = [d for _, e in loaded for r in e.roles for d in (r.start, r.end) if d]
    horizon = max(dates)

    rows = []
    for short, e in loaded:
        codes = [c for c in (e.code, *(r.code for r in e.roles)) if c]
        if not codes:
            counts["uncoded actors left out"] += 1
            continue
        if short == "Countries" and not e.roles and e.code and len(e.code) == 3:
            counts["country entries left out"] += 1
            continue
        code, sector = fields(e.code)
        roles = []
        for r in e.roles:
            rc, rs = fields(r.code)
            end = r.end or (horizon if r.start else None)
            if r.start and end and end < r.start:
                continue  # a role opened after the horizon: nothing known of it
            roles.append((rc, rs, r.start, end))
        role_countries = {rc for rc, _, _, _ in roles if rc}
        # Dated roles and no code of its own but a sector (ELI, "elite") or none: a person.
        person = bool(e.roles) and (code is None or sector == "ELI")
        if person and code is None and len(role_countries) == 1 and _is_country(next(iter(role_countries))):
            code = next(iter(role_countries))
            counts["people given their roles' country outside their terms"] += 1
        kind = "PERSON" if person else "ORG"
        forms = []
        for n, alias in enumerate(e.aliases):
            if not any(ch.isalpha() for ch in alias):
                continue
            one_word = " " not in alias
            if one_word and kind == "PERSON":
                counts["surnames left to the article"] += 1
                continue
            acronym = one_word and alias.replace("-", "").isalpha() and len(alias) <= 6 and n > 0
            if one_word and n > 0 and not (acronym or "-" in alias):
                counts["one-word organisation synonyms left out"] += 1
                continue
            forms.append(display(alias, acronym))
            if one_word and n == 0 and len(alias) <= 6:
                forms.append(alias)  # "HAMAS" as written in capitals too
        if not forms:
            continue
        country = code if code and _is_country(code) else None
        rows.append({"name": display(e.aliases[0], False), "forms": list(dict.fromkeys(forms)), "type": kind,
                     "code": code, "country": country, "sector": sector, "roles": roles,
                     "source": f"{short}:{(e.source or '').rsplit(':', 1)[-1]}"})
    # A form two actors of different codes share names neither.
    owners: dict[str, set[str | None]] = defaultdict(set)
    for row in rows:
        key = row["code"] or ",".join(sorted({r[0] or "" for r in row["roles"]}))
        for form in row["forms"]:
            owners[form.lower()].add(key)
    out_rows = []
    seen_names: dict[str, int] = {}
    for row in rows:
        kept = [f for f in row["forms"] if len(owners[f.lower()]) == 1]
        counts["ambiguous forms left out"] += len(row["forms"]) - len(kept)
        if not kept:
            continue
        name = row["name"] if row["name"] in kept else kept[0]
        if name in seen_names:
            # The same actor listed twice (XI_JINPING): one row, forms and roles merged.
            prev = out_rows[seen_names[name]]
            prev["forms"] = list(dict.fromkeys(prev["forms"] + kept))
            prev["roles"] = list(dict.fromkeys(prev["roles"] + row["roles"]))
            prev["code"] = prev["code"] or row["code"]
            prev["country"] = prev["country"] or row["country"]
            prev["sector"] = prev["sector"] or row["sector"]
            continue
        seen_names[name] = len(out_rows)
        out_rows.append({**row, "name": name, "forms": kept})

    def cell(value: object) -> str:
        return "" if value is None else str(value)

    lines = []
    for row in out_rows:
        roles = "|".join(" ".join(cell(v) or "-" for v in r) for r in row["roles"])
        aliases = "|".join(f for f in row["forms"] if f != row["name"])
        lines.append("\t".join([row["name"], aliases, row["type"], cell(row["code"]), cell(row["country"]),
                                cell(row["sector"]), roles, row["source"]]))
    by_type = Counter(r["type"] for r in out_rows)
    head = header([
        f"source: derived by tidings from PETRARCH-2's actor dictionaries {', '.join(FILES.values())} ({SOURCE})",
        "licence: MIT (Copyright (c) 2014 Open Event Data Alliance, notice below)",
        "built: python tools/make_actor_lexicon.py",
        f"counts: {len(out_rows)} actors ({by_type['PERSON']} people, {by_type['ORG']} organisations and groups); "
        + "; ".join(f"{v} {k}" for k, v in sorted(counts.items())),
        f"horizon: {horizon} (the latest date of the dictionaries; a role open at its end ends there)",
        "columns: name = the actor's name as a story writes it; aliases = its other names, '|'-separated; "
        "type = PERSON or ORG; code = tidings' code (ISO alpha-3 country, IGO, NGO, MNC or a region) outside any "
        "dated role; country = ISO alpha-3 when the code is a country; sector = its sector; roles = dated codes, "
        "'|'-separated, each 'code sector start end' ('-' for none), the first that holds on the article's date "
        "wins; source = dictionary (Countries, International, MilNonState) and line",
        "",
        "PETRARCH-2 licence notice:",
        *LICENCE_NOTICE,
    ])
    Path(args.out).write_text(
        head + "\t".join(["name", "aliases", "type", "code", "country", "sector", "roles", "source"]) + "\n"
        + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(out_rows)} actors; " + "; ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
