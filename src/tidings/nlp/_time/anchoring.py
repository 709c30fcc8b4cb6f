"""Link a time expression to the clause it modifies and read that clause's tense.

The head is the word the expression attaches to in the dependency parse (the
verb or noun it modifies, seen through a preposition: "arrived [on] Sunday").
The tense is read from the head's governing verb and its auxiliaries:

* ``future``: "will/shall/'ll", "would", a modal ("should be completed in
  October"), an infinitive under a forward-looking cue from the data ("is due to
  meet", "plans to visit"), or the object of a planning verb ("has scheduled a
  news conference Thursday");
* ``past``: a past-tense verb, a perfect ("has arrived"), a past passive, a
  bare past participle ("an interview published on Sunday"), a plan given up
  ("had been due to expire Friday"), or a base-form verb with a singular subject,
  which can only be a past tense ("Weakness hurt the index on Friday");
* ``present``: a present-tense verb ("has meetings on Monday");
* a participial clause without auxiliary ("Flying to Tokyo on Monday, ...") takes
  the tense of the clause it hangs on.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

PAST, FUTURE, PRESENT = "past", "future", "present"

_FUTURE_AUX = {"will", "'ll", "shall", "wo", "would", "'d"}
_PAST_AUX = {"was", "were", "had", "did", "'d"}
_PERFECT_AUX = {"has", "have", "'ve", "had"}
_PRESENT_AUX = {"is", "are", "am", "'s", "'re", "'m", "do", "does"}
_MODAL_AUX = {"can", "could", "may", "might", "must", "should", "ca", "ought"}
_SINGULAR_PRONOUNS = {"he", "she", "it", "this", "that"}
_VERBAL = {"VERB", "AUX"}


def head_of(span: Span) -> Token | None:
    """Return the word a time expression modifies, or ``None`` at the root."""
    root = span.root
    head = root.head
    if head is root:
        return None
    if head.dep_ == "prep" and head.head is not head:
        return head.head
    if head.i >= span.start and head.i < span.end:
        return None
    return head


def clause_verb(token: Token | None) -> Token | None:
    """Return the verb governing a token (the token itself when it is a verb)."""
    steps = 0
    while token is not None and steps < 8:
        if token.pos_ in _VERBAL or token.tag_.startswith("VB"):
            return token
        if token.head is token:
            return None
        token = token.head
        steps += 1
    return None


def finite_clause(verb: Token | None) -> Token | None:
    """The verb of the clause a verb belongs to, through gerund complements of a
    preposition ("accused X of detaining ..." is one clause of "accused"); a
    relative, reported or coordinated clause is a clause of its own."""
    steps = 0
    while verb is not None and steps < 4 and verb.dep_ == "pcomp" and verb.tag_ == "VBG":
        gov = clause_verb(verb.head)
        if gov is None or gov is verb:
            break
        verb = gov
        steps += 1
    return verb


def _aux_words(token: Token) -> set[str]:
    return {c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")}


def _past_perfect(token: Token) -> bool:
    """Whether a word is (or is the complement of) a past perfect: "had been due", "had planned"."""
    for t in (token, token.head):
        if "had" in _aux_words(t) or (t.lower_ == "had" and t.dep_ in ("aux", "ROOT")):
            return True
        if t.pos_ in _VERBAL:
            break
    return False


def tense_of(verb: Token | None, cues: dict[str, str], *, depth: int = 0,
             object_cues: frozenset[str] = frozenset()) -> str | None:
    """Return ``past``, ``future``, ``present`` or ``None`` for a verb's clause.

    Args:
        verb: the verb of the clause.
        cues: lemma -> tense of the infinitive clauses it governs ("due": future).
        depth: recursion depth (the clause a participle or infinitive hangs on).
        object_cues: lemmas whose own object is placed ahead ("scheduled a news
            conference Thursday").
    """
    if verb is None or depth > 3:
        return None
    aux_set = _aux_words(verb)
    if aux_set & _FUTURE_AUX:
        return FUTURE
    # infinitive or bare verb under a cue: "is due to meet", "plans to visit"
    if verb.dep_ == "xcomp" or "to" in aux_set:
        gov = verb.head
        if gov is not verb:
            cue = cues.get(gov.lemma_.lower()) or cues.get(gov.lower_)
            if cue:
                # "had been due to expire Friday": a plan that is over
                return PAST if cue == FUTURE and _past_perfect(gov) else cue
            if "to" in aux_set and gov.pos_ in _VERBAL:
                return tense_of(gov, cues, depth=depth + 1, object_cues=object_cues)
            if "to" in aux_set and "be" in aux_set and gov.pos_ in ("NOUN", "PROPN"):
                return FUTURE  # "guidelines to be published in November", "a meeting to be held Monday"
    for c in verb.children:  # "is due to": the cue is a complement of the verb
        if (c.dep_ in ("acomp", "xcomp") and cues.get(c.lower_) == FUTURE and c.i > verb.i
                and any(g.dep_ == "xcomp" or g.lower_ == "to" for g in c.children)):
            return PAST if "had" in aux_set else FUTURE
    if aux_set & _MODAL_AUX and not aux_set & {"have", "'ve"}:
        if "could" in aux_set and any(c.dep_ == "neg" for c in verb.children):
            return PAST  # "could not be reached Friday": an attempt that failed
        return FUTURE  # "should be completed in October" (not "could have been")
    if verb.lemma_.lower() in object_cues and "had" not in aux_set and (
        any(c.dep_ in ("dobj", "auxpass") for c in verb.children) or (verb.tag_ == "VBN" and verb.dep_ == "acl")
    ):
        # "has scheduled a news conference Thursday", "planned a rally on Saturday",
        # "the accession was planned for early March", "a meeting scheduled for Monday"
        return FUTURE
    return _tense_by_form(verb, aux_set, cues, depth=depth, object_cues=object_cues)


def _tense_by_form(verb: Token, aux_set: set[str], cues: dict[str, str], *, depth: int,
                   object_cues: frozenset[str]) -> str | None:
    """The tense :func:`tense_of` reads from a verb's auxiliaries and tag, once no cue decided it."""
    if aux_set & _PERFECT_AUX:
        return PAST
    if aux_set & _PAST_AUX:
        return PAST
    tag = verb.tag_
    if tag == "VBD":
        return PAST
    if tag == "VBN":
        if aux_set & _PRESENT_AUX:
            return PRESENT
        return PAST
    if tag == "VBG":
        if aux_set & _PRESENT_AUX:
            return PRESENT  # "is flying to Tokyo on Monday": a weekday then looks ahead
        gov = verb.head
        if gov is not verb and verb.dep_ in ("advcl", "acl", "xcomp", "conj", "pcomp"):
            return tense_of(clause_verb(gov), cues, depth=depth + 1, object_cues=object_cues)
        return None
    if tag == "VBP" and not aux_set and _singular_subject(verb):
        return PAST  # "Weakness hurt the composite on Friday": a present would be "hurts"
    if tag in ("VBZ", "VBP"):
        return PRESENT
    if tag == "VB":
        gov = verb.head
        if gov is not verb and verb.dep_ in ("xcomp", "conj", "advcl", "ccomp"):
            return tense_of(clause_verb(gov), cues, depth=depth + 1, object_cues=object_cues)
    return None


def _singular_subject(verb: Token) -> bool:
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            if any(g.dep_ == "cc" or g.dep_ == "conj" for g in c.children):
                return False  # "Tom and Ann meet": plural
            return c.tag_ in ("NN", "NNP") or c.lower_ in _SINGULAR_PRONOUNS
    return False


def clause_tense(head: Token | None, cues: dict[str, str], object_cues: frozenset[str] = frozenset()) -> str | None:
    """The tense that places a time expression attached to ``head``.

    When the expression hangs on a noun ("Friday's purchases"), a present-tense
    clause says nothing about when: only a past or future clause counts.
    """
    if head is None:
        return None
    verb = clause_verb(head)
    tense = tense_of(verb, cues, object_cues=object_cues)
    if tense == PRESENT and verb is not head:
        return None
    return tense
