"""Watches over HTTP: the routes and their token rules, the Atom feed read back by a feed reader, the pages, the CLI."""

from __future__ import annotations

import json

import feedparser
import pytest
from click.testing import CliRunner

from helpers.store import AUTH, TOKEN, client_class, load_record, no_nlp
from tidings.cli import cli
from tidings.store import Store, watch_entry_id

READ = "read-token-0123456789"
SPEC = {"name": "consultations", "kind": "events", "filters": {"type": "CONSULT", "actor": "Stoltenberg"},
        "webhook_url": "http://127.0.0.1:9/hook"}


def client(store: Store, **kw):
    from tidings.api import create_app

    return client_class()(create_app(store=store, analyzer=no_nlp, **kw), raise_server_exceptions=False)


def fill(store: Store) -> None:
    for name in ("visit_a", "visit_b", "unrelated"):
        store.add(load_record(name))


def test_create_list_get_and_delete_a_watch(api, store):
    made = api.post("/watches", json=SPEC, headers=AUTH)
    assert made.status_code == 201, made.text
    watch = made.json()["watch"]
    secret = watch["secret"]
    assert len(secret) == 64 and watch["filters"] == {"type": "CONSULT", "actor": "Stoltenberg"}
    fill(store)
    listed = api.get("/watches")
    assert listed.status_code == 200 and secret not in listed.text
    [row] = listed.json()["items"]
    assert row["secret_set"] and "secret" not in row and row["counters"]["matches"] >= 3
    one = api.get(f"/watches/{watch['id']}")
    assert one.json()["watch"]["counters"]["pending"] == row["counters"]["matches"] and secret not in one.text
    page = api.get(f"/watches/{watch['id']}/matches", params={"limit": 2}).json()
    assert len(page["items"]) == 2 and page["total"] == row["counters"]["matches"] and page["next_offset"] == 2
    rest = api.get(f"/watches/{watch['id']}/matches", params={"offset": 2, "limit": 100}).json()
    assert rest["next_offset"] is None
    ids = [m["id"] for m in page["items"] + rest["items"]]
    assert ids == sorted(ids, reverse=True) and len(ids) == page["total"]
    assert secret not in json.dumps(page) + json.dumps(rest)
    gone = api.delete(f"/watches/{watch['id']}", headers=AUTH)
    assert gone.status_code == 200 and api.get(f"/watches/{watch['id']}").status_code == 404
    assert api.get("/watches").json()["items"] == []


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"name": "w", "kind": "quotes", "filters": {"type": "PROTEST"}}, 400, "T633"),
    ({"name": "w", "webhook_url": "file:///etc/passwd"}, 400, "T635"),
    ({"name": "w", "kind": "tweets"}, 422, None),
    ({"name": "w", "filters": {"mood": "x"}}, 422, None),
    ({"kind": "events"}, 422, None),
])
def test_a_bad_watch_is_refused(api_memory, body, status, code):
    answer = api_memory.post("/watches", json=body, headers=AUTH)
    assert answer.status_code == status, answer.text
    assert answer.json()["ok"] is False
    if code:
        assert answer.json()["error"].startswith(f"[{code}]")


def test_writes_need_the_token_and_reads_follow_the_read_rule(tmp_path):
    store = Store(str(tmp_path / "t.db"))
    open_reads = client(store, token=TOKEN)
    assert open_reads.post("/watches", json=SPEC).status_code == 401
    assert open_reads.post("/watches", json=SPEC, headers={"Authorization": "Bearer wrong"}).status_code == 401
    watch_id = open_reads.post("/watches", json=SPEC, headers=AUTH).json()["watch"]["id"]
    assert open_reads.delete(f"/watches/{watch_id}").status_code == 401
    assert open_reads.get(f"/watches/{watch_id}/feed.atom").status_code == 200
    no_writes = client(store, token="")
    assert no_writes.post("/watches", json=SPEC).status_code == 403
    guarded = client(store, token=TOKEN, read_token=READ)
    for path in ("/watches", f"/watches/{watch_id}", f"/watches/{watch_id}/matches",
                 f"/watches/{watch_id}/feed.atom", "/ui/watches", f"/ui/watches/{watch_id}"):
        assert guarded.get(path).status_code == 401, path
        assert guarded.get(path, headers={"Authorization": f"Bearer {READ}"}).status_code == 200, path
    spec = guarded.get("/openapi.json", headers={"Authorization": f"Bearer {READ}"}).json()
    ops = spec["paths"]
    assert {"/watches", "/watches/{watch_id}", "/watches/{watch_id}/matches",
            "/watches/{watch_id}/feed.atom"} <= set(ops)
    assert {"get", "post"} <= set(ops["/watches"]) and "delete" in ops["/watches/{watch_id}"]
    assert "application/atom+xml" in ops["/watches/{watch_id}/feed.atom"]["get"]["responses"]["200"]["content"]
    assert ops["/watches"]["post"].get("security") and ops["/watches"]["get"].get("security")
    store.close()


