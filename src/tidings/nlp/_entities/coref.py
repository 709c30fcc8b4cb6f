"""Group mentions into entities within one article.

Names first: gazetteer matches by their key; people by full name, then surname
or given name ("Stoltenberg", "Mr Yoon") to the nearest person whose name
contains it; organisations by name, by an acronym defined in the text ("the
North Atlantic Treaty Organisation (Nato)") or by initials, and by a short form
("Reuters" for "Reuters News").

Then the mentions that are not names, each resolved to an entity already
there: a title alone ("the secretary-general", "the minister") to the nearest
person holding a matching role; a noun for a kind of organisation ("the
alliance") to the nearest organisation of that kind; a pronoun (he/she to a
person, it/its/they to an organisation or country) to the most salient
compatible entity of its sentence or the ones before.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from tidings.nlp._entities.knowledge import Known
from tidings.nlp._entities.mentions import DETERMINERS, Mention
from tidings.nlp._entities.roles import RoleFound

# fmt: off
MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
THING_PRONOUNS = frozenset({"it", "its", "itself"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_QUOTE_CHARS = frozenset({'"', "\u201c", "\u201d"})
_ACRONYM_SKIP = frozenset({"of", "the", "for", "and", "on", "in", "de", "&"})
_PLACE_TYPES = frozenset({"GPE", "LOC"})
_RECENT = 2  # sentences: two countries named this near a short name leave it undecided
# fmt: on


@dataclass(slots=True)
class Draft:
    """An entity being built.

    Attributes:
        type: entity type.
        known: the gazetteer entry, if any.
        mentions: indexes into the mention list.
        roles: roles read from the text.
        gender: ``m``/``f`` once known.
        country, sector: set by institutions and context.
        kinds: nouns a story may use for it.
    """

    type: str
    known: Known | None = None
    mentions: list[int] = field(default_factory=list)
    roles: list[RoleFound] = field(default_factory=list)
    gender: str | None = None
    country: str | None = None
    sector: str | None = None
    kinds: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    def first(self, mentions: list[Mention]) -> int:
        return min(mentions[i].start for i in self.mentions)


def _words(doc: Doc, m: Mention) -> tuple[str, ...]:
    return tuple(t.text for t in doc[m.name_start : m.end] if not (t.is_punct and t.text not in {"-"}))


def _person_words(doc: Doc, m: Mention) -> tuple[str, ...]:
    """A person's name words, with hyphenated parts joined ("Suk-yeol")."""
    text = doc[m.name_start : m.end].text
    return tuple(w for w in text.replace("\u2019s", "").split() if w)


def _initials(words: tuple[str, ...]) -> str:
    return "".join(w[0] for w in words if w.lower() not in _ACRONYM_SKIP and w[:1].isalpha()).upper()


def group_names(doc: Doc, mentions: list[Mention]) -> list[Draft]:
    """Group name mentions into drafts (sets ``Mention.entity``)."""
    drafts: list[Draft] = []
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
    # "Korea" in a story of North and South Korea: the one named just before,
    # else neither (nor does it lend a country to "Korea's defence ministry").
    short = _short_names(doc, mentions)
    ambiguous = {i for i, known in short.items() if known is None}
    for i, known in short.items():
        mentions[i].known = known
    people = _group_by_key(doc, mentions, drafts, order, ambiguous)
    _group_people(doc, mentions, drafts, people)
    _merge_acronyms(doc, mentions, drafts)
    _merge_short_forms(mentions, drafts)
    return drafts


def _new_draft(drafts: list[Draft], m: Mention) -> int:
    """Start a draft of a mention's type and known entity; return its index."""
    d = Draft(type=m.type, known=m.known, kinds=m.known.kinds if m.known else ())
    drafts.append(d)
    return len(drafts) - 1


def _join(mentions: list[Mention], drafts: list[Draft], m_idx: int, d_idx: int) -> None:
    """Add a mention to a draft (the draft takes the mention's gender when it has none)."""
    mentions[m_idx].entity = d_idx
    drafts[d_idx].mentions.append(m_idx)
    if mentions[m_idx].gender and not drafts[d_idx].gender:
        drafts[d_idx].gender = mentions[m_idx].gender


