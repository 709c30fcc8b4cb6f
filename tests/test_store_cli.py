"""CLI over the store: ingest, events, quotes, entities, timeline, search, export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tidings.cli import cli
from tidings.store import Store


@pytest.fixture
def db(tmp_path, record):
    """A SQLite store ingested through the CLI from JSON Lines records."""
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(record(n)) + "\n" for n in ("visit_a", "visit_b", "unrelated")),
                    encoding="utf-8")
    url = str(tmp_path / "cli.db")
    result = CliRunner().invoke(cli, ["ingest", "--records", str(path), "--db", url])
    assert result.exit_code == 0, result.output
    return url


def run(*args):
    result = CliRunner().invoke(cli, list(args))
    return result


def test_store_cli_ingest_twice_reports_unchanged(db, tmp_path, record):
    path = tmp_path / "again.jsonl"
    path.write_text(json.dumps(record("visit_a")) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", "--records", str(path), "--db", db])
    assert json.loads(result.stderr.strip().splitlines()[-1])["unchanged"] == 1


def test_store_cli_events_by_actor_table(db):
    result = run("events", "--actor", "Stoltenberg", "--db", db)
    lines = result.output.splitlines()
    assert result.exit_code == 0, result.output
    assert lines[0].split()[:3] == ["DATE", "TYPE", "MODE"]
    assert len(lines) == 1 + 6


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_store_cli_events_formats(db, fmt):
    result = run("events", "--type", "PROTEST", "--db", db, "--format", fmt)
    if fmt == "jsonl":
        rows = [json.loads(line) for line in result.output.splitlines()]
    else:
        rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["type"] for r in rows] == ["PROTEST"]


def test_store_cli_clusters(db):
    result = run("events", "--clusters", "--actor", "Stoltenberg", "--format", "jsonl", "--db", db)
    assert sorted(json.loads(line)["reports"] for line in result.output.splitlines()) == [1, 1, 2, 2]


def test_store_cli_timeline_itinerary(db):
    result = run("timeline", "Jens Stoltenberg", "--itinerary", "--format", "csv", "--db", db)
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["place"], r["date"]) for r in rows] == [("Seoul", "2023-01-29"), ("Tokyo", "2023-01-30")]


@pytest.mark.parametrize("extra", [[], ["--itinerary"]])
def test_store_cli_timeline_pages(db, extra):
    whole = run("timeline", "Jens Stoltenberg", *extra, "--format", "jsonl", "--db", db)
    assert whole.exit_code == 0 and "--cursor" not in whole.stderr
    expected = [json.loads(line) for line in whole.stdout.splitlines()]
    assert len(expected) >= 2
    got, cursor = [], []
    for _ in range(len(expected) + 1):
        page = run("timeline", "Jens Stoltenberg", *extra, "--limit", "1", *cursor, "--format", "jsonl",
                   "--db", db)
        assert page.exit_code == 0, page.output
        got += [json.loads(line) for line in page.stdout.splitlines()]
        if "--cursor" not in page.stderr:
            break
        cursor = ["--cursor", page.stderr.split("--cursor", 1)[1].split()[0]]
    assert got == expected


@pytest.mark.parametrize("args,expected", [
    (["quotes", "--speaker", "Stoltenberg", "--format", "jsonl"], 2),
    (["entities", "--type", "PERSON", "--format", "jsonl"], 3),
    (["search", "trade deal", "--format", "jsonl"], 1),
    (["timeline", "Stoltenberg", "--format", "jsonl"], 4),
])
def test_store_cli_queries(db, args, expected):
    result = run(*args, "--db", db)
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == expected


def test_store_cli_entities_merge_split(db):
    people = [json.loads(x) for x in run("entities", "--name", "Stoltenberg", "--format", "jsonl",
                                          "--db", db).output.splitlines()]
    (jens,) = people
    split = run("entities", "split", str(jens["id"]), "--name", "Stoltenberg", "--db", db)
    new = json.loads(split.output)
    assert new["variants"] == ["Stoltenberg"]
    merged = json.loads(run("entities", "merge", str(jens["id"]), str(new["id"]), "--db", db).output)
    assert merged["articles"] == 2


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "plover", "cameo-tsv", "parquet"])
def test_store_cli_export(db, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    result = run("export", "--to", fmt, "-o", str(out), "--db", db)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    assert "exported 8 rows" in result.stderr


@pytest.mark.parametrize("args,code", [
    (["events", "--since", "yesterday"], 1),
    (["timeline", "Nobody Known"], 1),
    (["entities", "merge", "1", "99999"], 1),
    (["export", "--to", "parquet"], 2),       # binary output needs -o
    (["events", "--format", "xml"], 2),
    (["events", "--min-confidence", "2"], 2),
    (["export", "--to", "csv", "-o", "/nonexistent-dir/out.csv"], 1),
])
def test_store_cli_errors_are_one_line(db, args, code):
    result = run(*args, "--db", db)
    assert result.exit_code == code
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not an uncaught error


def test_store_cli_ingest_bad_records_do_not_stop_the_batch(tmp_path, record):
    good = [json.dumps(record(n)) for n in ("visit_a", "visit_b")]
    batch = tmp_path / "batch.jsonl"
    batch.write_text(good[0] + "\n{broken\n" + json.dumps({"id": "no-text"}) + "\n" + good[1] + "\n",
                     encoding="utf-8")
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(record("unrelated"), indent=2), encoding="utf-8")
    db = str(tmp_path / "bad.db")
    result = CliRunner().invoke(cli, ["ingest", "--records", str(tmp_path / "absent.jsonl"), str(batch),
                                      str(pretty), "--db", db])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    summary = json.loads(result.stderr.strip().splitlines()[-1])
    # The absent file, the broken line, the record without text, the pretty-printed file: one each.
    assert (summary["added"], summary["failed"]) == (2, 4)
    stored = Store(db)
    assert {a["id"] for a in stored.articles().items} == {json.loads(x)["id"] for x in good}
    stored.close()


STORE_COMMANDS = ["ingest", "events", "quotes", "entities", "timeline", "search", "export", "serve", "stories"]


@pytest.mark.parametrize("command", STORE_COMMANDS)
def test_store_cli_commands_documented(command):
    docs = (Path(__file__).parents[1] / "docs" / "store.md").read_text(encoding="utf-8")
    docs += (Path(__file__).parents[1] / "docs" / "api.md").read_text(encoding="utf-8")
    assert cli.commands[command].help
    assert f"tidings {command}" in docs


@pytest.mark.parametrize("module", ["tidings.store", "tidings.api"])
def test_store_public_names_sorted(module):
    import importlib

    names = importlib.import_module(module).__all__
    # isort order: CONSTANTS, then Classes, then functions
    assert list(names) == sorted(names, key=lambda n: (not n.isupper(), not n[:1].isupper(), n))
