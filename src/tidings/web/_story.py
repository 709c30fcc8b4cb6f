"""What the story page draws from a story: its reports on a time line, one lane per publisher.

Plain presentation over the dicts of ``Store.story``: no store access here.
The picture is an SVG drawn on the server (positions as attributes, colours
as classes: the CSP allows no inline style), so it needs no script.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Publisher colours (classes pub-0 ... pub-7 of app.css); a ninth publisher takes the first again.
COLOURS = 8
WIDTH, LEFT, RIGHT, LANE, TOP = 760, 180, 16, 24, 8


@dataclass(slots=True)
class Lane:
    publisher: str
    colour: int
    y: int
    dots: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Timeline:
    """The reports of a story in time order, their publishers' lanes and the picture's scale."""

    reports: list[dict[str, Any]]
    lanes: list[Lane]
    undated: int
    ticks: list[dict[str, Any]]
    height: int
    width: int = WIDTH
    left: int = LEFT

    @property
    def axis_y(self) -> int:
        return self.height - 18


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _label(moment: datetime, with_time: bool) -> str:
    return moment.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def moment(value: str | None) -> str:
    """An ISO date-time as a reader wants it: ``2023-01-29 14:05``, or the day alone at midnight."""
    if not value:
        return "undated"
    text = value.replace("T", " ").removesuffix("Z").removesuffix("+00:00")
    if len(text) > 10 and text[10:].strip().strip("0:.") == "":
        return text[:10]
    return text[:16]


def timeline(articles: list[dict[str, Any]]) -> Timeline:
    """The story's articles (``Store.story(...)["articles"]``) laid out by time and publisher.

    Each report gets ``colour`` (its publisher's) and, when dated, ``x`` and ``y``
    in the picture; publishers are ordered by their first report.
    """
    reports = sorted(({**a, "publisher": a.get("publisher") or "Unknown publisher", "when": _when(a.get("published"))}
                      for a in articles),
                     key=lambda a: (a["when"] is None, a["when"] or datetime.min.replace(tzinfo=UTC), a["id"]))
    lanes: dict[str, Lane] = {}
    for a in reports:
        if a["publisher"] not in lanes:
            n = len(lanes)
            lanes[a["publisher"]] = Lane(a["publisher"], n % COLOURS, TOP + n * LANE + LANE // 2)
        a["colour"] = lanes[a["publisher"]].colour
    dated = [a for a in reports if a["when"] is not None]
    ticks: list[dict[str, Any]] = []
    if dated:
        first, last = dated[0]["when"], dated[-1]["when"]
        span = (last - first).total_seconds()
        usable = WIDTH - LEFT - RIGHT
        for a in dated:
            frac = (a["when"] - first).total_seconds() / span if span else 0.5
            a["x"] = round(LEFT + frac * usable, 1)
            lane = lanes[a["publisher"]]
            a["y"] = lane.y
            lane.dots.append(a)
        days = span / 86400
        # Times of day only for a story of a day or two whose reports give them.
        with_time = days < 2 and any("T" in (a.get("published") or "") for a in dated)
        marks = [(0.0, first), (1.0, last)] if span else [(0.5, first)]
        if days >= 2:
            marks.insert(1, (0.5, first + (last - first) / 2))
        ticks = [{"x": round(LEFT + f * usable, 1), "label": _label(m, with_time),
                  "anchor": "start" if f == 0.0 and span else ("end" if f == 1.0 else "middle")} for f, m in marks]
    height = TOP + len(lanes) * LANE + 26
    return Timeline(reports=reports, lanes=list(lanes.values()), undated=len(reports) - len(dated),
                    ticks=ticks, height=height)
