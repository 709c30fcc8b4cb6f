"""Geoparse plain text: find its place names with the tidings pipeline and resolve them.

This is the part of place resolution that runs a model; the gazetteer and the
resolver are :mod:`tidings.geo`, a library that imports nothing from the
pipeline.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from tidings.geo._gazetteer import Gazetteer, load_gazetteer
from tidings.geo._matcher import place_spans
from tidings.geo._names import name_key
from tidings.geo._parse import (
    PLACE_TYPES,
    country_evidence,
    demonym_country,
    division_demonym,
    entity_code,
    entity_country,
    toponym_of,
)
from tidings.geo._resolve import Toponym, resolve
from tidings.ingest.dateline import find_dateline
from tidings.nlp.pipeline import entity_settings, load_pipeline

__all__ = ["geoparse"]


def _comma_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` at commas into trimmed ``(start, end)`` parts."""
    parts: list[tuple[int, int]] = []
    pos = start
    for piece in text[start:end].split(","):
        s = pos + (len(piece) - len(piece.lstrip()))
        e = pos + len(piece.rstrip())
        if e > s:
            parts.append((s, e))
        pos += len(piece) + 1
    return parts


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def _org_demonyms(entities: list[dict[str, Any]], toponyms: list[Toponym], labels: list[str],
                  gaz: Gazetteer) -> None:
    """Read a nationality word that opens an organisation's name ("the American Farm Bureau")."""
    for e in entities:
        if e.get("type") != "ORG":
            continue
        for m in e.get("mentions") or ():
            text = str(m.get("text", ""))
            offset = 4 if text.lower().startswith("the ") else 0
            first = text[offset:].split(" ", 1)[0]
            if " " not in text[offset:] or not first[:1].isupper():
                continue
            country = demonym_country(first, gaz)
            if country is not None and first != country.name:
                start = int(m["start"]) + offset
                toponyms.append(Toponym(name=first, spans=[(start, start + len(first))],
                                        code=country.country, weight=0.5))
                labels.append("NORP")


def _from_doc(doc: Doc, gaz: Gazetteer) -> tuple[list[Toponym], list[str], defaultdict[str, float]]:
    """Toponyms from the tidings entities when the stage produced them, else from ``doc.ents``."""
    entities = doc._.tidings_entities if doc.has_extension("tidings_entities") else None
    if entities:
        return _from_entities(entities, gaz)
    return _from_ents(doc, gaz)


def _from_entities(entities: list[dict[str, Any]], gaz: Gazetteer,
                   ) -> tuple[list[Toponym], list[str], defaultdict[str, float]]:
    """Toponyms from the tidings entities: places, and nationality words coded to a place."""
    toponyms: list[Toponym] = []
    labels: list[str] = []
    for e in entities:
        if e.get("type") in PLACE_TYPES:
            toponyms.append(toponym_of(e, gaz))
            labels.append(e["type"])
        elif e.get("type") == "NORP":
            code = entity_code(e) or entity_country(e)
            if code is None:
                demonym = demonym_country(e.get("name") or "", gaz)
                code = demonym.country if demonym is not None else None
            spans = [(int(m["start"]), int(m["end"])) for m in e.get("mentions") or ()]
            if code is None or gaz.country(code) is None:
                state = division_demonym(e.get("name") or "", gaz)
                if state is not None:  # "Minnesotans" stand for Minnesota
                    toponyms.append(Toponym(name=state.name, spans=spans, country=state.country))
                    labels.append("NORP")
                continue
            toponyms.append(Toponym(name=e.get("name") or "", spans=spans, code=code))
            labels.append("NORP")
    _org_demonyms(entities, toponyms, labels, gaz)
    return toponyms, labels, country_evidence(entities)


def _from_ents(doc: Doc, gaz: Gazetteer) -> tuple[list[Toponym], list[str], defaultdict[str, float]]:
    """Toponyms from spaCy's GPE/LOC/FAC entities and nationality words, one per distinct name."""
    toponyms: list[Toponym] = []
    labels: list[str] = []
    groups: dict[tuple[str, str], Toponym] = {}
    evidence: defaultdict[str, float] = defaultdict(float)
    for ent in doc.ents:
        if ent.label_ in PLACE_TYPES and "," in ent.text:
            # "Fargo, N.D." as one entity: each part is a place name of its own.
            for start, end in _comma_parts(doc.text, ent.start_char, ent.end_char):
                key = (ent.label_, name_key(doc.text[start:end]))
                t = groups.get(key)
                if t is None:
                    t = groups[key] = Toponym(name=doc.text[start:end])
                    toponyms.append(t)
                    labels.append(ent.label_)
                t.spans.append((start, end))
            continue
        if ent.label_ in PLACE_TYPES:
            key = (ent.label_, name_key(ent.text))
            code = None
            if not gaz.lookup(ent.text):
                country = demonym_country(ent.text, gaz)  # "Sri Lankan" read as a GPE
                code = country.country if country is not None else None
        elif ent.label_ == "NORP":
            country = demonym_country(ent.text, gaz)
            if country is None:
                continue
            key, code = ("NORP", country.country), country.country
            evidence[country.country] += 1
        else:
            continue
        t = groups.get(key)
        if t is None:
            t = groups[key] = Toponym(name=ent.text, code=code)
            toponyms.append(t)
            labels.append(ent.label_)
        t.spans.append((ent.start_char, ent.end_char))
    return toponyms, labels, evidence


