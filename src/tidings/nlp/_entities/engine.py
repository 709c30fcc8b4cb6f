"""The entity stage's work on one Doc: mentions, roles, grouping, codes, output.

Built once per component (matchers compiled from the knowledge), then called
per Doc. See ``docs/entities.md`` for the behaviour and its limits.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from tidings.geo import geocode_entities
from tidings.nlp._entities.coref import (
    Draft,
    Salience,
    group_names,
    quote_mask,
    resolve_nominals,
    resolve_pronouns,
    resolve_titles,
)
from tidings.nlp._entities.knowledge import Knowledge, Known
from tidings.nlp._entities.mentions import (
    DETERMINERS,
    NAME_TYPES,
    Mention,
    MentionFinder,
    build_phrase_matcher,
    story_regions,
)
from tidings.nlp._entities.roles import RoleFound, RoleReader, build_title_matcher, title_spans

logger = logging.getLogger(__name__)

SPAN_KEY = "tidings_mentions"
PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
_POSSESSIVE = frozenset({"'s", "\u2019s"})
# The one country-code domain that is not its country's ISO alpha-2 code.
_CCTLD_ALPHA2 = {"uk": "gb"}
_PLACE_PREPS = {"in": 3.0, "at": 3.0, "to": 2.0, "from": 1.5, "into": 2.0, "visit": 2.0}


def _lower_matcher(nlp: Language, phrases: list[str]) -> PhraseMatcher:
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for phrase, doc in zip(phrases, nlp.tokenizer.pipe(phrases), strict=True):  # type: ignore[union-attr]
        matcher.add(phrase, [doc])
    return matcher


class EntityEngine:
    """Find, group and describe the entities of a Doc."""

    def __init__(self, nlp: Language, kn: Knowledge, *, geocode: bool = True) -> None:
        self.kn = kn
        self.finder = MentionFinder(kn, build_phrase_matcher(nlp.vocab, nlp.tokenizer, kn))
        self.title_matcher = build_title_matcher(nlp.vocab, nlp.tokenizer, kn)
        self.roles = RoleReader(kn, self.title_matcher)
        self.nominal_matcher = _lower_matcher(nlp, sorted(kn.nominals))
        self.institution_matcher = _lower_matcher(nlp, sorted(kn.institutions))
        self.geocode = geocode

    # ------------------------------------------------------------------ per doc
    def __call__(self, doc: Doc) -> tuple[list[dict[str, Any]], list[Mention]]:
        """Return the entities of the output contract and all mentions (with entity indexes)."""
        story = story_regions(doc)
        mentions, dateline_known = self.finder(doc, story)
        sent_of = _sentence_index(doc)
        at_token = [-1] * len(doc)
        for idx, m in enumerate(mentions):
            for i in range(m.start, m.end):
                at_token[i] = idx
        dateline_country = dateline_known.country if dateline_known is not None else None

        def context_country(tok: int) -> str | None:
            return _context_country(doc, mentions, sent_of, tok, dateline_country)

        home = None if dateline_country else self._home_country(doc, mentions)
        found_roles = self.roles(doc, mentions, at_token, context_country, home)
        drafts = group_names(doc, mentions)
        for idx, m in enumerate(mentions):
            if m.source == "office" and m.entity < 0:
                # An unnamed office holder is a person of their own.
                drafts.append(Draft(type="PERSON", mentions=[idx]))
                m.entity = len(drafts) - 1
        for role in found_roles:
            e = mentions[role.mention].entity
            if e >= 0:
                drafts[e].roles.append(role)
        titled = self._titled_mentions(doc, mentions, found_roles)
        quoted = quote_mask(doc)
        self._institutions(doc, mentions, drafts, at_token, context_country, dateline_country)
        sal = Salience(doc, mentions, drafts, sent_of)
        titles = [t for t in title_spans(doc, self.title_matcher)]
        resolve_titles(doc, mentions, drafts, titles, quoted)
        strings = doc.vocab.strings
        nominal_hits = [(s, e, self.kn.nominals[strings[mid]]) for mid, s, e in self.nominal_matcher(doc)]
        resolve_nominals(doc, mentions, drafts, nominal_hits, quoted)
        resolve_pronouns(doc, mentions, drafts, sal, quoted)
        for m in titled:
            mentions.append(m)
            drafts[m.entity].mentions.append(len(mentions) - 1)
        entities = self._describe(doc, mentions, drafts)
        if self.geocode and entities:
            _geocode(entities, doc)
        self._set_ents(doc, mentions)
        return entities, mentions

    # ------------------------------------------------------------------ parts
    def _home_country(self, doc: Doc, mentions: list[Mention]) -> str | None:
        """The article's home country when the dateline gives none.

        The country of its URL's country-code domain ("bbc.co.uk"), else the one
        country whose national parties the article names, if they are all of one.
        """
        url = doc._.tidings_url or ""
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
        tld = host.rsplit(".", 1)[-1] if "." in host else ""
        code = self.kn.alpha2_country.get(_CCTLD_ALPHA2.get(tld, tld)) if len(tld) == 2 else None
        if code:
            return code
        parties = {m.known.country for m in mentions
                   if m.known is not None and m.known.key.startswith("party:") and m.known.country}
        return parties.pop() if len(parties) == 1 else None

    @staticmethod
    def _titled_mentions(doc: Doc, mentions: list[Mention], roles: list[RoleFound]) -> list[Mention]:
        """"President Yoon Suk-yeol": the title and the name as one further mention."""
        out = []
        for r in roles:
            m = mentions[r.mention]
            if not r.pre or not r.title or m.entity < 0:
                continue
            start = r.title_start if r.title_start >= 0 else r.start
            if start >= m.start or not doc[start].is_title:
                continue
            out.append(Mention(start, m.end, "PERSON", kind="titled", source="role", entity=m.entity))
        return out

    def _institutions(self, doc: Doc, mentions: list[Mention], drafts: list[Draft], at_token: list[int],
                      context_country: Any, dateline_country: str | None) -> None:
        """Bodies named by a common noun phrase: "the presidential office", "Chinese state media"."""
        strings = doc.vocab.strings
        by_key: dict[tuple[str, str | None], int] = {}
        covered = [False] * len(doc)
        for m in mentions:
            for i in range(m.start, m.end):
                covered[i] = True
        hits = sorted(((s, e, strings[mid]) for mid, s, e in self.institution_matcher(doc)),
                      key=lambda h: (h[0], h[0] - h[1]))
        last_end = -1
        for s, e, phrase in hits:
            if s < last_end:
                continue
            etype, sector = self.kn.institutions[phrase]
            # The outlet's own name before it: "Xinhua news agency", "Yonhap News agency".
            owner = at_token[s] if at_token[s] >= 0 else (at_token[s - 1] if s > 0 else -1)
            if owner >= 0 and mentions[owner].type == "ORG" and mentions[owner].entity >= 0:
                d = drafts[mentions[owner].entity]
                if d.known is None and d.sector is None:
                    d.sector = sector
                    d.country = dateline_country or context_country(s)
                last_end = e
                continue
            if any(covered[i] for i in range(s, e)):
                continue
            start, country = self._institution_start(doc, mentions, at_token, s, e, context_country)
            if start is None:
                continue
            if e < len(doc) and doc[e].pos_ == "PROPN":
                continue
            key = (phrase, country)
            m = Mention(start, e, etype, kind="institution", source="institution", country=country,
                        sector=sector)
            mentions.append(m)
            if key not in by_key:
                drafts.append(Draft(type=etype, country=country, sector=sector))
                by_key[key] = len(drafts) - 1
            m.entity = by_key[key]
            drafts[m.entity].mentions.append(len(mentions) - 1)
            for i in range(start, e):
                covered[i] = True
            last_end = e

    @staticmethod
    def _institution_start(doc: Doc, mentions: list[Mention], at_token: list[int], s: int, e: int,
                           context_country: Any) -> tuple[int | None, str | None]:
        """Where an institution's phrase ``doc[s:e]`` starts, and its country.

        "Chinese state media" and "South Korea's presidential office" start at the
        country; "the presidential office (of Korea)" at the determiner. Returns
        ``(None, None)`` for a bare phrase, which is not taken.
        """
        k = s - 1
        start = None
        country = None
        if k >= 0 and doc[k].text in _POSSESSIVE:
            k -= 1
        if k >= 0 and at_token[k] >= 0:
            mod = mentions[at_token[k]]
            if mod.end == k + 1 and mod.type in {"GPE", "NORP"} and mod.known is not None \
                    and mod.known.key.startswith(("country:", "norp:")):
                country = mod.known.country
                start = mod.start
                if start > 0 and doc[start - 1].text in DETERMINERS:
                    start -= 1
        if start is None:
            if s > 0 and doc[s - 1].text in DETERMINERS:
                start = s - 1
                if e < len(doc) - 1 and doc[e].lower_ == "of" and at_token[e + 1] >= 0:
                    mod = mentions[at_token[e + 1]]
                    if mod.known is not None and mod.known.key.startswith("country:"):
                        country = mod.known.country
                if country is None:
                    country = context_country(s)
            else:
                return None, None
        return start, country

    def _describe(self, doc: Doc, mentions: list[Mention], drafts: list[Draft]) -> list[dict[str, Any]]:
        """Turn drafts into the entities of the output contract (ids in order of appearance)."""
        live = [d for d in range(len(drafts)) if drafts[d].mentions]
        live.sort(key=lambda d: drafts[d].first(mentions))
        ids = {d: f"E{n}" for n, d in enumerate(live, start=1)}
        names = {d: self._name(doc, mentions, drafts[d]) for d in live}
        published = doc._.tidings_published
        out = []
        for d in live:
            draft = drafts[d]
            ms = sorted({(mentions[i].start, mentions[i].end, mentions[i].kind) for i in draft.mentions})
            known = draft.known
            etype = known.type if known is not None and known.actor is None else draft.type
            if known is not None and known.actor is not None and known.actor.type:
                etype = known.actor.type
            entity: dict[str, Any] = {
                "id": ids[d],
                "name": names[d],
                "type": etype,
                "code": None,
                "country": None,
                "sector": None,
                "kb": None,
                "geo": None,
                "roles": [],
                "mentions": [],
                "aliases": [],
            }
            seen_mentions = set()
            aliases: list[str] = []
            for s, e, kind in ms:
                if kind == "pronoun" and etype in PLACE_TYPES:
                    # "Japan said it would ...": the pronoun stands for the state as an actor,
                    # not for a place; it stays in the span group the later stages read, but a
                    # place's mentions are where the text names it.
                    continue
                span = doc[s:e]
                key = (span.start_char, span.end_char)
                if key in seen_mentions:
                    continue
                seen_mentions.add(key)
                entity["mentions"].append({"start": span.start_char, "end": span.end_char,
                                           "text": span.text, "kind": kind})
                if kind == "name":
                    text = span.text
                    if text not in aliases:
                        aliases.append(text)
            if etype == "ORG" and known is None:
                words = names[d].split()
                while len(words) > 1 and self.kn.org_words.get(words[-1]) == "suffix":
                    words.pop()
                    short = " ".join(words)
                    if short not in aliases:
                        aliases.append(short)
            entity["aliases"] = aliases
            self._codes(entity, draft, drafts, names, published)
            out.append(entity)
        self._spans(doc, mentions, ids, out)
        return out

    def _name(self, doc: Doc, mentions: list[Mention], draft: Draft) -> str:
        known = draft.known
        if known is not None:
            return known.name
        names = [mentions[i] for i in draft.mentions if mentions[i].kind == "name"]
        if names:
            def size(m: Mention) -> tuple[int, int]:
                return (len(doc[m.name_start : m.end].text.split()), -m.start)

            best = max(names, key=size)
            return doc[best.name_start : best.end].text
        first = min((mentions[i] for i in draft.mentions), key=lambda m: m.start)
        return doc[first.start : first.end].text

    def _codes(self, entity: dict[str, Any], draft: Draft, drafts: list[Draft], names: dict[int, str],
               published: str | None) -> None:
        known = draft.known
        # The shipped lexicon's code for a person out of office (their country in
        # 2015) yields to a role the article gives them ("Nato Secretary-General").
        stale = known is not None and known.key.startswith("lexicon:") and bool(draft.roles)
        if known is not None:
            entity["code"] = known.code
            entity["country"] = known.country
            entity["sector"] = known.sector
            entity["kb"] = known.kb
            if known.actor is not None:
                active = known.actor.roles_on(published) if published else []
                for role in active:
                    entity["roles"].append({"title": role.title, "org": role.org, "country": role.country,
                                            "sector": role.sector, "code": role.code,
                                            "source": "dictionary"})
                # The first dated code that holds on the story's date wins, else the default.
                dated = next((r for r in active if r.code), None)
                if dated is not None:
                    entity["code"] = dated.code
                    entity["country"] = dated.country or entity["country"]
                    entity["sector"] = dated.sector or entity["sector"]
                elif stale:
                    entity["code"] = entity["country"] = entity["sector"] = None
                elif not known.code and known.actor.roles and not published:
                    last = known.actor.roles[-1]
                    entity["code"], entity["country"] = last.code, last.country or entity["country"]
                    entity["sector"] = last.sector or entity["sector"]
        if draft.country and not entity["country"]:
            entity["country"] = draft.country
        if draft.sector and not entity["sector"]:
            entity["sector"] = draft.sector
        if draft.type in {"ORG", "FAC"} and entity["code"] is None and draft.country and known is None:
            entity["code"] = draft.country
        roles = _merge_roles(draft.roles)
        for r in roles:
            org_name = None
            org_code = None
            if r.org is not None:
                # The org mention's entity.
                pass
            role = {"title": r.title or None, "org": org_name, "country": r.country,
                    "sector": r.sector, "_org": r.org, "_org_code": org_code}
            if r.inferred:
                role["country_inferred"] = True  # the article's home country, not stated
            entity["roles"].append(role)
        return

    def _spans(self, doc: Doc, mentions: list[Mention], ids: dict[int, str],
               entities: list[dict[str, Any]]) -> None:
        """Resolve role organisations to names and codes; set the mention spans."""
        by_id = {e["id"]: e for e in entities}
        for ent in entities:
            for role in ent["roles"]:
                org_mention = role.pop("_org", None)
                role.pop("_org_code", None)
                if org_mention is None:
                    continue
                e = mentions[org_mention].entity
                if e in ids:
                    org = by_id[ids[e]]
                    role["org"] = org["name"]
                    if org["code"] == "IGO":
                        role["sector"] = "IGO"
                    if org.get("country") and not role["country"] and org["code"] != "IGO":
                        role["country"] = org["country"]
                    role["_igo"] = org["code"] == "IGO"
            _person_codes(ent)
        spans = []
        for m in mentions:
            if m.entity in ids and m.end > m.start:
                spans.append(Span(doc, m.start, m.end, label=by_id[ids[m.entity]]["type"], kb_id=ids[m.entity]))
        spans.sort(key=lambda s: (s.start, -s.end))
        doc.spans[SPAN_KEY] = spans

    @staticmethod
    def _set_ents(doc: Doc, mentions: list[Mention]) -> None:
        """Write the corrected names back to ``doc.ents`` (other labels kept where they fit)."""
        names = [Span(doc, m.name_start, m.end, label=m.type) for m in mentions
                 if m.kind == "name" and m.end > m.name_start and m.type in NAME_TYPES]
        taken = {i for s in names for i in range(s.start, s.end)}
        others = [e for e in doc.ents if e.label_ not in NAME_TYPES
                  and not any(i in taken for i in range(e.start, e.end))]
        try:
            doc.ents = filter_spans(names + others)
        except ValueError:  # pragma: no cover - spans from one Doc always fit
            logger.debug("could not set corrected entities")


def _merge_roles(roles: list[RoleFound]) -> list[RoleFound]:
    """One role per (title, org, country); a title-less affiliation only when nothing says more."""
    out: list[RoleFound] = []
    for r in roles:
        dup = None
        for o in out:
            if o.title.lower() == r.title.lower():
                if (o.org is None) == (r.org is None) and (o.country == r.country or r.from_context or o.from_context):
                    dup = o
                    break
                if r.org is None and r.country is None:
                    dup = o
                    break
        if dup is not None:
            if dup.org is None and r.org is not None:
                dup.org = r.org
                dup.country = r.country
            if dup.from_context and r.country and not r.from_context:
                dup.country, dup.from_context, dup.inferred = r.country, False, False
            elif dup.inferred and r.country and not r.inferred:
                dup.country, dup.inferred = r.country, False
            continue
        out.append(r)
    titled = [r for r in out if r.title]
    if titled:
        out = titled
    return out


def _person_codes(ent: dict[str, Any]) -> None:
    """A person's code, country and sector from the roles read for them."""
    roles = ent["roles"]
    if ent["type"] != "PERSON" or not roles:
        for r in roles:
            r.pop("_igo", None)
        return
    igo = [r for r in roles if r.pop("_igo", False)]
    for r in roles:
        r.pop("_igo", None)
    if igo:
        ent["code"] = ent["code"] or "IGO"
        ent["sector"] = ent["sector"] or "IGO"
        return
    with_country = [r for r in roles if r.get("country")]
    if with_country:
        r = with_country[0]
        ent["country"] = ent["country"] or r["country"]
        ent["code"] = ent["code"] or r["country"]
        ent["sector"] = ent["sector"] or r.get("sector")
    elif roles[0].get("sector") and not ent["sector"]:
        ent["sector"] = roles[0]["sector"]


