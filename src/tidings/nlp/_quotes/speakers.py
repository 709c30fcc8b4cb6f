"""Find the speaker and addressee of a cue and resolve them to entities.

Speakers resolve through the entity layer (``doc.spans["tidings_mentions"]``,
whose spans carry the entity id in ``kb_id_``), so "he" and "the
secretary-general" become the entity they refer to. Where no mention covers a
speaker (or the entity layer is not in the pipeline), a minimal fallback
applies: named entities give a name, a surname links to the fuller name met
earlier, and "he"/"she" goes to the most recent person who spoke. Unnamed
sources ("a senior official") keep their words with a null entity.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from tidings.nlp._quotes.lexicon import CueLexicon
from tidings.nlp._quotes.record import Attribution

SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "i", "we"})
PRONOUNS = PERSON_PRONOUNS | frozenset({"it", "they", "them", "you"})
# Cues whose direct object is the addressee ("told reporters", "asked the court").
ADDRESSEE_OBJECT = frozenset(
    {"tell", "ask", "inform", "assure", "warn", "remind", "urge", "brief", "notify", "promise",
     "caution", "advise", "answer", "accuse", "question"}
)  # fmt: skip
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
PERSON_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "sen", "rep", "gov", "president", "prof"})
MAX_SPEAKER_TOKENS = 14
# "said Monday", "said last week": a time after the cue is no inverted subject.
_WHEN = frozenset({"DATE", "TIME"})
SPACED_DASHES = frozenset({"-", "–", "—", "―", "--"})
_CLIMB = frozenset({"conj", "xcomp", "advcl", "pcomp", "prep", "acomp"})


@dataclass(slots=True)
class SpeakerResolver:
    """Resolve words to entities within one Doc (build once per Doc).

    Attributes:
        doc: the Doc.
        mentions: mention spans of the entity layer, by start token.
        names: entity id -> (name, type) from ``doc._.tidings_entities``.
        persons: ``(offset, attribution)`` of people who spoke, in text order.
    """

    doc: Doc
    mention_starts: list[int] = field(default_factory=list)
    mention_spans: list[Span] = field(default_factory=list)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    entity_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    persons: list[tuple[int, Attribution]] = field(default_factory=list)

    @classmethod
    def for_doc(cls, doc: Doc) -> SpeakerResolver:
        """Index the Doc's mentions and entities."""
        resolver = cls(doc)
        group = doc.spans.get("tidings_mentions") if "tidings_mentions" in doc.spans else None
        if group is not None:
            spans = sorted(group, key=lambda s: (s.start, -s.end))
            resolver.mention_spans = spans
            resolver.mention_starts = [s.start for s in spans]
            for span in spans:
                if span.kb_id_:
                    resolver.entity_spans.setdefault(span.kb_id_, []).append((span.start_char, span.end_char))
        for entity in doc._.tidings_entities or []:
            if isinstance(entity, dict) and entity.get("id"):
                resolver.names[str(entity["id"])] = (str(entity.get("name") or ""), str(entity.get("type") or ""))
        return resolver

    def person_before(self, char: int) -> Attribution | None:
        """Return the attribution of the last person who spoke before a character."""
        k = bisect.bisect_left(self.persons, char, key=lambda p: p[0])
        return self.persons[k - 1][1] if k > 0 else None

    def add_person(self, attribution: Attribution) -> None:
        """Remember a person who spoke (for "he said" with no entity layer)."""
        if attribution.speaker_start is not None:
            bisect.insort(self.persons, (attribution.speaker_start, attribution), key=lambda p: p[0])

    def mention_at(self, token: Token, within: tuple[int, int] | None = None) -> Span | None:
        """Return the mention covering a token, else the first mention inside ``within``."""
        i = token.i
        hi = bisect.bisect_right(self.mention_starts, i)
        best: Span | None = None
        for span in self.mention_spans[max(0, hi - 8) : hi]:
            if span.start <= i < span.end and span.kb_id_ and (best is None or len(span) < len(best)):
                best = span
        if best is not None or within is None:
            return best
        lo = bisect.bisect_left(self.mention_starts, within[0])
        for span in self.mention_spans[lo:]:
            if span.start >= within[1]:
                break
            if span.end <= within[1] and span.kb_id_:
                return span
        return None

    def resolve(self, head: Token, span: tuple[int, int], *, pronoun_fallback: bool) -> tuple[
        str | None, str | None, tuple[tuple[int, int], ...], bool
    ]:
        """Resolve the words ``doc[span[0]:span[1]]`` headed by ``head``.

        Returns:
            (entity id, name, character spans of its mentions, reads as a person).
        """
        doc = self.doc
        words = doc[span[0] : span[1]]
        own = ((words.start_char, words.end_char),)
        mention = self.mention_at(head, span)
        if mention is not None:
            eid = mention.kb_id_
            name, etype = self.names.get(eid, (mention.text, mention.label_))
            spans = own + tuple(self.entity_spans.get(eid, ()))
            is_person = etype == "PERSON" or head.lower_ in PERSON_PRONOUNS
            return eid, name or None, spans, is_person
        lower = head.lower_
        if lower in PRONOUNS:
            prev = self.person_before(head.idx)
            if pronoun_fallback and prev is not None and lower in PERSON_PRONOUNS:
                return prev.speaker, prev.speaker_name, own + prev.speaker_spans, True
            return None, None, own, lower in PERSON_PRONOUNS
        ent = _entity_covering(head)
        if ent is not None:
            name = ent.text
            if ent.label_ == "PERSON":
                name = _fuller_name(doc, ent)
            is_person = ent.label_ == "PERSON" or _titled(words)
            return None, name, own, is_person
        return None, None, own, _titled(words) or head.ent_type_ == "PERSON"