def geoparse(text: str, nlp: Language | None = None, *, dateline: str | None = None,
             recall: bool = True, gazetteer: Gazetteer | None = None) -> list[dict[str, Any]]:
    """Find the place names in a text and resolve each to coordinates.

    Runs the tidings pipeline up to its entity stage (its place entities, and
    nationality words coded to a country, which stand for that country), or
    spaCy's GPE/LOC/FAC entities when the entity stage yields nothing; with
    ``recall``, adds well-known place names the NER missed (see
    :func:`place_spans`). All names are resolved together, so each is read in
    the light of the others.

    Args:
        text: plain text.
        nlp: a loaded pipeline; by default the tidings pipeline with its entity stage.
        dateline: the dateline place, if known.
        recall: whether to add gazetteer matches the NER missed.
        gazetteer: the gazetteer; the shipped one by default.

    Returns:
        One dict per mention, in text order: ``start``, ``end``, ``text``,
        ``label`` (GPE, LOC, FAC or NORP), ``name`` (the place's name), ``kind``,
        ``country``, ``lat``, ``lon``, ``geonameid`` (the last five ``None`` when
        unresolved).
    """
    if nlp is None:
        nlp = load_pipeline(("entities",), **entity_settings())
    gaz = gazetteer or load_gazetteer()
    doc = nlp(text)
    toponyms, labels, evidence = _from_doc(doc, gaz)
    if dateline is None:
        dateline = doc._.tidings_dateline if doc.has_extension("tidings_dateline") else None
        if dateline is None:
            dateline = _found_dateline(text, toponyms, labels, gaz, recall=recall)
    if recall:
        _add_unrecognised(doc, text, toponyms, labels, gaz)
    resolve(toponyms, text=text, gazetteer=gaz, dateline=dateline, countries=evidence)
    return _mentions(text, toponyms, labels)


def _found_dateline(text: str, toponyms: list[Toponym], labels: list[str], gaz: Gazetteer, *,
                    recall: bool) -> str | None:
    """Return the dateline found in the text; with ``recall``, add it as a toponym if it is a place."""
    found = find_dateline(text)
    if found is None:
        return None
    start, end = found.start, found.end
    if recall and gaz.lookup(found.place) and \
            not _overlaps((start, end), [s for t in toponyms for s in t.spans]):
        # The dateline is a place whatever the tagger made of it ("DANIELSVILLE -").
        toponyms.append(Toponym(name=found.place, spans=[(start, end)]))
        labels.append("GPE")
    return found.text


def _add_unrecognised(doc: Doc, text: str, toponyms: list[Toponym], labels: list[str],
                      gaz: Gazetteer) -> None:
    """Add the well-known place names the NER missed, one toponym per distinct name."""
    taken = [s for t in toponyms for s in t.spans]
    # A place name inside an organisation's name ("the Minnesota Department of
    # Transportation") is a place name; one inside a person's name is not.
    people = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
    extra: dict[str, Toponym] = {}
    for start, end, label in place_spans(doc, gazetteer=gaz):
        if _overlaps((start, end), taken):
            continue
        if _overlaps((start, end), people) and (start, end) not in people:
            continue
        key = name_key(text[start:end])
        t = extra.get(key)
        if t is None:
            t = extra[key] = Toponym(name=text[start:end], weight=0.5)
            toponyms.append(t)
            labels.append(label)
        t.spans.append((start, end))


def _mentions(text: str, toponyms: list[Toponym], labels: list[str]) -> list[dict[str, Any]]:
    """One dict per mention of each resolved toponym, in text order."""
    out: list[dict[str, Any]] = []
    for t, label in zip(toponyms, labels, strict=True):
        p = t.place
        for start, end in t.spans:
            out.append({
                "start": start, "end": end, "text": text[start:end], "label": label,
                "name": p.name if p else None, "kind": p.kind if p else None,
                "country": p.country or None if p else None,
                "lat": round(p.lat, 5) if p else None, "lon": round(p.lon, 5) if p else None,
                "geonameid": (p.geonameid or None) if p else None,
            })
    out.sort(key=lambda d: (d["start"], d["end"]))
    return out
