"""The cue lexicon: which words introduce reported speech, and how."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from tidings.errors import LexiconError
from tidings.knowledge.files import Field, load_data_file

logger = logging.getLogger(__name__)

DEFAULT_CUES = "tidings:quotes/cues.tsv"

CUE_KINDS = frozenset(
    {
        "speech", "statement", "question", "assertion", "concession", "denial", "warning",
        "accusation", "promise", "request", "finding", "cognition",
    }
)  # fmt: skip
FRAMES = frozenset({"direct", "clause"})

_FIELDS = (
    Field("lemma", required=True, check=lambda v: None if v == v.lower() else "lemmas are lower case"),
    Field("kind", required=True, choices=CUE_KINDS),
    Field("frames", required=True, kind="list", choices=FRAMES),
)


@dataclass(frozen=True, slots=True)
class CueLexicon:
    """Cue lemmas by frame.

    Attributes:
        kinds: lemma -> kind (``speech``, ``denial``, ...).
        direct: lemmas that may attribute a quotation in marks.
        clause: lemmas that may take a content clause (indirect speech).
        sha256: digest of the file the lexicon was read from.
    """

    kinds: dict[str, str]
    direct: frozenset[str]
    clause: frozenset[str]
    sha256: str = ""

    @property
    def lemmas(self) -> frozenset[str]:
        """Every cue lemma."""
        return frozenset(self.kinds)


def load_cues(path: str | Path = DEFAULT_CUES, *, kinds: frozenset[str] | None = None) -> CueLexicon:
    """Load a cue lexicon (TSV with ``lemma``, ``kind``, ``frames``).

    Args:
        path: ``"tidings:quotes/cues.tsv"`` (the shipped file) or a user's file.
        kinds: keep only cues of these kinds; ``None`` keeps all.

    Returns:
        The lexicon.

    Raises:
        LexiconError: when the file is invalid or lists a lemma twice.
    """
    data = load_data_file(path, _FIELDS, allow_extra=False)
    table: dict[str, str] = {}
    direct: set[str] = set()
    clause: set[str] = set()
    for entry in data.entries:
        lemma = entry["lemma"]
        if lemma in table:
            raise LexiconError(
                f"[T220] the cue {lemma!r} is listed twice; keep one row per lemma",
                path=data.path, line=entry["_line"], field="lemma",
            )
        table[lemma] = entry["kind"]
        if kinds is not None and entry["kind"] not in kinds:
            continue
        if "direct" in entry["frames"]:
            direct.add(lemma)
        if "clause" in entry["frames"]:
            clause.add(lemma)
    if not direct and not clause:
        raise LexiconError("[T221] the cue lexicon has no usable cue; add rows or widen 'kinds'", path=data.path)
    logger.debug("loaded %d quote cues from %s", len(table), data.path)
    return CueLexicon(kinds=table, direct=frozenset(direct), clause=frozenset(clause), sha256=data.sha256)
