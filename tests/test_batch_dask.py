"""The same batch through a Dask LocalCluster of 2 workers and in one process."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from helpers.batch import build_mixed_dir
from tidings.batch import PartitionSink, read_partitions, run_batch

pytestmark = [pytest.mark.issue(8), pytest.mark.slow]

# Starting 2 worker processes and loading the model in each takes ~15 s on a
# quiet 2-core machine and ~100 s when other jobs hold both cores; beyond this
# the cluster hangs. (Waiting for the workers is bounded by DaskExecutor's own
# timeout too.)
TIME_LIMIT = 300.0


def test_batch_dask_two_workers_give_the_same_records_as_one_process(tmp_path: Path):
    pytest.importorskip("distributed")
    logging.getLogger("distributed").setLevel(logging.ERROR)
    inputs = build_mixed_dir(tmp_path)
    single = run_batch([str(inputs)], PartitionSink(tmp_path / "single"), chunk_size=2)
    started = time.monotonic()
    dask = run_batch([str(inputs)], PartitionSink(tmp_path / "dask"), workers=2, chunk_size=2)
    assert time.monotonic() - started < TIME_LIMIT
    assert (dask.workers, single.workers) == (2, 1)
    by_id = {r["id"]: r for r in read_partitions(tmp_path / "single")}
    assert {r["id"]: r for r in read_partitions(tmp_path / "dask")} == by_id
    assert len(by_id) == dask.stored == 7
    assert dask.failed == single.failed == {"read": 1}


def test_batch_dask_two_workers_assign_stories_as_one_process(tmp_path: Path):
    """Chunks are written in input order, so the store's stories come out the same (ids included)."""
    pytest.importorskip("distributed")
    logging.getLogger("distributed").setLevel(logging.ERROR)
    import json

    from helpers.stories import FLOOD, LATE, TREATY
    from tidings.batch import StoreSink
    from tidings.store import Store

    extra = [("Central bank raises interest rates to curb inflation",
              "The central bank raised its main interest rate by half a point on Thursday to curb inflation."),
             ("Storm knocks out power to thousands along the coast",
              "A winter storm knocked out power to thousands of homes along the coast overnight.")]
    lines = [{"title": r["headline"], "maintext": r["text"].split("\n\n", 1)[1], "url": r["url"],
              "date_publish": r["published"].replace("T", " "), "source_domain": r["publisher"]}
             for r in (TREATY[0], FLOOD, TREATY[1], LATE)]
    lines += [{"title": t, "maintext": b, "url": f"https://wire.example/{i}", "date_publish": "2024-03-06 10:00:00",
               "source_domain": "wire.example"} for i, (t, b) in enumerate(extra)]
    # A long first article: its chunk finishes after the next ones, as chunks of parallel workers may.
    lines[0]["maintext"] = " ".join([lines[0]["maintext"]] * 40)
    inputs = tmp_path / "in.jsonl"
    inputs.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")

    def stories(name: str, workers: int) -> dict[str, int]:
        url = str(tmp_path / f"{name}.db")
        run_batch([str(inputs)], StoreSink(url), workers=workers, chunk_size=1)
        with Store(url) as store:
            found = {a["url"]: s["id"] for s in store.stories(limit=100).items for a in s["articles"]}
        assert len(found) == len(lines)
        return found

    single = stories("single", 1)
    started = time.monotonic()
    assert stories("dask", 2) == single
    assert time.monotonic() - started < TIME_LIMIT
    assert single[TREATY[0]["url"]] == single[TREATY[1]["url"]] == single[LATE["url"]] != single[FLOOD["url"]]
