"""Event participants named by a pronoun or a description: who "he", "they",
"the ministry", "the militants" or "the country" is.

The entity stage links most pronouns and titles to an entity (see
docs/entities.md). What it leaves unlinked, and what names a participant by its
role or sector alone, is resolved here, for the event stage only, to the most
recent compatible referent of the few sentences before:

* a personal pronoun ("he", "she") to a person; "they" to an organisation, a
  group named by its sector ("gunmen", "the rebels") or coordinated subjects;
  "it" to an organisation or a country; third-person pronouns inside a quote
  are left alone (they are the speaker's words), and "I"/"we" inside a quote
  are the speaker's side;
* "the country", "the nation" to a country;
* a role noun of a person ("the president", "the spokesman") to the person
  holding that title, else to the one country whose people of that sector are
  named;
* a body or group noun ("the ministry", "the regime", "the army", "the
  militants", "the extremist group") to the organisation or coded phrase of
  that sector (armed non-state sectors count as one), else, for an organ of a
  state (GOV, MIL, COP, JUD, LEG, SPY), to the one country named.

A resolution needs exactly one compatible candidate in the window; with two or
more, or none, nothing is guessed (the participant stays uncoded, an actor is
then ``actor_unknown``). The resolved argument keeps the anaphor's words as its
``text`` and records where its antecedent is (``Arg.antecedent``).
"""

from __future__ import annotations

import bisect
import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.tokens import Doc, Token

if TYPE_CHECKING:
    from tidings.nlp._events.args import Arg, EntityIndex

