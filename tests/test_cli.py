"""The command line: tidings read and tidings schema."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.records import FIXTURES, assert_valid_record
from tidings.cli import cli

READING = FIXTURES / "reading"


def run(*args: str, input: bytes | None = None) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    for record in records:
        assert_valid_record(record)
    return result.exit_code, records, result.stderr


def test_cli_read_text_no_nlp(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Headline here\n\nBody text of the story.\n", encoding="utf-8")
    code, (record,), _ = run("read", "--no-nlp", str(path))
    assert code == 0
    assert record["headline"] == "Headline here"
    assert record["text"] == path.read_text(encoding="utf-8")


def test_cli_read_many_formats_one_record_per_article() -> None:
    paths = [str(READING / n) for n in ("wire_story.txt", "page.html", "feed.rss", "feed.atom")]
    code, records, _ = run("read", "--no-nlp", *paths)
    assert code == 0
    assert [r["format"] for r in records] == ["text", "html", "feed", "feed", "feed", "feed"]
    assert len({(r["source_path"], r["source_entry"]) for r in records}) == 6


def test_cli_read_bad_input_reported_others_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, records, err = run("read", "--no-nlp", str(empty), str(READING / "wire_story.txt"))
    assert code == 1
    assert len(records) == 1
    lines = err.strip().splitlines()
    assert lines[0].startswith("tidings: [T101]") and "Traceback" not in err
    assert lines[-1] == "tidings: 1 input(s) failed, 0 skipped"


def test_cli_read_language_skip_is_not_a_failure() -> None:
    code, records, err = run("read", "--no-nlp", str(READING / "fr_article.txt"))
    assert (code, records) == (0, [])
    assert "skipped" in err and "--allow-language fr" in err
    code, (record,), _ = run("read", "--no-nlp", "--allow-language", "fr", str(READING / "fr_article.txt"))
    assert record["language"] == "fr"
    code, (record,), _ = run("read", "--no-nlp", "--any-language", str(READING / "fr_article.txt"))
    assert record["language"] == "fr"


def test_cli_read_stdin_gzip() -> None:
    data = gzip.compress((READING / "wire_story.txt").read_bytes())
    code, (record,), _ = run("read", "--no-nlp", "-", input=data)
    assert code == 0 and record["source_path"] == "-" and record["dateline"] == "LONDON"


def test_cli_read_published_option_and_pretty() -> None:
    result = CliRunner().invoke(cli, ["read", "--no-nlp", "--pretty", "--published", "2024-01-02",
                                      str(READING / "batch" / "first.txt")])
    assert result.exit_code == 0
    assert result.stdout.startswith("{\n  ")
    record = json.loads(result.stdout)
    assert (record["published"], record["published_from"]) == ("2024-01-02", "option")


def test_cli_read_field_and_format_options() -> None:
    code, (record,), _ = run("read", "--no-nlp", "--format", "jsonl", "--field", "text=body",
                             "--field", "title=meta.headline", str(READING / "custom.jsonl"))
    assert record["headline"] == "Drought forces water rationing in southern districts"


@pytest.mark.parametrize("args", [["--published", "yesterday"], ["--field", "nonsense"]])
def test_cli_read_bad_option_one_line(args: list[str]) -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", "from tidings.cli import main; main()", "read", "--no-nlp",
                             *args, str(READING / "wire_story.txt")], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("tidings: [T120]") and result.stderr.count("\n") == 1


def test_cli_read_max_bytes() -> None:
    code, records, err = run("read", "--no-nlp", "--max-bytes", "50", str(READING / "wire_story.txt"))
    assert (code, records) == (1, [])
    assert "[T102]" in err


@pytest.mark.slow  # loads the spaCy model
def test_cli_read_with_nlp_is_valid() -> None:
    code, (record,), _ = run("read", str(READING / "wire_story.txt"))
    assert code == 0
    assert {"entities", "times", "quotes", "events"} <= set(record)


def test_cli_schema_prints_the_schema() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "sections" in schema["required"]


@pytest.mark.slow  # loads the spaCy model
def test_cli_read_analysis_fault_leaves_one_article_out(monkeypatch: pytest.MonkeyPatch) -> None:
    import tidings.nlp.pipeline as pipeline

    real = pipeline.doc_to_record

    def faulty(article, doc):  # type: ignore[no-untyped-def]
        if "page.html" in article.source_path:
            raise RuntimeError("boom")
        return real(article, doc)

    monkeypatch.setattr(pipeline, "doc_to_record", faulty)
    paths = [str(READING / n) for n in ("wire_story.txt", "page.html", "feed.atom")]
    code, records, err = run("read", *paths)
    assert code == 1
    assert "page.html" not in {r["source_path"].rsplit("/", 1)[-1] for r in records}
    assert {r["source_path"].rsplit("/", 1)[-1] for r in records} == {"wire_story.txt", "feed.atom"}
    (line,) = [ln for ln in err.splitlines() if "[T300]" in ln]
    assert "page.html" in line and "RuntimeError: boom" in line and "Traceback" not in err
