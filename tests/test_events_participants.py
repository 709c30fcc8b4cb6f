"""Who acts and who is acted on: the participant constructions of the event stage.

Fast tests read sentences parsed into hand-built Docs (no model); the slow ones
run the whole pipeline on sentences written for each construction.
"""

from __future__ import annotations

from typing import Any

import pytest
import spacy
from spacy.tokens import Doc, Span

from helpers.events import coded, text_reader
from tidings.knowledge.petrarch import AgentWord
from tidings.nlp import extensions
from tidings.nlp._events.args import EntityIndex

extensions.set_extensions()


def _doc(words: list[str], heads: list[int], deps: list[str], pos: list[str],
         entities: list[tuple[int, int, dict[str, Any]]] | None = None, lemmas: list[str] | None = None) -> Doc:
    """A parsed Doc with the entity layer filled from (start, end, entity) triples."""
    vocab = spacy.blank("en").vocab
    doc = Doc(vocab, words=words, heads=heads, deps=deps, pos=pos, lemmas=lemmas or [w.lower() for w in words])
    ents: dict[str, dict[str, Any]] = {}
    spans = []
    for start, end, ent in entities or []:
        ents.setdefault(ent["id"], {"roles": [], "sector": None, "country": None, "code": None, **ent})
        spans.append(Span(doc, start, end, kb_id=ent["id"]))
    doc.spans["tidings_mentions"] = spans
    doc._.tidings_entities = list(ents.values())
    return doc


SECTORS = {"president": "GOV", "spokesperson": "GOV", "police": "COP"}


def test_agent_word_gives_the_sector() -> None:
    # "Extremists attacked": no shipped sector word, an agent word of PETRARCH's dictionary.
    doc = _doc(["Extremists", "attacked"], [1, 1], ["nsubj", "ROOT"], ["NOUN", "VERB"])
    agents = {"extremists": AgentWord("extremist", "RAD", "RAD")}
    index = EntityIndex(doc, SECTORS, agents)
    (arg,) = index.args_for(doc[0])
    assert (arg.code, arg.sector) == (None, "RAD")


def test_agent_word_with_its_compound() -> None:
    # "Riot police": the two-word agent is tried before the word alone.
    doc = _doc(["Riot", "squads", "arrived"], [1, 2, 2], ["compound", "nsubj", "ROOT"], ["NOUN", "NOUN", "VERB"])
    agents = {"riot squads": AgentWord("riot squad", "COP", "COP"), "squads": AgentWord("squad", "MIL", "MIL")}
    (arg,) = EntityIndex(doc, SECTORS, agents).args_for(doc[1])
    assert arg.sector == "COP"


def test_country_adjective_and_agent_word() -> None:
    # "Ruritanian gendarmes": the modifier's country, the agent word's sector.
    doc = _doc(["Ruritanian", "gendarmes", "fired"], [1, 2, 2], ["amod", "nsubj", "ROOT"], ["ADJ", "NOUN", "VERB"],
               [(0, 1, {"id": "E1", "name": "Ruritanian", "type": "NORP", "country": "RUR"})])
    agents = {"gendarmes": AgentWord("gendarme", "COP", "COP")}
    (arg,) = EntityIndex(doc, SECTORS, agents).args_for(doc[1])
    assert (arg.code, arg.sector) == ("RUR", "COP")


def test_title_in_compound_codes_the_person_everywhere() -> None:
    # "UN spokesperson Ana Vela spoke. Vela left.": the title given once codes every mention.
    words = ["UN", "spokesperson", "Ana", "Vela", "spoke", ".", "Vela", "left", "."]
    heads = [1, 3, 3, 4, 4, 4, 7, 7, 7]
    deps = ["compound", "compound", "compound", "nsubj", "ROOT", "punct", "nsubj", "ROOT", "punct"]
    pos = ["PROPN", "NOUN", "PROPN", "PROPN", "VERB", "PUNCT", "PROPN", "VERB", "PUNCT"]
    un = {"id": "E1", "name": "UN", "type": "ORG", "code": "IGO", "sector": "IGO"}
    vela = {"id": "E2", "name": "Ana Vela", "type": "PERSON"}
    doc = _doc(words, heads, deps, pos, [(0, 1, un), (2, 4, vela), (6, 7, vela)])
    (arg,) = EntityIndex(doc, SECTORS, {}).args_for(doc[6])
    assert (arg.entity, arg.code, arg.sector) == ("E2", "IGO", "IGO")


def test_apposition_title_codes_the_person() -> None:
    # "Vela, the Ruritanian president, spoke."
    words = ["Vela", ",", "the", "Ruritanian", "president", ",", "spoke"]
    heads = [6, 0, 4, 4, 0, 0, 6]
    deps = ["nsubj", "punct", "det", "amod", "appos", "punct", "ROOT"]
    pos = ["PROPN", "PUNCT", "DET", "ADJ", "NOUN", "PUNCT", "VERB"]
    doc = _doc(words, heads, deps, pos, [(0, 1, {"id": "E1", "name": "Vela", "type": "PERSON"}),
                                        (3, 4, {"id": "E2", "name": "Ruritanian", "type": "NORP",
                                                "country": "RUR"})])
    (arg,) = EntityIndex(doc, SECTORS, {}).args_for(doc[0])
    assert (arg.entity, arg.code, arg.sector) == ("E1", "RUR", "GOV")


