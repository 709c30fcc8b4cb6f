"""An article's text cut into marked-up pieces: entities, times, quotes, events, sections.

Facts overlap (a quote holds names, an event's evidence holds its trigger), so
the text is cut at every fact's start and end; each piece knows every fact
that covers it. The page styles a piece by the kinds covering it and shows the
facts' details when a piece is hovered, focused or selected.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

# Section kinds shown as they are or greyed.
GREYED = frozenset({"boilerplate", "credit", "byline", "wire"})
_ENTITY_CLASS = {"PERSON": "person", "ORG": "org", "NORP": "org", "GPE": "place", "LOC": "place",
                 "FAC": "place"}


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    fact: str  # the fact's id in the catalogue
    kind: str  # css kind: entity, time, quote, trigger, evidence, section
    extra: str = ""  # an extra css class (entity type, section kind)
    stop: bool = False  # the keyboard stops at its first piece


def _entity_detail(ent: dict[str, Any], gid: int | None) -> dict[str, Any]:
    roles = [", ".join(x for x in (r.get("title"), r.get("org"), r.get("country")) if x)
             for r in ent.get("roles") or []]
    return {"kind": "entity", "label": ent.get("type") or "entity", "name": ent.get("name"),
            "type": ent.get("type"), "code": ent.get("code"), "country": ent.get("country"),
            "sector": ent.get("sector"), "kb": ent.get("kb"), "roles": roles,
            "geo": ent.get("geo"), "entity_id": gid}


def facts(record: dict[str, Any], global_ids: dict[str, int]) -> tuple[list[Span], dict[str, dict[str, Any]]]:
    """The spans of an article's facts and the details of each fact, by id."""
    text_len = len(record.get("text") or "")
    spans: list[Span] = []
    catalogue: dict[str, dict[str, Any]] = {}
    names = {e.get("id"): e.get("name") for e in record.get("entities") or []}

    def ok(item: Any) -> bool:
        return (isinstance(item, dict) and isinstance(item.get("start"), int)
                and isinstance(item.get("end"), int) and 0 <= item["start"] < item["end"] <= text_len)

    for section in record.get("sections") or []:
        if ok(section) and section.get("kind") in GREYED | {"headline", "dateline", "caption"}:
            spans.append(Span(section["start"], section["end"], "", "section", section["kind"]))
    for caption in record.get("captions") or []:
        if ok(caption):
            spans.append(Span(caption["start"], caption["end"], "", "section", "caption"))
    for ent in record.get("entities") or []:
        fid = f"ent-{ent.get('id')}"
        catalogue[fid] = _entity_detail(ent, global_ids.get(str(ent.get("id"))))
        for m in ent.get("mentions") or []:
            if ok(m):
                spans.append(Span(m["start"], m["end"], fid, "entity",
                                  _ENTITY_CLASS.get(str(ent.get("type")), "other"), True))
    for n, t in enumerate(record.get("times") or []):
        if ok(t):
            fid = f"time-{n}"
            catalogue[fid] = {"kind": "time", "label": t.get("type") or "time", "text": t.get("text"),
                              "type": t.get("type"), "value": t.get("value")}
            spans.append(Span(t["start"], t["end"], fid, "time", "", True))
    for n, q in enumerate(record.get("quotes") or []):
        if ok(q):
            fid = f"quote-{n}"
            catalogue[fid] = {"kind": "quote", "label": f"{q.get('kind') or ''} quote".strip(),
                              "speaker": names.get(q.get("speaker")) or q.get("speaker_text"),
                              "speaker_id": global_ids.get(str(q.get("speaker"))),
                              "cue": q.get("cue"), "addressee": names.get(q.get("addressee")),
                              "quote_kind": q.get("kind")}
            spans.append(Span(q["start"], q["end"], fid, "quote", "", True))
    for ev in record.get("events") or []:
        fid = f"ev-{ev.get('id')}"
        place = ev.get("place")
        catalogue[fid] = {
            "kind": "event", "label": ev.get("type") or "event", "type": ev.get("type"),
            "mode": ev.get("mode"), "context": ev.get("context"), "modality": ev.get("modality"),
            "actors": [names.get(a, a) for a in ev.get("actors") or []],
            "targets": [names.get(t, t) for t in ev.get("targets") or []],
            "place": names.get(place, place), "when": ev.get("when"), "cameo": ev.get("cameo"),
            "source": names.get(ev.get("source"), ev.get("source")),
            "trigger": (ev.get("trigger") or {}).get("text"),
        }
        if ok(ev.get("evidence")):
            spans.append(Span(ev["evidence"]["start"], ev["evidence"]["end"], fid, "evidence"))
        if ok(ev.get("trigger")):
            spans.append(Span(ev["trigger"]["start"], ev["trigger"]["end"], fid, "trigger", "", True))
    return spans, catalogue


def render(text: str, spans: list[Span]) -> str:
    """The text as HTML: one ``<span>`` per piece covered by facts, plain text elsewhere."""
    cuts = sorted({0, len(text)} | {sp.start for sp in spans} | {sp.end for sp in spans})
    starts: dict[int, list[Span]] = {}
    for sp in spans:
        starts.setdefault(sp.start, []).append(sp)
    open_: list[Span] = []
    anchored: set[str] = set()
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        open_ = [sp for sp in open_ if sp.end > a] + starts.get(a, [])
        piece = escape(text[a:b])
        if not open_:
            out.append(piece)
            continue
        classes: list[str] = []
        ids: list[str] = []
        stop = False
        anchor = ""
        for sp in open_:
            cls = f"a-{sp.kind}" + (f" a-{sp.kind}-{sp.extra}" if sp.extra else "")
            if cls not in classes:
                classes.append(cls)
            if sp.fact and sp.fact not in ids:
                ids.append(sp.fact)
            if sp.stop and sp.start == a:
                stop = True
            if sp.kind == "evidence" and sp.fact not in anchored:
                anchored.add(sp.fact)
                anchor = f' id="{escape(sp.fact)}"'
        # A quote is anchored where it starts (unless an event's evidence holds that piece's id).
        for sp in open_:
            if sp.kind == "quote" and sp.fact not in anchored and not anchor:
                anchored.add(sp.fact)
                anchor = f' id="{escape(sp.fact)}"'
        attrs = f' class="{" ".join(classes)}"'
        if ids:
            attrs += f' data-facts="{escape(" ".join(ids))}"'
        if stop:
            attrs += ' tabindex="0"'
        out.append(f"<span{anchor}{attrs}>{piece}</span>")
    return "".join(out)
