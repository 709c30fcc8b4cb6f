"""The matching and scoring logic of eval/events_news.py, on a tiny synthetic gold/system pair (no model)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from helpers.modules import load_script

TEXT = ("Seoul protests launch\n\n"
        "South Korea condemned the “launch” on Sunday. Japan and China met in Tokyo. "
        "Police arrested two men.")


def _load() -> ModuleType:
    return load_script("eval/events_news.py", "eval_events_news")


@pytest.fixture(scope="module")
def scorer() -> ModuleType:
    return _load()


def _span(text: str, words: str, after: int = 0) -> dict[str, Any]:
    start = text.index(words, after)
    return {"start": start, "end": start + len(words), "text": words}


def _event(typ: str, trigger: str, *, evidence: str | None = None, actor: str | None = None,
           target: str | None = None, modality: str = "occurred", sentence: str | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {"type": typ, "modality": modality, "trigger": _span(TEXT, trigger),
                             "evidence": _span(TEXT, evidence or trigger),
                             "actor_codes": [{"code": actor}] if actor else [],
                             "target_codes": [{"code": target}] if target else []}
    if sentence:
        event["sentence"] = _span(TEXT, sentence)
    return event


GOLD = [
    {"type": "ACCUSE", "modality": "occurred", "actor": {"name": "South Korea", "code": "KOR"},
     "target": {"name": "North Korea", "code": "PRK"},
     "evidence": 'South Korea condemned the "launch"', "mentions": ["Seoul protests launch"]},
    {"type": "CONSULT", "modality": "occurred", "reciprocal": True,
     "actor": [{"name": "Japan", "code": "JPN"}, {"name": "China", "code": "CHN"}], "target": None,
     "evidence": "Japan and China met in Tokyo"},
    {"type": "COERCE", "modality": "occurred", "actor": {"name": "Police", "code": None},
     "target": {"name": "two men", "code": None}, "evidence": "Police arrested two men"},
]


def test_locate_finds_every_occurrence_and_tolerates_other_quotation_marks(scorer: ModuleType) -> None:
    assert scorer.locate("a b a", "a") == [(0, 1), (4, 5)]
    start = TEXT.index("South Korea condemned")
    quote = 'South Korea condemned the "launch"'
    assert scorer.locate(TEXT, quote) == [(start, start + len(quote))]
    assert scorer.locate(TEXT, "not there") == []


def test_gold_events_expand_into_one_unit_per_actor_target_pair(scorer: ModuleType) -> None:
    units = scorer.gold_units(GOLD, TEXT)
    assert [(u.type, u.actor_code, u.target_code) for u in units] == [
        ("ACCUSE", "KOR", "PRK"), ("CONSULT", "JPN", None), ("CONSULT", "CHN", None), ("COERCE", None, None)]
    assert len(units[0].spans) == 2  # the evidence and the headline mention


def test_a_gold_quote_missing_from_the_text_is_an_error(scorer: ModuleType) -> None:
    with pytest.raises(ValueError, match="not found"):
        scorer.gold_units([{**GOLD[0], "evidence": "North Korea apologised"}], TEXT, "x.json")


def test_a_match_needs_the_type_and_an_overlap_or_the_sentence(scorer: ModuleType) -> None:
    unit = scorer.gold_units(GOLD[:1], TEXT)[0]
    assert scorer.matches(_event("ACCUSE", "condemned"), unit)
    assert scorer.matches(_event("ACCUSE", "protests"), unit)  # through the headline mention
    assert not scorer.matches(_event("PROTEST", "protests"), unit)  # type differs
    assert not scorer.matches(_event("ACCUSE", "arrested"), unit)  # elsewhere
    # no overlap of trigger or evidence, but the sentence holds the gold quote
    elsewhere = _event("ACCUSE", "Sunday", sentence="South Korea condemned the “launch” on Sunday.")
    assert scorer.matches(elsewhere, unit)


def test_a_system_event_matches_through_any_of_its_mentions(scorer: ModuleType) -> None:
    unit = scorer.gold_units(GOLD[:1], TEXT)[0]
    event = _event("ACCUSE", "arrested")
    event["mentions"] = [{"trigger": _span(TEXT, "arrested")}, {"trigger": _span(TEXT, "condemned")}]
    assert scorer.matches(event, unit)


def test_matching_is_one_to_one(scorer: ModuleType) -> None:
    units = scorer.gold_units(GOLD, TEXT)
    events = [_event("ACCUSE", "condemned"), _event("ACCUSE", "protests")]  # the same act told twice
    assert len(scorer.match(events, units)) == 1
    # two system events at one place fill the two units of a two-actor gold event
    two = [_event("CONSULT", "met", actor="JPN"), _event("CONSULT", "met", actor="CHN")]
    assert len(scorer.match(two, units)) == 2


def test_score_counts_precision_recall_modality_and_codes(scorer: ModuleType) -> None:
    units = scorer.gold_units(GOLD, TEXT)
    events = [
        _event("ACCUSE", "condemned", actor="KOR", target="USA"),  # match; actor right, target wrong
        _event("ACCUSE", "protests"),  # the same act, not folded: a false positive
        _event("CONSULT", "met", actor="CHN", target="JPN", modality="planned"),  # reciprocal: both right
        _event("ASSAULT", "arrested"),  # wrong type: a false positive, and the arrest is missed
    ]
    figures = scorer.score([("a.json", units, events)])
    assert figures["matched"] == 2
    assert figures["precision"] == pytest.approx(2 / 4)
    assert figures["recall"] == pytest.approx(2 / 4)
    assert figures["f1"] == pytest.approx(0.5)
    assert figures["modality_accuracy"] == pytest.approx(1 / 2)
    assert figures["actor_code_counted"] == 2 and figures["actor_code_accuracy"] == pytest.approx(1.0)
    assert figures["target_code_counted"] == 1 and figures["target_code_accuracy"] == pytest.approx(0.0)
    per_type = figures["per_type"]
    assert per_type["ACCUSE"]["precision"] == pytest.approx(0.5) and per_type["ACCUSE"]["recall"] == 1.0
    assert per_type["COERCE"]["recall"] == 0.0 and per_type["ASSAULT"]["system"] == 1


def test_show_errors_lists_misses_and_false_positives(scorer: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    units = scorer.gold_units(GOLD[2:], TEXT)
    scorer.score([("b.json", units, [_event("ASSAULT", "arrested")])], show_errors=True)
    out = capsys.readouterr().out
    assert "MISS b.json" in out and "COERCE" in out
    assert "FP   b.json" in out and "[arrested]" in out


TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>X</DOCID>
<DCT><TIMEX3 tid="t0" type="TIME" value="1998-02-27T08:17:00" functionInDocument="CREATION_TIME">02/27/1998</TIMEX3></DCT>
{title}<TEXT>
MOSCOW (AP)_ Presidents <EVENT eid="e1">signed</EVENT> a plan &amp; a treaty.
</TEXT>
</TimeML>
"""


