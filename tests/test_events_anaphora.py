"""Event participants named by a pronoun or a description ("they", "the ministry",
"the country"): resolved to the one compatible referent of the sentences before, or
left alone.

Fast tests read hand-built Docs (no model); the slow ones run the whole pipeline on
short stories written for each case.
"""

from __future__ import annotations

from typing import Any

import pytest
import spacy
from spacy.tokens import Doc, Span

from helpers.events import coded, text_reader
from tidings.knowledge.petrarch import AgentWord
from tidings.nlp import extensions
from tidings.nlp._events.anaphora import person_nouns, same_family
from tidings.nlp._events.args import EntityIndex

extensions.set_extensions()

SECTORS = {"ministry": "GOV", "president": "GOV", "minister": "GOV", "army": "MIL", "village": "CVL",
           "man": "CVL", "tourist": "CVL"}
AGENTS = {"gunmen": AgentWord("gunman", "UAF", "UAF"), "militants": AgentWord("militant", "UAF", "UAF"),
          "rebels": AgentWord("rebel", "REB", "REB")}


def _doc(tokens: list[tuple[str, int, str, str, str]],
         entities: list[tuple[int, int, dict[str, Any]]] | None = None,
         quotes: list[dict[str, Any]] | None = None) -> Doc:
    """A parsed Doc from (word, head, dep, pos, tag) rows, with the entity layer filled."""
    words = [t[0] for t in tokens]
    lemmas = [w.lower().rstrip("s") if t[4] == "NNS" else w.lower() for w, t in zip(words, tokens, strict=True)]
    doc = Doc(spacy.blank("en").vocab, words=words, heads=[t[1] for t in tokens], deps=[t[2] for t in tokens],
              pos=[t[3] for t in tokens], tags=[t[4] for t in tokens], lemmas=lemmas)
    ents: dict[str, dict[str, Any]] = {}
    spans = []
    for start, end, ent in entities or []:
        ents.setdefault(ent["id"], {"roles": [], "sector": None, "country": None, "code": None, **ent})
        spans.append(Span(doc, start, end, kb_id=ent["id"]))
    doc.spans["tidings_mentions"] = spans
    doc._.tidings_entities = list(ents.values())
    doc._.tidings_quotes = quotes or []
    return doc


def _index(doc: Doc, *, refer: bool = True) -> EntityIndex:
    return EntityIndex(doc, SECTORS, AGENTS, refer=refer)


RURITANIA = {"id": "E1", "name": "Ruritania", "type": "GPE", "code": "RUR"}
OSTERLICH = {"id": "E2", "name": "Osterlich", "type": "GPE", "code": "OST"}

# "Gunmen stormed a village . They killed nine ."
GUNMEN = [("Gunmen", 1, "nsubj", "NOUN", "NNS"), ("stormed", 1, "ROOT", "VERB", "VBD"),
          ("a", 3, "det", "DET", "DT"), ("village", 1, "dobj", "NOUN", "NN"), (".", 1, "punct", "PUNCT", "."),
          ("They", 6, "nsubj", "PRON", "PRP"), ("killed", 6, "ROOT", "VERB", "VBD"),
          ("nine", 6, "dobj", "NUM", "CD"), (".", 6, "punct", "PUNCT", ".")]


def test_they_is_the_group_named_before() -> None:
    doc = _doc(GUNMEN)
    (arg,) = _index(doc).args_for(doc[5])
    assert (arg.entity, arg.code, arg.sector) == (None, None, "UAF")
    assert arg.text == "They"  # the anaphor's own words stay the evidence
    assert arg.antecedent == (doc[0].idx, doc[0].idx + len("Gunmen"))


def test_resolution_can_be_turned_off() -> None:
    doc = _doc(GUNMEN)
    assert _index(doc, refer=False).args_for(doc[5]) == []


