"""Find time expressions in text and normalise them: the engine behind the component."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from tidings.nlp._time.calendar import OutOfRange
from tidings.nlp._time.grammar import compile_rules, trigger_words
from tidings.nlp._time.lexicon import TimeLexicon, load_lexicon
from tidings.nlp._time.normalizer import HANDLERS, OUT_OF_RANGE, Context, Value, no_value

# How many words an expression may have before its trigger word ("the end of the [month]").
_BACK = 5
_WORD = re.compile(r"(?<![\w\-])[\w'$][\w'’.\-]*")
_HAS_DIGIT = re.compile(r"\d")
_YEAR_ONLY = re.compile(r"(?P<y>\d{4})")


# rules whose words, capitalised in mid-sentence, are names: "BBC Radio 4's Today
# programme", "the Daily Mail", "the Evening Standard", "Midnight Mass"
_NAME_RULES = {"rel_day", "set", "rel_unit", "noon"}
_NAME_AFTER_THE = re.compile(r"\s+[A-Z][a-z]")


def _is_name(text: str, start: int, end: int, rule: str, calendar_names: frozenset[str]) -> bool:
    """Whether a time word is part of a name: "Today" or "Daily" capitalised in
    mid-sentence, "the Sunday Times"."""
    word = text[start:end]
    before = text[max(0, start - 40) : start].rstrip()
    mid_sentence = bool(before) and (before[-1].isalpha() or before[-1] in ",;'\u2019")
    last = word.split()[-1] if word.strip() else word
    if (rule in _NAME_RULES and last[:1].isupper() and not last.isupper() and mid_sentence
            and last.rstrip(".") not in calendar_names):  # "each Thursday" is a time
        return True
    return (rule == "weekday" and " " not in word and before.lower().endswith((" the", "\nthe"))
            and _NAME_AFTER_THE.match(text, end) is not None)


@dataclass(frozen=True, slots=True)
class Found:
    """A recognised expression before normalisation."""

    start: int
    end: int
    rule: str
    match: re.Match[str]


class TimeTagger:
    """The compiled grammar and its handlers for one vocabulary."""

    def __init__(self, lex: TimeLexicon) -> None:
        self.lex = lex
        self.scanner, self.rules = compile_rules(lex)
        self.trigger_lower, self.trigger_names = trigger_words(lex)

    def _matches(self, text: str) -> Iterator[re.Match[str]]:
        """Try the grammar only where it can match: at the few word starts just
        before a trigger word (a number, a calendar name, a time word). The text
        is split into words once; the full grammar runs a handful of times per
        trigger instead of at every position."""
        words = [m.span() for m in _WORD.finditer(text)]
        lower, names = self.trigger_lower, self.trigger_names
        pos = 0
        for k, (ws, we) in enumerate(words):
            if ws < pos:
                continue
            w = text[ws:we].rstrip(".,'’")
            if w.endswith(("'s", "’s")):
                w = w[:-2]
            if not (w in names or w.lower() in lower or _HAS_DIGIT.search(w)) and (
                "-" not in w or not any(p in names or p.lower() in lower for p in w.split("-"))
            ):
                continue
            for j in range(max(0, k - _BACK), k + 1):
                start = words[j][0]
                if start < pos:
                    continue
                m = self.scanner.match(text, start)
                if m is not None and m.end() > ws:
                    pos = m.end()
                    yield m
                    break

    def scan(self, text: str) -> Iterator[Found]:
        """Yield the expressions of ``text`` left to right, without overlaps."""
        for m in self._matches(text):
            rule = m.lastgroup
            if rule is None:
                continue
            own = self.rules[rule].fullmatch(text, m.start(), m.end())
            if own is None:
                continue
            start, end = m.start(), m.end()
            for g in ("t", "t2"):
                if g in own.groupdict() and own.group(g):
                    start, end = own.start(g), own.end(g)
                    break
            if text[end - 2 : end] in ("'s", "\u2019s"):  # "Friday's purchases": the possessive is not part of it
                end -= 2
            if _is_name(text, start, end, rule, self.trigger_names):
                continue
            if rule == "year_range":  # "2014-2019": one expression per end, as "from 2014 to 2019"
                for g in ("y", "y2"):
                    part = _YEAR_ONLY.fullmatch(text, own.start(g), own.end(g))
                    if part is not None:
                        yield Found(own.start(g), own.end(g), "year_part", part)
                continue
            yield Found(start, end, rule, own)

    def value(self, found: Found, text: str, anchor: date | None, tense: str | None,
              quarter: tuple[int, int] | None = None, *, firm: bool = False,
              refs: Sequence[str] = ()) -> Value | None:
        """Normalise one expression (``None`` when its rule rejects it in context).

        A value that would fall outside the calendar ("130,000 weeks ago") is
        not an error: the expression is kept with no value, flagged ``out_of_range``.

        Args:
            found: the expression.
            text: the whole text (handlers look at the words around it).
            anchor: the publication date.
            tense: the tense of the clause it modifies.
            quarter: the last calendar quarter the text named, as (year, n):
                "a year earlier" and "the quarter" refer to it.
            firm: the expression modifies a simple past verb itself, so a
                month or date without a year is not ahead of the anchor.
            refs: the calendar values the text mentioned before this one
                ("the next day" is counted from the last of them).
        """
        try:
            return HANDLERS[found.rule](found.match, Context(anchor, tense, self.lex, text, quarter, firm, refs))
        except OutOfRange:
            return no_value(OUT_OF_RANGE)


@functools.lru_cache(maxsize=1)
def default_tagger() -> TimeTagger:
    """The tagger over the shipped vocabulary (built once per process)."""
    return TimeTagger(load_lexicon())


def parse_anchor(value: object) -> date | None:
    """Read a publication date (ISO date or datetime, or a ``date``); ``None`` if unreadable."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def normalize(text: str, anchor: date | str | None = None, *, tense: str | None = None,
              tagger: TimeTagger | None = None) -> tuple[str, str | None] | None:
    """Normalise one time expression to its TIMEX3 (type, value).

    Args:
        text: the expression, e.g. ``"last year"`` or ``"Monday"`` (the first
            expression found in it is used).
        anchor: the reference date (publication date); ``None`` leaves relative
            values underspecified.
        tense: ``past``, ``present`` or ``future``: the tense of the clause the
            expression modifies (decides which Monday or which June).
        tagger: a tagger over another vocabulary; the shipped one by default.

    Returns:
        ``(type, value)``, or ``None`` when no time expression is found; the
        value is ``None`` for an impossible or out-of-range date ("32 January 2024").

    Example:
        >>> normalize("last year", "2023-01-29")
        ('DATE', '2022')
    """
    tagger = tagger or default_tagger()
    ref = parse_anchor(anchor)
    for found in tagger.scan(text):
        v = tagger.value(found, text, ref, tense)
        if v is not None:
            return v.type, v.value
    return None
