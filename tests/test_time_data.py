"""The time vocabulary files: every shipped file loads; a broken user file is named with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tidings.errors import LexiconError
from tidings.nlp._time.lexicon import DEFAULT_PATHS, load_lexicon


def test_time_data_shipped_files_load() -> None:
    lex = load_lexicon()
    assert lex.months["January"] == (1, "full")
    assert lex.weekdays["Sunday"] == (7, "full")
    assert "christmas" in lex.holidays
    assert lex.cues["due"] == "future"
    assert "plan" in lex.object_cues and "due" not in lex.object_cues
    assert 1 <= lex.fiscal_year_start_month <= 12


@pytest.mark.parametrize("name", sorted(DEFAULT_PATHS))
def test_time_data_files_have_provenance(name: str) -> None:
    from tidings.knowledge.files import load_data_file

    assert load_data_file(DEFAULT_PATHS[name], []).provenance["source"]


def test_time_data_bad_month_names_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "months.tsv"
    bad.write_text("# source: test\n# licence: CC0-1.0\nname\tmonth\tkind\nJanuary\t13\tfull\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"months\.tsv:4 \(field 'month'\)"):
        load_lexicon(months=str(bad))


def test_time_data_holiday_needs_a_rule(tmp_path: Path) -> None:
    bad = tmp_path / "holidays.tsv"
    bad.write_text("# source: test\n# licence: CC0-1.0\nname\tmonth\tday\tweekday\tnth\teaster\nFoo Day\t3\n",
                   encoding="utf-8")
    with pytest.raises(LexiconError, match=r"T225"):
        load_lexicon(holidays=str(bad))


def test_time_data_cue_object_column_is_checked(tmp_path: Path) -> None:
    bad = tmp_path / "cues.tsv"
    bad.write_text("# source: test\n# licence: CC0-1.0\nlemma\ttense\tobject\nplan\tfuture\tmaybe\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"cues\.tsv:4 \(field 'object'\)"):
        load_lexicon(cues=str(bad))
