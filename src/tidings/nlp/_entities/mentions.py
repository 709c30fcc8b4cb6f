"""Find the proper-name mentions of a Doc: the model's entities, corrected for news.

The stock model's entities are merged with gazetteer matches (countries, their
demonyms, organisations, regions, cities, dictionary actors) and corrected:

* a dateline ("SEOUL - Nato ...") is a place, never part of the next name;
* a name the tokenizer split at a hyphen ("Yoon Suk-yeol") is kept whole;
* a leading "the" and a trailing possessive are left out of the mention;
* "Mr/Ms/Dr Surname" includes the honorific and is a person;
* a string typed differently in different places (a surname tagged ORG in the
  headline) takes the type of its best-attested use, and a surname of a person
  named in full is a person wherever it appears.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from tidings.ingest.dateline import dateline_at
from tidings.knowledge.actor_lexicon import norm
from tidings.nlp._entities.knowledge import Knowledge, Known
from tidings.records import NON_STORY_KINDS

logger = logging.getLogger(__name__)

NAME_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})
# The label of the office in a place-office run ("Anderson County Sheriff").
OFFICE = "OFFICE"

# fmt: off
HONORIFICS = frozenset({
    "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Miss", "Dr", "Dr.", "Prof", "Prof.", "Sir", "Dame",
    "Lord", "Lady", "Madam", "Mx", "Mx.",
})
FEMALE_HONORIFICS = frozenset({"Mrs", "Mrs.", "Ms", "Ms.", "Miss", "Dame", "Lady", "Madam"})
MALE_HONORIFICS = frozenset({"Mr", "Mr.", "Sir", "Lord"})
DETERMINERS = frozenset({"the", "The", "THE"})
# fmt: on

@dataclass(slots=True)
class Mention:
    """A mention found in a Doc (tokens ``start:end``).

    Attributes:
        start, end: token offsets.
        type: the entity type.
        kind: ``name`` (a proper name), ``title`` ("the secretary-general"),
            ``pronoun``, ``nominal`` ("the alliance"), ``institution``
            ("the presidential office"), ``titled`` ("President Yoon Suk-yeol").
        known: the gazetteer entry it names, if any.
        source: where it came from (``model``, ``gazetteer``, ``dateline``...).
        name_start: the first token of the name proper (after an honorific).
        entity: the index of the entity it joins, once grouped.
        country: a country the mention itself names (a modifier).
        sector: the sector it implies.
        gender: ``m`` or ``f`` when an honorific or pronoun says so.
    """

    start: int
    end: int
    type: str
    kind: str = "name"
    known: Known | None = None
    source: str = "model"
    name_start: int = -1
    entity: int = -1
    country: str | None = None
    sector: str | None = None
    gender: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.name_start < 0:
            self.name_start = self.start


def build_phrase_matcher(nlp_vocab: object, tokenizer: object, kn: Knowledge) -> PhraseMatcher:
    """Compile the gazetteer into a case-sensitive PhraseMatcher (once per component)."""
    matcher = PhraseMatcher(nlp_vocab, attr="ORTH")  # type: ignore[arg-type]
    forms = sorted(kn.surface)
    docs = list(tokenizer.pipe(forms))  # type: ignore[attr-defined]
    # One key per surface form: the match id gives back the form.
    for form, pattern in zip(forms, docs, strict=True):
        matcher.add(form, [pattern])
    return matcher


def find_dateline(doc: Doc, kn: Knowledge) -> tuple[int, int, Known | None] | None:
    """Find the dateline: the reading's own section, else "PLACE -" opening a paragraph at the
    head of the story (the reader's dateline shape, :func:`tidings.ingest.dateline.dateline_at`).

    Returns:
        ``(start_char, end_char, known place)`` of the place words, or None.
    """
    for kind, start, end in doc._.tidings_sections or []:
        if kind == "dateline":
            text = doc.text[start:end].strip(" -\u2013\u2014")
            place = text.split(",")[0].strip()
            begin = doc.text.find(place, start, end) if place else -1
            if begin >= 0:
                return begin, begin + len(place), _place(kn, place)
    # Only the first few paragraphs of the body can open with a dateline.
    body_start = 0
    for kind, start, _end in doc._.tidings_sections or []:
        if kind == "body":
            body_start = start
            break
    # A place the gazetteer knows ("San Jose -"), or any in capitals when the
    # reader found a dateline it did not mark.
    head_end = body_start + 2000
    head = doc.text[:head_end]
    for pos in [body_start, *(i + 1 for i in _newlines(head, body_start, head_end))]:
        found = dateline_at(head, pos)
        if found is None or len(found.place) < 3:
            continue
        known = _place(kn, found.place)
        if known is None and (doc._.tidings_dateline is None or not found.place.isupper()):
            continue
        return found.start, found.end, known
    return None


def _newlines(text: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, min(end, len(text))) if text[i] == "\n"]


def _place(kn: Knowledge, text: str) -> Known | None:
    for cand in (text, text.title(), " ".join(w.capitalize() for w in text.split())):
        for known in kn.surface.get(cand, []):
            if known.type in {"GPE", "LOC"}:
                return known
    return None


def _strip(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Leave a leading determiner and a trailing possessive or punctuation out."""
    while start < end and (doc[start].text in DETERMINERS or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].text in {"'s", "\u2019s", "'"} or doc[end - 1].is_punct):
        end -= 1
    return start, end


