"""Writers side by side: processes ingesting into one store at once, on a new store."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

N_WRITERS = 3
N_ARTICLES = 6

# Each child opens the (new, unmigrated) store itself and ingests its own
# articles, all naming the same people, places and events.
_CHILD = textwrap.dedent("""
    import json, sys
    from tidings.store import Store
    store = Store(sys.argv[1])
    failed = 0
    for line in open(sys.argv[2], encoding="utf-8"):
        try:
            store.add(json.loads(line))
        except Exception as exc:
            failed += 1
            print(exc, file=sys.stderr)
    print(failed)
""")


def _records(record, writer):
    out = []
    for i in range(N_ARTICLES):
        rec = record(("visit_a", "visit_b", "unrelated")[i % 3])
        rec["id"] = f"w{writer}-{i:03d}"
        rec["url"] = rec["url"] + f"?w{writer}={i}"
        out.append(rec)
    return out


def test_store_concurrent_writers_resolve_once(store_url, tmp_path, record):
    from tidings.store import Store

    batches = [_records(record, w) for w in range(N_WRITERS)]
    paths = []
    for w, batch in enumerate(batches):
        path = tmp_path / f"w{w}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in batch), encoding="utf-8")
        paths.append(path)
    children = [subprocess.Popen([sys.executable, "-c", _CHILD, store_url, str(p)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for p in paths]
    outputs = [child.communicate(timeout=120) for child in children]
    assert [(out.strip(), err.strip()) for out, err in outputs] == [("0", "")] * N_WRITERS

    # The same articles written one after another: the same entities and clusters.
    alone = Store(str(tmp_path / "sequential.db"))
    for batch in batches:
        alone.add_many(batch)
    together = Store(store_url)
    assert together.migrations() == alone.migrations()
    assert together.counts() == alone.counts()
    names = [e["name"] for e in together.entities(limit=1000).items]
    assert len(names) == len(set(names))
    together.close()
    alone.close()
