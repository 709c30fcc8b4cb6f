"""The vocabulary of the time layer, read from data files under ``tidings/data/time``.

Month and weekday names, holidays, the verbs that make a clause look ahead and
calendar settings are data a user may want to change; number words and unit
names are closed lists and live in :mod:`tidings.nlp._time.grammar`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from tidings.errors import LexiconError
from tidings.knowledge.files import Field, load_data_file

DEFAULT_PATHS: dict[str, str] = {
    "months": "tidings:time/months.tsv",
    "weekdays": "tidings:time/weekdays.tsv",
    "holidays": "tidings:time/holidays.tsv",
    "cues": "tidings:time/cues.tsv",
    "settings": "tidings:time/settings.tsv",
}


def _in_range(lo: int, hi: int) -> object:
    def check(value: int | None) -> str | None:
        if value is None or lo <= value <= hi:
            return None
        return f"expected a number from {lo} to {hi}"

    return check


_MONTH_FIELDS = [
    Field("name", required=True),
    Field("month", required=True, kind="int", check=_in_range(1, 12)),  # type: ignore[arg-type]
    Field("kind", required=True, choices=frozenset({"full", "abbr"})),
]
_WEEKDAY_FIELDS = [
    Field("name", required=True),
    Field("day", required=True, kind="int", check=_in_range(1, 7)),  # type: ignore[arg-type]
    Field("kind", required=True, choices=frozenset({"full", "abbr"})),
]
_HOLIDAY_FIELDS = [
    Field("name", required=True),
    Field("month", kind="int", check=_in_range(1, 12)),  # type: ignore[arg-type]
    Field("day", kind="int", check=_in_range(1, 31)),  # type: ignore[arg-type]
    Field("weekday", kind="int", check=_in_range(1, 7)),  # type: ignore[arg-type]
    Field("nth", kind="int", check=_in_range(-5, 5)),  # type: ignore[arg-type]
    Field("easter", kind="int", check=_in_range(-100, 100)),  # type: ignore[arg-type]
]
_CUE_FIELDS = [
    Field("lemma", required=True),
    Field("tense", required=True, choices=frozenset({"future", "past"})),
    Field("object", choices=frozenset({"yes", "no"})),
]
_SETTING_FIELDS = [Field("key", required=True, choices=frozenset({"fiscal_year_start_month"})), Field("value", required=True)]


@dataclass(frozen=True, slots=True)
class Holiday:
    """A named day: a fixed date, the nth weekday of a month, or an offset from Easter."""

    name: str
    month: int | None
    day: int | None
    weekday: int | None
    nth: int | None
    easter: int | None


@dataclass(frozen=True, slots=True)
class TimeLexicon:
    """Everything the recognizer and normaliser read from data."""

    months: dict[str, tuple[int, str]]
    weekdays: dict[str, tuple[int, str]]
    holidays: dict[str, Holiday]
    cues: dict[str, str]
    fiscal_year_start_month: int
    sha256: str
    object_cues: frozenset[str] = frozenset()  # cues whose own object they place ("planned a rally")


@functools.lru_cache(maxsize=8)
def load_lexicon(
    months: str = DEFAULT_PATHS["months"],
    weekdays: str = DEFAULT_PATHS["weekdays"],
    holidays: str = DEFAULT_PATHS["holidays"],
    cues: str = DEFAULT_PATHS["cues"],
    settings: str = DEFAULT_PATHS["settings"],
) -> TimeLexicon:
    """Load and validate the time vocabulary (cached per set of paths).

    Args:
        months, weekdays, holidays, cues, settings: ``"tidings:time/<file>"`` for a
            shipped file or a path to a user's file of the same shape.

    Returns:
        The vocabulary.

    Raises:
        LexiconError: a file is missing or malformed (names the file, line and field).
    """
    m = load_data_file(months, _MONTH_FIELDS)
    w = load_data_file(weekdays, _WEEKDAY_FIELDS)
    h = load_data_file(holidays, _HOLIDAY_FIELDS)
    c = load_data_file(cues, _CUE_FIELDS)
    s = load_data_file(settings, _SETTING_FIELDS)
    hol: dict[str, Holiday] = {}
    for e in h.entries:
        if e["day"] is None and (e["weekday"] is None or e["nth"] is None) and e["easter"] is None:
            raise LexiconError(
                "[T225] a holiday needs a month and day, a weekday and nth, or an easter offset",
                path=h.path, line=e["_line"], field="day",
            )
        hol[e["name"].lower()] = Holiday(e["name"], e["month"], e["day"], e["weekday"], e["nth"], e["easter"])
    conf = {e["key"]: (e["value"], e["_line"]) for e in s.entries}
    raw, line = conf.get("fiscal_year_start_month", ("1", None))
    if not raw.isdigit() or not 1 <= int(raw) <= 12:
        raise LexiconError(f"[T226] fiscal_year_start_month must be a month number from 1 to 12; got {raw!r}",
                           path=s.path, line=line, field="value")
    fy = int(raw)
    digest = "".join(f.sha256[:16] for f in (m, w, h, c, s))
    return TimeLexicon(
        months={e["name"]: (e["month"], e["kind"]) for e in m.entries},
        weekdays={e["name"]: (e["day"], e["kind"]) for e in w.entries},
        holidays=hol,
        cues={e["lemma"].lower(): e["tense"] for e in c.entries},
        fiscal_year_start_month=fy,
        sha256=digest,
        object_cues=frozenset(e["lemma"].lower() for e in c.entries if e["object"] == "yes"),
    )
