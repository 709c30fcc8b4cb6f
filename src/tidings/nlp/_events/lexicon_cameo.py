"""The CAMEO verb lexicon derived from PETRARCH-2, matched on a dependency parse.

``data/events/cameo_verbs.tsv`` (built by ``tools/make_event_lexicon.py`` from
PETRARCH-2's ``CAMEO.2.0.txt``) holds verb blocks: *verb* rows (a lemma, a
compound verb's particle, the verb's own CAMEO code) and *pattern* rows that
apply to every verb of their block (subject, particle, object, prepositional
phrases, other words, each a lemma or a phrase of lemmas whose last word is
the head). :meth:`CameoLexicon.match` reads a verb token's children in the
spaCy parse and returns the most specific pattern that holds, else the bare
verb's own code:

* particle: a ``prt`` child, or a ``prep``/``advmod`` child of that word;
* object: the head of a ``dobj`` (or a passive subject, an attribute, a
  complement, a clausal or adverbial complement) whose lemma or form is the
  phrase's head; earlier words of the phrase must occur under that head;
* preposition: a ``prep``/``agent``/``dative`` child of the verb or of its
  object with that word, and, when the pattern names one, its ``pobj``;
* subject: the head of ``nsubj`` (or the ``by`` agent of a passive);
* also: some word of each group under the verb.

An empty code means PETRARCH's ``---``: the dictionary knows the verb or
pattern and codes no event. tidings' own ``triggers.tsv`` stays the override
layer: the detector consults it first and this lexicon after it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from tidings.errors import LexiconError
from tidings.knowledge.files import Field, cache_dir, load_data_file

CAMEO_VERBS = "tidings:events/cameo_verbs.tsv"

_CODE = re.compile(r"^\d{2,4}$")
_WORD = re.compile(r"^[a-z0-9][a-z0-9 .'&/-]*$")

# Dependency relations read for each slot of a pattern.
_OBJECT_DEPS = frozenset({"dobj", "obj", "attr", "oprd", "acomp", "xcomp", "ccomp", "advmod", "npadvmod",
                          "dative", "nsubjpass"})
_PREP_DEPS = frozenset({"prep", "agent", "dative"})
_PARTICLE_DEPS = frozenset({"prt", "prep", "advmod", "agent"})


def _code_check(value: str) -> str | None:
    return None if _CODE.match(value) else "a CAMEO code is 2 to 4 digits"


def _words_check(value: list[str]) -> str | None:
    bad = [v for v in value if not _WORD.match(v)]
    return f"not a lower-case phrase: {bad[0]!r}" if bad else None


FIELDS = (
    Field("kind", required=True, choices=frozenset({"verb", "pattern"})),
    Field("block", required=True),
    Field("lemma"),
    Field("aliases", kind="list", check=_words_check),
    Field("particle"),
    Field("subject", kind="list", check=_words_check),
    Field("object", kind="list", check=_words_check),
    Field("preps"),
    Field("also"),
    Field("source_at"),
    Field("target_at"),
    Field("flags", kind="list"),
    Field("cameo", check=_code_check),
    Field("passive", check=_code_check),
    Field("type", check=lambda v: None if v.isupper() else "PLOVER types are upper case"),
    Field("mode"),
    Field("context", kind="list"),
    Field("line", kind="int"),
)


class Phrase(NamedTuple):
    """A noun phrase of a pattern: its head lemma and the words that must modify it."""

    head: str
    mods: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Phrase:
        words = text.split()
        return cls(words[-1], tuple(words[:-1]))

    def __str__(self) -> str:
        return " ".join([*self.mods, self.head])


@dataclass(frozen=True, slots=True)
class CameoPattern:
    """One row of the lexicon: a verb of a block, or a pattern for every verb of the block.

    Attributes:
        kind: ``verb`` or ``pattern``.
        block: the verb block's name (``accelerate``, ``explain_verbal``).
        lemma: the verb's lemma (verb rows only).
        aliases: other lemmas spaCy gives the verb's forms ("staged" -> "stag").
        particles: the particle, alternatives (``("off",)``); empty: none required.
        subject, object: alternative phrases; empty: not constrained.
        preps: each ``(prepositions, phrases)``: one of the prepositions with, when
            ``phrases`` is not empty, an object that is one of the phrases.
        also: groups of words; some word of each group must occur under the verb.
        source_at, target_at: where the pattern marks its source/target
            (``subject``, ``dobj`` or a preposition), else ``None``.
        flags: ``compound`` (PETRARCH's ``%``: a compound actor).
        cameo: the CAMEO code; ``None`` when the dictionary codes no event.
        passive: the code when the verb is in the passive voice, if given.
        type, mode, context: PLOVER, through the crosswalk, for ``cameo``.
        line: the line in the TSV file.
        source_line: the line in ``CAMEO.2.0.txt``.
    """

    kind: str
    block: str
    lemma: str | None
    aliases: tuple[str, ...] = ()
    particles: tuple[str, ...] = ()
    subject: tuple[Phrase, ...] = ()
    object: tuple[Phrase, ...] = ()
    preps: tuple[tuple[tuple[str, ...], tuple[Phrase, ...]], ...] = ()
    also: tuple[tuple[str, ...], ...] = ()
    source_at: str | None = None
    target_at: str | None = None
    flags: frozenset[str] = frozenset()
    cameo: str | None = None
    passive: str | None = None
    type: str | None = None
    mode: str | None = None
    context: tuple[str, ...] = ()
    line: int = 0
    source_line: int | None = None
    specificity: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class CameoMatch:
    """The pattern that codes a verb token.

    Attributes:
        cameo: the code that applies: the pattern's passive code for a passive
            verb when it has one, else its code; ``None``: no event.
        type, mode, context: PLOVER for ``cameo`` (``type`` ``None`` for CAMEO 01
            and 02, which PLOVER drops).
        passive: whether the passive code was taken.
        verb: the verb row that matched the token (its block, particle).
        pattern: the winning row: a pattern, or ``verb`` itself when no pattern held.
        specificity: how much of the parse the match rests on (1 for a bare verb).
        tokens: indices (in the Doc) of the tokens the match read: the verb, its
            particle, object head, prepositions and their objects.
        target_at, source_at: as the pattern gives them.
    """

    cameo: str | None
    type: str | None
    mode: str | None
    context: tuple[str, ...]
    passive: bool
    verb: CameoPattern
    pattern: CameoPattern
    specificity: int
    tokens: tuple[int, ...]
    target_at: str | None = None
    source_at: str | None = None


def _phrases(values: Iterable[str]) -> tuple[Phrase, ...]:
    return tuple(Phrase.parse(v) for v in values if v.strip())


def _parse_preps(text: str | None, *, path: str, line: int) -> tuple[tuple[tuple[str, ...], tuple[Phrase, ...]], ...]:
    """``to=border;of=banned party|party`` -> ((("to",), (border,)), (("of",), (...)))."""
    out = []
    for part in (text or "").split(";"):
        part = part.strip()
        if not part:
            continue
        preps, _, objects = part.partition("=")
        words = tuple(p.strip() for p in preps.split("/") if p.strip())
        phrases = [o.strip() for o in objects.split("|") if o.strip()]
        if not words or ("=" in part and not phrases) or _words_check(list(words) + phrases):
            raise LexiconError(f"[T235] cannot read the prepositional phrase {part!r}; write "
                               "'prep=phrase|phrase' or 'prep', ';' between phrases", path=path, line=line,
                               field="preps")
        out.append((words, _phrases(phrases)))
    return tuple(out)


def _parse_also(text: str | None, *, path: str, line: int) -> tuple[tuple[str, ...], ...]:
    groups = []
    for part in (text or "").split(";"):
        words = tuple(w.strip() for w in part.split("|") if w.strip())
        if not words:
            continue
        if _words_check(list(words)):
            raise LexiconError(f"[T235] cannot read the word group {part!r}", path=path, line=line, field="also")
        groups.append(words)
    return tuple(groups)


def _specificity(row: CameoPattern) -> int:
    score = 1
    score += 2 * bool(row.particles)
    score += 3 * bool(row.object) + min((len(p.mods) for p in row.object), default=0)
    score += 2 * bool(row.subject)
    for _, objects in row.preps:
        score += 2 + 2 * bool(objects)
    score += len(row.also)
    return score


class CameoLexicon:
    """The CAMEO verb lexicon: verb rows by lemma and pattern rows by block.

    Attributes:
        path: the file it was read from.
        sha256: the sha256 of the file's text.
        provenance: its provenance header.
    """

    def __init__(self, rows: list[CameoPattern], *, path: str = "", sha256: str = "",
                 provenance: dict[str, str] | None = None,
                 crosswalk: dict[str, tuple[str | None, str | None, tuple[str, ...]]] | None = None) -> None:
        self.path = path
        self.sha256 = sha256
        self.provenance = provenance or {}
        self._crosswalk = crosswalk or {}
        self._verbs: dict[str, list[CameoPattern]] = {}
        self._blocks: dict[str, list[CameoPattern]] = {}
        for row in rows:
            if row.kind == "verb" and row.lemma:
                for lemma in dict.fromkeys((row.lemma, *row.aliases)):
                    self._verbs.setdefault(lemma, []).append(row)
            elif row.kind == "pattern":
                self._blocks.setdefault(row.block, []).append(row)
        for patterns in self._blocks.values():
            patterns.sort(key=lambda r: (-r.specificity, r.line))

    @classmethod
    def load(cls, path: str = CAMEO_VERBS, *, cache: bool = True) -> CameoLexicon:
        """Read and validate a lexicon file (the shipped one by default).

        The validated rows are kept in a cache keyed on the sha256 of the file's
        text (``$TIDINGS_CACHE/events``, see :func:`tidings.knowledge.files.cache_dir`), so
        later processes skip the validation; the cache is written to a
        temporary file and renamed, and a missing or damaged one is rebuilt.

        Raises:
            LexiconError: naming the file, line and field of the first problem.
        """
        name, text = _read(path)
        digest = hashlib.sha256(f"tidings-cameo-lexicon:{_CACHE_VERSION}\n".encode())
        digest.update(text.encode("utf-8"))
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        target = _cache_file(digest.hexdigest()) if cache else None
        if target is not None:
            try:
                with target.open("rb") as fh:
                    packed, provenance = pickle.load(fh)  # noqa: S301 - our own cache, keyed on the content
                rows = [CameoPattern(*values) for values in packed]
                return cls(rows, path=name, sha256=sha, provenance=provenance, crosswalk=_crosswalk())
            except (OSError, EOFError, ValueError, TypeError, AttributeError, pickle.UnpicklingError):
                pass
        data = load_data_file(path, FIELDS)
        rows = [_row(e, data.path) for e in data.entries]
        if target is not None:
            _write_cache(target, ([_values(r) for r in rows], data.provenance))
        return cls(rows, path=data.path, sha256=data.sha256, provenance=data.provenance,
                   crosswalk=_crosswalk())

    def __contains__(self, lemma: object) -> bool:
        return isinstance(lemma, str) and lemma.lower() in self._verbs

    def __len__(self) -> int:
        verbs = {id(r) for rows in self._verbs.values() for r in rows}
        return len(verbs) + sum(len(p) for p in self._blocks.values())

    def verbs(self, lemma: str) -> list[CameoPattern]:
        """The verb rows of a lemma, in file order (a lemma may be in several blocks)."""
        return list(self._verbs.get(lemma.lower(), ()))

    def patterns(self, block: str) -> list[CameoPattern]:
        """The pattern rows of a block, most specific first."""
        return list(self._blocks.get(block, ()))

    def plover(self, cameo: str | None) -> tuple[str | None, str | None, tuple[str, ...]]:
        """(type, mode, context) of a code through the shipped crosswalk (nearest parent code)."""
        code = cameo or ""
        while code:
            if code in self._crosswalk:
                return self._crosswalk[code]
            code = code[:-1] if len(code) > 2 else ""
        return None, None, ()

    def match(self, token: Any) -> CameoMatch | None:
        """The best match for a verb token (or an event noun that is a verb's object).

        Args:
            token: a spaCy ``Token`` of a parsed Doc. A verb is matched by its
                lemma and children; a noun by its governing verb, keeping only
                patterns whose object is that noun ("held **talks**").

        Returns:
            The most specific pattern that holds (ties: the earlier row), else
            the bare verb's row; ``None`` when the lemma is not in the lexicon
            (or, for a noun, no pattern of its verb names it).
        """
        found = self.matches(token)
        return found[0] if found else None

    def matches(self, token: Any) -> list[CameoMatch]:
        """Every match for a token, best first (see :meth:`match`)."""
        if token.pos_ in {"NOUN", "PROPN"}:
            head = token.head
            if head is token or token.dep_ not in _OBJECT_DEPS or head.pos_ not in {"VERB", "AUX"}:
                return []
            return [m for m in self.matches(head) if token.i in m.tokens and m.pattern.object]
        lemma = token.lemma_.lower()
        verbs = self._verbs.get(lemma)
        if not verbs:
            return []
        parse = _Parse(token)
        out: list[CameoMatch] = []
        for verb in verbs:
            verb_hit = parse.particle(verb.particles) if verb.particles else ()
            if verb.particles and verb_hit is None:
                continue
            base = (token.i, *(verb_hit or ()))
            for pattern in self._blocks.get(verb.block, ()):
                hit = parse.holds(pattern)
                if hit is not None:
                    out.append(self._result(verb, pattern, parse, (*base, *hit),
                                            pattern.specificity + verb.specificity - 1))
            out.append(self._result(verb, verb, parse, base, verb.specificity))
        out.sort(key=lambda m: (-m.specificity, m.verb.line, m.pattern.line))
        return out

    def _result(self, verb: CameoPattern, row: CameoPattern, parse: _Parse, tokens: tuple[int, ...],
                specificity: int) -> CameoMatch:
        passive = parse.passive and row.passive is not None
        code = row.passive if passive else row.cameo
        if passive or code != row.cameo:
            kind, mode, context = self.plover(code)
        else:
            kind, mode, context = row.type, row.mode, row.context
        return CameoMatch(cameo=code, type=kind, mode=mode, context=context, passive=passive, verb=verb,
                          pattern=row, specificity=specificity, tokens=tuple(dict.fromkeys(tokens)),
                          target_at=row.target_at, source_at=row.source_at)


_CACHE_VERSION = "1"


def _values(row: CameoPattern) -> tuple[Any, ...]:
    """A row as plain values, in field order (unpickled much faster than the dataclass)."""
    return tuple(getattr(row, f) for f in row.__dataclass_fields__)


def _read(path: str) -> tuple[str, str]:
    """(display name, text) of a shipped ``tidings:`` resource or a file path."""
    try:
        if path.startswith("tidings:"):
            rel = path.split(":", 1)[1]
            res = resources.files("tidings").joinpath("data", *rel.split("/"))
            return f"tidings/data/{rel}", res.read_text(encoding="utf-8")
        return path, Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"[T201] cannot read the data file: {exc}", path=path) from exc


def _cache_file(key: str) -> Path:
    return cache_dir() / "events" / f"cameo-{key[:24]}.pickle"


def _write_cache(target: Path, payload: object) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        pass  # a cache we cannot write only costs the next load its validation


def _row(e: dict[str, Any], path: str) -> CameoPattern:
    """One validated entry as a row; cross-field checks name the line and field."""
    line = e["_line"]
    if e["kind"] == "verb" and not e["lemma"]:
        raise LexiconError("[T236] a verb row needs its lemma", path=path, line=line, field="lemma")
    if e["kind"] == "pattern" and e["lemma"]:
        raise LexiconError("[T236] a pattern row applies to its whole block: leave the lemma empty",
                           path=path, line=line, field="lemma")
    if e["type"] and not e["cameo"]:
        raise LexiconError("[T237] a PLOVER type without a CAMEO code", path=path, line=line, field="type")
    values: dict[str, Any] = dict(
        kind=e["kind"], block=e["block"], lemma=(e["lemma"] or "").lower() or None,
        aliases=tuple(e["aliases"]),
        particles=tuple(p for p in (e["particle"] or "").split("/") if p),
        subject=_phrases(e["subject"]), object=_phrases(e["object"]),
        preps=_parse_preps(e["preps"], path=path, line=line),
        also=_parse_also(e["also"], path=path, line=line),
        source_at=e["source_at"] or None, target_at=e["target_at"] or None,
        flags=frozenset(e["flags"]), cameo=e["cameo"] or None, passive=e["passive"] or None,
        type=e["type"] or None, mode=e["mode"] or None, context=tuple(e["context"]),
        line=line, source_line=e["line"],
    )
    return CameoPattern(**values, specificity=_specificity(CameoPattern(**values)))


def _crosswalk() -> dict[str, tuple[str | None, str | None, tuple[str, ...]]]:
    from tidings.nlp._events.ontology import CROSSWALK, CROSSWALK_FIELDS

    return {str(e["cameo"]): (e["type"] or None, e["mode"] or None, tuple(e["context"]))
            for e in load_data_file(CROSSWALK, CROSSWALK_FIELDS).entries}


def _forms(token: Any) -> set[str]:
    return {token.lemma_.lower(), token.lower_}


def _phrase_token(phrases: tuple[Phrase, ...], tokens: Iterable[Any]) -> Any | None:
    """The first token that heads one of the phrases (its modifiers under it)."""
    for tok in tokens:
        forms = _forms(tok)
        for phrase in phrases:
            if phrase.head in forms:
                if not phrase.mods:
                    return tok
                under = set().union(*(_forms(t) for t in tok.subtree if t.i != tok.i))
                if all(m in under for m in phrase.mods):
                    return tok
    return None


def _with_conjuncts(tokens: Iterable[Any]) -> Iterator[Any]:
    for tok in tokens:
        yield tok
        yield from tok.conjuncts


class _Parse:
    """The slots of a verb token in the parse, read once for all its patterns."""

    def __init__(self, verb: Any) -> None:
        self.verb = verb
        children = list(verb.children)
        self.passive = any(c.dep_ in {"auxpass", "nsubjpass", "csubjpass"} for c in children)
        self.objects = list(_with_conjuncts(c for c in children if c.dep_ in _OBJECT_DEPS))
        if self.passive:
            self.subjects = [t for c in children if c.dep_ == "agent" for t in c.children if t.dep_ == "pobj"]
        else:
            self.subjects = [c for c in children if c.dep_ in {"nsubj", "csubj"}]
        self.subjects = list(_with_conjuncts(self.subjects))
        self.particles = [c for c in children if c.dep_ in _PARTICLE_DEPS]
        # Prepositions of the verb, then of its objects ("restoration of relations").
        owners = [verb, *(o for o in self.objects if o.dep_ in {"dobj", "obj", "nsubjpass", "attr"})]
        self.preps = [c for o in owners for c in o.children if c.dep_ in _PREP_DEPS]
        self._under: set[str] | None = None

    def particle(self, words: tuple[str, ...]) -> tuple[int, ...] | None:
        for tok in self.particles:
            if tok.lower_ in words:
                return (tok.i,)
        return None

    def under(self) -> set[str]:
        if self._under is None:
            self._under = set().union(*(_forms(t) for t in self.verb.subtree if t.i != self.verb.i))
        return self._under

    def holds(self, pattern: CameoPattern) -> tuple[int, ...] | None:
        """The tokens a pattern rests on, or ``None`` when one of its slots fails."""
        hit: list[int] = []
        if pattern.particles:
            got = self.particle(pattern.particles)
            if got is None:
                return None
            hit.extend(got)
        if pattern.object:
            tok = _phrase_token(pattern.object, self.objects)
            if tok is None:
                return None
            hit.append(tok.i)
        if pattern.subject:
            tok = _phrase_token(pattern.subject, self.subjects)
            if tok is None:
                return None
            hit.append(tok.i)
        for words, objects in pattern.preps:
            found = None
            for prep in self.preps:
                if prep.lower_ not in words:
                    continue
                if not objects:
                    found = (prep.i,)
                    break
                pobj = _phrase_token(objects, _with_conjuncts(c for c in prep.children if c.dep_ == "pobj"))
                if pobj is not None:
                    found = (prep.i, pobj.i)
                    break
            if found is None:
                return None
            hit.extend(found)
        for group in pattern.also:
            if not self.under() & set(group):
                return None
        return tuple(hit)


@functools.lru_cache(maxsize=4)
def load_cameo_lexicon(path: str = CAMEO_VERBS) -> CameoLexicon:
    """The process-wide lexicon for a file (read and validated once)."""
    return CameoLexicon.load(path)


CAMEO_NOUNS = "tidings:events/cameo_nouns.tsv"

NOUN_FIELDS = (
    Field("noun", required=True, check=lambda v: None if _WORD.match(v) else "not a lower-case word"),
    Field("verb", required=True),
    Field("rule"),
    Field("cameo", required=True, check=_code_check),
    Field("type"),
    Field("mode"),
    Field("context", kind="list"),
    Field("attested"),
    Field("line", kind="int"),
)


@dataclass(frozen=True, slots=True)
class CameoNoun:
    """An event noun derived from a CAMEO verb ("arrest", "accusation", "kidnapping").

    Attributes:
        noun: its lemma.
        verb: the CAMEO verb it is the nominalisation of.
        rule: the suffix rule that derived it (``zero``: the verb itself).
        cameo: the verb's code (the stage types it through its crosswalk).
        line: the line in the TSV file.
    """

    noun: str
    verb: str
    rule: str
    cameo: str
    line: int


class CameoNouns:
    """The event nouns of the CAMEO verb lexicon (``cameo_nouns.tsv``, built by
    ``tools/make_event_lexicon.py``), looked up by lemma."""

    def __init__(self, rows: Iterable[CameoNoun], *, path: str = "") -> None:
        self.path = path
        self._by: dict[str, CameoNoun] = {r.noun: r for r in rows}

    @classmethod
    def load(cls, path: str = CAMEO_NOUNS) -> CameoNouns:
        """Read and validate a noun file (``tidings:`` for a shipped one, else a path)."""
        data = load_data_file(path, NOUN_FIELDS)
        rows = [CameoNoun(noun=str(e["noun"]), verb=str(e["verb"]), rule=str(e.get("rule") or ""),
                          cameo=str(e["cameo"]), line=int(e["_line"])) for e in data.entries]
        return cls(rows, path=data.path)

    def get(self, lemma: str) -> CameoNoun | None:
        return self._by.get(lemma)

    def __contains__(self, lemma: object) -> bool:
        return lemma in self._by

    def __len__(self) -> int:
        return len(self._by)


@functools.lru_cache(maxsize=4)
def load_cameo_nouns(path: str = CAMEO_NOUNS) -> CameoNouns:
    """The process-wide event-noun lexicon for a file (read and validated once)."""
    return CameoNouns.load(path)


__all__ = ["CAMEO_NOUNS", "CAMEO_VERBS", "CameoLexicon", "CameoMatch", "CameoNoun", "CameoNouns", "CameoPattern",
           "Phrase", "load_cameo_lexicon", "load_cameo_nouns"]