# Sentences before the anaphor's own that its antecedent may be in.
WINDOW = 2
_PERSON_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f"}
_PLURAL_PRONOUNS = frozenset({"they", "them"})
_THING_PRONOUNS = frozenset({"it"})
_SPEAKER_PRONOUNS = frozenset({"i", "me", "we", "us"})
_COUNTRY_NOUNS = frozenset({"country", "nation"})
_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
# Sectors of a state's own organs: with no antecedent of their sector, the one
# country named around them is theirs ("the ministry said" in a story of Peru).
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY"})
# Armed non-state sectors (PETRARCH's REB, RAD, UAF, INS): "the extremist group"
# after "Boko Haram" (REB), "the militants" (UAF) after "rebels".
_ARMED = frozenset({"REB", "RAD", "UAF", "INS"})
_ARG_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "obj", "pobj", "appos", "conj", "attr", "ROOT", "agent"})
# Sectors of people who may be anyone: a description of them is no anaphor.
_ANYONE = frozenset({"CVL", "PPL"})
# Where a noun that names no participant competes for a pronoun.
_OTHER_DEPS = frozenset({"nsubj", "nsubjpass", "dobj"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# Title words that name no person.
# Singular nouns "they" may stand for: "the police ... they", "the group ... they".
_GROUP_NOUNS = frozenset({"police", "group", "government", "army", "military", "militia", "administration",
                          "regime", "force", "organisation", "organization", "faction", "movement"})
_NOT_PERSON = frozenset({"police", "state", "staff", "title", "member", "head"})
_QUOTE_CHARS = frozenset({"\u201c", "\u201d", '"'})


@functools.lru_cache(maxsize=1)
def person_nouns() -> frozenset[str]:
    """Nouns that name one person by a role: the last words of the entity stage's titles."""
    from tidings.knowledge.files import Field, load_data_file

    data = load_data_file("tidings:entities/titles.tsv", [Field("title", required=True), Field("sector"),
                                                          Field("head"), Field("of")])
    words = {str(e["title"]).split()[-1].lower() for e in data.entries}
    return frozenset(words - _NOT_PERSON)


def same_family(a: str | None, b: str | None) -> bool:
    """Whether two sectors may name the same group."""
    return bool(a and b and (a == b or (a in _ARMED and b in _ARMED)))


@dataclass(frozen=True, slots=True)
class Referent:
    """Something named before an anaphor that it may stand for.

    Attributes:
        token: the head word.
        sent: the number of its sentence (blank ones not counted).
        args: its arguments (more than one for coordinated subjects).
        kind: ``person``, ``country``, ``place``, ``body`` (an organisation or a
            group named by its sector), ``coord`` (coordinated subjects) or
            ``other`` (a subject or object that names no participant: "the
            girls", "the moon"; it resolves nothing but makes a pronoun that may
            stand for it ambiguous).
        plural: whether "they" may stand for it.
        gender: ``m``/``f`` when known.
        span: character offsets of its words.
    """

    token: int
    sent: int
    args: tuple[Arg, ...]
    kind: str
    plural: bool
    gender: str | None
    span: tuple[int, int]
    coded: bool = True  # an entity's code and sector are looked up when it is first a candidate

    @property
    def key(self) -> tuple[object, ...]:
        if self.kind == "other":
            return ("other", self.token)  # each thing is its own
        return tuple(_key(a) for a in self.args)


class Antecedents:
    """The referents of one Doc in text order, and the resolution of anaphors against them."""

    def __init__(self, index: EntityIndex, resolve_plain: Callable[[Token], list[Arg]]) -> None:
        self.index = index
        self.doc: Doc = index.doc
        self._plain = resolve_plain
        self._sent_starts: list[int] = []
        self._sent_no: list[int] = []
        # Sentences from the parse's starts, numbered without the blank ones ("\n").
        if len(self.doc):
            rows = self.doc.to_array([SENT_START, IS_SPACE]).astype("int64")
            starts = numpy.flatnonzero(rows[:, 0] == 1)
            if not starts.size or starts[0] != 0:
                starts = numpy.concatenate([[0], starts])
            ends = numpy.append(starts[1:], len(self.doc))
            # A sentence is blank when all its words are space: its length equals its spaces.
            spaces = numpy.add.reduceat(rows[:, 1], starts)
            nonblank = (ends - starts) > spaces
            numbers = numpy.concatenate([[0], numpy.cumsum(nonblank)[:-1]])
            self._sent_starts = starts.tolist()
            self._sent_no = numbers.tolist()
        self._quoted: list[tuple[int, int]] | None = None
        self._codes: dict[str, tuple[str | None, str | None]] = {}
        self._referents: list[Referent] | None = None
        self._starts: list[int] = []

    # -- where ------------------------------------------------------------

    def sent_of(self, i: int) -> int:
        return self._sent_no[bisect.bisect_right(self._sent_starts, i) - 1]

    def quoted(self, i: int) -> bool:
        if self._quoted is None:
            self._quoted = _quoted_spans(self.doc)
        idx = self.doc[i].idx
        at = bisect.bisect_right(self._quoted, (idx, sys.maxsize)) - 1
        return (at >= 0 and self._quoted[at][0] <= idx < self._quoted[at][1]) or self._in_quote_record(i) is not None

    def _in_quote_record(self, i: int) -> dict[str, object] | None:
        tok = self.doc[i]
        best: dict[str, object] | None = None
        for quote in self.doc._.tidings_quotes or []:
            if quote["start"] <= tok.idx and tok.idx + len(tok) <= quote["end"] and (
                    best is None or quote["end"] - quote["start"] < best["end"] - best["start"]):  # type: ignore[operator]
                best = quote
        return best

    def _code(self, r: Referent) -> Referent:
        """A referent of the entity layer with its entity's code and sector."""
        if r.coded:
            return r
        a = r.args[0]
        found, sector = self._codes_of(str(a.entity))
        return replace(r, args=(_with(a, code=found, sector=sector),), coded=True)

    def _codes_of(self, eid: str) -> tuple[str | None, str | None]:
        if eid not in self._codes:
            self._codes[eid] = self.index.codes_of(eid)
        return self._codes[eid]

    # -- referents --------------------------------------------------------

    def referents(self) -> list[Referent]:
        """The Doc's referents in text order. The entity layer's mentions first; then,
        word by word, groups named by their sector, coordinated subjects, and the
        descriptions and pronouns resolved here (each against the referents before
        it), so that a chain ("Boko Haram ... the extremist group ... they") keeps
        one referent."""
        if self._referents is None:
            self._referents = sorted(self._entity_referents(), key=lambda r: r.token)
            self._starts = [r.token for r in self._referents]
            wanted = numpy.array([self.doc.vocab.strings[d] for d in _ARG_DEPS], dtype="uint64")
            for i in numpy.flatnonzero(numpy.isin(self.doc.to_array("DEP"), wanted)).tolist():
                ref = self._referent_at(self.doc[i])
                if ref is not None:
                    at = bisect.bisect_right(self._starts, ref.token)
                    self._starts.insert(at, ref.token)
                    self._referents.insert(at, ref)
        return self._referents

    def _entity_referents(self) -> list[Referent]:
        index = self.index
        out: list[Referent] = []
        genders = self._genders()
        for span in self.doc.spans.get("tidings_mentions", None) or []:
            eid = span.kb_id_
            ent = index.get(eid) if eid else None
            if ent is None:
                continue
            root = span.root
            if root.lower_ in _SPEAKER_PRONOUNS:
                continue
            kind = self._kind_of(eid, ent)
            if kind is None:
                continue
            arg = _arg(eid, None, None, root.i, span.text)
            plural = kind == "body" or root.tag_ in {"NNS", "NNPS"}
            out.append(Referent(root.i, self.sent_of(root.i), (arg,), kind, plural, genders.get(eid),
                                (span.start_char, span.end_char), coded=False))
        return out

    def _referent_at(self, tok: Token) -> Referent | None:
        """A referent the entity layer does not give: a group named by its sector
        (resolved when it is itself a description), coordinated subjects, or a
        pronoun resolved here."""
        index = self.index
        if tok.dep_ not in _ARG_DEPS:
            return None
        if tok.dep_ in {"nsubj", "nsubjpass"} and any(c.dep_ == "conj" for c in tok.children):
            # Coordinated subjects: "Peru and Chile signed ... They also agreed".
            args = [a for a in self.index.args_for(tok, refer=False) if a.entity or a.code]
            if len(args) >= 2:
                return Referent(tok.i, self.sent_of(tok.i), tuple(args), "coord", True, None, _span(tok))
        if index.entity_at(tok) is not None:
            return None
        if tok.pos_ == "PRON" and tok.lower_ in _PERSON_PRONOUNS.keys() | _PLURAL_PRONOUNS | _THING_PRONOUNS:
            found = self.pronoun(tok)
            if not found:
                return None
            low = tok.lower_
            kind = "person" if low in _PERSON_PRONOUNS else "coord" if len(found) > 1 else "body"
            if low in _THING_PRONOUNS and found[0].entity and self._kind_of(found[0].entity, index.get(found[0].entity) or {}) == "country":
                kind = "country"
            return Referent(tok.i, self.sent_of(tok.i), tuple(found), kind, low in _PLURAL_PRONOUNS,
                            _PERSON_PRONOUNS.get(low), _span(tok))
        if tok.pos_ != "NOUN":
            return None
        sector = index.sector_of(tok)
        if sector is None:
            if tok.dep_ not in _OTHER_DEPS or tok.idx in index.time_chars:
                return None
            # "They were freed" after "the girls": a pronoun may stand for what names no participant.
            return Referent(tok.i, self.sent_of(tok.i), (_arg(None, None, None, tok.i, tok.text),), "other",
                            tok.tag_ == "NNS", None, _span(tok))
        args = [a for a in self._plain(tok) if a.code or a.sector]
        if len(args) != 1 or args[0].entity is not None:
            return None
        if not args[0].code:
            text = args[0].text
            found = self.description(tok, sector, text) or self.organ(tok, sector, text)
            if len(found) == 1:
                args = found
        lemma = tok.lemma_.lower()
        person = lemma in person_nouns() and tok.tag_ == "NN"
        plural = tok.tag_ == "NNS" or lemma in _GROUP_NOUNS
        return Referent(tok.i, self.sent_of(tok.i), (args[0],), "person" if person else "body", plural, None,
                        _span(tok))

    def _kind_of(self, eid: str, ent: dict[str, object]) -> str | None:
        etype = ent.get("type")
        if etype == "PERSON":
            return "person"
        if etype == "GPE":
            host, code = self.index.host_of(eid)
            if host == eid and code:
                return "country"
            return "place" if code else None
        if etype in {"LOC", "FAC"}:
            return "place" if self.index.host_of(eid)[1] else None
        if etype == "ORG":
            return "body"
        return None  # a nationality ("Chilean") says whose a person is, not where the story is

    def _genders(self) -> dict[str, str]:
        """The gender of a person entity, from the pronouns the entity stage linked to it."""
        out: dict[str, str] = {}
        for span in self.doc.spans.get("tidings_mentions", None) or []:
            if len(span) == 1 and span[0].lower_ in _PERSON_PRONOUNS | {"his": "m", "hers": "f"} and span.kb_id_:
                out.setdefault(span.kb_id_, {"his": "m", "hers": "f"}.get(span[0].lower_)
                               or _PERSON_PRONOUNS[span[0].lower_])
        return out

    def _window(self, tok: Token, code: frozenset[str] = frozenset()) -> list[Referent]:
        """The referents before an anaphor, nearest first, within the window; those of
        the kinds in ``code`` with their entity's code and sector looked up."""
        refs = self.referents()
        here = self.sent_of(tok.i)
        # Nothing in the anaphor's own phrase is its antecedent ("the extremist group").
        first = tok.left_edge.i
        end = bisect.bisect_left(self._starts, first)
        out: list[Referent] = []
        for at in range(end - 1, -1, -1):
            r = refs[at]
            if here - r.sent > WINDOW:
                break
            if not r.coded and r.kind in code:
                r = refs[at] = self._code(r)
            out.append(r)
        return out

    # -- resolution -------------------------------------------------------

    def pronoun(self, tok: Token) -> list[Arg]:
        """The referent of an unlinked pronoun, if there is exactly one."""
        low = tok.lower_
        if low in _SPEAKER_PRONOUNS:
            return self._speaker(tok)
        if self.quoted(tok.i):
            return []  # a third person in a quote: the speaker's words, not ours to read
        if low in _PERSON_PRONOUNS:
            gender = _PERSON_PRONOUNS[low]
            if low == "her" and tok.dep_ == "poss":
                return []
            cands = [r for r in self._window(tok) if (r.kind == "person" and r.gender in {None, gender})
                     or (r.kind == "other" and not r.plural and self.doc[r.token].dep_ in _SUBJECT_DEPS)]
        elif low in _PLURAL_PRONOUNS:
            cands = [r for r in self._window(tok) if r.plural and r.kind in {"body", "coord", "other"}]
            # Members of a coordination are no referents of their own beside it.
            members = {_key(a) for r in cands if r.kind == "coord" for a in r.args}
            cands = [r for r in cands if r.kind == "coord" or _key(r.args[0]) not in members]
        elif low in _THING_PRONOUNS:
            cands = [r for r in self._window(tok) if (r.kind in {"body", "country"} and r.args[0].entity)
                     or (r.kind == "other" and not r.plural and self.doc[r.token].dep_ in _SUBJECT_DEPS)]
        else:
            return []
        if any(r.kind == "other" for r in cands):
            return []  # it may stand for something that is no participant
        return self._unique(tok, cands)

    def _speaker(self, tok: Token) -> list[Arg]:
        """ "I", "we" inside a quote: the speaker (an entity) stands for their side."""
        quote = self._in_quote_record(tok.i)
        speaker = quote.get("speaker") if quote else None
        if not isinstance(speaker, str) or speaker not in self.index.entities:
            return []
        code, sector = self._codes_of(speaker)
        return [_arg(speaker, code, sector, tok.i, tok.text)]

    def description(self, tok: Token, sector: str | None, text: str) -> list[Arg]:
        """The referent of "the country", "the president", "the ministry", "the militants"."""
        lemma = tok.lemma_.lower()
        country = lemma in _COUNTRY_NOUNS and tok.tag_ == "NN"
        if not (country or (sector is not None and sector not in _ANYONE)) or not _definite(tok):
            return []  # "the attack" names nobody; "the man", "the people" may be anyone
        if country:
            return self._unique(tok, [r for r in self._window(tok) if r.kind == "country"], text=text)
        window = self._window(tok, code=frozenset({"person", "body", "country", "place"}))
        if lemma in person_nouns() and tok.tag_ == "NN":
            # "the president": the person holding that title.
            titled = [r for r in window if r.kind == "person" and r.args[0].entity
                      and self._holds_title(r.args[0].entity, lemma)]
            if titled:
                return self._unique(tok, titled, text=text)
        else:
            # "the ministry", "the extremist group": the body of that sector.
            plural = tok.tag_ == "NNS"
            # A named organisation may be either number; a phrase agrees ("the man" is not "two tourists").
            bodies = [r for r in window if r.kind == "body" and (r.args[0].entity or r.args[0].code)
                      and same_family(r.args[0].sector, sector)
                      and (r.args[0].entity is not None or (self.doc[r.token].tag_ == "NNS") == plural)]
            found = self._unique(tok, bodies, text=text)
            if found:
                return found
        # "the regime" after "Kim" (PRK/GOV): the one country whose people or bodies
        # of that sector are named; who exactly is not said.
        holders = [r for r in window if r.kind in {"person", "body"} and r.args[0].code
                   and same_family(r.args[0].sector, sector)]
        found = self._unique(tok, holders, text=text, by_code=True)
        if found:
            return [_with(a, entity=None, sector=sector) for a in found]
        if sector in STATE_SECTORS:
            return self._country_of(tok, sector, text, window)
        return []

    def organ(self, tok: Token, sector: str, text: str) -> list[Arg]:
        """A state's organ named with no article ("Authorities arrested", "police said"):
        the one country named around it."""
        if sector not in STATE_SECTORS or tok.dep_ not in {"nsubj", "nsubjpass"} \
                or any(c.dep_ in {"det", "poss", "nummod", "amod"} for c in tok.children) \
                or tok.tag_ not in {"NNS", "NN"} or (tok.tag_ == "NN" and tok.lemma_.lower() != "police") \
                or (tok.lemma_.lower() in _GROUP_NOUNS and tok.lemma_.lower() not in {"police", "force"}):
            # "powerful forces", "foreign troops": whose is not the story's country;
            # "Governments have blamed": bodies in the plural are any.
            return []
        if self.quoted(tok.i):
            return []
        return self._country_of(tok, sector, text, self._window(tok, code=frozenset({"country", "place"})))

    def _country_of(self, tok: Token, sector: str, text: str, window: list[Referent]) -> list[Arg]:
        places = [r for r in window if r.kind in {"country", "place"}]
        codes = {str(r.args[0].code) for r in places if r.args[0].code and r.args[0].code != "IGO"}
        if len(codes) != 1:
            return []
        code = codes.pop()
        ref = next(r for r in places if r.args[0].code == code)
        return [_arg(None, code, sector, tok.i, text, ref.span)]

    def _holds_title(self, eid: str, lemma: str) -> bool:
        ent = self.index.get(eid) or {}
        return any(str(r.get("title") or "").lower().split()[-1:] == [lemma] for r in ent.get("roles") or [])

    def _unique(self, tok: Token, cands: list[Referent], *, text: str | None = None,
                by_code: bool = False) -> list[Arg]:
        """The arguments of the one candidate (by entity, or by code), else none."""
        keys = {tuple(a.code for a in r.args) if by_code else r.key for r in cands}
        if len(keys) != 1:
            return []
        ref = self._code(cands[0])
        words = text if text is not None else tok.text
        return [_with(a, token=tok.i, text=words, antecedent=ref.span) for a in ref.args]


def _key(arg: Arg) -> tuple[object, ...]:
    """Who an argument is: its entity, else its code and sector."""
    return ("entity", arg.entity) if arg.entity else arg.key


def _arg(*fields: object) -> Arg:
    from tidings.nlp._events.args import Arg

    return Arg(*fields)  # type: ignore[arg-type]


def _with(arg: Arg, **changes: object) -> Arg:
    return replace(arg, **changes)  # type: ignore[arg-type]


def _definite(tok: Token) -> bool:
    """ "the ministry", "this group", "the militants": a definite description with
    no possessor and no "of" complement of its own."""
    dets = [c for c in tok.children if c.dep_ == "det"]
    if not dets or dets[0].lower_ not in _DEFINITE:
        return False
    return not any(c.dep_ in {"poss", "nummod"} or (c.dep_ == "prep" and c.lower_ == "of") for c in tok.children)


def _span(tok: Token) -> tuple[int, int]:
    """Character offsets of the phrase a word heads."""
    left, right = tok.left_edge, tok.right_edge
    return left.idx, right.idx + len(right)


def _quoted_spans(doc: Doc) -> list[tuple[int, int]]:
    """Character spans between quotation marks: curly ones, and straight ones paired
    within a paragraph (a blank line closes any quote left open). Only the quotation
    marks and the space words are looked at."""
    marks = {doc.vocab.strings.add(m) for m in _QUOTE_CHARS}
    rows = doc.to_array([ORTH, IS_SPACE])
    at = numpy.flatnonzero(numpy.isin(rows[:, 0], numpy.array(sorted(marks), dtype="uint64")) | (rows[:, 1] == 1))
    out: list[tuple[int, int]] = []
    start: int | None = None
    for i in at.tolist():
        tok = doc[i]
        mark = tok.text
        if mark == "\u201c" or (mark == '"' and start is None):
            start = tok.idx + len(tok)
        elif start is not None and (mark in _QUOTE_CHARS or "\n\n" in mark.replace(" ", "")):
            out.append((start, tok.idx))
            start = None
    if start is not None:
        out.append((start, doc[-1].idx + len(doc[-1])))
    return out
