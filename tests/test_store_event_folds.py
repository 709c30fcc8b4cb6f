"""Event clusters fold within a story: one event told with other dates and places, two events kept apart."""

from __future__ import annotations

from typing import Any

import pytest

from helpers.stories import story_record

BOKO = {"id": "E1", "name": "Boko Haram", "type": "ORG", "code": None, "kb": None, "geo": None, "mentions": [{}]}
ARMY = {"id": "E5", "name": "Nigerian Army", "type": "ORG", "code": None, "kb": None, "geo": None, "mentions": [{}]}
CHIBOK = {"id": "E2", "name": "Chibok", "type": "GPE", "code": None, "country": "NGA", "kb": None,
          "geo": {"lat": 10.87, "lon": 12.85, "geonameid": 2346076}, "mentions": [{}]}
NIGERIA = {"id": "E3", "name": "Nigeria", "type": "GPE", "code": "NGA", "country": "NGA", "kb": None,
           "geo": {"lat": 10.0, "lon": 8.0, "geonameid": 2328926}, "mentions": [{}]}
LAGOS = {"id": "E4", "name": "Lagos", "type": "GPE", "code": None, "country": "NGA", "kb": None,
         "geo": {"lat": 6.45, "lon": 3.39, "geonameid": 2332459}, "mentions": [{}]}
ALEPPO = {"id": "E6", "name": "Aleppo", "type": "GPE", "code": None, "country": "SYR", "kb": None,
          "geo": {"lat": 36.2, "lon": 37.16, "geonameid": 170063}, "mentions": [{}]}

HEADLINE = "Boko Haram frees 21 Chibok schoolgirls after talks with Nigeria"
BODY = ("Boko Haram freed 21 of the schoolgirls kidnapped from Chibok, officials said, after negotiations "
        "brokered by the Red Cross. The girls were handed over to the Nigerian government.")


def report(rid: str, publisher: str, published: str, entities: list[dict[str, Any]],
           events: list[dict[str, Any]]) -> dict[str, Any]:
    record = story_record(rid, HEADLINE, BODY, published, publisher, entities)
    record["events"] = events
    return record


def event(when: str | None, place: str | None, evidence: str, actors: list[str] = (),  # type: ignore[assignment]
          etype: str = "RETREAT") -> dict[str, Any]:
    return {"id": "V1", "type": etype, "when": when, "place": place, "actors": list(actors), "targets": [],
            "evidence": {"start": 0, "end": len(evidence), "text": evidence}}


def clusters(store: Any) -> dict[str, int]:
    """Article id -> cluster id of its (one) event."""
    return {e["article_id"]: e["cluster"] for e in store.events(limit=500).items}


def one_story(store: Any) -> None:
    assert len(store.stories().items) == 1


def test_one_event_told_with_another_date_and_place_folds(store: Any) -> None:
    # A date of its own and a town; the next day's report gives only the month, the country and no actor.
    store.add(report("a", "Wire One", "2016-10-13T18:00:00", [BOKO, CHIBOK],
                     [event("2016-10-13", "E2", "Boko Haram freed 21 schoolgirls in Chibok", ["E1"])]))
    store.add(report("b", "Daily Two", "2016-10-14T08:00:00", [NIGERIA],
                     [event("2016-10", "E3", "the schoolgirls were freed and handed over")]))
    # A third without a date of its own (the publication date stands in) and without a place.
    store.add(report("c", "Coast Three", "2016-10-14T12:00:00", [BOKO],
                     [event(None, None, "the militants freed the kidnapped schoolgirls", ["E1"])]))
    one_story(store)
    found = clusters(store)
    assert found["a"] == found["b"] == found["c"]
    cluster = store.events(limit=500).items[0]["cluster"]
    assert sum(1 for e in store.events(limit=500).items if e["cluster"] == cluster) == 3  # every report kept


def test_two_events_of_one_story_stay_apart(store: Any) -> None:
    # The same type in one story: other days, other countries, other towns of one country.
    store.add(report("a", "Wire One", "2016-10-13T18:00:00", [BOKO, CHIBOK],
                     [event("2016-10-13", "E2", "fighters attacked the town and burned houses", ["E1"], "ASSAULT")]))
    store.add(report("b", "Daily Two", "2016-10-14T08:00:00", [ARMY, CHIBOK],
                     [event("2016-10-08", "E2", "fighters attacked the town and burned houses", [], "ASSAULT")]))
    store.add(report("c", "Coast Three", "2016-10-14T09:00:00", [ALEPPO],
                     [event("2016-10-13", "E6", "fighters attacked the town and burned houses", [], "ASSAULT")]))
    store.add(report("d", "Wire Four", "2016-10-14T10:00:00", [LAGOS],
                     [event("2016-10-13", "E4", "fighters attacked the town and burned houses", [], "ASSAULT")]))
    # Nothing ties this one to the others: no shared actor, place or words.
    store.add(report("e", "Wire Five", "2016-10-14T11:00:00", [],
                     [event("2016-10-13", None, "a market was hit", [], "ASSAULT")]))
    # Different actors on both sides never fold.
    store.add(report("f", "Wire Six", "2016-10-14T12:00:00", [ARMY, CHIBOK],
                     [event("2016-10-13", "E2", "fighters attacked the town and burned houses", ["E5"], "ASSAULT")]))
    one_story(store)
    found = clusters(store)
    assert len(set(found.values())) == 6, found


