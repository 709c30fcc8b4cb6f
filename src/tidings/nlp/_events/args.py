"""Event arguments: which entity a token stands for, and how an argument is coded.

The entity layer (``doc._.tidings_entities`` and ``doc.spans["tidings_mentions"]``)
says which words name which entity. When it has not run, a stand-in built from
``doc.ents`` keeps the event stage usable (names and types, no codes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Token

from tidings.knowledge.petrarch import AgentWord, agent_fields, load_agent_words
from tidings.nlp._events.anaphora import Antecedents

PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
# Dependency labels of a noun's modifiers that may name the entity an actor
# phrase belongs to ("Chinese state media", "Gondor's government", "Nato involvement").
_MODIFIER_DEPS = frozenset({"compound", "amod", "poss", "nmod"})
_BELONG_PREPS = frozenset({"of", "from", "in"})
# Words that count or share out the people named after "of": "dozens of students".
_PARTITIVE = frozenset({"dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "million", "millions",
                        "score", "scores", "number", "group", "some", "several", "many", "most", "all", "none",
                        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "few",
                        "members", "member"})
# Nouns for a body of people whose modifier names its kind: "the extremist group".
_COLLECTIVE = frozenset({"group", "organisation", "organization", "faction", "movement", "network", "cell",
                         "outfit", "unit", "band", "gang", "wing"})
# Agent sectors of PETRARCH's dictionary that say no more than "someone".
_AGENT_SECTOR = {"PPL": "CVL"}
# Words that hang a title on a name: "UN spokesperson Stephane Dujarric",
# "Macron, the French president", "the president, Macron".
_TITLE_DEPS = frozenset({"compound", "appos"})


@dataclass(frozen=True, slots=True)
class Arg:
    """One resolved argument of an event.

    Attributes:
        entity: the entity id, or ``None`` for a phrase that names no entity.
        code: country (ISO alpha-3) or organisation code (``IGO``), if known.
        sector: PLOVER/CAMEO-style sector, if known.
        token: the head word of the argument.
        text: the words of the argument phrase.
        antecedent: for a pronoun or a description resolved to what it stands for
            ("he", "the ministry"), the character offsets of the words it was
            resolved to; ``text`` stays the anaphor's own words.
    """

    entity: str | None
    code: str | None
    sector: str | None
    token: int
    text: str
    antecedent: tuple[int, int] | None = None

    @property
    def key(self) -> tuple[str | None, str | None, str | None]:
        return (self.entity, self.code, self.sector)


class EntityIndex:
    """Entity lookup by token for one Doc."""

    def __init__(self, doc: Doc, sectors: dict[str, str], agents: Mapping[str, AgentWord] | None = None, *,
                 refer: bool = True) -> None:
        self.doc = doc
        # Resolve pronouns and descriptions the entity layer left unlinked
        # ("they", "the ministry"): see ``tidings.nlp._events.anaphora``.
        self.refer = refer
        self._antecedents: Antecedents | None = None
        self._of_heads: frozenset[str] | None = None
        self.sectors = sectors
        # PETRARCH's agent words ("police", "rebels", "extremists"): the sector of a
        # noun the shipped sector words do not list.
        self.agents = load_agent_words() if agents is None else agents
        self._titles: dict[str, tuple[str | None, str | None]] = {}
        self._mention_roots: dict[str, list[Token]] = {}
        self._roots: dict[str, list[Token]] = {}
        self.entities: dict[str, dict[str, Any]] = {}
        self.by_code: dict[str, str] = {}
        self._spans: dict[int, list[tuple[int, str]]] = {}
        # Where the time stage found a date or a time (by character offset).
        self.time_chars: set[int] = set()
        for tm in doc._.tidings_times or []:
            if tm.get("type") in {"DATE", "TIME"}:
                self.time_chars.update(range(int(tm.get("start", 0)), int(tm.get("end", 0))))
        group = doc.spans.get("tidings_mentions", None)
        if group is not None and doc._.tidings_entities is not None:
            for ent in doc._.tidings_entities:
                self.entities[ent["id"]] = ent
            for span in group:
                if span.kb_id_:
                    self._add(span.start, span.end, span.kb_id_)
                    self._mention_roots.setdefault(span.kb_id_, []).append(span.root)
        else:
            self._fallback(doc)
        for eid, ent in self.entities.items():
            # The country a code names is a place, not the first person coded with it.
            if ent.get("code") and ent.get("type") in {"GPE", None}:
                self.by_code.setdefault(str(ent["code"]), eid)
        for spans in self._spans.values():
            spans.sort()

    def _add(self, start: int, end: int, eid: str) -> None:
        for i in range(start, end):
            self._spans.setdefault(i, []).append((end - start, eid))

    def _fallback(self, doc: Doc) -> None:
        """Stand-in entities from ``doc.ents``: one per distinct name and label."""
        seen: dict[tuple[str, str], str] = {}
        for ent in doc.ents:
            if ent.label_ in {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}:
                continue
            key = (ent.label_, ent.text.lower())
            eid = seen.get(key)
            if eid is None:
                eid = f"E{len(seen) + 1}"
                seen[key] = eid
                self.entities[eid] = {"id": eid, "name": ent.text, "type": ent.label_, "code": None,
                                      "country": None, "sector": None, "roles": []}
            self._add(ent.start, ent.end, eid)
            self._mention_roots.setdefault(eid, []).append(ent.root)

    def entity_at(self, token: Token) -> str | None:
        """The entity of the smallest mention covering a token."""
        spans = self._spans.get(token.i)
        return spans[0][1] if spans else None

    def get(self, eid: str | None) -> dict[str, Any] | None:
        return self.entities.get(eid) if eid else None

    def is_place(self, eid: str | None) -> bool:
        ent = self.get(eid)
        return bool(ent and ent.get("type") in PLACE_TYPES)

    def codes_of(self, eid: str) -> tuple[str | None, str | None]:
        """(code, sector) of an entity: its own code, else its role's organisation or country."""
        ent = self.entities.get(eid) or {}
        code = ent.get("code")
        sector = ent.get("sector")
        roles = ent.get("roles") or []
        if not code:
            for role in roles:
                org = role.get("org")
                org_id = self._find_name(org) if org else None
                org_code = (self.entities.get(org_id) or {}).get("code") if org_id else None
                if org_code:
                    code = org_code
                    break
                if role.get("country"):
                    code = role["country"]
                    break
        if not code:
            code = ent.get("country")
        if (not code or not sector) and ent.get("type") not in PLACE_TYPES:
            # "UN spokesperson Stephane Dujarric", "Macron, the French president":
            # a title given anywhere in the article says whom the entity acts for.
            title_code, title_sector = self.title_of(eid)
            if title_code and not code:
                code, sector = title_code, sector or ("IGO" if title_code == "IGO" else title_sector)
            elif title_sector and not sector and (code == title_code or not title_code):
                sector = title_sector
        if not sector and code == "IGO":
            sector = "IGO"
        if not sector and roles and ent.get("type") == "PERSON":
            sector = "GOV" if code != "IGO" else "IGO"
        return (str(code) if code else None, str(sector) if sector else None)

    def title_of(self, eid: str) -> tuple[str | None, str | None]:
        """(code, sector) a title or an apposition on any mention of an entity gives:
        the sector of the title word and the code of the entity that owns it."""
        if eid in self._titles:
            return self._titles[eid]
        self._titles[eid] = (None, None)  # no title resolves through its own entity
        found: tuple[str | None, str | None] = (None, None)
        for root in self._title_roots(eid):
            code, sector = self._title_at(root, eid)
            if code:
                self._titles[eid] = (code, sector)
                return self._titles[eid]
            if sector and found == (None, None):
                found = (None, sector)
        self._titles[eid] = found
        return found

    def _title_at(self, root: Token, eid: str | None) -> tuple[str | None, str | None]:
        """(code, sector) of the title on one name: the compounds before it, however
        the parser nests them ("UN Spokesperson Stephane Dujarric"), and the
        appositions either way ("X, the French president"; "the president, X")."""
        before = [t for t in root.subtree if t.i < root.i and t.dep_ == "compound"]
        words = [*before, *(c for c in root.children if c.dep_ == "appos")]
        if root.dep_ == "appos" and root.head.i != root.i:
            words.append(root.head)
        found: tuple[str | None, str | None] = (None, None)
        for word in words:
            if self.entity_at(word) not in {None, eid} and word.dep_ == "appos":
                continue  # another name in apposition: a list, not a title
            sector = self._sector(word)[0]
            if sector is None:
                continue
            owners = [o for o in self._owners(word, with_preps=True) if o != eid]
            if word.dep_ == "compound":
                owners += [o for t in before if t.i < word.i
                           if (o := self.entity_at(t)) is not None and o != eid and o not in owners]
            for owner in owners:
                code = self.codes_of(owner)[0] or (self.entities.get(owner) or {}).get("country")
                if code:
                    return str(code), sector
            if found == (None, None):
                found = (None, sector)
        return found

    def _by_surname(self, tok: Token) -> str | None:
        """The one person entity whose last name word an unlinked name repeats
        ("Ana Vela ... Vela said")."""
        low = tok.lower_
        found = [eid for eid, ent in self.entities.items() if ent.get("type") == "PERSON"
                 and [w.lower() for w in str(ent.get("name") or "").split()[-1:]] == [low]]
        return found[0] if len(found) == 1 else None

    def _title_roots(self, eid: str) -> list[Token]:
        """The head words of an entity's mentions, and the other places its last
        name word stands alone uncovered ("UN spokesperson Ana Vela" the entity
        layer did not link)."""
        cached = self._roots.get(eid)
        if cached is not None:
            return cached
        roots = list(self._mention_roots.get(eid, []))
        name = str((self.entities.get(eid) or {}).get("name") or "").split()
        if name and (self.entities.get(eid) or {}).get("type") == "PERSON":
            last = name[-1].lower()
            seen = {r.i for r in roots}
            roots += [t for t in self.doc if t.lower_ == last and t.pos_ == "PROPN" and t.i not in seen
                      and self.entity_at(t) is None]
        self._roots[eid] = roots  # (read once per entity: the scan walks the whole article)
        return roots

    def orgs_of(self, eid: str) -> set[str]:
        """Entity ids of the organisations a person holds a role in (Stoltenberg: NATO)."""
        ent = self.entities.get(eid) or {}
        found = {self._find_name(str(r["org"])) for r in ent.get("roles") or [] if r.get("org")}
        return {o for o in found if o is not None}

    def _find_name(self, name: str) -> str | None:
        low = name.lower()
        for eid, ent in self.entities.items():
            if str(ent.get("name", "")).lower() == low:
                return eid
        return None

    def host_of(self, eid: str) -> tuple[str | None, str | None]:
        """(entity id, country code) of the country a place belongs to; itself for a country."""
        ent = self.entities.get(eid) or {}
        if ent.get("code") and ent.get("type") in {"GPE", None}:
            return eid, str(ent["code"])
        country = ent.get("country")
        if not country:
            # A country-like place whose code is unknown stands for itself.
            return (eid, None) if ent.get("type") == "GPE" else (None, None)
        return self.by_code.get(str(country)), str(country)

    # -- arguments --------------------------------------------------------

    def args_for(self, head: Token, *, exclude: frozenset[int] = frozenset(), place_host: bool = False,
                 refer: bool = True) -> list[Arg]:
        """Resolve a head word, its conjuncts and listed appositions into arguments
        (with ``refer``, a pronoun or a description to what it stands for)."""
        out: list[Arg] = []
        for tok in _coordinated(head, exclude):
            out.extend(self._resolve(tok, place_host=place_host, refer=refer))
        seen: set[tuple[str | None, str | None, str | None]] = set()
        unique = []
        for arg in out:
            if arg.key not in seen:
                seen.add(arg.key)
                unique.append(arg)
        return unique

    def sector_of(self, tok: Token) -> str | None:
        """The sector a noun names, if any ("ministry" GOV, "militants" UAF)."""
        if self._of_heads is None:
            self._of_heads = frozenset(k.split(" of ")[0] for k in self.sectors if " of " in k)
        lemma = tok.lemma_.lower()
        if not (lemma in self.sectors or tok.lower_ in self.agents or lemma in self.agents
                or lemma in _COLLECTIVE or lemma in self._of_heads):
            return None  # a quick no for most nouns
        return self._sector(tok)[0]

    def antecedents(self) -> Antecedents:
        """The Doc's referents for pronouns and descriptions (built on first use)."""
        if self._antecedents is None:
            self._antecedents = Antecedents(self, lambda t: self._resolve(t, place_host=False, refer=False))
        return self._antecedents

    def _resolve(self, tok: Token, *, place_host: bool, refer: bool = True) -> list[Arg]:
        eid = self.entity_at(tok)
        if eid is None and tok.idx in self.time_chars:
            return []  # "on Tuesday", "July's summit": a date is nobody
        text = _phrase(tok)
        if eid is not None:
            return self._resolve_entity(tok, eid, text, place_host=place_host)
        return self._resolve_common(tok, text, place_host=place_host, refer=refer and self.refer)

    def _resolve_entity(self, tok: Token, eid: str, text: str, *, place_host: bool) -> list[Arg]:
        """The argument of a word the entity layer linked: the entity (or its place's host), coded."""
        if place_host:
            host, code = self.host_of(eid)
            if host is None and code is None:
                return []
            sector = None
            if host is not None:
                code, sector = self.codes_of(host)
            return [Arg(host, code, sector, tok.i, text)]
        code, sector = self.codes_of(eid)
        ent = self.entities.get(eid) or {}
        if sector is None and ent.get("type") not in {*PLACE_TYPES, "PERSON"} and tok.pos_ == "NOUN":
            # "Turkish gendarmes": the phrase's head word gives the sector.
            sector = self._sector(tok)[0]
        if code is None:
            # "Ithilen's minister Calimehtar", "the Danish minister X": the
            # phrase's owner gives the country the entity itself lacks.
            head = tok.head if tok.dep_ == "appos" else tok
            for owner in self._owners(head, with_preps=False):
                if owner != eid:
                    code = self.codes_of(owner)[0]
                    if code:
                        break
            if sector is None:
                sector = self._sector(head)[0] if head is not tok else None
        return [Arg(eid, code, sector, tok.i, text)]

    def _resolve_common(self, tok: Token, text: str, *, place_host: bool, refer: bool = False) -> list[Arg]:
        """The arguments of a common noun or an unlinked name: a name in apposition, owners, a sector;
        with ``refer``, what a pronoun or a description with no owner stands for."""
        if place_host:
            return []
        if tok.pos_ == "PRON":
            return self.antecedents().pronoun(tok) if refer else []
        sector, of_word = self._sector(tok)
        named = [c for c in tok.children if c.dep_ == "appos" and self.entity_at(c) is not None
                 and not self.is_place(self.entity_at(c))]
        if len(named) == 1 and tok.pos_ == "NOUN":
            # "the president, Emmanuel Macron": the name in apposition is who acts.
            args = self._resolve(named[0], place_host=False)
            if sector:
                args = [a if a.sector else Arg(a.entity, a.code, sector, a.token, a.text) for a in args]
            if args:
                return args
        if of_word is not None:
            text = _phrase(tok, keep_of=True)
        owners = self._owners(tok, with_preps=bool(sector) and of_word is None)
        if owners:
            if sector:
                args = []
                for owner in owners:
                    code, own_sector = self.codes_of(owner)
                    if code is None:
                        code = self.entities.get(owner, {}).get("country")
                    # "Kenyan and Tanzanian leaders": each side is named by its own modifier.
                    own_text = _owner_text(tok, owner, self) if len(owners) > 1 else text
                    args.append(Arg(None, code, sector, tok.i, own_text))
                return args
            return [Arg(o, *self.codes_of(o), tok.i, text) for o in owners]
        if sector:
            if refer:
                found = self.antecedents().description(tok, sector, text) or self.antecedents().organ(tok, sector, text)
                if found:
                    return found
            return [Arg(None, None, sector, tok.i, text)]
        if refer and tok.pos_ == "NOUN":
            found = self.antecedents().description(tok, None, text)  # "the country"
            if found:
                return found
        if tok.lower_ in _PARTITIVE or tok.lemma_.lower() in _PARTITIVE or tok.like_num:
            # "dozens of students", "some of the protesters": who is counted.
            for child in tok.children:
                if child.dep_ == "prep" and child.lower_ == "of":
                    for g in child.children:
                        if g.dep_ == "pobj":
                            return self._resolve(g, place_host=place_host, refer=refer)
        if tok.pos_ == "PROPN" and tok.dep_ not in {"compound", "amod"}:
            # A name the entity layer did not link: a person's surname said again,
            # else its words, coded by a title of its own ("Lula, the Brazilian president").
            person = self._by_surname(tok)
            if person is not None:
                return [Arg(person, *self.codes_of(person), tok.i, text)]
            return [Arg(None, *self._title_at(tok, None), tok.i, text)]
        return []

    def _sector(self, tok: Token) -> tuple[str | None, Token | None]:
        """The sector a noun names, and the "of" complement that completes it, if any.

        A sector word may be a phrase with "of" ("head of state", "chief of staff"):
        the phrase is tried before the noun alone.
        """
        lemma = tok.lemma_.lower()
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for g in child.children:
                    if g.dep_ == "pobj":
                        found = self.sectors.get(f"{lemma} of {g.lemma_.lower()}")
                        if found:
                            return found, g
        found = self.sectors.get(lemma) or self.sectors.get(tok.lower_)
        if found:
            return found, None
        found = self._agent_sector(tok)
        if found is None and lemma in _COLLECTIVE:
            # "the extremist group", "a rebel faction": the modifier says who they are.
            for child in tok.children:
                if child.dep_ in {"amod", "compound"} and child.i < tok.i:
                    found = self.sectors.get(child.lemma_.lower()) or self._agent_sector(child, modifier=True)
                    if found:
                        break
        return found, None

    def _agent_sector(self, tok: Token, *, modifier: bool = False) -> str | None:
        """The sector of an agent word of PETRARCH's dictionary: the word with the
        compound before it ("riot police", "special agent"), else the word alone."""
        if not tok.is_alpha or tok.pos_ not in ({"NOUN", "PROPN", "ADJ"} if modifier else {"NOUN", "PROPN"}):
            return None
        forms = []
        left = [c for c in tok.children if c.dep_ == "compound" and c.i == tok.i - 1]
        if left:
            forms.append(f"{left[0].lower_} {tok.lower_}")
        forms += [tok.lower_, tok.lemma_.lower()]
        for form in forms:
            agent = self.agents.get(form)
            if agent is not None:
                sector = agent_fields(None, agent.code, agent.position).sector or agent.sector
                return _AGENT_SECTOR.get(sector, sector)
        return None

    def _owners(self, tok: Token, *, with_preps: bool) -> list[str]:
        """Entities a noun phrase belongs to: its modifiers', or (for a sector word such
        as "lawmakers in Gondor") its of/from/in complement's."""
        found: list[str] = []
        mods = [c for c in tok.children if c.dep_ in _MODIFIER_DEPS]
        # A modifier says whose it is before a complement does: "the German
        # chancellor in Paris" is Germany's.
        if with_preps and not any(self.entity_at(t) for m in mods for t in _coordinated(m, frozenset())):
            mods += [g for c in tok.children if c.dep_ == "prep" and c.lower_ in _BELONG_PREPS
                     for g in c.children if g.dep_ == "pobj"]
        for child in mods:
            for t in _coordinated(child, frozenset()):
                eid = self.entity_at(t)
                if eid is not None and eid not in found:
                    found.append(eid)
        return found


