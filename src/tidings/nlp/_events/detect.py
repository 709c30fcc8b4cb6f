"""Find events in a parsed Doc: triggers, their arguments, modality, time and place.

Per sentence, each word whose lemma is a trigger (and whose object fits the
trigger's object constraint) is a candidate. Its clause is read from the
dependency parse by climbing from the trigger through the relations that share
a subject (``xcomp``, ``acomp``, ``advcl``, ``conj``, ``acl``) to the first word
that has one: that subject is the actor (the agent for a passive), and the cues
met on the way (auxiliaries, adverbs, negations, governing words such as "due"
or "plans") give the modality. Climbing on through a ``ccomp`` to a verb of
saying, or finding one coordinated with the clause, makes the event reported:
its ``source`` is that verb's subject (or the speaker of the quote around it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from spacy.tokens import Doc, Span, Token

from tidings.nlp._events.args import Arg, EntityIndex
from tidings.nlp._events.classifier import NONE, EventClassifier
from tidings.nlp._events.confidence import Calibration, load_calibration
from tidings.nlp._events.lexicon_cameo import CameoLexicon, CameoMatch, CameoNouns
from tidings.nlp._events.ontology import (
    MODALITY_RANK,
    TARGET_SOURCES,
    EventKnowledge,
    Trigger,
    lexical_specificity,
)

logger = logging.getLogger(__name__)

# Relations across which a word shares the subject of its head.
_SHARE_SUBJECT = frozenset({"xcomp", "acomp", "advcl", "conj", "oprd"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_OBJECTS = frozenset({"dobj", "obj", "attr", "oprd"})
_AUX = frozenset({"aux", "auxpass"})
# Prepositions whose object says where something happened.
_PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "within", "across", "around", "throughout",
                          "off", "along", "through", "nearby"})
_DEST_PREPS = frozenset({"in", "to", "at", "for", "into"})
_TIME_PREPS = frozenset({"on", "in", "at", "during", "by", "since", "until", "from"})
_SETTING_PREPS = frozenset({"in", "at", "near", "during", "on", "for", "after", "before", "since"})
_RELATIVE = frozenset({"WDT", "WP", "WP$", "that"})


@dataclass
class Clause:
    """What climbing from a trigger found."""

    path: list[Token]                # trigger, then its governors, up to the subject holder
    top: Token                       # the word whose subject is the actor (or the last governor)
    actor_heads: list[Token] = field(default_factory=list)
    passive_object: Token | None = None
    speech: Token | None = None      # the verb of saying that reports it
    ccomp_crossed: bool = False


@dataclass
class Found:
    """One detected event before it becomes output dicts."""

    trigger: Trigger
    token: Token
    actors: list[Arg]
    targets: list[Arg]
    modality: str
    source: str | None
    source_text: str | None
    place: str | None
    when: str | None
    when_token: bool
    evidence: tuple[int, int]
    sentence: Span
    path: list[Token] = field(default_factory=list)
    aim: bool = False                # an aim or a wish ("arrived to deepen ties", "we need to ...")
    passive: bool = False            # a passive trigger: its subject is the target ("unions will be consulted")
    unheld: bool = False             # a deed told by a noun with nobody named as its doer ("a bomb attack on a market")
    unknown_doer: bool = False       # victims told with nobody who acted, read as an act ("were killed in a shooting")
    confidence: float | None = None  # the calibrated chance that the event is right (None: not scored)
    features: dict[str, float] = field(default_factory=dict)  # what the confidence was computed from


def _has_subject(tok: Token) -> Token | None:
    for child in tok.children:
        if child.dep_ in _SUBJECTS:
            return child
    return None


def _subjects(tok: Token) -> list[Token]:
    """All subjects of a word: the parser sometimes gives two ("Old foes Gondor and Osgiliath")."""
    return [c for c in tok.children if c.dep_ in _SUBJECTS]


def _is_passive(tok: Token) -> bool:
    return any(c.dep_ in {"nsubjpass", "auxpass"} for c in tok.children)


def _known(arg: Arg) -> bool:
    """Whether an argument says who it is: an entity, a code or a sector."""
    return bool(arg.entity or arg.code or arg.sector)


# Linking verbs: an infinitive after them is no purpose ("became the first
# leaders to attend a summit" says who attended, not what becoming was for).
_LINKING = frozenset({"be", "become", "remain", "seem", "appear"})


def _purpose_link(below: Token, governor: Token) -> bool:
    """Whether ``below`` is an adverbial clause without a subject hung on ``governor``."""
    return (below.dep_ in {"advcl", "acl"} and below.head.i == governor.i and _has_subject(below) is None
            and governor.lemma_.lower() not in _LINKING)


# Prepositions that join a verb's object to what the object does ("accused X of
# detaining", "warned X against attending", "thanked X for helping").
# The CAMEO code of words aimed at a person ("verbal" triggers), and the sectors
# whose attacks are no words.
VERBAL_CAMEO = "111"
_ARMED = frozenset({"MIL", "REB", "COP", "SPY", "UAF"})
# Sectors whose investigations are into wrongdoing: police, judiciary, legislature.
_INQUIRERS = frozenset({"COP", "JUD", "LEG"})

# Nouns that, with "both" or "two", name the sides of the last meeting.
_SIDE_WORDS = frozenset({"side", "party", "country", "nation", "neighbour", "neighbor", "government",
                         "leader", "state"})
_CONTROL_PREPS = frozenset({"of", "for", "against", "from", "into"})


def _object_controller(tok: Token, control: frozenset[str]) -> Token | None:
    """The object of the verb governing a complement without a subject, which is
    the complement's doer: "urged both sides to sign", "called on traders to
    return", "accused the boats of detaining"."""
    if tok.dep_ == "xcomp" and tok.head.i != tok.i:
        gov = tok.head
    elif tok.dep_ == "pcomp" and tok.head.lower_ in _CONTROL_PREPS and tok.head.dep_ == "prep" \
            and tok.head.head.i != tok.head.i:
        gov = tok.head.head
    else:
        return None
    if gov.pos_ in {"NOUN", "PROPN"} and tok.dep_ == "pcomp" and gov.dep_ in {"dobj", "obj"} \
            and gov.head.pos_ == "VERB" and gov.head.lemma_.lower() in control:
        return gov  # "accused the boats of seizing": the parser hangs "of" on the object
    if gov.pos_ not in {"VERB", "AUX"} or gov.lemma_.lower() not in control:
        return None
    for child in gov.children:
        if child.i > tok.i:
            continue
        if child.dep_ in {"dobj", "obj"} and child.pos_ in {"NOUN", "PROPN"}:
            return child
        if child.dep_ == "prep" and child.lower_ == "on" and tok.dep_ == "xcomp":
            for g in child.children:
                if g.dep_ == "pobj" and g.pos_ in {"NOUN", "PROPN"}:
                    return g
    return None


def _reported_future(tok: Token, speech: frozenset[str]) -> bool:
    """Whether a verb is the content of a past verb of saying ("said it would"), so its
    "would" is the "will" of the words reported, not a condition."""
    if tok.dep_ != "ccomp" or tok.head.i == tok.i:
        return False
    head = tok.head
    if head.lemma_.lower() not in speech or head.tag_ not in {"VBD", "VBN"}:
        return False
    return not any(c.dep_ == "advcl" and any(m.lower_ in {"if", "unless"} for m in c.children if m.dep_ == "mark")
                   for c in tok.children)


def _past_after_modal(tok: Token, speech: frozenset[str]) -> bool:
    """A past verb the parser coordinated with a reported "would"/"will" clause."""
    head = tok.head
    return (tok.dep_ == "conj" and tok.tag_ == "VBD" and head.i != tok.i and head.dep_ == "ccomp"
            and any(c.dep_ == "aux" and c.tag_ == "MD" for c in head.children)
            and head.head.i != head.i and head.head.tag_ == "VBD" and head.head.lemma_.lower() in speech)


def _counterfactual(tok: Token) -> bool:
    """A verb with a perfect infinitive after "to" or a modal: "was to have been
    expelled", "would have met", "should have signed"."""
    aux = [c for c in tok.children if c.dep_ in _AUX]
    if not any(c.lemma_ == "have" and c.tag_ == "VB" for c in aux):
        return False
    return any(c.lower_ == "to" or (c.tag_ == "MD" and c.lower_ not in {"will", "shall", "'ll"}) for c in aux)