def _extend_hyphen(doc: Doc, start: int, end: int) -> int:
    """Extend a name over hyphenated parts the tokenizer split off ("Suk" "-" "yeol")."""
    n = len(doc)
    while (
        end + 1 < n
        and doc[end].text in {"-", "\u2010", "\u2011"}
        and doc[end - 1].whitespace_ == ""
        and doc[end].whitespace_ == ""
        and doc[end + 1].is_alpha
    ):
        end += 2
    return end


class _Claims:
    """Which mention claims each token of a Doc, while the finder's steps add mentions."""

    def __init__(self, doc: Doc, story: list[tuple[int, int]]) -> None:
        self.doc = doc
        self.story = story
        self.occupied = [-1] * len(doc)  # token -> index of the mention that holds it
        self.mentions: list[Mention] = []

    def free(self, s: int, e: int) -> bool:
        return all(self.occupied[i] < 0 for i in range(s, e))

    def take(self, m: Mention) -> None:
        self.mentions.append(m)
        for i in range(m.start, m.end):
            self.occupied[i] = len(self.mentions) - 1

    def drop(self, idx: int) -> None:
        m = self.mentions[idx]
        for i in range(m.start, m.end):
            if self.occupied[i] == idx:
                self.occupied[i] = -1
        m.end = m.start  # emptied; filtered at the end

    def in_story(self, s: int, e: int) -> bool:
        a, b = self.doc[s].idx, self.doc[e - 1].idx + len(self.doc[e - 1])
        return any(x <= a and b <= y for x, y in self.story)


