"""The event ontology, CAMEO crosswalk, trigger lexicon and cue lists, loaded from data files.

Every file is read with :func:`tidings.knowledge.files.load_data_file` and so
carries a provenance header and is validated on load. A user can add files to
the shipped ones or replace them (see :class:`EventKnowledge.load`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tidings.errors import LexiconError
from tidings.knowledge.files import Field, load_data_file
from tidings.knowledge.plover import ONTOLOGY, ONTOLOGY_FIELDS

logger = logging.getLogger(__name__)

CROSSWALK = "tidings:events/cameo_plover.tsv"
TRIGGERS = "tidings:events/triggers.tsv"
CUES = "tidings:events/cues.tsv"
SECTORS = "tidings:events/sectors.tsv"

# Strength order: a stronger cue overrides a weaker one.
MODALITY_RANK = {"occurred": 0, "planned": 1, "possible": 2, "hypothetical": 3, "negated": 4}
CUE_KINDS = frozenset({"negated", "hypothetical", "possible", "planned", "speech", "control", "accident", "undergoer"})
CUE_RELATIONS = frozenset({"aux", "advmod", "neg", "mark", "governor", "acl", "amod", "purpose", "object", "subject"})
TARGET_SOURCES = frozenset(
    {"dobj", "dative", "place", "compound", "poss", "agent", "with", "against", "to", "on", "for",
     "at", "in", "of", "from", "into", "over", "toward", "towards", "about", "between", "near"}
)
TRIGGER_FLAGS = frozenset({"intent", "reported", "needs_target", "verbal", "mutual"})


def _code_check(value: str) -> str | None:
    return None if value.isalnum() else "a CAMEO code is letters and digits only"


CROSSWALK_FIELDS = (
    Field("cameo", required=True, check=_code_check),
    Field("type"),
    Field("mode"),
    Field("context", kind="list"),
    Field("label"),
)
TRIGGER_FIELDS = (
    Field("phrase", required=True),
    Field("pos", required=True, choices=frozenset({"VERB", "NOUN"})),
    Field("type"),
    Field("mode"),
    Field("context"),
    Field("cameo", check=_code_check),
    Field("target", kind="list", check=lambda v: None if set(v) <= TARGET_SOURCES
          else f"unknown target source(s) {sorted(set(v) - TARGET_SOURCES)}; use {sorted(TARGET_SOURCES)}"),
    Field("flags", kind="list", check=lambda v: None if set(v) <= TRIGGER_FLAGS
          else f"unknown flag(s) {sorted(set(v) - TRIGGER_FLAGS)}; use {sorted(TRIGGER_FLAGS)}"),
)
CUE_FIELDS = (
    Field("cue", required=True),
    Field("kind", required=True, choices=CUE_KINDS),
    Field("relation", required=True, choices=CUE_RELATIONS),
)
SECTOR_FIELDS = (Field("word", required=True), Field("sector", required=True))


@dataclass(frozen=True, slots=True)
class Trigger:
    """One trigger of the lexicon.

    Attributes:
        lemma: the head word's lemma (lower case).
        pos: ``VERB`` or ``NOUN``.
        objects: lemmas one of which the head's object or particle must have
            (empty: no constraint).
        type, mode, context, cameo: what the event is.
        target: where the target is found, in order of preference.
        flags: ``intent``, ``reported``, ``needs_target``, ``verbal`` (aimed at a
            named person, the act is words: coded as CAMEO 111, criticise or denounce),
            ``mutual`` (coordinated actors with no target act on one another: "clash").
        source: ``file:line`` it came from.
        specificity: how much of the parse the match rests on: for a CAMEO
            lexicon match its pattern's specificity (1 for a bare verb); 0 for
            a trigger of tidings' own lexicon (see :func:`lexical_specificity`).
        other: another reading of the same word with another type (tidings'
            lexicon and a CAMEO pattern disagree, or CAMEO lists the verb in two
            blocks); the classifier chooses between them.
    """

    lemma: str
    pos: str
    objects: frozenset[str]
    type: str
    mode: str | None
    context: str | None
    cameo: str
    target: tuple[str, ...]
    flags: frozenset[str] = frozenset()
    source: str = ""
    specificity: int = 0
    other: Trigger | None = None


def lexical_specificity(trig: Trigger) -> float:
    """How specific a trigger is, in [0, 1]: a CAMEO pattern that reads the verb's
    object or prepositions, or one of tidings' own triggers with an object
    constraint, is specific; a bare verb of the CAMEO lexicon is the least."""
    if trig.specificity <= 0:
        return 0.9 if trig.objects else 0.7
    return min(1.0, 0.3 + 0.1 * trig.specificity)


def _crosswalk_of(entries: list[dict[str, object]], types: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
    """The crosswalk rows by CAMEO code, each type checked against the ontology."""
    walk: dict[str, dict[str, object]] = {}
    for e in entries:
        if e["type"] and e["type"] not in types:
            raise LexiconError(f"[T231] the type {e['type']!r} is not in the ontology",
                               path=str(e["_file"]), line=int(e["_line"]), field="type")  # type: ignore[call-overload]
        # The table lists some two-digit headings twice (08 is CONCEDE and
        # RETREAT); the first, the CAMEO heading's own type, wins.
        walk.setdefault(str(e["cameo"]), e)
    return walk


def _trigger_files(triggers: Sequence[str | Path] | str | Path | None, replace_triggers: bool) -> list[str | Path]:
    """The trigger files to read, in order (a user's before the shipped lexicon, unless it is replaced)."""
    if triggers is None:
        trigger_files: list[str | Path] = []
    elif isinstance(triggers, (str, Path)):
        trigger_files = [triggers]
    else:
        trigger_files = list(triggers)
    if not replace_triggers:
        # A user's triggers come first: for the same word they win.
        trigger_files = [*trigger_files, TRIGGERS]
    return trigger_files


@dataclass(frozen=True, slots=True)
class EventKnowledge:
    """Everything the event stage knows, loaded once per component."""

    types: dict[str, dict[str, object]]
    crosswalk: dict[str, dict[str, object]]
    triggers: dict[tuple[str, str], tuple[Trigger, ...]]
    cues: dict[tuple[str, str], str]
    sectors: dict[str, str]
    sha256: str = ""
    files: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def load(
        cls,
        *,
        ontology: str | Path | None = None,
        crosswalk: str | Path | None = None,
        triggers: Sequence[str | Path] | str | Path | None = None,
        extra_types: str | Path | None = None,
        replace_triggers: bool = False,
        cues: str | Path | None = None,
        sectors: str | Path | None = None,
    ) -> EventKnowledge:
        """Load the shipped knowledge, extended or replaced by a user's files.

        Args:
            ontology: a file of event types replacing the shipped PLOVER types.
            crosswalk: a CAMEO crosswalk file replacing the shipped one.
            triggers: trigger files added to the shipped lexicon (or replacing it
                when ``replace_triggers`` is true).
            extra_types: a file of event types added to the ontology.
            replace_triggers: whether ``triggers`` replace the shipped lexicon.
            cues: a cue file replacing the shipped modality and speech cues.
            sectors: a sector-word file replacing the shipped one.

        Raises:
            LexiconError: naming the file, line and field of a problem, for
                instance a trigger whose type is not in the ontology.
        """
        digest = hashlib.sha256()
        used: list[str] = []

        def read(path: str | Path, fields: tuple[Field, ...]) -> list[dict[str, object]]:
            data = load_data_file(path, fields)
            digest.update(data.sha256.encode())
            used.append(data.path)
            return [dict(e, _file=data.path) for e in data.entries]

        types: dict[str, dict[str, object]] = {}
        for path in [ontology or ONTOLOGY] + ([extra_types] if extra_types else []):
            for e in read(path, ONTOLOGY_FIELDS):
                types[str(e["type"])] = e
        walk = _crosswalk_of(read(crosswalk or CROSSWALK, CROSSWALK_FIELDS), types)
        index: dict[tuple[str, str], list[Trigger]] = {}
        for path in _trigger_files(triggers, replace_triggers):
            for e in read(path, TRIGGER_FIELDS):
                trig = _trigger(e, types, walk)
                index.setdefault((trig.lemma, trig.pos), []).append(trig)
        cue_map: dict[tuple[str, str], str] = {}
        for e in read(cues or CUES, CUE_FIELDS):
            cue_map[(str(e["cue"]).lower(), str(e["relation"]))] = str(e["kind"])
        sector_map = {str(e["word"]).lower(): str(e["sector"]).upper() for e in read(sectors or SECTORS, SECTOR_FIELDS)}
        # Most specific first: triggers with an object constraint before bare ones.
        ordered = {k: tuple(sorted(v, key=lambda t: not t.objects)) for k, v in index.items()}
        return cls(types=types, crosswalk=walk, triggers=ordered, cues=cue_map, sectors=sector_map,
                   sha256=digest.hexdigest(), files=tuple(used))

    def plover_of(self, cameo: str | None) -> dict[str, object] | None:
        """The crosswalk row of a CAMEO code, trying shorter prefixes (``0841`` -> ``084`` -> ``08``)."""
        if not cameo:
            return None
        code = cameo.strip().upper()
        while code:
            row = self.crosswalk.get(code)
            if row is not None:
                return row if row.get("type") else None
            code = code[:-1] if len(code) > 2 else ""
        return None


def _trigger(e: dict[str, object], types: dict[str, dict[str, object]],
             walk: dict[str, dict[str, object]]) -> Trigger:
    path, line = str(e["_file"]), int(e["_line"])  # type: ignore[call-overload]
    words = str(e["phrase"]).lower().split()
    lemma = words[0]
    objects = frozenset(o for w in words[1:] for o in w.split("/") if o)
    cameo = str(e["cameo"] or "")
    row = None
    if cameo:
        code = cameo.upper()
        while code and row is None:
            row = walk.get(code)
            code = code[:-1] if len(code) > 2 else ""
    typ = str(e["type"] or (row or {}).get("type") or "")
    if not typ:
        raise LexiconError("[T232] no event type: give one or a CAMEO code the crosswalk maps",
                           path=path, line=line, field="type")
    if typ not in types:
        raise LexiconError(f"[T231] the type {typ!r} is not in the ontology; add it with an extra types file",
                           path=path, line=line, field="type")
    same = row is not None and row.get("type") == typ
    if row is not None and row.get("type") and row["type"] != typ:
        raise LexiconError(
            f"[T234] the type {typ!r} disagrees with the crosswalk, which maps CAMEO {cameo} to {row['type']!r}",
            path=path, line=line, field="type",
        )
    mode = str(e["mode"]) if e.get("mode") else (str(row["mode"]) if same and row and row.get("mode") else None)
    modes = list(types[typ].get("modes") or [])  # type: ignore[call-overload]
    if mode and modes and mode not in modes:
        raise LexiconError(f"[T233] mode {mode!r} is not a mode of {typ}; expected one of {modes}",
                           path=path, line=line, field="mode")
    context = str(e["context"]) if e.get("context") else None
    if context is None and same and row and row.get("context"):
        context = str(row["context"][0])  # type: ignore[index]
    sources: list[str] = list(e["target"] or [])  # type: ignore[call-overload]
    target = tuple(sources) or ("dobj", "dative", "with", "against", "on")
    flags: list[str] = list(e["flags"] or [])  # type: ignore[call-overload]
    return Trigger(lemma=lemma, pos=str(e["pos"]), objects=objects, type=typ, mode=mode, context=context,
                   cameo=cameo, target=target, flags=frozenset(flags), source=f"{path}:{line}")