def test_the_atom_feed_reads_back_with_the_matches(api, store):
    watch_id = api.post("/watches", json=SPEC, headers=AUTH).json()["watch"]["id"]
    quotes_id = api.post("/watches", json={"name": "quotes", "kind": "quotes"}, headers=AUTH).json()["watch"]["id"]
    fill(store)
    answer = api.get(f"/watches/{watch_id}/feed.atom")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(answer.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.title.endswith("consultations")
    assert feed.feed.id.startswith("urn:uuid:") and feed.feed.updated and feed.feed.author == "tidings"
    assert any(link.rel == "self" and link.href.endswith(f"/watches/{watch_id}/feed.atom")
               for link in feed.feed.links)
    matches = store.watch_matches(watch_id, limit=1000)
    assert [e.id for e in feed.entries] == [watch_entry_id(m["idempotency_key"]) for m in matches]
    for entry, match in zip(feed.entries, matches, strict=True):
        evidence = match["payload"]["evidence"]
        assert entry.link.endswith(f"/ui/articles/{match['article_id']}#ev-{evidence['local_id']}")
        assert evidence["text"] in entry.summary and entry.title.startswith("CONSULT")
        assert entry.updated
    # The link leads to the article page, which holds the anchor of the evidence.
    first = feed.entries[0].link
    page = api.get(first.split("#")[0].replace("http://testserver", ""))
    assert page.status_code == 200 and f'id="{first.split("#")[1]}"' in page.text
    # The same entries again: ids are stable.
    again = feedparser.parse(api.get(f"/watches/{watch_id}/feed.atom").content)
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]
    quotes = feedparser.parse(api.get(f"/watches/{quotes_id}/feed.atom").content)
    assert not quotes.bozo and len(quotes.entries) == 2
    assert all("#quote-" in e.link for e in quotes.entries)
    empty = api.post("/watches", json={"name": "none", "filters": {"type": "PROTEST", "country": "KEN"}}, headers=AUTH)
    nothing = feedparser.parse(api.get(f"/watches/{empty.json()['watch']['id']}/feed.atom").content)
    assert not nothing.bozo and nothing.entries == []
    assert api.get("/watches/999/feed.atom").status_code == 404


def test_the_watch_pages(api, store):
    watch = api.post("/watches", json=SPEC, headers=AUTH).json()["watch"]
    fill(store)
    [first, *_] = store.due_deliveries("2030-01-01T00:00:00Z")
    store.record_delivery(first["match_id"], ok=False, at="2030-01-01T00:00:00Z", error="HTTP 503 <b>", dead=True)
    listing = api.get("/ui/watches")
    assert listing.status_code == 200 and "consultations" in listing.text
    assert "HTTP 503 &lt;b&gt;" in listing.text and f'href="/watches/{watch["id"]}/feed.atom"' in listing.text
    assert "<script>" not in listing.text
    page = api.get(f"/ui/watches/{watch['id']}")
    assert page.status_code == 200 and "Dead letters (1)" in page.text
    assert page.text.count('class="snippet"') == len(store.watch_matches(watch["id"]))
    assert watch["secret"] not in listing.text + page.text
    assert api.get("/ui/watches/999").status_code == 404
    assert 'href="/ui/watches"' in api.get("/ui/").text


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_the_watch_commands(tmp_path):
    db = str(tmp_path / "cli.db")
    added = run("watch", "add", "--db", db, "--name", "him", "--actor", "Stoltenberg", "--type", "CONSULT",
                "--min-reports", "2", "--webhook", "http://127.0.0.1:9/hook")
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("added watch 1 him: events") and "secret (shown once)" in added.stdout
    with Store(db) as store:
        fill(store)
        recorded = sorted(m["item_key"] for m in store.watch_matches(1))
    tested = run("watch", "test", "--db", db, "--name", "t", "--actor", "Stoltenberg", "--type", "CONSULT",
                 "--min-reports", "2", "--format", "jsonl")
    assert tested.exit_code == 0, tested.output
    assert sorted(json.loads(line)["item_key"] for line in tested.stdout.splitlines()) == recorded
    listed = run("watch", "list", "--db", db)
    assert "him" in listed.stdout and f"matches {len(recorded)}, pending {len(recorded)}" in listed.stdout
    shown = run("watch", "matches", "1", "--db", db)
    assert shown.exit_code == 0 and len(shown.stdout.splitlines()) == len(recorded)
    assert all("pending" in line and "CONSULT" in line for line in shown.stdout.splitlines())
    bad = run("watch", "add", "--db", db, "--name", "q", "--kind", "quotes", "--type", "PROTEST")
    assert bad.exit_code == 1 and "[T633]" in bad.output and len(bad.output.strip().splitlines()) == 1
    missing = run("watch", "matches", "7", "--db", db)
    assert missing.exit_code == 1 and "[T636]" in missing.output
    assert run("watch", "pause", "1", "--db", db).stdout == "paused watch 1 him\n"
    assert run("watch", "remove", "1", "--db", db).stdout == "removed watch 1 him\n"
    assert run("watch", "list", "--db", db).stdout == ""
