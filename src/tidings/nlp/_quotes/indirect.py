"""Reported speech: a cue verb with a content clause, "according to X", mixed quotes.

The content of ``X said (that) Y`` is the clause ``Y`` (the cue's ``ccomp``);
in ``Y, X said`` it is the clause before the cue, whether the parser makes it
the cue's ``ccomp`` or makes the cue a ``parataxis`` of it; when the parser
attaches a sentence-final "..., NP said (in a statement)." elsewhere, a surface
reading of that tail recovers it. A content clause that holds a quotation in
marks makes a mixed quote.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from tidings.nlp._quotes.direct import is_cue
from tidings.nlp._quotes.index import DocIndex
from tidings.nlp._quotes.lexicon import CueLexicon
from tidings.nlp._quotes.marks import Quoted
from tidings.nlp._quotes.record import Quote
from tidings.nlp._quotes.speakers import SpeakerResolver, addressee_of, attribute, subject_of

_COMPLEMENTISERS = frozenset({"that", "whether", "if"})
_TAIL_VERB_DEPS = frozenset({"acl", "relcl", "amod", "pcomp"})
MAX_TAIL_SPEAKER = 10
MAX_TAIL_REST = 8
MIN_CONTENT_TOKENS = 3
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _trim(doc: Doc, start: int, end: int, *, keep_mark: bool = False) -> tuple[int, int]:
    """Drop punctuation, spaces and (unless kept) a leading complementiser from a token span."""
    while start < end and (doc[start].is_punct or doc[start].is_space or (
        not keep_mark and doc[start].lower_ in _COMPLEMENTISERS and doc[start].dep_ == "mark"
    )):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return start, end


def _subtree_range(token: Token, minus: Token | None = None) -> tuple[int, int]:
    """Token range of a subtree, leaving out the side where ``minus`` hangs."""
    start, end = token.left_edge.i, token.right_edge.i + 1
    if minus is not None:
        m_start, m_end = minus.left_edge.i, minus.right_edge.i + 1
        if m_start > token.i:
            end = min(end, m_start)
        elif m_end <= token.i:
            start = max(start, m_end)
    return start, end


def _has_verb(doc: Doc, start: int, end: int) -> bool:
    return any(doc[i].pos_ in {"VERB", "AUX"} for i in range(start, end))


def _clause_of(cue: Token) -> tuple[int, int, Token | None] | None:
    """Return the content clause of a cue (token range) and the speaker found, if any."""
    for child in cue.children:
        if child.dep_ == "ccomp":
            start, end = _subtree_range(child)
            return start, end, None
    if _parenthetical(cue):
        # "In his state, Christie said, offenders are sent to treatment": the whole
        # sentence is the content, the attribution set off inside it.
        start, end = _subtree_range(cue.head)
        return start, end, subject_of(cue, within=(_edges(cue)[0], cue.i))
    if cue.dep_ in {"parataxis", "advcl", "conj"} and cue.i > cue.head.i:
        head = cue.head
        if cue.dep_ != "parataxis":
            # "Y, he said" read as a coordinated or adverbial verb: needs its own subject
            # and a comma before it.
            subject = next((c for c in cue.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            if subject is None or subject.i > cue.i or cue.doc[subject.left_edge.i - 1].text != ",":
                return None
        start, end = _subtree_range(head, minus=cue)
        return start, end, None
    return None


def _parenthetical(cue: Token) -> bool:
    """Whether a cue and its subject are set off by commas inside the clause they report."""
    if cue.dep_ != "parataxis" or cue.i > cue.head.i:
        return False
    doc = cue.doc
    lo, hi = _edges(cue)
    return lo > 0 and hi + 1 < len(doc) and doc[lo - 1].text == "," and doc[hi + 1].text == "," and lo < cue.i


def _edges(cue: Token) -> tuple[int, int]:
    """First and last word of a cue's phrase, leaving out punctuation at its edges."""
    doc = cue.doc
    lo, hi = cue.left_edge.i, cue.right_edge.i
    while lo < cue.i and doc[lo].is_punct:
        lo += 1
    while hi > cue.i and doc[hi].is_punct:
        hi -= 1
    return lo, hi


def _tail(ix: DocIndex, cue: Token) -> tuple[int, int, Token | None] | None:
    """Read "CONTENT, NP CUE [short phrase]." at the end of a sentence."""
    doc = ix.doc
    s, e = ix.sentence_of(cue.i)
    rest = [t for t in doc[cue.i + 1 : e] if not (t.is_punct or t.is_space)]
    if len(rest) > MAX_TAIL_REST or any(t.pos_ in {"VERB", "AUX"} and t.dep_ not in _TAIL_VERB_DEPS for t in rest):
        return None
    k = cue.i - 1
    while k > s and doc[k].text != "," and cue.i - k <= MAX_TAIL_SPEAKER + 1:
        k -= 1
    if k <= s or doc[k].text != ",":
        return None
    subject = doc[k + 1 : cue.i]
    if not subject or any(t.pos_ in {"VERB", "AUX"} and t.dep_ not in _TAIL_VERB_DEPS for t in subject):
        return None
    nominal = [t for t in subject if t.pos_ in {"NOUN", "PROPN", "PRON"}]
    if not nominal:
        return None
    head = next((t for t in subject if t.head.i < subject.start or t.head.i >= subject.end or t.head is t), nominal[-1])
    if head.pos_ not in {"NOUN", "PROPN", "PRON"}:
        head = nominal[-1]
    return s, k, head