def _titled(words: Span) -> bool:
    return any(t.lower_.rstrip(".") in PERSON_TITLES for t in words[:2])


def _entity_covering(token: Token) -> Span | None:
    if not token.ent_type_ or token.ent_type_ not in NAME_LABELS:
        return None
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return ent
    return None


def _fuller_name(doc: Doc, ent: Span) -> str:
    """Return an earlier PERSON name that ends with this one ("Stoltenberg" -> "Jens Stoltenberg")."""
    text = ent.text
    for other in doc.ents:
        if other.start >= ent.start:
            break
        if other.label_ == "PERSON" and len(other.text) > len(text) and other.text.endswith(" " + text):
            return other.text
    return text


def subject_of(cue: Token, within: tuple[int, int] | None = None) -> Token | None:
    """Return the subject of a cue verb, climbing over coordination ("said and added").

    Args:
        cue: the cue verb.
        within: token span ``[lo, hi)`` the subject must lie in (outside the
            quotation: the parser may hang the subject of a clause inside the
            quote on the cue).
    """
    token: Token | None = cue
    for _ in range(4):
        if token is None:
            break
        for child in token.children:
            if child.dep_ in SUBJECTS and (within is None or within[0] <= child.i < within[1]):
                if child.tag_ in {"WP", "WDT"} and token.dep_ == "relcl" and token.head.pos_ in {"NOUN", "PROPN"}:
                    return token.head  # "Bernie Sanders, who said ...": the noun the clause hangs on
                return child
        # "said and added", "..., saying", "began by saying", "seemed ready to riff,
        # telling ...": the subject is a head verb's.
        if token.dep_ in _CLIMB and token.head is not token:
            token = token.head
        else:
            break
    if cue.dep_ == "relcl" and cue.head.pos_ in {"NOUN", "PROPN"}:
        return cue.head  # "the spokesman, who said ..."
    if cue.dep_ in {"advcl", "xcomp"} or cue.tag_ == "VBG":
        return None
    # Inversion: "said Mr Smith", parsed as an object or attribute.
    nxt = cue.nbor(1) if cue.i + 1 < len(cue.doc) else None
    if nxt is not None and cue.lemma_.lower() in ADDRESSEE_OBJECT:
        return None
    if nxt is not None and nxt.pos_ in {"PROPN", "NOUN", "PRON", "DET", "ADJ"} and nxt.ent_type_ not in _WHEN:
        head = nxt
        while head.head is not head and head.head.i > cue.i and head.dep_ in {"compound", "det", "amod", "poss", "nmod"}:
            head = head.head
        if head.pos_ in {"PROPN", "NOUN", "PRON"}:
            return head
    return None