class MentionFinder:
    """Find proper-name mentions; built once per component."""

    def __init__(self, kn: Knowledge, matcher: PhraseMatcher) -> None:
        self.kn = kn
        self.matcher = matcher
        # Titles as lower-case word tuples ("secretary", "-", "general"), to cut
        # them off a name the model ran them into ("Spokeswoman Sandy Angers").
        self.titles = {tuple(t.replace("-", " - ").split()) for t in kn.titles}
        self.title_len = max((len(t) for t in self.titles), default=0)
        # tidings' own names by their case-free form, and their first words' longest name.
        own: dict[str, str] = {}
        first: dict[str, int] = {}
        for form in kn.surface:
            key = norm(form)
            if key and key not in own:
                own[key] = form
                head = re.split(r"[\s\-]", key)[0]
                first[head] = max(first.get(head, 0), len(key))
        self._own_case_free = (own, first)
        # In tokens, a title may be one longer than in words ("state 's attorney").
        self.title_tokens = self.title_len + 1

    def case_free(self, doc: Doc) -> list[tuple[int, int, Known]]:
        """Names matched whatever their case: tidings' own names written otherwise
        ("NORTH KOREA" in a headline in capitals) and the shipped actor lexicon's
        names ("Muhammadu Buhari", "Ban Ki-moon"), the longest at each word.

        A match must look like a name: every word capitalised (or in capitals),
        but for small words inside it ("Army of God") and the part after a
        hyphen ("Ki-moon"). One word written otherwise than the gazetteer has it
        ("NICE", "Hamas" as "HAMAS") counts only in a line in capitals, where
        case says nothing; a word of the actor lexicon also as written there.
        """
        kn = self.kn
        own, first = self._own_case_free
        actors = kn.actors
        found: list[tuple[int, int, Known]] = []
        caps: dict[int, bool] = {}
        n = len(doc)
        for i in range(n):
            tok = doc[i]
            if not tok.text[:1].isupper():
                continue
            head = tok.lower_
            limit = max(first.get(head, 0), actors.first.get(head, 0) if actors is not None else 0)
            if not limit:
                continue
            best: tuple[int, Known, bool] | None = None
            for j in range(i + 1, min(n, i + 16) + 1):
                if doc[j - 1].is_space:
                    continue
                text = doc[i:j].text
                if len(text) > limit + 2:
                    break
                key = norm(text)
                form = own.get(key)
                if form is not None:
                    best = (j, kn.surface[form][0], form == text)
                elif actors is not None:
                    known = kn.actor_at(text)
                    if known is not None:
                        written = known.actor is not None and text in {known.actor.name, *known.actor.aliases}
                        best = (j, known, written)
            if best is None:
                continue
            j, known, written = best
            if not _name_cased(doc, i, j):
                continue
            if j - i == 1 and not written:
                sent = tok.sent.start if doc.has_annotation("SENT_START") else 0
                if sent not in caps:
                    caps[sent] = _in_capitals(doc[sent : tok.sent.end] if sent or doc.has_annotation("SENT_START") else doc)
                if not caps[sent]:
                    continue
            found.append((i, j, known))
        return found

    def _country_and_body(self, doc: Doc, known: Known, a: int, b: int, s: int, e: int) -> bool:
        """Whether a model name is a country plus a body of it ("US Government"): two mentions."""
        body = doc[e:b]
        found = self.kn.institutions.get(body.text.lower())
        if a != s or found is None or not known.key.startswith(("country:", "norp:")):
            return False
        # "US government", "US Government": a country and its body. A capitalised
        # name of several words ("US Air Force") is the body's own name.
        return body.text.islower() or (len(body) == 1 and found[1] == "GOV")

    def _title_prefix(self, doc: Doc, s: int, e: int) -> int:
        """The number of tokens of a title that opens ``doc[s:e]`` before a name, or 0."""
        for k in range(min(self.title_len, e - s - 1), 0, -1):
            words = tuple(t.lower_ for t in doc[s : s + k])
            if words in self.titles and all(t.is_title or t.is_upper for t in doc[s + k : e] if t.is_alpha):
                return k
        return 0

    def _title_at(self, doc: Doc, k: int, e: int) -> int:
        """The number of tokens of the longest capitalised title starting at ``k``, ending by ``e``, or 0."""
        for n in range(min(self.title_tokens, e - k, len(doc) - k), 0, -1):
            span = doc[k : k + n]
            if span.text.lower() in self.kn.titles and all(
                t.is_title or t.is_upper or not t.is_alpha or (t.lower_ in _SMALL_WORDS and 0 < t.i - k < n - 1)
                for t in span
            ):
                return n
        return 0

    def _title_ending_at(self, doc: Doc, p: int) -> bool:
        """Whether a capitalised title of the lexicon ends right before token ``p``."""
        return any(self._title_at(doc, p - n, p) == n for n in range(1, min(self.title_tokens, p) + 1))

    def _office_holder(self, doc: Doc, s: int, k: int, title: str, types: dict[str, str]) -> tuple[str, bool] | None:
        """What the words ``doc[s:k]`` before a title are, when the model ran them into one name:
        ``(type, strong)`` for a place (``GPE``) or organisation (``ORG``), or None.

        Strong evidence: the gazetteer knows the words; they end in a division word
        ("Anderson County") or open with one before "of" ("City of Norfolk"); the model
        types them alone elsewhere in the article. Weak: the title is a place's or an
        organisation's office (the title lexicon's ``of`` column).
        """
        words = doc[s:k]
        if not all((t.is_alpha and (t.is_title or t.is_upper)) or t.text in {".", "-", "of"} for t in words):
            return None
        text = words.text
        for known in self.kn.surface.get(text, []):
            if known.type in {"GPE", "LOC"}:
                return "GPE", True
            if known.type == "ORG":
                return "ORG", True
            return None
        if doc[k - 1].text in self.kn.divisions or (k - s >= 3 and doc[s].text in self.kn.divisions
                                                    and doc[s + 1].text == "of"):
            return "GPE", True
        if self.kn.org_words.get(doc[k - 1].text) == "head":
            return "ORG", True
        elsewhere = types.get(text)
        if elsewhere is not None:
            if elsewhere in {"GPE", "LOC"}:
                return "GPE", True
            return ("ORG", True) if elsewhere == "ORG" else None
        scope = self.kn.title_of.get(title)
        if scope is None:
            return None
        return ("GPE" if scope == "place" else "ORG"), False

    def _place_office(self, doc: Doc, s: int, e: int, label: str,
                      types: dict[str, str]) -> list[tuple[int, int, str]] | None:
        """A place or organisation, an office and maybe its holder, run into one name by the model.

        "Huntsville Fire Chief Dan Wilkerson" is the place "Huntsville" and the
        person "Dan Wilkerson" (whose role the title gives); "Anderson County
        Sheriff" alone is the place and an unnamed holder of the office
        (``OFFICE``). Returns the pieces, or None when the name is no such run.
        """
        for k in range(s + 1, min(e, s + 5)):
            n = self._title_at(doc, k, e + self.title_tokens)
            if not n:
                continue
            title = doc[k : k + n].text.lower()
            holder = self._office_holder(doc, s, k, title, types)
            j = k + n
            if j > e:
                # The model's name runs into a title that goes on after it ("Gainesville
                # Police" Chief, "Harris County District" Attorney, "Obama Chief of" Staff):
                # the name ends before the title.
                if holder is not None:
                    return [(s, k, holder[0])]
                return [(s, k, label)] if label == "PERSON" else None
            if holder is None:
                return None
            kind, strong = holder
            if j == e:
                # "Jane Alderman": a one-word title after one unknown word may be a surname.
                if not strong and n == 1 and k - s == 1:
                    return None
                return [(s, k, kind), (k, j, OFFICE)]
            if self._plain_person_name(doc, j, e) or (
                label == "PERSON" and all(t.is_alpha and t.is_title for t in doc[j:e]) and e - j <= 3
            ):
                return [(s, k, kind), (j, e, "PERSON")]
            return None
        return None

    def _model_name(self, doc: Doc, ent: Span, dateline: tuple[int, int] | None,
                    types: dict[str, str]) -> list[tuple[int, int, str]]:
        """A name of the model, corrected: ``(start, end, label)`` pieces, none when it is no name.

        * "Boeing Company - the maker", "based in San Jose - Cisco": a name ends
          before a spaced dash (one after the dateline's place is left to the
          dateline);
        * "Spokeswoman Sandy Angers" (typed anything): a title before a
          person's name is cut off and the name is a person;
        * "Douglas Aircraft" typed PERSON ends with an organisation's word: ORG;
        * "Adam Air Flight 574": the airline, without the flight;
        * "Boeing 787", "Airbus A380": the maker in a product's name is no mention;
        * "08:30 UTC": a time zone after a clock time is no name;
        * "Anderson County Sheriff (Paul Smith)": a place, an office and its holder
          (see :meth:`_place_office`).
        """
        s, e = _strip(doc, ent.start, ent.end)
        label = ent.label_
        if not (dateline and s < dateline[1] <= e):
            for k in range(s + 1, e - 1):
                if doc[k].text in _DASHES and doc[k - 1].whitespace_ and doc[k].whitespace_:
                    s, e = _strip(doc, s, k)
                    break
        if e <= s:
            return []
        if label == "ORG":
            for k in range(s + 1, e):
                if doc[k].text in {"Flight", "flight"}:
                    e = k
                    break
            if _designation_follows(doc, e):
                return []
        if e - s == 1 and label != "PERSON" and _time_zone(doc, s):
            return []
        if self._title_at(doc, s, e) == e - s and e < len(doc) and doc[e].ent_iob_ == "B" \
                and doc[e].ent_type_ == "PERSON":
            return []  # "Warden" PERSON + "Halbarad Dunadan" PERSON: a title, then the name
        office = self._place_office(doc, s, e, label, types)
        if office is not None:
            return office
        cut = self._title_prefix(doc, s, e)
        if cut and (label == "PERSON" or self._plain_person_name(doc, s + cut, e)):
            s, label = s + cut, "PERSON"
        elif label == "PERSON" and e - s >= 2 and self.kn.org_words.get(doc[e - 1].text):
            label = "ORG"
        if label == "PERSON":
            e = _extend_hyphen(doc, s, e)
        return [(s, e, label)]

    def _join_cut_names(self, doc: Doc) -> list[Span]:
        """The model's entities, with organisations' names it cut short made whole.

        * "Lockheed" ORG + "Martin" (PERSON, PRODUCT...): one capitalised word the model
          started a new entity with, right after an organisation's name, is its last word;
        * "Chrysler" + "LLC", "Inc.", "Group": an organisation word after the name is part of it;
        * "Lockheed" + "Martin" untagged, when "Lockheed Martin" is an organisation
          elsewhere in the article.
        Not when the word is a known place or nationality, a title or an honorific.
        """
        ents = list(doc.ents)
        full = {e.text for e in ents if e.label_ == "ORG" and len(e) >= 2}
        out: list[Span] = []
        i = 0
        while i < len(ents):
            ent = ents[i]
            last = doc[ent.end - 1]
            if ent.label_ != "ORG" or not last.whitespace_ or ent.end >= len(doc) or last.is_punct \
                    or last.text in {"'s", "\u2019s"}:
                out.append(ent)
                i += 1
                continue
            end = ent.end
            nxt = ents[i + 1] if i + 1 < len(ents) else None
            if nxt is not None and nxt.start == end and len(nxt) == 1 and nxt.label_ in _JOINABLE \
                    and self._name_part(doc, end):
                end, i = nxt.end, i + 1
            else:
                k = end
                while k < len(doc) and doc[k].ent_iob_ == "O" and doc[k].text in self.kn.org_words \
                        and doc[k - 1].whitespace_:
                    k += 1
                if k == end and doc[end].ent_iob_ == "O" and self._name_part(doc, end) \
                        and doc[ent.start : end + 1].text in full:
                    k = end + 1
                end = k
            out.append(ent if end == ent.end else Span(doc, ent.start, end, label="ORG"))
            i += 1
        return out

    def _name_part(self, doc: Doc, k: int) -> bool:
        """Whether token ``k`` may be the last word of a name before it (capitalised, no
        known place or nationality, no title or honorific, not a sentence's first word)."""
        tok = doc[k]
        if not (tok.is_alpha and (tok.is_title or tok.is_upper)) or tok.is_sent_start or tok.text in HONORIFICS:
            return False
        if any(known.type in {"GPE", "LOC", "NORP"} for known in self.kn.surface.get(tok.text, [])):
            return False
        return not self._title_at(doc, k, len(doc))

    def _plain_person_name(self, doc: Doc, s: int, e: int) -> bool:
        """Whether ``doc[s:e]`` looks like a person's full name: two or more capitalised
        proper nouns, none of them a known place, organisation or organisation word."""
        words = [t for t in doc[s:e] if not (t.is_punct and t.text in {"-", "\u2010", "\u2011"})]
        return len(words) >= 2 and all(
            t.is_alpha and t.is_title and t.pos_ == "PROPN" and not self.kn.surface.get(t.text)
            and t.text not in self.kn.org_words for t in words
        )

    def _place_context(self, doc: Doc, s: int, e: int) -> bool:
        """Whether a one-word name stands where a place does: "from Toulouse", "Toulouse, France"."""
        if s > 0 and doc[s - 1].lower_ in {"in", "at", "from", "near", "outside"}:
            return True
        if e + 1 < len(doc) and doc[e].text == ",":
            after = self.kn.surface.get(doc[e + 1].text) or []
            return any(k.key.startswith(("country:", "place:")) for k in after)
        return False

    def __call__(self, doc: Doc, story: list[tuple[int, int]]) -> tuple[list[Mention], Known | None]:
        """Return the name mentions, sorted, non-overlapping, and the dateline place."""
        c = _Claims(doc, story)
        dateline_known, dl_tokens = self._take_dateline(c)
        model, holders, person_words = self._model_names(doc, dl_tokens)
        self._take_gazetteer(c, model, person_words, dl_tokens)
        self._take_model(c, model, holders, dl_tokens)
        self._take_place_offices(c)
        self._extend_given_names(c)
        self._take_honorifics(c)
        self._acronyms(doc, c.mentions, c.occupied, c.take)
        result = [m for m in c.mentions if m.end > m.start]
        self._retype(doc, result)
        result.extend(self._propagate(doc, result, c.occupied, c.in_story))
        result.sort(key=lambda m: m.start)
        return result, dateline_known

    def _take_dateline(self, c: _Claims) -> tuple[Known | None, tuple[int, int] | None]:
        """1. The dateline place: its gazetteer entry and its tokens."""
        doc, kn = c.doc, self.kn
        dateline_known: Known | None = None
        dl = find_dateline(doc, kn)
        dl_tokens: tuple[int, int] | None = None
        if dl is not None:
            span = doc.char_span(dl[0], dl[1], alignment_mode="expand")
            if span is not None and len(span):
                dateline_known = dl[2]
                dl_tokens = (span.start, span.end)
                c.take(Mention(span.start, span.end, "GPE", known=dl[2], source="dateline"))

        return dateline_known, dl_tokens

    def _model_names(self, doc: Doc, dl_tokens: tuple[int, int] | None
                     ) -> tuple[dict[tuple[int, int], str], set[tuple[int, int]], set[str]]:
        """The model's names, corrected (by token span), the spans that hold an office
        after them, and the words of people the model named in full."""
        model: dict[tuple[int, int], str] = {}
        holders: set[tuple[int, int]] = set()
        types = {ent.text: ent.label_ for ent in doc.ents if ent.label_ in NAME_TYPES}
        for ent in self._join_cut_names(doc):
            if ent.label_ in NAME_TYPES:
                pieces = self._model_name(doc, ent, dl_tokens, types)
                for ps, pe, plabel in pieces:
                    model[(ps, pe)] = plabel
                if len(pieces) > 1 or (pieces and pieces[0][1] < ent.end and self._title_at(doc, pieces[0][1], len(doc))):
                    holders.add(pieces[0][:2])  # the place or body whose office follows
        # Words of people the model named in full: such a word is no city ("Fritz Henderson").
        person_words = {t.text for (s, e), label in model.items() if label == "PERSON" and e - s >= 2
                        for t in doc[s:e]}
        return model, holders, person_words

    def _take_gazetteer(self, c: _Claims, model: dict[tuple[int, int], str], person_words: set[str],
                        dl_tokens: tuple[int, int] | None) -> None:
        """2. Gazetteer matches, longest first."""
        doc, kn, n = c.doc, self.kn, len(c.doc)
        strings = doc.vocab.strings
        matches = []
        for match_id, s, e in self.matcher(doc):
            form = strings[match_id]
            cands = kn.surface.get(form)
            if cands:
                matches.append((s, e, cands[0]))
        exact = {(s, e) for s, e, _ in matches}
        matches += [m for m in self.case_free(doc) if (m[0], m[1]) not in exact]
        matches.sort(key=lambda m: (m[0] - m[1], m[0]))
        model_cover: dict[int, tuple[int, int]] = {}
        for (s, e) in model:
            for i in range(s, e):
                model_cover[i] = (s, e)
        for s, e, known in matches:
            if not c.free(s, e) or not c.in_story(s, e):
                continue
            # A model entity that contains the match and is longer keeps it
            # ("Bank of Korea" over "Korea"), unless it crosses the dateline.
            outer = {model_cover[i] for i in range(s, e) if i in model_cover}
            longer = [(a, b) for a, b in outer if a <= s and e <= b and (b - a) > (e - s)]
            if longer and not (dl_tokens and any(a < dl_tokens[1] < b for a, b in longer)) \
                    and not all(self._country_and_body(doc, known, a, b, s, e) for a, b in longer):
                continue
            same = model.get((s, e))
            if same in {"PERSON", "ORG", "FAC"} and known.key.startswith("place:") and not (
                same == "PERSON" and e - s == 1 and doc[s].text not in person_words
                and self._place_context(doc, s, e)
            ):
                continue  # "Toyota" the company, "Paris" the person: the model reads the context
            # A weak match (a mid-sized city) needs the model's agreement or a
            # place preposition before it.
            if same is None and not known.strong and not (
                s > 0 and doc[s - 1].lower_ in {"in", "from", "to", "near", "at"}
            ):
                continue
            if same is None and doc[s].is_sent_start and e - s == 1 and known.type not in {"GPE", "ORG"} \
                    and known.actor is None:
                continue
            if known.type == "NORP" and s > 0 and doc[s - 1].text in DETERMINERS and e < n and doc[e].pos_ == "VERB":
                continue
            if known.type == "ORG" and _designation_follows(doc, e) and doc[e].ent_type_ == "PRODUCT":
                # "Boeing 787": the maker in a product's name is no mention, as for the
                # model's names; a number the model reads as no product ("EU 27") leaves it.
                continue
            c.take(Mention(s, e, known.type, known=known, source="gazetteer"))


    def _take_model(self, c: _Claims, model: dict[tuple[int, int], str], holders: set[tuple[int, int]],
                    dl_tokens: tuple[int, int] | None) -> None:
        """3. The model's own entities, corrected."""
        doc = c.doc
        for (s, e), label in sorted(model.items()):
            if dl_tokens and s < dl_tokens[1] <= e:
                s = dl_tokens[1]
                while s < e and (doc[s].is_punct or doc[s].is_space):
                    s += 1
                # The type was the whole run's ("San Jose - Cisco Systems": GPE); the rest
                # ending in an organisation's word is an organisation.
                if e > s and label != "ORG" and self.kn.org_words.get(doc[e - 1].text):
                    label = "ORG"
            if e <= s or not c.in_story(s, e):
                continue
            if not c.free(s, e):
                continue
            if label == OFFICE:
                # The office of an unnamed holder ("Anderson County Sheriff" said): a person.
                c.take(Mention(s, e, "PERSON", kind="title", source="office"))
                continue
            c.take(Mention(s, e, label, source="jurisdiction" if (s, e) in holders else "model"))


    def _take_place_offices(self, c: _Claims) -> None:
        """3a. A place and its office the model did not tag at all: "the Anderson County
        Sheriff said", "City of Norfolk Police Chief Larry Boone"."""
        doc, n = c.doc, len(c.doc)
        # Sheriff said", "City of Norfolk Police Chief Larry Boone".
        for k in range(1, n):
            if c.occupied[k] >= 0 or doc[k].ent_iob_ != "O" or not doc[k].is_title:
                continue
            size = self._title_at(doc, k, n)
            if not size or self.kn.title_of.get(doc[k : k + size].text.lower()) != "place" \
                    or not c.free(k, k + size):
                continue
            p = k
            while p > 0 and k - p < 4 and c.occupied[p - 1] < 0 and doc[p - 1].ent_iob_ == "O" and (
                (doc[p - 1].is_alpha and doc[p - 1].is_title and doc[p - 1].text not in DETERMINERS)
                or doc[p - 1].lower_ == "of"
            ):
                p -= 1
            while p < k and doc[p].lower_ == "of":
                p += 1
            holder = self._office_holder(doc, p, k, doc[k : k + size].text.lower(), {}) if p < k else None
            j = k + size
            if holder is None or holder != ("GPE", True) or not c.in_story(p, j) \
                    or (j < n and doc[j].text in {"'s", "\u2019s"}):
                continue
            c.take(Mention(p, k, "GPE", source="jurisdiction"))
            if j >= n or c.occupied[j] < 0 and not (doc[j].is_title and doc[j].pos_ == "PROPN"):
                c.take(Mention(k, j, "PERSON", kind="title", source="office"))


    def _extend_given_names(self, c: _Claims) -> None:
        """3b. A given name the model left out between a title and the rest of the name:
        "Chief of Staff Rahm Emanuel" read as "Emanuel"."""
        doc = c.doc
        # "Chief of Staff Rahm Emanuel" read as "Emanuel".
        for idx, m in enumerate(c.mentions):
            if m.type != "PERSON" or m.source != "model" or m.end <= m.start:
                continue
            p = m.start
            while p > 0 and m.start - p < 2 and c.occupied[p - 1] < 0 and doc[p - 1].ent_iob_ == "O" \
                    and doc[p - 1].is_alpha and doc[p - 1].is_title and doc[p - 1].pos_ == "PROPN" \
                    and not self._title_ending_at(doc, p):
                p -= 1
            if p < m.start and self._title_ending_at(doc, p) and c.in_story(p, m.end):
                for i in range(p, m.start):
                    c.occupied[i] = idx
                m.start = m.name_start = p


    @staticmethod
    def _take_honorifics(c: _Claims) -> None:
        """4. Honorifics: "Mr Kishida" is a person mention including "Mr"."""
        doc, n = c.doc, len(c.doc)
        for i in range(n - 1):
            tok = doc[i]
            if tok.text not in HONORIFICS:
                continue
            j = i + 1
            if not (doc[j].is_title or doc[j].is_upper) or not doc[j].is_alpha:
                continue
            idx = c.occupied[j]
            if idx >= 0:
                m = c.mentions[idx]
                if m.start != j:
                    continue
                if m.known is not None and m.known.type != "PERSON" and m.source == "gazetteer":
                    c.drop(idx)
                    idx = -1
                else:
                    if c.occupied[i] < 0:
                        m.start = i
                        c.occupied[i] = idx
                    m.type = "PERSON"
                    m.gender = "f" if tok.text in FEMALE_HONORIFICS else ("m" if tok.text in MALE_HONORIFICS else None)
                    continue
            if c.occupied[i] >= 0 or not c.in_story(i, j + 1):
                continue
            e = j + 1
            while e < n and doc[e].pos_ == "PROPN" and doc[e].is_title and c.occupied[e] < 0:
                e += 1
            e = _extend_hyphen(doc, i, e)
            c.take(Mention(i, e, "PERSON", source="honorific", name_start=j,
                         gender="f" if tok.text in FEMALE_HONORIFICS else ("m" if tok.text in MALE_HONORIFICS else None)))
        for m in c.mentions:
            if m.start < m.end and m.type == "PERSON" and doc[m.start].text in HONORIFICS:
                m.name_start = m.start + 1
                if m.gender is None:
                    t = doc[m.start].text
                    m.gender = "f" if t in FEMALE_HONORIFICS else ("m" if t in MALE_HONORIFICS else None)


    @staticmethod
    def _acronyms(doc: Doc, mentions: list[Mention], occupied: list[int], take: object) -> None:
        """Acronyms defined in the text ("... Analyses (KIDA)") and their later uses."""
        n = len(doc)
        defined: dict[str, str] = {}
        for m in list(mentions):
            k = m.end
            if m.end <= m.start or m.type not in {"ORG", "GPE", "FAC", "LOC", "NORP"} or k + 2 >= n:
                continue
            word = doc[k + 1]
            if doc[k].text == "(" and doc[k + 2].text == ")" and occupied[k + 1] < 0 \
                    and word.is_upper and word.is_alpha and 2 <= len(word) <= 8:
                take(Mention(k + 1, k + 2, m.type, source="acronym"))  # type: ignore[operator]
                defined[word.text] = m.type
        if not defined:
            return
        for tok in doc:
            if tok.text in defined and occupied[tok.i] < 0:
                take(Mention(tok.i, tok.i + 1, defined[tok.text], source="acronym"))  # type: ignore[operator]

    def _retype(self, doc: Doc, all_mentions: list[Mention]) -> None:
        """Make the types of same-named mentions agree, and surnames of people people."""
        mentions = [m for m in all_mentions if m.kind == "name"]
        # Surname (and given-name) tokens of people named in full.
        person_parts: set[str] = set()
        full_people: set[str] = set()
        for m in mentions:
            if m.type == "PERSON" and m.end - m.name_start >= 2 and (
                    m.known is None or (m.known.actor is not None and m.known.type == "PERSON")):
                words = [t.text for t in doc[m.name_start : m.end] if not t.is_punct]
                if len(words) < 2 or any(not self._surname_like(w) for w in words):
                    continue
                full = doc[m.name_start : m.end].text
                if full in full_people:
                    continue
                full_people.add(full)
                person_parts.add(words[-1])
        votes: dict[str, Counter[str]] = {}
        for m in mentions:
            if m.known is not None:
                continue
            key = doc[m.name_start : m.end].text
            weight = 1 if _in_headline(doc, m) else 2
            votes.setdefault(key, Counter())[m.type] += weight
        for full in list(full_people):
            counts = votes.get(full)
            if counts and counts.most_common(1)[0][0] != "PERSON":
                person_parts.discard(full.split()[-1])
        for m in mentions:
            text = doc[m.name_start : m.end].text
            if m.source == "gazetteer" and m.known is not None and m.known.key.startswith("place:") \
                    and not m.known.strong and text in person_parts:
                # "Fritz Henderson ... Henderson said": the surname, not the town.
                m.type, m.known = "PERSON", None
                continue
            if m.known is not None and m.source in {"gazetteer", "dateline"}:
                continue
            if m.type != "PERSON" and (text in person_parts or (text.isupper() and text.title() in person_parts)):
                m.type = "PERSON"
                continue
            counts = votes.get(text)
            if counts and len(counts) > 1:
                m.type = counts.most_common(1)[0][0]
                if m.type == "PERSON" and " " not in text and text not in person_parts \
                        and m.name_start == m.start:
                    # A one-word "person" never named in full, typed otherwise elsewhere:
                    # news introduces people by their full name, so it is not one.
                    others = Counter({t: c for t, c in counts.items() if t != "PERSON"})
                    m.type = others.most_common(1)[0][0]
        # A word that opens an organisation's name named in the article is that
        # organisation when it stands alone ("AirTran Airways" ... "AirTran").
        org_heads = {doc[m.start].text for m in mentions
                     if m.type == "ORG" and m.end - m.start >= 2 and m.known is None and doc[m.start].is_alpha
                     and doc[m.start].text[0].isupper() and not self.kn.surface.get(doc[m.start].text)}
        for m in mentions:
            if m.end - m.start == 1 and m.known is None and m.type != "ORG" and doc[m.start].text in org_heads \
                    and doc[m.start].text not in person_parts and m.source != "jurisdiction":
                m.type = "ORG"

    def _surname_like(self, word: str) -> bool:
        """Whether a word of a person's name may stand for the person: not a known
        name, unless only a town that is not a capital or a big city ("Henderson")."""
        known = self.kn.surface.get(word)
        return not known or all(k.key.startswith("place:") and not k.strong for k in known)

    def _propagate(self, doc: Doc, mentions: list[Mention], occupied: list[int],
                   in_story: object) -> list[Mention]:
        """Find further occurrences of people's names the model missed."""
        names: dict[str, list[tuple[str, ...]]] = {}
        for m in mentions:
            if m.type != "PERSON" or m.kind != "name":
                continue
            words = tuple(t.text for t in doc[m.name_start : m.end])
            if len(words) < 2 or any(self.kn.surface.get(w) for w in words):
                continue
            names.setdefault(words[0], []).append(words)
            if words[-1][:1].isupper() and len(words[-1]) > 2:
                names.setdefault(words[-1], []).append((words[-1],))
        found: list[Mention] = []
        if not names:
            return found
        i, n = 0, len(doc)
        while i < n:
            tok = doc[i]
            cands = names.get(tok.text) if occupied[i] < 0 and tok.is_title else None
            if cands and i > 0 and doc[i - 1].pos_ == "PROPN" and doc[i - 1].is_title \
                    and doc[i - 1].text not in HONORIFICS:
                cands = None  # inside another name ("Lockheed Martin")
            if cands:
                for words in sorted(cands, key=len, reverse=True):
                    e = i + len(words)
                    if e <= n and tuple(t.text for t in doc[i:e]) == words and all(
                        occupied[k] < 0 for k in range(i, e)
                    ) and in_story(i, e):  # type: ignore[operator]
                        if e < n and doc[e].pos_ == "PROPN" and doc[e].is_title and occupied[e] < 0:
                            break  # part of a longer, different name
                        found.append(Mention(i, e, "PERSON", source="propagated"))
                        for k in range(i, e):
                            occupied[k] = -2
                        i = e - 1
                        break
            i += 1
        return found


