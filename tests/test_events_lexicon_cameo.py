"""The CAMEO verb lexicon derived from PETRARCH-2: loading, validation and matching on a parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tidings.errors import LexiconError
from tidings.knowledge.files import Field, load_data_file
from tidings.nlp._events.lexicon_cameo import CAMEO_VERBS, CameoLexicon, Phrase, load_cameo_lexicon

HEADER = "# source: test\n# licence: test\n"
COLUMNS = ("kind\tblock\tlemma\taliases\tparticle\tsubject\tobject\tpreps\talso\tsource_at\ttarget_at\tflags\t"
           "cameo\tpassive\ttype\tmode\tcontext\tline\n")
ROWS = [
    # kind, block, lemma, aliases, particle, subject, object, preps, also, src, tgt, flags, cameo, passive, type
    ("verb", "arrange", "stage", "stag", "", "", "", "", "", "", "", "", "", "", ""),
    ("verb", "arrange", "set", "", "", "", "", "", "", "", "", "", "", "", ""),
    ("verb", "cancel", "call", "", "off", "", "", "", "", "", "", "", "160", "", "SANCTION"),
    ("pattern", "arrange", "", "", "", "", "demonstration", "", "", "", "", "", "141", "", "PROTEST"),
    ("pattern", "arrange", "", "", "", "", "demonstration", "in=support", "", "", "", "", "051", "", "SUPPORT"),
    ("pattern", "arrange", "", "", "off", "", "explosive", "", "", "", "", "", "183", "", "ASSAULT"),
    ("pattern", "arrange", "", "", "", "", "mock attack", "", "", "", "", "", "062", "", "COOPERATE"),
    ("pattern", "arrange", "", "", "", "", "attack", "", "", "", "", "", "190", "", "ASSAULT"),
    ("pattern", "arrange", "", "", "", "", "", "on=trial", "", "", "", "", "", "173", ""),
    ("pattern", "cancel", "", "", "", "", "talk", "", "", "", "dobj", "", "164", "", "SANCTION"),
]


def _write(tmp_path: Path, rows: list[tuple[str, ...]], name: str = "lex.tsv") -> str:
    lines = [HEADER, COLUMNS]
    for n, row in enumerate(rows, start=1):
        lines.append("\t".join([*row, "", "", str(n)]) + "\n")
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return str(path)


@pytest.fixture()
def lexicon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CameoLexicon:
    monkeypatch.setenv("TIDINGS_CACHE", str(tmp_path / "cache"))
    return CameoLexicon.load(_write(tmp_path, ROWS))


def test_lexicon_indexes_verbs_and_block_patterns(lexicon: CameoLexicon) -> None:
    assert "stage" in lexicon and "stag" in lexicon and "call" in lexicon
    assert "walk" not in lexicon
    assert [v.block for v in lexicon.verbs("stage")] == ["arrange"]
    patterns = lexicon.patterns("arrange")
    # Most specific first: an object with a preposition before a bare object.
    assert patterns[0].preps == ((("in",), (Phrase("support"),)),)
    assert Phrase.parse("mock attack") == Phrase("attack", ("mock",))


def test_lexicon_cache_gives_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIDINGS_CACHE", str(tmp_path / "cache"))
    path = _write(tmp_path, ROWS)
    first = CameoLexicon.load(path)
    assert list((tmp_path / "cache" / "events").glob("cameo-*.pickle"))
    again = CameoLexicon.load(path)
    plain = CameoLexicon.load(path, cache=False)
    for lex in (again, plain):
        assert lex.patterns("arrange") == first.patterns("arrange")
        assert lex.verbs("call") == first.verbs("call")
        assert lex.sha256 == first.sha256


@pytest.mark.parametrize(
    "row,field",
    [
        (("verb", "arrange", "", "", "", "", "", "", "", "", "", "", "", "", ""), "lemma"),
        (("pattern", "arrange", "stage", "", "", "", "", "", "", "", "", "", "141", "", ""), "lemma"),
        (("pattern", "arrange", "", "", "", "", "Demonstration", "", "", "", "", "", "141", "", ""), "object"),
        (("pattern", "arrange", "", "", "", "", "", "in=", "", "", "", "", "141", "", ""), "preps"),
        (("pattern", "arrange", "", "", "", "", "rally", "", "", "", "", "", "14x", "", ""), "cameo"),
        (("pattern", "arrange", "", "", "", "", "rally", "", "", "", "", "", "", "", "PROTEST"), "type"),
        (("rule", "arrange", "", "", "", "", "rally", "", "", "", "", "", "141", "", ""), "kind"),
    ],
)
def test_lexicon_errors_name_file_line_and_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 row: tuple[str, ...], field: str) -> None:
    monkeypatch.setenv("TIDINGS_CACHE", str(tmp_path / "cache"))
    path = _write(tmp_path, [ROWS[0], row])
    with pytest.raises(LexiconError) as info:
        CameoLexicon.load(path)
    assert info.value.path == path
    assert info.value.line == 5  # two header lines, the column row, then the second row
    assert info.value.field == field


def test_shipped_lexicon_loads_with_its_provenance() -> None:
    lex = load_cameo_lexicon()
    assert "MIT" in lex.provenance["licence"] and "petrarch2" in lex.provenance["source"]
    assert len(lex) > 5000
    # Every verb of a block shares the block's patterns ("rush" and "expedite").
    assert lex.verbs("rush")[0].block == lex.verbs("expedite")[0].block
    coded = [p for p in lex.patterns(lex.verbs("rush")[0].block) if p.cameo]
    assert coded and all(p.type for p in coded if not p.cameo.startswith(("01", "02")))


def test_shipped_agents_file_loads() -> None:
    data = load_data_file("tidings:entities/agents.tsv", [
        Field("word", required=True), Field("forms", kind="list"), Field("code", required=True),
        Field("sector", required=True), Field("position", required=True, choices=frozenset({"suffix", "prefix"})),
        Field("line", kind="int")])
    assert "MIT" in data.provenance["licence"]
    agents = {e["word"]: e for e in data.entries}
    assert agents["police"]["sector"] == "COP" and agents["police"]["forms"] == []
    assert "ministers" in agents["minister"]["forms"] and agents["minister"]["sector"] == "GOV"


def test_shipped_files_are_small() -> None:
    from importlib import resources

    for rel in ("events/cameo_verbs.tsv", "entities/agents.tsv"):
        size = len(resources.files("tidings").joinpath("data", *rel.split("/")).read_bytes())
        assert size < 3_000_000, rel


# -- matching on a parse ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    spacy = pytest.importorskip("spacy")
    from tidings.nlp.pipeline import MODEL

    try:
        return spacy.load(MODEL, exclude=["ner"])
    except OSError:
        pytest.skip("spaCy model absent")


def _verb(doc, text: str):  # type: ignore[no-untyped-def]
    return next(t for t in doc if t.text == text)


@pytest.mark.slow
@pytest.mark.parametrize(
    "sentence,verb,cameo,words",
    [
        ("Protesters staged a demonstration in support of the president.", "staged", "051",
         ["staged", "demonstration", "in", "support"]),
        ("Protesters staged a demonstration outside the embassy.", "staged", "141", ["staged", "demonstration"]),
        ("The rebels staged a mock attack.", "staged", "062", ["staged", "attack"]),
        ("The rebels staged an attack.", "staged", "190", ["staged", "attack"]),
        ("The army set off explosives.", "set", "183", ["set", "off", "explosives"]),
        ("Russia called off the talks.", "called", "164", ["called", "off", "talks"]),
        ("Russia called off the visit.", "called", "160", ["called", "off"]),
    ],
)
def test_match_takes_the_most_specific_pattern(nlp, lexicon: CameoLexicon, sentence: str, verb: str,  # type: ignore[no-untyped-def]
                                               cameo: str, words: list[str]) -> None:
    doc = nlp(sentence)
    match = lexicon.match(_verb(doc, verb))
    assert match is not None
    assert match.cameo == cameo
    assert [doc[i].text for i in match.tokens] == words


@pytest.mark.slow
def test_match_falls_back_to_the_bare_verb_and_knows_null_codes(nlp, lexicon: CameoLexicon) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("The ministry set new rules.")
    match = lexicon.match(_verb(doc, "set"))
    assert match is not None and match.pattern is match.verb and match.cameo is None
    doc = nlp("Russia called the embassy.")  # "call" is coded only with its particle
    assert lexicon.match(_verb(doc, "called")) is None


@pytest.mark.slow
def test_match_uses_the_passive_code(nlp, lexicon: CameoLexicon) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("The opposition leader was set on trial.")
    match = lexicon.match(_verb(doc, "set"))
    assert match is not None and match.passive and match.cameo == "173"


@pytest.mark.slow
def test_match_an_event_noun_through_its_verb(nlp, lexicon: CameoLexicon) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Russia called off the talks.")
    match = lexicon.match(_verb(doc, "talks"))
    assert match is not None and match.cameo == "164"
    assert lexicon.match(_verb(doc, "Russia")) is None


@pytest.mark.slow
@pytest.mark.parametrize(
    "sentence,verb,kind",
    [
        ("Police rushed troops to the border.", "rushed", "MOBILIZE"),
        ("China criticized Japan.", "criticized", "ACCUSE"),
        ("The rebels attacked the village.", "attacked", "ASSAULT"),
        ("Kenya and Tanzania held talks on trade.", "held", "CONSULT"),
    ],
)
def test_shipped_lexicon_codes_news_verbs(nlp, sentence: str, verb: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    match = load_cameo_lexicon(CAMEO_VERBS).match(_verb(nlp(sentence), verb))
    assert match is not None and match.type == kind