def phrase_span(head: Token, *, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """Return the token span of the phrase headed by ``head``, kept within ``[lo, hi)``.

    A long phrase (a name with a relative clause) is cut to the head and the words
    before it.
    """
    doc = head.doc
    hi = len(doc) if hi is None else hi
    start = max(head.left_edge.i, lo)
    end = min(head.right_edge.i + 1, hi)
    if end - start > MAX_SPEAKER_TOKENS:
        end = head.i + 1
        start = max(start, end - MAX_SPEAKER_TOKENS)
    for k in range(head.i - 1, start - 1, -1):
        if doc[k].text in SPACED_DASHES and doc[k].whitespace_ and k > 0 and doc[k - 1].whitespace_:
            start = k + 1  # "HEADLINE - Name": the name starts after the dash
            break
    while start < end - 1 and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start + 1 and (doc[end - 1].is_punct or doc[end - 1].is_space):
        if doc[end - 1].text == ")" and any(t.text == "(" for t in doc[start : end - 1]):
            break
        end -= 1
    return start, end


def addressee_of(cue: Token) -> Token | None:
    """Return the head of whom a cue addresses: "told X", "said to X"."""
    for child in cue.children:
        if child.i <= cue.i:
            continue
        if child.dep_ in {"dobj", "dative"} and cue.lemma_.lower() in ADDRESSEE_OBJECT and child.pos_ in {"PROPN", "NOUN", "PRON"}:
            return child
        if child.dep_ in {"prep", "dative"} and child.lower_ == "to":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def attribute(
    cue: Token,
    resolver: SpeakerResolver,
    lexicon: CueLexicon,
    *,
    speaker: Token | None,
    bounds: tuple[int, int] | None = None,
    cue_end: int | None = None,
) -> Attribution:
    """Build the attribution of a cue: speaker, cue and addressee, resolved.

    Args:
        cue: the cue token.
        resolver: the Doc's resolver.
        lexicon: the cue lexicon (for the cue's kind).
        speaker: the speaker's head token, or ``None``.
        bounds: token bounds ``[lo, hi)`` the speaker's words must stay within
            (outside the quoted content).
        cue_end: token end of a multi-word cue ("according to").
    """
    doc = cue.doc
    lemma = cue.lemma_.lower()
    cue_span = doc[cue.i : cue_end or cue.i + 1]
    values: dict[str, object] = {
        "cue": cue_span.text,
        "cue_start": cue_span.start_char,
        "cue_end": cue_span.end_char,
        "cue_lemma": lemma if cue_end is None else cue_span.text.lower(),
        "cue_kind": lexicon.kinds.get(lemma, "statement" if cue_end else None),
        "cue_token": cue.i,
    }
    if speaker is not None:
        lo, hi = bounds if bounds is not None else (0, len(doc))
        rel = next((t for t in (cue, *cue.ancestors) if t.dep_ == "relcl" and t.head == speaker), None)
        if rel is not None:
            hi = min(hi, rel.left_edge.i)  # "Mr Kamin, who emphasized that ...": the name only
        s, e = phrase_span(speaker, lo=lo, hi=hi)
        eid, name, spans, is_person = resolver.resolve(speaker, (s, e), pronoun_fallback=True)
        words = doc[s:e]
        values.update(
            speaker=eid, speaker_name=name, speaker_text=words.text, speaker_start=words.start_char,
            speaker_end=words.end_char, speaker_spans=spans, speaker_is_person=is_person,
        )
    target = addressee_of(cue) if cue_end is None else None
    if target is not None:
        s, e = phrase_span(target)
        words = doc[s:e]
        eid, _name, _spans, _person = resolver.resolve(target, (s, e), pronoun_fallback=False)
        values.update(
            addressee=eid or words.text, addressee_text=words.text,
            addressee_start=words.start_char, addressee_end=words.end_char,
        )
    attribution = Attribution(**values)  # type: ignore[arg-type]
    if attribution.speaker_is_person and (attribution.speaker or attribution.speaker_name):
        resolver.add_person(attribution)
    return attribution
