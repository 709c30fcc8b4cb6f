"""Turn a recognised time expression into a TIMEX3 type and value.

Each grammar rule has a handler. A handler reads the rule's groups, the
reference date (the publication date, or ``None``) and the tense of the clause
the expression modifies, and returns a :class:`Value` or ``None`` to reject the
match. Without a reference date, relative expressions keep an underspecified
value (``XXXX-WXX-1``, ``XXXX-01``...).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from tidings.nlp._time import calendar as cal
from tidings.nlp._time import narrative
from tidings.nlp._time.grammar import (
    DAYPARTS,
    DECADE_WORDS,
    NUMBER_WORDS,
    ORDINALS,
    SEASONS,
    UNITS,
    VAGUE_NUMBERS,
)
from tidings.nlp._time.lexicon import TimeLexicon

PAST, FUTURE, PRESENT = "past", "future", "present"

# The months whose names are also common words: alone, they need a preceding cue.
_AMBIGUOUS_MONTHS = {"may", "march"}
_MONTH_CUES = {"in", "of", "since", "until", "till", "by", "during", "through", "from", "to", "last",
               "next", "this", "early", "late", "mid", "before", "after", "between", "and", "or",
               "around", "on", "for", "each", "every", "that", "the", "as"}
_UNTIL = re.compile(r"\b(?-i:until|till|through)\s+(?:[\w.:]+\s+){0,3}$")
_BY = re.compile(r"\bby\s+$")
_ORDINAL_NEXT = re.compile(r"\s+(?!(?:of|or|and|to|in|on|at|for|later|earlier|ago|before|after|longer|more|each|per|a|an|the)\b)[a-z]", re.I)
_FRACTION_NEXT = re.compile(r"[\s,]+(?:\([^)]{0,12}\)[\s,]+)?of\s+(?:the|its|his|her|their|our|a|an|all|this|that|these|those|them|us|\w+'s)\b", re.I)
_FUTURE_BEFORE = re.compile(r"\b(?:will|would|could|may|might|can|shall|he|she|they|we|I|you|it)\s+$", re.I)
_SOON = re.compile(r"\bas\s+(?:soon|early)\s+as\s+$", re.I)
_DEADLINE = re.compile(r"\b(?:to|until|till|through|by|before|effective)\s+(?:the\s+)?(?:end\s+of\s+|middle\s+of\s+)?$", re.I)
_PER_CUES = re.compile(r"(?:\d|%|million|billion|trillion|percent|cents?|dollars?|pounds?|euros?|yen|times|tons?|barrels?)\W*$", re.I)


@dataclass(frozen=True, slots=True)
class Value:
    """A normalised time expression.

    Attributes:
        type: DATE, TIME, DURATION or SET.
        value: the TIMEX3 value.
        anchor: how it was resolved: ``absolute`` (needs no reference),
            ``publication`` (counted from the publication date), ``tense-past``,
            ``tense-future`` or ``tense-present`` (a calendar name placed by the
            tense of its clause), ``narrative`` (counted from the last date the
            text mentioned: "the next day", "two days later"), ``none`` (durations, sets, vague references) or
            ``unanchored`` (relative, but no publication date was known).
        mod: a TIMEX3 ``mod`` (START, END, MID, APPROX...) or ``None``.
        flags: what is wrong with the expression as written: ``invalid_date`` (no
            such day: "32 January 2024", "Feb. 30"; value ``None``),
            ``out_of_range`` (a date outside the years 1-9999: "130,000 weeks
            ago"; value ``None``), ``weekday_mismatch`` (the weekday written with
            a date is not that date's: "Monday 1 January 1600"; the value is the
            date).
    """

    type: str
    value: str | None
    anchor: str
    mod: str | None = None
    flags: tuple[str, ...] = ()


INVALID_DATE, OUT_OF_RANGE, WEEKDAY_MISMATCH = "invalid_date", "out_of_range", "weekday_mismatch"


def no_value(flag: str, typ: str = "DATE") -> Value:
    """An expression kept as text with no value, and why."""
    return Value(typ, None, "none", None, (flag,))


@dataclass(frozen=True, slots=True)
class Context:
    """What a handler may read besides the match."""

    anchor: date | None
    tense: str | None
    lex: TimeLexicon
    text: str
    quarter: tuple[int, int] | None = None  # the last quarter the text named, (year, n)
    firm: bool = False  # the expression modifies a simple past verb itself ("In January, X bought Y")
    refs: Sequence[str] = ()  # the calendar values the text mentioned before, in order (the story's timeline)


Handler = Callable[[re.Match[str], Context], Value | None]

_MODS = {"early": "START", "very early": "START", "late": "END", "mid": "MID", "earlier": None, "later": None,
         "end": "END", "beginning": "START", "start": "START", "middle": "MID", "close": "END", "dawn": "START",
         "turn": "START", "first half": "START", "second half": "END", "first part": "START",
         "latter part": "END", "early part": "START", "last part": "END"}


def _mod(m: re.Match[str], *names: str) -> str | None:
    for n in names:
        g = _group(m, n)
        if g:
            key = re.sub(r"^(?:the )|(?: of| in)$", "", re.sub(r"\s+", " ", g.lower())).strip()
            return _MODS.get(key)
    return None


def _group(m: re.Match[str], name: str) -> str | None:
    try:
        return m.group(name)
    except IndexError:
        return None


def _lower(s: str | None) -> str:
    return re.sub(r"\s+", " ", s or "").strip().lower()


def _how(ctx: Context, kind: str = "publication") -> str:
    return kind if ctx.anchor is not None else "unanchored"


def _direction(tense: str | None, *, default: str) -> str:
    if tense == PAST:
        return cal.PAST
    if tense == FUTURE:
        return cal.FUTURE
    if tense == PRESENT:
        return default
    return default


def _month_number(name: str, lex: TimeLexicon) -> int | None:
    key = name.strip()
    for form in (key, key.title(), key.capitalize()):
        if form in lex.months:
            return lex.months[form][0]
    low = key.lower().rstrip(".")
    for n, (num, _) in lex.months.items():
        if n.lower().rstrip(".") == low:
            return num
    return None


def _weekday_number(name: str, lex: TimeLexicon) -> int | None:
    low = name.lower().rstrip(".")
    for n, (num, _) in lex.weekdays.items():
        if n.lower().rstrip(".") == low:
            return num
    return None


def parse_number(word: str) -> float | None:
    """Read a cardinal written in digits or words; ``None`` for vague amounts ("several")."""
    w = _lower(word).replace("-", " ")
    if not w:
        return None
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", w):  # "1,300,000"
        return float(w.replace(",", ""))
    if re.fullmatch(r"\d+(?:[.,]\d+)?", w):
        return float(w.replace(",", "")) if "," in w and len(w.split(",")[-1]) == 3 else float(w.replace(",", "."))
    if w in NUMBER_WORDS:
        return NUMBER_WORDS[w]
    if w in {"a couple of", "couple of", "a couple"}:  # "a couple of years": two
        return 2
    parts = w.split()
    if len(parts) == 2 and parts[0] in NUMBER_WORDS and parts[1] in NUMBER_WORDS:
        return NUMBER_WORDS[parts[0]] + NUMBER_WORDS[parts[1]]
    return None


def _fmt(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


def duration_value(n: float | None, unit: str) -> str:
    """Return the TIMEX3 duration for ``n`` units (``None``: an unknown number, ``X``)."""
    u = unit.lower()
    u = {"centuries": "century", "millennia": "millennium"}.get(u, u.rstrip("s") if u != "hours" else "hour")
    letter, is_time = UNITS.get(u, ("D", False))
    mult = {"W2": (2, "W"), "WE": (2, "D")}.get(letter)
    if mult:
        n = None if n is None else n * mult[0]
        letter = mult[1]
    if letter == "CE":
        return "PXCE" if n is None else f"P{_fmt(n * 100)}Y"
    if letter == "ML":
        return "PXML" if n is None else f"P{_fmt(n * 1000)}Y"
    if letter == "DE":
        return "PXDE" if n is None else f"P{_fmt(n * 10)}Y"
    if n is not None and not float(n).is_integer():
        # TIMEX3 writes fractions in the next smaller unit: P2Y6M, PT1M30S
        smaller = {"Y": ("M", 12), "M": ("S", 60) if is_time else ("D", 30), "H": ("M", 60), "D": ("H", 24),
                   "W": ("D", 7)}.get(letter)
        if smaller:
            whole, rest = int(n), round((n - int(n)) * smaller[1])
            head = f"{whole}{letter}" if whole else ""
            return f"PT{head}{rest}{smaller[0]}" if is_time else f"P{head}{rest}{smaller[0]}"
    amount = "X" if n is None else _fmt(n)
    return f"PT{amount}{letter}" if is_time else f"P{amount}{letter}"


def _unit_key(unit: str) -> str:
    u = unit.lower()
    return {"centuries": "century", "millennia": "millennium"}.get(u, u[:-1] if u.endswith("s") else u)


# ----------------------------------------------------------------------------- dates


def _iso(m: re.Match[str], ctx: Context) -> Value | None:
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not cal.valid_date(y, mo, d):
        return None
    if m["hh"]:
        return Value("TIME", f"{y:04d}-{mo:02d}-{d:02d}T{m['hh']}:{m['mm']}", "absolute")
    return Value("DATE", f"{y:04d}-{mo:02d}-{d:02d}", "absolute")


def _slash(m: re.Match[str], ctx: Context) -> Value | None:
    mo, d, ys = int(m["m"]), int(m["d"]), m["y"]
    y = int(ys) if len(ys) == 4 else (2000 + int(ys) if int(ys) < 50 else 1900 + int(ys))
    if not cal.valid_date(y, mo, d):
        if cal.valid_date(y, d, mo):  # day/month order
            mo, d = d, mo
        else:
            return None
    return Value("DATE", f"{y:04d}-{mo:02d}-{d:02d}", "absolute")


def _day_month(m: re.Match[str], ctx: Context) -> Value | None:
    mo = _month_number(m["mon"], ctx.lex)
    d = int(re.match(r"\d+", m["d"]).group())  # type: ignore[union-attr]
    if mo is None or d < 1:
        return None
    wd = _group(m, "wd")
    want = _weekday_number(wd, ctx.lex) if wd else None
    if m["y"]:
        y = int(m["y"])
        if not cal.valid_date(y, mo, d):  # "32 January 2024", "Feb. 30, 2023": no such day
            return no_value(INVALID_DATE)
        flags = (WEEKDAY_MISMATCH,) if want is not None and date(y, mo, d).isoweekday() != want else ()
        return Value("DATE", f"{y:04d}-{mo:02d}-{d:02d}", "absolute", None, flags)
    if not cal.valid_date(2000, mo, d):  # no such day in any year ("Feb. 30")
        return no_value(INVALID_DATE)
    if ctx.anchor is None:
        return Value("DATE", f"XXXX-{mo:02d}-{d:02d}", "unanchored")
    flags = ()
    if want is not None:  # a weekday fixes the year: take the nearest year where the date falls on it
        for y in (ctx.anchor.year, ctx.anchor.year - 1, ctx.anchor.year + 1):
            if cal.valid_date(y, mo, d) and date(y, mo, d).isoweekday() == want:
                return Value("DATE", f"{y:04d}-{mo:02d}-{d:02d}", "publication")
        flags = (WEEKDAY_MISMATCH,)  # in none of them: the date is placed as if no weekday were written
    y = _nearest_year(ctx.anchor, mo, d, ctx.tense, firm=ctx.firm, deadline=_is_deadline(ctx.text, m.start()))
    if not cal.valid_date(y, mo, d):
        return None
    return Value("DATE", f"{y:04d}-{mo:02d}-{d:02d}", f"tense-{ctx.tense}" if ctx.tense else "publication",
                 None, flags)


def _week_of(m: re.Match[str], ctx: Context) -> Value | None:
    """"the week of March 6": the ISO week holding that day."""
    v = _day_month(m, ctx)
    if v is None or v.value is None:
        return v
    if not re.fullmatch(r"\d{4}-\d\d-\d\d", v.value):
        return Value("DATE", "XXXX-WXX", v.anchor)
    return Value("DATE", cal.week(date.fromisoformat(v.value)), v.anchor)


def _nearest_year(a: date, month: int, day: int, tense: str | None, *, firm: bool = False,
                  deadline: bool = False) -> int:
    """The year of a month (and day) written without one: the nearest such date,
    except that a future clause does not reach more than a month back and a past
    clause not more than a quarter ahead ("was extended to Nov. 16", "payable
    Dec. 7"); when the expression modifies a simple past verb itself ("In January,
    the company hired..."), only half a month ahead, unless it is a deadline."""
    best: tuple[float, int] | None = None
    ahead = 0.5 if firm and not deadline else 3
    for y in (a.year - 1, a.year, a.year + 1):
        diff = (y - a.year) * 12 + (month - a.month) + (day - a.day) / 31
        if tense == PAST and diff > ahead:
            continue
        if tense == FUTURE and diff < -1:
            continue
        key = (abs(diff) + (0.01 if diff > 0 else 0), y)
        if best is None or key < best:
            best = key
    return best[1] if best else a.year


def _is_deadline(text: str, start: int) -> bool:
    """Whether the words before an expression make it a deadline ("until", "extended to")."""
    return _DEADLINE.search(text[max(0, start - 24) : start]) is not None


def _month_rel(m: re.Match[str], ctx: Context) -> Value | None:
    mo = _month_number(m["mon"], ctx.lex)
    if mo is None:
        return None
    if ctx.anchor is None:
        return Value("DATE", f"XXXX-{mo:02d}", "unanchored")
    shift = _rel_shift(_lower(m["rel"])) or 0
    return Value("DATE", cal.ym(ctx.anchor.year + shift, mo), "publication", _mod(m, "mod"))


def _spoken_year(m: re.Match[str], ctx: Context) -> Value | None:
    if m["k"]:
        return Value("DATE", str(2000 + int(parse_number(m["k2"]) or 0) if m["k2"] else 2000), "absolute")
    yy = _lower(m["yy"])
    n = 0 if yy == "hundred" else parse_number(yy)
    if n is None or n >= 100:
        return None
    return Value("DATE", f"{19 if _lower(m['c']) == 'nineteen' else 20}{int(n):02d}", "absolute")


def _year_end(m: re.Match[str], ctx: Context) -> Value | None:
    w = _lower(m["w"])
    mod = "END" if "end" in w else None
    if ctx.anchor is None:
        return Value("DATE", "XXXX", "unanchored", mod)
    return Value("DATE", cal.year_text(ctx.anchor.year), "publication", mod)


def _year_number(text: str) -> int | None:
    """A year in digits or in words ("nineteen ninety-four")."""
    t = _lower(text)
    if t.isdigit():
        return int(t)
    head, _, rest = t.partition(" ")
    n = parse_number(rest)
    if head not in {"nineteen", "twenty"} or n is None or not 10 <= n < 100:
        return None
    return (19 if head == "nineteen" else 20) * 100 + int(n)


def _month_year(m: re.Match[str], ctx: Context) -> Value | None:
    mo = _month_number(m["mon"], ctx.lex)
    y = _year_number(m["y"])
    if mo is None or y is None:
        return None
    return Value("DATE", cal.ym(y, mo), "absolute", _mod(m, "mod", "part"))


def _month(m: re.Match[str], ctx: Context) -> Value | None:
    name = m["mon"]
    mo = _month_number(name, ctx.lex)
    if mo is None:
        return None
    mod = _mod(m, "mod", "part")
    if name.lower() in _AMBIGUOUS_MONTHS and not (m["mod"] or m["part"]):
        before = ctx.text[max(0, m.start() - 12) : m.start()].split()
        if not before or before[-1].lower().strip("-") not in _MONTH_CUES or name.isupper():
            return None
    if ctx.anchor is None:
        return Value("DATE", f"XXXX-{mo:02d}", "unanchored", mod)
    y = _nearest_year(ctx.anchor, mo, 15, ctx.tense, firm=ctx.firm, deadline=_is_deadline(ctx.text, m.start()))
    return Value("DATE", cal.ym(y, mo), f"tense-{ctx.tense}" if ctx.tense else "publication", mod)


def _year(m: re.Match[str], ctx: Context) -> Value | None:
    before = ctx.text[max(0, m.start() - 3) : m.start()]
    if re.search(r"[$#£€¥]\s*$|\d[.,]?$|No\.\s*$", before):
        return None
    return Value("DATE", m["y"], "absolute", _mod(m, "mod", "part"))


def _year_part(m: re.Match[str], ctx: Context) -> Value | None:
    """One end of a range of years ("2014-2019")."""
    return Value("DATE", m["y"], "absolute")


def _decade(m: re.Match[str], ctx: Context) -> Value | None:
    if m["dd"]:
        v = m["dd"]
    elif m["d2"] or m["d3"] or m["d4"]:
        d = int(m["d2"] or m["d3"] or m["d4"])
        century = 19
        if ctx.anchor is not None and d * 10 <= ctx.anchor.year % 100 and ctx.anchor.year >= 2000:
            century = ctx.anchor.year // 100
        v = f"{century}{d}"
    else:
        v = f"19{DECADE_WORDS[_lower(m['dw'])]}"
    return Value("DATE", v, "absolute", _mod(m, "mod"))


def _century(m: re.Match[str], ctx: Context) -> Value | None:
    n = ORDINALS.get(_lower(m["ord"]))
    if n is None:
        return None
    return Value("DATE", f"{n - 1:02d}", "absolute", _mod(m, "mod"))


def _fiscal_year_of(d: date, start: int) -> int:
    return d.year + 1 if start != 1 and d.month >= start else d.year


def _fiscal(m: re.Match[str], ctx: Context) -> Value | None:
    if m["y"]:
        return Value("DATE", m["y"], "absolute")
    if m["y2"]:
        yy = int(m["y2"])
        return Value("DATE", str(2000 + yy if yy < 50 else 1900 + yy), "absolute")
    rel = _lower(m["rel"] or m["rel2"])
    if not rel:
        return Value("DURATION", "P1Y", "none")
    if ctx.anchor is None:
        return Value("DATE", "XXXX", "unanchored")
    fy = _fiscal_year_of(ctx.anchor, ctx.lex.fiscal_year_start_month)
    shift = _rel_shift(rel)
    if shift is None:
        return None
    return Value("DATE", cal.year_text(fy + shift), "publication")


def _rel_shift(rel: str) -> int | None:
    rel = rel.removeprefix("the ").strip()
    if rel in {"last", "past", "previous", "this past"}:
        return -1
    if rel in {"next", "coming", "this coming", "new"}:
        return 1
    if rel in {"this", "current"}:
        return 0
    return None


def _quarter(m: re.Match[str], ctx: Context) -> Value | None:
    mods = _lower(m["mods"])
    qy = _lower(m["qy"] or m["qy2"])
    half = _lower(m["qh"]) == "half"
    qord = _lower(m["qord"])
    n: int | None
    if m["qn"] or m["qn2"]:
        n = int(m["qn"] or m["qn2"])
    elif qord:
        n = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
             "final": 4, "last": 4}[qord]
        if half and n > 2:
            n = 2
    else:
        n = None
        if not (m["the"] or mods) or (_lower(m["q"]) == "period" and not mods):
            return None
        ended = quarter_end(m, ctx) if not re.search(r"\d{4}|year-ago|year-earlier", mods) else None
        if ended is not None:  # "the quarter ended Sept. 30"
            return Value("DATE", ended, "publication" if ctx.anchor else "unanchored")
    letter = "H" if half else "Q"
    year_m = re.search(r"\d{4}", mods)
    explicit_year: int | None = None
    if re.fullmatch(r"\d{4}", qy):
        explicit_year = int(qy)
    elif year_m:
        explicit_year = int(year_m.group())
    if explicit_year is not None and n is not None:
        return Value("DATE", cal.period(explicit_year, f"{letter}{n}"), "absolute")
    if explicit_year is not None and ctx.anchor is not None and not half:
        q = (cal.quarter_of(ctx.anchor) - 2) % 4 + 1  # "the 1988 quarter": the period reported on
        return Value("DATE", cal.period(explicit_year, f"Q{q}"), "publication")
    if ctx.anchor is None:
        return Value("DATE", f"XXXX-{letter}{n}" if n else "XXXX-QX", "unanchored")
    a = ctx.anchor
    aq = cal.quarter_of(a) if not half else (1 if a.month <= 6 else 2)
    span = 4 if not half else 2
    back = 1 if re.search(r"year-ago|year-earlier|last year's", mods) or qy in _LAST_YEAR else 0
    fwd = 1 if "next year's" in mods or qy == "next year" else 0
    if n is None and ctx.quarter is not None and not re.search(r"current|this|next|coming", mods):
        # "the quarter", "the year-ago period": the quarter the text is about
        y, q = ctx.quarter
        return Value("DATE", cal.period(y - back + fwd, f"{letter}{q}"), "publication")
    if n is None:
        # "the quarter", "the latest quarter": the last quarter reported on
        if re.search(r"current|this", mods):
            idx = a.year * span + aq - 1
        elif re.search(r"next|coming", mods):
            idx = a.year * span + aq
        else:
            idx = a.year * span + aq - 2
        y, q = divmod(idx, span)
        return Value("DATE", cal.period(y - back + fwd, f"{letter}{q + 1}"), "publication")
    if back or fwd or qy in {"this year", "the year"}:
        y = a.year - back + fwd
    elif n - aq >= 2 and ctx.tense == PAST:
        y = a.year - 1
    else:  # a quarter not yet over is this year's; reports look back at this year's quarters
        y = a.year
    return Value("DATE", cal.period(y, f"{letter}{n}"), "publication")