def _coordinated(head: Token, exclude: frozenset[int]) -> list[Token]:
    """A head word, its conjuncts, and list members hidden as appositions ("A, Minister B, and C")."""
    out = [head]
    for conj in head.conjuncts:
        if conj.i not in exclude and conj.i > head.i:
            out.append(conj)
    for tok in list(out):
        for child in tok.children:
            if child.dep_ == "appos" and child.i not in exclude:
                # An apposition whose own complement names another entity of
                # the same kind is a list member, not a second name.
                for g in child.subtree:
                    if g.dep_ == "pobj" and g.ent_type_ and g.ent_type_ == head.ent_type_:
                        out.append(g)
                        break
    return out


def _owner_text(tok: Token, owner: str, index: EntityIndex) -> str:
    """The words of a phrase with coordinated modifiers, for one of them:
    "Kenyan and Tanzanian leaders" for Tanzania is "Tanzanian leaders"."""
    mods = [c for c in tok.children if c.dep_ in _MODIFIER_DEPS]
    group = [t for m in mods for t in _coordinated(m, frozenset())]
    words = [t for t in group if index.entity_at(t) == owner]
    if not words:
        return _phrase(tok)
    return " ".join([*(w.text for w in words[:1]), tok.text])


def _phrase(tok: Token, *, keep_of: bool = False) -> str:
    """The words of a noun phrase headed by a token, without its clauses and conjuncts
    (with its "of" complement when ``keep_of``: "a Tanzanian head of state")."""
    left = tok.i
    right = tok.i
    for child in tok.children:
        if child.dep_ in {"conj", "cc", "appos", "relcl", "acl", "punct", "advcl", "prep"} \
                and not (keep_of and child.dep_ == "prep" and child.lower_ == "of"):
            continue
        sub = list(child.subtree)
        left = min(left, sub[0].i)
        right = max(right, sub[-1].i)
    doc = tok.doc
    while left < tok.i and (doc[left].is_space or doc[left].is_punct):
        left += 1
    while right > tok.i and (doc[right].is_space or doc[right].is_punct):
        right -= 1
    return " ".join(doc[left : right + 1].text.split())
