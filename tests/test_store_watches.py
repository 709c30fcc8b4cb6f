"""Watches in the store: the spec, matching on ingest by kind and filter, once per item, the delivery queue."""

from __future__ import annotations

import pytest

from helpers.stories import FLOOD, LATE, TREATY
from tidings.errors import NotFound, QueryError

VISITS = ("visit_a", "visit_b", "unrelated")


def keys(store, watch_id):
    return sorted(m["item_key"] for m in store.watch_matches(watch_id, limit=1000))


def add(store, name="w", kind="events", **filters):
    return store.add_watch({"name": name, "kind": kind, "filters": filters})["id"]


def ingest(store, record, *names):
    for name in names:
        store.add(record(name))


@pytest.mark.parametrize(("spec", "code"), [
    ({"kind": "events"}, "T631"),
    ({"name": "  ", "kind": "events"}, "T631"),
    ({"name": "w", "kind": "tweets"}, "T632"),
    ({"name": "w", "colour": "red"}, "T630"),
    ({"name": "w", "filters": {"mood": "x"}}, "T630"),
    ({"name": "w", "kind": "quotes", "filters": {"type": "PROTEST"}}, "T633"),
    ({"name": "w", "kind": "stories", "filters": {"min_confidence": 0.5}}, "T633"),
    ({"name": "w", "filters": {"min_reports": 0}}, "T634"),
    ({"name": "w", "filters": {"min_reports": "many"}}, "T634"),
    ({"name": "w", "filters": {"min_confidence": 1.5}}, "T634"),
    ({"name": "w", "filters": {"actor": "a\x00b"}}, "T634"),
    ({"name": "w", "paused": "yes"}, "T634"),
    ({"name": "w", "webhook_url": "ftp://example.org/x"}, "T635"),
    ({"name": "w", "secret": "s3cret"}, "T635"),
])
def test_a_bad_spec_is_refused_with_its_code(store, spec, code):
    with pytest.raises(QueryError, match=rf"\[{code}\]"):
        store.add_watch(spec)
    with pytest.raises(QueryError, match=rf"\[{code}\]"):
        store.test_watch(spec)
    assert store.watches() == []


def test_a_spec_is_normalised_and_the_secret_never_read_back(store):
    made = store.add_watch({"name": " Kenya ", "type": "protest", "country": "ken", "actor": "",
                            "webhook_url": "https://hooks.example.org/in"})
    assert made["filters"] == {"type": "PROTEST", "country": "KEN"} and made["name"] == "Kenya"
    assert len(made["secret"]) == 64 and made["secret_set"]
    listed = store.watch(made["id"])
    assert "secret" not in listed and listed["secret_set"] and store.watches() == [listed]
    plain = store.add_watch({"name": "no hook", "kind": "quotes"})
    assert plain["secret"] is None and not store.watch(plain["id"])["secret_set"]
    assert store.remove_watch(plain["id"])["name"] == "no hook"
    with pytest.raises(NotFound, match=r"\[T636\]"):
        store.watch(plain["id"])
    with pytest.raises(NotFound, match=r"\[T636\]"):
        store.remove_watch(99)


def test_events_match_on_ingest_by_type_country_actor_modality_and_text(store, record):
    protest = add(store, "protest", type="PROTEST", country="BEL")
    stoltenberg = add(store, "stoltenberg", actor="Stoltenberg")
    planned = add(store, "planned", actor="Stoltenberg", modality="planned")
    seoul = add(store, "seoul", q="landed Seoul")
    kenya = add(store, "kenya", type="PROTEST", country="KEN")
    ingest(store, record, *VISITS)
    clusters = {c["id"]: c for c in store.clusters(limit=100).items}
    assert [clusters[int(k)]["type"] for k in keys(store, protest)] == ["PROTEST"]
    with_him = {str(i) for i, c in clusters.items() if any("Stoltenberg" in a["name"] for a in c["actors"])}
    assert set(keys(store, stoltenberg)) == with_him and len(with_him) >= 3
    assert set(keys(store, planned)) < with_him
    assert all("planned" in clusters[int(k)]["modalities"] for k in keys(store, planned))
    [landed] = store.watch_matches(seoul)
    assert landed["payload"]["evidence"]["text"] == "landed in Seoul on Sunday"
    assert keys(store, kenya) == []


def test_a_match_carries_the_item_the_article_and_the_evidence(store, record):
    watch = store.add_watch({"name": "protest", "type": "PROTEST", "webhook_url": "http://127.0.0.1:9/hook"})
    ingest(store, record, "unrelated")
    [match] = store.watch_matches(watch["id"])
    unrelated = record("unrelated")
    item = match["payload"]
    assert item["type"] == "PROTEST" and item["reports"] == 1
    assert item["article"]["url"] == unrelated["url"] and item["article"]["id"] == unrelated["id"]
    ev = unrelated["events"][0]["evidence"]
    assert (item["evidence"]["start"], item["evidence"]["end"], item["evidence"]["text"]) == \
        (ev["start"], ev["end"], ev["text"])
    assert match["state"] == "pending" and match["attempts"] == 0 and match["published"] == unrelated["published"]
    assert len(match["idempotency_key"]) == 64 and match["article_id"] == unrelated["id"]


