"""Actor dictionaries and entity data files reach the pipeline from every command:
``tidings read``, ``tidings batch`` (also on Dask workers, through the work settings) and
``tidings ingest``; a bad file stops a run with one line."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

ACTORS = """\
provenance: {source: test desk list, licence: CC0}
entries:
  - name: Arnor
    type: GPE
    code: ARN
    country: ARN
"""

TITLES = "# source: test\n# licence: CC0\ntitle\tsector\thead\nwarden\tMIL\t\n"

STORY = ("Arnor sends troops north\n\nTroops from Arnor crossed the river on Monday, "
         "Warden Halbarad Dunadan said.\n")


def inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A story, an actor dictionary naming a country no gazetteer knows, a titles file adding 'warden'."""
    (tmp_path / "in").mkdir()
    story = tmp_path / "in" / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    actors = tmp_path / "actors.yaml"
    actors.write_text(ACTORS, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "titles.tsv").write_text(TITLES, encoding="utf-8")
    return story, actors, data


def check(record: dict[str, object]) -> None:
    ents = {e["name"]: e for e in record["entities"]}  # type: ignore[attr-defined]
    assert ents["Arnor"]["code"] == "ARN", ents
    assert [(r["title"], r["sector"]) for r in ents["Halbarad Dunadan"]["roles"]] == [("Warden", "MIL")]
    # The model tags "Warden" as a person of its own before the name: it is the title, no entity.
    assert "Warden" not in ents


def tidings(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env_free = {k: v for k, v in os.environ.items() if k not in ("TIDINGS_ACTORS", "TIDINGS_ENTITY_DATA")}
    return subprocess.run([sys.executable, "-m", "tidings.cli", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd, env=env_free)


@pytest.mark.slow
def test_entities_options_batch_command(tmp_path: Path) -> None:
    _story, actors, data = inputs(tmp_path)
    # Relative paths, as people type them: the command makes them absolute for the workers.
    out = tidings("batch", "in", "--out", "out", "--no-progress", "--published", "2020-05-01",
                  "--actors", actors.name, "--entity-data", data.name, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    (record,) = [json.loads(line) for f in sorted((tmp_path / "out").glob("*.jsonl"))
                 if f.name != "errors.jsonl" for line in f.read_text().splitlines() if line.strip()]
    check(record)


@pytest.mark.slow
def test_entities_options_ingest_command(tmp_path: Path) -> None:
    _story, actors, data = inputs(tmp_path)
    out = tidings("ingest", "in", "--db", "news.db", "--published", "2020-05-01",
                  "--actors", actors.name, "--entity-data", data.name, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    listed = tidings("entities", "--db", "news.db", "--name", "Arnor", "--format", "jsonl", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]
    assert any(row.get("code") == "ARN" for row in rows), rows


@pytest.mark.slow
@pytest.mark.parametrize("command", [["batch", "in", "--out", "out", "--no-progress"],
                                     ["ingest", "in", "--db", "x.db"], ["read", "in"]])
def test_entities_options_bad_dictionary_is_one_line(tmp_path: Path, command: list[str]) -> None:
    inputs(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text(ACTORS.replace("type: GPE", "type: PLANET"), encoding="utf-8")
    out = tidings(*command, "--actors", bad.name, cwd=tmp_path)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.yaml:3" in lines[0] and "'type'" in lines[0], out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.slow
def test_entities_options_reach_dask_workers_through_the_settings(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    from tidings.batch import PartitionSink, WorkSettings, read_partitions, run_batch
    from tidings.ingest import ReadOptions

    logging.getLogger("distributed").setLevel(logging.ERROR)
    monkeypatch.delenv("TIDINGS_ACTORS", raising=False)
    monkeypatch.delenv("TIDINGS_ENTITY_DATA", raising=False)
    story, actors, data = inputs(tmp_path)
    settings = WorkSettings(stages=("entities",), actors=(str(actors),), entity_data=str(data))

    summary = run_batch([str(story)], PartitionSink(tmp_path / "out"), settings=settings, use_dask=True,
                        workers=1, read_options=ReadOptions(published="2020-05-01"))
    assert summary.workers == 1 and summary.stored == 1, summary
    (record,) = list(read_partitions(tmp_path / "out"))
    check(record)
