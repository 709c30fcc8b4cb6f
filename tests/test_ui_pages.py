"""The web pages without a browser: filters, sorting, paging, exports, the article text, data files."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from importlib import resources

import pytest

from helpers.store import client_class, load_record, no_nlp

WEB = resources.files("tidings.web")


@pytest.fixture(scope="module")
def ui(visit_store_ro):
    """The app over the visit store, on SQLite and on PostgreSQL (when TIDINGS_TEST_PG is set)."""
    from tidings.api import create_app

    with client_class()(create_app(store=visit_store_ro, token="t", analyzer=no_nlp),
                        raise_server_exceptions=False) as client:
        yield client


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.mark.parametrize("path", ["/ui/", "/ui/events", "/ui/events?level=events", "/ui/map",
                                  "/ui/network", "/ui/search?q=Seoul", "/ui/search", "/ui/entities/1",
                                  "/ui/stories", "/ui/stories/1"])
def test_ui_pages_render(ui, path):
    response = ui.get(path)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<main id="main"' in page and '<nav aria-label="Main">' in page
    # Every form control has a label.
    for control_id in re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', page):
        assert f'for="{control_id}"' in page, (path, control_id)


def test_ui_root_redirects(ui):
    response = ui.get("/", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/ui/"


@pytest.mark.parametrize("params,expected", [
    ("", 8),
    ("type=PROTEST", 1),
    ("type=protest", 1),
    ("actor=Stoltenberg", 6),
    ("target=Japan", 2),
    ("since=2023-01-30", 5),
    ("since=2023-01-30&until=2023-01-30", 3),
    ("place=Tokyo", 3),
    ("country=kor", 3),
    ("modality=planned", 5),
    ("source=Example+Wire", 2),
    ("type=NOT-A-TYPE&since=garbage", 8),
    ("level=events", 6),
    ("level=events&actor=Stoltenberg&since=2023-01-30", 2),
    ("cluster=notanumber", 8),
])
def test_ui_events_filters(ui, params, expected):
    page = ui.get("/ui/events?" + params).text
    assert len(rows(page)) == expected
    assert f"of <strong>{expected}</strong>" in page


def test_ui_events_sort_and_page_links(ui):
    page = ui.get("/ui/events?sort=-date").text
    dates = [text_of(r).split()[0] for r in rows(page)]
    assert dates == sorted(dates, reverse=True)
    assert 'aria-sort="descending"' in page
    places = [text_of(re.findall(r"<td>(.*?)</td>", r, flags=re.S)[3]) for r in rows(ui.get("/ui/events?sort=place").text)]
    known = [p for p in places if p != "—"]  # where no place sorts is the backend's choice
    assert known == sorted(known) and len(known) == 7
    page = ui.get("/ui/events?level=events&sort=-source").text
    reports = [int(re.findall(r">(\d+)</a> <span", r)[0]) for r in rows(page)]
    assert reports == sorted(reports, reverse=True) and reports[0] == 2
    # A page past the end shows the last page.
    page = ui.get("/ui/events?page=99").text
    assert len(rows(page)) == 8 and "1–8 of" in page


def test_ui_cluster_links_to_its_reports(ui):
    page = ui.get("/ui/events?level=events&sort=-source").text
    first = rows(page)[0]
    (href,) = re.findall(r'href="(/ui/events\?cluster=\d+)"', first)
    reports = ui.get(href).text
    assert len(rows(reports)) == 2 and "Only the reports of event" in reports
    assert sorted(re.findall(r"<td>(Example [A-Za-z]+)</td>", reports)) == ["Example News", "Example Wire"]


def test_ui_reports_table_pages_by_offset(ui):
    from tidings.web._views import Query

    store = ui.app.state.store
    q = Query.parse({"sort": "date"})
    whole, total = store.reports_table(q.filter, **q.window(limit=100, offset=0))
    pages = [store.reports_table(q.filter, **q.window(limit=3, offset=k))[0] for k in (0, 3, 6)]
    assert total == 8
    assert [e["id"] for p in pages for e in p] == [e["id"] for e in whole]


def test_ui_evidence_links_point_at_anchors(ui):
    page = ui.get("/ui/events?type=PROTEST").text
    (href,) = re.findall(r'class="evidence" href="([^"]+)"', page)
    path, anchor = href.split("#")
    article = ui.get(path).text
    assert f'id="{anchor}"' in article
    record = load_record("unrelated")
    event = next(e for e in record["events"] if e["type"] == "PROTEST")
    assert anchor == f"ev-{event['id']}"


def test_ui_export_csv_and_json_follow_the_filters(ui):
    response = ui.get("/ui/events.csv?actor=Stoltenberg&sort=-date")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert len(table) == 6
    assert all("Jens Stoltenberg" in row["actors"] for row in table)
    assert [r["date"] for r in table] == sorted((r["date"] for r in table), reverse=True)
    body = ui.get("/ui/events.json?level=events&type=PROTEST").json()
    assert body["total"] == 1 and body["items"][0]["type"] == "PROTEST"
    assert body["filters"] == {"level": "events", "type": "PROTEST"}
    assert ui.get("/ui/events.xml").status_code in (404, 422)


def test_ui_article_text_is_exact_and_marked(ui):
    record = load_record("visit_a")
    page = ui.get(f"/ui/articles/{record['id']}").text
    body = page.split('<div class="text" id="article-text">', 1)[1].split("</div>", 1)[0]
    assert text_of(body) == record["text"]
    facts = json.loads(re.search(r'<script type="application/json" id="facts-data">(.*?)</script>',
                                 page, flags=re.S).group(1))
    assert {f"ev-{e['id']}" for e in record["events"]} <= set(facts)
    assert facts["ev-V1"]["type"] == "CONSULT" and facts["ev-V1"]["modality"] == "occurred"
    assert facts["time-0"]["value"] == "2023-01-29"
    quote = facts["quote-0"]
    assert quote["speaker"] == "Jens Stoltenberg" and quote["speaker_id"]
    for kind in ("a-entity-person", "a-time", "a-quote", "a-trigger", "a-evidence", "a-section-headline"):
        assert kind in body, kind


def test_ui_article_boilerplate_is_greyed():
    from tidings.web._article import facts, render

    record = load_record("unrelated")
    text = record["text"]
    record["sections"].append({"kind": "boilerplate", "start": len(text) - 10, "end": len(text)})
    spans, _ = facts(record, {})
    out = render(text, spans)
    assert "a-section-boilerplate" in out
    assert text_of(out) == text
    # Spans out of range or malformed are left out, never a failure.
    record["entities"][0]["mentions"].append({"start": -1, "end": 10 ** 6, "text": "x"})
    record["events"][0]["evidence"] = None
    spans, _ = facts(record, {})
    assert text_of(render(text, spans)) == text


def test_ui_entity_page_and_missing_things(ui):
    page = ui.get("/ui/entities/1").text
    assert "Jens Stoltenberg" in page and "Secretary-General" in page
    assert 'id="itinerary-data"' in page
    stops = json.loads(re.search(r'id="itinerary-data">(.*?)</script>', page, flags=re.S).group(1))
    assert [s["place"] for s in stops] == ["Seoul", "Tokyo"]
    assert all(s["lat"] is not None and s["event_local"] for s in stops)
    for path in ("/ui/entities/999999", "/ui/articles/nope"):
        response = ui.get(path)
        assert response.status_code == 404
        assert "text/html" in response.headers["content-type"] and 'role="alert"' in response.text


def test_ui_map_and_network_data(ui):
    page = ui.get("/ui/map").text
    data = json.loads(re.search(r'id="map-data">(.*?)</script>', page, flags=re.S).group(1))
    seoul = next(p for p in data["points"] if p["place"] == "Seoul")
    assert seoul["n"] == 3 and 30 < seoul["lat"] < 40 and 120 < seoul["lon"] < 135
    assert data["countries"]["KOR"] == 3
    page = ui.get("/ui/map?since=2023-02-01").text
    data = json.loads(re.search(r'id="map-data">(.*?)</script>', page, flags=re.S).group(1))
    assert [p["place"] for p in data["points"]] == ["Brussels"]
    page = ui.get("/ui/network").text
    net = json.loads(re.search(r'id="network-data">(.*?)</script>', page, flags=re.S).group(1))
    assert len(net["edges"]) == 4 and all(e["conflict"] == 0 for e in net["edges"])
    names = {n["id"]: n["name"] for n in net["nodes"]}
    assert {names[e["target"]] for e in net["edges"]} == {"South Korea", "Japan", "Park Jin", "Fumio Kishida"}


def test_ui_search_finds_articles_quotes_and_names(ui):
    page = ui.get("/ui/search?q=security").text
    assert "<mark>" in page and "Security in Europe" in page
    page = ui.get("/ui/search?q=Kishida").text
    assert "/ui/entities/" in page
    assert ui.get("/ui/search?q=" + "x" * 300).status_code == 422


def test_ui_static_assets_are_whitelisted(ui):
    world = ui.get("/ui/static/world.json")
    assert world.status_code == 200 and world.headers["content-type"] == "application/json"
    for bad in ("/ui/static/..%2F_router.py", "/ui/static/_router.py", "/ui/static/nothere.js"):
        assert ui.get(bad).status_code == 404, bad


def test_ui_obeys_the_read_token():
    from tidings.api import create_app
    from tidings.store import Store

    app = create_app(store=Store(":memory:"), token="t", read_token="r", analyzer=no_nlp)
    with client_class()(app, raise_server_exceptions=False) as client:
        assert client.get("/ui/events").status_code == 401
        assert client.get("/ui/events", headers={"Authorization": "Bearer r"}).status_code == 200


def test_ui_assets_name_no_outside_address():
    """Nothing a page loads can reach beyond the server: no absolute URL in any asset or template."""
    for folder in ("static", "templates"):
        for item in WEB.joinpath(folder).iterdir():
            # An XML namespace names, it never loads.
            text = item.read_text(encoding="utf-8").replace("http://www.w3.org/2000/svg", "")
            if item.name == "world.json":
                text = json.dumps(json.loads(text)["countries"])
            found = re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text)
            assert found == [], (item.name, found[:3])


def test_ui_world_and_polarity_data():
    from tidings.web._views import PLOVER_TYPES, polarity

    world = json.loads(WEB.joinpath("static", "world.json").read_text(encoding="utf-8"))
    assert {"source", "licence"} <= set(world["provenance"])
    assert len(world["countries"]) > 170
    assert all(c["d"].startswith("M") and len(c["iso3"]) == 3 for c in world["countries"])
    assert {c["iso3"] for c in world["countries"]} >= {"FRA", "NOR", "KOR", "JPN", "BEL", "USA"}
    pol = polarity()
    assert set(pol) == set(PLOVER_TYPES)
    assert {t for t, p in pol.items() if p == "cooperation"} == {
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"}


@pytest.mark.parametrize("max_edges", [1, 2, 150])
def test_ui_network_from_kept_counts_equals_recount(visit_store_ro, max_edges):
    from tidings.web import _views

    q = _views.Query.parse({})
    kept = visit_store_ro.network(q.filter, max_edges=max_edges)
    recount = visit_store_ro.network(q.filter, max_edges=max_edges, use_counts=False)
    assert kept == recount and len(kept["edges"]) == min(max_edges, 4)


def test_ui_story_page_shows_reports_events_and_quotes(ui):
    listed = ui.get("/stories").json()["items"]
    visit = next(s for s in listed if len(s["articles"]) == 2)
    response = ui.get(f"/ui/stories/{visit['id']}")
    assert response.status_code == 200
    page = response.text
    assert '<main id="main"' in page
    for article in visit["articles"]:
        assert f'href="/ui/articles/{article["id"]}"' in page
        assert html.escape(article["publisher"]) in page
    assert "CONSULT" in page and "/ui/entities/" in page
    assert "Security in Europe and security in Asia" in html.unescape(page)
    assert ui.get("/ui/stories/999999").status_code == 404
