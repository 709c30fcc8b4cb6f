"""An ingest killed mid-batch and run again loses nothing and duplicates nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

N_ARTICLES = 12

# The child ingests with each article's transaction held open a while (by
# slowing one write step), so the kill lands inside an article's transaction.
_CHILD = textwrap.dedent("""
    import json, sys, time
    from tidings.batch import read_records
    from tidings.store import Store, _write

    slow = _write._write_quotes
    def slowed(conn, art):
        slow(conn, art)
        time.sleep(0.05)
    _write._write_quotes = slowed
    store = Store(sys.argv[1])
    store.add_many(read_records([sys.argv[2]]),
                   on_article=lambda aid, status: print(aid, status, flush=True))
""")


def _records(record):
    """Distinct articles made from the fixtures (new text, new id, new URL)."""
    out = []
    for i in range(N_ARTICLES):
        rec = record(("visit_a", "visit_b", "unrelated")[i % 3])
        rec["text"] = rec["text"] + f"\n(copy {i})\n"
        rec["id"] = f"copy{i:04d}"
        rec["url"] = rec["url"] + f"?copy={i}"
        out.append(rec)
    return out


def test_store_killed_ingest_resumes(store, tmp_path, record):
    records = _records(record)
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with subprocess.Popen(
        [sys.executable, "-c", _CHILD, store.url, str(path)],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as child:
        assert child.stdout is not None
        done = [child.stdout.readline() for _ in range(N_ARTICLES // 3)]
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert all(line.strip() for line in done)
    stored = store.article_ids()
    assert N_ARTICLES // 3 <= len(stored) < N_ARTICLES
    # No half-written article: each stored one has all its rows.
    for aid in stored:
        assert store.article(aid) == next(r for r in records if r["id"] == aid)
    summary = store.add_many(records)
    assert (summary.unchanged, summary.added) == (len(stored), N_ARTICLES - len(stored))
    assert store.article_ids() == {r["id"] for r in records}
    counts = store.counts()
    assert counts["reports"] == sum(len(r["events"]) for r in records)
    assert counts["mentions"] == sum(len(m["mentions"]) for r in records for m in r["entities"])
    assert counts["quotes"] == sum(len(r["quotes"]) for r in records)


@pytest.mark.slow  # the driver loads the pipeline before the stand-in analysis runs
@pytest.mark.parametrize("n_first", [0, 2])
def test_store_ingest_sources_skips_stored(store, tmp_path, n_first, monkeypatch):
    from tidings.batch import ingest_sources

    texts = []
    for i in range(3):
        p = tmp_path / f"a{i}.txt"
        p.write_text(f"Headline {i}\n\nBody of story number {i}.\n", encoding="utf-8")
        texts.append(str(p))
    from tidings.ingest import read_paths
    from tidings.nlp.pipeline import doc_to_record

    for article in list(read_paths(texts[:n_first])):
        store.add(doc_to_record(article, None))
    seen = []
    import tidings.nlp.pipeline as pipeline

    def fake_analyze_many(articles, nlp=None, **kw):
        for a in articles:
            seen.append(a.source_path)
            yield doc_to_record(a, None)

    monkeypatch.setattr(pipeline, "analyze_many", fake_analyze_many)
    report = ingest_sources(store, texts)
    assert report.skipped == n_first
    assert seen == texts[n_first:]
    assert len(store.article_ids()) == 3
