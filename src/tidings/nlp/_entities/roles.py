"""Read people's roles from the article: titles before names and appositions.

* "Foreign Minister Park Jin", "Nato Secretary-General Jens Stoltenberg",
  "Japanese Prime Minister Fumio Kishida", "Minister of National Defence Lee
  Jong-Sup": a title (from the title lexicon) right before the name, with an
  optional organisation or country modifier before it.
* "Park Jin, South Korea's foreign minister," and "the head of the IAEA, Rafael
  Grossi": a title in an apposition to the name (from the dependency parse).

The role's country comes from a modifier ("South Korea's", "Japanese") or, for
a government, military, diplomatic, legislative or judicial title with none,
from the article's context: the places of the sentence, then of the sentences
before it, then the dateline.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from tidings.nlp._entities.knowledge import Knowledge
from tidings.nlp._entities.mentions import Mention

# Sectors whose office belongs to a country: with no modifier, the article's
# context gives it.
NATIONAL_SECTORS = frozenset({"GOV", "MIL", "DIP", "LEG", "JUD", "OPP", "COP"})
_SMALL = frozenset({"of", "the", "for", "and", "on", "to", "in"})
_POSSESSIVE = frozenset({"'s", "\u2019s"})


@dataclass(slots=True)
class RoleFound:
    """A role read from the text for a person mention.

    Attributes:
        mention: the index of the person mention.
        title: the title, in title case ("Foreign Minister").
        sector: the sector the title lexicon gives.
        org: the index of the organisation mention that modifies it, if any.
        country: an ISO alpha-3 code from a modifier or the context.
        start, end: tokens of the title (with its modifier) in the text.
        pre: whether the title stands right before the name.
        from_context: whether the country was taken from the context.
        inferred: whether the country is the article's home country, which the text
            around the title does not state (see :meth:`RoleReader.__call__`).
    """

    mention: int
    title: str
    sector: str
    org: int | None
    country: str | None
    start: int
    end: int
    pre: bool
    from_context: bool = False
    title_start: int = -1
    inferred: bool = False


def title_case(words: str) -> str:
    """Write a title as a newspaper capitalises it ("Minister of National Defence")."""
    out = []
    for i, word in enumerate(words.split()):
        if i and word.lower() in _SMALL:
            out.append(word.lower())
        elif word.isupper() and len(word) > 1:
            out.append(word)
        else:
            out.append("-".join(p[:1].upper() + p[1:].lower() for p in word.split("-")))
    return " ".join(out)


def build_title_matcher(vocab: object, tokenizer: object, kn: Knowledge) -> PhraseMatcher:
    """Compile the title lexicon (case-insensitive)."""
    matcher = PhraseMatcher(vocab, attr="LOWER")  # type: ignore[arg-type]
    titles = sorted(kn.titles)
    for title, doc in zip(titles, tokenizer.pipe(titles), strict=True):  # type: ignore[attr-defined]
        matcher.add(title, [doc])
    return matcher


def title_spans(doc: Doc, matcher: PhraseMatcher) -> list[tuple[int, int, str]]:
    """The title phrases of a Doc, longest first where they overlap: ``(start, end, title)``."""
    strings = doc.vocab.strings
    found = sorted(((s, e, strings[mid]) for mid, s, e in matcher(doc)), key=lambda x: (x[0], x[0] - x[1]))
    result: list[tuple[int, int, str]] = []
    last_end = -1
    for s, e, title in found:
        if s < last_end:
            if result and e > result[-1][1] and s == result[-1][0]:
                result[-1] = (s, e, title)
                last_end = e
            continue
        result.append((s, e, title))
        last_end = e
    # Prefer the longest title ending at the same token ("Foreign Minister" over "Minister").
    by_end: dict[int, tuple[int, int, str]] = {}
    for s, e, title in found:
        if e not in by_end or s < by_end[e][0]:
            by_end[e] = (s, e, title)
    merged = {(s, e, t) for s, e, t in result} | set(by_end.values())
    out = sorted(merged, key=lambda x: (x[0], x[0] - x[1]))
    return out


class RoleReader:
    """Read roles for person mentions; built once per component."""

    def __init__(self, kn: Knowledge, matcher: PhraseMatcher) -> None:
        self.kn = kn
        self.matcher = matcher
        self._home: str | None = None

    def __call__(
        self,
        doc: Doc,
        mentions: list[Mention],
        at_token: list[int],
        context_country: object,
        home_country: str | None = None,
    ) -> list[RoleFound]:
        """Return the roles found for the person mentions.

        Args:
            doc: the Doc.
            mentions: name mentions, sorted.
            at_token: token index -> index of the mention covering it, or -1.
            context_country: ``callable(token_index) -> alpha-3 | None``.
            home_country: the article's home country, for a national office whose
                country neither a modifier nor the context gives; such a role is
                flagged ``inferred``.
        """
        self._home = home_country
        titles = title_spans(doc, self.matcher)
        if not titles:
            return []
        by_end: dict[int, tuple[int, int, str]] = {}
        by_token: dict[int, tuple[int, int, str]] = {}
        for s, e, t in titles:
            if e not in by_end or s < by_end[e][0]:
                by_end[e] = (s, e, t)
            for i in range(s, e):
                if i not in by_token or (by_token[i][1] - by_token[i][0]) < (e - s):
                    by_token[i] = (s, e, t)
        roles: list[RoleFound] = []
        for idx, m in enumerate(mentions):
            if m.source == "office":
                roles.append(self._office(doc, idx, m, mentions, at_token, context_country))
                continue
            if m.type != "PERSON" or m.kind != "name":
                continue
            found = self._pre_title(doc, idx, m, mentions, at_token, by_end, context_country)
            if found is not None:
                roles.append(found)
            roles.extend(self._appositions(doc, idx, m, mentions, at_token, by_token, context_country))
        return roles

    def _pre_title(self, doc: Doc, idx: int, m: Mention, mentions: list[Mention], at_token: list[int],
                   by_end: dict[int, tuple[int, int, str]], context_country: object) -> RoleFound | None:
        end = m.start
        if end == 0:
            return None
        hit = by_end.get(end)
        title_end = end
        if hit is None:
            # "Minister of National Defence Lee Jong-Sup": title + "of" + capitalised words.
            k = end - 1
            while k > 0 and (doc[k].is_title or doc[k].is_upper or doc[k].lower_ in {"the", "and"}) \
                    and doc[k].lower_ != "of" and at_token[k] < 0:
                k -= 1
            if k > 0 and doc[k].lower_ == "of" and k < end - 1:
                hit = by_end.get(k)
                if hit is None:
                    return None
                title_end = end
            else:
                return None
        s, _e, key = hit
        if not (doc[s].is_title or doc[s].is_upper or doc[s].is_lower):
            return None
        if doc[s:title_end].text.count(",") or any(t.is_sent_start for t in doc[s + 1 : end]):
            return None
        sector, _head = self.kn.titles[key]
        title = title_case(doc[s:title_end].text.replace(" - ", "-"))
        org, country, mod_start = self._modifier(doc, s, mentions, at_token)
        role = RoleFound(mention=idx, title=title, sector=sector, org=org, country=country,
                         start=mod_start, end=title_end, pre=True, title_start=s)
        self._fill_context(role, m, context_country)
        return role

    def _office(self, doc: Doc, idx: int, m: Mention, mentions: list[Mention], at_token: list[int],
                context_country: object) -> RoleFound:
        """The role of an unnamed office holder ("Anderson County Sheriff" said): the title, with
        the place or organisation before it."""
        text = doc[m.start : m.end].text
        sector, _head = self.kn.titles.get(text.lower(), ("GOV", False))
        org, country, mod_start = self._modifier(doc, m.start, mentions, at_token)
        role = RoleFound(mention=idx, title=title_case(text.replace(" - ", "-")), sector=sector, org=org,
                         country=country, start=mod_start, end=m.end, pre=True)
        self._fill_context(role, m, context_country)
        return role

    def _modifier(self, doc: Doc, s: int, mentions: list[Mention],
                  at_token: list[int]) -> tuple[int | None, str | None, int]:
        """The organisation or country written before a title: "Nato", "South Korea's", "Japanese"."""
        k = s - 1
        if k >= 0 and doc[k].text in _POSSESSIVE:
            k -= 1
        if k < 0 or at_token[k] < 0:
            return None, None, s
        mi = at_token[k]
        mod = mentions[mi]
        if mod.end != k + 1:
            return None, None, s
        return self._org_or_country(mi, mod) + (mod.start,)

    @staticmethod
    def _org_or_country(mi: int, mod: Mention) -> tuple[int | None, str | None]:
        if mod.type == "ORG":
            return mi, (mod.known.country if mod.known else None)
        if mod.type in {"GPE", "NORP"}:
            country = mod.known.country if mod.known else None
            if mod.known is not None and mod.known.key.startswith(("country:", "norp:")):
                return None, country
            return None, country
        return None, None

    def _appositions(self, doc: Doc, idx: int, m: Mention, mentions: list[Mention], at_token: list[int],
                     by_token: dict[int, tuple[int, int, str]], context_country: object) -> list[RoleFound]:
        head = _head_of(doc, m.start, m.end)
        out: list[RoleFound] = []
        candidates: list[Token] = [c for c in head.children if c.dep_ == "appos" and not (m.start <= c.i < m.end)]
        if head.dep_ == "appos" and not (m.start <= head.head.i < m.end):
            candidates.append(head.head)
        for noun in candidates:
            hit = by_token.get(noun.i)
            if hit is None:
                continue
            s, e, key = hit
            if at_token[noun.i] >= 0:
                continue  # the apposition is itself a name
            if any(at_token[t.i] >= 0 and mentions[at_token[t.i]].type == "PERSON"
                   and not (m.start <= t.i < m.end) for t in noun.subtree):
                continue  # "Foreign Minister A, Minister of Defence B": a list, not an apposition
            inside = {t.i for t in noun.subtree}
            last = noun.i
            while last + 1 in inside and doc[last + 1].text not in {",", "and", "or", ";"}:
                last += 1
            if noun.i != head.head.i and doc[last].pos_ == "PROPN" and (
                at_token[last] < 0 or mentions[at_token[last]].known is None
            ):
                continue  # ends in an unknown name: another person's title, misparsed
            sector, _ = self.kn.titles[key]
            title = title_case(doc[s:e].text.replace(" - ", "-"))
            org: int | None = None
            country: str | None = None
            for tok in noun.subtree:
                if m.start <= tok.i < m.end or at_token[tok.i] < 0:
                    continue
                mi = at_token[tok.i]
                mod = mentions[mi]
                if mod.type == "PERSON":
                    continue
                is_poss = tok.dep_ == "poss" or (tok.i + 1 < len(doc) and doc[tok.i + 1].text in _POSSESSIVE)
                related = is_poss or tok.dep_ in {"amod", "compound", "pobj", "nmod"} or tok.i < s
                if not related:
                    continue
                o, c = self._org_or_country(mi, mod)
                if o is not None and org is None:
                    org = o
                if c is not None and country is None:
                    country = c
            left = min(t.i for t in noun.subtree)
            right = max(t.i for t in noun.subtree) + 1
            role = RoleFound(mention=idx, title=title, sector=sector, org=org, country=country,
                             start=left, end=right, pre=False)
            self._fill_context(role, m, context_country)
            out.append(role)
        return out

    def _fill_context(self, role: RoleFound, m: Mention, context_country: object) -> None:
        if role.country is None and role.org is None and role.sector in NATIONAL_SECTORS:
            role.country = context_country(m.start)  # type: ignore[operator]
            if role.country is None and self._home is not None:
                role.country, role.inferred = self._home, True
            role.from_context = role.country is not None


def _head_of(doc: Doc, start: int, end: int) -> Token:
    """The syntactic head of a token range (the token whose head lies outside it)."""
    for tok in doc[start:end]:
        if not (start <= tok.head.i < end) or tok.head.i == tok.i:
            return tok
    return doc[end - 1]
