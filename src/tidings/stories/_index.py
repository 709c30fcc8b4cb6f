"""The story index: incremental assignment of articles to stories over an inverted index.

State (all plain tables, see :meth:`StoryIndex.to_state`):

* ``stories``: id, first and last publication day, whether it still takes articles;
* ``story_terms``: (story, key, weight), the sum of its articles' keys; the
  postings (key -> stories) are this table read the other way round;
* ``articles``: id, story, whether the article is pinned to it by a manual
  decision, and its features (published, headline, publisher, keys);
* ``key_df``: in how many indexed articles each key occurs (for idf);
* ``labels``: the display name of each entity and place key.

An article is compared only with the stories that share one of its rarest keys
(the postings of at most ``query_keys`` keys, each list read only when shorter
than ``max_postings``) and that are within the time window, so one assignment
costs the same however many stories the index holds.
"""

from __future__ import annotations

import heapq
import math
import sys
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from tidings.stories._features import Features, entity_key, features, name_key

STATE_VERSION = 1
NAMESPACES = ("t", "w", "e", "g", "v")
# The namespaces whose keys find candidate stories (``w`` repeats ``t``; event types are too common).
QUERY_SPACES = frozenset({"t", "e", "g"})


@dataclass(frozen=True, slots=True)
class StoryConfig:
    """How articles are compared with stories.

    Attributes:
        threshold: the least similarity at which an article joins a story.
        weights: the weight of each namespace's cosine (``t`` terms, ``e``
            entities, ``g`` places, ``v`` event types); they sum to 1.
        min_terms: the least cosine of the headline-and-lead terms, people's
            names left out (``w``), at which an article joins a story, whatever
            its entities: the same people in another event are another story.
        window_days: a story takes articles published at most this many days
            after its last one (or before its first); older stories are closed.
        decay_days: past one day apart, similarity falls by ``exp(-gap/decay_days)``.
        query_keys: how many of an article's rarest keys look up candidate stories.
        max_postings: a key in more stories than this (within the window) is not looked up.
        max_scanned: the most postings read for one article: keys are read rarest
            first, and the lookup stops once this many stories were counted.
        candidates: how many candidate stories (by shared keys) are scored in full.
        lead_words, headline_weight: see :func:`tidings.stories.features`.
    """

    threshold: float = 0.11
    # Event types are read (``v``) but weigh nothing by default: on the dev set they did not help.
    weights: tuple[tuple[str, float], ...] = (("t", 0.5), ("e", 0.4), ("g", 0.1), ("v", 0.0))
    min_terms: float = 0.02
    window_days: float = 365.0
    decay_days: float = 180.0
    query_keys: int = 24
    max_postings: int = 1000
    max_scanned: int = 4000
    candidates: int = 20
    lead_words: int = 80
    headline_weight: float = 2.0


@dataclass(slots=True)
class _Story:
    id: int
    articles: list[str] = field(default_factory=list)
    keys: dict[str, float] = field(default_factory=dict)
    first_seen: float | None = None
    last_seen: float | None = None
    open: bool = True
    norms: dict[str, float] | None = None


class _Stored:
    """An indexed article's features, compact: a tuple of (interned) keys and an array of weights."""

    __slots__ = ("_keys", "_weights", "headline", "id", "published", "publisher")

    def __init__(self, feats: Features) -> None:
        self.id = feats.id
        self.published = feats.published
        self.headline = feats.headline
        self.publisher = feats.publisher
        self._keys = tuple(feats.keys)
        self._weights = array("d", feats.keys.values())

    @property
    def keys(self) -> dict[str, float]:
        return dict(zip(self._keys, self._weights, strict=True))

    def features(self) -> Features:
        return Features(id=self.id, published=self.published, headline=self.headline,
                        publisher=self.publisher, keys=self.keys)

    def as_row(self) -> dict[str, Any]:
        return self.features().as_row()


@dataclass(frozen=True, slots=True)
class Story:
    """A story as callers see it.

    Attributes:
        id: the story id.
        title: the headline of its most central article.
        first_seen, last_seen: the earliest and latest publication dates (ISO), None when undated.
        article_ids: its articles, in the order they joined.
        publishers: its publishers, most articles first.
        entities: its key entities (display names), most weight first.
        places: its places (display names), most articles first.
    """

    id: int
    title: str
    first_seen: str | None
    last_seen: str | None
    article_ids: tuple[str, ...]
    publishers: tuple[str, ...]
    entities: tuple[str, ...]
    places: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


