"""The event ontology as data: shipped files, validation, and a user's own types and triggers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers.records import assert_valid_record
from tidings.errors import ConfigError, LexiconError
from tidings.nlp._events.ontology import EventKnowledge
from tidings.records import Article

PLOVER_TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}


@pytest.fixture(scope="module")
def shipped() -> EventKnowledge:
    return EventKnowledge.load()


def test_events_ontology_has_the_sixteen_plover_types(shipped: EventKnowledge) -> None:
    assert set(shipped.types) == PLOVER_TYPES


def test_events_every_trigger_agrees_with_the_crosswalk(shipped: EventKnowledge) -> None:
    for triggers in shipped.triggers.values():
        for trig in triggers:
            row = shipped.plover_of(trig.cameo)
            assert row is not None and row["type"] == trig.type, trig


@pytest.mark.parametrize(
    "cameo,plover",
    [("040", "CONSULT"), ("042", "CONSULT"), ("111", "ACCUSE"), ("0841", "RETREAT"), ("1823", "ASSAULT"),
     ("023", "REQUEST"), ("163", "SANCTION"), ("1721", "COERCE"), ("010", None), ("999", None), (None, None)],
)
def test_events_crosswalk(shipped: EventKnowledge, cameo: str | None, plover: str | None) -> None:
    row = shipped.plover_of(cameo)
    assert (row["type"] if row else None) == plover


TYPES = """provenance:
  source: "a test ontology"
  licence: "CC0"
entries:
  - type: CYBER
    description: "Computer intrusion."
    modes: [intrusion]
    contexts: [cyber]
"""
TRIGGERS = """# source: a test lexicon
# licence: CC0
phrase\tpos\ttype\tmode\tcontext\tcameo\ttarget\tflags
hack\tVERB\tCYBER\tintrusion\tcyber\t\tdobj\t
"""


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_events_user_type_and_trigger_load(tmp_path: Path) -> None:
    knowledge = EventKnowledge.load(extra_types=_write(tmp_path, "types.yaml", TYPES),
                                    triggers=[_write(tmp_path, "triggers.tsv", TRIGGERS)])
    assert "CYBER" in knowledge.types and "CONSULT" in knowledge.types
    assert knowledge.triggers[("hack", "VERB")][0].type == "CYBER"


def test_events_trigger_of_an_unknown_type_names_file_line_and_field(tmp_path: Path) -> None:
    with pytest.raises(LexiconError) as info:
        EventKnowledge.load(triggers=[_write(tmp_path, "triggers.tsv", TRIGGERS)])
    assert (info.value.line, info.value.field) == (4, "type")
    assert "triggers.tsv" in str(info.value) and "T231" in str(info.value)


def test_events_replacing_the_ontology_needs_matching_triggers(tmp_path: Path) -> None:
    ontology = _write(tmp_path, "types.yaml", TYPES)
    walk = _write(tmp_path, "walk.tsv", "# source: t\n# licence: CC0\ncameo\ttype\tmode\tcontext\tlabel\n")
    with pytest.raises(LexiconError):
        EventKnowledge.load(ontology=ontology, crosswalk=walk)  # the shipped triggers name PLOVER types
    knowledge = EventKnowledge.load(ontology=ontology, crosswalk=walk, replace_triggers=True,
                                    triggers=[_write(tmp_path, "triggers.tsv", TRIGGERS)])
    assert set(knowledge.types) == {"CYBER"}


@pytest.mark.parametrize(
    "row,field",
    [
        ("meet\tADJ\tCONSULT\t\t\t040\t\t", "pos"),
        ("meet\tVERB\tCONSULT\tflying\t\t040\t\t", "mode"),
        ("meet\tVERB\tACCUSE\t\t\t040\t\t", "type"),
        ("meet\tVERB\tCONSULT\t\t\t040\tsideways\t", "target"),
        ("meet\tVERB\tCONSULT\t\t\t040\t\tloud", "flags"),
        ("meet\tVERB\t\t\t\t\t\t", "type"),
    ],
)
def test_events_bad_trigger_rows(tmp_path: Path, row: str, field: str) -> None:
    text = "# source: t\n# licence: CC0\nphrase\tpos\ttype\tmode\tcontext\tcameo\ttarget\tflags\n" + row + "\n"
    with pytest.raises(LexiconError) as info:
        EventKnowledge.load(triggers=[_write(tmp_path, "bad.tsv", text)])
    assert info.value.field == field and info.value.line == 4


@pytest.mark.slow
def test_events_custom_ontology_at_work(tmp_path: Path) -> None:
    """A pipeline whose event stage has a user's type and trigger codes it."""
    import spacy

    from tidings.nlp.extensions import set_extensions
    from tidings.nlp.pipeline import MODEL, analyze

    set_extensions()
    nlp = spacy.load(MODEL)
    nlp.add_pipe("tidings_structure", before="parser")
    for stage in ("entities", "times", "quotes"):
        nlp.add_pipe(f"tidings_{stage}")
    nlp.add_pipe("tidings_events", config={
        "extra_types": _write(tmp_path, "types.yaml", TYPES),
        "triggers": [_write(tmp_path, "triggers.tsv", TRIGGERS)],
    })
    record: dict[str, Any] = analyze(Article(text="Russia hacked Estonia on Monday.", source_path="t",
                                             published="2030-01-01"), nlp)
    events = [(e["type"], e["mode"], e["actor_codes"][0]["code"], e["target_codes"][0]["code"])
              for e in record["events"]]
    assert ("CYBER", "intrusion", "RUS", "EST") in events
    assert_valid_record(record)  # the record schema admits a user's own types


def test_events_replace_triggers_without_triggers_is_a_config_error() -> None:
    from tidings.nlp.components.events import EventCoder

    with pytest.raises(ConfigError, match="T420"):
        EventCoder(None, replace_triggers=True)  # type: ignore[arg-type]