def _group_by_key(doc: Doc, mentions: list[Mention], drafts: list[Draft], order: list[int],
                  ambiguous: set[int]) -> list[int]:
    """Group gazetteer entities and non-person names by key; return the unknown people's mentions."""
    by_key: dict[str, int] = {}
    people: list[int] = []
    for i in order:
        m = mentions[i]
        if m.kind != "name" or i in ambiguous:
            continue
        if m.known is not None:
            key = m.known.key
        elif m.type == "PERSON":
            people.append(i)
            continue
        else:
            key = f"{m.type}:{' '.join(_words(doc, m)).lower()}"
        if key not in by_key:
            by_key[key] = _new_draft(drafts, m)
            drafts[by_key[key]].words = _words(doc, m)
        _join(mentions, drafts, i, by_key[key])
    return people


def _group_people(doc: Doc, mentions: list[Mention], drafts: list[Draft], people: list[int]) -> None:
    """Group people: full names first (longest first), then short forms."""
    people.sort(key=lambda i: (-len(_person_words(doc, mentions[i])), mentions[i].start))
    # People a dictionary names ("Muhammadu Buhari" of the actor lexicon): their
    # surname alone in the article is them, as for a name the model found.
    person_drafts: list[int] = [d for d, draft in enumerate(drafts) if draft.known is not None
                                and draft.known.actor is not None and draft.known.type == "PERSON"
                                and len(draft.words) >= 2]
    for i in people:
        m = mentions[i]
        words = _person_words(doc, m)
        if not words:
            continue
        target = _person_draft(mentions, drafts, person_drafts, m, words)
        if target is None:
            target = _new_draft(drafts, m)
            drafts[target].words = words
            drafts[target].type = "PERSON"
            person_drafts.append(target)
        _join(mentions, drafts, i, target)


def _person_draft(mentions: list[Mention], drafts: list[Draft], person_drafts: list[int], m: Mention,
                  words: tuple[str, ...]) -> int | None:
    """The person draft a name joins: the same or a fuller name, or for one word the nearest it names."""
    if len(words) >= 2:
        norm = tuple(w.lower() for w in words)
        for d in person_drafts:
            dw = tuple(w.lower() for w in drafts[d].words)
            if dw == norm or _is_subsequence(norm, dw):
                return d
        return None
    word = words[0].lower()
    cands = []
    for d in person_drafts:
        dw = tuple(w.lower() for w in drafts[d].words)
        if len(dw) < 2:
            continue
        parts = {p for w in dw for p in w.split("-")}
        if word == dw[-1] or word == dw[0] or word in parts:
            rank = 0 if word == dw[-1] else (1 if word == dw[0] else 2)
            cands.append((rank, _distance(mentions, drafts[d], m), d))
    if cands:
        return min(cands)[2]
    for d in person_drafts:
        if tuple(w.lower() for w in drafts[d].words) == (word,):
            return d
    return None


def _short_names(doc: Doc, mentions: list[Mention]) -> dict[int, Known | None]:
    """Country names cut short that another place named in the article also bears.

    "Korea" is the gazetteer's short form of South Korea, but in a story that
    names North Korea it could be either; "Congo" beside "DR Congo" likewise.
    Such a mention goes to the candidate named nearest before it, when that one
    alone was named in the sentences just before; else it joins neither (None):
    two countries never merge through it. A country's own full name ("Sudan"
    beside "South Sudan") is no short form.

    Returns:
        For each such mention, the gazetteer entry it stands for, or None.
    """
    places = [(i, m, tuple(w.lower() for w in _words(doc, m))) for i, m in enumerate(mentions)
              if m.kind == "name" and m.type in _PLACE_TYPES]
    starts = [sent.start for sent in doc.sents] if doc.has_annotation("SENT_START") else [0]
    out: dict[int, Known | None] = {}
    for i, m, words in places:
        known = m.known
        if known is None or not known.key.startswith("country:") or not words:
            continue
        full = tuple(known.name.lower().split())
        if not _is_subsequence(words, full):
            continue
        bearers = [n for _, n, other in places if _is_subsequence(words, other)]
        if not any(n.known is None or _code(n.known) != _code(known) for n in bearers):
            continue
        # The candidates named before it, nearest first: (sentences back, tokens back, entry).
        before: dict[str | None, tuple[int, int, Known | None]] = {}
        for n in bearers:
            if n.start < m.start:
                back = (_sentence_of(starts, m.start) - _sentence_of(starts, n.start), m.start - n.start, n.known)
                code = _code(n.known) if n.known else f"?{n.start}"
                if code not in before or back[:2] < before[code][:2]:
                    before[code] = back
        ranked = sorted(before.values(), key=lambda b: b[:2])
        if ranked and (len(ranked) == 1 or ranked[1][0] > _RECENT):
            out[i] = ranked[0][2]
        else:
            out[i] = None
    return out