def test_min_reports_fires_when_a_cluster_first_reaches_it(store, record):
    two = add(store, "two", actor="Stoltenberg", type="CONSULT", min_reports=2)
    ingest(store, record, "visit_a")
    assert keys(store, two) == []
    ingest(store, record, "visit_b")
    matched = store.watch_matches(two)
    assert matched and all(m["payload"]["reports"] >= 2 for m in matched)
    assert all(m["article_id"] == record("visit_b")["id"] for m in matched)


def test_min_confidence_reads_the_events_confidence(store, record):
    sure = add(store, "sure", min_confidence=0.8)
    unrelated = record("unrelated")
    unrelated["events"][0]["confidence"] = 0.9
    unrelated["events"][1]["confidence"] = 0.3
    store.add(unrelated)
    assert [m["payload"]["type"] for m in store.watch_matches(sure)] == ["PROTEST"]


def test_re_ingesting_an_article_never_matches_twice(store, record):
    every = add(store, "every")
    quotes = add(store, "quotes", kind="quotes")
    stories = add(store, "stories", kind="stories")
    ingest(store, record, *VISITS)
    before = {w: keys(store, w) for w in (every, quotes, stories)}
    assert all(before.values())
    ingest(store, record, *VISITS)
    assert {w: keys(store, w) for w in (every, quotes, stories)} == before
    # One match per item however many articles report it.
    assert len(before[every]) == len(set(before[every])) == store.counts()["events"]


def test_quotes_match_by_speaker_text_and_story(store, record):
    his = add(store, "his", kind="quotes", actor="Stoltenberg")
    ukraine = add(store, "ukraine", kind="quotes", q="Ukraine")
    ingest(store, record, *VISITS)
    assert len(keys(store, his)) == 2
    [match] = store.watch_matches(ukraine)
    assert match["payload"]["text"].startswith("The war in Ukraine")
    assert match["payload"]["evidence"]["idx"] == 0 and match["payload"]["article"]["id"] == record("visit_b")["id"]
    story = next(a["story"] for a in store.articles().items if a["id"] == record("visit_b")["id"])
    in_story = add(store, "in story", kind="quotes", story=story)
    tested = store.test_watch({"name": "t", "kind": "quotes", "story": story})
    assert "The war in Ukraine" in {t["payload"]["text"][:18] for t in tested}
    assert keys(store, in_story) == []  # added after the articles: it matches what comes next


def test_stories_fire_once_when_they_first_have_min_reports(store):
    fishing = add(store, "fishing", kind="stories", q="fishing", min_reports=2)
    anything = add(store, "any", kind="stories")
    store.add(TREATY[0])
    assert keys(store, fishing) == []
    store.add(TREATY[1])
    [match] = store.watch_matches(fishing)
    assert match["article_id"] == TREATY[1]["id"] and len(match["payload"]["articles"]) == 2
    store.add(FLOOD)
    store.add(LATE)
    assert [m["id"] for m in store.watch_matches(fishing)] == [match["id"]]
    assert len(keys(store, anything)) == len(store.stories().items)


def test_a_paused_watch_matches_nothing_until_resumed(store, record):
    watch = add(store, "paused", actor="Stoltenberg")
    assert store.set_watch_paused(watch, True)["paused"]
    ingest(store, record, "visit_a")
    assert keys(store, watch) == []
    assert not store.set_watch_paused(watch, False)["paused"]
    ingest(store, record, "visit_b")
    assert keys(store, watch)


def test_test_watch_records_nothing_and_agrees_with_ingest(store, record):
    spec = {"name": "t", "kind": "events", "filters": {"actor": "Stoltenberg", "min_reports": 2}}
    watch = store.add_watch(spec)["id"]
    ingest(store, record, *VISITS)
    recorded = keys(store, watch)
    tested = store.test_watch(spec, limit=100)
    assert sorted(t["item_key"] for t in tested) == recorded
    assert store.watch_counters()[0]["matches"] == len(recorded)
    for kind in ("quotes", "stories"):
        assert store.test_watch({"name": "t", "kind": kind}, limit=1) and len(store.watches()) == 1
    with pytest.raises(QueryError, match=r"\[T531\]"):
        store.test_watch(spec, limit=0)


def test_a_match_commits_with_its_article_or_not_at_all(store, record, monkeypatch):
    from tidings.store import _watches

    add(store, "every")

    def broken(conn, article_id):
        raise QueryError("[T699] matching failed")

    monkeypatch.setattr(_watches, "match_article", broken)
    with pytest.raises(QueryError):
        store.add(record("visit_a"))
    assert not store.has_article(record("visit_a")["id"])


