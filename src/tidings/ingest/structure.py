"""Wire-story structure: headline, caption and credit, dateline, byline, wire credit, boilerplate.

The text is read line by line (a line is a paragraph in most news text; a
hard-wrapped paragraph keeps its lines together as body). Each line gets a
kind; runs of body lines become one ``body`` section. Offsets are indices into
the text, which is never changed: boilerplate stays in the text and is only
marked, so later stages can leave it out while every offset stays exact.

The phrases an analyst may want to edit (agencies, publishers, boilerplate)
are data files, see :mod:`tidings.ingest._patterns`; the shapes of datelines,
bylines and captions are general and live here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from tidings.ingest._dates import DATE_RE, match_to_iso, published_line
from tidings.ingest._patterns import ReadingPatterns, load_patterns
from tidings.ingest.dateline import DATELINE as _DATELINE
from tidings.ingest.dateline import dateline_at, plausible
from tidings.records import Article, Caption, Section

_LINE = re.compile(r"[^\n]*\n?")
_MAX_HEADLINE = 300
_MAX_BOILERPLATE = 400
_MAX_CAPTION = 600
_MAX_LIST_ITEM = 200

# fmt: off
# Lower-case words allowed inside a byline name ("Ana de la Cruz", "Omar bin Ali").
NAME_PARTICLES = frozenset({"de", "van", "von", "der", "den", "al", "el", "bin", "binti", "da",
                            "del", "la", "le", "di", "du", "dos", "and", "&"})
# fmt: on

_LEADING_WIRE = re.compile(r"^(?P<wire>\((?P<agency>[^()\n]{1,40})\))\s*(?:[-–—]{1,2}|:)\s+(?=[\"“‘'A-Z0-9])")
_BYLINE = re.compile(r"^\W{0,2}(?:By|BY|by)\s+(?P<rest>\S.*?)\s*$")
_BYLINE_CUT = re.compile(r"\s*(?:,|\||•|·|\s[-–—]\s|\sin\s|\sfor\s|\son\s|\bPublished\b|\bUpdated\b)")
_REPORTING = re.compile(
    # "(Reporting by ...; Editing by ...)" in parentheses; without them only the
    # reporting/writing/editing credits, so "Research by X shows ..." stays body.
    r"^\W{0,2}(?:\(\s*(?:(?:additional|further)\s+)?(?:reporting|writing|editing|compiled|research|graphics|"
    r"produced|translated|edited|written)\s+by\b[^()]*(?:\([^()]*\)[^()]*)*\)"
    r"|(?:(?:additional|further)\s+)?(?:reporting|writing|editing)\s+by\s+[A-Z][^.!?]*)\s*$",
    re.IGNORECASE,
)
_CAPTION_LABEL = re.compile(
    r"(?P<credit_part>(?<![\w])(?:[A-Z]{2,6}\s+)?(?:FILE\s+)?(?:PHOTO|PHOTOS|PHOTOGRAPH|PICTURE|IMAGE|VIDEO|GRAPHIC|"
    r"Photo|Photos|Photograph|Picture|Image|Video|Graphic|File photo)(?:\s+credit)?\s*(?::|\s+by\b|\s+courtesy\s+of\b)\s*"
    r"(?P<credit>[^\n:]{1,80}?))[\s.]*$"
)
_CAPTION_PAREN = re.compile(r"(?P<credit_part>\((?P<credit>[^()\n]{2,60})\))[\s.]*$")
_ENDS_SENTENCE = re.compile(r"[.!?:;\"”’'»)]\s*$")


@dataclass(frozen=True, slots=True)
class Structure:
    """What the structure of one text says.

    Attributes:
        sections: typed stretches, sorted by start.
        headline: the headline text, if one was found.
        dateline: the dateline place ("SEOUL"), if any.
        wire: canonical names of the agencies credited, in order of appearance.
        captions: photo captions with their credits.
        author: the names in a byline, if any.
        publisher: a publisher named in the publisher's own lines (boilerplate), if any.
        published: a date stated in a "Published ..." line, if any.
        updated: a date stated in an "Updated ..." line, if any.
        caption_date: the first full date in a caption, if any.
    """

    sections: tuple[Section, ...] = ()
    headline: str | None = None
    dateline: str | None = None
    wire: tuple[str, ...] = ()
    captions: tuple[Caption, ...] = ()
    author: str | None = None
    publisher: str | None = None
    published: str | None = None
    updated: str | None = None
    caption_date: str | None = None


@dataclass(slots=True)
class _Line:
    start: int
    end: int  # without the line break and trailing spaces
    text: str
    kind: str = "body"
    parts: list[Section] = field(default_factory=list)  # sub-line sections (dateline, credit...)
    paren_credit: bool = False  # a caption told only by "(Agency)" at its end


def _lines(text: str) -> list[_Line]:
    """Non-blank lines with their offsets (leading and trailing spaces left out)."""
    lines: list[_Line] = []
    for match in _LINE.finditer(text):
        raw = match.group()
        if not raw:
            break
        stripped = raw.strip()
        if not stripped:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        lines.append(_Line(start, start + len(stripped), stripped))
    return lines


def find_structure(text: str, *, headline: str | None = None,
                   patterns: ReadingPatterns | None = None) -> Structure:
    """Recognise the wire-story structure of a text.

    Args:
        text: the article text.
        headline: the headline the source's metadata gives; when the text starts
            with it, that line is the headline.
        patterns: the reading knowledge; the shipped files when None.

    Returns:
        The sections and what they say.
    """
    patterns = patterns or load_patterns()
    lines = _lines(text)
    if not lines:
        return Structure()
    state = _State()
    first = 0
    if _is_headline(lines, text, headline, patterns):
        lines[0].kind = "headline"
        state.headline = lines[0].text
        first = 1
    in_list = False
    for line in lines[first:]:
        in_list = _classify(line, state, patterns, in_list)
    _last_paren_caption_is_body(lines, state)
    body = [ln for ln in lines if ln.kind == "body"]
    if body:
        # The dateline opens the story; a standfirst may come before it.
        for line in body[:2]:
            if _dateline(line, state, patterns):
                break
        _closing_credit(body[-1], state, patterns)
    return Structure(
        sections=_sections(lines),
        headline=state.headline,
        dateline=state.dateline,
        wire=tuple(dict.fromkeys(state.wire)),
        captions=tuple(state.captions),
        author=state.author,
        publisher=state.publisher,
        published=state.published,
        updated=state.updated,
        caption_date=state.caption_date,
    )


@dataclass(slots=True)
class _State:
    headline: str | None = None
    dateline: str | None = None
    wire: list[str] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    author: str | None = None
    publisher: str | None = None
    published: str | None = None
    updated: str | None = None
    caption_date: str | None = None
    caption_date_line: int | None = None


def _is_headline(lines: list[_Line], text: str, hint: str | None, patterns: ReadingPatterns) -> bool:
    line = lines[0]
    if hint:
        return " ".join(line.text.split()) == " ".join(hint.split())
    if len(lines) < 2 or len(line.text) > _MAX_HEADLINE:
        return False
    # A headline stands alone: a blank line follows it (or every line is a paragraph).
    after = text[line.end:lines[1].start]
    if after.count("\n") < 2 and "\n\n" in text:
        return False
    if line.text.endswith(".") and not line.text.endswith("..."):
        return False
    return not (_BYLINE.match(line.text) or _DATELINE.match(line.text) or _boilerplate(line.text, patterns)
                or published_line(line.text) or _CAPTION_LABEL.search(line.text)
                or patterns.slash_credit_re.search(line.text))


def _boilerplate(text: str, patterns: ReadingPatterns) -> str | None:
    if len(text) > _MAX_BOILERPLATE:
        return None
    for regex, kind in patterns.boilerplate:
        if regex.search(text):
            return kind
    return None


def _classify(line: _Line, state: _State, patterns: ReadingPatterns, in_list: bool) -> bool:
    """Give one line its kind; return whether a related-article list goes on after it."""
    text = line.text
    kind = _boilerplate(text, patterns)
    if kind:
        line.kind = "boilerplate"
        _publisher_hint(text, state, patterns)
        return kind == "list"
    if (in_list and len(text) <= _MAX_LIST_ITEM and not text[0].islower()
            and (not _ENDS_SENTENCE.search(text) or text[:2] in {"- ", "• ", "* "})):
        line.kind = "boilerplate"
        return True
    stated = published_line(text)
    if stated and len(text) <= _MAX_BOILERPLATE:
        line.kind = "byline"
        iso, is_update = stated
        if is_update:
            state.updated = state.updated or iso
        else:
            state.published = state.published or iso
        return False
    if _byline(line, state, patterns):
        return False
    if len(text) <= _MAX_BOILERPLATE and (_REPORTING.match(text) or patterns.wire_line_re.match(text)):
        line.kind = "wire"
        match = patterns.wire_line_re.match(text)
        if match:
            state.wire.extend(_agencies(match.group("ag"), patterns))
        return False
    if len(text) <= _MAX_CAPTION and not _DATELINE.match(text):
        _caption(line, state, patterns)
    return False


def _byline(line: _Line, state: _State, patterns: ReadingPatterns) -> bool:
    match = _BYLINE.match(line.text)
    if not match or len(line.text) > 150:
        return False
    rest = match.group("rest")
    names = _BYLINE_CUT.split(rest, maxsplit=1)[0].strip()
    words = names.split()
    if not words or len(words) > 12:
        return False
    if not all(w[0].isupper() or w.lower() in NAME_PARTICLES for w in words):
        return False
    line.kind = "byline"
    state.wire.extend(patterns.agency(a.group()) or a.group()
                      for a in patterns.agency_re.finditer(rest) if a.group() in patterns.wire_agencies)
    if state.author is None and patterns.agency(names) is None:
        state.author = names
    if state.published is None:  # "By Jane Doe, August 14, 2020 2:30 pm"
        for found in DATE_RE.finditer(rest):
            state.published = match_to_iso(found)
            if state.published:
                break
    return True


def _agencies(credit: str, patterns: ReadingPatterns) -> list[str]:
    return [patterns.agency(m.group()) or m.group() for m in patterns.agency_re.finditer(credit)]


def _caption(line: _Line, state: _State, patterns: ReadingPatterns) -> None:
    text = line.text
    match = _CAPTION_LABEL.search(text)
    if match is None:
        paren = _CAPTION_PAREN.search(text)
        if paren and _is_photo_credit(paren.group("credit"), patterns):
            match = paren
            line.paren_credit = True
    if match is None:
        slash = patterns.slash_credit_re.search(text)
        if slash and (slash.start() == 0 or text[slash.start() - 1] in " \t"):
            match = slash
    if match is None:
        return
    credit = match.group("credit").strip().rstrip(".").strip()
    credit_start = line.start + match.start("credit_part")
    credit_end = line.start + match.end("credit_part")
    caption_text = text[:match.start("credit_part")].rstrip()
    if caption_text.endswith("(") and credit.endswith(")"):  # "(Picture by Jane Doe)"
        caption_text = caption_text[:-1].rstrip()
        credit = credit[:-1].strip()
        credit_start = line.start + text.rindex("(", 0, match.start("credit_part"))
    line.kind = "caption"
    line.parts.append(Section("credit", credit_start, credit_end))
    if caption_text:
        line.parts.insert(0, Section("caption", line.start, line.start + len(caption_text)))
        state.captions.append(Caption(caption_text, credit or None, line.start, line.start + len(caption_text)))
        if state.caption_date is None:
            for found in DATE_RE.finditer(caption_text):
                iso = match_to_iso(found)
                if iso:
                    state.caption_date = iso
                    state.caption_date_line = line.start
                    break


def _last_paren_caption_is_body(lines: list[_Line], state: _State) -> None:
    """The last paragraph ending in "(AFP)" closes the story with a wire credit; it is no caption."""
    last = next((ln for ln in reversed(lines) if ln.kind in {"body", "caption"}), None)
    if last is None or last.kind != "caption" or not last.paren_credit:
        return
    last.kind, last.parts, last.paren_credit = "body", [], False
    state.captions = [c for c in state.captions if c.start != last.start]
    if state.caption_date_line == last.start:
        state.caption_date = state.caption_date_line = None


_PHOTO_WORDS = re.compile(r"\b(?:Photo|Photograph|Getty|Images?|Pool|Handout)\b", re.IGNORECASE)


def _is_photo_credit(credit: str, patterns: ReadingPatterns) -> bool:
    if patterns.agency(credit) is not None:
        return True
    return bool(_PHOTO_WORDS.search(credit) or ("/" in credit and patterns.agency_re.search(credit)))


def _dateline(line: _Line, state: _State, patterns: ReadingPatterns) -> bool:
    """Mark a dateline opening ``line``; return whether there was one."""
    found = dateline_at(line.text)
    if found is None:
        return _leading_wire(line, state, patterns)
    match, place, agency = found.match, found.place, found.agency
    if patterns.agency(place) is not None or not plausible(found, lambda a: patterns.agency(a) is not None):
        return False
    base = line.start
    place_start = base + match.start("place")
    date_end = match.end("date") if match.group("date") else match.end("region") if match.group("region") else match.end("place")
    line.parts.append(Section("dateline", place_start, base + date_end))
    if agency:
        line.parts.append(Section("wire", base + match.start("wire") + (len(match.group("wire")) - len(match.group("wire").lstrip())),
                                  base + match.end("wire")))
        state.wire[:0] = [patterns.agency(agency) or agency.strip()]
    body_start = base + match.end("sep")
    line.parts.append(Section("body", body_start, line.end))
    state.dateline = place
    line.kind = "split"
    return True


def _leading_wire(line: _Line, state: _State, patterns: ReadingPatterns) -> bool:
    """Mark a story opening with its agency and no place: "(Bloomberg) -- Stocks fell ..."."""
    match = _LEADING_WIRE.match(line.text)
    if not match or patterns.agency(match.group("agency")) is None:
        return False
    line.parts.append(Section("wire", line.start + match.start("wire"), line.start + match.end("wire")))
    line.parts.append(Section("body", line.start + match.end(), line.end))
    state.wire[:0] = [patterns.agency(match.group("agency")) or match.group("agency")]
    line.kind = "split"
    return True


def _closing_credit(line: _Line, state: _State, patterns: ReadingPatterns) -> None:
    segment_start = line.start
    segment_end = line.end
    if line.kind == "split":
        body = next(p for p in line.parts if p.kind == "body")
        segment_start = body.start
    text = line.text[segment_start - line.start:segment_end - line.start]
    match = patterns.wire_tail_re.search(text)
    if not match:
        return
    credit = match.group("ag")
    bare = not (match.group("dash") or match.group("paren"))
    if bare and not all(p.isupper() for p in re.findall(r"[A-Za-z]+", credit) if p.lower() != "and"):
        return
    credit_start = segment_start + match.start("credit") + (len(match.group("credit")) - len(match.group("credit").lstrip()))
    body_end = segment_start + match.start("credit")
    if line.kind == "split":
        line.parts = [p if p.kind != "body" else Section("body", p.start, body_end) for p in line.parts]
    else:
        line.parts = [Section("body", line.start, body_end)]
        line.kind = "split"
    line.parts.append(Section("wire", credit_start, segment_end))
    state.wire.extend(_agencies(credit, patterns))


def _publisher_hint(text: str, state: _State, patterns: ReadingPatterns) -> None:
    if state.publisher is not None:
        return
    found = []
    if patterns.abbr_re is not None:
        found += [(m.start(), patterns.publisher_abbr[m.group()]) for m in patterns.abbr_re.finditer(text)]
    if patterns.name_re is not None:
        found += [(m.start(), patterns.publisher_names[m.group().lower()]) for m in patterns.name_re.finditer(text)]
    if found:
        state.publisher = min(found)[1]


def _sections(lines: list[_Line]) -> tuple[Section, ...]:
    """Turn classified lines into sections, merging runs of body lines."""
    sections: list[Section] = []
    run: tuple[int, int] | None = None

    def flush() -> None:
        nonlocal run
        if run is not None:
            sections.append(Section("body", run[0], run[1]))
            run = None

    for line in lines:
        pieces = line.parts if line.kind in {"split", "caption"} else [Section(line.kind, line.start, line.end)]
        for piece in sorted(pieces, key=lambda s: s.start):
            if piece.kind == "body":
                if piece.end <= piece.start:
                    continue
                run = (run[0], piece.end) if run is not None else (piece.start, piece.end)
            else:
                flush()
                sections.append(piece)
    flush()
    return tuple(sections)


def structure_article(article: Article, *, patterns: ReadingPatterns | None = None) -> Article:
    """Mark the sections of an article and fill the fields they give.

    Fields the article already has (from metadata) are kept; the structure
    fills the ones that are empty.

    Args:
        article: an article whose ``text`` is set.
        patterns: the reading knowledge; the shipped files when None.

    Returns:
        The article with ``sections``, ``captions``, ``headline``, ``dateline``,
        ``wire``, ``author`` and ``publisher`` filled where the text shows them.
    """
    found = find_structure(article.text, headline=article.headline, patterns=patterns)
    return replace(
        article,
        headline=article.headline or found.headline,
        dateline=article.dateline or found.dateline,
        wire=tuple(dict.fromkeys(article.wire + found.wire)),
        author=article.author or found.author,
        publisher=article.publisher or found.publisher,
        sections=found.sections,
        captions=found.captions,
    )