def _sentence_of(starts: list[int], token: int) -> int:
    return bisect.bisect_right(starts, token) - 1


def _code(known: Known | None) -> str | None:
    """The country a gazetteer entry stands for or belongs to."""
    if known is None:
        return None
    return known.code if known.key.startswith("country:") else known.country


def _is_subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    n = len(short)
    return n < len(long) and any(long[k : k + n] == short for k in range(len(long) - n + 1))


def _distance(mentions: list[Mention], draft: Draft, m: Mention) -> tuple[int, int]:
    """Prefer the draft mentioned nearest before ``m``; after it only if none before."""
    before = [m.start - mentions[i].start for i in draft.mentions if mentions[i].start < m.start]
    if before:
        return (0, min(before))
    after = [mentions[i].start - m.start for i in draft.mentions]
    return (1, min(after) if after else 10**9)


def _merge_into(mentions: list[Mention], drafts: list[Draft], src: int, dst: int) -> None:
    if src == dst:
        return
    a, b = _code(drafts[src].known) or drafts[src].country, _code(drafts[dst].known) or drafts[dst].country
    if a and b and a != b:
        return  # names of two countries are never one entity
    for i in drafts[src].mentions:
        mentions[i].entity = dst
        drafts[dst].mentions.append(i)
    drafts[src].mentions = []
    if drafts[dst].known is None and drafts[src].known is not None:
        drafts[dst].known = drafts[src].known
        drafts[dst].kinds = drafts[src].kinds


def _merge_acronyms(doc: Doc, mentions: list[Mention], drafts: list[Draft]) -> None:
    """Merge "Long Name (ACR)" and initials-matching acronyms of organisations."""
    n = len(doc)
    ordered = sorted((m for m in mentions if m.kind == "name" and m.entity >= 0), key=lambda m: m.start)
    at = {m.start: m for m in ordered}
    for m in ordered:
        if m.type not in {"ORG", "GPE", "FAC", "LOC"}:
            continue
        k = m.end
        if k + 2 < n and doc[k].text == "(" and doc[k + 2].text == ")" and k + 1 in at:
            inner = at[k + 1]
            if inner.end == k + 2 and inner.entity != m.entity:
                a, b = drafts[m.entity], drafts[inner.entity]
                # Keep the gazetteer's entity where there is one.
                if a.known is None and b.known is not None:
                    _merge_into(mentions, drafts, m.entity, inner.entity)
                else:
                    _merge_into(mentions, drafts, inner.entity, m.entity)
    orgs = [d for d in range(len(drafts)) if drafts[d].mentions and drafts[d].type == "ORG"]
    for d in orgs:
        words = drafts[d].words
        if len(words) != 1 or not words[0].isupper() or not 2 <= len(words[0]) <= 6:
            continue
        for other in orgs:
            if other != d and drafts[other].mentions and len(drafts[other].words) >= 2 \
                    and _initials(drafts[other].words) == words[0] and drafts[d].known is None:
                _merge_into(mentions, drafts, d, other)
                break


def _merge_short_forms(mentions: list[Mention], drafts: list[Draft]) -> None:
    """Merge an organisation named by the first words of a longer name in the article
    (the longer one may be a dictionary's: "Lockheed" joins "Lockheed Martin")."""
    orgs = [d for d in range(len(drafts)) if drafts[d].mentions and drafts[d].type == "ORG"
            and (drafts[d].known is None or drafts[d].known.actor is not None)]
    for d in orgs:
        if drafts[d].known is not None:
            continue
        words = drafts[d].words
        if not words:
            continue
        for other in orgs:
            ow = drafts[other].words
            if other != d and drafts[other].mentions and len(ow) > len(words) and ow[: len(words)] == words:
                _merge_into(mentions, drafts, d, other)
                break