def test_name_in_apposition_to_a_title() -> None:
    # "The president, Vela, spoke": the name is who acts, the title its sector.
    words = ["The", "president", ",", "Vela", ",", "spoke"]
    heads = [1, 5, 1, 1, 1, 5]
    deps = ["det", "nsubj", "punct", "appos", "punct", "ROOT"]
    pos = ["DET", "NOUN", "PUNCT", "PROPN", "PUNCT", "VERB"]
    doc = _doc(words, heads, deps, pos, [(3, 4, {"id": "E1", "name": "Vela", "type": "PERSON",
                                                "country": "RUR", "code": "RUR"})])
    (arg,) = EntityIndex(doc, SECTORS, {}).args_for(doc[1])
    assert (arg.entity, arg.code, arg.sector) == ("E1", "RUR", "GOV")


def test_partitive_names_who_is_counted() -> None:
    # "dozens of students": the students are the participants.
    words = ["arrested", "dozens", "of", "students"]
    doc = _doc(words, [0, 0, 1, 2], ["ROOT", "dobj", "prep", "pobj"], ["VERB", "NOUN", "ADP", "NOUN"],
               lemmas=["arrest", "dozen", "of", "student"])
    (arg,) = EntityIndex(doc, {"student": "EDU"}, {}).args_for(doc[1])
    assert arg.sector == "EDU"
    assert arg.text == "students"


# -- the whole pipeline -------------------------------------------------------------


@pytest.fixture(scope="module")
def read() -> Any:
    return text_reader()


# text, type, actor code, target code (None: no target required)
CONSTRUCTIONS = [
    ("passive with agent", "Chad was attacked by Libya on Monday.", "ASSAULT", "LBY", "TCD"),
    ("agent word with country", "Turkish police arrested two Greek journalists.", "COERCE", "TUR/COP", "GRC/MED"),
    ("agent word, rebels", "Sudanese rebels attacked a convoy on Sunday.", "ASSAULT", "SDN/REB", None),
    ("country military", "The Egyptian military struck positions in Libya.", "ASSAULT", "EGY/MIL", None),
    ("partitive object", "In Ankara, police detained dozens of students.", "COERCE", "TUR/COP", "TUR/EDU"),
    ("nominal: between", "Talks between Peru and Chile resumed on Monday.", "CONSULT", "PER", "CHL"),
    ("nominal: between (other side)", "Talks between Peru and Chile resumed on Monday.", "CONSULT", "CHL", "PER"),
    ("nominal: possessor and on", "Russia's attack on Georgia killed ten soldiers.", "ASSAULT", "RUS", "GEO"),
    ("nominal: country modifier", "US sanctions on Cuba took effect on Monday.", "SANCTION", "USA", "CUB"),
    ("apposition title", "Lula, the Brazilian president, met Milei in Buenos Aires.", "CONSULT", "BRA/GOV", None),
    ("reported speech: speaker's side", "Kenya said its troops attacked militants in Somalia.", "ASSAULT",
     "KEN/MIL", None),
    ("uncoded locals take the place's country", "In Nigeria, gunmen killed twelve villagers on Monday.",
     "ASSAULT", "NGA/UAF", "NGA/CVL"),
    ("collective noun with its kind", "The extremist group freed the hostages on Saturday.", "RETREAT",
     "None/RAD", None),
    ("title on an unlinked mention", "UN spokesperson Ana Vela spoke on Monday. Vela condemned Chile.",
     "ACCUSE", "IGO/IGO", None),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,text,etype,actor,target", CONSTRUCTIONS, ids=[c[0] for c in CONSTRUCTIONS])
def test_participant_construction(read: Any, name: str, text: str, etype: str, actor: str | None,
                                  target: str | None) -> None:
    record = read(text)
    events = [e for e in record["events"] if e["type"] == etype]
    assert events, f"no {etype} event in {record['events']}"
    hits = [e for e in events if (actor is None or actor in coded(e["actor_codes"]))
            and (target is None or target in coded(e["target_codes"]))]
    assert hits, [(coded(e["actor_codes"]), coded(e["target_codes"])) for e in events]


@pytest.mark.slow
def test_unknown_actor_is_marked(read: Any) -> None:
    # A killing by nobody named is no ASSAULT (it may be an accident); an arrest is someone's act.
    record = read("Protesters were arrested in Nairobi on Monday.")
    events = [e for e in record["events"] if e["type"] == "COERCE"]
    assert events
    assert all(e["actor_unknown"] is True and e["actor_codes"] == [] for e in events)
    assert any(code.startswith("KEN") for e in events for code in coded(e["target_codes"]))


@pytest.mark.slow
def test_known_actor_is_not_marked_unknown(read: Any) -> None:
    record = read("Chad was attacked by Libya on Monday.")
    events = [e for e in record["events"] if e["type"] == "ASSAULT"]
    assert events and all(e["actor_unknown"] is False for e in events)


@pytest.mark.slow
def test_reaction_to_a_deed_told_before(read: Any) -> None:
    # "condemned the move": the doers of the deed just told are the target.
    record = read("Peru expelled four diplomats on Monday. Chile condemned the move on Tuesday.")
    accuse = [e for e in record["events"] if e["type"] == "ACCUSE"]
    assert accuse
    assert any("CHL" in coded(e["actor_codes"]) and "PER" in coded(e["target_codes"]) for e in accuse)


@pytest.mark.slow
def test_deed_named_with_its_own_parties_is_not_the_last_deed(read: Any) -> None:
    record = read("Peru expelled four diplomats on Monday. Chile condemned the move by Bolivia on Tuesday.")
    accuse = [e for e in record["events"] if e["type"] == "ACCUSE"]
    assert all("PER" not in coded(e["target_codes"]) for e in accuse)
