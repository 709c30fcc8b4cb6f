"""The tidings_events stage: who did what to whom, where and when, in PLOVER.

Reads the parse, the entities (``doc._.tidings_entities`` and the
``tidings_mentions`` span group), the times and the quotes, and writes
``doc._.tidings_events``: one dict per event of the output contract, one per
actor and target pair, each with its CAMEO code, modality, trigger, evidence and
sentence offsets. The ontology, crosswalk, triggers and cues are data files a
user can extend or replace through the component's config.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from tidings.errors import ConfigError
from tidings.nlp._events.args import Arg, EntityIndex
from tidings.nlp._events.classifier import load_classifier
from tidings.nlp._events.detect import MUTUAL_TYPES, Detector, Found, is_mutual
from tidings.nlp._events.lexicon_cameo import (
    CameoLexicon,
    CameoNouns,
    load_cameo_lexicon,
    load_cameo_nouns,
)
from tidings.nlp._events.magnitudes import MagnitudeLexicon, figures_of
from tidings.nlp._events.ontology import EventKnowledge
from tidings.nlp.components.quotes import quote_at
from tidings.nlp.components.timex import time_for_token

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EventMatches:
    """What :meth:`EventCoder.match` found in one Doc, for :meth:`EventCoder.set_annotations`.

    Attributes:
        found: the detected events, before they become output dicts.
        index: the Doc's entities as the events refer to them (``None`` for a Doc
            without a parse, which has no events).
    """

    found: list[Found] = field(default_factory=list)
    index: EntityIndex | None = None


class EventCoder:
    """Code political events in a Doc.

    Args:
        nlp: the pipeline.
        name: the component's name.
        ontology: a file of event types replacing the shipped PLOVER types.
        extra_types: a file of event types added to the ontology.
        crosswalk: a CAMEO-to-PLOVER file replacing the shipped one.
        triggers: trigger files (a path or a list) added to the shipped lexicon.
        replace_triggers: whether ``triggers`` replace the shipped lexicon.
        cues: a modality and speech cue file replacing the shipped one.
        sectors: a sector-word file replacing the shipped one.
        dateline_fallback: place an event without a place of its own at the
            dateline's place, flagged ``place_inferred: "dateline"``.
        coded_only: keep only actor-target pairs with at least one coded
            participant and no entity that lacks both code and sector
            (close to PETRARCH's convention that events need coded actors);
            off by default, so that uncoded people and groups keep their events.
        fold: report one event once: the same act (type, mode, modality, actor
            and target) told again in the same article with a compatible date and
            place (a headline, a caption and the lead) becomes one event whose
            ``mentions`` list every report.
        magnitudes: a file of the words that carry figures (dead, injured,
            arrested, size) replacing the shipped ``events/magnitudes.tsv``.
        coref: resolve a participant named by a pronoun or a description the
            entity stage left unlinked ("they", "the ministry", "the country") to
            the one compatible referent of the sentences before
            (``tidings.nlp._events.anaphora``); the event records where it is in
            ``actor_antecedent`` / ``target_antecedent``.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "tidings_events",
        *,
        ontology: str | None = None,
        extra_types: str | None = None,
        crosswalk: str | None = None,
        triggers: list[str] | str | None = None,
        replace_triggers: bool = False,
        cues: str | None = None,
        sectors: str | None = None,
        dateline_fallback: bool = True,
        coded_only: bool = False,
        fold: bool = True,
        magnitudes: str | None = None,
        cameo_lexicon: bool | str = True,
        classifier: bool | str = True,
        min_confidence: float = 0.0,
        cameo_nouns: bool | str = True,
        coref: bool = True,
    ) -> None:
        self.name = name
        self.fold = fold
        self.coref = bool(coref)
        if replace_triggers and not triggers:
            raise ConfigError("[T420] replace_triggers is set but no trigger file is given; "
                              "set 'triggers' to your lexicon or drop replace_triggers")
        for label, value in (("ontology", ontology), ("extra_types", extra_types), ("crosswalk", crosswalk),
                             ("cues", cues), ("sectors", sectors), ("magnitudes", magnitudes)):
            if value is not None and not isinstance(value, (str, Path)):
                raise ConfigError(f"[T421] {label} must be a file path, got {value!r}")
        self.knowledge = EventKnowledge.load(
            ontology=ontology, extra_types=extra_types, crosswalk=crosswalk, triggers=triggers,
            replace_triggers=replace_triggers, cues=cues, sectors=sectors,
        )
        self.magnitudes = MagnitudeLexicon.load(magnitudes)
        self.dateline_fallback = dateline_fallback
        self.coded_only = coded_only
        lexicon = None
        if cameo_lexicon:
            lexicon = load_cameo_lexicon() if cameo_lexicon is True else CameoLexicon.load(str(cameo_lexicon))
        nouns = None
        if cameo_nouns:
            nouns = load_cameo_nouns() if cameo_nouns is True else CameoNouns.load(str(cameo_nouns))
        model = None
        if classifier:
            model = load_classifier() if classifier is True else load_classifier(str(classifier))
        self.min_confidence = float(min_confidence)
        self.detector = Detector(self.knowledge, time_for_token=time_for_token, quote_at=quote_at,
                                 cameo=lexicon, classifier=model, nouns=nouns)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> EventMatches:
        """Detect the events of a Doc (the component keeps nothing of it)."""
        if not doc.has_annotation("DEP"):
            return EventMatches()
        index = EntityIndex(doc, self.knowledge.sectors, refer=self.coref)
        return EventMatches(self.detector.run(doc, index), index)

    def set_annotations(self, doc: Doc, matches: EventMatches) -> None:
        """Write the detected events to ``doc._.tidings_events``."""
        index = matches.index
        events: list[dict[str, Any]] = []
        dateline = self._dateline_place(doc, index) if self.dateline_fallback and index else None
        seen: set[tuple[Any, ...]] = set()
        for f in matches.found:
            if f.confidence is not None and f.confidence < self.min_confidence:
                continue
            actors: list[Arg | None] = list(f.actors) or [None]
            targets: list[Arg | None] = list(f.targets) or [None]
            mutual = not f.targets and len(f.actors) > 1 and is_mutual(f.trigger)
            for actor in actors:
                for target in (f.actors if mutual else targets):
                    if mutual and target is actor:
                        continue
                    if self.coded_only and not _coded(actor, target):
                        continue
                    key = (f.token.i, f.trigger.type, actor and actor.key, target and target.key)
                    if key in seen:
                        continue
                    seen.add(key)
                    events.append(self._event(doc, f, actor, target, len(events) + 1, dateline))
        if self.fold and index is not None:
            events = _fold(events, index, doc._.tidings_sections or [])
        doc._.tidings_events = events

    def _event(self, doc: Doc, f: Found, actor: Arg | None, target: Arg | None, n: int,
               dateline: str | None) -> dict[str, Any]:
        published = doc._.tidings_published
        cameo = f.trigger.cameo or None
        when = f.when
        when_inferred = False
        if when is None and published:
            when, when_inferred = str(published)[:10], True
        place = f.place
        place_inferred = None
        if place is None and dateline is not None and (when_inferred or _near(when, published)):
            # The dateline says where the news of the day happened, not where
            # something did last year.
            place, place_inferred = dateline, "dateline"
        tok = f.token
        mention = {
            "trigger": {"start": tok.idx, "end": tok.idx + len(tok), "text": tok.text},
            "evidence": {"start": f.evidence[0], "end": f.evidence[1], "text": _text(doc, f.evidence[0], f.evidence[1])},
            "sentence": {"start": f.sentence.start_char, "end": _trim_end(doc, f.sentence)},
            "source": f.source,
        }
        event: dict[str, Any] = {
            "id": f"V{n}",
            "type": f.trigger.type,
            "mode": f.trigger.mode,
            "context": f.trigger.context,
            "actors": [actor.entity] if actor and actor.entity else [],
            "targets": [target.entity] if target and target.entity else [],
            "actor_codes": [_code(actor)] if actor else [],
            "target_codes": [_code(target)] if target else [],
            "actor_unknown": not (actor and (actor.entity or actor.code or actor.sector)),
            "actor_text": actor.text if actor else None,
            "target_text": target.text if target else None,
            "place": place,
            "place_inferred": place_inferred,
            "when": when,
            "when_inferred": when_inferred,
            "modality": f.modality,
            "trigger": mention["trigger"],
            "evidence": mention["evidence"],
            "sentence": mention["sentence"],
            "cameo": cameo,
            "source": f.source,
            "source_text": f.source_text,
            "confidence": f.confidence,
            "mentions": [mention],
        }
        for key, arg in (("actor_antecedent", actor), ("target_antecedent", target)):
            if arg is not None and arg.antecedent is not None:
                start, end = arg.antecedent
                event[key] = {"start": start, "end": end, "text": doc.text[start:end]}
        figures = self.magnitudes.for_event(f.sentence, tok, f.trigger.type)
        if figures:
            event["magnitudes"] = figures
        return event

    @staticmethod
    def _dateline_place(doc: Doc, index: EntityIndex) -> str | None:
        dateline = doc._.tidings_dateline
        if not dateline:
            return None
        low = str(dateline).strip().lower()
        for eid, ent in index.entities.items():
            if str(ent.get("name", "")).lower() == low and ent.get("type") in {"GPE", "LOC", "FAC"}:
                return eid
            for m in ent.get("mentions") or []:
                if str(m.get("text", "")).lower() == low and ent.get("type") in {"GPE", "LOC", "FAC"}:
                    return eid
        return None