def _sentence_index(doc: Doc) -> list[int]:
    out = [0] * len(doc)
    for n, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            out[i] = n
    return out


def _context_country(doc: Doc, mentions: list[Mention], sent_of: list[int], tok: int,
                     dateline_country: str | None) -> str | None:
    """The country the text around token ``tok`` is set in.

    Places in the sentence (those after "in", "at", "to" first), then in the two
    sentences before, then the dateline.
    """
    sent = sent_of[tok] if tok < len(sent_of) else 0
    for back in range(3):
        scores: dict[str, float] = {}
        for m in mentions:
            if m.kind != "name" or m.known is None or m.type not in {"GPE", "NORP"}:
                continue
            if sent_of[m.start] != sent - back:
                continue
            country = m.known.country
            if not country:
                continue
            prev = doc[m.start - 1].lower_ if m.start > 0 else ""
            weight = _PLACE_PREPS.get(prev, 1.0)
            if m.known.key.startswith("place:"):
                weight += 0.5
            scores[country] = scores.get(country, 0.0) + weight
        if scores:
            return max(scores, key=lambda c: scores[c])
        if sent - back <= 0:
            break
    return dateline_country


def _geocode(entities: list[dict[str, Any]], doc: Doc) -> None:
    """Let the geocoder fill ``geo`` (and a missing ``country``) of places."""
    geocode_entities(entities, text=doc.text, dateline=doc._.tidings_dateline)


def known_of(mention: Mention) -> Known | None:
    """The gazetteer entry of a mention (for callers outside the stage)."""
    return mention.known
