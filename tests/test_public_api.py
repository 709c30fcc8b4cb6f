"""The package's public names: few, sorted, importable, and cheap to import."""

from __future__ import annotations

import subprocess
import sys

import pytest

import tidings


def test_all_is_sorted_and_unique() -> None:
    assert tidings.__all__ == sorted(set(tidings.__all__))


def test_every_public_name_resolves() -> None:
    for name in tidings.__all__:
        assert getattr(tidings, name) is not None, name
    assert "Store" in dir(tidings)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        tidings.nope  # noqa: B018


def test_import_loads_neither_spacy_nor_sqlalchemy() -> None:
    code = "import sys, tidings; print('spacy' in sys.modules, 'sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_read_text_gives_an_article_with_its_structure() -> None:
    text = "Leaders meet in Seoul\n\nSEOUL (Reuters) - The two ministers met on Tuesday."
    article = tidings.read_text(text, published="2023-01-29", source="wire.txt")
    assert isinstance(article, tidings.Article)
    assert article.text == text
    assert article.headline == "Leaders meet in Seoul"
    assert article.dateline == "SEOUL"
    assert article.published == "2023-01-29"
    assert article.source_path == "wire.txt"


def test_read_text_rejects_a_bad_date() -> None:
    with pytest.raises(tidings.ConfigError, match=r"\[T120\]"):
        tidings.read_text("Some text.", published="yesterday")


def test_store_is_reachable_from_the_top(tmp_path) -> None:
    with tidings.Store(str(tmp_path / "t.db")) as store:
        assert store.article_ids() == set()


def test_errors_carry_their_code() -> None:
    from tidings.errors import LexiconError, NotFound, ParseError, QueryError, StoreError

    err = ParseError("[T101] x.txt: the input is empty")
    assert (err.code, str(err), err.detail) == ("T101", "[T101] x.txt: the input is empty", "x.txt: the input is empty")
    assert str(ParseError("x.txt: binary", code="T104")) == "[T104] x.txt: binary"
    assert StoreError("uncoded").code is None
    lexicon = LexiconError("[T201] a bad row", path="t.tsv", line=3)
    assert (lexicon.code, str(lexicon)) == ("T201", "t.tsv:3: [T201] a bad row")
    assert issubclass(NotFound, QueryError) and issubclass(QueryError, StoreError)
