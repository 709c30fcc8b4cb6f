"""The surface grammar of English time expressions, compiled once into one regex.

Each rule is a regular expression with named groups; the rules are joined into
one alternation (names stripped) so a document is scanned once, left to right.
A match is then re-read by its own rule's pattern to get the groups. A group
named ``t`` marks the span to report when the rule needs context around it
(e.g. "earlier in [the day]"). Spaces in a pattern stand for any whitespace.

Number words, units, parts of the day and modifiers are closed lists and live
here; month, weekday and holiday names come from the data files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tidings.nlp._time.lexicon import TimeLexicon

# fmt: off
NUMBER_WORDS: dict[str, float] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100, "dozen": 12, "a dozen": 12,
    "a": 1, "an": 1, "single": 1, "half a": 0.5, "half an": 0.5,
}
VAGUE_NUMBERS = ("several", "a few", "few", "a couple of", "couple of", "a couple", "many", "some",
                 "dozens of", "a number of", "hundreds of", "numerous", "countless", "more")
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8, "9th": 9,
    "10th": 10, "11th": 11, "12th": 12, "13th": 13, "14th": 14, "15th": 15, "16th": 16,
    "17th": 17, "18th": 18, "19th": 19, "20th": 20, "21st": 21,
}
# unit word -> (TIMEX3 duration letter(s), whether it needs the T time designator)
UNITS: dict[str, tuple[str, bool]] = {
    "second": ("S", True), "minute": ("M", True), "hour": ("H", True), "day": ("D", False),
    "night": ("D", False), "week": ("W", False), "weekend": ("WE", False), "fortnight": ("W2", False),
    "month": ("M", False), "quarter": ("Q", False), "year": ("Y", False), "decade": ("DE", False),
    "century": ("CE", False), "millennium": ("ML", False),
}
DAYPARTS: dict[str, str] = {
    "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI",
    "midday": "MI", "noon": "MI",
}
SEASONS: dict[str, str] = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
DECADE_WORDS: dict[str, int] = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
    "eighties": 8, "nineties": 9,
}
# fmt: on

_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ONES = "one|two|three|four|five|six|seven|eight|nine"
_NUMWORD = (
    rf"(?:(?:{_TENS})(?:[- ](?:{_ONES}))?|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    rf"seventeen|eighteen|nineteen|ten|{_ONES}|a hundred|hundred|a dozen|dozen|half an?|single)"
)
_VAGUE = "|".join(sorted((re.escape(v) for v in VAGUE_NUMBERS), key=len, reverse=True))
NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:[.,]\d+)?|{_NUMWORD}|an?)"  # "130,000", "2.5", "two"
_UNIT_SG = "second|minute|hour|day|night|week|weekend|fortnight|month|quarter|year|decade|century|millennium"
# Verbs that close a trading period: "to end the day", "closed the week".
_CLOSING = "end|ends|ended|ending|finish|finished|finishing|close|closes|closed|closing"
_UNIT_PL = "seconds|minutes|hours|days|nights|weeks|weekends|fortnights|months|quarters|years|decades|centuries|millennia"
UNIT = rf"(?:{_UNIT_PL}|{_UNIT_SG})"
YEAR = r"(?:1[6-9]\d\d|20\d\d)(?!\d)"
# a year said in words, as in broadcast transcripts: "nineteen ninety-four"
SPOKEN_YEAR = rf"(?:nineteen|twenty) (?:(?:{_TENS})(?:[- ](?:{_ONES}))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)(?![\w-])"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d|[:.]\d)"
# A day no month has, written with a year ("32 January 2024", "January 35, 2024"): an
# impossible date, kept and flagged rather than read as "January 2024". Without a year
# such a number counts something ("in January 35 people died").
BAD_DAY = r"3[2-9](?:st|nd|rd|th)?"
DAYPART = "morning|afternoon|evening|night|overnight"
SEASON = "spring|summer|fall|autumn|winter"
EDGE_MOD = r"(?:(?:very )?early|late|mid|earlier|later)"
PART_OF = r"(?:the )?(?:end|beginning|start|middle|rest|remainder|course|balance|close|turn|first half|second half|first part|latter part|early part|last part|dawn) of"
REL = r"(?:this past|this coming|the coming|the past|the previous|the last|the next|last|next|this|coming|past|previous|current|the current|that|the same)"
ORD = "|".join(sorted(ORDINALS, key=len, reverse=True))
QORD = r"(?:first|second|third|fourth|final|last|1st|2nd|3rd|4th)"
TZ = r"(?-i:[ECMP][SD]T|GMT|UTC|BST|CET|CEST|KST|JST|Z)"


def _names(names: list[str]) -> str:
    """A case-sensitive alternation of names written with a capital initial or in capitals."""
    forms: set[str] = set()
    for n in names:
        forms.add(re.escape(n[0].upper() + n[1:]))
        forms.add(re.escape(n.upper()))
    # a name ending in "." must not need a word boundary after it
    return "(?-i:" + "|".join(sorted(forms, key=len, reverse=True)) + ")"


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: its name and compiled pattern."""

    name: str
    regex: re.Pattern[str]


