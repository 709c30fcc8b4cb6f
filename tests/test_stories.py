"""The story engine: incremental assignment, keeping events apart, pinned corrections, state."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tidings.stories import StoryConfig, StoryIndex, features


def person(eid: str, name: str, mentions: int = 2) -> dict[str, Any]:
    return {"id": eid, "name": name, "type": "PERSON", "code": None, "kb": None, "geo": None,
            "mentions": [{}] * mentions}


def place(eid: str, name: str, geonameid: int, code: str | None = None) -> dict[str, Any]:
    return {"id": eid, "name": name, "type": "GPE", "code": code, "kb": None,
            "geo": {"lat": 0.0, "lon": 0.0, "geonameid": geonameid}, "mentions": [{}]}


def record(rid: str, headline: str, body: str, published: str, publisher: str,
           entities: list[dict[str, Any]], event_type: str | None = None, place_id: str | None = None) -> dict[str, Any]:
    events = [{"id": "V1", "type": event_type, "modality": "occurred", "place": place_id}] if event_type else []
    return {"id": rid, "headline": headline, "text": f"{headline}\n\n{body}", "published": published,
            "publisher": publisher, "url": f"https://{publisher.lower()}.example/{rid}",
            "entities": entities, "events": events, "times": []}


ALICE = person("E1", "Alice Moreau")
BORIS = person("E2", "Boris Lindqvist")
GENEVA = place("E3", "Geneva", 2660646)
OSLO = place("E4", "Oslo", 3143244)

SUMMIT = [
    record("s1", "Moreau and Lindqvist sign fishing quota treaty in Geneva",
           "Alice Moreau and Boris Lindqvist signed a treaty on Tuesday setting fishing quotas for the northern "
           "sea, ending a dispute over cod and herring that has lasted a decade.",
           "2024-03-05T10:00:00", "Wire One", [ALICE, BORIS, GENEVA], "AGREE", "E3"),
    record("s2", "Fishing quota treaty signed: cod and herring dispute ends",
           "The fishing treaty signed in Geneva by Moreau and Lindqvist sets quotas for cod and herring in the "
           "northern sea after years of dispute between the fleets.",
           "2024-03-05T14:00:00", "Daily Two", [ALICE, BORIS, GENEVA], "AGREE", "E3"),
]
FLOOD = [
    record("f1", "Moreau and Lindqvist visit flooded villages near Oslo",
           "Alice Moreau and Boris Lindqvist toured villages hit by river floods on Friday, promising rebuilding "
           "money for farms and bridges washed away by the water.",
           "2024-03-08T09:00:00", "Wire One", [ALICE, BORIS, OSLO], "CONSULT", "E4"),
]
LATE = record("s3", "Fleets react to the new fishing quota treaty",
              "Fishing fleets said the quota treaty Moreau and Lindqvist signed in Geneva would cut their cod "
              "and herring catch, and asked for compensation.",
              "2024-03-12T08:00:00", "Coast Three", [ALICE, BORIS, GENEVA], "AGREE", "E3")


def filled(*records: dict[str, Any], config: StoryConfig | None = None) -> StoryIndex:
    index = StoryIndex(config)
    for item in records:
        index.assign(item)
    return index


def test_stories_later_article_joins_its_story() -> None:
    index = filled(*SUMMIT, *FLOOD)
    story = index.assign(LATE)
    assert story == index.story_of("s1") == index.story_of("s2")
    described = index.story(story)
    assert set(described.article_ids) == {"s1", "s2", "s3"}
    assert set(described.publishers) == {"Wire One", "Daily Two", "Coast Three"}
    assert described.first_seen is not None and described.first_seen.startswith("2024-03-05")
    assert described.last_seen is not None and described.last_seen.startswith("2024-03-12")
    assert described.title in {r["headline"] for r in (*SUMMIT, LATE)}
    assert "Alice Moreau" in described.entities and "Geneva" in described.places


def test_stories_same_people_other_event_stay_apart() -> None:
    index = filled(*SUMMIT, *FLOOD)
    assert index.story_of("f1") != index.story_of("s1")
    assert len(index.stories()) == 2


def test_stories_window_closes_old_stories() -> None:
    late = dict(LATE, id="s9", published="2026-03-12T08:00:00")
    index = filled(*SUMMIT, late, config=StoryConfig(window_days=30))
    assert index.story_of("s9") != index.story_of("s1")


def test_stories_assign_again_is_idempotent() -> None:
    index = filled(*SUMMIT, *FLOOD, LATE)
    before = index.assignments()
    assert index.assign(LATE) == before["s3"]
    assert index.assignments() == before
    assert len(index.story(before["s1"]).article_ids) == 3
    assert index.assign(FLOOD[0]) == before["f1"]   # alone in its story: the story keeps its id
    assert index.assignments() == before


def test_stories_merge_is_pinned_through_reassignment() -> None:
    index = filled(*SUMMIT, *FLOOD)
    a, b = index.story_of("s1"), index.story_of("f1")
    assert a is not None and b is not None
    assert index.merge(a, b) == a
    assert index.story_of("f1") == a
    assert index.assign(FLOOD[0]) == a          # re-assigned: stays where the merge put it
    after = index.rebuild()                     # everything compared afresh
    assert after["f1"] == after["s1"] == after["s2"] == a
    assert [s.id for s in index.stories()] == [a]


def test_stories_split_is_pinned_through_reassignment() -> None:
    index = filled(*SUMMIT, LATE)
    story = index.story_of("s1")
    assert story is not None
    new = index.split(story, ["s3"])
    assert index.story_of("s3") == new != story
    assert index.assign(LATE) == new
    after = index.rebuild()
    assert after["s3"] == new and after["s1"] == after["s2"] == story
    index.unpin(["s3"])
    assert index.rebuild()["s3"] == story       # without the pin, it is compared again


def test_stories_split_refuses_bad_requests() -> None:
    index = filled(*SUMMIT)
    story = index.story_of("s1")
    assert story is not None
    with pytest.raises(KeyError):
        index.split(story, ["nope"])
    with pytest.raises(ValueError):
        index.split(story, ["s1", "s2"])


def test_stories_state_round_trips_through_json() -> None:
    index = filled(*SUMMIT, *FLOOD)
    index.split(index.story_of("s1") or 0, ["s2"])
    state = json.loads(json.dumps(index.to_state()))
    assert {"stories", "story_terms", "articles", "key_df", "labels", "pins"} <= set(state)
    again = StoryIndex.from_state(state)
    assert again.assignments() == index.assignments()
    assert again.stories() == index.stories()
    assert again.pinned() == index.pinned()
    assert again.to_state() == index.to_state()
    assert again.assign(LATE) == index.assign(LATE)
    assert again.to_state() == index.to_state()


def test_stories_remove_drops_empty_story() -> None:
    index = filled(*SUMMIT, *FLOOD)
    flood = index.story_of("f1")
    index.remove("f1")
    assert index.story_of("f1") is None
    assert flood not in {s.id for s in index.stories()}


def test_stories_features_keys() -> None:
    feats = features(SUMMIT[0])
    assert feats.keys["e:moreau"] > 0 and "g:geo 2660646" in feats.keys and "v:agree" in feats.keys
    assert "t:treaty" in feats.keys and "t:the" not in feats.keys
    assert feats.keys["t:fishing"] > feats.keys["t:dispute"]   # headline words count more
    assert features({"id": "x"}).keys == {}