def test_a_resolved_description_keeps_its_referent_for_the_next() -> None:
    # "Rebels of the Front attacked . The militants fled . They hid ." : one group all along.
    front = {"id": "E3", "name": "the Front", "type": "ORG", "code": "RUR", "sector": "REB"}
    doc = _doc([("Front", 1, "nsubj", "PROPN", "NNP"), ("attacked", 1, "ROOT", "VERB", "VBD"),
                (".", 1, "punct", "PUNCT", "."),
                ("The", 4, "det", "DET", "DT"), ("militants", 5, "nsubj", "NOUN", "NNS"),
                ("fled", 5, "ROOT", "VERB", "VBD"), (".", 5, "punct", "PUNCT", "."),
                ("They", 8, "nsubj", "PRON", "PRP"), ("hid", 8, "ROOT", "VERB", "VBD"),
                (".", 8, "punct", "PUNCT", ".")],
               [(0, 1, front)])
    index = _index(doc)
    (militants,) = index.args_for(doc[4])
    assert (militants.entity, militants.code) == ("E3", "RUR")
    (they,) = index.args_for(doc[7])
    assert (they.entity, they.code) == ("E3", "RUR")


def test_they_with_two_groups_before_is_left_alone() -> None:
    # "Gunmen fought rebels . They killed nine ." : which side killed is not said.
    doc = _doc([("Gunmen", 1, "nsubj", "NOUN", "NNS"), ("fought", 1, "ROOT", "VERB", "VBD"),
                ("rebels", 1, "dobj", "NOUN", "NNS"), (".", 1, "punct", "PUNCT", "."),
                ("They", 5, "nsubj", "PRON", "PRP"), ("killed", 5, "ROOT", "VERB", "VBD"),
                ("nine", 5, "dobj", "NUM", "CD"), (".", 5, "punct", "PUNCT", ".")])
    assert _index(doc).args_for(doc[4]) == []


def test_they_that_may_be_no_participant_is_left_alone() -> None:
    # "Rebels seized the girls . They were freed .": "they" may be the girls, who name no participant.
    doc = _doc([("Rebels", 1, "nsubj", "NOUN", "NNS"), ("seized", 1, "ROOT", "VERB", "VBD"),
                ("the", 3, "det", "DET", "DT"), ("girls", 1, "dobj", "NOUN", "NNS"), (".", 1, "punct", "PUNCT", "."),
                ("They", 7, "nsubjpass", "PRON", "PRP"), ("were", 7, "auxpass", "AUX", "VBD"),
                ("freed", 7, "ROOT", "VERB", "VBN"), (".", 7, "punct", "PUNCT", ".")])
    assert _index(doc).args_for(doc[5]) == []


def test_a_description_of_anyone_is_no_anaphor() -> None:
    # "Ruritanian tourists were hurt . The man fired .": "the man" is not the tourists.
    doc = _doc([("Ruritanian", 1, "amod", "ADJ", "JJ"), ("tourists", 3, "nsubjpass", "NOUN", "NNS"),
                ("were", 3, "auxpass", "AUX", "VBD"), ("hurt", 3, "ROOT", "VERB", "VBN"),
                (".", 3, "punct", "PUNCT", "."),
                ("The", 6, "det", "DET", "DT"), ("man", 7, "nsubj", "NOUN", "NN"), ("fired", 7, "ROOT", "VERB", "VBD"),
                (".", 7, "punct", "PUNCT", ".")],
               [(0, 1, {"id": "E1", "name": "Ruritanian", "type": "NORP", "country": "RUR"})])
    index = _index(doc)
    assert index.args_for(doc[1])[0].code == "RUR"
    (arg,) = index.args_for(doc[6])
    assert (arg.entity, arg.code, arg.sector, arg.antecedent) == (None, None, "CVL", None)