def build_rules(lex: TimeLexicon) -> list[tuple[str, str]]:
    """Return the ordered (name, pattern) rules for a vocabulary."""
    # Longer than most functions: one table whose order is the match priority, best read whole.
    months_all = _names(list(lex.months))
    months_full = _names([n for n, (_, k) in lex.months.items() if k == "full"])
    wd_all = _names(list(lex.weekdays))
    wd_full = _names([n for n, (_, k) in lex.weekdays.items() if k == "full"])
    holidays = "|".join(sorted((re.escape(h.name) for h in lex.holidays.values()), key=len, reverse=True))
    b = r"(?<![\w-])"  # a start boundary that also refuses hyphenated tails
    e = r"(?![\w])"
    wd_pre = rf"(?:(?P<wd>{wd_all}),? )?"
    rules = [
        ("iso", rf"{b}(?P<y>\d{{4}})-(?P<m>\d\d)-(?P<d>\d\d)(?:T(?P<hh>\d\d):(?P<mm>\d\d)(?::\d\d)?)?{e}"),
        ("slash", rf"{b}(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})/(?P<y>\d{{4}}|\d\d){e}"),
        ("week_of", rf"{b}the week of (?P<mon>{months_all}) ?(?P<d>{DAY})(?:,? (?P<y>{YEAR}))?{e}"),
        ("mdy", rf"{b}{wd_pre}(?P<mon>{months_all}) ?(?P<d>{DAY}|{BAD_DAY}(?=,? {YEAR}))(?:,? (?P<y>{YEAR}))?{e}"),
        ("dmy", rf"{b}{wd_pre}(?:the )?(?P<d>{DAY}|{BAD_DAY}(?= (?:of )?{months_all},? {YEAR})) (?:of )?(?P<mon>{months_all})(?:,? (?P<y>{YEAR}))?{e}"),
        ("month_rel", rf"{b}(?:(?P<mod>{EDGE_MOD})[- ])?(?P<mon>{months_full}),? (?:of )?(?P<rel>this|last|next) year{e}"),
        ("spoken_year", rf"{b}(?:the year )?(?:(?P<c>nineteen|twenty) (?P<yy>(?:{_TENS})(?:[- ](?:{_ONES}))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|hundred)|(?P<k>two thousand)(?: and (?P<k2>{_ONES}|ten))?){e}(?! {UNIT}{e})"),
        ("month_year", rf"{b}(?:(?P<mod>{EDGE_MOD})[- ]|(?P<part>{PART_OF}) )?(?P<mon>{months_all}),? (?:of )?(?P<y>{YEAR}|{SPOKEN_YEAR})"),
        ("clock", rf"{b}(?P<hh>[01]?\d|2[0-3])(?:[:.](?P<mm>[0-5]\d))? ?(?P<ap>a\.m\.|p\.m\.|a\.m|p\.m|am|pm)(?![\w])(?: (?P<tz>{TZ}){e})?"
                  rf"|{b}(?P<hh2>[01]?\d|2[0-3]):(?P<mm2>[0-5]\d)(?: (?P<tz2>{TZ}){e})?(?![\d])"
                  rf"|{b}(?P<hh3>[01]\d|2[0-3])(?P<mm3>[0-5]\d) (?P<tz3>{TZ}){e}"
                  rf"|{b}(?P<hh4>1[0-2]|0?[1-9])(?: o'clock)? (?:in the (?P<dp4>morning|afternoon|evening)|at (?P<dp5>night)){e}"),
        ("noon", rf"{b}(?P<w>noon|midday|midnight){e}"),
        ("decade", rf"{b}(?:the )?(?:(?P<mod>early|late|mid)[- ])?(?:(?P<dd>1\d\d|20\d)0'?s|'(?P<d2>\d)0'?s|(?<=the\x20)(?P<d3>[2-9])0s|(?<=and\x20)(?P<d4>[2-9])0s|(?:nineteen[- ])?(?P<dw>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)){e}"),
        ("century", rf"{b}(?:the )?(?:(?P<mod>early|late|mid)[- ])?(?P<ord>{ORD})[- ]century{e}"),
        ("fiscal", rf"{b}(?:(?P<rel>{REL}) )?(?:fiscal|FY) ?(?:year )?(?:(?P<y>{YEAR})|'?(?P<y2>\d\d)(?!\d))(?:[-/](?:\d\d){{1,2}})?{e}"
                   rf"|{b}(?:the )?(?:(?P<rel2>{REL}|new) )?fiscal year{e}"),
        ("quarter", rf"{b}(?:(?P<the>the) )?(?:(?P<mods>(?:(?:current|latest|recent|previous|past|last|next|coming|same|comparable|corresponding|year-ago|year-earlier|fiscal|calendar|\d{{4}}|this year's|last year's|next year's)[ -])+))?(?:(?P<qord>{QORD})[- ](?P<qh>quarter|half)|(?P<q>quarter|period))(?: (?:(?:of|in) )?(?:(?:the )?fiscal )?(?P<qy>{YEAR}|this year|last year|next year|the year|the last year|the previous year|a year (?:ago|earlier)))?{e}"
                    rf"|{b}(?:Q(?P<qn>[1-4])|(?P<qn2>[1-4])Q)(?:[ -]?(?P<qy2>{YEAR}))?{e}"),
        ("season", rf"{b}(?:(?P<mod>early|late|mid)[- ])?(?:(?P<rel>{REL}|the) )(?P<s>{SEASON})(?:,? (?:of )?(?P<y>{YEAR}|{SPOKEN_YEAR}))?{e}"
                   rf"|{b}(?:(?P<mod2>early|late|mid)[- ])?(?P<s2>{SEASON}),? (?:of )?(?P<y2>{YEAR})"
                   rf"|(?:(?<=in\x20)|(?<=since\x20)|(?<=during\x20)|(?<=until\x20)|(?<=by\x20))(?P<s3>spring|summer|winter|autumn){e}"),
        ("holiday", rf"{b}(?:(?P<rel>last|next|this) )?(?P<h>(?-i:{holidays}))(?:,? (?P<y>{YEAR}))?{e}"),
        ("ago", rf"{b}(?:(?:about|around|nearly|almost|roughly|some|more than|less than|just|only|at least|over) )?(?P<n>{NUM}|{_VAGUE})(?: and a half)?[ -](?P<u>{UNIT})(?: and a half)?(?: or so)? (?P<dir>ago|earlier|later|from now|hence|back){e}"
                ),
        ("year_end", rf"{b}(?P<w>year-end|year end|year's end|the end of the year|the end of this year|the turn of the year|the full year|the whole year|the calendar year){e}"),
        ("year_ago", rf"{b}(?P<w>year|month|week|day)-(?:ago|earlier){e}"),
        ("narrative", rf"{b}(?:(?P<mod>{EDGE_MOD})(?: in| on)? )?(?P<rel>the following|the previous|the preceding|the prior|the next|that same|that very|the same|that) (?P<u>day|morning|afternoon|evening|night|week|weekend|month|quarter|year)(?P<yago>(?:(?<=same\x20day)|(?<=same\x20week)|(?<=same\x20month))(?:,? (?:a year (?:ago|earlier|before)|(?:of )?last year|(?:of )?the previous year|(?:of )?the year before)))?(?![\w-])"
                      rf"|{b}(?P<rel3>the following|the previous|the preceding|the prior|the next|that same) (?P<wd>{wd_full})(?: (?P<dp>{DAYPART}))?(?![\w-])"
                      rf"|{b}(?P<u2>the day|the night|the week|the month|the year|the weekend) (?P<dir>before|after|earlier|later)(?! (?:yesterday|tomorrow|the|a|an|his|her|its|their|our|this|that|these|those)(?![\w-]))(?! ?[A-Z0-9])(?![\w-])"),
        ("rel_named", rf"{b}(?:(?P<mod>{EDGE_MOD})[- ])?(?P<rel>this past|this coming|last|next|this|coming|past|previous) (?:(?P<wd>{wd_full})|(?P<mon>{months_full}))(?: (?P<dp>{DAYPART}))?{e}"),
        ("rel_unit", rf"{b}(?:(?P<mod>{EDGE_MOD})(?: in)? |(?P<part>{PART_OF}) )?(?P<rel>{REL}) (?P<u>week|weekend|month|quarter|year|decade|century|night|morning|afternoon|evening|{SEASON})(?:'s)?{e}"
                     rf"|{b}(?:{EDGE_MOD}|by|at|until|{_CLOSING}) (?:(?:in|on|at) )?(?P<t>the (?P<u2>day|week|month|year|weekend|morning|afternoon|evening))(?! of){e}"
                     rf"|{b}(?P<part2>{PART_OF}) the (?P<u5>week|month|year|decade|quarter){e}"
                     rf"|{b}(?P<t2>the (?P<u3>weekend|morning|afternoon|evening|night)){e}(?! of (?:the )?[A-Z0-9])"
                     rf"|(?<=for\x20)(?P<t4>the day)(?! of| (?:before|after)){e}"
                     rf"|(?:(?<=for\x20)|(?<=in\x20)|(?<=of\x20))(?P<t3>the (?P<u4>year|week|month)(?P<ended> end(?:ed|ing))?)(?! of| (?:before|after|ago|earlier))(?!\w)"),
        ("rel_day", rf"{b}(?:(?P<mod>early|late|earlier|later) |(?:(?P<dmod>early|late|mid)[- ]?)?(?P<dp0>{DAYPART}) )?(?P<w>the day before yesterday|the day after tomorrow|yesterday|today|tomorrow|tonight|overnight)(?:'s)?(?: (?P<dp>{DAYPART}))?{e}"),
        ("weekday_set", rf"{b}(?P<wd>{wd_full})s{e}|{b}(?P<wd2>{wd_full}) (?P<dps>mornings|afternoons|evenings|nights){e}"),
        ("weekday", rf"{b}(?P<wd>{wd_full})(?:'s)?(?: (?P<dp>{DAYPART}))?(?![\w]|s\b)"),
        ("set", rf"{b}(?:every|each|per) (?:other )?(?:(?P<n>{NUM}) )?(?P<u>{UNIT}|{wd_full}|{months_full}|{DAYPART}){e}"
                rf"|{b}(?P<adv>daily|weekly|monthly|quarterly|annually|yearly|annual|nightly|hourly|biweekly|bimonthly|semiannually|semi-annually|biannually|fortnightly){e}"
                rf"|{b}(?P<times>once|twice|three times|\d+ times|{_NUMWORD} times) (?:a|an|per|each|every) (?P<u2>{UNIT}){e}"),
        ("month", rf"{b}(?:(?P<mod>{EDGE_MOD})[- ]|(?P<part>{PART_OF}) )?(?P<mon>{months_full})(?!\w)(?!-)"),
        ("year_range", rf"{b}(?P<y>{YEAR})[-\u2013](?P<y2>{YEAR})(?!\w|[-/]\d)"),
        ("year", rf"{b}(?:(?P<mod>early|late|mid)[- ]|(?P<part>{PART_OF}) |the year )?(?P<y>{YEAR})(?!\w|[-/]\d|[.,]\d|%| percent| per cent)"),
        ("duration", rf"{b}(?:(?P<pre>about|around|nearly|almost|roughly|approximately|some|more than|less than|fewer than|over|under|at least|up to|just|only|another|an additional|the (?:first|last|past|next|previous|final|coming|remaining|ensuing|following|latest)|the) )?"
                     rf"(?:(?P<n0>{NUM}) (?:to|or) )?(?P<n>{NUM}|{_VAGUE})(?P<frac> 1/2| and a half)?(?: (?:more|additional|full|straight|consecutive|successive|trading|business|working)){{0,2}}[ -](?P<u>{UNIT})(?: and a half)?(?!-old|-year-old| old)(?P<adj>-long)?{e}"
                     rf"|{b}(?P<pre2>the (?:past|last|next|previous|coming|first|final|remaining) )(?P<u2>{UNIT}){e}"
                     rf"|(?:(?<=for\x20)|(?<=in\x20)|(?<=over\x20)|(?<=within\x20)|(?<=took\x20)|(?<=lasted\x20))(?P<bare>years|months|weeks|days|decades|hours|minutes|centuries){e}"
                     rf"|{b}(?P<recent>recent|coming|next|past) (?P<u3>years|months|weeks|days|decades|hours|quarters){e}"
                     rf"|{b}the (?P<u6>years|months|weeks|days|decades) (?:ahead|to come){e}"),
        ("ref", rf"{b}(?P<w>right now|just now|now|currently|nowadays|presently|at present|the present|these days|recently|more recently|lately|in recent times|the future|the near future|the near term|the long term|the short term|the long run|the short run|the time being|recent|current){e}"
                rf"|{b}(?P<w2>the past)(?! (?:{NUM}|{_VAGUE}|{UNIT}|{ORD}|decade|century){e})(?![\w-])"),
    ]
    return rules