class Salience:
    """Where each entity was mentioned, to pick antecedents."""

    def __init__(self, doc: Doc, mentions: list[Mention], drafts: list[Draft], sent_of: list[int]) -> None:
        self.doc = doc
        self.mentions = mentions
        self.drafts = drafts
        self.sent_of = sent_of

    def candidates(self, pos: int, types: frozenset[str], window: int = 3) -> list[tuple[float, int]]:
        """Score the entities mentioned before token ``pos`` in its sentence or the ones before."""
        sent = self.sent_of[pos]
        best: dict[int, float] = {}
        for idx, m in enumerate(self.mentions):
            if m.entity < 0 or m.start >= pos or m.kind == "pronoun":
                continue
            d = self.drafts[m.entity]
            if d.type not in types:
                continue
            dist = sent - self.sent_of[m.start]
            if dist < 0 or dist > window:
                continue
            head = _head(self.doc, m)
            score = -2.0 * dist
            if head.dep_ in SUBJECT_DEPS:
                score += 3.0
            elif head.dep_ == "poss":
                score += 1.0
            if dist == 0:
                score += 0.5 + 0.01 * (m.start - pos)
            score += 0.3 * math.log(1 + len(d.mentions))
            score += 0.001 * idx
            if score > best.get(m.entity, -1e9):
                best[m.entity] = score
        return sorted(((s, e) for e, s in best.items()), reverse=True)


def _head(doc: Doc, m: Mention) -> Token:
    for tok in doc[m.start : m.end]:
        if not (m.start <= tok.head.i < m.end) or tok.head.i == tok.i:
            return tok
    return doc[m.end - 1]


def inside_quote(doc: Doc, quote_open: list[bool], i: int) -> bool:
    """Whether token ``i`` lies between opening and closing quotation marks."""
    return quote_open[i]


def quote_mask(doc: Doc) -> list[bool]:
    """Per token: inside a quotation (so "I", "we", "he" there are the speaker's words)."""
    mask = [False] * len(doc)
    inside = False
    for tok in doc:
        t = tok.text
        if t == "\u201c":
            inside = True
        elif t == "\u201d":
            inside = False
            continue
        elif t == '"':
            inside = not inside
            continue
        if "\n\n" in t:
            inside = False
        mask[tok.i] = inside
    return mask


def resolve_pronouns(doc: Doc, mentions: list[Mention], drafts: list[Draft], sal: Salience,
                     quoted: list[bool]) -> list[Mention]:
    """Add pronoun mentions of people and organisations."""
    added: list[Mention] = []
    covered = {i for m in mentions for i in range(m.start, m.end)}
    for tok in doc:
        low = tok.lower_
        if tok.pos_ != "PRON" and low not in {"his", "its", "their", "her"}:
            continue
        if tok.i in covered or quoted[tok.i]:
            continue
        if low in MALE_PRONOUNS or low in FEMALE_PRONOUNS:
            gender = "m" if low in MALE_PRONOUNS else "f"
            cands = [
                (s, e) for s, e in sal.candidates(tok.i, frozenset({"PERSON"}))
                if drafts[e].gender in (None, gender)
            ]
            if not cands:
                continue
            e = cands[0][1]
            if drafts[e].gender is None:
                drafts[e].gender = gender
            pm = Mention(tok.i, tok.i + 1, "PERSON", kind="pronoun", source="coref", entity=e, gender=gender)
        elif low in THING_PRONOUNS:
            if low == "it" and _pleonastic(tok):
                continue
            cands = sal.candidates(tok.i, frozenset({"ORG", "GPE"}), window=1)
            cands = [(s, e) for s, e in cands if _countryish(drafts[e])]
            if not cands or cands[0][0] < 0:
                continue
            e = cands[0][1]
            pm = Mention(tok.i, tok.i + 1, drafts[e].type, kind="pronoun", source="coref", entity=e)
        elif low in PLURAL_PRONOUNS:
            people = sal.candidates(tok.i, frozenset({"PERSON"}), window=0)
            if people:
                continue  # "Mr Yoon and Mr Kishida ... their countries"
            cands = sal.candidates(tok.i, frozenset({"ORG"}), window=1)
            if not cands or cands[0][0] < 1:
                continue
            e = cands[0][1]
            pm = Mention(tok.i, tok.i + 1, "ORG", kind="pronoun", source="coref", entity=e)
        else:
            continue
        mentions.append(pm)
        drafts[pm.entity].mentions.append(len(mentions) - 1)
        added.append(pm)
    return added