QUARTER_ENDED = re.compile(r"\s+end(?:ed|ing)\s+(?P<mon>[A-Z][a-z]+\.?)\s*(?P<d>\d{1,2})(?!\d)(?:,?\s+(?P<y>\d{4}))?")


def quarter_end(m: re.Match[str], ctx: Context) -> str | None:
    """The calendar quarter of "the quarter ended Sept. 30": the one holding most
    of the three months that end on that day (a fiscal quarter ended July 31 is
    mostly the second calendar quarter)."""
    e = QUARTER_ENDED.match(ctx.text, m.end())
    if e is None:
        return None
    mo = _month_number(e["mon"], ctx.lex)
    d = int(e["d"])
    if mo is None:
        return None
    if e["y"]:
        y = int(e["y"])
    elif ctx.anchor is not None:
        y = _nearest_year(ctx.anchor, mo, d, PAST)
    else:
        return None
    if not cal.valid_date(y, mo, d):
        return None
    mid = cal.shift_days(date(y, mo, d), -45)
    return cal.period(mid.year, f"Q{cal.quarter_of(mid)}")


_LAST_YEAR = {"last year", "the last year", "the previous year", "a year ago", "a year earlier"}


def _season(m: re.Match[str], ctx: Context) -> Value | None:
    word = _lower(m["s"] or m["s2"] or m["s3"])
    code = SEASONS[word]
    mod = _mod(m, "mod", "mod2")
    y = _year_number(m["y"] or m["y2"] or "")
    if y:
        return Value("DATE", cal.period(y, code), "absolute", mod)
    if ctx.anchor is None:
        return Value("DATE", f"XXXX-{code}", "unanchored", mod)
    rel = _lower(m["rel"])
    cur_y, cur = cal.season_of(ctx.anchor)
    shift = _rel_shift(rel) if rel and rel != "the" else None
    if shift == -1:
        yy = cur_y - 1 if code == cur else cal.season_year(ctx.anchor, code, cal.PAST)
    elif shift == 1:
        yy = cur_y + 1 if code == cur else cal.season_year(ctx.anchor, code, cal.FUTURE)
    elif shift == 0:
        yy = cal.season_year(ctx.anchor, code, cal.NEAREST)
    else:
        yy = cal.season_year(ctx.anchor, code, _direction(ctx.tense, default=cal.NEAREST))
    return Value("DATE", cal.period(yy, code), "publication", mod)


