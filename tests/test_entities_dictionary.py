"""User actor dictionaries: loading, errors naming file/line/field, and their use by the entity stage."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tidings.errors import ConfigError, LexiconError
from tidings.knowledge.dictionary import load_actor_dictionaries, load_actor_dictionary

YAML_OK = """\
provenance: {source: test desk list, licence: CC0}
entries:
  - name: Arnor
    aliases: [Kingdom of Arnor]
    type: GPE
    code: ARN
    country: ARN
  - name: Aragorn
    type: PERSON
    country: ARN
    kb: Q180
    roles:
      - {title: King, country: ARN, sector: GOV, start: "2020-01-01", end: "2020-12-31"}
      - {title: Ranger, country: ARN, sector: MIL, start: "2010-01-01", end: "2019-12-31"}
"""

CSV_OK = """\
# source: test desk list
# licence: CC0
name,aliases,type,code,country,sector,kb,role_title,role_org,role_country,role_sector,role_code,role_start,role_end
Gondor,Kingdom of Gondor,GPE,GON,GON,,,,,,,,,
Boromir,,PERSON,,GON,,,Captain,,GON,MIL,GONMIL,2019-01-01,2019-12-31
Boromir,,PERSON,,GON,,,Steward,,GON,GOV,GONGOV,2020-01-01,
"""


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_entities_dictionary_yaml_loads(tmp_path: Path) -> None:
    actors = load_actor_dictionary(write(tmp_path, "actors.yaml", YAML_OK))
    assert [a.name for a in actors] == ["Arnor", "Aragorn"]
    aragorn = actors[1]
    assert aragorn.kb == "Q180"
    assert [r.title for r in aragorn.roles_on("2020-06-01")] == ["King"]
    assert [r.title for r in aragorn.roles_on("2015-06-01")] == ["Ranger"]


def test_entities_dictionary_csv_rows_add_roles(tmp_path: Path) -> None:
    actors = {a.name: a for a in load_actor_dictionary(write(tmp_path, "actors.csv", CSV_OK))}
    assert actors["Gondor"].aliases == ("Kingdom of Gondor",)
    assert [r.code for r in actors["Boromir"].roles] == ["GONMIL", "GONGOV"]


def test_entities_dictionary_later_file_wins(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", YAML_OK)
    second = write(tmp_path, "b.yaml", YAML_OK.replace("code: ARN", "code: ARX"))
    actors = {a.name: a for a in load_actor_dictionaries([first, second])}
    assert actors["Arnor"].code == "ARX"


@pytest.mark.parametrize(
    "name,text,line,field",
    [
        ("bad_country.csv", CSV_OK.replace("Gondor,Kingdom of Gondor,GPE,GON,GON", "Gondor,Kingdom of Gondor,GPE,GON,Gondor"),
         4, "country"),
        ("bad_type.csv", CSV_OK.replace(",PERSON,,GON,,,Captain", ",HUMAN,,GON,,,Captain"), 5, "type"),
        ("no_name.csv", CSV_OK.replace("Boromir,,PERSON,,GON,,,Steward", ",,PERSON,,GON,,,Steward"), 6, "name"),
        ("bad_date.csv", CSV_OK.replace("2019-12-31", "31/12/2019"), 5, "role_end"),
        ("bad_qid.yaml", YAML_OK.replace("kb: Q180", "kb: 180"), None, "kb"),
        ("bad_role_date.yaml", YAML_OK.replace('start: "2020-01-01"', 'start: "next year"'), None, "roles[0].start"),
        ("unknown_field.yaml", YAML_OK.replace("    kb: Q180", "    kb: Q180\n    party: x"), None, "party"),
        ("role_backwards.yaml", YAML_OK.replace('end: "2020-12-31"', 'end: "2019-12-31"'), None, "roles[0].end"),
        ("twice.yaml", YAML_OK + "  - name: Arnor\n    type: GPE\n", None, "name"),
    ],
)
def test_entities_dictionary_errors_name_file_line_field(tmp_path: Path, name: str, text: str,
                                                         line: int | None, field: str) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(LexiconError) as info:
        load_actor_dictionary(path)
    err = info.value
    assert err.path == path and err.field == field
    assert err.line is not None and (line is None or err.line == line)
    assert name in str(err) and f"{err.line}" in str(err) and field in str(err)


def test_entities_dictionary_missing_provenance(tmp_path: Path) -> None:
    path = write(tmp_path, "noprov.csv", "\n".join(CSV_OK.splitlines()[2:]) + "\n")
    with pytest.raises(LexiconError, match="provenance"):
        load_actor_dictionary(path)


# ---------------------------------------------------------------- in the pipeline


def analyse(nlp: Any, text: str, published: str | None) -> Any:
    from tidings.nlp.pipeline import make_doc
    from tidings.records import Article, Section

    article = Article(text=text, source_path="test", published=published, sections=(Section("body", 0, len(text)),))
    return nlp(make_doc(nlp, article))


def build(dictionary: str) -> Any:
    import spacy

    from tidings.nlp.extensions import set_extensions
    from tidings.nlp.pipeline import MODEL

    set_extensions()
    nlp = spacy.load(MODEL, exclude=["lemmatizer"])
    nlp.add_pipe("tidings_entities", config={"actor_dictionaries": [dictionary], "geocode": False})
    return nlp


@pytest.mark.slow
def test_entities_dictionary_actors_become_coded_entities(tmp_path: Path) -> None:
    nlp = build(write(tmp_path, "actors.yaml", YAML_OK))
    doc = analyse(nlp, "Troops from Arnor crossed the river, and Aragorn said the war was over.", "2020-05-01")
    ents = {e["name"]: e for e in doc._.tidings_entities}
    assert (ents["Arnor"]["type"], ents["Arnor"]["code"]) == ("GPE", "ARN")
    assert [r["title"] for r in ents["Aragorn"]["roles"]] == ["King"]
    assert ents["Aragorn"]["kb"] == "Q180"
    later = analyse(nlp, "Aragorn said the war was over.", "2015-05-01")
    (aragorn,) = [e for e in later._.tidings_entities if e["name"] == "Aragorn"]
    assert [r["title"] for r in aragorn["roles"]] == ["Ranger"]


def test_entities_dictionary_unknown_data_file_key() -> None:
    import spacy

    nlp = spacy.blank("en")
    with pytest.raises(ConfigError, match="T410"):
        nlp.add_pipe("tidings_entities", config={"data_files": {"planets": "x.tsv"}})


PETRARCH = Path(os.environ.get("TIDINGS_SHARED", Path(__file__).resolve().parents[2] / "shared")) \
    / "data" / "events" / "petrarch2-validation" / "PETR.Validate.actors.txt"


@pytest.mark.slow
@pytest.mark.skipif(not PETRARCH.is_file(), reason="shared PETRARCH validation dictionary absent")
def test_entities_dictionary_petrarch_actors_are_coded() -> None:
    nlp = build(str(PETRARCH))
    doc = analyse(nlp, "Arnor accused Gondor of breaking the treaty.", None)
    codes = {e["name"]: e["code"] for e in doc._.tidings_entities}
    assert codes.get("Arnor") == "ARN" and codes.get("Gondor") == "GON", codes


# ---------------------------------------------------------------- from the command line


def test_entities_dictionary_env_names_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tidings.nlp.components.entities import actors_from_env, data_files_from_env

    titles = write(tmp_path, "titles.tsv", "# source: test\n# licence: CC0\ntitle\tsector\thead\nwarden\tGOV\t\n")
    write(tmp_path, "notes.txt", "not a data file")
    monkeypatch.setenv("TIDINGS_ACTORS", os.pathsep.join(["a.yaml", "b.txt"]))
    monkeypatch.setenv("TIDINGS_ENTITY_DATA", str(tmp_path))
    assert actors_from_env() == ["a.yaml", "b.txt"]
    assert data_files_from_env() == {"titles": titles}
    monkeypatch.setenv("TIDINGS_ENTITY_DATA", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="T411"):
        data_files_from_env()


def test_entities_dictionary_env_is_read_by_the_pipeline_builder_not_the_factory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    from tidings.nlp.components.entities import make_entities
    from tidings.nlp.pipeline import entity_settings

    monkeypatch.setenv("TIDINGS_ACTORS", str(tmp_path / "missing.yaml"))
    monkeypatch.setenv("TIDINGS_ENTITY_DATA", str(tmp_path))
    # The factory builds from its config alone: the missing dictionary is never opened.
    stage = make_entities(spacy.blank("en"), "tidings_entities", [], {}, "", False)
    assert stage.name == "tidings_entities"
    assert entity_settings() == {"actors": (str(tmp_path / "missing.yaml"),), "entity_data": str(tmp_path)}
    assert entity_settings(("mine.yaml",), "dir") == {"actors": ("mine.yaml",), "entity_data": "dir"}
    monkeypatch.setenv("TIDINGS_ENTITY_DATA", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="T411"):
        entity_settings()


@pytest.mark.slow
def test_entities_dictionary_read_command_takes_actors_and_data(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    actors = write(tmp_path, "actors.yaml", YAML_OK)
    data = tmp_path / "data"
    data.mkdir()
    write(data, "titles.tsv", "# source: test\n# licence: CC0\ntitle\tsector\thead\nwarden\tMIL\t\n")
    article = write(tmp_path, "story.txt", "Arnor sends troops north\n\nTroops from Arnor crossed the river on "
                                           "Monday, Warden Halbarad Dunadan said.\n")
    cmd = [sys.executable, "-m", "tidings.cli", "read", article, "--published", "2020-05-01",
           "--actors", actors, "--entity-data", str(data)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=True)
    ents = {e["name"]: e for e in json.loads(out.stdout)["entities"]}
    assert ents["Arnor"]["code"] == "ARN"
    warden = ents["Halbarad Dunadan"]
    assert [(r["title"], r["sector"]) for r in warden["roles"]] == [("Warden", "MIL")]