def _near(when: str | None, published: Any) -> bool:
    """Whether an event's date is within a day of the publication date."""
    if not when or not published or len(when) < 10:
        return False
    try:
        delta = dt.date.fromisoformat(when[:10]) - dt.date.fromisoformat(str(published)[:10])
    except ValueError:
        return False
    return abs(delta.days) <= 1


def _side(event: dict[str, Any], codes: str) -> tuple[Any, ...] | None:
    """Who a side of an event is by its codes; None when nobody is coded."""
    found = tuple((c.get("code"), c.get("sector")) for c in event[codes] if c.get("code"))
    return found or None


def _section(sections: list[Any], offset: int) -> str | None:
    for kind, start, end in sections:
        if start <= offset < end:
            return str(kind)
    return None


def _fold(events: list[dict[str, Any]], index: EntityIndex, sections: list[Any]) -> list[dict[str, Any]]:
    """One event per act: reports of the same act in one article become one event.

    Two events are one act when their type, mode, modality, actor and target
    agree, their dates agree (or one was inferred from the publication date),
    and their places agree or lie in the same country (or one has none of its
    own). The event kept is the best told report (in the body rather than a
    headline or caption, with its own date and place); the date or place it
    lacks is taken from another report, and ``mentions`` lists every report in
    text order, so no evidence is lost.
    """
    groups = _fold_retold(_group_acts(events, index), sections)
    out = [_merge_reports(group, sections) for group in groups]
    out.sort(key=lambda ev: ev["trigger"]["start"])
    for n, ev in enumerate(out, 1):
        ev["id"] = f"V{n}"
    return out


