"""The TABARI/PETRARCH actor and agent dictionary importer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tidings.errors import LexiconError, TidingsWarning
from tidings.knowledge.petrarch import (
    actor_cache_path,
    actor_code_on,
    agent_fields,
    code_fields,
    combine_agent,
    load_agent_words,
    load_petrarch_actors,
    load_petrarch_actors_cached,
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
        load_petrarch_actors(path, strict=True)
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
        load_petrarch_agents(path, strict=True)


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


MALFORMED = """ARMENIA [ARM]
LEVON_TER-PETROSYAN_
\t[ARMUNR 9008223-911221]
\t[ARMGOV 911221-980203]
FILIP_VUJANOVIC_
\t[MNEGOV 20121204]
\t[MNEELI]
DENMARK [DNK]
"""


def test_petrarch_malformed_lines_are_skipped_with_one_warning(tmp_path: Path) -> None:
    path = tmp_path / "real.txt"
    path.write_text(MALFORMED, encoding="utf-8")
    with pytest.warns(TidingsWarning) as caught:
        actors = load_petrarch_actors(path)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "T261" in message and str(path) in message and "lines 3, 6" in message
    # The actor keeps its other lines; the entries after the bad lines are read.
    levon = _by_name(actors, "Levon Ter-Petrosyan")
    assert [r.code for r in levon.roles] == ["ARMGOV"]
    assert _by_name(actors, "Filip Vujanovic").code == "MNEELI"
    assert _by_name(actors, "Denmark").code == "DNK"


def test_petrarch_impossible_date_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("GOLLUM\n\t[HOB > 20110231]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="T250"):
        load_petrarch_actors(path, strict=True)


def test_petrarch_agents_skip_malformed_lines(tmp_path: Path) -> None:
    path = tmp_path / "agents.txt"
    path.write_text("ECOLOGIST [~ENV]\nDEPARMENT_OF_ENVIRONMENT [~ENV}\nISLAMIC_EXTREMIST\nPOLICE {} [~COP]\n",
                    encoding="utf-8")
    with pytest.warns(TidingsWarning, match=r"skipped 2 malformed entries \(lines 2, 3\)"):
        agents = load_petrarch_agents(path)
    assert [a.name for a in agents] == ["ECOLOGIST", "POLICE"]


def test_petrarch_actor_cache_is_keyed_on_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIDINGS_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "actors.txt"
    path.write_text(ACTORS, encoding="utf-8")
    first = load_petrarch_actors_cached(path)
    cache = actor_cache_path(path.read_bytes())
    assert cache.exists() and cache.parent == tmp_path / "cache" / "petrarch"
    assert not list(cache.parent.glob("*.tmp"))
    assert load_petrarch_actors_cached(path) == first == load_petrarch_actors(path)
    # Another content, another cache file; a damaged cache is rebuilt.
    path.write_text(ACTORS + "NARNIA [NAR]\n", encoding="utf-8")
    assert actor_cache_path(path.read_bytes()) != cache
    assert _by_name(load_petrarch_actors_cached(path), "Narnia").code == "NAR"
    actor_cache_path(path.read_bytes()).write_bytes(b"not a pickle")
    assert _by_name(load_petrarch_actors_cached(path), "Narnia").code == "NAR"


def test_petrarch_actor_cache_repeats_the_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIDINGS_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "real.txt"
    path.write_text(MALFORMED, encoding="utf-8")
    for _ in range(2):
        with pytest.warns(TidingsWarning, match="lines 3, 6"):
            load_petrarch_actors_cached(path)


@pytest.mark.parametrize(
    "code,expected",
    [
        ("USAGOV", ("USA", "USA", "GOV", None)),
        ("IGOUNO", ("IGO", None, "IGO", "UNO")),
        ("KORGOVBUS", ("KOR", "KOR", "GOV", None)),
        ("---GOV", (None, None, "GOV", None)),
        ("AFR", ("AFR", None, None, None)),
        (None, (None, None, None, None)),
    ],
)
def test_petrarch_code_fields(code: str | None, expected: tuple) -> None:
    f = code_fields(code)
    assert (f.code, f.country, f.sector, f.org) == expected


def test_petrarch_agents_combine_with_the_country_they_modify() -> None:
    assert combine_agent("TUR", "COP") == "TURCOP"
    police = agent_fields("TUR", "COP")  # "Turkish police"
    assert (police.code, police.country, police.sector) == ("TUR", "TUR", "COP")
    troops = agent_fields(None, "MIL")  # "troops" with no country
    assert (troops.code, troops.sector, troops.petrarch) == (None, "MIL", "---MIL")
    ngo = agent_fields("TUR", "NGO", "prefix")
    assert (ngo.code, ngo.country, ngo.sector) == ("NGO", "TUR", "NGO")


def test_shipped_agent_words_give_the_sector_of_a_phrase_head() -> None:
    agents = load_agent_words()
    police = agents["police"]
    assert (police.code, police.sector, police.position) == ("COP", "COP", "suffix")
    assert agents["ministers"] is agents["minister"]
    # "Turkish police": the country of the modifier and the agent's code.
    fields = agent_fields("TUR", police.code, police.position)
    assert (fields.code, fields.sector) == ("TUR", "COP")


def _dictionaries_dir() -> Path | None:
    base = Path(os.environ.get("TIDINGS_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
    folder = base / "data" / "events" / "petrarch2-dictionaries"
    return folder if folder.is_dir() else None


def test_petrarch_reads_the_real_phoenix_dictionaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _dictionaries_dir()
    if folder is None:
        pytest.skip("shared data absent")
    monkeypatch.setenv("TIDINGS_CACHE", str(tmp_path))
    with pytest.warns(TidingsWarning, match="Phoenix.Countries.actors.txt: skipped 7 malformed"):
        countries = load_petrarch_actors_cached(folder / "Phoenix.Countries.actors.txt")
    assert len(countries) > 15000
    turkey = next(a for a in countries if a.name == "Turkey")
    assert turkey.code == "TUR"
    with pytest.warns(TidingsWarning, match="skipped 1 malformed"):
        international = load_petrarch_actors_cached(folder / "Phoenix.International.actors.txt")
    assert len(international) > 5000


def test_petrarch_two_digit_years_span_1930_to_2029(tmp_path: Path) -> None:
    path = tmp_path / "years.txt"
    path.write_text("MAO_ZEDONG_\n\t[CHNGOV 491001-760909]\nAN_ENVOY_\n\t[ARNGOV >290101]\n", encoding="utf-8")
    mao, envoy = load_petrarch_actors(path, strict=True)
    assert (mao.roles[0].start, mao.roles[0].end) == ("1949-10-01", "1976-09-09")
    assert envoy.roles[0].start == "2029-01-02"