def _complements(tok: Token) -> list[Token]:
    """Verbs of a word's complement without a subject of their own: "of detaining", "to sign"
    (also when the parser hangs "of detaining" on the object: "accused the boats of detaining")."""
    out = [c for c in tok.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
    owners = [tok, *(c for c in tok.children if c.dep_ in {"dobj", "obj"})]
    out += [g for o in owners for c in o.children if c.dep_ == "prep" and c.lower_ in _CONTROL_PREPS
            for g in c.children if g.dep_ == "pcomp" and g.pos_ == "VERB"]
    return [t for t in out if _has_subject(t) is None]


def _first_plural(cl: Clause) -> bool:
    """Whether the actor is "we" or "our ..." ("our officials will meet")."""
    if len(cl.actor_heads) != 1:
        return False
    head = cl.actor_heads[0]
    return head.lower_ == "we" or any(c.dep_ == "poss" and c.lower_ == "our" for c in head.children)


def _restated_clause(tok: Token) -> Token | None:
    """The verb of the clause an event noun restates in apposition: "met X in Nairobi on
    Tuesday, the first visit by ..." (hung on the verb, or on its subject or object)."""
    if tok.dep_ not in {"dep", "appos", "npadvmod"} or tok.head.i == tok.i:
        return None
    head = tok.head
    if head.pos_ in {"NOUN", "PROPN"} and head.dep_ in {"nsubj", "dobj", "obj"}:
        head = head.head
    return head if head.pos_ in {"VERB", "AUX"} else None


def _earlier(value: str, published: str) -> bool:
    """Whether a date (of any precision) lies wholly before the publication day."""
    n = min(len(value), 10)
    return value[:n] < published[:n]


def _is_date(value: Any) -> bool:
    """Whether a TIMEX3 value is a calendar date or time ("2023", "2023-01-29"), not "PAST_REF"."""
    return isinstance(value, str) and value[:4].isdigit()


def _past(path: list[Token]) -> bool:
    """Whether the event's own verb is in a past tense ("welcomed", "has met")."""
    for tok in path:
        if tok.pos_ in {"VERB", "AUX"}:
            if tok.tag_ == "VBD":
                return True
            return tok.tag_ == "VBN" and any(c.dep_ == "aux" and c.lemma_ == "have" for c in tok.children)
    return False


def _clause_mates(path: list[Token]) -> list[Token]:
    """Clauses of the same sentence that share the event's subject and occasion.

    A participle ("attend a Nato summit, joining alliance leaders as observers
    last year", on the verb or on the event noun) or a coordinated verb without a subject of its own ("met X and
    signed a deal on Monday") hung on the event's clause: its time is the event's
    when the event's own clause has none.
    """
    on_path = {t.i for t in path}
    out: list[Token] = []
    for tok in path:
        for child in tok.children:
            if child.i in on_path or child.pos_ not in {"VERB", "AUX"} or _has_subject(child) is not None:
                continue
            if child.dep_ == "conj" or (child.dep_ == "advcl" and child.tag_ in {"VBG", "VBN"}) \
                    or (child.dep_ == "acl" and child.tag_ == "VBG" and tok.pos_ in {"NOUN", "PROPN"}):
                out.append(child)
    return out


def _inside(head: Token) -> Iterable[Token]:
    """Words of a noun phrase, breadth first, through its prepositions but not its clauses."""
    queue = [head]
    while queue:
        tok = queue.pop(0)
        yield tok
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ in _SETTING_PREPS:
                continue  # where or when, not with whom
            if child.dep_ in {"prep", "pobj", "compound", "poss", "nmod", "amod", "conj", "appos", "agent"}:
                queue.append(child)


# What an event becomes when it is the content of another: what one asks for,
# warns against or threatens has not happened; what one refuses will not.
_CONTENT_MODALITY = {"REQUEST": "hypothetical", "ACCUSE": "hypothetical", "THREATEN": "hypothetical",
                     "REJECT": "negated"}

# Event types whose coordinated actors act on one another when no target is named
# ("Gondor and Osgiliath renewed ties", "A and B held a meeting").
MUTUAL_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE", "SUPPORT"})

def is_mutual(trig: Trigger) -> bool:
    """Whether coordinated actors of a trigger with no target act on one another:
    its type is mutual, or the trigger is flagged so ("clash", "fight")."""
    return trig.type in MUTUAL_TYPES or "mutual" in trig.flags


# Words that make a firing or a launch a test or an exercise: a show of force
# (CAMEO 150, MOBILIZE), not an attack ("test-fired a missile", "a missile
# test", "live-fire drills").
_EXERCISE_WORDS = frozenset({"test", "drill", "exercise", "manoeuvre", "maneuver", "wargame", "trial"})
_EXERCISE_CAMEO = "150"


def _exercise(tok: Token) -> bool:
    """Whether a trigger word is told as a test or a drill: "test-fired", "fired ... in a
    test", "launch of a test missile", "missile tests", "military drills"."""
    doc = tok.doc
    if tok.i >= 2 and doc[tok.i - 1].text == "-" and doc[tok.i - 2].lower_ in _EXERCISE_WORDS:
        return True
    if tok.lemma_.lower() in _EXERCISE_WORDS:
        return True
    near = [tok, *tok.children]
    near += [g for c in tok.children for g in c.children if c.dep_ in {"dobj", "obj", "prep", "nsubjpass"}]
    near += [g for c in list(near) for g in c.children if g.dep_ in {"pobj", "compound", "amod"}]
    return any(t.lemma_.lower() in _EXERCISE_WORDS for t in near if t.i != tok.i)


_PROJECTILES = frozenset({"missile", "rocket", "satellite", "warhead", "projectile", "icbm", "slbm"})


def _object_outside_sense(tok: Token, trig: Trigger) -> bool:
    """Whether a protest verb with no object in its sense has one: "demonstrated
    restraint", "the restraint they demonstrated" (a relative clause on its
    object), "rallied supporters" are no demonstration."""
    if trig.type != "PROTEST" or trig.pos != "VERB" or trig.objects or {"dobj", "place", "dative"} & set(trig.target):
        return False
    if any(c.dep_ in {"dobj", "obj"} for c in tok.children):
        return True
    return tok.dep_ == "relcl" and tok.head.pos_ in {"NOUN", "PROPN"} and not any(
        c.dep_ in {"nsubj", "nsubjpass"} and c.tag_ in {"WDT", "WP"} or c.lower_ == "that" for c in tok.children) \
        and any(c.dep_ == "nsubj" for c in tok.children)


def _aimed(tok: Token) -> bool:
    """Whether a firing or a launch names what it is aimed at ("fired a missile at", "into")."""
    return any(c.dep_ == "prep" and c.lower_ in {"at", "on", "against", "toward", "towards"}
               for h in [tok, *(c for c in tok.children if c.dep_ in {"dobj", "obj"})] for c in h.children)


def _launch(tok: Token) -> bool:
    """Whether a trigger launches or fires a missile or a rocket (its object or subject)."""
    heads = [c for c in tok.children if c.dep_ in {"dobj", "obj", "nsubjpass"}]
    words = heads + [g for h in heads for g in h.children if g.dep_ in {"compound", "amod"}]
    if tok.pos_ == "NOUN":
        words += [c for c in tok.children if c.dep_ in {"compound", "amod"}] + [tok]
    return any(w.lemma_.lower() in _PROJECTILES or w.lower_ in _PROJECTILES for w in words)


# Relations from a verb of saying or a linking verb down to the verb that tells
# what happened ("said it had **sent**", "is ready to **resume**").
_ANCHOR_DEPS = frozenset({"ccomp", "xcomp", "acomp", "conj", "advcl"})
# Dependents that are no part of a verb's core clause (what it tells, who with whom).
_NOT_CORE = frozenset({"advcl", "ccomp", "conj", "cc", "punct", "mark", "npadvmod", "advmod", "parataxis",
                       "relcl", "intj", "dep", "meta"})

# The CAMEO heading that stands for a PLOVER type when the classifier, not a
# lexicon word, told the type (the crosswalk maps each back to the type).
_TYPE_HEADINGS = {"AGREE": "03", "CONSULT": "04", "SUPPORT": "05", "COOPERATE": "06", "AID": "07",
                  "CONCEDE": "08", "RETREAT": "084", "ACCUSE": "11", "REJECT": "12", "THREATEN": "13", "PROTEST": "14",
                  "MOBILIZE": "15", "SANCTION": "16", "COERCE": "17", "ASSAULT": "18", "REQUEST": "10"}

# Event types that say something without a target ("protesters rallied", "troops
# were deployed"); the others are acts towards someone, and an aim or a wish
# ("arrived to deepen ties", "we need to strengthen the partnership") that names
# no actor or no target is too vague to code.
SELF_STANDING_TYPES = frozenset({"PROTEST", "MOBILIZE", "RETREAT", "ASSAULT", "CONCEDE"})


def _target_heads(src: str, tok: Token, trig: Trigger, cl: Clause, hosts: list[Token]) -> list[Token]:
    """The words a trigger's target source points at: its object, dative, agent,
    compound, possessor, destination ("place"), or the object of a preposition."""
    if src == "dobj":
        heads = [c for c in tok.children if c.dep_ in {"dobj", "obj"}]
        if not heads and cl.passive_object is not None and cl.top is tok:
            heads = [cl.passive_object]
        return heads
    if src == "dative":
        return [c for c in tok.children if c.dep_ in {"dative", "iobj"} and c.pos_ != "ADP"]
    if src == "agent":
        heads = [g for h in hosts for c in h.children if c.dep_ == "agent"
                 for g in c.children if g.dep_ == "pobj"]
        return heads + [g for h in hosts for c in h.children if c.dep_ == "prep" and c.lower_ == "by"
                        for g in c.children if g.dep_ == "pobj"]
    if src == "compound":
        return [c for c in tok.children if c.dep_ in {"compound", "nmod"}]
    if src == "poss":
        if any(c.dep_ == "case" for c in tok.children) and tok.dep_ in {"dobj"}:
            return []
        return [c for c in tok.children if c.dep_ == "poss"]
    if src == "place":
        heads = [c for c in tok.children if c.dep_ in {"dobj", "obj"}]
        heads += [g for h in hosts for c in h.children if c.dep_ == "prep" and c.lower_ in _DEST_PREPS
                  for g in c.children if g.dep_ == "pobj"]
        if tok.dep_ == "compound" or trig.pos == "NOUN":
            heads += [c for c in tok.children if c.dep_ == "compound"]
        return heads
    return [g for h in hosts for c in h.children
            if c.dep_ in {"prep", "dative", "agent"} and c.lower_ == src
            for g in c.children if g.dep_ == "pobj"]


def _nominal_agents(tok: Token) -> list[Token]:
    """The "by" phrase of an event noun, also when the parser hangs it on the noun's
    "of" complement ("the arrest of the journalist by police")."""
    out = [g for c in tok.children if c.dep_ in {"prep", "agent"} and c.lower_ == "by"
           for g in c.children if g.dep_ == "pobj"]
    if not out:
        out = [g2 for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
               for g in c.children if g.dep_ == "pobj"
               for c2 in g.children if c2.dep_ == "prep" and c2.lower_ == "by"
               for g2 in c2.children if g2.dep_ == "pobj"]
    return out


def _told_undone(tok: Token) -> bool:
    """Whether an event noun is the subject of a modal or negated verb: told as no
    deed done ("an attack on the ministry could kill dozens", "the detention of X
    would be illegal")."""
    return tok.dep_ in {"nsubj", "nsubjpass"} and tok.head.i != tok.i and any(
        c.dep_ == "neg" or (c.dep_ == "aux" and c.tag_ == "MD") for c in tok.head.children)


def _targets_within(small: list[Arg], big: list[Arg]) -> bool:
    """Whether every side an event names as its target is a target of another:
    a report of nobody that names victims of its own is another act ("police
    detained the opposition leader, and two journalists were arrested later")."""
    return all(any(t.key == b.key for b in big) for t in small if _known(t))


def _between(tok: Token) -> list[Token]:
    """The sides of "between X and Y" on an event noun (the first; its conjuncts follow)."""
    return [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "between"
            for g in c.children if g.dep_ == "pobj"][:1]


# Types of deeds others react to, the nouns that name one without saying whose
# ("condemned the action"), and how many sentences back such a noun reaches.
_DEED_TYPES = frozenset({"ASSAULT", "MOBILIZE", "COERCE", "THREATEN", "SANCTION", "REJECT", "RETREAT", "AID",
                         "PROTEST", "CONCEDE"})
_DEED_NOUNS = frozenset({"action", "act", "move", "step", "decision", "launch", "test", "attack", "strike",
                         "killing", "incident", "operation", "provocation", "measure"})
_DEED_REACH = 3
_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
# Types of reaction whose object may be a deed told before.
_REACTION_TYPES = frozenset({"ACCUSE", "REJECT", "PROTEST", "SUPPORT", "THREATEN", "REQUEST"})


# Deeds an event noun may tell with nobody named as its doer ("a bomb attack on a
# market killed forty", "the arrest of three journalists", "sanctions on Iran"):
# the codebook counts them, their actor unknown. Verbs whose subject such a noun
# is when it tells the harm done ("the attack killed forty").
_UNHELD_TYPES = frozenset({"ASSAULT", "COERCE", "SANCTION"})
_HARM_VERBS = frozenset({"kill", "injure", "wound", "leave", "claim", "hit", "target", "destroy", "damage", "maim"})
# Types of appeal whose content may stand for a target ("called for peace").
_APPEAL_TYPES = frozenset({"REQUEST"})


# Verbs whose subject holds the event noun of their prepositional phrase: "took
# part in talks", "engaged in negotiations", "joined in the boycott".
_PARTAKE = frozenset({"take", "participate", "engage", "join", "enter", "attend", "lead", "hold", "involve",
                      "launch", "carry", "continue", "resume", "agree"})


# Event types whose uncoded participants ("police", "protesters", "fifty
# people") belong to the country where the event takes place, and the sectors
# that travel abroad and so keep no country of the place.
_LOCAL_TYPES = frozenset({"ASSAULT", "COERCE", "PROTEST", "MOBILIZE", "RETREAT"})
_ABROAD_SECTORS = frozenset({"MIL", "IGO", "NGO", "SPY"})


def _localise(index: EntityIndex, trig: Trigger, place: str | None, args: list[Arg]) -> list[Arg]:
    """Participants named by their sector alone take the country of the event's
    place: "police arrested five people in Nairobi" -> KEN/COP and KEN/CVL."""
    if place is None or trig.type not in _LOCAL_TYPES:
        return args
    code = index.host_of(place)[1]
    if not code:
        return args
    return [Arg(a.entity, code, a.sector, a.token, a.text)
            if a.entity is None and a.code is None and a.sector and a.sector not in _ABROAD_SECTORS else a
            for a in args]


def _first_named_inside(index: EntityIndex, heads: list[Token], exclude: frozenset[int]) -> list[Arg] | None:
    """The participants of the first word inside the phrases that names an entity or a code."""
    for head in heads:
        for g in _inside(head):
            if g is head or g.i in exclude:
                continue
            args = index.args_for(g, exclude=exclude)
            if args and any(a.entity or a.code for a in args):
                return args
    return None


@dataclass
class _Parties:
    """The sides of the last meeting or agreement a Doc told, for a later "both
    sides" or "the meeting" (state of one Doc's reading, never of the detector)."""

    sides: list[Arg] = field(default_factory=list)
    # The doers of the last deed told ("North Korea launched a rocket"), and the
    # sentence it was told in, for a later "condemned the action".
    deed: list[Arg] = field(default_factory=list)
    deed_sentence: int = -1

    def note(self, event: Found) -> None:
        """Remember the doers of a deed, and the two or more sides of a meeting or an
        agreement that happened."""
        if event.trigger.type in _DEED_TYPES and event.modality == "occurred" \
                and any(a.code for a in event.actors):
            self.deed = [a for a in event.actors if a.code]
            self.deed_sentence = event.sentence.start
        if event.trigger.type not in {"CONSULT", "AGREE"} or event.modality != "occurred":
            return
        sides: list[Arg] = []
        for arg in [*event.actors, *event.targets]:
            if arg.code and all(arg.code != s.code for s in sides):
                sides.append(arg)
        if len(sides) >= 2:
            self.sides = sides

    def doers(self, head: Token, actors: list[Arg], matched: bool) -> list[Arg]:
        """The doers of the last deed, when a phrase names it without saying whose it
        is ("condemned the action", "welcomed this decision") and it was told in one
        of the few sentences before."""
        if not self.deed or head.pos_ != "NOUN":
            return []
        if not matched and head.lemma_.lower() not in _DEED_NOUNS:
            return []
        if not any(c.dep_ == "det" and c.lower_ in {"the", "this", "that", "such", "these", "those"}
                   for c in head.children):
            return []
        if any(c.dep_ in {"poss", "compound", "nmod", "amod", "relcl", "acl"} or
               (c.dep_ == "prep" and c.lower_ in {"by", "of", "on", "against", "with", "between", "to"}
                and not all(g.ent_type_ in {"DATE", "TIME"} for g in c.children if g.dep_ == "pobj"))
               for c in head.children):
            return []  # "the Russian move", "the attack on Kyiv": a deed named with its own parties
        sents = list(head.doc.sents)
        here = next((n for n, sent in enumerate(sents) if sent.start <= head.i < sent.end), 0)
        then = next((n for n, sent in enumerate(sents) if sent.start == self.deed_sentence), -1)
        if then < 0 or here - then > _DEED_REACH or then > here:
            return []
        own = {a.code for a in actors if a.code}
        return [a for a in self.deed if a.code not in own]

    def others(self, actors: list[Arg]) -> list[Arg]:
        """The other sides of the last meeting, when the actors are one of its sides."""
        codes = {a.code for a in actors if a.code}
        if not codes or not codes & {p.code for p in self.sides}:
            return []
        return [p for p in self.sides if p.code not in codes]


@dataclass(frozen=True)
class _Sentence:
    """What the steps reading one sentence share."""

    doc: Doc
    sent: Span
    index: EntityIndex
    times: list[dict[str, Any]]
    parties: _Parties
    matched: dict[int, Trigger]      # token index -> the trigger it fits
    speakers: dict[int, Token]       # verb of saying -> its speaker hung elsewhere
    exclude: frozenset[int]          # speakers' tokens, never a participant
    probs: dict[str, float] | None = None  # the classifier's probabilities for the sentence
    # Types the classifier itself finds in the sentence (over their thresholds, not
    # vetoed as no event): a trigger of such a type is corroborated.
    corroborated: frozenset[str] = frozenset()


def _aim_intents_at_governors(found: list[Found], by_token: dict[int, Found]) -> None:
    """An intent clause hung on another event ("opened a mission to Nato, vowing to
    deepen cooperation") is directed at that event's target."""
    for event in found:
        tok = event.token
        if event.targets or "intent" not in event.trigger.flags or tok.dep_ != "advcl":
            continue
        governing = by_token.get(tok.head.i)
        if governing is not None and governing.targets:
            event.targets = list(governing.targets)


# Promised acts that make a vow a threat, and the CAMEO codes of a threat and of a
# promised release (codebook 1: a promise to release is CONCEDE).
_HOSTILE_TYPES = frozenset({"ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "THREATEN"})
_THREAT_CAMEO = "130"
_CONCESSION_CAMEO = "08"

# Types of acts between political actors: a meeting, a visit or a trip of private
# people ("passengers arrive in Honolulu", "a woman visiting her daughter") is none.
_POLITICAL_TYPES = frozenset({"CONSULT"})
_PRIVATE_SECTORS = frozenset({"CVL"})


def _adverbial_of(a: Token, b: Token) -> bool:
    """Whether one of two verbs is an adverbial clause of the other ("were killed
    **when** a gunman opened fire")."""
    return (a.head.i == b.i and a.dep_ == "advcl") or (b.head.i == a.i and b.dep_ == "advcl")


def _set_in_known_deed(tok: Token) -> bool:
    """Whether a verb is set in a deed named as one already known: "killed in **the**
    attack", "injured during **that** shooting" (a definite noun, no name of its
    own), not "killed in a shooting" or "in two attacks"."""
    for prep in tok.children:
        if prep.dep_ != "prep":
            continue
        for noun in prep.children:
            if noun.dep_ == "pobj" and noun.pos_ == "NOUN" and not noun.ent_type_ and any(
                    c.dep_ == "det" and c.lower_ in _DEFINITE for c in noun.children):
                return True
    return False


def _journey_at_home(index: EntityIndex, event: Found) -> bool:
    """Whether a visit goes only to its actors' own country ("French President
    Francois Hollande returned to Paris"): a journey at home meets no other
    party, so it is no CONSULT. Every actor's code must be said in its own phrase
    (a country name or adjective); the targets and the place (the destination)
    must all be in a country of the actors, and at least one of them known."""
    if event.trigger.mode != "visit" or not event.actors:
        return False
    # The actors' country as their own words say it ("French President
    # Francois Hollande"), not as a title or the article's setting suggests.
    own: set[str] = set()
    for arg in event.actors:
        said = {index.host_of(eid)[1] for t in event.token.doc[arg.token].subtree
                if t.ent_type_ in {"NORP", "GPE"} and (eid := index.entity_at(t)) is not None}
        said.discard(None)
        if arg.code is None or arg.code not in said:
            return False
        own.add(arg.code)
    where = [t.code for t in event.targets]
    places = [event.place] if event.place is not None else []
    places += [Detector._place_inside(index, g) for c in event.token.children
               if c.dep_ == "prep" and c.lower_ in {"to", "in"} for g in c.children if g.dep_ == "pobj"]
    where += [index.host_of(p)[1] for p in places if p is not None]
    return bool(where) and all(code in own for code in where)


def _private_meeting(event: Found) -> bool:
    """Whether a meeting or a visit is one of private people: every actor is described
    only as a civilian (a sector word such as "passengers", "a woman", no named
    entity), so it is no act in public affairs (the codebook's actors: states,
    officials, bodies, groups, named persons)."""
    if event.trigger.type not in _POLITICAL_TYPES or not event.actors:
        return False
    return all(a.entity is None and a.sector in _PRIVATE_SECTORS for a in event.actors)


# Types of acts done to someone, whose direct object is their victim: a verb of
# one of them with an object that names nobody may be in another sense.
_DONE_TO_SOMEONE = frozenset({"ASSAULT", "COERCE"})

# Types of acts addressed to someone about something: their verb takes an
# addressee and a content, never an object with a predicate of its own.
_ADDRESSED_TYPES = frozenset({"REQUEST"})


def _naming_frame(tok: Token) -> bool:
    """Whether a verb predicates something of its object ("called the launch
    deplorable", "what it called an earth observation satellite", "named him
    envoy"): an object predicate (``oprd``) hangs on it, so it names or judges,
    and asks nothing."""
    return tok.pos_ == "VERB" and any(c.dep_ == "oprd" for c in tok.children)


def _noun_complement(tok: Token, matched: dict[int, Trigger]) -> bool:
    """Whether a verb is a gerund complementing a noun that is no event itself: "a
    long history of cooperating with", "an opportunity for improving ties", "its
    record in fighting". Such a verb tells what the noun is about (a habit, a
    chance, a way), not an act that was done; with nobody named as its doer it is
    no event. (An event noun's gerund, "accusations of spying", is its content.)"""
    if tok.pos_ != "VERB" or tok.tag_ != "VBG" or tok.dep_ != "pcomp":
        return False
    prep = tok.head
    if prep.dep_ != "prep" or prep.head.i == prep.i:
        return False
    noun = prep.head
    return noun.pos_ == "NOUN" and noun.i not in matched


def _gerund_subject(cur: Token) -> Token | None:
    """The noun right before a bare gerund, as its subject.

    "warned against South Korea attending the summit": the object of a
    preposition (or the first of its conjuncts) just before the gerund.
    """
    if not (cur.tag_ == "VBG" and cur.dep_ in {"advcl", "acl", "pcomp", "xcomp"} and cur.i > 0):
        return None
    prev = cur.doc[cur.i - 1]
    if prev.dep_ in {"pobj", "conj"} and prev.pos_ in {"PROPN", "NOUN"} and prev.head.i < cur.i \
            and prev.ent_type_ not in {"DATE", "TIME"}:
        root = prev
        while root.dep_ == "conj" and root.head.i < root.i:
            root = root.head
        if root.dep_ == "pobj":
            return root
    return None


class Detector:
    """Detect events in one Doc with the given knowledge."""

    def __init__(self, knowledge: EventKnowledge, *,
                 time_for_token: Callable[[Doc, Token], dict[str, Any] | None] | None = None,
                 quote_at: Callable[[Doc, int, int], dict[str, Any] | None] | None = None,
                 cameo: CameoLexicon | None = None,
                 classifier: EventClassifier | None = None,
                 calibration: Calibration | None = None,
                 nouns: CameoNouns | None = None) -> None:
        self.k = knowledge
        self.cameo = cameo
        self.nouns = nouns
        self.classifier = classifier
        self.calibration = calibration or load_calibration()
        self.time_for_token = time_for_token
        self.quote_at = quote_at
        self.speech = frozenset(c for (c, rel), kind in knowledge.cues.items() if kind == "speech")
        self.control = frozenset(c for (c, rel), kind in knowledge.cues.items() if kind == "control")
        self.undergoers = frozenset(c for (c, rel), kind in knowledge.cues.items() if kind == "undergoer")
        # When a list, every candidate the stage drops is noted in it, with the
        # reason (``eval/events_sentences.py --losses`` reads it); None costs nothing.
        self.trace: list[dict[str, Any]] | None = None

    def _drop(self, tok: Token, typ: str, reason: str) -> None:
        """Note why a candidate event is dropped (only when tracing)."""
        if self.trace is not None:
            self.trace.append({"sentence": tok.sent.start_char, "token": tok.i, "lemma": tok.lemma_.lower(),
                               "type": typ, "reason": reason})

    # -- triggers ----------------------------------------------------------

    def match(self, tok: Token) -> Trigger | None:
        """The most specific trigger a word fits, or None.

        tidings' own lexicon (``triggers.tsv``) is consulted first; a verb it does
        not know, or knows only as a bare word, is read with the CAMEO verb
        lexicon on the parse. A CAMEO pattern that holds (the verb with its
        object) is more specific than a bare trigger and decides: "released a
        statement" is a statement (no PLOVER event),
        "vowed revenge against" a threat. PETRARCH's explicit "no event"
        patterns so veto a bare trigger.
        """
        trig = self._lexicon_match(tok)
        if trig is not None and trig.type == "ASSAULT" and (_exercise(tok) or (_launch(tok) and not _aimed(tok))):
            walk = self.k.plover_of(_EXERCISE_CAMEO)
            if walk is not None:
                trig = replace(trig, type=str(walk["type"]), mode=None, context="military", cameo=_EXERCISE_CAMEO,
                               flags=trig.flags - {"needs_target", "verbal"})
        return trig

    def _lexicon_match(self, tok: Token) -> Trigger | None:
        trig = self._lexicon_reading(tok)
        if trig is not None and trig.type in _ADDRESSED_TYPES and _naming_frame(tok):
            return None  # "called the launch deplorable", "what it called a satellite": naming, no request
        return trig

    def _lexicon_reading(self, tok: Token) -> Trigger | None:
        own = self._own_match(tok)
        if own is not None and _object_outside_sense(tok, own):
            own = None
        if own is None and self.nouns is not None and tok.pos_ == "NOUN" and tok.is_alpha:
            return self._noun_trigger(tok)
        if self.cameo is None or tok.pos_ != "VERB" or not tok.is_alpha:
            return own
        if (tok.lemma_.lower(), "governor") in self.k.cues:
            return own  # tidings' cues read "plans to meet", "failed to sign" as the modality of the act
        found = self.cameo.match(tok)
        if found is None:
            return own
        if own is not None and (own.objects or found.pattern.kind != "pattern" or not found.pattern.object):
            # Only a pattern that reads the verb's object tells its sense apart:
            # tidings' own lexicon is the override layer for the bare word.
            return own
        trig = self._cameo_trigger(tok, found)
        if own is None and trig is not None and any(
                c.dep_ in _OBJECTS and (n := self._own_match(c)) is not None and n.pos == "NOUN" for c in tok.children):
            return None  # "attended a summit", "held talks": the event noun tells the act, the verb who
        if own is not None and trig is not None and trig.type == own.type:
            return replace(own, specificity=found.specificity)  # the same act, better read
        if own is not None and trig is not None:
            return replace(trig, other=own)
        if trig is not None and found.pattern.kind != "pattern":
            # A verb in two CAMEO blocks of different types ("deploy").
            for more in self.cameo.matches(tok)[1:]:
                if more.specificity < found.specificity:
                    break
                alt = self._cameo_trigger(tok, more)
                if alt is not None and alt.type != trig.type:
                    return replace(trig, other=alt)
        return trig

    def _cameo_trigger(self, tok: Token, found: CameoMatch) -> Trigger | None:
        """A CAMEO lexicon match as a trigger, typed through the crosswalk (None: no event)."""
        row = self.k.plover_of(found.cameo)
        if row is None or str(row["type"]) not in self.k.types:
            return None
        typ = str(row["type"])
        modes = list(self.k.types[typ].get("modes") or [])  # type: ignore[call-overload]
        mode = str(row["mode"]) if row.get("mode") and (not modes or row["mode"] in modes) else None
        contexts = list(row.get("context") or [])  # type: ignore[call-overload]
        target = tuple(dict.fromkeys(
            ([found.target_at] if found.target_at in TARGET_SOURCES else [])
            + ["dobj", "dative", "with", "against", "on", "to", "at"]))
        flags = set()
        if typ not in SELF_STANDING_TYPES:
            flags.add("needs_target")  # a CAMEO verb codes an act of a source on a target
        if str(found.cameo).startswith("03"):
            flags.add("intent")  # "express intent to ...": its complement is what is promised
        return Trigger(lemma=tok.lemma_.lower(), pos="VERB", objects=frozenset(), type=typ, mode=mode,
                       context=str(contexts[0]) if contexts else None, cameo=str(found.cameo), target=target,
                       flags=frozenset(flags), source=f"{self.cameo.path if self.cameo is not None else ''}:{found.pattern.line}",
                       specificity=found.specificity)

    def _noun_trigger(self, tok: Token) -> Trigger | None:
        """An event noun of the CAMEO verb lexicon ("the arrest of", "accusations against")
        as a trigger, typed through the crosswalk from its verb's code.

        Its target is in its own phrase ("of", "against", "on", "with", "to", "at"
        X; a protest's only "against" X); its holder is found as for any event
        noun (possessor, "by" phrase, the verb that holds it, "between", a
        country modifier). Like a bare CAMEO verb, it is coded only when the
        classifier reads the sentence as its type (see :meth:`_model_agrees`).
        """
        assert self.nouns is not None
        noun = self.nouns.get(tok.lemma_.lower())
        if noun is None or tok.dep_ in {"compound", "amod"}:
            return None  # "the arrest warrant", "attack helicopters": a modifier tells no act
        # tidings' own reading of the verb, when it has a bare one, is the noun's
        # too ("expel" is SANCTION 166 there: "the expulsion of two diplomats").
        verb = next((t for t in self.k.triggers.get((noun.verb, "VERB"), ()) if not t.objects and t.type), None)
        cameo = verb.cameo if verb is not None and verb.cameo else noun.cameo
        row = self.k.plover_of(cameo)
        if row is None or str(row["type"]) not in self.k.types:
            return None
        typ = str(row["type"])
        if verb is not None and verb.type == typ:
            mode, context = verb.mode, verb.context
        else:
            modes = list(self.k.types[typ].get("modes") or [])  # type: ignore[call-overload]
            mode = str(row["mode"]) if row.get("mode") and (not modes or row["mode"] in modes) else None
            contexts = list(row.get("context") or [])  # type: ignore[call-overload]
            context = str(contexts[0]) if contexts else None
        target = ("against",) if typ == "PROTEST" else ("of", "against", "on", "with", "to", "at", "between")
        flags = frozenset() if typ in SELF_STANDING_TYPES else frozenset({"needs_target"})
        return Trigger(lemma=noun.noun, pos="NOUN", objects=frozenset(), type=typ, mode=mode, context=context,
                       cameo=cameo, target=target, flags=flags, source=f"{self.nouns.path}:{noun.line}",
                       specificity=1)

    def _field_lexicon(self, trig: Trigger) -> bool:
        """Whether a trigger comes from the field's lexicon (a CAMEO verb or one of its nouns)."""
        return (self.cameo is not None and trig.source.startswith(self.cameo.path)) or (
            self.nouns is not None and bool(self.nouns.path) and trig.source.startswith(self.nouns.path))

    def _own_match(self, tok: Token) -> Trigger | None:
        """The most specific trigger of tidings' own lexicon a word fits, or None."""
        pos = "VERB" if tok.pos_ in {"VERB", "AUX"} else "NOUN" if tok.pos_ in {"NOUN", "PROPN"} else None
        if pos is None:
            return None
        cands = self.k.triggers.get((tok.lemma_.lower(), pos))
        if not cands and pos == "NOUN" and tok.tag_ in {"NNS", "NNPS"}:
            cands = self.k.triggers.get((tok.lower_.rstrip("s"), pos))
        if not cands:
            return None
        objects: set[str] | None = None
        for trig in cands:
            if not trig.objects:
                return trig
            if objects is None:
                objects = self._object_lemmas(tok)
            if objects & trig.objects:
                return trig
        return None

    @staticmethod
    def _object_lemmas(tok: Token) -> set[str]:
        out: set[str] = set()
        if tok.pos_ in {"NOUN", "PROPN"}:
            # "a nuclear test", "missile launches": an event noun's own modifiers.
            out.update(c.lemma_.lower() for c in tok.children if c.dep_ in {"compound", "amod", "nmod"})
        for child in tok.children:
            if child.dep_ in _OBJECTS or child.dep_ in {"prt", "nsubjpass", "dative", "npadvmod"}:
                for t in [child, *child.conjuncts]:
                    out.add(t.lemma_.lower())
                    out.add(t.lower_)
                    out.update(c.lemma_.lower() for c in t.children if c.dep_ in {"compound", "amod"})
            elif child.dep_ == "prep":
                for g in child.children:
                    if g.dep_ == "pobj":
                        out.add(g.lemma_.lower())
        return out

    # -- clause ------------------------------------------------------------

    def clause(self, tok: Token, speakers: dict[int, Token]) -> Clause:
        """Climb from a trigger to the word whose subject it shares."""
        path = [tok]
        cur = tok
        cl = Clause(path=path, top=tok)
        while (up := self._climb_step(cur, tok, cl)) is not None:
            cur = up
            path.append(cur)
        cl.top = cur
        self._find_speech(cl, tok)
        return cl

    def _climb_step(self, cur: Token, tok: Token, cl: Clause) -> Token | None:
        """The next word up from ``cur`` that shares its subject, or ``None`` to stop at ``cur``.

        On stopping, the clause's actor heads (and passive object) are set when ``cur`` tells them.
        """
        subj = _has_subject(cur)
        if subj is not None:
            if subj.tag_ in _RELATIVE and cur.dep_ == "relcl":
                cl.actor_heads = [cur.head]
            else:
                cl.actor_heads = _subjects(cur)
            # A passive trigger's subject is its target and its agent the actor;
            # a passive governor ("France is scheduled to meet") lends its subject.
            if _is_passive(cur) and cur is tok:
                agents = [g for c in cur.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
                cl.passive_object = subj
                cl.actor_heads = agents
            return None
        gerund_subject = _gerund_subject(cur)
        if gerund_subject is not None:
            cl.actor_heads = [gerund_subject]
            return None
        controller = _object_controller(cur, self.control)
        if controller is not None:
            # "urged both sides to sign", "accused the boats of detaining":
            # the governing verb's object does what the complement says.
            cl.actor_heads = [controller]
            return None
        if _past_after_modal(cur, self.speech):
            # "said her government would reopen the post and called on
            # traders": the parser hangs the second report on the first
            # report's content; a past verb does not share its "would".
            return cur.head.head
        if cur.dep_ == "acl" and cur.head.pos_ in {"NOUN", "PROPN", "PRON"} and cur.tag_ in {"VBG", "VBN"}:
            if cur.tag_ == "VBG":
                cl.actor_heads = [cur.head]
            return None
        if cur.dep_ in _SHARE_SUBJECT and cur.head.i != cur.i:
            return cur.head
        if cur.dep_ == "pcomp" and cur.head.head.i != cur.head.i:
            return cur.head.head
        return None

    def _find_speech(self, cl: Clause, tok: Token) -> None:
        """Set the verb of saying that reports the clause, if any.

        The clause is its complement, or the verb is coordinated with or appended to the clause.
        """
        up = cl.top
        hops = 0
        while up.dep_ in {"ccomp", "conj", "xcomp", "advcl"} and up.head.i != up.i and hops < 4:
            head = up.head
            if up.dep_ == "ccomp" and head.lemma_.lower() in self.speech:
                cl.speech = head
                cl.ccomp_crossed = True
                break
            if up.dep_ != "ccomp":
                break
            up = head
            hops += 1
        if cl.speech is None:
            for child in cl.top.children:
                if child.dep_ in {"conj", "parataxis", "advcl"} and child.lemma_.lower() in self.speech \
                        and child.i > tok.i:
                    cl.speech = child
                    break

    def speaker_of(self, verb: Token, speakers: dict[int, Token]) -> Token | None:
        subj = _has_subject(verb)
        return subj if subj is not None else speakers.get(verb.i)

    def find_speakers(self, sent: Span) -> dict[int, Token]:
        """Subjects of verbs of saying the parser attached elsewhere.

        In "..., and other officials, the North Atlantic Treaty Organisation said"
        the parser often makes the speaker a conjunct of the list before it.
        """
        out: dict[int, Token] = {}
        for tok in sent:
            if tok.lemma_.lower() not in self.speech or tok.pos_ != "VERB" or _has_subject(tok) is not None:
                continue
            j = tok.i - 1
            while j >= sent.start and (tok.doc[j].is_punct or tok.doc[j].is_space):
                j -= 1
            if j < sent.start:
                continue
            np = tok.doc[j]
            while np.dep_ in {"appos", "compound", "amod", "det", "punct", "nummod", "poss", "case"} \
                    and np.head.i != np.i and np.head.i <= tok.i:
                np = np.head
            if np.dep_ in {"conj", "appos", "pobj", "dobj", "npadvmod"} and np.pos_ in {"PROPN", "NOUN"}:
                out[tok.i] = np
        return out

    # -- modality ------------------------------------------------------------

    def modality(self, tok: Token, cl: Clause, noun_governors: list[Token]) -> str:
        best = "occurred"
        for kind in self._modality_cues(tok, cl, noun_governors):
            if kind and kind in MODALITY_RANK and MODALITY_RANK[kind] > MODALITY_RANK[best]:
                best = kind
        return best

    def _modality_cues(self, tok: Token, cl: Clause, noun_governors: list[Token]) -> Iterator[str | None]:
        """The modality each cue around a trigger tells, in order (``None`` for no cue)."""
        cues = self.k.cues
        chain = list(cl.path)
        if tok.pos_ in {"NOUN", "PROPN"}:
            for child in tok.children:
                if child.dep_ == "acl":
                    yield cues.get((child.lemma_.lower(), "acl"))
                    for g in child.children:
                        if g.dep_ in _AUX:
                            yield cues.get((g.lower_, "aux"))
                elif child.dep_ == "amod":
                    yield cues.get((child.lower_, "amod"))
                elif child.dep_ == "det" and child.lower_ == "no":
                    yield "negated"
            chain = [*noun_governors, *chain[1:]] if noun_governors else chain
        yield from self._chain_cues(chain)
        # "was to have been expelled", "would have met", "could have signed": a
        # perfect infinitive after "to" or a modal tells what did not happen.
        if any(_counterfactual(t) for t in chain):
            yield "hypothetical"
        # "Will Kenya sign the deal?": a question tells no deed.
        if tok.sent.text.rstrip().rstrip("\"'”’)").endswith("?"):
            yield "hypothetical"
        # Denials and failures govern the event from above its subject.
        up = cl.top
        if up.dep_ in {"xcomp", "ccomp"} and up.head.i != up.i:
            kind = cues.get((up.head.lemma_.lower(), "governor"))
            if kind == "negated":
                yield kind

    def _chain_cues(self, chain: list[Token]) -> Iterator[str | None]:
        """The modality cues on the words from a trigger up its clause (governors, auxiliaries, marks)."""
        cues = self.k.cues
        for i, t in enumerate(chain):
            if i > 0 and chain[i - 1].dep_ == "conj" and any(c.dep_ in _AUX or c.dep_ == "neg"
                                                             for c in chain[i - 1].children):
                return  # "cannot accept and will oppose": the second verb has its own auxiliaries
            if i > 0:
                yield cues.get((t.lemma_.lower(), "governor"))
                if _purpose_link(chain[i - 1], t):
                    # "arrived in Seoul to deepen ties": the clause states what the act is for.
                    for child in chain[i - 1].children:
                        if child.dep_ in {"aux", "mark"} and child.i < chain[i - 1].i:
                            yield cues.get((child.lower_, "purpose"))
            for child in t.children:
                dep = child.dep_
                if dep in _AUX:
                    kind = cues.get((child.lower_, "aux")) or cues.get((child.lemma_.lower(), "aux"))
                    if kind == "hypothetical" and child.lower_ == "would" and _reported_future(t, self.speech):
                        kind = "planned"  # "said her government would reopen": a reported "will"
                    yield kind
                elif dep == "neg":
                    yield cues.get((child.lower_, "neg")) or "negated"
                elif dep == "advmod":
                    yield cues.get((child.lower_, "advmod"))
                elif dep == "mark":
                    yield cues.get((child.lower_, "mark"))
                elif dep == "prep" and child.lower_ == "about" and any(g.dep_ in {"xcomp", "pcomp"} for g in child.children):
                    yield cues.get(("about", "governor"))
            # "is about to restore": the parser may hang "about" and the verb
            # under the copula.
            if t.dep_ == "xcomp" and t.head.lower_ == "about":
                yield cues.get(("about", "governor"))

    # -- time and place --------------------------------------------------------

    def when(self, doc: Doc, tokens: Iterable[Token], times: list[dict[str, Any]]) -> dict[str, Any] | None:
        toks = list(tokens)
        if self.time_for_token is not None:
            for t in toks:
                found = self.time_for_token(doc, t)
                if found:
                    return found
        heads = {t.i for t in toks}
        for tm in times:
            if tm.get("head") in heads:
                return tm
        # Fallback: a DATE word attached to the clause ("on Sunday", "last year").
        for t in toks:
            for child in t.children:
                cands = []
                if child.dep_ == "prep" and child.lower_ in _TIME_PREPS:
                    cands = [g for g in child.children if g.dep_ == "pobj"]
                elif child.dep_ in {"npadvmod", "tmod"}:
                    cands = [child]
                for c in cands:
                    if c.ent_type_ in {"DATE", "TIME"}:
                        for tm in times:
                            if tm.get("start", -1) <= c.idx < tm.get("end", -1):
                                return tm
                        return {"text": c.text, "value": None, "start": c.idx, "end": c.idx + len(c)}
        return None

    def place_of(self, index: EntityIndex, tok: Token, speakers: dict[int, Token],
                 typ: str | None = None) -> str | None:
        """The place an event of a type triggered at a word takes: its clause's place
        (:meth:`place`), else, for a local act, the place it is done to (:meth:`place_acted_on`).
        What the stage gives a non-visit event; ``eval/events_places.py`` scores it."""
        cl = self.clause(tok, speakers)
        found = self.place(index, cl.path)
        if found is None and typ in _LOCAL_TYPES:
            found = self.place_acted_on(index, tok, cl)
        return found

    def place(self, index: EntityIndex, tokens: Iterable[Token]) -> str | None:
        """The place of a clause: the first place named by a locative phrase ("in",
        "at", "near", "outside"...) of a word on its path, the trigger first. Inside
        the phrase, the most specific place is taken: the noun itself, else its
        modifiers ("in the **Kamaliyah** neighbourhood", "the northern **Hama**
        countryside"), its "of" complement ("the city of **Baiji**", "the centre of
        **Athens**"), a locative phrase under it ("at his house in **Marjayoun**"),
        its conjuncts. Failing that, a locative phrase on the subject
        ("guerrillas near **Fallujah** shot down ...")."""
        toks = list(tokens)
        for t in toks:
            for child in t.children:
                if child.dep_ == "prep" and child.lower_ in _PLACE_PREPS:
                    for g in child.children:
                        if g.dep_ == "pobj":
                            found = self._place_inside(index, g)
                            if found is not None:
                                return found
        for t in toks:
            for subj in _subjects(t):
                for child in subj.children:
                    if child.dep_ == "prep" and child.lower_ in _PLACE_PREPS:
                        for g in child.children:
                            if g.dep_ == "pobj" and (found := self._place_inside(index, g)) is not None:
                                return found
        return None

    @staticmethod
    def _place_inside(index: EntityIndex, head: Token) -> str | None:
        """The most specific place a locative phrase names (breadth first from its noun)."""
        queue, seen = [head], set()
        while queue:
            tok = queue.pop(0)
            if tok.i in seen:
                continue
            seen.add(tok.i)
            eid = index.entity_at(tok)
            if eid is not None and index.is_place(eid):
                return eid
            for c in tok.children:
                if c.dep_ in {"compound", "amod", "nmod", "conj", "appos"}:
                    queue.append(c)
                elif c.dep_ == "prep" and (c.lower_ == "of" or c.lower_ in _PLACE_PREPS):
                    queue.extend(g for g in c.children if g.dep_ == "pobj")
        return None

    @staticmethod
    def place_acted_on(index: EntityIndex, tok: Token, cl: Clause) -> str | None:
        """A local act done to a place happens there: "NATO bombed **Serbia**", "the
        Taliban captured **Mazar-e-Sharif**", "**Surif** has been encircled"; inside
        the phrase, the most specific place ("shelled the city of **Aleppo**")."""
        heads = [c for c in tok.children if c.dep_ in {"dobj", "obj"}]
        if cl.passive_object is not None and cl.top is tok:
            heads.append(cl.passive_object)
        heads += [c for c in tok.children if c.dep_ == "nsubjpass"]
        for h in heads:
            found = Detector._place_inside(index, h)  # "shelled the city of **Aleppo**"
            if found is not None:
                return found
        return None

    # -- targets ---------------------------------------------------------------------

    def targets(self, index: EntityIndex, tok: Token, trig: Trigger, cl: Clause,
                exclude: frozenset[int]) -> tuple[list[Arg], str | None]:
        """Resolve targets by the trigger's target sources; also return a visit's destination place."""
        hosts: list[Token] = [tok]
        for child in tok.children:
            if child.dep_ in _OBJECTS or child.dep_ == "acl":
                hosts.append(child)
                hosts.extend(g for g in child.children if g.dep_ == "acl")
        if trig.pos == "NOUN" and tok.dep_ in {"pobj"} and tok.head.dep_ == "prep":
            hosts.append(tok.head.head)
        fallback: list[Arg] = []
        for src in trig.target:
            heads = _target_heads(src, tok, trig, cl, hosts)
            if src == "dobj":
                if not heads:
                    continue
                direct, inner = self._object_targets(index, heads, trig, exclude)
                if inner is not None:
                    return inner, None
                fallback = fallback or direct
                continue
            found, destination = self._source_targets(index, heads, src, exclude)
            if any(_known(a) for a in found):
                return found, destination
            fallback = fallback or found
        if trig.pos == "VERB":
            # Last resort: the first entity named inside the object phrase
            # ("welcomed the resumption of ties with Osgiliath").
            objects = [child for child in tok.children if child.dep_ in {"dobj", "obj"}]
            inner = _first_named_inside(index, objects, exclude)
            if inner is not None:
                return inner, None
        # Only names nobody resolved: keep their words.
        return fallback, None

    @staticmethod
    def _object_targets(index: EntityIndex, heads: list[Token], trig: Trigger,
                        exclude: frozenset[int]) -> tuple[list[Arg], list[Arg] | None]:
        """The direct object's participants, and those to return at once (the object
        names someone, or the first entity inside its phrase: "condemned an attack by
        Osgiliath soldiers"), else None."""
        if trig.mode == "visit":
            # A visited place is resolved to its country by the "place" source.
            heads = [h for h in heads if not index.is_place(index.entity_at(h))]
        direct = [a for h in heads if h.i not in exclude for a in index.args_for(h, exclude=exclude)]
        if any(_known(a) for a in direct):
            return direct, direct
        return direct, _first_named_inside(index, heads, exclude)

    @staticmethod
    def _source_targets(index: EntityIndex, heads: list[Token], src: str,
                        exclude: frozenset[int]) -> tuple[list[Arg], str | None]:
        """The participants of one target source other than the direct object, and a
        visit's destination when the source is ``place``."""
        place_host = src == "place"
        found: list[Arg] = []
        destination = None
        for head in heads:
            if head.i in exclude:
                continue
            if place_host:
                eid = index.entity_at(head)
                if eid is None or not index.is_place(eid):
                    # A visit to a person or body: the target is what was visited.
                    if head.dep_ in {"dobj", "obj"} and eid is not None:
                        found.extend(index.args_for(head, exclude=exclude))
                    continue
                destination = destination or eid
            found.extend(index.args_for(head, exclude=exclude, place_host=place_host))
        return found, destination

    # -- the whole Doc ------------------------------------------------------------

    def run(self, doc: Doc, index: EntityIndex) -> list[Found]:
        """Detect the events of a Doc, sentence by sentence (the detector keeps nothing of it)."""
        times = list(doc._.tidings_times or [])
        parties = _Parties()
        out: list[Found] = []
        for sent in doc.sents:
            if not sent.text.strip():
                continue
            out.extend(self._sentence(doc, sent, index, times, parties))
        return self._retold_victims(out)

    def _retold_victims(self, found: list[Found]) -> list[Found]:
        """Victims told with nobody who acted (:meth:`_unknown_doer`) tell the act
        of someone unknown only when the article tells no other act of that type:
        else they retell it ("59 dead in Las Vegas shooting" ... "a gunman opened
        fire"; "his son was also killed"), and once is enough."""
        out: list[Found] = []
        for event in found:
            if event.unknown_doer and any(o is not event and o.trigger.type == event.trigger.type
                                          and (not o.unknown_doer or o in out) for o in found):
                self._drop(event.token, event.trigger.type, "victims of an act the article tells otherwise")
                continue
            out.append(event)
        return out

    def _sentence(self, doc: Doc, sent: Span, index: EntityIndex, times: list[dict[str, Any]],
                  parties: _Parties | None = None) -> list[Found]:
        matched = {tok.i: trig for tok in sent if tok.is_alpha and (trig := self.match(tok)) is not None}
        if not matched:
            if not self._discovering() or not self._may_hold_event(sent, index):
                self._drop(sent.root, "", "no trigger; no verb for the classifier")
                return []
            return self._found_by_model(doc, sent, index, times, parties or _Parties())
        probs = self._probabilities(sent)
        if probs is not None:
            for i, trig in matched.items():
                if trig.other is not None and probs.get(trig.other.type, 0.0) > probs.get(trig.type, 0.0):
                    matched[i] = trig.other  # the classifier reads the word in its other sense
        speakers = self.find_speakers(sent)
        s = _Sentence(doc=doc, sent=sent, index=index, times=times, parties=parties or _Parties(),
                      matched=matched, speakers=speakers, exclude=frozenset(t.i for t in speakers.values()),
                      probs=probs, corroborated=self._corroborated(probs))
        absorbed = {child.i for i, trig in matched.items() if "intent" in trig.flags
                    for child in doc[i].children if child.dep_ == "xcomp"}
        found: list[Found] = []
        by_token: dict[int, Found] = {}
        covered: dict[int, int] = {}  # event noun -> the trigger verb whose event covers it
        for i, trig in matched.items():
            if i in absorbed:
                continue
            cover = self._covering_verb(doc[i], trig, matched)
            if cover is not None:
                covered[i] = cover
            event, own = self._event_at(s, doc[i], trig)
            if event is None:
                continue
            if not self._says_enough(s, event):
                self._drop(doc[i], event.trigger.type, "not specific (no actor or target)")
            found.append(event)
            if own:
                by_token[i] = event
        _aim_intents_at_governors(found, by_token)
        self._intents_by_content(s, found)
        self._borrow_setting(found, by_token)
        kept = self._judge(s, [e for e in found if self._says_enough(s, e)], probs)
        kept += self._uncovered_nouns(s, covered, kept, absorbed, probs)
        if self._discovering() and self._may_hold_event(sent, index):
            # Trigger words that told no event, or events of another type than the
            # one the classifier finds likelier: it may still find one.
            # (A trigger word that told no event in a sense the classifier also
            # reads stays none: it is no anchor; see _spent_words.)
            kept += self._found_by_model(doc, sent, index, times, s.parties, probs,
                                         self._spent_words(s, kept), kept)
        return self._one_act_per_type(self._coordinated_acts(kept))

    def _intents_by_content(self, s: _Sentence, found: list[Found]) -> None:
        """A vow, a pledge or a promise takes the kind of act it promises (codebook
        1): to do harm, it is a threat ("vowed to destroy Boko Haram"); to
        investigate or accuse, an accusation still to
        come ("vowed investigations"); to release, a concession; to meet, talk or
        cooperate it stays an agreement. The promised act is the word's object or
        its complement, a trigger of the lexicon."""
        for event in found:
            trig = event.trigger
            if "intent" not in trig.flags:
                continue
            content = next((s.matched[c.i] for c in event.token.children
                            if c.dep_ in {"xcomp", "dobj", "obj"} and c.i in s.matched), None)
            if content is None or content.type == trig.type:
                continue
            if content.type in _HOSTILE_TYPES:
                typ, cameo, mode, modality = "THREATEN", _THREAT_CAMEO, None, event.modality
            elif content.type == "ACCUSE":
                typ, cameo, mode = "ACCUSE", content.cameo, content.mode
                modality = "planned" if event.modality == "occurred" else event.modality
            elif content.type == "RETREAT":
                typ, cameo, mode, modality = "CONCEDE", _CONCESSION_CAMEO, None, event.modality
            else:
                continue
            row = self.k.plover_of(cameo)
            if row is None or str(row["type"]) != typ:
                continue
            event.trigger = replace(trig, type=typ, cameo=cameo, mode=mode, other=None)
            event.modality = modality

    def _coordinated_acts(self, kept: list[Found]) -> list[Found]:
        """Verbs of one act coordinated in one clause tell one event: "who killed 59
        people and injured hundreds", "smashed a truck into the crowd, killing 84".

        A verb trigger hung on another trigger's verb by ``conj`` (or by ``advcl``
        as a participle after it), with no subject of its own, of the same type
        and modality and a mode that does not differ, is the same act: its targets join
        the first verb's event (its figures are the sentence's already) and its
        words join the evidence. Acts of one type in other modes stay apart
        ("arrested six people and searched 30 homes")."""
        by_token = {e.token.i: e for e in kept}
        host_of: dict[int, Found] = {}
        out: list[Found] = []
        for event in kept:
            host = self._coordination_host(event, by_token, host_of)
            if host is None:
                out.append(event)
                continue
            host_of[event.token.i] = host
            keys = {t.key for t in host.targets if _known(t)}
            words = {t.token for t in host.targets}
            host.targets = host.targets + [t for t in event.targets
                                           if t.token not in words and not (_known(t) and t.key in keys)]
            host.evidence = (min(host.evidence[0], event.evidence[0]), max(host.evidence[1], event.evidence[1]))
            self._drop(event.token, event.trigger.type, "one act with the verb it is coordinated with")
        return out

    @staticmethod
    def _coordination_host(event: Found, by_token: dict[int, Found], host_of: dict[int, Found]) -> Found | None:
        """The event of the verb a trigger verb is coordinated with, when both tell one act."""
        tok = event.token
        if event.trigger.pos != "VERB" or tok.head.i == tok.i or _has_subject(tok) is not None:
            return None
        if not (tok.dep_ == "conj" or (tok.dep_ == "advcl" and tok.tag_ == "VBG" and tok.i > tok.head.i)):
            return None  # ("Flying to Tokyo, the president met ...": a journey before the act)
        host = host_of.get(tok.head.i) or by_token.get(tok.head.i)
        if host is None or host is event or host.trigger.pos != "VERB":
            return None
        a, b = host.trigger, event.trigger
        if a.type != b.type or (a.mode and b.mode and a.mode != b.mode) or host.modality != event.modality:
            return None
        own = {x.key for x in host.actors}
        words = {x.token for x in host.actors}
        # The same doers, named alike or by the same words (a place told with one verb
        # may have localised them there and not with the other).
        return host if all(x.key in own or x.token in words for x in event.actors) else None

    def _one_act_per_type(self, kept: list[Found]) -> list[Found]:
        """A sentence tells one act of a type once: a participle of the same type and
        doers hung on an event tells what that act did ("a gunman opened fire,
        killing 58 and injuring 515": one ASSAULT, its victims the 58), and an
        event with no known actor whose type another event of the sentence has
        is that act told by another word, unless it names a target the other
        has not (then it is another act)."""
        out: list[Found] = []
        for event in kept:
            result_of = self._result_of(event, kept)
            if result_of is not None:
                # "opened fire at a concert, killing 58 and injuring 515": the
                # participle tells what the act did; its victims are the act's.
                if not result_of.targets:
                    result_of.targets = list(event.targets)
                self._drop(event.token, event.trigger.type, "the result of another event of the sentence")
                continue
            if not any(_known(a) for a in event.actors):
                same = [o for o in kept if o is not event and o.trigger.type == event.trigger.type
                        and (o in out or any(_known(a) for a in o.actors))]
                host = next((o for o in same if _targets_within(event.targets, o.targets)), None)
                if host is None:
                    # "were killed when a gunman opened fire": the victims of the act
                    # that names its doer and none of its own, told in a clause
                    # hung on theirs (not "and two journalists were arrested").
                    host = next((o for o in same if not o.targets and any(_known(a) for a in o.actors)
                                 and _adverbial_of(o.token, event.token)), None)
                    if host is not None:
                        host.targets = list(event.targets)
                if host is not None:
                    self._drop(event.token, event.trigger.type, "the same act as another event of the sentence")
                    continue
            out.append(event)
        return out

    @staticmethod
    def _result_of(event: Found, kept: list[Found]) -> Found | None:
        """The event of the same type and the same doers whose clause a participle
        without a subject of its own hangs on ("opened fire, **killing** 58 and
        **injuring** 515"), when the event is that participle: one act, told with
        what it did."""
        tok = event.token
        if tok.tag_ != "VBG" or tok.dep_ not in {"advcl", "conj"} or _has_subject(tok) is not None:
            return None
        above = {t.i for t in event.path[1:]}
        keys = {a.key for a in event.actors}
        words = {a.token for a in event.actors}
        for other in kept:
            # A result is told after its act ("Flying to Tokyo, ... met" is a visit of its own).
            if other is event or other.trigger.type != event.trigger.type or other.token.i not in above \
                    or other.token.i > tok.i:
                continue
            if keys == {a.key for a in other.actors} or words == {a.token for a in other.actors}:
                return Detector._result_of(other, kept) or other
        return None

    # -- the classifier: veto, confidence, and events the lexicon misses ----------------

    def _probabilities(self, sent: Span) -> dict[str, float] | None:
        if self.classifier is None:
            return None
        return self.classifier.scores([sent])[0]

    def _corroborated(self, probs: dict[str, float] | None) -> frozenset[str]:
        """The types the classifier finds in a sentence on its own (its thresholds and veto).

        A trigger of such a type is corroborated: two independent readings (the
        word, and the sentence as a whole) agree that the act is told, so the
        event is kept when its participants are not found ("It accuses him of
        incitement", "critics accused him"), with ``actor_unknown`` and a
        confidence that says so. The classifier's reading must also reach the
        calibration's ``corroborate`` probability (0.5: the sentence is more
        likely than not to tell the type), whatever threshold its own decisions
        use.
        """
        if probs is None or self.classifier is None:
            return frozenset()
        floor = float(self.calibration.settings.get("corroborate", 0.0))
        return frozenset(t for t in self.classifier.decide(probs) if probs[t] >= floor)

    def _discovering(self) -> bool:
        """Whether the classifier may propose events the lexicon missed (the calibration's ``discover`` gate)."""
        return self.classifier is not None and float(self.calibration.settings.get("discover", 0.8)) <= 1.0

    def _judge(self, s: _Sentence, found: list[Found], probs: dict[str, float] | None = None) -> list[Found]:
        """Score each event's confidence and drop those below the calibration's veto."""
        if not found:
            return found
        if probs is None:
            probs = self._probabilities(s.sent)
        out = []
        for event in found:
            event.unknown_doer = event.trigger.type == "ASSAULT" and not event.actors and not event.unheld \
                and self._unknown_doer(s, event, probs)
            if _journey_at_home(s.index, event):
                self._drop(event.token, event.trigger.type, "a journey within the actors' own country")
                continue
            if not self._told_as_act(event, event.trigger.type in s.corroborated, event.unknown_doer):
                self._drop(event.token, event.trigger.type, "not told as an act (accident, no actor)")
                continue
            if probs is not None and self.classifier is not None and not self._model_agrees(event, probs):
                self._drop(event.token, event.trigger.type, "the classifier disagrees")
                continue
            if probs is not None and self.classifier is not None and self._object_outside_act(s, event) \
                    and event.trigger.type not in s.corroborated:
                self._drop(event.token, event.trigger.type, "a bare verb with an object that is no participant; "
                                                            "the classifier does not read the type")
                continue
            feats = {
                "lexical": lexical_specificity(event.trigger),
                "p_type": probs.get(event.trigger.type, 0.0) if probs else 0.5,
                "p_none": probs.get(NONE, 0.5) if probs else 0.5,
                "occurred": float(event.modality == "occurred"),
                "participants": float(any(_known(a) for a in event.actors)
                                      + any(_known(a) for a in event.targets)),
                "found_by_model": float(event.trigger.specificity < 0),
            }
            event.features = feats
            event.confidence = round(self.calibration.score(feats), 3)
            # tidings' own lexicon is curated (the classifier's no-event veto
            # aside, above); the broad CAMEO lexicon and the classifier's own
            # finds must also reach the calibrated veto.
            if probs is None or not self._broad(event.trigger) or event.confidence >= self.calibration.veto:
                out.append(event)
            else:
                self._drop(event.token, event.trigger.type, "below the confidence veto")
        return out

    def _broad(self, trig: Trigger) -> bool:
        """Whether a trigger comes from the CAMEO lexicon or the classifier, not tidings' own lexicon."""
        return trig.specificity < 0 or self._field_lexicon(trig)

    def _model_agrees(self, event: Found, probs: dict[str, float]) -> bool:
        """The classifier's word on a lexicon hit: a bare CAMEO verb ("took office",
        "exchanging insults", "handling affairs") is coded only when the
        classifier gives its type a probability over the type's threshold, or
        finds its type the likeliest and the sentence not without event; any
        other trigger is vetoed when the classifier is sure the sentence tells
        no event (a sports result, a product launch: "beat Chelsea"). A bare
        word of tidings' own lexicon whose participants name no code or sector
        rests on the word alone: the classifier must find its type in the
        sentence ("Liverpool attacked down the right and scored twice" is no
        assault), at the calibration's ``corroborate`` level (:meth:`_corroborated`)."""
        assert self.classifier is not None
        limits = self.classifier.thresholds
        trig = event.trigger
        if self._word_alone(event):
            return trig.type in self._corroborated(probs)
        if 0 < trig.specificity <= 1 and self._field_lexicon(trig):
            if probs.get(trig.type, 0.0) >= limits.get(trig.type, 0.5):
                return True
            # Below the type's threshold, the classifier must still read the
            # sentence as this type before any other, and not as no event.
            best = max(self.classifier.types, key=lambda t: probs.get(t, 0.0))
            return best == trig.type and probs.get(NONE, 0.0) < limits.get(NONE, 0.9)
        return probs.get(NONE, 0.0) < limits.get(NONE, 0.9)

    def _word_alone(self, event: Found) -> bool:
        """Whether an event rests on a bare word of tidings' own lexicon (no object
        constraint, no CAMEO pattern that reads the object) and names no side by
        a code or a sector: nothing but the word says the act is political."""
        trig = event.trigger
        if trig.objects or not 0 <= trig.specificity <= 1 or self._field_lexicon(trig):
            return False
        return not any(a.code or a.sector for a in [*event.actors, *event.targets])

    def _object_outside_act(self, s: _Sentence, event: Found) -> bool:
        """Whether a bare verb of tidings' own lexicon of an act done to someone
        (:data:`_DONE_TO_SOMEONE`) has a direct object that is
        no participant: a common noun that names nobody (no entity, code or
        sector, nor its modifiers) and no act ("struck a conciliatory note", "released the footage"). Such an
        object may make a fixed expression with the verb, in another sense than
        the trigger's; the classifier must then corroborate the type
        (:meth:`_corroborated`: its decision, at least more likely than not)."""
        trig, tok = event.trigger, event.token
        if trig.type not in _DONE_TO_SOMEONE or trig.pos != "VERB" or trig.objects or self._broad(trig) \
                or tok.pos_ != "VERB":
            return False
        objects = [c for c in tok.children if c.dep_ in {"dobj", "obj"}]
        if len(objects) != 1:
            return False
        obj = objects[0]
        if obj.pos_ != "NOUN" or obj.i in s.matched or obj.ent_type_:
            return False
        # "a police station", "the army's convoy": a phrase of someone's is theirs.
        words = [obj, *(c for c in obj.children if c.dep_ in {"compound", "amod", "nmod", "poss"})]
        return not any(_known(a) for w in words for a in s.index.args_for(w, exclude=s.exclude))

    def _unknown_doer(self, s: _Sentence, event: Found, probs: dict[str, float] | None) -> bool:
        """Whether victims told with nobody who acted ("ten people were killed in a
        shooting") tell an act of someone unknown: the classifier reads the
        sentence as the type on its own, up to the gate of its finds
        (``discover``, as for an event it discovers with a participant: the
        victims are named); the act is
        not set in a deed named as known ("his son was also killed in **the**
        attack"); and the doer is untold (a passive with no agent, "59 dead"),
        not a subject that names no side ("a zoo team killed a gorilla"), unless
        that subject is itself an act ("a shooting left ten dead"). The article
        must tell no other act of the type (:meth:`_retold_victims`)."""
        typ = event.trigger.type
        if probs is None or typ not in s.corroborated or _set_in_known_deed(event.token):
            return False
        if event.token.dep_ == "amod":
            return False  # "a wounded elephant": a state the noun is in, no act told
        if any(c.dep_ in {"nsubj", "csubj", "agent"} and c.i not in s.matched
               for t in event.path for c in t.children):
            return False
        if any(t.dep_ == "acl" and t.tag_ == "VBG" and t.head.i not in s.matched for t in event.path):
            return False  # "the boat shooting the fireworks": the noun a participle hangs on does it
        return probs.get(typ, 0.0) >= float(self.calibration.settings.get("discover", 1.01))

    def _told_as_act(self, event: Found, corroborated: bool = False, unknown_doer: bool = False) -> bool:
        """Whether a matched word tells an act of someone: a death in an accident or
        a disaster with nobody who caused it is no assault ("killed in a bus
        crash"), and a landing or an arrival of nobody named is no visit. A word
        with no actor is an act only when the classifier corroborates its type
        ("240 women were raped"; not "one worker injured")."""
        if event.trigger.mode == "visit" and not any(_known(a) for a in event.actors):
            return False
        if _private_meeting(event):
            return False
        if self._field_lexicon(event.trigger) and not event.actors and not event.unheld and not corroborated:
            return False  # a CAMEO verb codes what a source does (PETRARCH needs both sides)
        if event.trigger.type == "ASSAULT" and not event.actors and not event.unheld and not unknown_doer:
            # "were killed", "one worker injured": a victim told, no one who acted.
            # When the classifier reads the sentence as an assault on its own
            # (:meth:`_unknown_doer`: "were killed in a shooting"), the act is told
            # and its doer unknown; an accident or a disaster stays none (below).
            return False
        if event.trigger.type == "ASSAULT" and not event.targets and _launch(event.token):
            # "North Korea launches rocket": a launch at no one is a show of force.
            walk = self.k.plover_of(_EXERCISE_CAMEO)
            if walk is not None:
                event.trigger = replace(event.trigger, type=str(walk["type"]), mode=None, context="military",
                                        cameo=_EXERCISE_CAMEO)
        if any(a.entity or a.code for a in event.actors):
            return True
        # An accident or a disaster told in the sentence, and no one named who
        # acted: "two trains collided, injuring a worker", "killed in a bus
        # crash", rescuers "freeing people trapped in the wreckage".
        cues = self.k.cues
        # (The word that tells the act sets no accident: demonstrators "stormed" a building.)
        return not any(cues.get((t.lemma_.lower(), "object")) == "accident" for t in event.sentence
                       if t.i != event.token.i)

    @staticmethod
    def _may_hold_event(sent: Span, index: EntityIndex) -> bool:
        """Whether a sentence is worth the classifier's own finds: it has a verb."""
        return any(t.pos_ == "VERB" for t in sent)

    def _spent_words(self, s: _Sentence, kept: list[Found]) -> frozenset[int]:
        """The trigger words no event of the classifier may rest on: those of kept
        events, and those that told no event in the sense the classifier also reads
        (their type is among its types for the sentence: the word was weighed and
        found wanting). A word the classifier reads in none of its types may tell
        the act in the sense the classifier reads ("**invited** X to visit" is an
        offer, not a meeting; demonstrators "**stormed** the building" a protest)."""
        told = {e.token.i for e in kept}
        return frozenset(i for i, trig in s.matched.items() if i in told or trig.type in s.corroborated
                         or not s.corroborated)

    def _anchor(self, sent: Span, taken: frozenset[int], kind: str) -> Token | None:
        """The verb an event the classifier found rests on: the sentence's main verb,
        or, under a verb of saying or a linking verb, the verb of its complement
        ("Israel said it is ready to **resume** talks"), nearest the root first;
        never a word that already tells a kept event, nor a verb that names or
        judges its object for a type addressed to someone ("called the launch
        deplorable" asks nothing, as the lexicon reads it). Below the root, the
        verb's clause read alone must give the type too ("restore ties ..., years
        after crowds burned down its embassy" holds no sanction)."""
        assert self.classifier is not None
        queue = [sent.root]
        seen: set[int] = set()
        while queue:
            tok = queue.pop(0)
            if tok.i in seen:
                continue
            seen.add(tok.i)
            if tok.pos_ == "VERB" and tok.lemma_.lower() not in self.speech and tok.i not in taken \
                    and tok.is_alpha and not (kind in _ADDRESSED_TYPES and _naming_frame(tok)) \
                    and (tok.i == sent.root.i or self._clause_tells(tok, kind)):
                return tok
            queue.extend(c for c in tok.children
                         if c.dep_ in _ANCHOR_DEPS and c.pos_ in {"VERB", "AUX", "ADJ"})
        return None

    def _clause_tells(self, tok: Token, kind: str) -> bool:
        """Whether the classifier, reading a verb's clause alone, finds the type in it."""
        assert self.classifier is not None
        # The verb with its own arguments, not the clauses and adverbials hung on
        # it ("several years after ..." says when, not what).
        words = [tok] + [w for c in tok.children if c.dep_ not in _NOT_CORE for w in c.subtree]
        first, last = min(w.i for w in words), max(w.i for w in words)
        probs = self.classifier.scores([tok.doc[first:last + 1]])[0]
        return kind in self.classifier.decide(probs)

    def _found_by_model(self, doc: Doc, sent: Span, index: EntityIndex, times: list[dict[str, Any]],
                        parties: _Parties, probs: dict[str, float] | None = None,
                        taken: frozenset[int] = frozenset(), kept: Sequence[Found] = ()) -> list[Found]:
        """An event the lexicon missed: the type the classifier finds in the sentence
        (over its threshold and the calibration's ``discover`` gate) that no kept
        event has, and that it finds likelier than theirs, anchored on the
        clause's main verb (:meth:`_anchor`), with its subject and object as
        participants. Without a named participant the type must also reach the
        ``discover_unnamed`` gate."""
        assert self.classifier is not None
        if probs is None:
            probs = self.classifier.scores([sent])[0]
        settings = self.calibration.settings
        gate = float(settings.get("discover", 0.0))
        covered = {e.trigger.type for e in kept}
        best_kept = max((probs.get(t, 0.0) for t in covered), default=0.0)
        wanted = [t for t in self.classifier.decide(probs)
                  if t in self.k.types and probs.get(t, 0.0) >= gate and t not in covered]
        if not wanted or probs.get(wanted[0], 0.0) <= best_kept:
            if self.trace is not None and not covered:
                self._drop(sent.root, max(self.classifier.types, key=lambda t: probs.get(t, 0.0)),
                           "discovery: classifier below its thresholds")
            return []
        kind = wanted[0]
        verb = self._anchor(sent, frozenset(taken), kind)
        if verb is None:
            self._drop(sent.root, kind, "discovery: no verb whose clause tells the type")
            return []
        walk = self.k.plover_of(_TYPE_HEADINGS.get(kind))
        trig = Trigger(lemma=verb.lemma_.lower(), pos="VERB", objects=frozenset(), type=kind,
                       mode=None, context=None, cameo=str(_TYPE_HEADINGS.get(kind) or "") if walk else "",
                       target=("dobj", "dative", "with", "against", "on", "to", "at", "for"),
                       flags=frozenset(), source="classifier", specificity=-1)
        speakers = self.find_speakers(sent)
        s = _Sentence(doc=doc, sent=sent, index=index, times=times, parties=parties,
                      matched={verb.i: trig}, speakers=speakers, exclude=frozenset(t.i for t in speakers.values()),
                      probs=probs, corroborated=frozenset({kind}))
        event, _ = self._event_at(s, verb, trig)
        if event is None:
            return []
        named = any(_known(a) for a in [*event.actors, *event.targets])
        if not named and probs.get(kind, 0.0) < float(settings.get("discover_unnamed", 1.01)):
            self._drop(verb, kind, "discovery: no named participant")
            return []
        return self._judge(s, [event], probs)

    def _event_at(self, s: _Sentence, tok: Token, trig: Trigger,
                  held_by_governor: bool = True) -> tuple[Found | None, bool]:
        """The event a matched trigger tells, if it tells one, and whether it is an act
        of its own clause (not the speaker's act towards what is reported);
        ``held_by_governor``: whether the subject of the verb governing an event
        noun may hold it ("held talks")."""
        noun_governors = self._noun_governors(tok, trig, s.matched)
        if noun_governors is None or self._object_of_no_event(tok, trig):
            self._drop(tok, trig.type, "event noun covered by its verb")
            return None, False  # the governing verb's event covers it
        cl = self.clause(noun_governors[0] if noun_governors else tok, s.speakers)
        if trig.pos == "NOUN" and cl.path[0].i != tok.i:
            cl.path = [tok, *cl.path]  # (once: a noun that governs nothing is no content of itself)
        quote = self.quote_at(s.doc, tok.idx, tok.idx + len(tok)) if self.quote_at else None
        source_tok = self.speaker_of(cl.speech, s.speakers) if cl.speech is not None else None
        if "reported" in trig.flags:
            if cl.speech is None:
                self._drop(tok, trig.type, "reported trigger with no verb of saying")
                return None, False
            return self._speakers_act(s, tok, trig, cl, source_tok), False
        source_id, source_text = self._source(s, source_tok, quote)
        actors = self._actors(s, tok, trig, cl, noun_governors if held_by_governor else [], quote)
        if not actors and _noun_complement(tok, s.matched):
            self._drop(tok, trig.type, "a gerund describing a noun, no act told")
            return None, False
        place_tokens = list(cl.path)
        restated = _restated_clause(tok) if trig.pos == "NOUN" else None
        if restated is not None:
            # "met X in Nairobi on Tuesday, the first visit by ...": the noun
            # restates the clause it hangs on, and takes its setting.
            place_tokens.append(restated)
        targets, destination, hosted = self._targets_of(s, tok, trig, cl, actors, place_tokens)
        if trig.pos == "VERB" and tok.lemma_.lower() in self.undergoers and cl.passive_object is None:
            # "two children died in the attack": the subject undergoes the act.
            targets = [*actors, *(t for t in targets if all(t.token != a.token for a in actors))]
            actors = []
        if "verbal" in trig.flags:
            trig = self._verbal(s.index, trig, actors, targets)
        if not targets and trig.type in MUTUAL_TYPES and (
                (quote is not None and _first_plural(cl)) or (trig.pos == "NOUN" and self._refers_to_parties(tok, s.parties))):
            # "We have agreed", "our officials will meet", said by one side of the
            # meeting just told ("we" are both sides), or "after the talks".
            targets = s.parties.others(actors)
        unheld = self._unheld(s, tok, trig, actors, targets)
        if not unheld and not self._tells_enough(tok, trig, actors, targets) \
                and not self._appeal_without_target(tok, trig, actors, targets) \
                and not self._inquiry_without_target(s, tok, trig, actors, targets) \
                and not (trig.type in s.corroborated and self._corroborable(tok, trig, actors)):
            self._drop(tok, trig.type, "participants missing (actor or needed target)")
            return None, False
        modality = self.modality(tok, cl, noun_governors)
        modality = self._governed(cl, s.matched, modality)
        if unheld and modality != "occurred":
            return None, False  # a deed of nobody named that did not happen tells nothing
        place = destination if trig.mode == "visit" and destination else self.place(s.index, place_tokens)
        if place is None and trig.mode != "visit" and trig.type in _LOCAL_TYPES:
            place = self.place_acted_on(s.index, tok, cl)
        event = self._found(trig, tok, actors, targets, modality, source_id, source_text, place,
                            cl.path, s.doc, s.sent, cl.top, s.times, also=cl.speech)
        if trig.mode != "visit":
            event.actors, event.targets = _localise(s.index, trig, place, actors), _localise(s.index, trig, place, targets)
        event.unheld = unheld
        event.aim = self._aim(cl.path)
        event.passive = cl.passive_object is not None and cl.top.i == tok.i
        if not hosted:
            s.parties.note(event)
        return event, True

    def _object_of_no_event(self, tok: Token, trig: Trigger) -> bool:
        """Whether an event noun is the object of a verb that the CAMEO lexicon reads,
        with this very object, as an act PLOVER does not code: "rejected allegations
        of wrongdoing", "denied the accusations" are denials (CAMEO 016), so the
        allegation they answer is no act of the denier either."""
        if trig.pos != "NOUN" or self.cameo is None or tok.dep_ not in {"dobj", "obj"}:
            return False
        verb = tok.head
        if verb.i == tok.i or verb.pos_ != "VERB" or not verb.is_alpha:
            return False
        found = self.cameo.match(verb)
        return (found is not None and found.pattern.kind == "pattern" and bool(found.pattern.object)
                and self.k.plover_of(found.cameo) is None)

    def _uncovered_nouns(self, s: _Sentence, covered: dict[int, int], kept: list[Found],
                         absorbed: set[int], probs: dict[str, float] | None) -> list[Found]:
        """The events of nouns left to the trigger verb that governs them, when that
        verb told none ("Ten troops have been killed in two **attacks**": no
        killing of someone named, the attacks still told). Such a noun is read on
        its own: the verb still sets its modality, time and place, but its
        subject holds the noun only through the noun's own words (its possessor,
        a "by" or "between" phrase, a modifier): the subject of a verb that told
        no event is no holder ("declined to support the talks"). A verb whose act
        another event holds as its content ("vowed to deepen cooperation") covers
        its noun still."""
        told = {e.token.i for e in kept} | absorbed
        out: list[Found] = []
        for i, verb in covered.items():
            if verb in told or i in told:
                continue
            free = replace(s, matched={k: v for k, v in s.matched.items() if k != verb})
            event, _ = self._event_at(free, s.doc[i], s.matched[i], held_by_governor=False)
            if event is not None and (self._specific(event) or event.trigger.type in s.corroborated):
                for found in self._judge(free, [event], probs):
                    out.append(found)
                    told.add(found.token.i)  # ("a demonstration against a ban": the ban is its object)
        return out

    @staticmethod
    def _covering_verb(tok: Token, trig: Trigger, matched: dict[int, Trigger]) -> int | None:
        """The trigger verb whose event covers an event noun it governs ("held
        **talks**" when "hold" is a trigger), if any."""
        if trig.pos != "NOUN":
            return None
        gov = tok.head
        if tok.dep_ in {"dobj", "obj", "attr", "nsubjpass", "conj"} and gov.i in matched and gov.i != tok.i:
            return gov.i
        if tok.dep_ == "pobj" and gov.dep_ == "prep" and gov.head.i in matched:
            return gov.head.i
        return None

    @staticmethod
    def _noun_governors(tok: Token, trig: Trigger, matched: dict[int, Trigger]) -> list[Token] | None:
        """The verb an event noun is the object of ("held talks"), if any; None when
        that verb is a trigger itself, whose event covers the noun."""
        if trig.pos != "NOUN":
            return []
        if Detector._covering_verb(tok, trig, matched) is not None:
            return None
        gov = tok.head
        if tok.dep_ in {"dobj", "obj", "attr"}:
            return [gov]
        if tok.dep_ == "pobj" and gov.dep_ == "prep" and gov.head.pos_ in {"VERB", "AUX"}:
            return [gov.head]
        return []

    @staticmethod
    def _source(s: _Sentence, source_tok: Token | None,
                quote: dict[str, Any] | None) -> tuple[str | None, str | None]:
        """Who reports the event: the speaker of the quote around it, else the subject
        of the verb of saying it is the content of (entity id and words)."""
        if quote is not None:
            source_id, source_text = quote.get("speaker"), quote.get("speaker_text")
        else:
            source_id = source_text = None
        if source_tok is not None and source_id is None:
            source_args = s.index.args_for(source_tok)
            source_id = source_args[0].entity if source_args else None
            source_text = source_args[0].text if source_args else source_tok.text
        return source_id, source_text

    def _speakers_act(self, s: _Sentence, tok: Token, trig: Trigger, cl: Clause,
                      source_tok: Token | None) -> Found:
        """A "reported" trigger: an act of the speaker towards the subject of what is reported."""
        assert cl.speech is not None
        index = s.index
        actors = index.args_for(source_tok) if source_tok is not None else []
        subj = _has_subject(tok)
        targets = index.args_for(subj) if subj is not None else []
        if not targets and subj is not None:
            targets = [a for c in subj.children if c.dep_ in {"compound", "poss", "nmod"}
                       for a in index.args_for(c)]
        speech_cl = self.clause(cl.speech, s.speakers)
        modality = self.modality(cl.speech, speech_cl, [])
        return self._found(trig, tok, actors, targets, modality, None, None, self.place(index, speech_cl.path),
                           speech_cl.path, s.doc, s.sent, speech_cl.top, s.times)

    def _actors(self, s: _Sentence, tok: Token, trig: Trigger, cl: Clause, noun_governors: list[Token],
                quote: dict[str, Any] | None) -> list[Arg]:
        """Who does it: an event noun's holder ("Kenya's offer", "talks by ..."), else the clause's subject."""
        index, exclude = s.index, s.exclude
        if trig.pos == "NOUN":
            poss = [c for c in tok.children if c.dep_ == "poss"]
            actors = [a for h in poss or _nominal_agents(tok) for a in index.args_for(h, exclude=exclude)]
            if not actors and noun_governors and not _naming_frame(noun_governors[0]) \
                    and (tok.dep_ != "pobj" or noun_governors[0].lemma_.lower() in _PARTAKE
                         or self._refers_to_parties(tok, s.parties)):
                # "held talks", "took part in talks", "said after the talks" (the talks
                # just told), but not "died in the attack": the subject of a verb the
                # event noun only sets is no holder of it; nor is the subject of a
                # verb that names or judges it ("called the attack barbaric").
                actors = [a for h in cl.actor_heads for a in index.args_for(h, exclude=exclude)]
            if not actors:
                # "talks between Egypt and Ethiopia": the sides hold it together (one
                # side acts on the others when the act is not mutual).
                between = [a for h in _between(tok) for a in index.args_for(h, exclude=exclude)]
                actors = between if is_mutual(trig) else between[:1]
            if not actors and "compound" not in trig.target:
                # "Russian strikes", "US sanctions": a modifier naming a country or a
                # body (a town names where: "the Nice attack").
                mods = [c for c in tok.children if c.dep_ in {"amod", "compound", "nmod"} and c.i < tok.i]
                actors = [a for m in mods for a in index.args_for(m, exclude=exclude)
                          if a.entity and a.code and ((index.get(a.entity) or {}).get("code")
                                                      or (index.get(a.entity) or {}).get("type") == "NORP")]
            return actors
        actors = [a for h in cl.actor_heads for a in index.args_for(h, exclude=exclude)]
        if not actors and len(cl.actor_heads) == 1 and self._refers_to_parties(cl.actor_heads[0], s.parties):
            actors = list(s.parties.sides)
        if not actors:
            return self._pronoun_antecedent(index, cl, exclude, quote)
        if len(cl.actor_heads) == 1 and all(a.code is None and a.entity is None for a in actors):
            code = self._possessor_code(index, cl.actor_heads[0], cl, s.speakers, quote)
            if code is not None:
                actors = [Arg(None, code, a.sector, a.token, a.text) for a in actors]
        return actors

    def _targets_of(self, s: _Sentence, tok: Token, trig: Trigger, cl: Clause, actors: list[Arg],
                    place_tokens: list[Token]) -> tuple[list[Arg], str | None, bool]:
        """Whom it is done to, a visit's destination, and whether the target is the
        host country of a visit that named nobody."""
        index, exclude = s.index, s.exclude
        targets, destination = self.targets(index, tok, trig, cl, exclude)
        if not targets:
            objects = [c for c in tok.children if c.dep_ in {"dobj", "obj"}]
            objects += [g for c in tok.children if c.dep_ == "prep" and c.lower_ in {"on", "with"}
                        for g in c.children if g.dep_ == "pobj"]
            if any(self._refers_to_parties(o, s.parties) for o in objects):
                targets = list(s.parties.sides)
            elif trig.type in _REACTION_TYPES:
                # "condemned the action": the doers of the deed just told.
                targets = next((d for o in objects if (d := s.parties.doers(o, actors, o.i in s.matched))), [])
        hosted = False
        if not targets and trig.mode == "visit":
            # A visit with no one named as visited is a visit to the place's country.
            targets = self._visit_host(index, tok, actors, place_tokens)
            hosted = bool(targets)
        if "intent" in trig.flags and not targets:
            for child in tok.children:
                if child.dep_ == "xcomp":
                    sub = self.match(child) or trig
                    targets, destination = self.targets(index, child, sub, cl, exclude)
                    if targets:
                        break
        actor_keys = {a.key for a in actors}
        # The words that name the actor name no target ("were condemned by rights
        # groups": the agent is no target of its own act).
        actor_words = {a.token for a in actors}
        targets = [t for t in targets if t.token not in actor_words]
        # Nobody acts on himself, nor on the body he speaks for.
        own_orgs = {o for a in actors if a.entity for o in index.orgs_of(a.entity)}
        targets = [t for t in targets if (t.key not in actor_keys and t.entity not in own_orgs) or t.entity is None]
        # Nor on a town of his own country ("reopen the Namanga border post").
        actor_codes = {a.code for a in actors if a.code}
        targets = [t for t in targets if not (t.entity and index.is_place(t.entity) and t.code in actor_codes
                                              and not (index.get(t.entity) or {}).get("code"))]
        return targets, destination, hosted

    def _visit_host(self, index: EntityIndex, tok: Token, actors: list[Arg], place_tokens: list[Token]) -> list[Arg]:
        """The country a visit's place lies in, as its target (none when it is the actors' own)."""
        where = self.place(index, place_tokens)
        host, code = index.host_of(where) if where is not None else (None, None)
        if where is None or (host is None and code is None) or code in {a.code for a in actors}:
            return []
        sector = index.codes_of(host)[1] if host else None
        name = str((index.get(where) or {}).get("name") or "")
        return [Arg(host, code, sector, tok.i, name)]

    @staticmethod
    def _unheld(s: _Sentence, tok: Token, trig: Trigger, actors: list[Arg], targets: list[Arg]) -> bool:
        """Whether an event noun tells a deed whose doer the text does not name, and
        enough of it to be coded with its actor unknown: a victim named in its own
        phrase ("the arrest of three journalists", "sanctions on Iran"), or, for
        an assault, the harm it did ("a bomb attack on a market killed forty") or
        the place it is named by ("the Las Vegas shooting")."""
        if trig.pos != "NOUN" or actors or trig.type not in _UNHELD_TYPES or "reported" in trig.flags:
            return False
        if _told_undone(tok):
            return False  # "an attack on the ministry could kill dozens": told as no deed done
        if any(_known(t) for t in targets):
            return True
        if trig.type != "ASSAULT":
            return False
        if tok.dep_ == "nsubj" and tok.head.lemma_.lower() in _HARM_VERBS:
            return True
        return any(c.dep_ in {"compound", "nmod"} and c.i < tok.i and (e := s.index.entity_at(c)) is not None
                   and s.index.is_place(e) for c in tok.children)

    @staticmethod
    def _inquiry_without_target(s: _Sentence, tok: Token, trig: Trigger, actors: list[Arg],
                                targets: list[Arg]) -> bool:
        """An official investigation whose investigator is named and whose object is a
        crime, not a party: "police are investigating the attack", "prosecutors opened
        an investigation into the killing" (codebook 1: an investigation aimed at a
        person or a crime is ACCUSE). The investigator must be police, a prosecutor, a court or a
        legislature (their inquiries are into wrongdoing), or what is investigated an
        act the lexicon reads as a deed; an inquiry into an accident by anyone else
        stays none (codebook 2). The target stays empty."""
        if targets or trig.mode != "investigate" or not actors:
            return False
        if any(a.sector in _INQUIRERS for a in actors if _known(a)):
            return True
        objects = [c for c in tok.children if c.dep_ in {"dobj", "obj"}]
        objects += [g for c in tok.children if c.dep_ == "prep" and c.lower_ in {"into", "of"}
                    for g in c.children if g.dep_ == "pobj"]
        return any(o.i in s.matched and s.matched[o.i].type in _DEED_TYPES for o in objects) \
            and any(_known(a) for a in actors)

    @staticmethod
    def _appeal_without_target(tok: Token, trig: Trigger, actors: list[Arg], targets: list[Arg]) -> bool:
        """An appeal by someone named whose content, not an addressee, is told: "Kim
        called for peace", "the ministry pressed for an inquiry" (the target stays empty)."""
        if targets or trig.type not in _APPEAL_TYPES or trig.pos != "VERB" or "reported" in trig.flags:
            return False
        if not any(a.entity or a.code for a in actors):
            return False
        if any(c.dep_ in {"dobj", "obj", "oprd", "xcomp", "ccomp", "dative"} for c in tok.children):
            return False  # "called the attack an act of evil": naming, not asking
        contents = [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "for"
                    for g in c.children if g.dep_ == "pobj"]
        return any(c.pos_ == "NOUN" and c.ent_type_ == "" for c in contents)

    @staticmethod
    def _tells_enough(tok: Token, trig: Trigger, actors: list[Arg], targets: list[Arg]) -> bool:
        """Whether a trigger with these participants is an event at all."""
        mutual = len(actors) > 1 and is_mutual(trig)
        if not targets and "needs_target" in trig.flags and not mutual:
            return False
        if not actors and not targets and "intent" not in trig.flags:
            return False
        if "intent" in trig.flags and not targets and not mutual \
                and not any(c.dep_ in {"xcomp", "ccomp", "dobj", "obj", "dative"} for c in tok.children):
            return False  # "I agree": an opinion, no commitment to anything
        return not (trig.pos == "NOUN" and not actors)  # a nominal event needs someone who holds it

    def _corroborable(self, tok: Token, trig: Trigger, actors: list[Arg]) -> bool:
        """Whether the classifier's reading of the sentence may stand for the
        participants a trigger lacks. An intent word still needs its content ("I
        agree" says nothing). An event noun held by nobody named is a deed of
        nobody named only by the nominal layer's own rule (:meth:`_unheld`: its
        victim named, told as done), and no noun told as not done is an event
        ("new sanctions on Iran could cripple ...", "the detention of X would be
        illegal")."""
        if not self._has_content(tok, trig):
            return False
        if trig.pos == "NOUN" and not actors:
            return trig.type not in _UNHELD_TYPES and not _told_undone(tok)
        return True

    @staticmethod
    def _has_content(tok: Token, trig: Trigger) -> bool:
        """Whether an intent word says what is intended ("I agree" says nothing)."""
        return "intent" not in trig.flags or any(
            c.dep_ in {"xcomp", "ccomp", "dobj", "obj", "dative", "prep"} for c in tok.children)

    def _verbal(self, index: EntityIndex, trig: Trigger, actors: list[Arg], targets: list[Arg]) -> Trigger:
        """An attack on a named person by someone who bears no arms is words:
        "Fox attacks Blair" criticises him (CAMEO 111 and its type in the crosswalk)."""
        walk = self.k.crosswalk.get(VERBAL_CAMEO)
        if not targets and "mutual" in trig.flags and len(actors) > 1:
            targets = actors  # "the two leaders clashed": each at the other
        if not targets or walk is None or any(a.sector in _ARMED for a in actors):
            return trig
        if not all(t.entity and (index.get(t.entity) or {}).get("type") == "PERSON" for t in targets):
            return trig
        mode = walk.get("mode")
        context = walk.get("context")
        if isinstance(context, list):
            context = context[0] if context else None
        return replace(trig, type=str(walk["type"]), mode=str(mode) if mode else None,
                       context=str(context) if context else None, cameo=VERBAL_CAMEO)

    def _possessor_code(self, index: EntityIndex, head: Token, cl: Clause, speakers: dict[int, Token],
                        quote: dict[str, Any] | None) -> str | None:
        """The country of a possessive pronoun on a sector word: "our officials" in a
        quote, or "said his government would ...", belong to the speaker's side."""
        poss = [c for c in head.children if c.dep_ == "poss" and c.pos_ == "PRON"]
        if len(poss) != 1 or index.entity_at(poss[0]) is not None:
            return None
        word = poss[0].lower_
        speaker: str | None = None
        if word in {"our", "my"}:
            speaker = quote.get("speaker") if quote else None
        elif word in {"his", "her", "its", "their"} and cl.speech is not None and cl.ccomp_crossed:
            tok = self.speaker_of(cl.speech, speakers)
            args = index.args_for(tok) if tok is not None else []
            return args[0].code if len(args) == 1 else None
        if not speaker or speaker not in index.entities:
            return None
        return index.codes_of(speaker)[0]

    def _refers_to_parties(self, head: Token, parties: _Parties) -> bool:
        """Whether a noun phrase names the sides of the last meeting: "both sides",
        "the two countries", "the meeting", "the talks"."""
        if not parties.sides:
            return False
        dets = {c.lower_ for c in head.children if c.dep_ in {"det", "predet", "nummod"}}
        if head.lemma_.lower() in _SIDE_WORDS and dets & {"both", "two"}:
            return True
        trig = self.match(head)
        if trig is None or trig.type not in {"CONSULT", "AGREE"} or trig.pos != "NOUN":
            return False
        if not dets & {"the", "this", "that", "these", "those"}:
            return False
        # A meeting named with its own participants is another meeting.
        return not any(c.dep_ in {"compound", "poss", "nmod"} or (c.dep_ == "prep" and c.lower_ in {"with", "between"})
                       for c in head.children)

    @staticmethod
    def _pronoun_antecedent(index: EntityIndex, cl: Clause, exclude: frozenset[int],
                            quote: dict[str, Any] | None = None) -> list[Arg]:
        """An unresolved pronoun subject: "I" or "we" inside a quote is its speaker
        (“We will never negotiate with Hamas,” Netanyahu said); a third-person
        subject of a complement clause is the subject of the verb governing it
        ("Ethiopia indicated it would act")."""
        if len(cl.actor_heads) != 1:
            return []
        pron = cl.actor_heads[0]
        if pron.pos_ != "PRON" or index.entity_at(pron) is not None:
            return []
        if pron.lower_ in {"i", "we"}:
            speaker = quote.get("speaker") if quote else None
            if not speaker or speaker not in index.entities:
                return []
            code, sector = index.codes_of(speaker)
            return [Arg(speaker, code, sector, pron.i, pron.text)]
        if pron.lower_ not in {"it", "they", "he", "she"}:
            return []
        top = cl.top
        if top.dep_ != "ccomp" or top.head.i == top.i:
            return []
        subj = _has_subject(top.head)
        if subj is None or subj.i > pron.i:
            return []
        args = index.args_for(subj, exclude=exclude)
        return [a for a in args if a.entity or a.code][:1] if len(args) == 1 else []

    def _says_enough(self, s: _Sentence, event: Found) -> bool:
        """Whether an event is kept before judgement: specific (:meth:`_specific`),
        or of a type the classifier corroborates (:meth:`_corroborated`) with a side
        found or told as done; an unrealised act with nobody in it ("Talks could
        resume") is no one's act (codebook 1)."""
        if self._specific(event):
            return True
        return event.trigger.type in s.corroborated and bool(
            event.actors or event.targets or event.unheld or event.modality == "occurred")

    @staticmethod
    def _specific(event: Found) -> bool:
        """Whether an event says enough to be coded.

        An occurred event needs an actor or a target; one that did not (yet)
        happen needs its actor (a passive without an agent its target: "unions
        will be consulted"); an aim or a wish also needs a target unless its
        type stands alone.
        """
        if event.modality == "occurred":
            return bool(event.actors or event.targets or event.unheld)
        if not event.actors:
            return event.passive and bool(event.targets)
        if not event.aim or event.targets:
            return True
        mutual = len(event.actors) > 1 and is_mutual(event.trigger)
        return mutual or event.trigger.type in SELF_STANDING_TYPES

    def _aim(self, path: list[Token]) -> bool:
        """Whether a clause states an aim or a wish: a purpose clause, or the
        complement of a planning or wishing word ("aimed at", "need to", "due to")."""
        cues = self.k.cues
        for below, t in zip(path, path[1:], strict=False):
            if _purpose_link(below, t) and any(
                    (c.lower_, "purpose") in cues for c in below.children if c.dep_ in {"aux", "mark"}):
                return True
            if below.dep_ != "conj" and cues.get((t.lemma_.lower(), "governor")) in {"planned", "hypothetical"}:
                return True
        return False

    @staticmethod
    def _borrow_setting(found: list[Found], by_token: dict[int, Found]) -> None:
        """Place and date from a participial movement clause that opens the sentence.

        "Flying to Tokyo on Monday, the secretary-general has meetings scheduled
        with ...": the meetings are in Tokyo, on Monday.
        """
        for event in found:
            if event.place is not None and event.when is not None:
                continue
            first = min((t.i for t in event.path), default=event.token.i)
            for tok in event.path:
                for child in tok.children:
                    other = by_token.get(child.i)
                    if other is None or other is event or child.dep_ != "advcl" or child.i > first:
                        continue
                    if child.tag_ not in {"VBG", "VBN"} or _has_subject(child) is not None:
                        continue
                    if other.trigger.mode != "visit" or other.place is None:
                        continue
                    if event.place is None:
                        event.place = other.place
                    if event.when is None and other.when is not None:
                        event.when, event.when_token = other.when, other.when_token
                    break

    @staticmethod
    def _governed(cl: Clause, matched: dict[int, Trigger], modality: str) -> str:
        """The modality of an event that is the content of another: "warned against X attending"."""
        # Governors reached through a complement, not through coordination
        # ("warned ... and criticised": the criticism is no content of the warning).
        governors = [parent for child, parent in zip(cl.path, cl.path[1:], strict=False)
                     if child.dep_ != "conj"]
        top = cl.top
        if top.dep_ in {"advcl", "xcomp", "ccomp", "pcomp"} and top.head.i != top.i:
            governors.append(top.head.head if top.dep_ == "pcomp" else top.head)
        for gov in governors:
            trig = matched.get(gov.i)
            if trig is None or "intent" in trig.flags:
                continue
            kind = _CONTENT_MODALITY.get(trig.type)
            if kind and MODALITY_RANK[kind] > MODALITY_RANK[modality]:
                modality = kind
        return modality

    def _found(self, trig: Trigger, tok: Token, actors: list[Arg], targets: list[Arg], modality: str,
               source: str | None, source_text: str | None, place: str | None, path: list[Token],
               doc: Doc, sent: Span, top: Token, times: list[dict[str, Any]],
               also: Token | None = None) -> Found:
        when = self.when(doc, path, times)
        if when is None or not _is_date(when.get("value")):
            when = self.when(doc, _clause_mates(path), times)
        value = when.get("value") if when else None
        if not _is_date(value):
            value = None  # "recently" (PAST_REF) says no date
        published = doc._.tidings_published
        if value is None and published and _past(path):
            # "had accused the boats of detaining its fishermen last month": a past
            # act with no date of its own took place when the deed it reports on did.
            inner = self.when(doc, _complements(tok), times)
            inner_value = inner.get("value") if inner else None
            if _is_date(inner_value) and _earlier(str(inner_value), str(published)):
                when, value = inner, inner_value
        if modality == "occurred" and value and published and str(value)[:10] > str(published)[:10] \
                and not _past(path):
            modality = "planned"
        sub = list(top.subtree)
        if also is not None:
            extra = list(also.subtree)
            sub = [min(sub[0], extra[0], key=lambda t: t.i), max(sub[-1], extra[-1], key=lambda t: t.i)]
        first = min(sub[0], tok, key=lambda t: t.i)
        start = max(first.idx, sent.start_char)
        last = max(sub[-1], tok, key=lambda t: t.i)
        # Trailing whitespace tokens are no evidence (read by token: ``doc.text``
        # joins the whole article at each call).
        while last.i > first.i and not last.text.strip(" \n\t"):
            last = doc[last.i - 1]
        end = min(last.idx + len(last), sent.end_char)
        if not last.text.strip(" \n\t"):
            end = start
        return Found(trigger=trig, token=tok, actors=actors, targets=targets, modality=modality,
                     source=source, source_text=source_text, place=place,
                     when=str(value) if value else None, when_token=when is not None,
                     evidence=(start, end), sentence=sent, path=list(path))
