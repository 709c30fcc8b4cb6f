import json

from click.testing import CliRunner

from tidings.cli import cli


def test_cli_read_text_no_nlp(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Headline here\n\nBody text of the story.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["read", "--no-nlp", str(path)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["headline"] == "Headline here"
    assert record["text"] == path.read_text(encoding="utf-8")
