"""The tidings_times stage: find time expressions, normalise them, link them to their clause.

Each expression becomes a dict of the output contract, ``{start, end, text, type,
value}``, with extras: ``anchor`` (how the value was resolved, see
:class:`tidings.nlp._time.normalizer.Value`), ``head`` (the token index of the
word it modifies, or ``None``), ``mod`` (a TIMEX3 modifier, or ``None``) and,
only when something is wrong with the expression as written, ``flags``
(``invalid_date``, ``out_of_range``: value ``None``; ``weekday_mismatch``).
They are stored in ``doc._.tidings_times`` and as spans in
``doc.spans["tidings_times"]`` (label = TIMEX3 type).

Values are counted from ``doc._.tidings_published``; without it, relative
expressions stay underspecified (``XXXX-WXX-1``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from tidings.nlp._time import anchoring, narrative
from tidings.nlp._time.lexicon import DEFAULT_PATHS, load_lexicon
from tidings.nlp._time.normalizer import QUARTER_ENDED, Value
from tidings.nlp._time.tagger import Found, TimeTagger, normalize, parse_anchor
from tidings.records import NON_STORY_KINDS

logger = logging.getLogger(__name__)

__all__ = ["TimeTagger", "TimexComponent", "make_timex", "normalize", "time_for_token"]

SPAN_KEY = "tidings_times"

# Nouns a bare four-digit number may count without being a year ("2000 troops").
_TIME_NOUNS = {"year", "season", "election", "elections", "census", "budget", "summer", "winter", "spring",
               "autumn", "fall", "model", "edition", "games", "olympics", "cup", "campaign", "war", "crisis",
               "level", "levels", "figure", "figures", "film", "law", "act", "vote", "poll", "race", "plan"}


class TimexComponent:
    """Find, normalise and anchor time expressions in a Doc."""

    def __init__(self, nlp: Language, name: str = "tidings_times", *, months: str = DEFAULT_PATHS["months"],
                 weekdays: str = DEFAULT_PATHS["weekdays"], holidays: str = DEFAULT_PATHS["holidays"],
                 cues: str = DEFAULT_PATHS["cues"], settings: str = DEFAULT_PATHS["settings"]) -> None:
        """Compile the grammar over the vocabulary files.

        Args:
            nlp: the pipeline.
            name: the component name.
            months, weekdays, holidays, cues, settings: vocabulary files
                (``"tidings:time/<file>"`` or a path to a user's file).
        """
        self.name = name
        self.lex = load_lexicon(months, weekdays, holidays, cues, settings)
        self.tagger = TimeTagger(self.lex)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> list[tuple[Span, Value, Token | None]]:
        """Return (span, value, head) for every time expression of the Doc."""
        anchor = parse_anchor(doc._.tidings_published)
        text = doc.text
        out: list[tuple[Span, Value, Token | None]] = []
        quarter: tuple[int, int] | None = None
        refs: list[str] = []
        holes = [(s, e) for kind, s, e in doc._.tidings_sections or () if kind in NON_STORY_KINDS]
        for found in self.tagger.scan(text):
            span = doc.char_span(found.start, found.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            if any(s < span.end_char and span.start_char < e for s, e in holes):
                continue  # "5 (Reuters) January" read across a blanked credit is no expression
            if not self._plausible(found, span):
                continue
            head = anchoring.head_of(span)
            tense = anchoring.clause_tense(head, self.lex.cues, self.lex.object_cues)
            firm = tense == anchoring.PAST and head is not None and head.tag_ == "VBD"
            value = self.tagger.value(found, text, anchor, tense, quarter, firm=firm, refs=refs)
            if value is None:
                continue
            if value.value is None:  # an impossible or out-of-range date: kept, but no reference
                out.append((span, value, head))
                continue
            if (value.type in ("DATE", "TIME") and value.anchor != "unanchored" and narrative.is_reference(value.value)
                    and not found.match.group().lower().endswith("overnight")):  # a stretch, not a day named
                refs.append(value.value)  # the story's timeline: "the next day" counts from here
            if found.rule == "quarter" and _NAMED_QUARTER.match(value.value) and (
                found.match.group("qord") or found.match.group("qn") or found.match.group("qn2")
                or QUARTER_ENDED.match(text, found.match.end())
            ) and not re.search(r"ago|earlier|last year", found.match.group("mods") or ""):
                named = (int(value.value[:4]), int(value.value[-1]))
                # a report is about a quarter that is over; one still to come is a forecast
                if anchor is None or named < (anchor.year, (anchor.month - 1) // 3 + 1):
                    quarter = named
            out.append((span, value, head))
        return _attach_clock_dates(out, text)

    @staticmethod
    def _plausible(found: Found, span: Span) -> bool:
        """Reject a bare number read as a year when the parse says it counts something."""
        if found.rule != "year" or found.match.group("mod") or found.match.group("part"):
            return True
        root = span.root
        head = root.head
        if root.dep_ == "nummod" and head.tag_ in ("NNS", "NNPS") and head.i > root.i:
            return head.lower_ in _TIME_NOUNS
        return True

    def set_annotations(self, doc: Doc, matches: list[tuple[Span, Value, Token | None]]) -> None:
        """Store the expressions on the Doc."""
        times: list[dict[str, Any]] = []
        spans: list[Span] = []
        for span, v, head in matches:
            item: dict[str, Any] = {
                "start": span.start_char, "end": span.end_char, "text": span.text,
                "type": v.type, "value": v.value, "anchor": v.anchor,
                "head": head.i if head is not None else None, "mod": v.mod,
            }
            if v.flags:
                item["flags"] = list(v.flags)
            times.append(item)
            spans.append(Span(doc, span.start, span.end, label=v.type))
        doc._.tidings_times = times
        doc.spans[SPAN_KEY] = spans


_NAMED_QUARTER = re.compile(r"\d{4}-Q[1-4]$")
_CLOCK = re.compile(r"T\d\d:\d\d$")
_FULL_DATE = re.compile(r"\d{4}-\d\d-\d\d$")
_CLOCK_ONLY = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def _attach_clock_dates(
    found: list[tuple[Span, Value, Token | None]], text: str
) -> list[tuple[Span, Value, Token | None]]:
    """Join a clock time and the day named right next to it ("10 p.m. Wednesday", "Friday at noon")."""
    out: list[tuple[Span, Value, Token | None]] = []
    i = 0
    while i < len(found):
        span, v, head = found[i]
        if i + 1 < len(found):
            nspan, nv, nhead = found[i + 1]
            gap = text[span.end_char : nspan.start_char]
            if len(gap) <= 5 and gap.strip(" ,").lower() in ("", "on", "at"):
                clock, day = (v, nv) if _CLOCK.search(v.value or "") else (nv, v)
                if (clock.value and day.value and _CLOCK.search(clock.value) and _FULL_DATE.match(day.value)
                        and not day.flags):
                    merged = Span(span.doc, span.start, nspan.end)
                    value = Value("TIME", day.value + clock.value[-6:], day.anchor, clock.mod)
                    out.append((merged, value, head if head is not None else nhead))
                    i += 2
                    continue
        out.append((span, v, head))
        i += 1
    return _clock_days_from_sentence(out)


def _clock_days_from_sentence(
    found: list[tuple[Span, Value, Token | None]],
) -> list[tuple[Span, Value, Token | None]]:
    """A clock time alone takes the day its sentence names, when it names one
    ("made its first flight Tuesday in Everett at 18:00 UTC")."""
    out = list(found)
    for k, (span, v, head) in enumerate(found):
        if v.type != "TIME" or v.anchor != "publication" or not v.value or not _CLOCK_ONLY.match(v.value):
            continue
        sent = span.sent
        days = {ov.value for os, ov, _ in found
                if os.sent.start == sent.start and ov.value and _FULL_DATE.match(ov.value) and ov is not v}
        if len(days) == 1:
            day = days.pop()
            anchor = next(ov.anchor for os, ov, _ in found if ov.value == day)
            out[k] = (span, Value("TIME", day + v.value[10:], anchor, v.mod), head)
    return out


def time_for_token(doc: Doc, token: Token) -> dict[str, Any] | None:
    """Return the time expression linked to the clause of ``token``, if any.

    A time expression belongs to a clause when the word it modifies is the
    token itself or has the same governing verb, or, failing that, when the
    two verbs are one clause with its gerund complement ("Uganda, which had
    accused X of detaining its fishermen last month": the time belongs to
    "accused" too, and never to the main clause). Nothing is inherited from
    other sentences.

    Args:
        doc: a Doc processed by ``tidings_times``.
        token: e.g. an event trigger.

    Returns:
        The time dict (as in ``doc._.tidings_times``), or ``None``.
    """
    times: list[dict[str, Any]] = doc._.tidings_times or []
    if not times:
        return None
    verb = anchoring.clause_verb(token)
    clause = anchoring.finite_clause(verb)
    sent = token.sent
    best: dict[str, Any] | None = None
    wider: dict[str, Any] | None = None
    for t in times:
        h = t.get("head")
        if h is None or not (sent.start <= h < sent.end):
            continue
        head = doc[h]
        if head.i == token.i:
            return t
        head_verb = anchoring.clause_verb(head)
        if verb is not None and head_verb == verb and best is None:
            best = t
        elif clause is not None and wider is None and anchoring.finite_clause(head_verb) == clause:
            wider = t
    return best or wider


@Language.factory(
    "tidings_times",
    assigns=["doc._.tidings_times", "doc.spans"],
    requires=["token.dep", "token.tag", "token.lemma"],
    default_config={
        "months": DEFAULT_PATHS["months"],
        "weekdays": DEFAULT_PATHS["weekdays"],
        "holidays": DEFAULT_PATHS["holidays"],
        "cues": DEFAULT_PATHS["cues"],
        "settings": DEFAULT_PATHS["settings"],
    },
)
def make_timex(nlp: Language, name: str, months: str, weekdays: str, holidays: str, cues: str,
               settings: str) -> TimexComponent:
    """Build the tidings_times component (spaCy factory)."""
    return TimexComponent(nlp, name, months=months, weekdays=weekdays, holidays=holidays, cues=cues,
                          settings=settings)