def _report_rank(ev: dict[str, Any], sections: list[Any]) -> tuple[int, int, int, int]:
    """Sort key of the reports of one act, best told first."""
    kind = _section(sections, ev["trigger"]["start"])
    return (kind in {"headline", "caption"}, bool(ev["when_inferred"]),
            ev["place"] is None or ev["place_inferred"] is not None, ev["trigger"]["start"])


def _own_country(ev: dict[str, Any], index: EntityIndex) -> str | None:
    """The country of an event's own place (its place when it has no host), or ``None``."""
    if ev["place"] is None or ev["place_inferred"] is not None:
        return None
    return index.host_of(ev["place"])[1] or ev["place"]


def _same_act(a: dict[str, Any], b: dict[str, Any], index: EntityIndex) -> bool:
    """Whether two events of one key may report the same act (dates, participants, country)."""
    if not (a["when_inferred"] or b["when_inferred"] or a["when"] == b["when"]):
        return False
    # Participants of one report are distinct ("Kishida and other Japanese officials").
    if any(m["trigger"]["start"] == n["trigger"]["start"] for m in a["mentions"] for n in b["mentions"]):
        return False
    # "Kenyan leaders" (coded only) may be the president named elsewhere;
    # two named people are one only when they are the same.
    for ids in ("actors", "targets"):
        if a[ids] and b[ids] and a[ids] != b[ids]:
            return False
    ca, cb = _own_country(a, index), _own_country(b, index)
    return ca is None or cb is None or ca == cb


def _group_acts(events: list[dict[str, Any]], index: EntityIndex) -> list[list[dict[str, Any]]]:
    """Group the events that report one act, in the order their first reports come."""
    groups: list[list[dict[str, Any]]] = []
    by_key: dict[tuple[Any, ...], list[list[dict[str, Any]]]] = {}
    for ev in events:
        actor, target = _side(ev, "actor_codes"), _side(ev, "target_codes")
        if actor is None or target is None:
            groups.append([ev])
            continue
        key = (ev["type"], ev["mode"], ev["modality"], actor, target)
        for group in by_key.setdefault(key, []):
            if all(_same_act(ev, other, index) for other in group):
                group.append(ev)
                break
        else:
            group = [ev]
            by_key[key].append(group)
            groups.append(group)
    return groups


