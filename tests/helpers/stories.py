"""Article records for the story tests: two events about the same two people, and a late report."""

from __future__ import annotations

from typing import Any


def person(eid: str, name: str, mentions: int = 2) -> dict[str, Any]:
    return {"id": eid, "name": name, "type": "PERSON", "code": None, "kb": None, "geo": None,
            "mentions": [{}] * mentions}


def place(eid: str, name: str, geonameid: int) -> dict[str, Any]:
    return {"id": eid, "name": name, "type": "GPE", "code": None, "kb": None,
            "geo": {"lat": 0.0, "lon": 0.0, "geonameid": geonameid}, "mentions": [{}]}


def story_record(rid: str, headline: str, body: str, published: str, publisher: str,
                 entities: list[dict[str, Any]], url: str | None = None) -> dict[str, Any]:
    return {"id": rid, "headline": headline, "text": f"{headline}\n\n{body}", "published": published,
            "publisher": publisher, "url": url or f"https://{publisher.lower().replace(' ', '')}.example/{rid}",
            "entities": entities, "events": [], "times": [], "quotes": [], "sections": []}


ALICE = person("E1", "Alice Moreau")
BORIS = person("E2", "Boris Lindqvist")
GENEVA = place("E3", "Geneva", 2660646)
OSLO = place("E4", "Oslo", 3143244)

TREATY = [
    story_record("s1", "Moreau and Lindqvist sign fishing quota treaty in Geneva",
                 "Alice Moreau and Boris Lindqvist signed a treaty on Tuesday setting fishing quotas for the "
                 "northern sea, ending a dispute over cod and herring that has lasted a decade.",
                 "2024-03-05T10:00:00", "Wire One", [ALICE, BORIS, GENEVA]),
    story_record("s2", "Fishing quota treaty signed: cod and herring dispute ends",
                 "The fishing treaty signed in Geneva by Moreau and Lindqvist sets quotas for cod and herring in "
                 "the northern sea after years of dispute between the fleets.",
                 "2024-03-05T14:00:00", "Daily Two", [ALICE, BORIS, GENEVA]),
]
FLOOD = story_record("f1", "Moreau and Lindqvist visit flooded villages near Oslo",
                     "Alice Moreau and Boris Lindqvist toured villages hit by river floods on Friday, promising "
                     "rebuilding money for farms and bridges washed away by the water.",
                     "2024-03-08T09:00:00", "Wire One", [ALICE, BORIS, OSLO])
LATE = story_record("s3", "Fleets react to the new fishing quota treaty",
                    "Fishing fleets said the quota treaty Moreau and Lindqvist signed in Geneva would cut their "
                    "cod and herring catch, and asked for compensation.",
                    "2024-03-12T08:00:00", "Coast Three", [ALICE, BORIS, GENEVA])


def with_quotes(record: dict[str, Any], quotes: list[tuple[str, str | None, str]]) -> dict[str, Any]:
    """The record with sentences quoting someone appended: (words, speaker entity id or None, who)."""
    out = {**record, "quotes": list(record.get("quotes") or [])}
    for words, speaker, who in quotes:
        start = len(out["text"]) + 2
        out["text"] += f" \u201c{words}\u201d, {who} said."
        out["quotes"].append({"kind": "direct", "speaker": speaker, "speaker_text": who, "cue": "said",
                              "addressee": None, "start": start, "end": start + len(words), "text": words})
    return out


def with_event(record: dict[str, Any], etype: str, trigger: str, actors: list[str], targets: list[str],
               place: str | None, when: str) -> dict[str, Any]:
    """The record with one more event, its trigger and evidence found in the text."""
    start = record["text"].index(trigger)
    n = len(record.get("events") or []) + 1
    event = {"id": f"V{n}", "type": etype, "mode": None, "actors": actors, "targets": targets, "place": place,
             "when": when, "modality": "occurred", "cameo": None, "context": None, "source": None,
             "trigger": {"start": start, "end": start + len(trigger), "text": trigger},
             "evidence": {"start": start, "end": start + len(trigger), "text": trigger}}
    return {**record, "events": [*(record.get("events") or []), event]}