def _holiday(m: re.Match[str], ctx: Context) -> Value | None:
    h = ctx.lex.holidays.get(_lower(m["h"]))
    if h is None:
        return None
    if m["y"]:
        d = cal.holiday_date(h, int(m["y"]))
        return Value("DATE", d.isoformat(), "absolute") if d else None
    if ctx.anchor is None:
        if h.month is not None and h.day is not None:
            return Value("DATE", f"XXXX-{h.month:02d}-{h.day:02d}", "unanchored")
        return Value("DATE", "XXXX-XX-XX", "unanchored")
    a = ctx.anchor
    rel = _lower(m["rel"])
    cands = [d for y in (a.year - 1, a.year, a.year + 1)
             if cal.MIN_YEAR <= y <= cal.MAX_YEAR and (d := cal.holiday_date(h, y)) is not None]
    if rel == "last" or (not rel and ctx.tense == PAST):
        pick = [d for d in cands if d <= a][-1:] if rel != "last" else [d for d in cands if d < a][-1:]
    elif rel == "next" or (not rel and ctx.tense == FUTURE):
        pick = [d for d in cands if d >= a][:1] if rel != "next" else [d for d in cands if d > a][:1]
    else:
        pick = sorted(cands, key=lambda d: abs((d - a).days))[:1]
    if not pick:
        return None
    return Value("DATE", pick[0].isoformat(), f"tense-{ctx.tense}" if ctx.tense and not rel else "publication")