def _merge_reports(group: list[dict[str, Any]], sections: list[Any]) -> dict[str, Any]:
    """The best told report of an act, with the date, place and figures others add, and every mention."""

    def rank(ev: dict[str, Any]) -> tuple[int, int, int, int]:
        return _report_rank(ev, sections)

    first: dict[str, Any] = min(group, key=rank)
    best = dict(first)
    if best["when_inferred"]:
        dated = [ev for ev in group if not ev["when_inferred"]]
        if dated:
            best["when"], best["when_inferred"] = dated[0]["when"], False
    if best["place"] is None or best["place_inferred"] is not None:
        placed = [ev for ev in group if ev["place"] is not None and ev["place_inferred"] is None]
        if placed:
            best["place"], best["place_inferred"] = placed[0]["place"], None
    figures = figures_of(sorted(group, key=rank))
    if figures:
        best["magnitudes"] = figures
    best["mentions"] = sorted((m for ev in group for m in ev["mentions"]),
                              key=lambda m: m["trigger"]["start"])
    return best


def _fold_retold(groups: list[list[dict[str, Any]]], sections: list[Any]) -> list[list[dict[str, Any]]]:
    """Fold a report that tells less into the fuller report of the same act.

    A headline, a caption or a later sentence often tells an act again with
    one side left out or with another modality ("Kenya, Uganda sign deal"
    over "Kenya signed a deal with Uganda on Monday"; "the talks" later on).
    A group folds into an earlier (or, for a headline or caption, any body)
    group of the same type and mode when each side it names is a side of the other
    (by entity, else by code) and it names at least one; the body group keeps
    its own modality, date and place, and gains the mentions.
    """
    out: list[list[dict[str, Any]]] = []
    order = sorted(groups, key=lambda g: (_told_in(g, sections) in {"headline", "caption"},
                                          min(ev["trigger"]["start"] for ev in g)))
    for group in order:
        home = _retold_home(group, out, sections)
        if home is None:
            out.append(list(group))
        else:
            home.extend(dict(ev, modality=home[0]["modality"]) for ev in group)
    return out


def _told_in(group: list[dict[str, Any]], sections: list[Any]) -> str | None:
    """The section of a group's first report."""
    return _section(sections, min(ev["trigger"]["start"] for ev in group))


def _retold_home(group: list[dict[str, Any]], out: list[list[dict[str, Any]]],
                 sections: list[Any]) -> list[dict[str, Any]] | None:
    """The group already placed that ``group`` tells again, if any."""
    header = _told_in(group, sections) in {"headline", "caption"}
    start = min(ev["trigger"]["start"] for ev in group)
    mine = {m["trigger"]["start"] for ev in group for m in ev["mentions"]}
    # A pair of a report whose other pair is already placed stays as it is
    # (participants of one report are distinct).
    if any(n["trigger"]["start"] in mine for o in out for ev in o for n in ev["mentions"]):
        return None
    for other in out:
        if (other[0]["type"], other[0]["mode"]) != (group[0]["type"], group[0]["mode"]) \
                or _told_in(other, sections) in {"headline", "caption"}:
            continue
        if not header and min(ev["trigger"]["start"] for ev in other) > start:
            continue
        if not header and other[0]["modality"] != group[0]["modality"]:
            continue
        if any(m["trigger"]["start"] == n["trigger"]["start"] for ev in group for m in ev["mentions"]
               for o in other for n in o["mentions"]):
            continue  # participants of one report are distinct
        if _retold_fits(group, other):
            return other
    return None


def _group_sides(group: list[dict[str, Any]], key: str, codes: str) -> tuple[set[str], set[Any]]:
    """The entity ids and the (code, sector) pairs of one side of a group's events."""
    ids = {i for ev in group for i in ev[key]}
    coded = {(c.get("code"), c.get("sector")) for ev in group for c in ev[codes] if c.get("code")}
    return ids, coded


def _side_within(small: list[dict[str, Any]], big: list[dict[str, Any]], key: str, codes: str,
                 big_key: str, big_codes: str) -> bool | None:
    """Whether a side of ``small`` is a side of ``big``; ``None`` when ``small`` names none."""
    ids, coded = _group_sides(small, key, codes)
    if not ids and not coded:
        return None  # says nothing of this side
    big_ids, big_coded = _group_sides(big, big_key, big_codes)
    if ids:
        return ids <= big_ids
    # "Kenyan leaders" (KEN, no sector) may be the Kenyan president (KEN, GOV).
    return all(any(code == c and (sector is None or sector == s) for c, s in big_coded)
               for code, sector in coded)


