"""Stories kept in the store: assignment on ingest, corrections that survive re-ingest, API and CLI."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from helpers.store import AUTH
from helpers.stories import FLOOD, LATE, TREATY, story_record
from tidings.errors import NotFound, QueryError
from tidings.stories import StoryIndex


def story_of(store: Any, article_id: str) -> int:
    found = [s["id"] for s in store.stories(limit=500).items if article_id in [a["id"] for a in s["articles"]]]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def filled(store: Any) -> Any:
    for record in (*TREATY, FLOOD):
        store.add(record)
    return store


def test_a_later_article_joins_its_story_through_the_store(filled: Any) -> None:
    assert story_of(filled, "s1") == story_of(filled, "s2")
    filled.add(LATE)
    treaty = filled.story(story_of(filled, "s1"))
    assert [a["id"] for a in treaty["articles"]] == ["s1", "s2", "s3"]
    assert treaty["last_seen"].startswith("2024-03-12")
    assert "Alice Moreau" in treaty["entities"]
    assert "fishing" in treaty["title"].lower()


def test_same_people_in_another_event_stay_apart(filled: Any) -> None:
    assert story_of(filled, "f1") != story_of(filled, "s1")
    assert len(filled.stories().items) == 2


def test_the_store_agrees_with_the_engine(filled: Any) -> None:
    filled.add(LATE)
    index = StoryIndex()
    for record in (*TREATY, FLOOD, LATE):
        index.assign(record)
    groups = {frozenset(a["id"] for a in s["articles"]) for s in filled.stories().items}
    assert groups == {frozenset(s.article_ids) for s in index.stories()}


def test_merge_and_split_survive_reingest(filled: Any) -> None:
    treaty, flood = story_of(filled, "s1"), story_of(filled, "f1")
    merged = filled.merge_stories(treaty, flood)
    assert {a["id"] for a in merged["articles"]} == {"s1", "s2", "f1"}
    assert filled.story(flood) is None
    # The same articles again: nothing moves.
    for record in (*TREATY, FLOOD):
        assert filled.add(record) == "unchanged"
    assert story_of(filled, "f1") == treaty
    # A new reading of f1 (same URL, new id) keeps the decision.
    revised = story_record("f1b", FLOOD["headline"], FLOOD["text"], FLOOD["published"], "Wire One",
                           FLOOD["entities"], url=FLOOD["url"])
    assert filled.add(revised) == "replaced"
    assert story_of(filled, "f1b") == treaty
    new = filled.split_story(treaty, ["f1b"])
    assert [a["id"] for a in new["articles"]] == ["f1b"]
    assert all(a["pinned"] for a in new["articles"])
    filled.add(LATE)
    assert story_of(filled, "s3") == treaty
    assert story_of(filled, "f1b") == new["id"]


def test_delete_takes_the_article_out(filled: Any) -> None:
    flood = story_of(filled, "f1")
    assert filled.delete_article("f1")
    assert filled.story(flood) is None
    assert {a["id"] for s in filled.stories().items for a in s["articles"]} == {"s1", "s2"}


def test_bad_corrections_are_refused(filled: Any) -> None:
    with pytest.raises(NotFound):
        filled.merge_stories(story_of(filled, "s1"), 999)
    with pytest.raises(QueryError):
        filled.split_story(story_of(filled, "s1"), ["f1"])


def test_filters_and_paging(filled: Any) -> None:
    filled.add(LATE)
    first = filled.stories(limit=1)
    assert first.items[0]["articles"][-1]["id"] == "s3" and first.next_cursor
    second = filled.stories(limit=1, cursor=first.next_cursor)
    assert [a["id"] for a in second.items[0]["articles"]] == ["f1"]
    assert second.next_cursor is None
    assert [s["title"] for s in filled.stories(q="flooded").items] == [FLOOD["headline"]]
    assert filled.stories(since="2024-03-10").items[0]["id"] == story_of(filled, "s1")
    assert len(filled.stories(until="2024-03-04").items) == 0
    assert len(filled.stories(entity="Alice Moreau").items) == 2
    with pytest.raises(QueryError):
        filled.stories(since="March")


def test_story_ids_in_articles_events_and_exports(filled: Any) -> None:
    treaty = story_of(filled, "s1")
    assert {a["id"]: a["story"] for a in filled.articles().items}["s2"] == treaty


def test_story_ids_on_events_and_in_the_events_export(visit_store: Any) -> None:
    from tidings.store import export

    stories = {a["id"]: s["id"] for s in visit_store.stories().items for a in s["articles"]}
    events = visit_store.events().items
    assert events and all(e["story"] == stories[e["article_id"]] for e in events)
    out = io.BytesIO()
    with visit_store.read() as conn:
        export(conn, "csv", out, table="events")
    rows = list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8"))))
    assert rows and all(int(r["story"]) == stories[r["article_id"]] for r in rows)


def test_a_store_made_before_stories_is_backfilled(tmp_path: Any) -> None:
    import sqlalchemy as sa

    from tidings.store import Store

    path = str(tmp_path / "old.db")
    with Store(path) as old:
        for record in (*TREATY, FLOOD):
            old.add(record)
        before = {frozenset(a["id"] for a in s["articles"]) for s in old.stories().items}
        with old.write() as conn:  # as a store made before migration 0006 would be
            for table in ("stories", "story_terms", "story_articles", "story_df", "story_labels", "story_meta"):
                conn.execute(sa.text(f"DROP TABLE {table}"))
            conn.execute(sa.text("DELETE FROM tidings_migrations WHERE name = '0007_stories'"))
    with Store(path) as new:
        assert new.migrations()[-1] == "0007_stories"
        assert {frozenset(a["id"] for a in s["articles"]) for s in new.stories().items} == before


@pytest.fixture
def db(tmp_path: Any) -> str:
    from tidings.store import Store

    url = str(tmp_path / "cli.db")
    with Store(url) as store:
        for record in (*TREATY, FLOOD):
            store.add(record)
    return url


def run(*args: str) -> Any:
    from click.testing import CliRunner

    from tidings.cli import cli

    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_cli_stories_formats(db: str) -> None:
    lines = [json.loads(line) for line in run("stories", "--db", db, "--format", "jsonl").output.splitlines()]
    assert len(lines) == 2
    flood = lines[0]
    assert set(flood) >= {"id", "title", "first_seen", "last_seen", "articles", "entities", "clusters"}
    assert [set(a) >= {"id", "url", "headline", "publisher", "published"} for a in flood["articles"]] == [True]
    rows = list(csv.DictReader(io.StringIO(run("stories", "--db", db, "--format", "csv").output)))
    assert sorted(r["articles"] for r in rows) == ["1", "2"]
    table = run("stories", "--db", db, "--q", "treaty").output.splitlines()
    assert table[0].split()[:3] == ["ID", "FIRST_SEEN", "LAST_SEEN"] and len(table) == 2


def test_cli_stories_merge_and_split(db: str) -> None:
    ids = [json.loads(line)["id"] for line in run("stories", "--db", db, "--format", "jsonl").output.splitlines()]
    merged = json.loads(run("stories", "merge", str(ids[1]), str(ids[0]), "--db", db).output)
    assert len(merged["articles"]) == 3
    new = json.loads(run("stories", "split", str(ids[1]), "--article", "f1", "--db", db).output)
    assert [a["id"] for a in new["articles"]] == ["f1"]
    from click.testing import CliRunner

    from tidings.cli import cli

    bad = CliRunner().invoke(cli, ["stories", "merge", str(ids[1]), "999", "--db", db])
    assert bad.exit_code == 1 and "[T545]" in bad.output


@pytest.fixture
def stories_api(api: Any, store: Any) -> Any:
    for record in (*TREATY, FLOOD):
        store.add(record)
    return api


def test_api_lists_and_gets_stories(stories_api: Any) -> None:
    page = stories_api.get("/stories", params={"limit": 1}).json()
    assert page["ok"] and len(page["items"]) == 1 and page["next_cursor"]
    rest = stories_api.get("/stories", params={"limit": 1, "cursor": page["next_cursor"]}).json()
    assert [a["id"] for a in rest["items"][0]["articles"]] == ["s1", "s2"]
    one = stories_api.get(f"/stories/{rest['items'][0]['id']}").json()["story"]
    assert one == rest["items"][0]
    assert stories_api.get("/stories", params={"q": "flooded"}).json()["items"][0]["id"] == page["items"][0]["id"]
    assert stories_api.get("/stories/999").status_code == 404
    assert stories_api.get("/stories", params={"cursor": "bogus"}).status_code == 400


def test_api_merges_and_splits_stories(stories_api: Any) -> None:
    flood, treaty = (s["id"] for s in stories_api.get("/stories").json()["items"])
    assert stories_api.post("/stories/merge", json={"a": treaty, "b": flood}).status_code == 401
    merged = stories_api.post("/stories/merge", json={"a": treaty, "b": flood}, headers=AUTH)
    assert merged.status_code == 200 and len(merged.json()["story"]["articles"]) == 3
    assert stories_api.post("/stories/merge", json={"a": treaty, "b": 999}, headers=AUTH).status_code == 404
    split = stories_api.post(f"/stories/{treaty}/split", json={"articles": ["f1"]}, headers=AUTH)
    assert split.status_code == 200 and [a["id"] for a in split.json()["story"]["articles"]] == ["f1"]
    bad = stories_api.post(f"/stories/{treaty}/split", json={"articles": ["nope"]}, headers=AUTH)
    assert bad.status_code == 400 and "[T546]" in bad.json()["error"]
    spec = stories_api.get("/openapi.json").json()["paths"]
    assert {"/stories", "/stories/{story_id}", "/stories/merge", "/stories/{story_id}/split"} <= set(spec)


def test_two_processes_writing_one_store_share_its_stories(tmp_path: Any) -> None:
    from tidings.store import Store

    path = str(tmp_path / "shared.db")
    with Store(path) as one, Store(path) as two:
        one.add(TREATY[0])
        two.add(FLOOD)
        one.add(TREATY[1])
        two.add(LATE)
        for store in (one, two):
            groups = {frozenset(a["id"] for a in s["articles"]) for s in store.stories().items}
            assert groups == {frozenset({"s1", "s2", "s3"}), frozenset({"f1"})}