# ----------------------------------------------------------------------------- relative


def _shift_unit(a: date, unit: str, k: int) -> str:
    """The value of the unit containing ``a`` moved by ``k`` units."""
    if unit in {"day", "night"}:
        return cal.shift_days(a, k).isoformat()
    if unit == "week":
        return cal.week(cal.shift_weeks(a, k))
    if unit == "weekend":
        return cal.week(cal.shift_weeks(a, k)) + "-WE"
    if unit == "fortnight":
        return cal.week(cal.shift_weeks(a, 2 * k))
    if unit == "month":
        y, mo = cal.shift_month(a.year, a.month, k)
        return cal.ym(y, mo)
    if unit == "quarter":
        idx = a.year * 4 + cal.quarter_of(a) - 1 + k
        return cal.period(idx // 4, f"Q{idx % 4 + 1}")
    if unit == "year":
        return cal.year_text(a.year + k)
    if unit == "decade":
        return cal.decade_text(a.year // 10 + k)
    if unit == "century":
        return cal.century_text(a.year // 100 + k)
    if unit == "millennium":
        cal.check_year((a.year // 1000 + k) * 1000 + 999)
        return str(a.year // 1000 + k)
    return a.isoformat()


_UNDERSPEC = {"day": "XXXX-XX-XX", "night": "XXXX-XX-XX", "week": "XXXX-WXX", "weekend": "XXXX-WXX-WE",
              "fortnight": "XXXX-WXX", "month": "XXXX-XX", "quarter": "XXXX-QX", "year": "XXXX",
              "decade": "XXX", "century": "XX", "millennium": "X"}


def _ago(m: re.Match[str], ctx: Context) -> Value | None:
    unit = _unit_key(m["u"])
    raw = _lower(m["n"])
    n = parse_number(raw)
    direction = _lower(m["dir"])
    sign = 1 if direction in {"later", "from now", "hence"} else -1
    if n is None:
        if direction == "later":  # "a few days later": a stretch after the story's last date
            return Value("DURATION", duration_value(None, unit), "none")
        if raw in VAGUE_NUMBERS or raw:
            return Value("DATE", "FUTURE_REF" if sign > 0 else "PAST_REF", "none")
        return None
    if "and a half" in _lower(m.group()):
        n += 0.5
    if ctx.anchor is None:
        return Value("DATE", _UNDERSPEC.get(unit, "XXXX-XX-XX"), "unanchored")
    if direction == "later" and unit in {"second", "minute", "hour"}:  # "an hour later": how long after
        return Value("DURATION", duration_value(n, unit), "none")
    a = ctx.anchor
    k = int(round(n)) * sign
    if direction in {"later", "earlier"} and float(n).is_integer() and not (
            unit == "year" and k == -1 and ctx.quarter is not None):
        # "two days later", "a week earlier": counted from the story's last date
        ref, told = narrative.reference(ctx.refs, unit, a)
        if told and ref is not None:
            return Value("DATE", narrative.shifted(ref, unit, k if unit not in {"hour", "minute", "second"} else 0),
                         "narrative")
    if unit in {"second", "minute", "hour"}:
        return Value("DATE", a.isoformat(), "publication")
    if unit in {"day", "night"}:
        return Value("DATE", cal.shift_days(a, k).isoformat(), "publication")
    if unit == "week":
        return Value("DATE", cal.week(cal.shift_weeks(a, k)), "publication")
    if unit == "fortnight":
        return Value("DATE", cal.week(cal.shift_weeks(a, 2 * k)), "publication")
    if unit == "month":
        y, mo = cal.shift_month(a.year, a.month, k)
        return Value("DATE", cal.ym(y, mo), "publication")
    if unit == "quarter":
        return Value("DATE", _shift_unit(a, "quarter", k), "publication")
    if unit == "year" and k == -1 and ctx.quarter is not None:
        # "a year earlier" in a report about a quarter: that quarter, a year before
        return Value("DATE", cal.period(ctx.quarter[0] - 1, f"Q{ctx.quarter[1]}"), "publication")
    if unit == "year":
        if not float(n).is_integer():
            y, mo = cal.shift_month(a.year, a.month, int(round(n * 12)) * sign)
            return Value("DATE", cal.ym(y, mo), "publication")
        return Value("DATE", cal.year_text(a.year + k), "publication")
    if unit == "decade":
        return Value("DATE", cal.year_text(a.year + 10 * k), "publication")
    if unit == "century":
        return Value("DATE", cal.century_text((a.year + 100 * k) // 100), "publication")
    return None


def _year_ago(m: re.Match[str], ctx: Context) -> Value | None:
    unit = _lower(m["w"])
    if ctx.anchor is None:
        return Value("DATE", _UNDERSPEC.get(unit, "XXXX"), "unanchored")
    if unit == "year" and ctx.quarter is not None:
        return Value("DATE", cal.period(ctx.quarter[0] - 1, f"Q{ctx.quarter[1]}"), "publication")
    return Value("DATE", _shift_unit(ctx.anchor, unit, -1), "publication")


def _daypart_time(d: str, part: str | None) -> str:
    return f"{d}T{DAYPARTS[_lower(part)]}" if part else d


def _rel_named(m: re.Match[str], ctx: Context) -> Value | None:
    rel = _lower(m["rel"])
    mod = _mod(m, "mod")
    a = ctx.anchor
    if m["wd"]:
        parts = _weekday_parts(m, ctx)
        if parts is None:
            return None
        day, dp, typ = parts
        if a is None:
            return Value(typ, _daypart_time(f"XXXX-WXX-{day}", dp), "unanchored", mod)
        if rel in {"last", "past", "previous", "this past"}:
            d = cal.weekday_date(a, day, cal.PAST, same_day=False)
        elif rel in {"next", "coming", "this coming"}:
            d = cal.weekday_date(a, day, cal.FUTURE, same_day=False)
        else:  # "this Friday": in the current week
            d = cal.shift_days(a, day - a.isoweekday())
        return Value(typ, _daypart_time(d.isoformat(), dp), "publication", mod)
    mo = _month_number(m["mon"], ctx.lex)
    if mo is None:
        return None
    if a is None:
        return Value("DATE", f"XXXX-{mo:02d}", "unanchored", mod)
    if rel in {"last", "past", "previous", "this past"}:
        # "last February" said in March names the February of the year before
        y = a.year if mo < a.month - 1 else a.year - 1
    elif rel in {"next", "coming", "this coming"}:
        y = a.year if mo > a.month else a.year + 1
    else:
        y = a.year
    return Value("DATE", cal.ym(y, mo), "publication", mod)


_NARRATIVE_SHIFT = {"the following": 1, "the next": 1, "the previous": -1, "the preceding": -1, "the prior": -1,
                    "before": -1, "earlier": -1, "after": 1, "later": 1}


def _narrative(m: re.Match[str], ctx: Context) -> Value | None:
    """"the next morning", "that day", "the previous Friday", "the day before": counted
    from the last date the text mentioned ("the next" only in a past clause: in a
    present or future one it is counted from the publication date, like "next")."""
    if m["u2"]:
        unit = _lower(m["u2"]).removeprefix("the ")
        k = _NARRATIVE_SHIFT[_lower(m["dir"])]
        rel = "the"
    else:
        rel = _lower(m["rel"] or m["rel3"])
        unit = "weekday" if m["wd"] else _lower(m["u"])
        k = _NARRATIVE_SHIFT.get(rel, 0)
    refs = ctx.refs if rel != "the next" or ctx.tense == PAST else ()
    ref, told = narrative.reference(refs, unit, ctx.anchor)
    if ref is not None and m["yago"]:  # "the same month a year ago": that month, a year before
        ref = narrative.year_before(ref, unit)
    how = "narrative" if told else _how(ctx)
    mod = _mod(m, "mod")
    if m["wd"]:
        parts = _weekday_parts(m, ctx)
        if parts is None:
            return None
        day, dp, typ = parts
        if ref is None:
            return Value(typ, _daypart_time(f"XXXX-WXX-{day}", dp), "unanchored")
        return Value(typ, _daypart_time(narrative.weekday_from(ref, day, k, ctx.tense), dp), how)
    if unit in DAYPARTS:  # "the next morning", "that night", "the night before"
        if ref is None:
            return Value("TIME", _daypart_time("XXXX-XX-XX", unit), "unanchored", mod)
        return Value("TIME", _daypart_time(narrative.shifted(ref, "day", k), unit), how, mod)
    if ref is None:
        return Value("DATE", _UNDERSPEC.get(unit, "XXXX"), "unanchored", mod)
    return Value("DATE", narrative.shifted(ref, unit, k), how, mod)


def _story_day(ctx: Context) -> tuple[date | None, str]:
    """The day "the day", "the morning" name: in a past clause, the last day the
    text mentioned ("closed Friday ... buy orders in the morning"), else the
    publication day."""
    if ctx.tense == PAST and ctx.anchor is not None:
        ref, told = narrative.reference(ctx.refs, "day", ctx.anchor)
        if told and ref is not None and date(*ref) <= ctx.anchor:
            return date(*ref), "narrative"
    return ctx.anchor, _how(ctx)


def _rel_unit(m: re.Match[str], ctx: Context) -> Value | None:
    if m["t2"] or m["part2"] or m["t4"] or m["t3"] or m["t"]:
        return _the_unit(m, ctx)
    return _shifted_unit(m, ctx)


def _the_unit(m: re.Match[str], ctx: Context) -> Value:
    """A unit named with "the" (the weekend, the end of the month, for the year): the current one."""
    a = ctx.anchor
    if m["t2"]:  # "the weekend", "the morning"
        unit = _lower(m["u3"])
        if unit == "weekend":
            if a is None:
                return Value("DATE", "XXXX-WXX-WE", "unanchored")
            if ctx.tense == FUTURE:
                d = a if a.isoweekday() >= 6 else cal.shift_days(a, 6 - a.isoweekday())
            else:
                d = a if a.isoweekday() >= 6 else cal.shift_days(a, -a.isoweekday())
            return Value("DATE", cal.week(d) + "-WE", "publication")
        day, how = _story_day(ctx)
        return Value("TIME", _daypart_time(day.isoformat() if day else "XXXX-XX-XX", unit), how)
    if m["part2"]:  # "the end of the month": the current one
        unit = _lower(m["u5"])
        if a is None:
            return Value("DATE", _UNDERSPEC[unit], "unanchored", _mod(m, "part2"))
        return Value("DATE", _shift_unit(a, unit, 0), "publication", _mod(m, "part2"))
    if m["t4"]:  # "for the day"
        day, how = _story_day(ctx)
        return Value("DATE", day.isoformat() if day else "XXXX-XX-XX", how)
    if m["t3"]:  # "for the year", "in the week"
        unit = _lower(m["u4"])
        if m["ended"]:
            return Value("DURATION", duration_value(1, unit), "none")
        if a is None:
            return Value("DATE", _UNDERSPEC[unit], "unanchored")
        return Value("DATE", _shift_unit(a, unit, 0), "publication")
    # m["t"] (the caller's guard leaves no other group): "earlier in the day"
    unit = _lower(m["u2"])
    if unit in DAYPARTS or unit == "day":
        day, how = _story_day(ctx)
        if unit == "day":
            return Value("DATE", day.isoformat() if day else "XXXX-XX-XX", how)
        return Value("TIME", _daypart_time(day.isoformat() if day else "XXXX-XX-XX", unit), how)
    if a is None:
        return Value("DATE", _UNDERSPEC[unit], "unanchored")
    return Value("DATE", _shift_unit(a, unit, 0), "publication")


def _shifted_unit(m: re.Match[str], ctx: Context) -> Value | None:
    """A unit shifted by a relative word (last week, next spring, this morning)."""
    a = ctx.anchor
    rel = _lower(m["rel"])
    unit = _lower(m["u"])
    mod = _mod(m, "mod", "part")
    if rel in {"that", "the same"}:
        return None
    shift = _rel_shift(rel)
    if shift is None:
        return None
    if unit in SEASONS:
        code = SEASONS[unit]
        if a is None:
            return Value("DATE", f"XXXX-{code}", "unanchored", mod)
        cur_y, cur = cal.season_of(a)
        if shift == 0:
            y = cal.season_year(a, code, cal.NEAREST)
        elif shift < 0:
            y = cur_y - 1 if code == cur else cal.season_year(a, code, cal.PAST)
        else:
            y = cur_y + 1 if code == cur else cal.season_year(a, code, cal.FUTURE)
        return Value("DATE", cal.period(y, code), "publication", mod)
    if unit in DAYPARTS:
        if a is None:
            return Value("TIME", _daypart_time("XXXX-XX-XX", unit), "unanchored", mod)
        d = cal.shift_days(a, shift)
        if unit == "night" and shift == 0 and rel == "this":
            d = a
        return Value("TIME", _daypart_time(d.isoformat(), unit), "publication", mod)
    if unit in {"decade", "century"} and rel in {"the past", "the next", "past"}:
        return Value("DURATION", duration_value(1, unit), "none", mod)
    if a is None:
        return Value("DATE", _UNDERSPEC.get(unit, "XXXX"), "unanchored", mod)
    return Value("DATE", _shift_unit(a, unit, shift), "publication", mod)


def _rel_day(m: re.Match[str], ctx: Context) -> Value | None:
    w = _lower(m["w"])
    shift = {"the day before yesterday": -2, "yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1,
             "the day after tomorrow": 2, "overnight": 0 if ctx.tense == FUTURE else -1}[w]
    if w == "overnight" and (m["dp"] or m["dp0"] or m["mod"]):
        return None
    dp = m["dp"] or m["dp0"] or ("night" if w in {"tonight", "overnight"} else None)
    typ = "TIME" if dp else "DATE"
    mod = _mod(m, "mod", "dmod")
    if ctx.anchor is None:
        return Value(typ, _daypart_time("XXXX-XX-XX", dp), "unanchored", mod)
    d = cal.shift_days(ctx.anchor, shift).isoformat()
    return Value(typ, _daypart_time(d, dp), "publication", mod)


def _weekday_parts(m: re.Match[str], ctx: Context) -> tuple[int, str | None, str] | None:
    """A matched weekday's number, its part of the day and the TIMEX3 type they make."""
    day = _weekday_number(m["wd"], ctx.lex)
    if day is None:
        return None
    dp = m["dp"]
    return day, dp, "TIME" if dp else "DATE"


def _weekday(m: re.Match[str], ctx: Context) -> Value | None:
    parts = _weekday_parts(m, ctx)
    if parts is None:
        return None
    day, dp, typ = parts
    if ctx.anchor is None:
        return Value(typ, _daypart_time(f"XXXX-WXX-{day}", dp), "unanchored")
    # News reads a bare weekday as the closest one in the direction of its clause:
    # past events look back, plans and present-tense schedules look ahead.
    direction = cal.FUTURE if ctx.tense in {FUTURE, PRESENT} else cal.PAST
    # "until Tuesday", "until 9 a.m. Tuesday": a deadline lies ahead even in a past clause
    # ("Until Thursday, they had not..." opens a sentence about a past state: not a deadline)
    before = ctx.text[max(0, m.start() - 24) : m.start()]
    if _UNTIL.search(before) or _SOON.search(before) or (_BY.search(before) and ctx.tense != PAST):
        direction = cal.FUTURE
    d = cal.weekday_date(ctx.anchor, day, direction)
    if d == ctx.anchor:
        how = "publication"
    elif direction == cal.FUTURE and ctx.tense not in {FUTURE, PRESENT}:
        how = "tense-future"  # a deadline: "until Tuesday", "as soon as Tuesday"
    else:
        how = f"tense-{ctx.tense or 'past'}"
    return Value(typ, _daypart_time(d.isoformat(), dp), how)


def _weekday_set(m: re.Match[str], ctx: Context) -> Value | None:
    day = _weekday_number(m["wd"] or m["wd2"], ctx.lex)
    part = _lower(m["dps"]).rstrip("s")  # "Tuesday nights"
    return Value("SET", f"XXXX-WXX-{day}" + (f"T{DAYPARTS[part]}" if part else ""), "none") if day else None


_ADVERB_SETS = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "quarterly": "P3M", "annually": "P1Y",
                "yearly": "P1Y", "annual": "P1Y", "nightly": "P1D", "hourly": "PT1H", "biweekly": "P2W", "bimonthly": "P2M",
                "semiannually": "P6M", "semi-annually": "P6M", "biannually": "P6M", "fortnightly": "P2W"}


def _set(m: re.Match[str], ctx: Context) -> Value | None:
    if m["adv"]:
        if _lower(m["adv"]) == "annual":  # an adjective: "annual profit" is a year's profit
            return Value("DURATION", "P1Y", "none")
        return Value("SET", _ADVERB_SETS[_lower(m["adv"])], "none")
    if m["times"]:
        return Value("SET", duration_value(1, _unit_key(m["u2"])), "none")
    u = m["u"]
    day = _weekday_number(u, ctx.lex)
    if day is not None:
        return Value("SET", f"XXXX-WXX-{day}", "none")
    mo = _month_number(u, ctx.lex)
    if mo is not None and u[:1].isupper():
        return Value("SET", f"XXXX-{mo:02d}", "none")
    if _lower(u) in DAYPARTS:
        return Value("SET", f"XXXX-XX-XXT{DAYPARTS[_lower(u)]}", "none")
    n = parse_number(m["n"]) if m["n"] else 1
    return Value("SET", duration_value(n if n is not None else 1, _unit_key(u)), "none")


def _duration(m: re.Match[str], ctx: Context) -> Value | None:
    if m["bare"]:
        return Value("DURATION", duration_value(None, _unit_key(m["bare"])), "none")
    if m["recent"]:
        word = _lower(m["recent"])
        return Value("DATE", "PAST_REF" if word in {"recent", "past"} else "FUTURE_REF", "none")
    if m["pre2"]:  # "the past week" one unit; "the coming years" some
        plural = _lower(m["u2"]).endswith(("s", "millennia"))
        return Value("DURATION", duration_value(None if plural else 1, _unit_key(m["u2"])), "none")
    if m["u6"]:  # "the weeks ahead"
        return Value("DURATION", duration_value(None, _unit_key(m["u6"])), "none")
    unit = _unit_key(m["u"])
    raw = _lower(m["n"])
    n = parse_number(raw)
    if n is None and raw not in VAGUE_NUMBERS:
        return None
    after = ctx.text[m.end() : m.end() + 24]
    if unit == "second" and raw in {"a", "an"} and _ORDINAL_NEXT.match(after):
        return None  # "a second group", "a second term": an ordinal
    if unit == "quarter" and (_FRACTION_NEXT.match(after) or re.search(r"\w-quarters?$", m.group(), re.I)):
        return None  # "three-quarters of its food", "a quarter of the market": a fraction
    if unit == "day" and raw == "one" and not m["pre"] and _FUTURE_BEFORE.search(ctx.text[max(0, m.start() - 12) : m.start()]):
        return Value("DATE", "FUTURE_REF", "none")  # "Islam will one day be..."
    if n is not None and ("and a half" in _lower(m.group()) or m["frac"]):
        n += 0.5
    if m["n0"]:  # "two to three weeks"
        n = None
    pre = _lower(m["pre"])
    if raw in {"a", "an"} and not pre:
        before = ctx.text[max(0, m.start() - 24) : m.start()]
        if _PER_CUES.search(before):  # "$5 a year", "twice a week"
            return Value("SET", duration_value(1, unit), "none")
    mod = {"about": "APPROX", "around": "APPROX", "roughly": "APPROX", "approximately": "APPROX",
           "some": "APPROX", "nearly": "LESS_THAN", "almost": "LESS_THAN", "less than": "LESS_THAN",
           "fewer than": "LESS_THAN", "under": "LESS_THAN", "up to": "EQUAL_OR_LESS",
           "more than": "MORE_THAN", "over": "MORE_THAN", "at least": "EQUAL_OR_MORE"}.get(pre)
    return Value("DURATION", duration_value(n, unit), "none", mod)


_REFS = {"PRESENT_REF": {"right now", "just now", "now", "currently", "nowadays", "presently", "at present",
                         "the present", "these days", "current", "the time being"},
         "PAST_REF": {"recently", "more recently", "lately", "in recent times", "the past", "previously",
                      "formerly", "recent"},
         "FUTURE_REF": {"the future", "future", "soon", "shortly", "the near future", "the near term",
                        "the long term", "the short term", "the long run", "the short run"}}


def _ref(m: re.Match[str], ctx: Context) -> Value | None:
    w = _lower(m["w"] or m["w2"])
    for value, words in _REFS.items():
        if w in words:
            return Value("DATE", value, "none")
    return None


def _clock(m: re.Match[str], ctx: Context) -> Value | None:
    if m["hh4"]:  # "4 in the morning", "10 at night"
        hh = int(m["hh4"])
        part = _lower(m["dp4"] or m["dp5"])
        if part == "night" and hh == 12:
            hh = 24  # midnight, written as in "midnight Friday"
        elif part in {"afternoon", "evening"} or (part == "night" and hh >= 6):
            hh = hh % 12 + 12
        elif hh == 12:
            hh = 0
        day = ctx.anchor.isoformat() if ctx.anchor else "XXXX-XX-XX"
        return Value("TIME", f"{day}T{hh:02d}:00", _how(ctx))
    hh = int(m["hh"] or m["hh2"] or m["hh3"])
    mm = int(m["mm"] or m["mm2"] or m["mm3"] or 0)
    ap = _lower(m["ap"]).replace(".", "")
    if ap == "pm" and hh < 12:
        hh += 12
    elif ap == "am" and hh == 12:
        hh = 0
    if hh > 24 or (ap and int(m["hh"] or 0) > 12):
        return None
    day = ctx.anchor.isoformat() if ctx.anchor else "XXXX-XX-XX"
    zone = "Z" if _lower(m["tz"] or m["tz2"] or m["tz3"]) in {"utc", "gmt", "z"} else ""
    return Value("TIME", f"{day}T{hh:02d}:{mm:02d}{zone}", _how(ctx))


def _noon(m: re.Match[str], ctx: Context) -> Value | None:
    w = _lower(m["w"])
    day = ctx.anchor.isoformat() if ctx.anchor else "XXXX-XX-XX"
    return Value("TIME", f"{day}T{'24:00' if w == 'midnight' else '12:00'}", _how(ctx))


HANDLERS: dict[str, Handler] = {
    "iso": _iso, "slash": _slash, "week_of": _week_of, "mdy": _day_month, "dmy": _day_month, "month_year": _month_year, "month_rel": _month_rel, "spoken_year": _spoken_year, "year_end": _year_end,
    "clock": _clock, "noon": _noon, "decade": _decade, "century": _century, "fiscal": _fiscal,
    "quarter": _quarter, "season": _season, "holiday": _holiday, "ago": _ago, "year_ago": _year_ago,
    "narrative": _narrative, "rel_named": _rel_named, "rel_unit": _rel_unit, "rel_day": _rel_day, "weekday": _weekday,
    "weekday_set": _weekday_set, "year_part": _year_part, "set": _set, "month": _month, "year": _year, "duration": _duration,
    "ref": _ref,
}
