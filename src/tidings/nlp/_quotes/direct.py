"""Attribute quotations in marks: speaker before, after, in the middle, or inherited.

A quotation is *introduced* when the words before it end with a colon or a
comma ("He said: “...”"), *initial* when it starts a sentence, and *embedded*
when it sits inside a sentence ("the plan was “dead”"). The words after a
quotation attribute it when they follow a comma, question or exclamation mark
inside the quote (“...,” Mr X said / said Mr X). An initial quotation with no
cue of its own continues the previous speaker's quote when it is in the same or
the next paragraph (“X,” he said. “Y.”). Embedded fragments with no cue are left
for reported speech to take in (mixed quotes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Token

from tidings.nlp._quotes.index import DocIndex
from tidings.nlp._quotes.lexicon import CueLexicon
from tidings.nlp._quotes.marks import CLOSERS, DOUBLE_APOSTROPHE, OPENERS, STRAIGHT, Quoted
from tidings.nlp._quotes.record import Attribution, Quote
from tidings.nlp._quotes.speakers import SPACED_DASHES, SpeakerResolver, attribute, subject_of

_MARKS = set(OPENERS) | set(CLOSERS) | {STRAIGHT, DOUBLE_APOSTROPHE}
_ATTACHING_END = set(",?!—–-…:;")
_SENTENCE_END = {".", "!", "?"}
AFTER_WINDOW = 40
# “...” ― Jane Doe: a name credited after a dash that follows the closing mark.
_DASH_CREDIT = re.compile(r"[ \t\u00a0]*([―—–-])[ \t\u00a0]*(?=[^\W\d_])")
MAX_CREDIT_TOKENS = 6
SHORT_LEAD = 4


@dataclass(slots=True)
class DirectResult:
    """What the direct pass found.

    Attributes:
        quotes: attributed or continuing quotations (and long unattributed ones).
        fragments: embedded quotations with no cue, for the reported-speech pass.
        claimed: token indices of cues used here.
    """

    quotes: list[Quote] = field(default_factory=list)
    fragments: list[Quoted] = field(default_factory=list)
    claimed: set[int] = field(default_factory=set)


def is_cue(token: Token, lemmas: frozenset[str]) -> bool:
    """Whether a token is a cue verb of the given lemmas."""
    return token.lemma_.lower() in lemmas and (token.pos_ in {"VERB", "AUX"} or token.tag_.startswith("VB"))


def _position(text: str, pstart: int, q: Quoted) -> tuple[str, int]:
    """Classify a quotation by the words before it in its paragraph.

    Returns:
        (``initial`` | ``introduced`` | ``embedded``, start character of the lead-in).
    """
    prefix = text[pstart : q.open].rstrip()
    if not any(ch.isalnum() for ch in prefix):  # nothing, or only a dash or bracket: no words to embed it
        return "initial", q.open
    last = prefix[-1]
    boundary = max(prefix.rfind(c) for c in ".!?”\"") + 1
    doubled = prefix.rfind(DOUBLE_APOSTROPHE)
    if doubled >= 0:
        boundary = max(boundary, doubled + len(DOUBLE_APOSTROPHE))
    if last in _SENTENCE_END or last in CLOSERS or last == STRAIGHT or prefix.endswith(DOUBLE_APOSTROPHE):
        return "initial", q.open
    lead = pstart + boundary
    while lead < q.open and text[lead].isspace():
        lead += 1
    if last in ":,—–":
        return "introduced", lead
    return "embedded", lead


_MAIN_DEPS = frozenset({"ROOT", "parataxis", "ccomp", "conj"})
_NOMINAL = frozenset({"PROPN", "NOUN", "PRON"})


def _nominal_before(doc: Doc, lo: int, hi: int) -> Token | None:
    """Return the head of the last noun phrase in ``doc[lo:hi]``."""
    for i in range(hi - 1, lo - 1, -1):
        if doc[i].pos_ in _NOMINAL:
            return doc[i]
    return None


def _after_cue(
    ix: DocIndex, q: Quoted, lexicon: CueLexicon, text: str, *, initial: bool = False
) -> tuple[Token, Token | None, int | None] | None:
    """Find a cue in the words just after a quotation's closing mark.

    A cue verb of the lexicon anywhere in the window attributes the quote; right
    after a quote that ends in a comma (“...,” the judge exclaimed) any main verb
    with a subject does, as the construction itself marks attribution.
    """
    if q.close is None:
        return None
    doc = ix.doc
    pend = ix.paras[q.last_paragraph][1]
    first = ix.token_from(q.close + 1)
    stop = min(first + AFTER_WINDOW, len(doc))
    inside_end = text[q.start : q.end].rstrip()[-1:] or ""
    attaching = inside_end in _ATTACHING_END or text[q.close + 1 : q.close + 2] == ","
    # “X” of the plan, Mr Y said.: a quote opening a sentence the cue governs.
    runs_in = initial and inside_end not in _SENTENCE_END
    # A cue word the tagger did not read as a verb (“...,” Trump says, tagged a noun)
    # attributes the quote only when no verb cue follows (“...,” the report said).
    fallback: tuple[Token, Token | None, int | None] | None = None
    for i in range(first, stop):
        token = doc[i]
        if token.idx >= pend or (token.text in _MARKS and i == first) or (token.text in _SENTENCE_END and i > first):
            break
        if token.lower_ == "according" and i + 1 < stop and doc[i + 1].lower_ == "to" and attaching:
            pobj = next((c for c in doc[i + 1].children if c.dep_ == "pobj"), None)
            return token, pobj, i + 2
        lexical = token.lemma_.lower() in lexicon.direct
        verbal = token.pos_ == "VERB" or (token.pos_ != "AUX" and token.tag_.startswith("VB"))
        if lexical and not verbal:
            if fallback is None and attaching and i - first <= 6:
                fallback = token, _speaker_after(doc, q, first, i), None
            continue
        if not lexical and not (verbal and attaching and token.dep_ in _MAIN_DEPS):
            continue
        if not attaching and any(c.dep_ == "ccomp" and c.i > token.i for c in token.children):
            break  # “... ongoing.” He said the FBI ...: the cue reports its own clause
        speaker = subject_of(token, within=(first, len(doc)))
        if speaker is not None and speaker.i > token.i and any(
            doc[k].text in _MARKS for k in range(token.i + 1, speaker.i)
        ):
            speaker = None  # said on Fox News's “Fox and Friends”: words in marks are no speaker
        if speaker is None or not (first <= speaker.i):
            speaker = _nominal_before(doc, first, i) if (lexical or attaching) else None
        if speaker is not None and (q.open <= speaker.idx < q.outer_end or speaker.i < first):
            speaker = None
        if speaker is not None and (attaching or i - first <= 6 or (runs_in and token.dep_ == "ROOT")):
            return token, speaker, None
        if attaching and lexical:
            return token, None, None
        if not lexical:
            break
    return fallback


def _speaker_after(doc: Doc, q: Quoted, first: int, cue: int) -> Token | None:
    """The last noun phrase between a closing mark and a cue, if outside the quotation."""
    speaker = _nominal_before(doc, first, cue)
    if speaker is not None and (q.open <= speaker.idx < q.outer_end or speaker.i < first):
        return None
    return speaker


def _dash_credit(ix: DocIndex, q: Quoted) -> tuple[int, Token] | None:
    """Find a name credited after a dash at the end of a quotation's paragraph.

    “...” ― Jane Doe (or “...”— Jane Doe, a teacher): the words after the dash,
    up to a comma or the paragraph's end, are all capitalised and hold a proper
    noun. A sentence after a dash ("— The vote was delayed.") is not a credit.

    Returns:
        (character offset of the dash, head token of the name), or ``None``.
    """
    if q.close is None:
        return None
    m = _DASH_CREDIT.match(ix.text, q.close + 1)
    if m is None:
        return None
    doc = ix.doc
    pend = ix.paras[q.last_paragraph][1]
    name: list[Token] = []
    for i in range(ix.token_from(m.end()), len(doc)):
        token = doc[i]
        if token.idx >= pend or token.is_space or token.text in {",", "(", ";"}:
            break
        name.append(token)
    while name and name[-1].is_punct:
        name.pop()
    if not name or len(name) > MAX_CREDIT_TOKENS:
        return None
    if not all(t.text[:1].isupper() or t.is_punct for t in name):
        return None
    if not any(t.pos_ == "PROPN" or t.ent_type_ == "PERSON" for t in name):
        return None
    return m.start(1), name[-1]


def _before_cue(
    ix: DocIndex, q: Quoted, lead: int, lexicon: CueLexicon, *, colon: bool = False
) -> tuple[Token, Token | None, int | None] | None:
    """Find a cue in the words that introduce a quotation ("He said:", "Cruz continued:").

    Before a colon, any main verb (or, with none, the noun phrase itself:
    "Republican pollster Daron Shaw:") introduces the speaker.
    """
    doc = ix.doc
    lo, hi = ix.token_from(lead), ix.token_at(q.open)
    for i in range(hi - 1, lo - 1, -1):
        token = doc[i]
        if token.lower_ == "according" and i + 1 < hi and doc[i + 1].lower_ == "to":
            pobj = next((c for c in doc[i + 1].children if c.dep_ == "pobj"), None)
            return token, pobj, i + 2
        if is_cue(token, lexicon.direct):
            speaker = subject_of(token, within=(lo, hi))
            if speaker is None and token.tag_ == "VBG":
                speaker = _participle_subject(ix, token)
            if speaker is None and 0 < i - lo <= SHORT_LEAD:
                # “X,” Trump said, “Y”: the parser may take a subject inside X for the cue's.
                speaker = _nominal_before(doc, lo, i)
            return token, speaker, None
    if not colon or hi <= lo:
        return None
    # "POLLS MISSED LATE SHIFT - Mark Blumenthal: “...”": the speaker follows the dash.
    dashes = [t.i for t in doc[lo:hi] if t.text in SPACED_DASHES and t.whitespace_ and t.i > lo and doc[t.i - 1].whitespace_]
    if dashes:
        lo = dashes[-1] + 1
    verbs = [t for t in doc[lo:hi] if t.pos_ == "VERB" and (t.head.i < lo or t.head.i >= hi or t.dep_ == "ROOT")]
    if verbs:
        speaker = subject_of(verbs[0])
        if speaker is not None and lo <= speaker.i < hi:
            return verbs[0], speaker, None
        return None
    colon_token = doc[hi - 1] if doc[hi - 1].text == ":" else None
    if colon_token is None:
        return None
    speaker = _nominal_before(doc, lo, hi - 1)
    if speaker is None or hi - 1 - lo > 12:
        return None
    return colon_token, speaker, None


def _participle_subject(ix: DocIndex, cue: Token) -> Token | None:
    """The subject of the sentence's main verb, for "X did this, telling them, “...”"."""
    start, _end = ix.sentence_of(cue.i)
    root = next((t for t in ix.doc[start : cue.i] if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    speaker = subject_of(root)
    return speaker if speaker is not None and speaker.i < cue.i else None


def _verb_before(ix: DocIndex, q: Quoted, lexicon: CueLexicon) -> tuple[Token, Token | None, int | None] | None:
    """Find a verb that takes the quotation as its complement: says “...”, yelled “...”."""
    doc = ix.doc
    i = ix.token_at(q.open) - 1
    while i >= 0 and doc[i].is_space:
        i -= 1
    if i < 0:
        return None
    token = doc[i]
    if token.lower_ == "that" and i > 0 and is_cue(doc[i - 1], lexicon.direct):
        token = doc[i - 1]
    elif not is_cue(token, lexicon.direct):
        # Any verb will do when the words in marks read as a sentence (chanted “USA! USA!”),
        # not as a name or a phrase (promoted “Celebrity Apprentice”).
        content = ix.text[q.start : q.end]
        if not (content[:1].isupper() and content.rstrip()[-1:] in {".", "!", "?"}):
            return None
        inside = range(ix.token_from(q.start), ix.token_at(max(q.start, q.end - 1)) + 1)
        if token.pos_ != "VERB" or not any(doc[j].head.i == token.i for j in inside):
            return None
    speaker = subject_of(token)
    if speaker is not None and speaker.i >= token.i and speaker.idx >= q.open:
        speaker = None
    return token, speaker, None


def _runs_on(ix: DocIndex, q: Quoted) -> int | None:
    """End character of the sentence when words of the writer follow a closing mark in it."""
    if q.close is None:
        return None
    doc = ix.doc
    first = ix.token_from(q.close + 1)
    if first >= len(doc):
        return None
    _start, end = ix.sentence_of(first)
    words = [t for t in doc[first:end] if t.is_alpha]
    if not words or doc[first].text in _MARKS or doc[first].idx >= ix.paras[q.last_paragraph][1]:
        return None
    last = end - 1
    while last > first and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    return doc[last].idx + len(doc[last])


def _that_between(doc: Doc, cue: int, quote: int) -> int | None:
    """Index of a complementiser "that" opening a clause between a cue and a quotation."""
    for i in range(cue + 1, quote - 1):
        if doc[i].lower_ == "that" and doc[i].dep_ == "mark":
            return i
    return None


def _previous_paragraph_cue(ix: DocIndex, q: Quoted, lexicon: CueLexicon) -> tuple[Token, Token | None, int | None] | None:
    """Find a cue in a paragraph that ends with a colon just before the quotation."""
    if q.paragraph == 0:
        return None
    pstart, pend = ix.paras[q.paragraph - 1]
    text = ix.text
    if not text[pstart:pend].rstrip().endswith(":"):
        return None
    last = ix.token_at(pend - 1)
    sstart, _ = ix.sentence_of(last)
    fake = Quoted(pend, pend, pend, pend, q.paragraph, q.paragraph)
    return _before_cue(ix, fake, max(ix.starts[sstart], pstart), lexicon, colon=True)


_Found = tuple[Token, Token | None, int | None]


@dataclass(slots=True)
class _Placement:
    """Where a quotation sits, the cues around it and the span its quote covers."""

    where: str
    lead: int
    kind: str
    start: int
    end: int
    before: _Found | None
    after: _Found | None


def _place(ix: DocIndex, q: Quoted, lexicon: CueLexicon) -> _Placement:
    """Classify a quotation and find the cues before and after it.

    An embedded quotation that is a verb's complement (says “...”) becomes
    ``introduced``, and ``mixed`` when the writer's words run on around it.
    """
    text = ix.text
    pstart = ix.paras[q.paragraph][0]
    where, lead = _position(text, pstart, q)
    found_after = _after_cue(ix, q, lexicon, text, initial=where == "initial")
    place = _Placement(where, lead, "direct", q.start, q.end, None, found_after)
    if where == "introduced":
        place.before = _before_cue(ix, q, lead, lexicon, colon=text[:q.open].rstrip().endswith(":"))
    elif where == "initial" and q.open == pstart:
        place.before = _previous_paragraph_cue(ix, q, lexicon)
    elif where == "embedded":
        place.before = _verb_before(ix, q, lexicon)
        if place.before is not None:
            place.where = "introduced"
            sentence_end = _runs_on(ix, q)
            if sentence_end is not None or place.before[0].i + 1 < ix.token_at(q.open):
                # says that “...”, said “...” every time ...: reported speech with a quote in it.
                place.kind, place.end = "mixed", max(q.end, sentence_end or 0)
    return place


def _attribution_of(
    doc: Doc, ix: DocIndex, q: Quoted, place: _Placement, lexicon: CueLexicon, resolver: SpeakerResolver
) -> Attribution | None:
    """Attribute a placed quotation by its cue after, its cue before or a dash credit.

    A cue after an embedded fragment, or a "that" between a cue before and the
    quotation, makes the quote ``mixed`` and moves its start (in ``place``).
    """
    first_tok, last_tok = ix.token_from(q.open), ix.token_at(q.outer_end - 1) + 1
    if place.after is not None and (place.where != "introduced" or place.before is None):
        cue, speaker, cue_end = place.after
        if place.where == "embedded":
            place.kind, place.start = "mixed", place.lead
        return attribute(cue, resolver, lexicon, speaker=speaker, bounds=(last_tok, len(doc)), cue_end=cue_end)
    if place.before is not None:
        cue, speaker, cue_end = place.before
        that = _that_between(doc, cue.i, first_tok)
        if that is not None:
            # "He said that whatever happens, “...”": the quote ends reported speech.
            place.kind, place.start = "mixed", doc[that + 1].idx
        return attribute(cue, resolver, lexicon, speaker=speaker, bounds=(0, first_tok), cue_end=cue_end)
    if place.where != "embedded" and (credit := _dash_credit(ix, q)) is not None:
        dash, head = credit
        text = ix.text
        return replace(
            attribute(head, resolver, lexicon, speaker=head, bounds=(last_tok, len(doc))),
            cue=text[dash], cue_start=dash, cue_end=dash + 1, cue_lemma=None, cue_kind=None, cue_token=-1,
            addressee=None, addressee_text=None, addressee_start=None, addressee_end=None,
        )
    return None


def find_direct(
    doc: Doc,
    ix: DocIndex,
    quoted: list[Quoted],
    lexicon: CueLexicon,
    resolver: SpeakerResolver,
    *,
    min_unattributed_words: int,
) -> DirectResult:
    """Attribute each quotation in marks.

    Args:
        doc: the parsed Doc.
        ix: its index.
        quoted: its quotations, in text order.
        lexicon: the cue lexicon.
        resolver: the speaker resolver of the Doc.
        min_unattributed_words: keep a sentence-initial quotation with no speaker
            only when it has at least this many words.

    Returns:
        The attributed quotations, the unattributed embedded fragments and the cues used.
    """
    text = ix.text
    result = DirectResult()
    previous: Quote | None = None
    previous_para = -10
    for q in quoted:
        place = _place(ix, q, lexicon)
        attribution = _attribution_of(doc, ix, q, place, lexicon, resolver)
        if attribution is not None:
            result.claimed.add(attribution.cue_token)
            quote = Quote(place.start, place.end, place.kind, attribution)
        elif place.where == "embedded":
            result.fragments.append(q)
            continue
        elif previous is not None and q.paragraph - previous_para <= 1:
            quote = Quote(q.start, q.end, "direct", previous.attribution, inherited=True)
        elif len(text[q.start : q.end].split()) >= min_unattributed_words:
            quote = Quote(q.start, q.end, "direct")
        else:
            continue
        result.quotes.append(quote)
        if quote.attribution.cue is not None:
            previous, previous_para = quote, q.last_paragraph
    return result