def test_the_country_is_the_one_country_named() -> None:
    # "Ruritania fired a missile . The country threatened Osterlich ."
    doc = _doc([("Ruritania", 1, "nsubj", "PROPN", "NNP"), ("fired", 1, "ROOT", "VERB", "VBD"),
                ("a", 3, "det", "DET", "DT"), ("missile", 1, "dobj", "NOUN", "NN"), (".", 1, "punct", "PUNCT", "."),
                ("The", 6, "det", "DET", "DT"), ("country", 7, "nsubj", "NOUN", "NN"),
                ("threatened", 7, "ROOT", "VERB", "VBD"), ("Osterlich", 7, "dobj", "PROPN", "NNP"),
                (".", 7, "punct", "PUNCT", ".")],
               [(0, 1, RURITANIA), (8, 9, OSTERLICH)])
    (arg,) = _index(doc).args_for(doc[6])
    assert (arg.entity, arg.code, arg.text) == ("E1", "RUR", "The country")


def test_the_country_between_two_countries_is_left_alone() -> None:
    # "Ruritania and Osterlich clashed . The country ..." : either could be meant.
    doc = _doc([("Ruritania", 3, "nsubj", "PROPN", "NNP"), ("and", 0, "cc", "CCONJ", "CC"),
                ("Osterlich", 0, "conj", "PROPN", "NNP"), ("clashed", 3, "ROOT", "VERB", "VBD"),
                (".", 3, "punct", "PUNCT", "."),
                ("The", 6, "det", "DET", "DT"), ("country", 7, "nsubj", "NOUN", "NN"),
                ("protested", 7, "ROOT", "VERB", "VBD"), (".", 7, "punct", "PUNCT", ".")],
               [(0, 1, RURITANIA), (2, 3, OSTERLICH)])
    assert _index(doc).args_for(doc[6]) == []


def test_the_ministry_is_the_body_of_its_sector() -> None:
    # "The Ruritanian ministry spoke . The ministry accused Osterlich ."
    ministry = {"id": "E3", "name": "Ruritanian ministry", "type": "ORG", "code": "RUR", "sector": "GOV"}
    doc = _doc([("The", 2, "det", "DET", "DT"), ("Ruritanian", 2, "amod", "ADJ", "JJ"),
                ("ministry", 3, "nsubj", "NOUN", "NN"), ("spoke", 3, "ROOT", "VERB", "VBD"),
                (".", 3, "punct", "PUNCT", "."),
                ("The", 6, "det", "DET", "DT"), ("ministry", 7, "nsubj", "NOUN", "NN"),
                ("accused", 7, "ROOT", "VERB", "VBD"), ("Osterlich", 7, "dobj", "PROPN", "NNP"),
                (".", 7, "punct", "PUNCT", ".")],
               [(1, 3, ministry), (8, 9, OSTERLICH)])
    (arg,) = _index(doc).args_for(doc[6])
    assert (arg.entity, arg.code, arg.sector) == ("E3", "RUR", "GOV")


def test_a_role_noun_without_its_holder_takes_the_sectors_one_country() -> None:
    # "Minister Vela of Ruritania spoke . The president accused Osterlich .": Vela is
    # no president, but the only government person named is Ruritania's.
    vela = {"id": "E3", "name": "Vela", "type": "PERSON", "code": "RUR", "sector": "GOV",
            "roles": [{"title": "minister", "country": "RUR"}]}
    doc = _doc([("Minister", 1, "compound", "PROPN", "NNP"), ("Vela", 2, "nsubj", "PROPN", "NNP"),
                ("spoke", 2, "ROOT", "VERB", "VBD"), (".", 2, "punct", "PUNCT", "."),
                ("The", 5, "det", "DET", "DT"), ("president", 6, "nsubj", "NOUN", "NN"),
                ("accused", 6, "ROOT", "VERB", "VBD"), ("Osterlich", 6, "dobj", "PROPN", "NNP"),
                (".", 6, "punct", "PUNCT", ".")],
               [(0, 2, vela), (7, 8, OSTERLICH)])
    (arg,) = _index(doc).args_for(doc[5])
    assert (arg.entity, arg.code, arg.sector) == (None, "RUR", "GOV")