def _countryish(d: Draft) -> bool:
    """An organisation, or a country (not a city or region), may be "it"."""
    if d.type == "ORG":
        return True
    return d.known is not None and d.known.key.startswith("country:")


def _pleonastic(tok: object) -> bool:
    """ "It is likely that..." / "it was raining": no antecedent."""
    head = tok.head  # type: ignore[attr-defined]
    if tok.dep_ == "expl":  # type: ignore[attr-defined]
        return True
    if tok.dep_ in SUBJECT_DEPS and head.lemma_ in {"be", "seem", "appear", "take", "rain", "remain", "become"}:  # type: ignore[attr-defined]
        return any(c.dep_ in {"ccomp", "xcomp", "acomp"} for c in head.children)
    return False


def resolve_titles(doc: Doc, mentions: list[Mention], drafts: list[Draft],
                   titles: list[tuple[int, int, str]], quoted: list[bool]) -> list[Mention]:
    """Add "the secretary-general" / "the minister" mentions of people holding such roles."""
    added: list[Mention] = []
    covered = {i for m in mentions for i in range(m.start, m.end)}
    n = len(doc)
    for s, e, key in titles:
        if s == 0 or doc[s - 1].text not in DETERMINERS:
            continue
        if any(i in covered for i in range(s, e)) or quoted[s]:
            continue
        if e < n and (doc[e].lower_ == "of" or doc[e].pos_ in {"PROPN", "NOUN"} or doc[e].text in {"-"}):
            continue
        best = None
        for d_idx, d in enumerate(drafts):
            if d.type != "PERSON" or not d.mentions:
                continue
            if not any(r.title.lower() == key or r.title.lower().endswith(" " + key)
                       or r.title.lower().startswith(key + " of") for r in d.roles):
                continue
            before = [s - mentions[i].start for i in d.mentions if mentions[i].start < s]
            if not before:
                continue
            dist = min(before)
            if best is None or dist < best[0]:
                best = (dist, d_idx)
        if best is None:
            continue
        m = Mention(s - 1, e, "PERSON", kind="title", source="coref", entity=best[1])
        mentions.append(m)
        drafts[best[1]].mentions.append(len(mentions) - 1)
        added.append(m)
        covered.update(range(s - 1, e))
    return added


def resolve_nominals(doc: Doc, mentions: list[Mention], drafts: list[Draft],
                     hits: list[tuple[int, int, str]], quoted: list[bool]) -> list[Mention]:
    """Add "the alliance"-like mentions of organisations of that kind named earlier."""
    added: list[Mention] = []
    covered = {i for m in mentions for i in range(m.start, m.end)}
    n = len(doc)
    for s, e, kind in hits:
        if s == 0 or doc[s - 1].text not in DETERMINERS or any(i in covered for i in range(s - 1, e)):
            continue
        if e < n and doc[e].pos_ in {"PROPN"}:
            continue
        if e < n and doc[e].lower_ == "of":
            continue
        best = None
        for d_idx, d in enumerate(drafts):
            if not d.mentions or kind not in d.kinds:
                continue
            before = [s - mentions[i].start for i in d.mentions if mentions[i].start < s]
            if not before:
                continue
            if best is None or min(before) < best[0]:
                best = (min(before), d_idx)
        if best is None:
            continue
        m = Mention(s - 1, e, drafts[best[1]].type, kind="nominal", source="coref", entity=best[1])
        mentions.append(m)
        drafts[best[1]].mentions.append(len(mentions) - 1)
        added.append(m)
        covered.update(range(s - 1, e))
    return added