def _retold_fits(small: list[dict[str, Any]], big: list[dict[str, Any]]) -> bool:
    """Whether ``small`` tells the act of ``big`` again: dates agree and its sides are sides of ``big``."""
    if not all(x["when_inferred"] or y["when_inferred"] or x["when"] == y["when"] for x in small for y in big):
        return False  # "met on Monday" and "met on Friday" are two meetings
    pairs = [(("actors", "actor_codes"), ("targets", "target_codes"))]
    if small[0]["type"] in MUTUAL_TYPES:
        # A meeting of A with B is one of B with A ("Kenyan and Tanzanian leaders meet").
        pairs.append((("targets", "target_codes"), ("actors", "actor_codes")))
    for (sa, sac), (st, stc) in pairs:
        a = _side_within(small, big, "actors", "actor_codes", sa, sac)
        t = _side_within(small, big, "targets", "target_codes", st, stc)
        if (a is not None or t is not None) and a is not False and t is not False:
            return True
    # A report that names no actor, nor any target the fuller one does not have,
    # tells its act again ("two children died in the attack", "the talks");
    # victims of its own ("two journalists were arrested later") are another act.
    big_targets = {(d.get("code"), d.get("sector")) for ev in big for d in ev["target_codes"]}
    return all(ev["actor_unknown"] and not ev["targets"] for ev in small) \
        and not all(ev["actor_unknown"] for ev in big) \
        and all(c.get("code") is None or any(c.get("code") == code and c.get("sector") in {None, sector}
                                             for code, sector in big_targets)
                for ev in small for c in ev["target_codes"])


def _coded(actor: Arg | None, target: Arg | None) -> bool:
    """Whether a pair has a coded participant and no entity without code or sector."""
    # A name nobody resolved (no entity, code or sector) neither helps nor hinders.
    pair = [a for a in (actor, target) if a is not None and (a.entity or a.code or a.sector)]
    if not any(a.code for a in pair):
        return False
    return all(a.code or a.sector for a in pair)


def _code(arg: Arg) -> dict[str, str | None]:
    return {"code": arg.code, "sector": arg.sector}


def _trim_end(doc: Doc, sent: Any) -> int:
    """The end of a sentence without its trailing whitespace (read by token:
    ``doc.text`` joins the whole article at each call)."""
    i = int(sent.end) - 1
    while i > sent.start and not doc[i].text.strip(" \n\t"):
        i -= 1
    if not doc[i].text.strip(" \n\t"):
        return int(sent.start_char)
    return int(doc[i].idx + len(doc[i]))


def _text(doc: Doc, start: int, end: int) -> str:
    """The text between two character offsets at token edges, without joining the whole article."""
    span = doc.char_span(start, end)
    return span.text if span is not None else doc.text[start:end]


@Language.factory(
    "tidings_events",
    assigns=["doc._.tidings_events"],
    requires=["token.dep", "token.lemma", "doc._.tidings_entities", "doc._.tidings_times",
              "doc._.tidings_quotes"],
    default_config={
        "ontology": None,
        "extra_types": None,
        "crosswalk": None,
        "triggers": None,
        "replace_triggers": False,
        "cues": None,
        "sectors": None,
        "dateline_fallback": True,
        "coded_only": False,
        "fold": True,
        "magnitudes": None,
        "cameo_lexicon": True,
        "classifier": True,
        "min_confidence": 0.0,
        "cameo_nouns": True,
        "coref": True,
    },
)
def make_events(
    nlp: Language,
    name: str,
    ontology: str | None,
    extra_types: str | None,
    crosswalk: str | None,
    triggers: list[str] | str | None,
    replace_triggers: bool,
    cues: str | None,
    sectors: str | None,
    dateline_fallback: bool,
    coded_only: bool,
    fold: bool,
    magnitudes: str | None,
    cameo_lexicon: bool | str,
    classifier: bool | str,
    min_confidence: float,
    cameo_nouns: bool | str,
    coref: bool,
) -> EventCoder:
    """Build the event stage (see :class:`EventCoder`)."""
    return EventCoder(nlp, name, ontology=ontology, extra_types=extra_types, crosswalk=crosswalk,
                      triggers=triggers, replace_triggers=replace_triggers, cues=cues, sectors=sectors,
                      dateline_fallback=dateline_fallback, coded_only=coded_only, fold=fold,
                      magnitudes=magnitudes, cameo_lexicon=cameo_lexicon, classifier=classifier,
                      min_confidence=min_confidence, cameo_nouns=cameo_nouns, coref=coref)