# Words of which every time expression holds at least one (with numbers and the
# month, weekday and holiday names): the grammar is only tried around them.
TRIGGER_WORDS = (
    f"{_UNIT_PL}|{_UNIT_SG}|{DAYPART}|{SEASON}|yesterday|today|tomorrow|tonight|now|currently|nowadays|"
    "presently|present|past|being|period|these days|recently|lately|recent|current|future|term|run|noon|midday|midnight|daily|"
    "weekly|monthly|quarterly|annually|yearly|annual|nightly|hourly|biweekly|bimonthly|semiannually|"
    "semi-annually|biannually|fortnightly|fiscal|twenties|thirties|forties|fifties|sixties|seventies|eighties|"
    "nineties|nineteen|thousand|year-end|Mondays|Tuesdays|Wednesdays|Thursdays|Fridays|Saturdays|Sundays"
)


def trigger_words(lex: TimeLexicon) -> tuple[frozenset[str], frozenset[str]]:
    """The words that can anchor a time expression: (lower-cased words, names as written)."""
    lower = frozenset(w.lower() for w in TRIGGER_WORDS.replace(" ", "|").split("|"))
    names: set[str] = set()
    for n in [*lex.months, *lex.weekdays, *(h.name for h in lex.holidays.values())]:
        for w in n.split():
            w = w.rstrip(".")
            names.update({w, w.upper(), w[:1].upper() + w[1:]})
    return lower, frozenset(names)


def compile_rules(lex: TimeLexicon) -> tuple[re.Pattern[str], dict[str, re.Pattern[str]]]:
    """Compile the master scanner and each rule's own pattern."""
    flags = re.IGNORECASE
    own: dict[str, re.Pattern[str]] = {}
    parts: list[str] = []
    for name, pat in build_rules(lex):
        # re.escape() writes a space as "\ ": make it a plain space first, so that
        # multi-word names ("a couple of", "Christmas Eve") also allow any whitespace
        pat = pat.replace("\\ ", " ").replace(" ?", r"\s*").replace(" ", r"\s+")
        own[name] = re.compile(pat, flags)
        stripped = re.sub(r"\(\?P<\w+>", "(?:", pat)
        parts.append(f"(?P<{name}>{stripped})")
    # Expressions start at a word start: checking that once, before the
    # alternation, spares every other position the whole list of rules.
    # Nor inside a number: "300,000 days ago" is not read out of "1,300,000 days ago".
    return re.compile(r"(?<![\w\-])(?<!\d[.,])(?=[\w'$])(?:" + "|".join(parts) + ")", flags), own