def test_folds_are_the_same_on_a_second_ingest_and_follow_a_split(tmp_path: Any) -> None:
    from tidings.store import Store

    records = [
        report("a", "Wire One", "2016-10-13T18:00:00", [BOKO, CHIBOK],
               [event("2016-10-13", "E2", "Boko Haram freed 21 schoolgirls in Chibok", ["E1"])]),
        report("b", "Daily Two", "2016-10-14T08:00:00", [NIGERIA],
               [event("2016-10", "E3", "the schoolgirls were freed and handed over")]),
    ]
    partitions = []
    for name in ("one", "two"):
        with Store(str(tmp_path / f"{name}.db")) as store:
            for record in records:
                store.add(record)
            for record in records:
                assert store.add(record) == "unchanged"
            partitions.append(clusters(store))
    assert partitions[0] == partitions[1] and partitions[0]["a"] == partitions[0]["b"]
    with Store(str(tmp_path / "one.db")) as store:
        story = store.stories().items[0]["id"]
        new = store.split_story(story, ["b"])["id"]
        found = clusters(store)
        assert found["a"] != found["b"]  # the fold was the story's: split, the reports part
        store.merge_stories(story, new)
        found = clusters(store)
        assert found["a"] == found["b"]


@pytest.mark.parametrize(("a", "b", "fits"), [
    ("2016-10-13", "2016-10-13", True), ("2016-10-13", "2016-10-14", True), ("2016-10-13", "2016-10-16", False),
    ("2016-10", "2016-10-13", True), ("2016", "2016-10-13", True), ("2016-09", "2016-10-13", False),
    ("", "2016-10-13", True),
])
def test_date_rule(a: str, b: str, fits: bool) -> None:
    from tidings.store._cluster import _dates_fit, _Report

    def rep(day: str) -> _Report:
        return _Report(id=1, type="X", negative=False, date=day, undated=False, where=None,
                       actors=frozenset(), targets=frozenset(), words=frozenset())

    assert _dates_fit(rep(a), rep(b)) is fits


def _division(eid: str, name: str) -> dict[str, Any]:
    """A first-level division as the geocoder writes it: its point, no GeoNames id."""
    from tidings.geo import load_gazetteer

    place = next(p for p, _ in load_gazetteer().lookup(f"{name} State") if p.kind == "admin1")
    return {"id": eid, "name": name, "type": "GPE", "code": None, "country": place.country, "kb": None,
            "geo": {"lat": round(place.lat, 5), "lon": round(place.lon, 5), "geonameid": None}, "mentions": [{}]}


def test_a_town_its_division_and_its_country_fold(store: Any) -> None:
    borno = _division("E7", "Borno")
    store.add(report("a", "Wire One", "2016-10-13T18:00:00", [BOKO, CHIBOK],
                     [event("2016-10-13", "E2", "Boko Haram freed 21 schoolgirls in Chibok", ["E1"])]))
    store.add(report("b", "Daily Two", "2016-10-14T08:00:00", [borno],
                     [event("2016-10-13", "E7", "the schoolgirls were freed and handed over")]))
    store.add(report("c", "Coast Three", "2016-10-14T09:00:00", [NIGERIA],
                     [event("2016-10", "E3", "the schoolgirls were freed and handed over")]))
    one_story(store)
    found = clusters(store)
    assert found["a"] == found["b"] == found["c"]


def test_two_divisions_of_one_country_stay_apart(store: Any) -> None:
    borno, yobe = _division("E7", "Borno"), _division("E8", "Yobe")
    assert borno["geo"] != yobe["geo"]
    store.add(report("a", "Wire One", "2016-10-13T18:00:00", [borno],
                     [event("2016-10-13", "E7", "fighters attacked the town and burned houses", [], "ASSAULT")]))
    store.add(report("b", "Daily Two", "2016-10-14T08:00:00", [yobe],
                     [event("2016-10-13", "E8", "fighters attacked the town and burned houses", [], "ASSAULT")]))
    store.add(report("c", "Coast Three", "2016-10-14T09:00:00", [CHIBOK],
                     [event("2016-10-13", "E2", "fighters attacked the town and burned houses", [], "ASSAULT")]))
    one_story(store)
    found = clusters(store)
    assert found["a"] != found["b"]  # two states of Nigeria
    assert found["b"] != found["c"]  # Chibok lies in Borno, not in Yobe