_DASHES = frozenset({"-", "--", "\u2013", "\u2014"})
_SMALL_WORDS = frozenset({"of", "the", "and", "for"})
# Lower-case words inside people's and groups' names ("Abu Bakr al-Baghdadi", "Ursula von der Leyen").
_NAME_PARTICLES = frozenset({"al", "el", "de", "del", "da", "di", "du", "van", "von", "der", "den", "bin", "ibn",
                             "la", "le", "y", "in", "on"})
# Labels of a one-word entity that may be the cut-off last word of an organisation's name.
_JOINABLE = frozenset({"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "FAC", "EVENT", "LAW"})
_DESIGNATION = re.compile(r"[A-Z]{0,3}-?\d{2,4}(?:-?\d{1,4})?[A-Za-z]{0,2}s?")
_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}|[ap]\.?m\.?", re.IGNORECASE)


def _name_cased(doc: Doc, s: int, e: int) -> bool:
    """Whether ``doc[s:e]`` is written as a name: each word capitalised or in capitals,
    but for small words inside it and the part after a hyphen ("Ki-moon")."""
    for t in doc[s:e]:
        if not t.is_alpha or t.text[:1].isupper():
            continue
        if t.i > s and (t.lower_ in _SMALL_WORDS or t.lower_ in _NAME_PARTICLES):
            continue
        if t.i > s and doc[t.i - 1].text in {"-", "\u2010", "\u2011"} and not doc[t.i - 1].whitespace_ \
                and not doc[t.i - 2].whitespace_:
            continue
        return False
    return True


def _in_capitals(span: Span) -> bool:
    """Whether a sentence is written in capitals (a headline, a wire slug): three or
    more words, four in five of them in capitals."""
    words = [t for t in span if t.is_alpha and len(t) > 1]
    return len(words) >= 3 and sum(t.is_upper for t in words) >= 0.8 * len(words)


def _designation_follows(doc: Doc, e: int) -> bool:
    """Whether a model number follows a name ("Boeing 787", "Airbus A380-800"): a product."""
    if e >= len(doc) or not doc[e - 1].whitespace_:
        return False
    word = doc[e].text
    if not _DESIGNATION.fullmatch(word) or (word.isdigit() and 1900 <= int(word) <= 2099):
        return False
    return not (e + 1 < len(doc) and doc[e + 1].lower_ in {"%", "percent", "per", "of"})


def _time_zone(doc: Doc, s: int) -> bool:
    """Whether an all-capital word right after a clock time is its time zone ("08:30 UTC")."""
    tok = doc[s]
    return s > 0 and tok.is_upper and tok.is_alpha and 2 <= len(tok) <= 5 and bool(_CLOCK.fullmatch(doc[s - 1].text))


def _in_headline(doc: Doc, m: Mention) -> bool:
    start = doc[m.start].idx
    return any(k == "headline" and a <= start < b for k, a, b in doc._.tidings_sections or [])


def story_regions(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges the story may be read from (everything not blanked)."""
    blocked = sorted((a, b) for k, a, b in doc._.tidings_sections or [] if k in NON_STORY_KINDS)
    regions, pos = [], 0
    for a, b in blocked:
        if a > pos:
            regions.append((pos, a))
        pos = max(pos, b)
    regions.append((pos, len(doc.text)))
    return regions


def span_of(doc: Doc, m: Mention) -> Span:
    """The Span of a mention."""
    return doc[m.start : m.end]
