"""What the story engine reads from one article record: keys with weights, a date, a headline.

An article becomes a sparse vector of **keys** in five namespaces:

* ``t:`` salient terms of the headline and lead (headline words count double),
  lower-cased, stop words left out, a plural ``s`` folded; ``w:`` the same
  without the words of people's names (what happened, not to whom);
* ``e:`` resolved entities: a country by its code, anything with a
  knowledge-base id by it, a person by surname, others by normalised name;
* ``g:`` places: the entities of type GPE, LOC or FAC (by gazetteer id when
  resolved) and the places of events;
* ``v:`` the PLOVER types of the events read from the article.

Everything here is plain data (``dict``, ``str``, ``float``) so the engine's
state serialises as it is.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
# Entity types that name who or what a story is about (dates, numbers and the like are left out).
ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "prof", "lord", "lady", "rev", "st"})
_WORD = re.compile(r"[^\W_][\w'’-]*[^\W_]|[^\W\d_]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# English function words and the commonest news verbs; terms are what is left.
_STOP_TEXT = """
a about above after again against ago all almost also although always am among an and another any anyone
anything are around as at back be became because become been before being below between both but by came
can cannot could did do does doing done down during each either else even ever every few first for from
further get gets getting got had has have having he her here hers herself him himself his how however i if
in into is it its itself just last least less like made make many may me might more most mostly much must
my myself near nearly never new news next no nor not now of off often on once one only or other others our
ours ourselves out over own per perhaps put rather really said same say says see seen several she should
since so some something still such than that the their theirs them themselves then there these they this
those though through thus to today told too toward towards two under until up upon us very via was we
well were what when where whether which while who whom whose why will with within without would yes yet
you your yours yourself year years week weeks day days time times monday tuesday wednesday thursday friday
saturday sunday according report reported reports reuters ap afp image images photo photos getty video
read share click email follow copyright updated published story stories people thing things way ways
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(slots=True)
class Features:
    """One article as the story engine sees it.

    Attributes:
        id: the article id.
        published: days since 1970-01-01 (UTC) of its publication, or None when unknown.
        headline: its headline ("" when none).
        publisher: its publisher, if known.
        keys: key -> weight, over the five namespaces (see the module docstring).
    """

    id: str
    published: float | None
    headline: str
    publisher: str | None
    keys: dict[str, float] = field(default_factory=dict)

    def as_row(self) -> dict[str, Any]:
        """The features as one plain row (JSON-ready)."""
        return {"id": self.id, "published": self.published, "headline": self.headline,
                "publisher": self.publisher, "keys": dict(self.keys)}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Features:
        """Rebuild features from :meth:`as_row`."""
        return cls(id=row["id"], published=row["published"], headline=row["headline"],
                   publisher=row["publisher"], keys={sys.intern(k): v for k, v in row["keys"].items()})


def fold(text: str) -> str:
    """Lower-case, strip accents, turn punctuation into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", plain.replace("'s ", " ").replace("’s ", " ")).strip()


def name_key(name: str, entity_type: str) -> str | None:
    """The key of an entity name: a person by surname, anything else by its folded name."""
    words = [w for w in fold(name).split() if w not in _HONORIFICS]
    if not words:
        return None
    if entity_type == "PERSON":
        return words[-1] if len(words[-1]) > 1 else None
    return " ".join(words)


def entity_key(entity: dict[str, Any]) -> str | None:
    """The key one entity of a record is indexed under (without namespace), or None."""
    entity_type = entity.get("type") or ""
    if entity_type not in ENTITY_TYPES:
        return None
    kb = entity.get("kb")
    if kb:
        return f"kb {kb}"
    code = entity.get("code")
    if code and entity_type in {"GPE", "LOC"}:
        return f"code {code}"
    return name_key(entity.get("name") or "", entity_type)


def term(word: str) -> str | None:
    """A salient term from one word, or None for a stop word or a number."""
    folded = fold(word).replace(" ", "")
    if len(folded) < 3 or folded in STOP_WORDS or folded.isdigit():
        return None
    if len(folded) > 4 and folded.endswith("s") and not folded.endswith(("ss", "us", "is")):
        folded = folded[:-1]
    return folded


def days(published: str | None) -> float | None:
    """Days since 1970-01-01 of an ISO date or datetime (naive taken as UTC), or None."""
    if not published:
        return None
    try:
        when = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            when = datetime.fromisoformat(published.strip()[:10])
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp() / 86400.0


def lead_text(record: dict[str, Any], words: int) -> str:
    """The first ``words`` words of the story text after the headline."""
    text = record.get("text") or ""
    headline = record.get("headline") or ""
    if headline and text.startswith(headline):
        text = text[len(headline):]
    if words <= 0:
        return ""
    found = []
    for match in _WORD.finditer(text):
        found.append(match.group())
        if len(found) >= words:
            break
    return " ".join(found)


def features(record: dict[str, Any], *, lead_words: int = 80, headline_weight: float = 2.0) -> Features:
    """Read the story features of one ``tidings read`` record.

    Args:
        record: the record (``id``, ``headline``, ``published``, ``publisher``,
            ``text``, ``entities``, ``events``); missing parts are taken as empty.
        lead_words: how many words of the text after the headline count as the lead.
        headline_weight: how much more a headline word counts than a lead word.

    Returns:
        The article's features.
    """
    keys: Counter[str] = Counter()
    # ``w:`` keys are the terms without the words of people's names: what happened,
    # whoever it happened to (the same people in another event are another story).
    named = {term(word) for entity in record.get("entities") or [] if entity.get("type") == "PERSON"
             for name in (entity.get("name") or "", *(entity.get("aliases") or ()))
             for word in _WORD.findall(name)}
    headline = record.get("headline") or ""
    for words, weight in ((_WORD.findall(headline), headline_weight), (lead_text(record, lead_words).split(), 1.0)):
        for word in words:
            if (t := term(word)) is not None:
                keys[f"t:{t}"] += weight
                if t not in named:
                    keys[f"w:{t}"] += weight
    by_id: dict[str, str] = {}
    for entity in record.get("entities") or []:
        key = entity_key(entity)
        if key is None:
            continue
        by_id[str(entity.get("id"))] = key
        mentions = len(entity.get("mentions") or []) or 1
        keys[f"e:{key}"] += 1.0 + math.log(mentions)
        if entity.get("type") in PLACE_TYPES:
            geo = entity.get("geo") or {}
            place = f"geo {geo['geonameid']}" if geo.get("geonameid") else key
            by_id[str(entity.get("id"))] = place
            keys[f"g:{place}"] = 1.0
    for event in record.get("events") or []:
        if event.get("modality") in {"negated", "hypothetical"}:
            continue
        event_type = event.get("type")
        if isinstance(event_type, str) and event_type:
            keys[f"v:{event_type.lower()}"] = 1.0
        place = event.get("place")
        if place and str(place) in by_id:
            keys[f"g:{by_id[str(place)]}"] = 1.0
    # Interned: the same key string is shared by every article, story and posting holding it.
    return Features(id=str(record["id"]), published=days(record.get("published")), headline=headline,
                    publisher=record.get("publisher"), keys={sys.intern(k): v for k, v in keys.items()})
