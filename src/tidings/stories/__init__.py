"""Stories: every report of one real-world event, across publishers, in one place.

A pure-Python engine with no store dependency. It takes article records (as
``tidings read`` prints them) one at a time and puts each in an existing story
or a new one, comparing it only with the stories that share its rarest keys
(entities, places, salient headline and lead terms) within a sliding time
window::

    from tidings.stories import StoryIndex

    index = StoryIndex()
    for record in records:                  # in publication order
        story_id = index.assign(record)
    index.stories()                         # [Story(id, title, first_seen, ...), ...]
    index.merge(3, 7); index.split(3, ["a1b2..."])   # pinned: survive re-assignment
    state = index.to_state()                # plain tables; StoryIndex.from_state(state)
"""

from __future__ import annotations

from tidings.stories._features import Features, features
from tidings.stories._index import STATE_VERSION, Story, StoryConfig, StoryIndex

__all__ = ["STATE_VERSION", "Features", "Story", "StoryConfig", "StoryIndex", "features"]
