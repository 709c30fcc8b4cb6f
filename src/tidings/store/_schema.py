"""Tables of the store (SQLAlchemy Core), shared by SQLite and PostgreSQL.

Every row that comes from an article keeps the offsets it rests on and its
whole contract dict in a ``data`` column (JSON text), so a reading can be
given back exactly as it was stored; the other columns are what queries
filter and sort on.

Dates are ISO strings (``YYYY-MM-DD``), ``""`` when unknown, so keyset
pagination and range queries need no NULL handling.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

migrations = Table(
    "tidings_migrations",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("applied_at", String(40), nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("url", Text),
    Column("headline", Text),
    Column("published", String(40), nullable=False, default=""),
    Column("dateline", Text),
    Column("publisher", Text),
    Column("language", String(16)),
    Column("source_path", Text),
    Column("text", Text, nullable=False),
    Column("data", Text, nullable=False),
    Column("ingested_at", String(40), nullable=False),
    Index("ix_articles_url", "url"),
    Index("ix_articles_published", "published", "id"),
)

sections = Table(
    "sections",
    metadata,
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

global_entities = Table(
    "global_entities",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("name_norm", Text, nullable=False),
    Column("type", String(20), nullable=False),
    Column("code", String(20)),
    Column("country", String(20)),
    Column("kb", String(40)),
    Index("ix_global_entities_name", "name_norm", "type"),
    Index("ix_global_entities_code", "code", "type"),
    Index("ix_global_entities_kb", "kb"),
)

# How names map to global entities: written at resolution, rewritten by merge.
entity_keys = Table(
    "entity_keys",
    metadata,
    Column("key", Text, primary_key=True),
    Column("global_id", Integer, ForeignKey("global_entities.id", ondelete="CASCADE"), nullable=False),
    Index("ix_entity_keys_global", "global_id"),
)

entities = Table(
    "entities",
    metadata,
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("local_id", String(40), primary_key=True),
    Column("idx", Integer, nullable=False),
    Column("global_id", Integer, ForeignKey("global_entities.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("name_norm", Text, nullable=False),
    Column("type", String(20), nullable=False),
    Column("code", String(20)),
    Column("country", String(20)),
    Column("sector", String(20)),
    Column("kb", String(40)),
    Column("data", Text, nullable=False),
    Index("ix_entities_global", "global_id"),
    Index("ix_entities_name", "name_norm"),
)

mentions = Table(
    "mentions",
    metadata,
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("local_id", String(40), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("global_id", Integer, ForeignKey("global_entities.id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Index("ix_mentions_global", "global_id"),
)

times = Table(
    "times",
    metadata,
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("type", String(20)),
    Column("value", String(80)),
    Column("data", Text, nullable=False),
)

quotes = Table(
    "quotes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("kind", String(20)),
    Column("speaker_global_id", Integer, ForeignKey("global_entities.id")),
    Column("speaker_text", Text),
    Column("cue", Text),
    Column("data", Text, nullable=False),
    Index("ix_quotes_article", "article_id", "idx"),
    Index("ix_quotes_speaker", "speaker_global_id", "id"),
)

event_clusters = Table(
    "event_clusters",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("type", String(20), nullable=False),
    Column("date", String(40), nullable=False),
    Column("place_global_id", Integer),
    Column("country", String(20)),
    Column("reports", Integer, nullable=False, default=0),
    Index("ix_event_clusters_type_date", "type", "date"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("local_id", String(40), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("type", String(20), nullable=False),
    Column("mode", String(40)),
    Column("context", Text),
    Column("modality", String(20)),
    # The event's own date when the text gives one, else the publication date.
    Column("date", String(40), nullable=False),
    Column("date_from", String(20), nullable=False),
    Column("place", Text),
    Column("place_global_id", Integer, ForeignKey("global_entities.id")),
    Column("country", String(20)),
    Column("cameo", String(20)),
    # The event stage's calibrated confidence (0-1); NULL for events stored before it had one.
    Column("confidence", Float),
    Column("evidence_start", Integer),
    Column("evidence_end", Integer),
    Column("evidence", Text),
    Column("source_global_id", Integer, ForeignKey("global_entities.id")),
    Column("cluster_id", Integer, ForeignKey("event_clusters.id", ondelete="SET NULL")),
    Column("data", Text, nullable=False),
    Index("ix_events_article", "article_id", "idx"),
    Index("ix_events_date", "date", "id"),
    Index("ix_events_type_date", "type", "date", "id"),
    Index("ix_events_cluster", "cluster_id"),
    Index("ix_events_place", "place_global_id"),
)

# Actors and targets of events, with the event's date copied in so that
# "events of X in date order" is one index range scan.
event_actors = Table(
    "event_actors",
    metadata,
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(10), primary_key=True),
    Column("global_id", Integer, ForeignKey("global_entities.id"), primary_key=True),
    Column("date", String(40), nullable=False),
    Index("ix_event_actors_entity", "global_id", "role", "date", "event_id"),
)

ARTICLE_TABLES = (sections, mentions, entities, times, quotes, event_actors, events)

# The words of every name of a global entity (its own and its per-article
# variants), so that a partial name ("Stoltenberg") finds "Jens Stoltenberg" by
# one index range instead of a scan of every name. Kept in step on ingest,
# merge, split and delete; added by migration 0003, which backfills it.
entity_words = Table(
    "entity_words",
    metadata,
    Column("global_id", Integer, ForeignKey("global_entities.id", ondelete="CASCADE"), primary_key=True),
    Column("name", Text, primary_key=True),
    Column("word", Text, primary_key=True),
    Index("ix_entity_words_word", "word", "global_id", "name"),
)

# Reports per actor -> target pair and event type, with the total of a pair
# under the type "*": the network of the whole store without counting every
# report. Kept in step by tidings.store._pairs; added by migration 0004.
event_pairs = Table(
    "event_pairs",
    metadata,
    Column("actor_id", Integer, primary_key=True),
    Column("target_id", Integer, primary_key=True),
    Column("type", String(20), primary_key=True),
    Column("n", Integer, nullable=False),
    Index("ix_event_pairs_type_n", "type", "n"),
)

# Stories (tidings.stories kept in the store; added by migration 0006). Kept in
# step by tidings.store._stories in the transaction that adds or deletes an
# article. Days are days since 1970 (UTC) as the engine counts them; the title,
# publishers, entities and places are the engine's description of the story,
# refreshed whenever its articles change.
stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("first_seen", Float),
    Column("last_seen", Float),
    Column("open", Integer, nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("n_articles", Integer, nullable=False, default=0),
    Column("publishers", Text, nullable=False, default="[]"),
    Column("entities", Text, nullable=False, default="[]"),
    Column("places", Text, nullable=False, default="[]"),
    Index("ix_stories_last_seen", "last_seen", "id"),
    Index("ix_stories_open_last", "open", "last_seen"),
)

# A story's summed keys; read by key, they are the postings (key -> stories).
story_terms = Table(
    "story_terms",
    metadata,
    Column("story", Integer, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("weight", Float, nullable=False),
    Index("ix_story_terms_key", "key", "story"),
)

# Article -> story, whether a manual decision pins it there, and its features.
story_articles = Table(
    "story_articles",
    metadata,
    Column("article", String(64), primary_key=True),
    Column("story", Integer, nullable=False),
    Column("pinned", Integer, nullable=False, default=0),
    Column("published", Float),
    Column("headline", Text, nullable=False, default=""),
    Column("publisher", Text),
    Column("keys", Text, nullable=False),
    Index("ix_story_articles_story", "story", "article"),
)

story_df = Table(
    "story_df",
    metadata,
    Column("key", Text, primary_key=True),
    Column("df", Integer, nullable=False),
)

story_labels = Table(
    "story_labels",
    metadata,
    Column("key", Text, primary_key=True),
    Column("label", Text, nullable=False),
)

# One row: the next story id, the latest publication day seen, the number of indexed articles.
story_meta = Table(
    "story_meta",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("next_id", Integer, nullable=False),
    Column("clock", Float),
    Column("articles", Integer, nullable=False),
)

STORY_TABLES = (stories, story_terms, story_articles, story_df, story_labels, story_meta)