def _tbaq(tmp_path: Path, name: str, title: str = "") -> Path:
    folder = tmp_path / "time" / "timebank-aquaint-tbaq" / "TBAQ-cleaned" / "TimeBank"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.tml").write_text(TML.format(title=f"<TITLE>{title}</TITLE>\n" if title else ""), "utf-8")
    return tmp_path


def test_a_document_id_is_read_as_an_article_with_its_title_and_date(scorer: ModuleType, tmp_path: Path) -> None:
    data = _tbaq(_tbaq(tmp_path, "PLAIN"), "TITLED", "Kuchma &amp; Yeltsin sign")
    plain = scorer.read_document(data, "tbaq:TimeBank/PLAIN")
    assert plain.text == "MOSCOW (AP)_ Presidents signed a plan & a treaty."
    assert plain.headline is None and plain.source_path == "tbaq:TimeBank/PLAIN"
    assert (plain.published, plain.published_from) == ("1998-02-27T08:17:00", "metadata")
    titled = scorer.read_document(data, "tbaq:TimeBank/TITLED")
    assert titled.headline == "Kuchma & Yeltsin sign"
    assert titled.text == "Kuchma & Yeltsin sign\n\nMOSCOW (AP)_ Presidents signed a plan & a treaty."
    # a gold file naming documents places its quotes in those texts
    gold = tmp_path / "gold.yaml"
    gold.write_text("articles:\n  - doc: tbaq:TimeBank/TITLED\n    events:\n"
                    "      - {type: AGREE, modality: occurred, actor: null, target: null,\n"
                    "         evidence: 'Presidents signed a plan', mentions: ['Yeltsin sign']}\n", "utf-8")
    [(name, article, units)] = scorer.load_gold(data, gold)
    assert name == "tbaq:TimeBank/TITLED" and article is not None
    assert [article.text[s:e] for s, e in units[0].spans] == ["Presidents signed a plan", "Yeltsin sign"]


