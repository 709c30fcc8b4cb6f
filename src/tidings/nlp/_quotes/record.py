"""The quote record the stage builds before it writes ``doc._.tidings_quotes``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said it and how: speaker, cue and addressee, each with offsets.

    Attributes:
        speaker: entity id of the speaker, or ``None``.
        speaker_name: the entity's name (or, without an entity layer, the name read
            from the named entities), or ``None``.
        speaker_text, speaker_start, speaker_end: the words naming the speaker here.
        speaker_spans: character spans of every mention of the speaker (for scoring).
        cue, cue_start, cue_end: the cue words ("said", "according to").
        cue_lemma, cue_kind: the cue's lemma and its kind in the lexicon.
        addressee: entity id of whom it was said to, else their words, else ``None``.
        addressee_text, addressee_start, addressee_end: the words naming the addressee.
        cue_token: token index of the cue (``-1`` when inherited or absent).
        speaker_is_person: whether the speaker reads as a person (for pronouns later).
    """

    speaker: str | None = None
    speaker_name: str | None = None
    speaker_text: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_spans: tuple[tuple[int, int], ...] = ()
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    cue_lemma: str | None = None
    cue_kind: str | None = None
    addressee: str | None = None
    addressee_text: str | None = None
    addressee_start: int | None = None
    addressee_end: int | None = None
    cue_token: int = -1
    speaker_is_person: bool = False


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation: its content, kind and attribution.

    Attributes:
        start, end: the quoted content (inside the marks for a direct quote).
        kind: ``direct``, ``indirect`` or ``mixed``.
        attribution: who said it.
        inherited: whether the attribution comes from the previous quote.
    """

    start: int
    end: int
    kind: str
    attribution: Attribution = field(default_factory=Attribution)
    inherited: bool = False

    def as_dict(self, text: str) -> dict[str, Any]:
        """The quote as an output record (private keys start with ``_``)."""
        a = self.attribution
        return {
            "start": self.start,
            "end": self.end,
            "text": text[self.start : self.end],
            "kind": self.kind,
            "speaker": a.speaker,
            "speaker_name": a.speaker_name,
            "speaker_text": a.speaker_text,
            "speaker_start": a.speaker_start,
            "speaker_end": a.speaker_end,
            "cue": a.cue,
            "cue_start": a.cue_start,
            "cue_end": a.cue_end,
            "cue_kind": a.cue_kind,
            "addressee": a.addressee,
            "addressee_text": a.addressee_text,
            "addressee_start": a.addressee_start,
            "addressee_end": a.addressee_end,
            "inherited": self.inherited,
            "_speaker_spans": [list(s) for s in a.speaker_spans],
        }