def test_the_lag_of_a_followed_article_runs_from_its_feed_items_publication_time(store, record):
    # The article's own date is a day ("2023-01-29"): from midnight, the lag would be the hours
    # since then. Read from a followed source, its item's time to the second is the start.
    hook = store.add_watch({"name": "hook", "type": "CONSULT", "webhook_url": "http://127.0.0.1:9/in"})["id"]
    ingest(store, record, "visit_a")
    article_id = record("visit_a")["id"]
    source = store.add_source("http://127.0.0.1:9/feed.xml", interval=60)[0]
    store.see_source_item(source["id"], "http://127.0.0.1:9/a/1.html", entry_hash="e1", content_hash="c1",
                          article_id=article_id, published="2023-01-29T08:00:30+00:00",
                          stored_at="2023-01-29T08:00:50.000+00:00")
    first, second = store.due_deliveries("2030-01-01T00:00:00Z", limit=1000)[:2]
    store.record_delivery(first["match_id"], ok=True, at="2023-01-29T08:01:00Z")
    store.record_delivery(second["match_id"], ok=True, at="2023-01-29T08:01:30Z")
    [counters] = store.watch_counters()
    assert counters["id"] == hook and counters["delivered"] == 2
    assert (counters["lag_median_s"], counters["lag_p95_s"]) == (30.0, 60.0)


def test_the_delivery_queue(store, record):
    hook = store.add_watch({"name": "hook", "type": "CONSULT", "webhook_url": "http://127.0.0.1:9/in",
                            "secret": "s3cret"})["id"]
    plain = add(store, "plain", type="CONSULT")
    ingest(store, record, "visit_a")
    assert {m["state"] for m in store.watch_matches(plain)} == {"none"}
    due = store.due_deliveries("2030-01-01T00:00:00Z", limit=1000)
    assert {d["watch_id"] for d in due} == {hook} and len(due) == len(keys(store, hook)) >= 3
    first, second, third = due[:3]
    assert first["secret"] == "s3cret" and first["webhook_url"] == "http://127.0.0.1:9/in"
    assert first["payload"]["type"] == "CONSULT" and first["attempts"] == 0 and first["published"]
    # Delivered: the lag runs from the article's publication.
    store.record_delivery(first["match_id"], ok=True, at="2023-01-29T00:10:00Z")
    # Failed: due again later, not now.
    store.record_delivery(second["match_id"], ok=False, at="2030-01-01T00:00:00Z", error="HTTP 500",
                          next_attempt_at="2030-01-01T00:05:00+00:00")
    # Given up.
    store.record_delivery(third["match_id"], ok=False, at="2030-01-01T00:00:00Z", error="HTTP 410", dead=True)
    now_due = {d["match_id"] for d in store.due_deliveries("2030-01-01T00:01:00Z", limit=1000)}
    assert not now_due & {first["match_id"], second["match_id"], third["match_id"]}
    later = {d["match_id"]: d for d in store.due_deliveries("2030-01-01T00:05:00Z", limit=1000)}
    assert later[second["match_id"]]["attempts"] == 1
    [dead] = store.dead_letters()
    assert dead["id"] == third["match_id"] and dead["last_error"] == "HTTP 410" and store.dead_letters(plain) == []
    counters = {c["id"]: c for c in store.watch_counters()}
    assert counters[hook]["delivered"] == 1 and counters[hook]["dead"] == 1
    assert counters[hook]["failed_attempts"] == 2 and counters[hook]["lag_median_s"] == 600.0
    assert counters[hook]["pending"] == len(due) - 2 and counters[plain]["pending"] == 0
    store.requeue_delivery(third["match_id"])
    back = {d["match_id"]: d for d in store.due_deliveries("2030-01-01T00:01:00Z", limit=1000)}
    assert back[third["match_id"]]["attempts"] == 0 and store.dead_letters() == []
    assert store.watch_counters()[0]["failed_attempts"] == 2  # the history stays
    # A paused watch's deliveries wait.
    store.set_watch_paused(hook, True)
    assert store.due_deliveries("2030-01-01T00:05:00Z") == []
    with pytest.raises(NotFound, match=r"\[T637\]"):
        store.record_delivery(10_000, ok=True, at="2030-01-01T00:00:00Z")
    with pytest.raises(QueryError, match=r"\[T638\]"):
        store.due_deliveries("yesterday")
    with pytest.raises(QueryError, match=r"\[T639\]"):
        store.requeue_delivery(store.watch_matches(plain)[0]["id"])


def test_removing_a_watch_removes_its_matches(store, record):
    watch = add(store, "every")
    other = add(store, "other")
    ingest(store, record, "visit_a")
    assert keys(store, watch)
    store.remove_watch(watch)
    assert [c["id"] for c in store.watch_counters()] == [other] and keys(store, other)
    with pytest.raises(NotFound):
        store.watch_matches(watch)