def test_an_absent_data_set_is_skipped_but_a_missing_file_of_a_present_one_is_not(
        scorer: ModuleType, tmp_path: Path) -> None:
    missing = tmp_path / "time" / "timebank-aquaint-tbaq" / "TBAQ-cleaned" / "TimeBank" / "X.tml"
    assert scorer._absent_data_set(tmp_path, str(missing)) == "time/timebank-aquaint-tbaq"
    missing.parent.mkdir(parents=True)
    assert scorer._absent_data_set(tmp_path, str(missing)) is None
    assert scorer._absent_data_set(tmp_path, "/elsewhere/model.bin") is None


def test_each_gold_file_has_its_floors(scorer: ModuleType) -> None:
    assert scorer.FLOORS_OF[scorer.GOLD.name] is scorer.FLOORS
    assert set(scorer.FLOORS_OF[scorer.WIRE_GOLD.name]) == {"precision", "recall", "actor_code_accuracy",
                                                            "target_code_accuracy"}


@pytest.mark.parametrize("gold_name", ["events_news_gold.yaml", "events_wire_gold.yaml", "events_news_more_gold.yaml"])
def test_every_gold_quote_occurs_in_its_article(scorer: ModuleType, shared: Path, gold_name: str) -> None:
    """The gold files' integrity: each evidence and mention is found in its article's text."""
    data = shared / "data"
    gold_path = scorer.GOLD.with_name(gold_name)
    entries = yaml.safe_load(gold_path.read_text("utf-8"))["articles"]
    needed = {"news/news-cluster-dev" if "file" in e else "time/timebank-aquaint-tbaq" for e in entries}
    absent = sorted(n for n in needed if not (data / n).is_dir())
    if absent:
        pytest.skip(f"{', '.join(absent)} absent from the shared data")
    loaded = scorer.load_gold(data, gold_path)  # raises on a quote not in its text
    assert len(loaded) == len(entries) == len({name for name, _, _ in loaded})
    for entry, (name, article, units) in zip(entries, loaded, strict=True):
        assert all(unit.spans for unit in units), name
        if "doc" in entry:  # the held-out set's quotes were checked verbatim, not only loosely
            quotes = [q for event in entry["events"] for q in [event["evidence"], *event.get("mentions", [])]]
            assert [q for q in quotes if q not in article.text] == [], name
            assert article.published, f"{name}: no document creation time"


def test_units_told_in_one_place_pair_with_the_event_of_their_own_side(scorer: ModuleType) -> None:
    gold = [{"type": "CONSULT", "modality": "occurred", "actor": [{"name": n, "code": c}], "target": None,
             "evidence": "Japan and China met in Tokyo"} for n, c in (("Japan", "JPN"), ("China", "CHN"))]
    units = scorer.gold_units(gold, TEXT)
    events = [_event("CONSULT", "met", actor="CHN"), _event("CONSULT", "met", actor="JPN")]
    pairs = scorer.match(events, units)
    assert pairs == [(0, 1), (1, 0)]  # China's event with China's unit
    figures = scorer.score([("a", units, events)])
    assert figures["actor_code_accuracy"] == 1.0 and figures["matched"] == 2


def test_code_agreement_never_costs_a_match(scorer: ModuleType) -> None:
    # Event 0 agrees with unit 0 on both codes but can also take unit 1; event 1 can take
    # only unit 0: the matching keeps both pairs rather than the agreeing one alone.
    gold = [{"type": "ACCUSE", "modality": "occurred", "actor": {"name": "South Korea", "code": "KOR"},
             "target": {"name": "North Korea", "code": "PRK"}, "evidence": 'South Korea condemned the "launch"'},
            {"type": "ACCUSE", "modality": "occurred", "actor": {"name": "Seoul", "code": "KOR"},
             "target": None, "evidence": "Seoul protests launch"}]
    units = scorer.gold_units(gold, TEXT)
    both = _event("ACCUSE", "condemned", evidence="Seoul protests launch", actor="KOR", target="PRK")
    both["evidence"] = {"start": 0, "end": len(TEXT)}
    only_first = _event("ACCUSE", "condemned")
    assert len(scorer.match([both, only_first], units)) == 2