class StoryIndex:
    """Assigns articles to stories, incrementally, and keeps manual decisions.

    ``assign`` an article record (as ``tidings read`` prints it) to get its
    story id. ``merge`` and ``split`` correct the result; the articles they
    touch are *pinned* to their story, so re-assigning them (``assign`` again,
    or ``rebuild``) keeps the decision. ``to_state`` / ``from_state`` turn the
    index into plain tables and back.
    """

    def __init__(self, config: StoryConfig | None = None) -> None:
        self.config = config or StoryConfig()
        self._weights = dict(self.config.weights)
        self._reset()

    def _reset(self) -> None:
        self._stories: dict[int, _Story] = {}
        self._articles: dict[str, _Stored] = {}
        self._story_of: dict[str, int] = {}
        self._pins: dict[str, int] = {}
        self._postings: dict[str, dict[int, None]] = {}
        self._df: Counter[str] = Counter()
        self._labels: dict[str, str] = {}
        self._next_id = 1
        self._clock: float | None = None
        self._by_last_seen: list[tuple[float, int]] = []

    # -- assignment ---------------------------------------------------------------------

    def assign(self, record: dict[str, Any]) -> int:
        """Put one article in a story and return the story id.

        An article already indexed is taken out and assigned again (its record
        may have changed); one pinned by a manual decision goes back to its story.

        Args:
            record: an article record with ``id`` and whatever of ``headline``,
                ``published``, ``publisher``, ``text``, ``entities`` and
                ``events`` it has.

        Returns:
            The id of the story the article is now in.
        """
        feats = features(record, lead_words=self.config.lead_words, headline_weight=self.config.headline_weight)
        self._learn_labels(record)
        return self.assign_features(feats)

    def assign_features(self, feats: Features) -> int:
        """:meth:`assign` for features already read (see :func:`tidings.stories.features`)."""
        previous = self._story_of.get(feats.id)
        if feats.id in self._articles:
            self._detach(feats.id)
        self._articles[feats.id] = _Stored(feats)
        for key in feats.keys:
            self._df[key] += 1
        if feats.published is not None and (self._clock is None or feats.published > self._clock):
            self._clock = feats.published
        pinned = self._pins.get(feats.id)
        if pinned is not None:
            story_id = pinned
        else:
            best = self._best(feats)
            if best is not None:
                story_id = best
            elif previous is not None and previous not in self._stories:
                story_id = previous  # it was alone in its story: the story keeps its id
            else:
                story_id = self._new_story_id()
        self._attach(feats.id, story_id)
        return story_id

    def candidates(self, feats: Features) -> list[tuple[float, int]]:
        """The stories an article could join, with their similarity, best first."""
        window = self.config.window_days
        when = feats.published
        hits: Counter[int] = Counter()
        budget = self.config.max_scanned
        for key in self._query_keys(feats):
            posting = self._postings.get(key)
            if not posting or len(posting) > self.config.max_postings:
                continue
            if len(posting) > budget:
                break
            budget -= len(posting)
            hits.update(posting.keys())
        scored: list[tuple[float, int]] = []
        prepared = self._prepare(feats)
        for story_id, _ in hits.most_common(self.config.candidates):
            story = self._stories[story_id]
            gap = self._gap(story, when)
            if gap > window:
                continue
            score = self._similarity(prepared, story) * math.exp(-max(0.0, gap - 1.0) / self.config.decay_days)
            scored.append((score, story_id))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return scored

    def similarity(self, feats: Features, story_id: int) -> float:
        """The weighted sum of the per-namespace idf cosines of an article and a story.

        Zero when the cosine of the terms without people's names is under ``min_terms``.
        """
        return self._similarity(self._prepare(feats), self._stories[story_id])

    def _prepare(self, feats: Features) -> tuple[list[tuple[str, str, float]], dict[str, float]]:
        """The article's keys with weight x idf², and its norms: computed once per assignment."""
        weighted = [(key, key[0], weight * self._idf(key) ** 2) for key, weight in feats.keys.items()]
        return weighted, self._norms(feats.keys)

    def _similarity(self, prepared: tuple[list[tuple[str, str, float]], dict[str, float]], story: _Story) -> float:
        weighted, article_norms = prepared
        if story.norms is None:
            story.norms = self._norms(story.keys)
        keys = story.keys
        dots = dict.fromkeys(NAMESPACES, 0.0)
        for key, space, weight in weighted:
            other = keys.get(key)
            if other:
                dots[space] += weight * other
        norms = story.norms
        if dots["w"] / (article_norms["w"] * norms["w"]) < self.config.min_terms:
            return 0.0
        return sum(weight * dots[space] / (article_norms[space] * norms[space])
                   for space, weight in self._weights.items())

    def _best(self, feats: Features) -> int | None:
        for score, story_id in self.candidates(feats):
            if score >= self.config.threshold:
                return story_id
            break
        return None

    def _query_keys(self, feats: Features) -> list[str]:
        # The article itself is counted already: a key no other article has finds nothing.
        keys = [k for k in feats.keys if k[0] in QUERY_SPACES and self._df[k] > 1]
        keys.sort(key=lambda k: (self._df[k], k))
        return keys[: self.config.query_keys]

    def _gap(self, story: _Story, when: float | None) -> float:
        if when is None or story.first_seen is None or story.last_seen is None:
            return 0.0
        if when < story.first_seen:
            return story.first_seen - when
        return max(0.0, when - story.last_seen)

    def _idf(self, key: str) -> float:
        n = len(self._articles)
        return math.log((1 + n) / (1 + self._df[key])) + 1.0

    def _norms(self, keys: dict[str, float]) -> dict[str, float]:
        squares: Counter[str] = Counter()
        for key, weight in keys.items():
            squares[key[0]] += (weight * self._idf(key)) ** 2
        return {space: math.sqrt(squares[space]) or 1.0 for space in NAMESPACES}

    # -- membership ---------------------------------------------------------------------

    def _new_story_id(self) -> int:
        story_id = self._next_id
        self._next_id += 1
        return story_id

    def _attach(self, article_id: str, story_id: int) -> None:
        story = self._stories.get(story_id)
        if story is None:
            story = self._stories[story_id] = _Story(id=story_id)
            self._next_id = max(self._next_id, story_id + 1)
        elif not story.open:  # an article for a closed story (a pin, a merge): it takes articles again
            story.open = True
            for key in story.keys:
                if key[0] in QUERY_SPACES:
                    self._postings.setdefault(key, {})[story_id] = None
        feats = self._articles[article_id]
        story.articles.append(article_id)
        for key, weight in feats.keys.items():
            if key not in story.keys and key[0] in QUERY_SPACES:
                self._postings.setdefault(key, {})[story_id] = None
            story.keys[key] = story.keys.get(key, 0.0) + weight
        if feats.published is not None:
            story.first_seen = feats.published if story.first_seen is None else min(story.first_seen, feats.published)
            story.last_seen = feats.published if story.last_seen is None else max(story.last_seen, feats.published)
        story.norms = None
        if story.last_seen is not None:
            heapq.heappush(self._by_last_seen, (story.last_seen, story_id))
        self._story_of[article_id] = story_id
        self._close_stale()

    def _detach(self, article_id: str) -> None:
        """Take an article out of its story and out of the counts (the pin stays)."""
        feats = self._articles.pop(article_id)
        story_id = self._story_of.pop(article_id)
        story = self._stories[story_id]
        story.articles.remove(article_id)
        for key, weight in feats.keys.items():
            self._df[key] -= 1
            if self._df[key] <= 0:
                del self._df[key]
            left = story.keys.get(key, 0.0) - weight
            if left > 1e-9:
                story.keys[key] = left
            else:
                story.keys.pop(key, None)
                posting = self._postings.get(key)
                if posting is not None:
                    posting.pop(story_id, None)
                    if not posting:
                        del self._postings[key]
        story.norms = None
        if not story.articles:
            self._drop_story(story_id)
            return
        dates = [d for a in story.articles if (d := self._articles[a].published) is not None]
        story.first_seen = min(dates) if dates else None
        story.last_seen = max(dates) if dates else None

    def _drop_story(self, story_id: int) -> None:
        self._unpost(story_id, self._stories.pop(story_id).keys)

    def _unpost(self, story_id: int, keys: Iterable[str]) -> None:
        """Take a story out of the postings of its keys (a posting left empty goes)."""
        for key in keys:
            posting = self._postings.get(key)
            if posting is not None:
                posting.pop(story_id, None)
                if not posting:
                    del self._postings[key]

    def _close_stale(self) -> None:
        """Take stories whose last article is out of the window from the postings (they stay listed).

        A heap of (last day, story) pushed on every change finds them without a
        scan; an entry whose story has moved on since is passed over.
        """
        if self._clock is None:
            return
        horizon = self._clock - 2 * self.config.window_days
        heap = self._by_last_seen
        while heap and heap[0][0] < horizon:
            last_seen, story_id = heapq.heappop(heap)
            story = self._stories.get(story_id)
            if story is None or not story.open or story.last_seen != last_seen:
                continue
            story.open = False
            self._unpost(story_id, story.keys)

    # -- corrections ------------------------------------------------------------------------

    def merge(self, a: int, b: int) -> int:
        """Fold story ``b`` into story ``a``; every article of both is pinned to ``a``.

        Returns:
            ``a``.
        """
        self._require(a)
        self._require(b)
        if a == b:
            for article_id in self._stories[a].articles:
                self._pins[article_id] = a
            return a
        for article_id in list(self._stories[b].articles):
            self._move(article_id, a)
        for article_id in self._stories[a].articles:
            self._pins[article_id] = a
        return a

    def split(self, story_id: int, article_ids: Iterable[str]) -> int:
        """Move some articles of a story into a new story; both sides are pinned.

        Returns:
            The id of the new story.

        Raises:
            KeyError: for an unknown story or an article not in it.
            ValueError: when no article, or every article, would move.
        """
        self._require(story_id)
        moving = list(dict.fromkeys(article_ids))
        members = set(self._stories[story_id].articles)
        missing = [a for a in moving if a not in members]
        if missing:
            raise KeyError(f"articles {missing} are not in story {story_id}")
        if not moving or len(moving) == len(members):
            raise ValueError("a split moves some of the story's articles, not none or all")
        new_id = self._new_story_id()
        for article_id in moving:
            self._move(article_id, new_id)
        for article_id in self._stories[story_id].articles:
            self._pins[article_id] = story_id
        return new_id

    def unpin(self, article_ids: Iterable[str]) -> None:
        """Forget the manual decisions about these articles (they stay where they are)."""
        for article_id in article_ids:
            self._pins.pop(article_id, None)

    def pinned(self) -> dict[str, int]:
        """Article id -> the story a manual decision put it in."""
        return dict(self._pins)

    def remove(self, article_id: str) -> None:
        """Take an article out of the index (deleted from the store); its pin goes too."""
        if article_id in self._articles:
            self._detach(article_id)
        self._pins.pop(article_id, None)

    def rebuild(self) -> dict[str, int]:
        """Assign every indexed article again, in publication order, from scratch.

        Pinned articles go back to their stories (which keep their ids); the
        others are compared afresh, so a change of configuration takes effect.

        Returns:
            Article id -> story id.
        """
        everything = sorted((stored.features() for stored in self._articles.values()),
                            key=lambda f: (f.published is None, f.published or 0.0, f.id))
        pins = dict(self._pins)
        next_id = self._next_id
        labels = self._labels
        self._reset()
        self._pins = pins
        self._labels = labels
        self._next_id = max([next_id, *(p + 1 for p in pins.values())])
        return {f.id: self.assign_features(f) for f in everything}

    def _move(self, article_id: str, story_id: int) -> None:
        feats = self._articles[article_id]
        self._detach(article_id)
        self._articles[article_id] = feats
        for key in feats.keys:
            self._df[key] += 1
        self._attach(article_id, story_id)
        self._pins[article_id] = story_id

    def _require(self, story_id: int) -> None:
        if story_id not in self._stories:
            raise KeyError(f"no story {story_id}")

    # -- reading ----------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        """Sizes: stories, open stories (still in the postings), articles, pinned articles, keys, postings."""
        return {"stories": len(self._stories), "open_stories": sum(1 for s in self._stories.values() if s.open),
                "articles": len(self._articles), "pinned": len(self._pins), "keys": len(self._df),
                "postings": sum(len(p) for p in self._postings.values())}

    def story_of(self, article_id: str) -> int | None:
        """The story an article is in, or None when it is not indexed."""
        return self._story_of.get(article_id)

    def assignments(self) -> dict[str, int]:
        """Article id -> story id, for every indexed article."""
        return dict(self._story_of)

    def story(self, story_id: int) -> Story:
        """One story, with its title, dates, publishers, key entities and places."""
        self._require(story_id)
        return self._describe(self._stories[story_id])

    def stories(self) -> list[Story]:
        """Every story, latest first (by last publication date; undated last)."""
        ordered = sorted(self._stories.values(), key=lambda s: (s.last_seen is None, -(s.last_seen or 0.0), s.id))
        return [self._describe(s) for s in ordered]

    def _describe(self, story: _Story) -> Story:
        norms = story.norms = story.norms or self._norms(story.keys)
        best = max(story.articles, key=lambda a: (self._centrality(a, story, norms), a))
        publishers = Counter(p for a in story.articles if (p := self._articles[a].publisher))
        entities = sorted(((w * self._idf(k), k) for k, w in story.keys.items() if k.startswith("e:")), reverse=True)
        places = sorted(((w, k) for k, w in story.keys.items() if k.startswith("g:")), reverse=True)
        return Story(
            id=story.id,
            title=self._articles[best].headline,
            first_seen=_iso(story.first_seen),
            last_seen=_iso(story.last_seen),
            article_ids=tuple(story.articles),
            publishers=tuple(p for p, _ in publishers.most_common()),
            entities=tuple(self._labels.get(k, k[2:]) for _, k in entities[:8]),
            places=tuple(self._labels.get(k, k[2:]) for _, k in places[:5]),
        )

    def _centrality(self, article_id: str, story: _Story, norms: dict[str, float]) -> float:
        feats = self._articles[article_id]
        if not feats.headline:
            return -1.0
        terms = {k: w for k, w in feats.keys.items() if k.startswith("t:")}
        own = self._norms(terms)["t"]
        dot = sum(w * story.keys.get(k, 0.0) * self._idf(k) ** 2 for k, w in terms.items())
        return dot / (own * norms["t"])

    def _learn_labels(self, record: dict[str, Any]) -> None:
        for entity in record.get("entities") or []:
            key = entity_key(entity)
            name = entity.get("name") or ""
            if key is None or not name:
                continue
            for label_key in (f"e:{key}", f"g:{key}"):
                if len(name) > len(self._labels.get(label_key, "")) and (
                        entity.get("type") != "PERSON" or name_key(name, "PERSON") == key):
                    self._labels[label_key] = name
            geo = entity.get("geo") or {}
            if geo.get("geonameid"):
                self._labels.setdefault(f"g:geo {geo['geonameid']}", name)

    # -- state --------------------------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        """The whole index as plain tables (lists of rows), JSON-ready.

        Returns:
            ``{"version", "config", "meta", "stories", "story_terms", "articles",
            "key_df", "labels"}``; :meth:`from_state` reads it back.
        """
        return {
            "version": STATE_VERSION,
            "config": {k: (list(map(list, v)) if k == "weights" else v) for k, v in asdict(self.config).items()},
            "meta": {"next_id": self._next_id, "clock": self._clock},
            "stories": [{"id": s.id, "first_seen": s.first_seen, "last_seen": s.last_seen, "open": s.open}
                        for s in self._stories.values()],
            "story_terms": [{"story": s.id, "key": k, "weight": w}
                            for s in self._stories.values() for k, w in s.keys.items()],
            "articles": [{**self._articles[a].as_row(), "story": s.id, "pinned": a in self._pins}
                         for s in self._stories.values() for a in s.articles],
            "key_df": [{"key": k, "df": n} for k, n in self._df.items()],
            "labels": [{"key": k, "label": v} for k, v in self._labels.items()],
            "pins": [{"article": a, "story": s} for a, s in self._pins.items()],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> StoryIndex:
        """Rebuild an index from :meth:`to_state`'s tables."""
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"story index state version {state.get('version')!r}, expected {STATE_VERSION}")
        raw = dict(state["config"])
        raw["weights"] = tuple((str(k), float(w)) for k, w in raw["weights"])
        index = cls(StoryConfig(**raw))
        index._next_id = int(state["meta"]["next_id"])
        index._clock = state["meta"]["clock"]
        for row in state["stories"]:
            index._stories[row["id"]] = _Story(id=row["id"], first_seen=row["first_seen"],
                                               last_seen=row["last_seen"], open=row["open"])
        for row in state["story_terms"]:
            story = index._stories[row["story"]]
            story.keys[sys.intern(row["key"])] = row["weight"]
            if story.open and row["key"][0] in QUERY_SPACES:
                index._postings.setdefault(row["key"], {})[story.id] = None
        for row in state["articles"]:
            index._articles[row["id"]] = _Stored(Features.from_row(row))
            index._story_of[row["id"]] = row["story"]
            index._stories[row["story"]].articles.append(row["id"])
        index._df = Counter({row["key"]: row["df"] for row in state["key_df"]})
        index._labels = {row["key"]: row["label"] for row in state["labels"]}
        index._pins = {row["article"]: row["story"] for row in state["pins"]}
        index._by_last_seen = [(s.last_seen, s.id) for s in index._stories.values()
                               if s.open and s.last_seen is not None]
        heapq.heapify(index._by_last_seen)
        return index


def _iso(day: float | None) -> str | None:
    if day is None:
        return None
    from datetime import UTC, datetime

    return datetime.fromtimestamp(day * 86400.0, UTC).isoformat().replace("+00:00", "Z")
