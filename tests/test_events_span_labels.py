"""Span label files (sentences of the shared news texts, stored without text) in the event classifier's data.

A small fake shared folder is built in ``tmp_path``; no model is loaded.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from helpers.modules import load_script
from helpers.records import REPO_ROOT

POLITICS = ("Ministers clash over budget\n\n"
            "The opposition accused the chancellor of hiding the deficit. "
            "The debate lasted four hours. Protesters marched on Downing Street on Friday.")
SPORT = ("Chelsea win again\n\n"
         "Chelsea beat Arsenal two nil at home. The striker scored twice in the first half. "
         "The manager praised his young defenders after the match. Fans sang until the final whistle.")


def _tool(name: str) -> ModuleType:
    return load_script(f"tools/{name}.py")


@pytest.fixture(scope="module")
def train() -> ModuleType:
    return _tool("train_event_classifier")


def _shared(tmp_path: Path) -> Path:
    data = tmp_path / "shared" / "data"
    for section, text in (("politics", POLITICS), ("sport", SPORT)):
        folder = data / "news" / "bbc-news-fulltext" / section
        folder.mkdir(parents=True)
        (folder / "001.txt").write_text(text, encoding="utf-8")
    return data


def _span(data: Path, doc: str, n: int, types: list[str], *, sha1: str | None = None) -> dict[str, Any]:
    news_text = _tool("news_text")
    text = news_text.document(data, doc)
    start, end = news_text.sentences(text)[n]
    return {"doc": doc, "n": n, "start": start, "end": end, "sha1": sha1 or news_text.sha1(text[start:end]),
            "types": types}


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    lines = [{"provenance": {"source": "a test", "licence": "CC0"}}, *rows]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    return path


def test_span_label_files_are_told_from_text_label_files(tmp_path: Path, train: ModuleType) -> None:
    for name in ("hard.jsonl", "guardian.spans.jsonl", "bbc.spans.jsonl", "notes.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    plain, spans = train.label_files(tmp_path)
    assert [p.name for p in plain] == ["hard.jsonl"]
    assert [p.name for p in spans] == ["bbc.spans.jsonl", "guardian.spans.jsonl"]


def test_span_labels_are_read_back_split_by_article_and_problems_skipped(
        tmp_path: Path, train: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    data = _shared(tmp_path)
    spans = _write(tmp_path / "bbc.spans.jsonl", [
        _span(data, "bbc:politics/001", 1, ["ACCUSE"]),
        _span(data, "bbc:politics/001", 2, []),
        _span(data, "bbc:politics/001", 3, ["PROTEST"]),
        _span(data, "bbc:politics/001", 0, [], sha1="0" * 40),        # the text changed
        {**_span(data, "bbc:politics/001", 0, []), "doc": "bbc:politics/999"},   # no such article
        _span(data, "bbc:politics/001", 0, ["GOSSIP"]),               # no such type
    ])
    plain = _write(tmp_path / "mine.jsonl", [{"text": "Farmers blocked the motorway.", "types": ["PROTEST"],
                                               "doc": "a1"}])
    examples, _ = train.assemble(data, labels=[str(plain), spans], per_doc=0)
    problems = capsys.readouterr().err.splitlines()
    assert len(problems) == 3 and all(line.startswith("bbc.spans.jsonl:") for line in problems)
    assert "text changed" in problems[0] and "politics/999" in problems[1] and "GOSSIP" in problems[2]

    news = [e for e in examples if train.part_of(e) == "news"]
    assert [(e.text, e.types) for e in news] == [
        ("The opposition accused the chancellor of hiding the deficit.", {"ACCUSE"}),
        ("The debate lasted four hours.", set()),
        ("Protesters marched on Downing Street on Friday.", {"PROTEST"}),
    ]
    assert {(e.doc, e.source) for e in news} == {("news:bbc:politics/001", "news:bbc")}
    assert {e.split for e in news} == {train.split_of("news:bbc:politics/001", 13)}
    others = [e for e in examples if train.part_of(e) == "voa"]
    assert [(e.text, e.source) for e in others] == [("Farmers blocked the motorway.", "labels:mine.jsonl")]


def test_span_labels_without_shared_data_are_skipped_with_one_line(
        tmp_path: Path, train: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    spans = _write(tmp_path / "guardian.spans.jsonl", [{"doc": "guardian-sdf:3", "n": 0, "start": 0, "end": 5,
                                                        "sha1": "0" * 40, "types": []}])
    plain = _write(tmp_path / "mine.jsonl", [{"text": "The striker attacked the near post.", "types": []}])
    examples, _ = train.assemble(None, labels=[str(plain), str(spans)])
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "guardian.spans.jsonl" in err[0] and "no shared data" in err[0]
    assert [e.text for e in examples] == ["The striker attacked the near post."]


def test_an_unreadable_span_label_file_is_one_line(
        tmp_path: Path, train: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    data = _shared(tmp_path)
    bad = tmp_path / "broken.spans.jsonl"
    bad.write_text('{"provenance": {}}\n{"doc": "bbc:politics/001", "start": 0\n', encoding="utf-8")
    examples, _ = train.assemble(data, labels=[bad], per_doc=0)
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("broken.spans.jsonl: unreadable")
    assert examples == []


def test_hand_labelled_bbc_articles_give_no_weak_negatives(tmp_path: Path, train: ModuleType) -> None:
    data = _shared(tmp_path)
    before, _ = train.assemble(data, per_doc=3)
    assert {e.doc for e in before} == {"bbc:sport/001"}
    spans = _write(tmp_path / "sport.spans.jsonl", [_span(data, "bbc:sport/001", 1, [])])
    after, _ = train.assemble(data, labels=[spans], per_doc=3)
    assert [(e.doc, e.text) for e in after] == [("news:bbc:sport/001", "Chelsea beat Arsenal two nil at home.")]


def test_figures_are_given_apart_for_the_news_part(train: ModuleType) -> None:
    import numpy as np

    labels = ["PROTEST", "ACCUSE", train.EVENT]
    ex = train.Example
    by_split = {
        "train": [],
        "dev": [ex("a", {"PROTEST"}, "voa:1", "ngec"), ex("b", set(), "bbc:sport/1", "bbc-sport"),
                ex("c", {"ACCUSE"}, "news:guardian-sdf:3", "news:guardian-sdf")],
        "test": [ex("d", {"ACCUSE"}, "voa:2", "ngec"), ex("e", set(), "news:cluster:9", "news:cluster")],
    }
    right = {"a": [3, -3, 3], "b": [-3, -3, -3], "c": [-3, -3, 3], "d": [-3, 3, 3], "e": [3, -3, 3]}

    def score(exs: list[Any]) -> np.ndarray:
        return np.array([right[e.text] for e in exs], dtype=float)

    model = train.Trained("linear", labels, score, np.array([[1.0, 0.0]] * 3), {"NONE": 0.9})
    parts = train.part_figures(model, by_split)
    assert {p: sorted(f) for p, f in parts.items()} == {"voa": ["dev", "test"], "news": ["dev", "test"]}
    assert parts["voa"]["dev"]["micro"]["f1"] == 1.0 and parts["voa"]["test"]["micro"]["f1"] == 1.0
    assert parts["news"]["dev"]["micro"]["f1"] == 0.0 and parts["news"]["dev"]["n"] == 1
    assert parts["news"]["test"]["false_event_rate"] == 1.0
    assert train.summary(parts["news"]["test"])["false_event_rate"] == 1.0
    assert "news" not in train.part_figures(model, {**by_split, "dev": by_split["dev"][:2], "test": []})


def test_the_news_part_of_a_split_is_the_span_labels_own(tmp_path: Path, train: ModuleType,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    data = _shared(tmp_path)
    ngec = data / "events" / "ngec-voa-plover"
    ngec.mkdir(parents=True)
    (ngec / "train_quotes.jsonl").write_text("", encoding="utf-8")
    (ngec / "codebook.json").write_text("{}", encoding="utf-8")
    folder = data / "news" / "bbc-news-fulltext" / "politics"
    for i in range(2, 21):
        (folder / f"{i:03d}.txt").write_text(POLITICS.replace("four", str(i)), encoding="utf-8")
    spans = _write(tmp_path / "bbc.spans.jsonl", [_span(data, f"bbc:politics/{i:03d}", 2, [])
                                                  for i in range(1, 21)])
    monkeypatch.setenv("TIDINGS_SHARED", str(data.parent))
    fit = _tool("fit_event_confidence")
    from tidings.nlp._events.classifier import load_classifier

    seed = int(load_classifier().settings["split"]["seed"])
    expected = {f"news:bbc:politics/{i:03d}" for i in range(1, 21)
                if train.split_of(f"news:bbc:politics/{i:03d}", seed) == "test"}
    assert expected, "the fake articles should put some in test"
    held = fit.split_examples("test", only="news", labels=[spans])
    assert {e.doc for e in held} == expected and all(train.part_of(e) == "news" for e in held)
    voa = fit.split_examples("test", only="voa", labels=[spans])
    assert voa and not {e.doc for e in voa} & expected and all(train.part_of(e) == "voa" for e in voa)


def test_the_news_sentence_evaluation_skips_without_span_labels(tmp_path: Path) -> None:
    import os
    import subprocess

    (tmp_path / "data").mkdir()
    result = subprocess.run([sys.executable, str(REPO_ROOT / "eval" / "events_news_sentences.py")],
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "TIDINGS_SHARED": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("SKIP ") and "spans.jsonl" in result.stdout
