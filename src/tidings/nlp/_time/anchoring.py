"""Link a time expression to the clause it modifies and read that clause's tense.

The head is the word the expression attaches to in the dependency parse (the
verb or noun it modifies, seen through a preposition: "arrived [on] Sunday").
The tense is read from the head's governing verb and its auxiliaries:

* ``future``: "will/shall/'ll", "would", or an infinitive under a forward-looking
  cue from the data ("is due to meet", "plans to visit");
* ``past``: a past-tense verb, a perfect ("has arrived"), a past passive, or a
  bare past participle ("an interview published on Sunday");
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


def tense_of(verb: Token | None, cues: dict[str, str], *, depth: int = 0) -> str | None:
    """Return ``past``, ``future``, ``present`` or ``None`` for a verb's clause."""
    if verb is None or depth > 3:
        return None
    auxes = [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")]
    aux_set = set(auxes)
    if aux_set & _FUTURE_AUX:
        return FUTURE
    # infinitive or bare verb under a cue: "is due to meet", "plans to visit"
    if verb.dep_ == "xcomp" or "to" in aux_set:
        gov = verb.head
        if gov is not verb:
            cue = cues.get(gov.lemma_.lower()) or cues.get(gov.lower_)
            if cue:
                return cue
            if "to" in aux_set and gov.pos_ in _VERBAL:
                return tense_of(gov, cues, depth=depth + 1)
    for c in verb.children:  # "is due to": the cue is a complement of the verb
        if c.dep_ in ("acomp", "xcomp") and cues.get(c.lower_) == FUTURE and c.i > verb.i:
            if any(g.dep_ == "xcomp" or g.lower_ == "to" for g in c.children):
                return FUTURE
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
            return tense_of(clause_verb(gov), cues, depth=depth + 1)
        return None
    if tag in ("VBZ", "VBP"):
        return PRESENT
    if tag == "VB":
        if aux_set & {"can", "could", "may", "might", "must", "should", "ca"}:
            return FUTURE
        gov = verb.head
        if gov is not verb and verb.dep_ in ("xcomp", "conj", "advcl", "ccomp"):
            return tense_of(clause_verb(gov), cues, depth=depth + 1)
    return None


def clause_tense(head: Token | None, cues: dict[str, str]) -> str | None:
    """The tense that places a time expression attached to ``head``.

    When the expression hangs on a noun ("Friday's purchases"), a present-tense
    clause says nothing about when: only a past or future clause counts.
    """
    if head is None:
        return None
    verb = clause_verb(head)
    tense = tense_of(verb, cues)
    if tense == PRESENT and verb is not head:
        return None
    return tense