def test_third_person_inside_a_quote_is_left_alone() -> None:
    # Gunmen stormed a village . " They killed nine , " he said .
    tokens = [*GUNMEN[:5], ("\u201c", 6, "punct", "PUNCT", "``"), ("They", 7, "nsubj", "PRON", "PRP"),
              ("killed", 7, "ROOT", "VERB", "VBD"), ("nine", 7, "dobj", "NUM", "CD"),
              ("\u201d", 7, "punct", "PUNCT", "''")]
    doc = _doc(tokens)
    assert _index(doc).args_for(doc[6]) == []


def test_we_inside_a_quote_is_the_speakers_side() -> None:
    # " We attacked the rebels , " Ruritania said .
    doc = _doc([("\u201c", 2, "punct", "PUNCT", "``"), ("We", 2, "nsubj", "PRON", "PRP"),
                ("attacked", 8, "ccomp", "VERB", "VBD"), ("the", 4, "det", "DET", "DT"),
                ("rebels", 2, "dobj", "NOUN", "NNS"), (",", 2, "punct", "PUNCT", ","),
                ("\u201d", 8, "punct", "PUNCT", "''"), ("Ruritania", 8, "nsubj", "PROPN", "NNP"),
                ("said", 8, "ROOT", "VERB", "VBD"), (".", 8, "punct", "PUNCT", ".")],
               [(7, 8, RURITANIA)])
    doc._.tidings_quotes = [{"start": doc[1].idx, "end": doc[5].idx, "speaker": "E1"}]
    (arg,) = _index(doc).args_for(doc[1])
    assert (arg.entity, arg.code) == ("E1", "RUR")


def test_armed_groups_are_one_family_and_person_nouns_come_from_titles() -> None:
    assert same_family("REB", "UAF") and same_family("GOV", "GOV")
    assert not same_family("GOV", "MIL") and not same_family(None, "GOV")
    assert {"president", "minister", "spokesman"} <= person_nouns()
    assert "police" not in person_nouns()


# -- the whole pipeline ------------------------------------------------------------


@pytest.fixture(scope="module")
def read() -> Any:
    return text_reader()


@pytest.mark.slow
def test_pipeline_description_takes_the_groups_code(read: Any) -> None:
    record = read("Boko Haram released ten hostages on Monday. The extremist group also attacked a village.")
    assault = [e for e in record["events"] if e["type"] == "ASSAULT"]
    assert assault
    (event,) = assault
    assert event["actor_text"] == "The extremist group"
    assert "NGA/REB" in coded(event["actor_codes"])
    assert event["actor_antecedent"]["text"] == "Boko Haram"
    assert event["actor_unknown"] is False


@pytest.mark.slow
def test_pipeline_the_country(read: Any) -> None:
    record = read("North Korea fired a missile on Monday. The country threatened Japan with war.")
    threats = [e for e in record["events"] if e["type"] == "THREATEN"]
    assert threats and all("PRK" in coded(e["actor_codes"]) for e in threats)


@pytest.mark.slow
def test_pipeline_ambiguous_country_stays_unknown(read: Any) -> None:
    record = read("Peru and Bolivia exchanged fire on Monday. The country accused Chile of meddling.")
    accuse = [e for e in record["events"] if e["type"] == "ACCUSE"]
    assert accuse and all(e["actor_unknown"] is True and "actor_antecedent" not in e for e in accuse)


@pytest.mark.slow
def test_pipeline_they_after_gunmen(read: Any) -> None:
    record = read("Gunmen stormed a village in the north on Sunday. They killed twelve villagers.")
    assault = [e for e in record["events"] if e["type"] == "ASSAULT" and e["actor_text"] == "They"]
    assert assault and all(coded(e["actor_codes"]) == {"None/UAF"} for e in assault)


@pytest.mark.slow
def test_pipeline_they_after_coordinated_subjects(read: Any) -> None:
    record = read("Peru and Chile signed a trade accord on Monday. They also agreed to hold talks on fishing.")
    agree = [e for e in record["events"] if e["type"] == "AGREE" and e["actor_text"] == "They"]
    assert {(c["code"], t["code"]) for e in agree for c in e["actor_codes"] for t in e["target_codes"]} \
        == {("PER", "CHL"), ("CHL", "PER")}
