"""The story in detail: its events, quotes by speaker, entities and places through the store,
``GET /stories/{id}`` and the story pages, on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest

from helpers.store import client_class, no_nlp
from helpers.stories import ALICE, BORIS, FLOOD, GENEVA, OSLO, TREATY, with_event, with_quotes
from tidings.errors import QueryError
from tidings.store import EventFilter

GENEVA_AT = {**GENEVA, "geo": {"lat": 46.2, "lon": 6.15, "geonameid": 2660646}}
OSLO_AT = {**OSLO, "geo": {"lat": 59.91, "lon": 10.75, "geonameid": 3143244}}

S1 = with_event(with_quotes({**TREATY[0], "entities": [ALICE, BORIS, GENEVA_AT]}, [
    ("The cod will come back", "E1", "Moreau"), ("A fair deal for every fleet", None, "an official")]),
    "AGREE", "signed", ["E1"], ["E2"], "E3", "2024-03-05")
S2 = with_event(with_quotes({**TREATY[1], "entities": [ALICE, BORIS, GENEVA_AT]}, [
    ("We waited ten years for this", "E2", "Lindqvist"), ("Herring stocks need the rest", "E1", "Moreau")]),
    "AGREE", "signed", ["E1"], ["E2"], "E3", "2024-03-05")
F1 = with_event(with_quotes({**FLOOD, "entities": [ALICE, BORIS, OSLO_AT]}, [
    ("We will rebuild every bridge", "E2", "Lindqvist")]),
    "AID", "promising", ["E1"], [], "E4", "2024-03-08")
# Who said what in the treaty story: the most quoted first, the unattributed last.
TREATY_QUOTES = [("Alice Moreau", ["The cod will come back", "Herring stocks need the rest"]),
                 ("Boris Lindqvist", ["We waited ten years for this"]),
                 (None, ["A fair deal for every fleet"])]


def _story_of(store: Any, article_id: str) -> int:
    return next(s["id"] for s in store.stories(limit=100).items if article_id in {a["id"] for a in s["articles"]})


@pytest.fixture
def told(store: Any) -> Any:
    """A store holding the treaty story (two reports, four quotes) and the flood story."""
    for record in (S1, S2, F1):
        store.add(record)
    store.treaty, store.flood = _story_of(store, "s1"), _story_of(store, "f1")
    assert store.treaty != store.flood and _story_of(store, "s2") == store.treaty
    return store


def _said(groups: list[dict[str, Any]]) -> list[tuple[str | None, list[str]]]:
    return [(g["speaker"], [q["text"] for q in g["quotes"]]) for g in groups]


def test_the_story_filter_selects_its_articles_events(told: Any) -> None:
    every = told.events(limit=100).items
    mine = told.events(EventFilter(story=told.treaty), limit=100).items
    assert sorted(e["id"] for e in mine) == sorted(e["id"] for e in every if e["article_id"] in ("s1", "s2"))
    assert {e["type"] for e in mine} == {"AGREE"}
    clusters = told.clusters(EventFilter(story=told.treaty)).items
    assert [c["type"] for c in clusters] == ["AGREE"] and clusters[0]["reports"] == 2
    table, total = told.clusters_table(EventFilter(story=told.flood))
    assert total == 1 and table[0]["type"] == "AID" and table[0]["article_id"] == "f1"
    places = told.map_points(EventFilter(story=told.treaty))
    assert [(p["place"], p["n"]) for p in places["points"]] == [("Geneva", 2)]
    assert 46 < places["points"][0]["lat"] < 47
    assert told.events(EventFilter(story=999)).items == []
    assert told.events(EventFilter(story=2**40)).items == []  # no story has it; PostgreSQL never sees it


def test_who_said_what_groups_by_speaker_and_pages(told: Any) -> None:
    page = told.story_quotes(told.treaty)
    assert _said(page.items) == TREATY_QUOTES and page.next_cursor is None
    assert [g["n"] for g in page.items] == [2, 1, 1]
    assert {q["publisher"] for g in page.items for q in g["quotes"]} == {"Wire One", "Daily Two"}
    assert told.story_quote_count(told.treaty) == 4
    # One quote a page: every quote once, in the same order; a speaker goes on across pages.
    seen: list[tuple[str | None, str]] = []
    cursor = None
    for _ in range(10):
        page = told.story_quotes(told.treaty, limit=1, cursor=cursor)
        seen += [(g["speaker"], q["text"]) for g in page.items for q in g["quotes"]]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [(who, text) for who, texts in TREATY_QUOTES for text in texts]
    assert _said(told.story_quotes(told.flood).items) == [("Boris Lindqvist", ["We will rebuild every bridge"])]
    with pytest.raises(QueryError):
        told.story_quotes(told.treaty, cursor="bogus")


def test_story_entities_most_articles_first(told: Any) -> None:
    found = told.story_entities(told.treaty)
    assert [e["name"] for e in found][:2] == ["Alice Moreau", "Boris Lindqvist"]
    assert all(e["articles"] == 2 for e in found) and "Oslo" not in {e["name"] for e in found}
    assert len(told.story_entities(told.treaty, limit=1)) == 1


@pytest.fixture
def told_api(told: Any) -> Any:
    from tidings.api import create_app

    with client_class()(create_app(store=told, token="t", analyzer=no_nlp),
                        raise_server_exceptions=False) as client:
        client.treaty, client.flood = told.treaty, told.flood
        yield client


def test_api_story_detail(told_api: Any) -> None:
    body = told_api.get(f"/stories/{told_api.treaty}").json()
    listed = {s["id"]: s for s in told_api.get("/stories").json()["items"]}
    assert body["story"] == listed[told_api.treaty]  # the list's fields, as documented
    assert [e["name"] for e in body["entities"]][:2] == ["Alice Moreau", "Boris Lindqvist"]
    assert [c["id"] for c in body["clusters"]["items"]] == body["story"]["clusters"]
    assert body["quotes"]["total"] == 4 and _said(body["quotes"]["items"]) == TREATY_QUOTES
    assert [p["place"] for p in body["places"]["points"]] == ["Geneva"]
    # Paged: the first quote here, the rest from the quotes route.
    small = told_api.get(f"/stories/{told_api.treaty}", params={"limit": 1}).json()
    assert len(small["entities"]) == 1 and len(small["clusters"]["items"]) == 1
    first = small["quotes"]
    rest = told_api.get(f"/stories/{told_api.treaty}/quotes",
                        params={"cursor": first["next_cursor"], "limit": 10}).json()
    texts = [q["text"] for g in first["items"] + rest["items"] for q in g["quotes"]]
    assert texts == [t for _who, ts in TREATY_QUOTES for t in ts] and rest["next_cursor"] is None
    events = told_api.get("/events", params={"story": told_api.flood}).json()["items"]
    assert [e["article_id"] for e in events] == ["f1"]
    assert told_api.get("/stories/999/quotes").status_code == 404
    assert told_api.get(f"/stories/{told_api.treaty}/quotes", params={"cursor": "bogus"}).status_code == 400
    assert "/stories/{story_id}/quotes" in told_api.get("/openapi.json").json()["paths"]


def test_story_page(told_api: Any) -> None:
    response = told_api.get(f"/ui/stories/{told_api.treaty}")
    assert response.status_code == 200
    page = response.text
    text = html.unescape(page)
    title = told_api.get(f"/stories/{told_api.treaty}").json()["story"]["title"]
    assert title in {S1["headline"], S2["headline"]} and f"<h1>{html.escape(title)}</h1>" in page
    for heading in ("Timeline of reports", "Who said what (4 quotes)", "Events (1)", "Map"):
        assert re.search(rf"<h2 id=\"[a-z-]+\">{re.escape(html.escape(heading, quote=False))}</h2>", page), heading
    # The timeline: a dot per report on its publisher's lane, and the table in publication order.
    svg = page.split('id="story-timeline"', 1)[1].split("</svg>", 1)[0]
    assert svg.count("<circle") == 2 and 'href="/ui/articles/s1"' in svg and 'href="/ui/articles/s2"' in svg
    assert svg.count('class="lane ') == 2
    table = page.split('id="story-reports"', 1)[1].split("</table>", 1)[0]
    assert table.index("/ui/articles/s1") < table.index("/ui/articles/s2")
    assert "Wire One" in table and "Daily Two" in table and '<th scope="col">' in table
    # Who said what: speakers in order, each quote linked to its place in the article.
    quotes = text.split('id="q-h"', 1)[1].split('id="ev-h"', 1)[0]
    order = [quotes.index(x) for x in ("Alice Moreau", "Boris Lindqvist", "Speaker not resolved")]
    assert order == sorted(order)
    assert "We will rebuild every bridge" not in quotes  # the flood story's
    links = re.findall(r'href="/ui/articles/(s[12])#(quote-\d+)"', page)
    assert len(links) == 4
    for article_id, anchor in links:
        assert f'id="{anchor}"' in told_api.get(f"/ui/articles/{article_id}").text
    # Its event clusters, with the evidence and the reports.
    events = page.split('id="story-events"', 1)[1].split("</table>", 1)[0]
    assert "AGREE" in events and "/ui/entities/" in events and "#ev-V1" in events and "Geneva" in events
    # The map: the story's places only, its links keep the story.
    data = json.loads(re.search(r'id="map-data">(.*?)</script>', page, flags=re.S).group(1))
    assert [p["place"] for p in data["points"]] == ["Geneva"] and data["query"] == {"story": str(told_api.treaty)}
    assert '<script type="module" src="/ui/static/map.js">' in page
    assert told_api.get("/ui/stories/999999").status_code == 404
    # The explorer takes the story filter too.
    explorer = told_api.get("/ui/events", params={"story": told_api.flood}).text
    assert "/ui/articles/f1#ev-V1" in explorer and "/ui/articles/s1" not in explorer


def test_stories_list_page(told_api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def listed(**params: Any) -> list[str]:
        response = told_api.get("/ui/stories", params=params)
        assert response.status_code == 200, response.text[:300]
        return re.findall(r'href="/ui/stories/(\d+)"', response.text)

    treaty, flood = str(told_api.treaty), str(told_api.flood)
    page = told_api.get("/ui/stories").text
    assert "<h1>Stories</h1>" in page and '<th scope="col">Story</th>' in page
    for control_id in re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', page):
        assert f'for="{control_id}"' in page, control_id
    assert listed() == [flood, treaty]  # latest first
    assert listed(q="flooded") == [flood]
    assert listed(since="2024-03-07") == [flood]
    assert listed(until="2024-03-06") == [treaty]
    assert listed(entity="Alice Moreau") == [flood, treaty]
    assert listed(entity="Nobody Atall") == []
    assert listed(since="March") == [flood, treaty]  # a malformed date is left out
    from tidings.web import _router

    monkeypatch.setattr(_router, "STORIES_PAGE", 1)
    first = told_api.get("/ui/stories", params={"q": "Moreau"}).text
    assert re.findall(r'href="/ui/stories/(\d+)"', first) == [flood]
    older = html.unescape(re.search(r'rel="next" href="([^"]+)"', first).group(1))
    assert "q=Moreau" in older
    second = told_api.get(older).text
    assert re.findall(r'href="/ui/stories/(\d+)"', second) == [treaty]
    assert 'rel="next"' not in second and 'href="/ui/stories?q=Moreau">« Latest' in second
    assert told_api.get("/ui/stories", params={"cursor": "bogus"}).status_code == 400


def test_the_timeline_lays_reports_out_by_time_and_publisher() -> None:
    from tidings.web._story import moment, timeline

    drawn = timeline([
        {"id": "c", "publisher": "Daily Two", "published": "2024-03-09T12:00:00", "headline": "c"},
        {"id": "a", "publisher": "Wire One", "published": "2024-03-05T10:00:00Z", "headline": "a"},
        {"id": "u", "publisher": None, "published": None, "headline": "u"},
        {"id": "b", "publisher": "Wire One", "published": "2024-03-07", "headline": "b"},
    ])
    assert [r["id"] for r in drawn.reports] == ["a", "b", "c", "u"]  # the undated last
    assert [lane.publisher for lane in drawn.lanes] == ["Wire One", "Daily Two", "Unknown publisher"]
    assert [len(lane.dots) for lane in drawn.lanes] == [2, 1, 0] and drawn.undated == 1
    xs = [r["x"] for r in drawn.reports[:3]]
    assert xs[0] == drawn.left and xs[0] < xs[1] < xs[2] == drawn.width - 16
    assert {r["colour"] for r in drawn.reports} == {0, 1, 2}
    assert [t["label"] for t in drawn.ticks] == ["2024-03-05", "2024-03-07", "2024-03-09"]
    one_day = timeline([{"id": "x", "publisher": "P", "published": "2024-03-05T10:30:00"}])
    assert [t["label"] for t in one_day.ticks] == ["2024-03-05 10:30"]
    assert timeline([]).ticks == [] and timeline([]).lanes == []
    assert (moment("2024-03-05T00:00:00Z"), moment("2024-03-05T10:30:12"), moment(None)) == (
        "2024-03-05", "2024-03-05 10:30", "undated")