def _surface_clause(ix: DocIndex, cue: Token) -> tuple[int, int, Token | None] | None:
    """Read "X said CLAUSE" when the parser missed the clause ("He said legalizing it could ...").

    The words after the cue to the end of the sentence (after an addressee and a
    "that") are the content when they open with the subject of a finite verb (or
    "if"/"whether" and such a subject), and the cue has a subject before it.
    """
    doc = ix.doc
    _s, e = ix.sentence_of(cue.i)
    subject = subject_of(cue)
    if subject is None or subject.i > cue.i or cue.i + 1 >= e:
        return None
    start = cue.i + 1
    if doc[start].is_punct or doc[start].is_space:
        return None
    target = addressee_of(cue)
    if target is not None and target.i >= start:
        start = target.right_edge.i + 1
    if start < e and doc[start].lower_ == "that":
        start += 1
    first = start + 1 if start < e and doc[start].lower_ in {"if", "whether"} else start
    # The clause must start right there: its subject is the first words after the cue.
    if not any(
        t.tag_ in _FINITE and c.dep_ in {"nsubj", "nsubjpass", "csubj", "expl"} and c.left_edge.i == first
        for t in doc[first:e] for c in t.children
    ):
        return None
    return start, e, subject


def _according(cue: Token, ix: DocIndex) -> tuple[int, int, Token | None] | None:
    """Read "according to X": content is the rest of the sentence."""
    doc = ix.doc
    if cue.i + 1 >= len(doc):
        return None
    to = doc[cue.i + 1]
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    s, e = ix.sentence_of(cue.i)
    phrase_end = pobj.right_edge.i + 1 if pobj is not None else cue.i + 2
    before = (s, cue.i)
    after = (phrase_end, e)
    start, end = max(before, after, key=lambda r: r[1] - r[0])
    return start, end, pobj


def _reported_clause(
    doc: Doc, ix: DocIndex, start_tok: int, end_tok: int, lexicon: CueLexicon
) -> tuple[int, int, Token | None, bool] | None:
    """Find the clause a cue reports and its speaker.

    Returns:
        (first token, end token, speaker or ``None``, whether the cue is parenthetical),
        or ``None`` when the cue reports no clause of enough words with a verb.
    """
    cue = doc[start_tok]
    multiword = end_tok - start_tok > 1
    speaker: Token | None
    if multiword:
        got = _according(cue, ix)
    else:
        if not is_cue(cue, lexicon.clause):
            return None
        got = _clause_of(cue) or _tail(ix, cue) or _surface_clause(ix, cue)
    if got is None:
        return None
    start, end, speaker = got
    inside = not multiword and _parenthetical(cue)
    start, end = _trim(doc, start, end, keep_mark=inside)
    words = [t for t in doc[start:end] if not (t.is_punct or t.is_space)]
    if len(words) < MIN_CONTENT_TOKENS or not _has_verb(doc, start, end):
        return None
    if speaker is None and not multiword:
        speaker = subject_of(cue)
        if speaker is None and cue.dep_ == "advcl" and cue.tag_ == "VBG":
            speaker = subject_of(cue.head)
    if speaker is not None and start <= speaker.i < end and not inside:
        speaker = None
    return start, end, speaker, inside


def find_indirect(
    doc: Doc,
    ix: DocIndex,
    cues: list[tuple[int, int]],
    lexicon: CueLexicon,
    resolver: SpeakerResolver,
    *,
    taken: list[Quote],
    claimed: set[int],
    fragments: list[Quoted],
) -> tuple[list[Quote], list[Quoted]]:
    """Find reported speech around cue tokens.

    Args:
        doc: the parsed Doc.
        ix: its index.
        cues: ``(start, end)`` token spans of cue candidates (verbs and "according to").
        lexicon: the cue lexicon.
        resolver: the speaker resolver of the Doc.
        taken: quotes already found in marks (cues inside them are quoted words).
        claimed: cue tokens already used by quotes in marks.
        fragments: quotations embedded in sentences with no cue of their own.

    Returns:
        The reported-speech quotes and the fragments they did not take in.
    """
    found: list[Quote] = []
    spans = sorted((q.start, q.end) for q in taken)
    left = list(fragments)
    for start_tok, end_tok in cues:
        cue = doc[start_tok]
        if start_tok in claimed or any(a <= cue.idx < b for a, b in spans):
            continue
        clause = _reported_clause(doc, ix, start_tok, end_tok, lexicon)
        if clause is None:
            continue
        start, end, speaker, inside = clause
        multiword = end_tok - start_tok > 1
        cstart, cend = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        if any(a < cend and cstart < b and (a >= cstart and b <= cend) for a, b in spans):
            continue  # the clause is a quotation already attributed
        inner = [f for f in left if cstart <= f.open < cend]
        if inner:
            cend = max(cend, max(f.end for f in inner))
        kind = "mixed" if inner else "indirect"
        left = [f for f in left if f not in inner]
        if inside:
            bounds = (_edges(cue)[0], cue.i)
        else:
            bounds = (0, start) if speaker is not None and speaker.i < start else (end, len(doc))
        attribution = attribute(
            cue, resolver, lexicon, speaker=speaker, bounds=bounds,
            cue_end=end_tok if multiword else None,
        )
        found.append(Quote(cstart, cend, kind, attribution))
    return found, left
