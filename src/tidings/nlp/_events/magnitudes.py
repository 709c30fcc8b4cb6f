"""Event magnitudes: how many were killed, injured or arrested, and how large a crowd was.

PLOVER gives events of violence, repression and protest four figures:
``dead``, ``injured``, ``arrested`` and ``size`` (of a crowd or a force). They
are read from one sentence through its dependency parse, never by pattern over
the bare text: a number (or a quantity word: "dozens", "tens of thousands")
that is the object of "kill" or the subject of its passive ("at least 84
people were killed", "killing 12 soldiers and injuring 30", "police detained
40"), the subject of "die" or "march" ("tens of thousands marched"), what an
adjective says of it ("85 dead", "left 49 dead"), the count of a noun ("12
deaths", "more than 1,000 protesters") or the value of a noun ("a death toll
of 85", "the toll rose to 85", "a crowd of 5,000").

Which words do this, in which role and for which event types is a data file
(``events/magnitudes.tsv``) loaded with :func:`tidings.knowledge.files.load_data_file`.
Number words, multipliers, quantity words and qualifiers are a closed list and
live here.

A figure is ``{"value": 84, "qualifier": "at least", "min": 84, "evidence":
{"start", "end", "text"}}``: ``value`` is the number stated (``None`` for a
quantity word), ``qualifier`` the words that bound or blur it ("at least",
"more than", "about", "nearly", "up to", "fewer than") or the quantity word
itself ("dozens"), ``min`` the least the words allow (``None`` when they allow
fewer: "about 100", "up to 40"), ``evidence`` the words it rests on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import Span, Token

from tidings.errors import LexiconError
from tidings.knowledge.files import Field, load_data_file

MAGNITUDES = "tidings:events/magnitudes.tsv"
FIELDS = ("dead", "injured", "arrested", "size")
ROLES = frozenset({"patient", "subject", "state", "count", "total", "person"})

MAGNITUDE_FIELDS = (
    Field("word", required=True, check=lambda v: None if v == v.lower() else "words are lower-case lemmas"),
    Field("field", choices=frozenset(FIELDS)),
    Field("role", required=True, choices=ROLES),
    Field("types", kind="list",
          check=lambda v: None if all(t.isupper() for t in v) else "event types are upper case"),
)

# fmt: off
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# Quantity words with no number: the least each allows ("dozens" is at least two dozen).
_VAGUE = {"dozens": 24, "scores": 40, "tens": 20, "hundreds": 200, "thousands": 2_000,
          "millions": 2_000_000, "several": 3}
# Words before a number that bound or blur it, longest first, and what they mean.
_QUALIFIERS = (
    (("as", "many", "as"), "up to"), (("more", "than"), "more than"), (("at", "least"), "at least"),
    (("fewer", "than"), "fewer than"), (("less", "than"), "fewer than"), (("up", "to"), "up to"),
    (("close", "to"), "nearly"), (("an", "estimated"), "about"), (("over",), "more than"),
    (("nearly",), "nearly"), (("almost",), "nearly"), (("about",), "about"), (("around",), "about"),
    (("some",), "about"), (("roughly",), "about"), (("approximately",), "about"),
    (("estimated",), "about"), (("under",), "fewer than"), (("least",), "at least"),
)
_NUMBER_DEPS = frozenset({"nummod", "compound", "quantmod", "nmod", "advmod", "amod", "det", "prep", "pobj"})
_NOT_COUNTS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "ORDINAL", "QUANTITY"})
# Verbs that state the value of their subject: "the toll rose to 85", "the crowd was 5,000".
_TOTAL_VERBS = frozenset({"be", "rise", "reach", "stand", "climb", "hit", "increase", "jump", "top", "exceed",
                          "surpass", "estimate", "put", "grow", "mount", "soar", "number", "swell"})
_MODALS = frozenset({"could", "would", "might", "may", "should", "can", "must"})
_PATIENTS = frozenset({"dobj", "nsubjpass"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_NOBODY = frozenset({"nobody", "none"})
# fmt: on


@dataclass(frozen=True, slots=True)
class Figure:
    """One magnitude read from a sentence.

    Attributes:
        field: ``dead``, ``injured``, ``arrested`` or ``size``.
        value: the number stated, or None for a quantity word ("dozens").
        qualifier: "at least", "more than", "about", "nearly", "up to",
            "fewer than", or the quantity word; None for a bare number.
        min: the least the words allow, None when they allow fewer.
        start, end: character offsets of the evidence in the Doc.
        text: the evidence.
        types: event types that take the figure.
        anchor: index of the word of the lexicon it rests on ("killed").
    """

    field: str
    value: int | None
    qualifier: str | None
    min: int | None
    start: int
    end: int
    text: str
    types: frozenset[str]
    anchor: int

    def as_dict(self) -> dict[str, Any]:
        """The output shape: ``{"value", "qualifier", "min", "evidence": {start, end, text}}``."""
        return {"value": self.value, "qualifier": self.qualifier, "min": self.min,
                "evidence": {"start": self.start, "end": self.end, "text": self.text}}


@dataclass(frozen=True, slots=True)
class _Amount:
    value: int | None
    qualifier: str | None
    min: int | None
    tokens: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MagnitudeLexicon:
    """The words that carry figures: ``(lemma, role) -> (field, types)``, and the person nouns."""

    words: dict[tuple[str, str], tuple[str, frozenset[str]]]
    persons: frozenset[str]
    sha256: str = ""

    @classmethod
    def load(cls, path: str | Path | None = None) -> MagnitudeLexicon:
        """Load the shipped lexicon, or a user's file replacing it.

        Raises:
            LexiconError: naming the file, line and field of a problem.
        """
        data = load_data_file(path or MAGNITUDES, MAGNITUDE_FIELDS)
        words: dict[tuple[str, str], tuple[str, frozenset[str]]] = {}
        persons: set[str] = set()
        for e in data.entries:
            if e["role"] == "person":
                persons.add(str(e["word"]))
                continue
            if not e["field"]:
                raise LexiconError("[T280] a field (dead, injured, arrested, size) is required for this role",
                                   path=data.path, line=int(e["_line"]), field="field")
            words[(str(e["word"]), str(e["role"]))] = (str(e["field"]), frozenset(e["types"] or ()))
        return cls(words=words, persons=frozenset(persons), sha256=data.sha256)

    def figures(self, sent: Span, trigger: Token | None = None) -> list[Figure]:
        """The figures of a sentence, at most one per field.

        Where a sentence gives two figures for a field, the one whose word is
        nearest the trigger (else the first) is kept.
        """
        found = _read(self, sent)
        best: dict[str, Figure] = {}
        for fig in found:
            old = best.get(fig.field)
            if old is None or (trigger is not None and abs(fig.anchor - trigger.i) < abs(old.anchor - trigger.i)):
                best[fig.field] = fig
        return [best[f] for f in FIELDS if f in best]

    def for_event(self, sent: Span, trigger: Token | None, event_type: str) -> dict[str, dict[str, Any]]:
        """The figures of a sentence that an event of ``event_type`` takes, by field."""
        return {fig.field: fig.as_dict() for fig in self.figures(sent, trigger) if event_type in fig.types}


def _read(lex: MagnitudeLexicon, sent: Span) -> list[Figure]:
    used: set[int] = set()
    out: list[Figure] = []
    # Verbs and adjectives first: "police arrested 30 protesters" is an arrest, not a crowd.
    for roles in (("patient", "subject", "state"), ("count", "total")):
        for tok in sent:
            lemma = tok.lemma_.lower()
            for role in roles:
                entry = lex.words.get((lemma, role)) or (lex.words.get((tok.lower_, role)) if role == "state" else None)
                if entry is None or not _fits(tok, role):
                    continue
                fig = _figure(lex, tok, role, entry, used)
                if fig is not None:
                    out.append(fig)
                    break
    return out


def _fits(tok: Token, role: str) -> bool:
    if role in {"patient", "subject"}:
        if tok.pos_ != "VERB":
            return False
        # What could, would or did not happen has no count.
        return not any(c.dep_ == "neg" or (c.dep_ == "aux" and c.lower_ in _MODALS) for c in tok.children)
    if role == "state":
        return tok.pos_ in {"ADJ", "NOUN", "VERB"}
    return tok.pos_ in {"NOUN", "PROPN"}


def _figure(lex: MagnitudeLexicon, tok: Token, role: str, entry: tuple[str, frozenset[str]],
            used: set[int]) -> Figure | None:
    field, types = entry
    for arg in _arguments(tok, role):
        if arg.i in used:
            continue
        amount = _amount_of(lex, arg, counted=role in {"count", "total"} and arg.i == tok.i)
        if amount is None or used.intersection(amount.tokens):
            continue
        amount = _with_conjuncts(lex, arg, amount, used)
        used.update(amount.tokens)
        span = {*amount.tokens, tok.i, arg.i}
        if role == "state" and arg.head.i == tok.head.i != tok.i:
            span.add(tok.head.i)  # "shot dead the driver"
        doc = tok.doc
        first, last = doc[min(span)], doc[max(span)]
        start, end = first.idx, last.idx + len(last)
        return Figure(field=field, value=amount.value, qualifier=amount.qualifier, min=amount.min,
                      start=start, end=end, text=doc.text[start:end], types=types, anchor=tok.i)
    return None


def _arguments(tok: Token, role: str) -> list[Token]:
    """The words that may hold the figure of a lexicon word in its role."""
    kids = list(tok.children)
    if role == "patient":
        args = [c for c in kids if c.dep_ in _PATIENTS]
        if tok.dep_ in {"acl", "relcl"} and tok.tag_ == "VBN" and not any(c.dep_ == "nsubj" for c in kids):
            args.append(tok.head)  # "12 people killed in the blast", "527 injured"
        if tok.dep_ == "conj" and tok.tag_ == "VBN" and not any(c.dep_ in _SUBJECTS for c in kids):
            args += [c for c in tok.head.children if c.dep_ == "nsubjpass"]  # "was shot and killed"
        return args
    if role == "subject":
        args = [c for c in kids if c.dep_ == "nsubj"]
        if tok.dep_ == "acl" and tok.tag_ == "VBG":
            args.append(tok.head)  # "protesters marching"
        if tok.dep_ == "conj" and not any(c.dep_ in _SUBJECTS for c in kids):
            args += [c for c in tok.head.children if c.dep_ == "nsubj"]  # "gathered and marched"
        return args
    if role == "state":
        args = [c for c in kids if c.dep_ in {"nsubj", "nummod", "npadvmod"}]
        if tok.dep_ in {"acomp", "oprd", "xcomp", "ccomp"}:
            # "left 49 dead", "shot dead the driver", "were found dead"
            args += [c for c in tok.head.children if c.dep_ in _PATIENTS | {"nsubj"} and c.i != tok.i]
        if tok.dep_ == "amod":
            args.append(tok.head)  # "12 injured people"
        if tok.pos_ == "NOUN":
            args.append(tok)  # "the 85 dead"
        return args
    if role == "count":
        args = [tok]
        # "dozens of protesters": the quantity governs the noun.
        if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.dep_ == "prep":
            args.append(tok.head.head)
        # "the deaths of 12 people"
        args += [g for c in kids if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        if tok.dep_ == "pobj" and tok.head.lower_ == "under":
            # "six people were placed under arrest"
            args += [c for c in tok.head.head.children if c.dep_ in _PATIENTS]
        return args
    if role == "total":
        args = [g for c in kids if c.dep_ == "prep" and c.lower_ in {"of", "at"} for g in c.children
                if g.dep_ == "pobj"]
        args += [c for c in kids if c.dep_ == "appos"]
        if tok.dep_ in {"nsubj", "nsubjpass"}:
            verb = tok.head
            # "the toll rose to 85", "stood at 85", "was 85", "reached 85", "estimated at 5,000"
            if verb.lemma_.lower() in _TOTAL_VERBS:
                args += [c for c in verb.children if c.dep_ in {"attr", "dobj"} and c.i != tok.i]
                args += [g for c in verb.children if c.dep_ == "prep" and c.lower_ in {"to", "at"}
                         for g in c.children if g.dep_ == "pobj"]
        return args
    return []


def _amount_of(lex: MagnitudeLexicon, arg: Token, *, counted: bool = False) -> _Amount | None:
    """The amount a word states: a number, a quantity word, a noun counted by one, "no one", "a man"."""
    if arg.ent_type_ in _NOT_COUNTS:
        return None
    low = arg.lower_
    if low in _NOBODY or (low == "one" and any(c.lower_ == "no" for c in arg.children)):
        return _Amount(0, None, 0, (arg.i, *[c.i for c in arg.children if c.lower_ == "no"]))
    if _is_number(arg):
        return _number(arg)
    nums = [c for c in arg.children if c.dep_ in {"nummod", "quantmod"} and _is_number(c)]
    if nums:
        return _number(nums[0])
    # "dozens of people", "thousands of protesters": the quantity heads the noun.
    if arg.dep_ == "pobj" and arg.head.lower_ == "of" and _is_number(arg.head.head):
        return _number(arg.head.head)
    # "a man was arrested", "shot dead the driver": one person.
    if not counted and arg.tag_ == "NN" and arg.lemma_.lower() in lex.persons:
        dets = [c for c in arg.children if c.dep_ == "det" and c.lower_ in {"a", "an", "the", "one", "another"}]
        if dets and not any(c.dep_ == "poss" for c in arg.children):
            return _Amount(1, None, 1, (dets[0].i,))
    return None


def _is_number(tok: Token) -> bool:
    low = tok.lower_
    if tok.ent_type_ not in {"", "CARDINAL"}:
        return False  # a date, a sum of money, or part of a name ("Perm 35")
    if low in _VAGUE or low in _SCALES or low in {"dozen", "a dozen"}:
        return True
    return tok.like_num and tok.pos_ in {"NUM", "NOUN", "PROPN", "ADJ", "X"} and _parse([low]) is not None


def _number(tok: Token) -> _Amount | None:
    """The amount of a number phrase headed (or touched) by ``tok``."""
    cluster = _cluster(tok)
    words = [t.lower_ for t in cluster]
    if not words:
        return None
    vague = [w for w in words if w in _VAGUE]
    idx = tuple(t.i for t in cluster)
    qual, qtoks = _qualifier(tok.doc, cluster[0].i)
    if vague:
        # "tens of thousands", "hundreds of thousands", "several hundred"
        least = _VAGUE[vague[0]]
        for w in words[words.index(vague[0]) + 1:]:
            scale = _SCALES.get(w.rstrip("s"))
            if scale:
                least = (least if vague[0] != "several" else 3) * scale
        text = " ".join(w for w in words if w != "of" or len(words) > 1)
        return _Amount(None, text, least, idx + qtoks)
    value = _parse(words)
    if value is None:
        return None
    least: int | None = value
    if qual in {"about", "nearly", "up to", "fewer than"}:
        least = None
    elif qual == "more than":
        least = value + 1
    return _Amount(value, qual, least, idx + qtoks)


def _cluster(tok: Token) -> list[Token]:
    """The words of a number phrase: "1.5 million", "two dozen", "tens of thousands", "3,000"."""
    seen = {tok.i: tok}
    todo = [tok]
    while todo:
        t = todo.pop()
        near = [*t.children, t.head] if t.dep_ in {"compound", "quantmod", "nummod"} else list(t.children)
        for n in near:
            if n.i in seen or abs(n.i - tok.i) > 4:
                continue
            if _is_number(n) or (n.lower_ == "of" and any(_is_number(g) for g in n.children)
                                  and n.i < max(seen)) or (n.lower_ == "of" and n.dep_ == "quantmod"):
                seen[n.i] = n
                todo.append(n)
    toks = sorted(seen.values(), key=lambda t: t.i)
    # Keep one contiguous run around the word itself.
    run = [tok]
    for t in reversed([t for t in toks if t.i < tok.i]):
        if t.i == run[0].i - 1:
            run.insert(0, t)
    for t in [t for t in toks if t.i > tok.i]:
        if t.i == run[-1].i + 1:
            run.append(t)
    doc = tok.doc
    # "thirty-two": the parser may split a hyphenated number.
    first = run[0].i
    if first >= 2 and doc[first - 1].text == "-" and doc[first - 2].lower_ in _UNITS:
        run[:0] = [doc[first - 2], doc[first - 1]]
    last = run[-1].i
    if last + 2 < len(doc) and doc[last + 1].text == "-" and doc[last + 2].lower_ in _UNITS:
        run += [doc[last + 1], doc[last + 2]]
    while run and run[-1].lower_ == "of":
        run.pop()
    while run and run[0].lower_ == "of":
        run.pop(0)
    return run


def _qualifier(doc: Any, first: int) -> tuple[str | None, tuple[int, ...]]:
    """The qualifier right before a number: "at least 84", "more than 1,000"."""
    for words, meaning in _QUALIFIERS:
        n = len(words)
        start = first - n
        if start < 0:
            continue
        if tuple(doc[i].lower_ for i in range(start, first)) == words:
            return meaning, tuple(range(start, first))
    return None, ()


def _parse(words: Iterable[str]) -> int | None:
    """The value of number words: "1,000", "1.5 million", "three hundred", "forty-two", "two dozen"."""
    total, current, seen = 0.0, 0.0, False
    for raw in words:
        for word in raw.replace(",", "").split("-"):
            if not word or word in {"a", "and", "of"}:
                continue
            try:
                current += float(word)
                seen = True
                continue
            except ValueError:
                pass
            if word in _UNITS:
                current += _UNITS[word]
            elif word == "dozen":
                current = (current or 1) * 12
            elif word == "hundred":
                current = (current or 1) * 100
            elif word in _SCALES:
                total += (current or 1) * _SCALES[word]
                current = 0
            else:
                return None
            seen = True
    if not seen:
        return None
    value = total + current
    return int(round(value)) if value >= 0 else None


def _with_conjuncts(lex: MagnitudeLexicon, arg: Token, amount: _Amount, used: set[int]) -> _Amount:
    """Add the numbers of coordinated nouns: "two soldiers and three civilians were killed"."""
    if amount.value is None or _is_number(arg):
        return amount
    value, tokens = amount.value, list(amount.tokens)
    for conj in arg.conjuncts:
        if conj.i < arg.i or conj.i in used:
            continue
        other = _amount_of(lex, conj)
        if _is_number(conj) or other is None or not other.value or used.intersection(other.tokens):
            continue
        value += other.value
        tokens += [*other.tokens, conj.i]
    if value == amount.value:
        return amount
    least = value if amount.min is not None else None
    return _Amount(value, amount.qualifier, least, tuple(tokens))


def figures_of(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The figures of several reports of one act: for each field, the first report's."""
    out: dict[str, dict[str, Any]] = {}
    for ev in events:
        for name, fig in (ev.get("magnitudes") or {}).items():
            out.setdefault(name, fig)
    return out
