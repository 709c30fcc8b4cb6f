"""Wire-story structure: headline, caption and credit, dateline, byline, wire credit, boilerplate."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.records import FIXTURES, assert_valid_articles
from tidings.ingest import ReadOptions, find_structure, read_text
from tidings.ingest._patterns import FILES, load_patterns
from tidings.records import NON_STORY_KINDS


def kinds(text: str) -> list[tuple[str, str]]:
    return [(s.kind, text[s.start:s.end]) for s in find_structure(text).sections]


def test_structure_wire_story_fixture() -> None:
    text = (FIXTURES / "reading" / "wire_story.txt").read_text(encoding="utf-8")
    found = find_structure(text)
    assert found.headline == "Port strike halts grain shipments as talks with dockers stall"
    assert found.dateline == "LONDON"
    assert found.wire == ("AP",)
    assert found.author == "Helen Marsh and Daniel Okoro"
    (caption,) = found.captions
    assert caption.credit == "AFP"
    assert text[caption.start:caption.end] == caption.text
    assert [k for k, _ in kinds(text)] == [
        "headline", "caption", "credit", "byline", "dateline", "wire", "body",
        "boilerplate", "boilerplate", "boilerplate", "wire", "boilerplate", "boilerplate",
    ]


@pytest.mark.parametrize("line,place,wire", [
    ("SEOUL - The talks resumed on Monday.", "SEOUL", ()),
    ("WASHINGTON (Reuters) - The Senate passed the bill.", "WASHINGTON", ("Reuters",)),
    ("LONDON, March 3 (AP) — Prices rose again.", "LONDON", ("AP",)),
    ("NEW DELHI, Jan 5 (Reuters) - India said on Friday it would talk.", "NEW DELHI", ("Reuters",)),
    ("BEIJING, 4 June (Xinhua) -- Officials met on Tuesday.", "BEIJING", ("Xinhua",)),
    ("SAN FRANCISCO, Calif. (AP) — A tech company said it would cut jobs.", "SAN FRANCISCO", ("AP",)),
    ("Washington (CNN) — Lawmakers returned on Monday.", "Washington", ("CNN",)),
    ("NAIROBI: Kenya's parliament voted on Tuesday.", "NAIROBI", ()),
])
def test_structure_dateline(line: str, place: str, wire: tuple[str, ...]) -> None:
    text = f"A headline for the story\n\n{line}\n\nA second paragraph follows here."
    found = find_structure(text)
    assert found.dateline == place
    assert found.wire == wire
    dateline = next(s for s in found.sections if s.kind == "dateline")
    assert text[dateline.start:dateline.end].startswith(place)


@pytest.mark.parametrize("line", [
    "UPDATE: Officials said the count would resume.",
    "Washington - the city - was quiet on Sunday.",
    "US - China talks resumed on Monday, officials said.",
    "The President said on Monday the talks would go on.",
])
def test_structure_not_a_dateline(line: str) -> None:
    found = find_structure(f"A headline for the story\n\n{line}\n\nMore text follows.")
    assert found.dateline is None


@pytest.mark.parametrize("line,caption,credit", [
    ("Rescuers search the rubble in the town centre on Feb 7, 2023. PHOTO: EPA-EFE",
     "Rescuers search the rubble in the town centre on Feb 7, 2023.", "EPA-EFE"),
    ("Voters queue outside a polling station. Photo: AFP", "Voters queue outside a polling station.", "AFP"),
    ("Protesters march through the capital. (Reuters)", "Protesters march through the capital.", "Reuters"),
    ("A ship waits outside the harbour. REUTERS/Jane Doe", "A ship waits outside the harbour.", "REUTERS/Jane Doe"),
    ("Crowds gather at the stadium. (AP Photo/John Roe)", "Crowds gather at the stadium.", "AP Photo/John Roe"),
    ("The minister arrives for talks. ST PHOTO: ALEX TAN", "The minister arrives for talks.", "ALEX TAN"),
])
def test_structure_caption_and_credit(line: str, caption: str, credit: str) -> None:
    text = f"A headline for the story\n\n{line}\n\nSEOUL - The body starts here, as it should."
    found = find_structure(text)
    (got,) = found.captions
    assert (got.text, got.credit) == (caption, credit)
    credit_section = next(s for s in found.sections if s.kind == "credit")
    assert credit in text[credit_section.start:credit_section.end]


def test_structure_caption_date_gives_publication_date() -> None:
    text = "Headline\n\nA crowd on Jan 29, 2023. PHOTO: AFP\n\nSEOUL - Body text of the story."
    (article,) = assert_valid_articles([read_text(text)])
    assert (article.published, article.published_from) == ("2023-01-29", "caption")


@pytest.mark.parametrize("line,author", [
    ("By Jane Doe", "Jane Doe"),
    ("By Jane Doe and John Roe", "Jane Doe and John Roe"),
    ("BY ANA DE LA CRUZ", "ANA DE LA CRUZ"),
    ("By Omar bin Ali, Senior Correspondent", "Omar bin Ali"),
    ("By Priya Nair in Mumbai", "Priya Nair"),
])
def test_structure_byline(line: str, author: str) -> None:
    text = f"A headline for the story\n\n{line}\n\nThe body of the story starts here."
    found = find_structure(text)
    assert found.author == author
    assert ("byline", line) in kinds(text)


def test_structure_by_sentence_is_not_a_byline() -> None:
    text = "Headline\n\nBy the end of the week the talks had failed.\n\nMore text."
    assert find_structure(text).author is None


@pytest.mark.parametrize("ending,credit,wire", [
    ("the conflict raging in Europe. REUTERS", "REUTERS", ("Reuters",)),
    ("the port reopened on Monday. - AFP", "- AFP", ("AFP",)),
    ("the vote was delayed. AFP, REUTERS", "AFP, REUTERS", ("AFP", "Reuters")),
    ("as the talks went on. (AFP)", "(AFP)", ("AFP",)),
    ("said a spokesman. BLOOMBERG", "BLOOMBERG", ("Bloomberg",)),
])
def test_structure_closing_wire_credit(ending: str, credit: str, wire: tuple[str, ...]) -> None:
    text = f"A headline for the story\n\nThe story opens here.\n\nIt closes as {ending}\n"
    found = find_structure(text)
    assert found.wire == wire
    assert ("wire", credit) in kinds(text)
    body = [t for k, t in kinds(text) if k == "body"]
    assert not body[-1].endswith(credit)


@pytest.mark.parametrize("ending", [
    "the talks were led by NATO",
    "officials said. Reuters",  # a bare credit must be in capitals
])
def test_structure_not_a_closing_credit(ending: str) -> None:
    assert find_structure(f"Headline\n\nThe story opens here.\n\nIt ends as {ending}").wire == ()


@pytest.mark.parametrize("line,wire", [
    ("(Reporting by Jane Doe in Seoul; Editing by John Roe)", ()),
    ("Additional reporting by Sam Lee", ()),
    ("- AFP", ("AFP",)),
    ("With files from The Associated Press", ("AP",)),
    ("REUTERS", ("Reuters",)),
])
def test_structure_wire_credit_line(line: str, wire: tuple[str, ...]) -> None:
    text = f"A headline for the story\n\nThe story body is here.\n\n{line}"
    found = find_structure(text)
    assert ("wire", line) in kinds(text)
    assert found.wire == wire


@pytest.mark.parametrize("line", [
    "Join ST's Telegram channel and get the latest breaking news delivered to you.",
    "Follow us on Instagram for more stories.",
    "Sign up for our daily newsletter.",
    "Subscribe to our breaking news alerts here.",
    "Get the latest news straight to your inbox.",
    "Download the Courier app for news on the go.",
    "Copyright 2024 The Courier. All rights reserved.",
    "© 2024 Harbour Media Ltd",
    "Advertisement",
    "Share this article",
    "[China backs U.N. move to denounce North Korea over nuclear test]",
    "North Korea may test missile in new year 01:35",
])
def test_structure_boilerplate_line(line: str) -> None:
    text = f"A headline for the story\n\nThe story body is here.\n\n{line}"
    assert ("boilerplate", line) in kinds(text)


def test_structure_related_article_list() -> None:
    text = ("Headline\n\nThe story body is here.\n\nRead more:\n"
            "Rail unions announce walkouts\nWhat the crisis means for wages\n\nThe story goes on here, with a full sentence.")
    result = kinds(text)
    assert result[-4:] == [
        ("boilerplate", "Read more:"),
        ("boilerplate", "Rail unions announce walkouts"),
        ("boilerplate", "What the crisis means for wages"),
        ("body", "The story goes on here, with a full sentence."),
    ]


@pytest.mark.parametrize("line", [
    "The talks resumed at 10:30.",                                     # a time in a sentence
    "[The minister said] the plan would go ahead, officials confirmed.",  # brackets inside a sentence
])
def test_structure_story_lines_like_links_are_body(line: str) -> None:
    text = f"A headline for the story\n\nThe story body is here.\n\n{line}"
    found = kinds(text)
    assert "boilerplate" not in {k for k, _ in found}
    assert any(k == "body" and line in t for k, t in found)


def test_structure_boilerplate_in_story_sentence_is_body() -> None:
    text = ("Headline\n\nThe minister urged people to follow the guidance on Twitter and to "
            "share this message with neighbours who might not have heard the warning yet.")
    assert [k for k, _ in kinds(text)] == ["headline", "body"]


@pytest.mark.parametrize("line,publisher", [
    ("Join ST's Telegram channel and get the latest breaking news delivered to you.", "The Straits Times"),
    ("Sign up for the SCMP newsletter here.", "South China Morning Post"),
    ("Copyright 2024 The Irish Times. All rights reserved.", "The Irish Times"),
])
def test_structure_publisher_from_promo_line(line: str, publisher: str) -> None:
    assert find_structure(f"Headline\n\nThe story body is here.\n\n{line}").publisher == publisher


def test_structure_publisher_from_url_domain() -> None:
    patterns = load_patterns()
    assert patterns.publisher_for_domain("https://www.straitstimes.com/asia/east-asia/x") == "The Straits Times"
    assert patterns.publisher_for_domain("https://news.example.org/") is None


def test_structure_headline_needs_a_blank_line_after_it() -> None:
    assert find_structure("First line of a paragraph\nthat goes on.\n\nAnother paragraph.").headline is None


def test_structure_sentence_is_not_a_headline() -> None:
    assert find_structure("The council met on Monday.\n\nIt voted to close the pool.").headline is None


def test_structure_single_paragraph_is_body() -> None:
    assert kinds("Just one paragraph of text.") == [("body", "Just one paragraph of text.")]


@pytest.mark.parametrize("line,published,source", [
    ("Published: Jan 29, 2023, 8:00 am", "2023-01-29", "text"),
    ("Updated 30 January 2023", "2023-01-30", "text"),
])
def test_structure_published_line(line: str, published: str, source: str) -> None:
    (article,) = assert_valid_articles([read_text(f"Headline\n\n{line}\n\nThe story body is here.")])
    assert (article.published, article.published_from) == (published, source)
    assert any(s.kind == "byline" for s in article.sections)


def test_structure_published_option_is_last_resort() -> None:
    (article,) = assert_valid_articles([read_text("Headline\n\nThe story body is here.", options=ReadOptions(published="2024-01-02"))])
    assert (article.published, article.published_from) == ("2024-01-02", "option")


def test_structure_no_date_is_null() -> None:
    (article,) = assert_valid_articles([read_text("Headline\n\nThe story body is here.")])
    assert (article.published, article.published_from) == (None, None)


@pytest.mark.parametrize("url,expected", [
    ("https://news.example/2023/01/29/story", "2023-01-29"),
    ("https://news.example/world/story-20230129-abc", "2023-01-29"),
    ("https://news.example/id/120230129999", None),
    ("https://news.example/2023/13/40/story", None),
])
def test_structure_url_date(url: str, expected: str | None) -> None:
    from tidings.ingest._dates import url_date

    assert url_date(url) == expected


def test_structure_crlf_text_keeps_offsets() -> None:
    text = "Headline here\r\n\r\nSEOUL - Body text.\r\n\r\nJoin us on Telegram for updates.\r\n"
    for kind, piece in kinds(text):
        assert "\r" not in piece and "\n" not in piece, (kind, piece)
    assert find_structure(text).dateline == "SEOUL"


def test_structure_sections_in_order_and_non_overlapping() -> None:
    text = (FIXTURES / "reading" / "wire_story.txt").read_text(encoding="utf-8")
    sections = find_structure(text).sections
    for a, b in zip(sections, sections[1:], strict=False):
        assert a.end <= b.start


def test_structure_dateline_is_story_and_credits_are_not() -> None:
    assert "dateline" not in NON_STORY_KINDS
    assert {"boilerplate", "credit", "wire", "byline"} <= NON_STORY_KINDS


def test_structure_reading_data_files_load() -> None:
    patterns = load_patterns()
    assert patterns.agency("REUTERS") == "Reuters"
    assert patterns.publisher_abbr["ST"] == "The Straits Times"
    assert len(patterns.boilerplate) > 10
    assert len(patterns.sha256) == 3 * 64


def test_structure_user_data_dir_replaces_a_file(tmp_path: Path) -> None:
    (tmp_path / "boilerplate.tsv").write_text(
        "# source: test\n# licence: CC0\npattern\tanchor\tkind\tnote\nplease recycle\tstart\tline\t\n",
        encoding="utf-8")
    patterns = load_patterns(str(tmp_path))
    text = "Headline\n\nThe story body is here.\n\nPlease recycle this newspaper."
    assert find_structure(text, patterns=patterns).sections[-1].kind == "boilerplate"
    assert patterns.agency("AFP") == "AFP"  # other files stay the shipped ones
    assert set(FILES) == {"agencies.tsv", "publishers.tsv", "boilerplate.tsv"}


def test_structure_invalid_user_pattern_names_file_and_line(tmp_path: Path) -> None:
    from tidings.errors import LexiconError

    (tmp_path / "boilerplate.tsv").write_text(
        "# source: test\n# licence: CC0\npattern\tanchor\tkind\tnote\n(unclosed\tstart\tline\t\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"boilerplate.tsv:4.*pattern"):
        load_patterns(str(tmp_path))


@pytest.mark.parametrize("line", [
    "Research by handset maker Nokia shows that more people use their phone for music.",
    "Produced by a market research firm, the analysis found only 13% of buyers were happy.",
])
def test_structure_credit_words_opening_a_sentence_are_body(line: str) -> None:
    assert [k for k, _ in kinds(f"Headline\n\nThe story opens here.\n\n{line}")] == ["headline", "body"]


def test_structure_parenthesised_caption_credit() -> None:
    text = "Headline\n\nThe school's head teacher. (Picture by Jane Doe)\n\nThe story body is here."
    (caption,) = find_structure(text).captions
    assert (caption.text, caption.credit) == ("The school's head teacher.", "Jane Doe")
    assert ("credit", "(Picture by Jane Doe)") in kinds(text)


def test_structure_list_stops_at_a_lower_case_fragment() -> None:
    text = "Headline\n\nSee also: gifts\n\nYou can give her gifts on\n\nher\n\nbirthday, which raises friendship."
    assert [k for k, _ in kinds(text)] == ["headline", "boilerplate", "boilerplate", "body"]


def test_structure_date_in_byline_is_publication_date() -> None:
    (article,) = assert_valid_articles([read_text("Headline\n\nBy Evan Stone, August 14, 2020 2:30 pm\n\nThe story body is here.")])
    assert (article.published, article.published_from, article.author) == ("2020-08-14", "text", "Evan Stone")


def test_structure_caption_first_is_not_a_headline() -> None:
    text = "Crowds outside the court on Monday. PHOTO: AFP\n\nSEOUL - The court ruled on Monday."
    found = find_structure(text)
    assert found.headline is None
    assert [c.credit for c in found.captions] == ["AFP"]


def test_structure_dateline_after_a_standfirst() -> None:
    text = ("Headline\n\nThe court's ruling ends a two-year dispute over the port\n\n"
            "SEOUL - The court ruled on Monday that the port must reopen.\n\nMore text follows.")
    assert find_structure(text).dateline == "SEOUL"


def test_structure_dateline_only_near_the_start() -> None:
    text = "Headline\n\nFirst paragraph.\n\nSecond paragraph.\n\nTOKYO - A later paragraph."
    assert find_structure(text).dateline is None


def test_structure_leading_agency_without_place() -> None:
    text = "Headline\n\n(Bloomberg) -- Stocks fell for a third day on Monday.\n\nMore text."
    found = find_structure(text)
    assert (found.dateline, found.wire) == (None, ("Bloomberg",))
    assert ("wire", "(Bloomberg)") in kinds(text)
    assert ("body", "Stocks fell for a third day on Monday.\n\nMore text.") in kinds(text)


def test_ingest_public_names_sorted() -> None:
    import tidings.ingest

    assert tidings.ingest.__all__ == sorted(tidings.ingest.__all__)
    assert all(hasattr(tidings.ingest, name) for name in tidings.ingest.__all__)
