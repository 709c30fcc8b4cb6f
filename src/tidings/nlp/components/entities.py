"""The ``tidings_entities`` stage: one entity per actor or place, its mentions grouped.

It corrects the stock model's names for news (datelines, headlines, hyphenated
names, people tagged as organisations), adds gazetteer names (countries,
demonyms, international organisations, cities, the user's actors), groups the
mentions of one real-world entity (names, titles, pronouns, acronyms, "the
alliance"), reads people's roles from the article and gives every entity its
code, country and sector. See ``docs/entities.md``.

Output: ``doc._.tidings_entities`` (entities of the output contract) and
``doc.spans["tidings_mentions"]`` (one span per mention, ``kb_id_`` = entity id).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from tidings.errors import ConfigError
from tidings.knowledge.dictionary import load_actor_dictionaries
from tidings.nlp._entities.engine import SPAN_KEY, EntityEngine
from tidings.nlp._entities.knowledge import DEFAULT_FILES, load_knowledge

logger = logging.getLogger(__name__)

# Read by the layer that builds the pipeline (the command line, and
# tidings.nlp.pipeline.default_pipeline), never by the component's factory.
ACTORS_ENV = "TIDINGS_ACTORS"
DATA_ENV = "TIDINGS_ENTITY_DATA"


def actors_from_env() -> list[str]:
    """The actor dictionaries named by ``$TIDINGS_ACTORS`` (paths joined by ``os.pathsep``)."""
    return [p for p in os.environ.get(ACTORS_ENV, "").split(os.pathsep) if p.strip()]


def data_files_from_env() -> dict[str, str]:
    """Replacement data files in the directory ``$TIDINGS_ENTITY_DATA``, by key."""
    folder = os.environ.get(DATA_ENV, "").strip()
    return data_files_in(folder, f"${DATA_ENV}") if folder else {}


def data_dir_from_env() -> str | None:
    """The directory ``$TIDINGS_ENTITY_DATA`` names (made absolute), if any.

    Raises:
        ConfigError: ``[T411]`` when it does not exist.
    """
    folder = os.environ.get(DATA_ENV, "").strip()
    if not folder:
        return None
    data_files_in(folder, f"${DATA_ENV}")
    return os.path.abspath(folder)


def data_files_in(folder: str, origin: str = "data_dir") -> dict[str, str]:
    """Replacement data files in ``folder``, by key.

    A file there with the name of a shipped one (``titles.tsv``, ``places.tsv``...)
    replaces it; the others stay the shipped ones.

    Raises:
        ConfigError: ``[T411]`` when the folder does not exist.
    """
    base = Path(folder)
    if not base.is_dir():
        raise ConfigError(f"[T411] the entity data directory {folder!r} ({origin}) does not exist; "
                          "give a directory of data files such as titles.tsv")
    out = {}
    for key, shipped in DEFAULT_FILES.items():
        candidate = base / shipped.rsplit("/", 1)[-1]
        if candidate.is_file():
            out[key] = str(candidate)
    return out


def check_entity_options(actor_dictionaries: Sequence[str] = (), data_dir: str | None = None) -> None:
    """Load the given actor dictionaries and entity data files once, to fail early.

    A batch calls this in the driver, so a bad file stops it with one error
    before any worker starts, instead of failing in every worker.

    Raises:
        ConfigError: the data directory does not exist.
        LexiconError: a dictionary or data file is invalid (file, line, field named).
    """
    data_files = data_files_in(data_dir) if data_dir else {}
    load_knowledge(data_files, load_actor_dictionaries(list(actor_dictionaries)))


class EntityStage:
    """Find, group and code the entities of a Doc.

    Args:
        nlp: the pipeline (for its vocabulary and tokenizer).
        name: the component name.
        actor_dictionaries: paths of user actor dictionaries (YAML, CSV/TSV,
            JSONL, or PETRARCH ``.txt``), merged over the shipped knowledge.
        data_files: replacements for the shipped data files, by key
            (``countries``, ``organisations``, ``places``, ``regions``, ``titles``,
            ``nominals``, ``institutions``, ``orgwords``, ``divisions``, ``parties``).
        geocode: whether to call the geocoder (``tidings.geo``) when installed.
    """

    def __init__(self, nlp: Language, name: str = "tidings_entities", *,
                 actor_dictionaries: Sequence[str] = (), data_files: dict[str, str] | None = None,
                 geocode: bool = True) -> None:
        unknown = sorted(set(data_files or {}) - set(DEFAULT_FILES))
        if unknown:
            raise ConfigError(f"[T410] unknown data file key(s) {unknown} for tidings_entities; "
                              f"expected some of {sorted(DEFAULT_FILES)}")
        self.name = name
        actors = load_actor_dictionaries(actor_dictionaries)
        self.knowledge = load_knowledge(data_files, actors)
        self.engine = EntityEngine(nlp, self.knowledge, geocode=geocode)

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc._.tidings_entities`` and ``doc.spans["tidings_mentions"]``."""
        entities, _mentions = self.engine(doc)
        doc._.tidings_entities = entities
        if SPAN_KEY not in doc.spans:
            doc.spans[SPAN_KEY] = []
        return doc


@Language.factory(
    "tidings_entities",
    assigns=["doc._.tidings_entities", "doc.spans", "doc.ents"],
    requires=["doc.ents", "token.dep", "token.pos", "doc.sents"],
    default_config={"actor_dictionaries": [], "data_files": {}, "data_dir": "", "geocode": True},
)
def make_entities(nlp: Language, name: str, actor_dictionaries: list[str], data_files: dict[str, str],
                  data_dir: str, geocode: bool) -> EntityStage:
    """Build the ``tidings_entities`` component.

    ``data_dir`` is a directory of replacement data files (``tidings --entity-data``);
    ``data_files`` names replacements one by one and wins over it. The factory
    reads only its config; ``$TIDINGS_ACTORS`` and ``$TIDINGS_ENTITY_DATA`` are read
    by whoever builds the pipeline (see :func:`tidings.nlp.pipeline.entity_settings`).
    """
    files = data_files_in(data_dir) if data_dir else {}
    files.update(data_files)
    return EntityStage(nlp, name, actor_dictionaries=list(actor_dictionaries), data_files=files,
                       geocode=geocode)
