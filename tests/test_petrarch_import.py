"""The TABARI/PETRARCH actor and agent dictionary importer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tidings.errors import LexiconError
from tidings.knowledge.petrarch import (
    actor_code_on,
    load_petrarch_actors,
    load_petrarch_agents,
    split_code,
)

ACTORS = """<!-- A TEST DICTIONARY
# spanning lines -->
ISRAEL [ISR]
PRESIDENT_GEORGE_W._BUSH [USAGOV]  # a comment
DENMARK  [DNK]
+DANISH
+ZEALAND ; another comment

GOLLUM  # dated codes only
+SMEAGOL
\t[HOB < 950601]
\t[HOBGOV 19950601 - 19990815]
\t[HOBREB > 990816]
LORIEN  [ELR/GAL]
BOROMIR  [---]
INTERPOL_
\t[IGOCOPITP]
"""


@pytest.fixture()
def actors(tmp_path: Path) -> list:
    path = tmp_path / "actors.txt"
    path.write_text(ACTORS, encoding="utf-8")
    return load_petrarch_actors(path)


def _by_name(entries: list, name: str):
    return next(e for e in entries if e.name == name)


@pytest.mark.parametrize(
    "name,code,aliases",
    [
        ("Israel", "ISR", ("ISRAEL",)),
        ("President George W. Bush", "USAGOV", ("PRESIDENT GEORGE W. BUSH",)),
        ("Denmark", "DNK", ("DENMARK", "DANISH", "ZEALAND")),
        ("Lorien", "ELR/GAL", ("LORIEN",)),
        ("Boromir", None, ("BOROMIR",)),
        ("Interpol", "IGOCOPITP", ("INTERPOL",)),
    ],
)
def test_petrarch_actor_entries(actors: list, name: str, code: str | None, aliases: tuple) -> None:
    entry = _by_name(actors, name)
    assert entry.code == code
    assert entry.aliases == aliases


@pytest.mark.parametrize(
    "date,code",
    [("1990-01-01", "HOB"), ("1997-03-03", "HOBGOV"), ("2005-01-01", "HOBREB"), (None, "HOBREB")],
)
def test_petrarch_dated_codes(actors: list, date: str | None, code: str) -> None:
    assert actor_code_on(_by_name(actors, "Gollum"), date) == code


@pytest.mark.parametrize(
    "code,expected",
    [("KORGOV", ("KOR", "GOV")), ("ARN", ("ARN", None)), ("IGOEEU", (None, "IGO")),
     ("PSEHMSMIL", ("PSE", "MIL")), ("ELR/GAL", ("ELR", None)), ("---", (None, None)), (None, (None, None))],
)
def test_petrarch_split_code(code: str | None, expected: tuple) -> None:
    assert split_code(code) == expected


@pytest.mark.parametrize(
    "text,line,field",
    [
        ("+ORPHAN\n", 1, "name"),
        ("ISRAEL [ISR\n", 1, "code"),
        ("GOLLUM\n\t[HOB < 9506]\n", 2, "date"),
        ("ISRAEL []\n", 1, "code"),
        ("\t[ISR]\n", 1, "code"),
    ],
)
def test_petrarch_errors_name_line_and_field(tmp_path: Path, text: str, line: int, field: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_petrarch_actors(path)
    assert info.value.line == line
    assert info.value.field == field
    assert str(path) in str(info.value)


AGENTS = """!PERSON! = MAN, WOMAN
PRESIDENT [~GOV]
TROOPS {}  [~MIL]
GOLDEN_GOOSE {GOLDEN_GEESE} [~GGS]
MSF {}  [NGO~]
CONGRESS!PERSON! [~LEG]
"""


@pytest.mark.parametrize(
    "name,forms,sector,position",
    [
        ("PRESIDENT", ("PRESIDENT", "PRESIDENTS"), "GOV", "suffix"),
        ("TROOPS", ("TROOPS",), "MIL", "suffix"),
        ("GOLDEN GOOSE", ("GOLDEN GOOSE", "GOLDEN GEESE"), "GGS", "suffix"),
        ("MSF", ("MSF",), "NGO", "prefix"),
        ("CONGRESSWOMAN", ("CONGRESSWOMAN", "CONGRESSWOMEN"), "LEG", "suffix"),
    ],
)
def test_petrarch_agents(tmp_path: Path, name: str, forms: tuple, sector: str, position: str) -> None:
    path = tmp_path / "agents.txt"
    path.write_text(AGENTS, encoding="utf-8")
    entry = next(a for a in load_petrarch_agents(path) if a.name == name)
    assert (entry.forms, entry.sector, entry.position) == (forms, sector, position)


def test_petrarch_agent_without_tilde_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "agents.txt"
    path.write_text("PRESIDENT [GOV]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="T258"):
        load_petrarch_agents(path)


def _validation_dir() -> Path | None:
    base = Path(os.environ.get("TIDINGS_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
    folder = base / "data" / "events" / "petrarch2-validation"
    return folder if folder.is_dir() else None


def test_petrarch_reads_the_validation_dictionaries() -> None:
    folder = _validation_dir()
    if folder is None:
        pytest.skip("shared data absent")
    actors = load_petrarch_actors(folder / "PETR.Validate.actors.txt")
    agents = load_petrarch_agents(folder / "PETR.Validate.agents.txt")
    korea = next(a for a in actors if a.name == "South Korea")
    assert "SEOUL" in korea.aliases and korea.code == "KOR"
    assert len(actors) > 100 and len(agents) > 80
