"""Sentences of the shared news collections, addressed by offsets, for labelling events.

Label files built with this tool hold no article text (the articles' copyright
stays with their publishers): each line names a document of the shared data,
the character span of one sentence in it and the sha1 of that sentence, with
the PLOVER types the sentence reports (``[]``: no political event). The text
is read back from the shared data when the labels are used
(:func:`resolve_labels`), and a span whose text no longer hashes the same is
reported and skipped.

Documents (``doc`` ids):

* ``guardian-sdf:ROW`` -- the ``text`` of the Guardian SDF sample row whose
  first (unnamed) column is ``ROW`` (``news/guardian-sdf-sample``);
* ``bbc:SECTION/NNN`` -- a BBC news file, headline line included
  (``news/bbc-news-fulltext/SECTION/NNN.txt``);
* ``cluster:DID`` -- a news-cluster-dev article: its title, a blank line, its
  text (``news/news-cluster-dev/data_raw/DID.json``);
* ``tbaq:SUB/NAME`` -- a TimeBank or AQUAINT wire story of TempEval-3's
  TBAQ-cleaned (``time/timebank-aquaint-tbaq/TBAQ-cleaned/SUB/NAME.tml``): its
  title (when it has one), a blank line, its ``TEXT`` with the TimeML tags
  removed;
* ``polnear:SPLIT/NAME`` -- a PolNeAR article text
  (``quotes/polnear/SPLIT/text/NAME.txt``).

Usage::

    python tools/news_text.py list guardian-sdf                # document ids, one a line, with sizes
    python tools/news_text.py show guardian-sdf:3 [bbc:politics/001 ...]   # numbered sentences
    python tools/news_text.py build SHEET.tsv --provenance PROV.json > labels.jsonl

A sheet is the labeller's working file: one sentence a line, ``DOC<TAB>N<TAB>TYPES``
(``N`` the sentence number that ``show`` printed; ``TYPES`` comma-separated
PLOVER types or ``-`` for none; a fourth column, a note, is kept). ``build``
turns it into the label file (first line ``{"provenance": ...}``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import json
import re
import sys
import zipfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

csv.field_size_limit(sys.maxsize)

# A sentence ends at . ! or ? (closing quotes and brackets kept with it) before
# whitespace and an opening quote, bracket, digit or capital; or at a line break.
_END = re.compile(r"(?<=[.!?])[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Sgt|Capt|Rep|Sen|Gov|St|Mt|No|vs|Jan|Feb|Mar|Apr|Jun|Jul|"
                     r"Aug|Sep|Sept|Oct|Nov|Dec|Inc|Corp|Co|Ltd|Jr|Sr)|\b[A-Z]|\b(?:[A-Z]\.){1,3}[A-Z])\.$")


def shared_dir(explicit: str | None = None) -> Path:
    """The shared ``data`` folder: ``--shared``, ``$TIDINGS_SHARED/data`` or ``<repo>/../shared/data``."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eval"))
    from _shared import shared_data_dir

    found = Path(explicit) if explicit else shared_data_dir()
    if found is None or not found.is_dir():
        raise SystemExit("news_text: no shared data folder (set TIDINGS_SHARED or pass --shared)")
    return found


@lru_cache(maxsize=4)
def _guardian(shared: Path) -> dict[str, str]:
    zpath = shared / "news" / "guardian-sdf-sample" / "Guardian_SDF_sample.csv.zip"
    with zipfile.ZipFile(zpath) as zf:
        raw = zf.read(zf.namelist()[0]).decode("utf-8")
    return {row[""]: row["text"] for row in csv.DictReader(io.StringIO(raw))}


def document(shared: Path, doc: str) -> str:
    """The text of one document id (see the module's doc)."""
    kind, _, ident = doc.partition(":")
    if kind == "guardian-sdf":
        return _guardian(shared)[ident]
    if kind == "bbc":
        return (shared / "news" / "bbc-news-fulltext" / f"{ident}.txt").read_text(encoding="utf-8")
    if kind == "cluster":
        data = json.loads((shared / "news" / "news-cluster-dev" / "data_raw" / f"{ident}.json")
                          .read_text(encoding="utf-8"))
        return f"{data.get('title') or ''}\n\n{data.get('text') or ''}"
    if kind == "tbaq":
        raw = _tbaq_raw(shared, ident)
        title = re.search(r"<TITLE>(.*?)</TITLE>", raw, re.S)
        body = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
        if body is None:
            raise KeyError(f"no TEXT element in {doc!r}")
        parts = [html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() for m in (title, body) if m]
        return "\n\n".join(parts)
    if kind == "polnear":
        split, _, name = ident.partition("/")
        return (shared / "quotes" / "polnear" / split / "text" / f"{name}.txt").read_text(encoding="utf-8")
    raise KeyError(f"unknown document kind in {doc!r}")


def _tbaq_raw(shared: Path, ident: str) -> str:
    return (shared / "time" / "timebank-aquaint-tbaq" / "TBAQ-cleaned" / f"{ident}.tml").read_text(encoding="utf-8")


def document_title(shared: Path, doc: str) -> str | None:
    """The title of a document that has one apart from its text (a TimeML ``TITLE``), else None.

    When there is one, :func:`document` puts it first, followed by a blank line.
    """
    kind, _, ident = doc.partition(":")
    if kind == "tbaq":
        found = re.search(r"<TITLE>(.*?)</TITLE>", _tbaq_raw(shared, ident), re.S)
        if found is None:
            return None
        return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() or None
    if kind == "cluster":
        return document(shared, doc).split("\n\n", 1)[0] or None
    return None


def document_date(shared: Path, doc: str) -> str | None:
    """The date of a document when its source gives one: the TimeML DCT of a ``tbaq`` story.

    Returns:
        The ISO value of the document creation time (``1998-02-27T08:17:00``,
        ``1989-11-02``), or None.
    """
    kind, _, ident = doc.partition(":")
    if kind != "tbaq":
        return None
    found = re.search(r"<DCT>\s*<TIMEX3\b[^>]*\bvalue=\"([^\"]+)\"", _tbaq_raw(shared, ident))
    return found.group(1) if found else None


def documents(shared: Path, kind: str) -> Iterator[str]:
    """Every document id of one collection (``guardian-sdf``, ``bbc:SECTION``, ``cluster``, ``tbaq:SUB``, ``polnear:SPLIT``)."""
    if kind == "guardian-sdf":
        yield from (f"guardian-sdf:{k}" for k in _guardian(shared))
    elif kind.startswith("bbc:"):
        folder = shared / "news" / "bbc-news-fulltext" / kind.split(":", 1)[1]
        yield from (f"bbc:{folder.name}/{p.stem}" for p in sorted(folder.glob("*.txt")))
    elif kind == "cluster":
        folder = shared / "news" / "news-cluster-dev" / "data_raw"
        yield from (f"cluster:{p.stem}" for p in sorted(folder.glob("*.json")))
    elif kind.startswith("tbaq:"):
        folder = shared / "time" / "timebank-aquaint-tbaq" / "TBAQ-cleaned" / kind.split(":", 1)[1]
        yield from (f"tbaq:{folder.name}/{p.stem}" for p in sorted(folder.glob("*.tml")))
    elif kind.startswith("polnear:"):
        folder = shared / "quotes" / "polnear" / kind.split(":", 1)[1] / "text"
        yield from (f"polnear:{folder.parent.name}/{p.stem}" for p in sorted(folder.glob("*.txt")))
    else:
        raise KeyError(f"unknown collection {kind!r}")


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a text (lines first, then sentence ends)."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        cuts = [m.end() for m in _END.finditer(line.group())
                if not _ABBREV.search(line.group()[:m.end()].rstrip("\"”’')]"))]
        for cut in [*cuts, len(line.group())]:
            piece = line.group()[start - line.start():cut]
            lead = len(piece) - len(piece.lstrip())
            s, e = start + lead, line.start() + cut
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append((s, e))
            start = line.start() + cut
    return spans


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def resolve_labels(path: Path, shared: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The lines of a span label file with their ``text`` filled in from the shared data.

    Returns:
        ``(entries, problems)``: entries ``{"text", "types", "doc", "start", "end"}``; one problem line per
        span that could not be read back (missing document, changed text).
    """
    entries: list[dict[str, Any]] = []
    problems: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            row = json.loads(line)
            if "provenance" in row:
                continue
            try:
                text = document(shared, row["doc"])[row["start"]:row["end"]]
            except (KeyError, OSError) as exc:
                problems.append(f"{path.name}:{n}: {row.get('doc')}: {exc}")
                continue
            if sha1(text) != row["sha1"]:
                problems.append(f"{path.name}:{n}: {row['doc']} {row['start']}-{row['end']}: text changed")
                continue
            entries.append({"text": " ".join(text.split()), "types": list(row["types"]), "doc": row["doc"],
                            "start": row["start"], "end": row["end"]})
    return entries, problems


def _show(shared: Path, doc: str) -> None:
    text = document(shared, doc)
    print(f"# {doc}")
    for n, (s, e) in enumerate(sentences(text)):
        print(f"{n}\t{' '.join(text[s:e].split())}")
    print()


def _build(shared: Path, sheet: Path, provenance: dict[str, Any]) -> int:
    from tidings.nlp._events.ontology import EventKnowledge

    types = set(EventKnowledge.load().types)
    print(json.dumps({"provenance": provenance}, ensure_ascii=False))
    bad = 0
    spans_of: dict[str, list[tuple[int, int]]] = {}
    seen: set[tuple[str, int]] = set()
    for lineno, line in enumerate(sheet.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        try:
            doc, n, labels = cols[0].strip(), int(cols[1]), cols[2].strip()
            if doc not in spans_of:
                spans_of[doc] = sentences(document(shared, doc))
            s, e = spans_of[doc][n]
        except (IndexError, ValueError, KeyError, OSError) as exc:
            print(f"{sheet}:{lineno}: skipped ({exc})", file=sys.stderr)
            bad += 1
            continue
        found = [] if labels in ("", "-") else [t.strip().upper() for t in labels.split(",") if t.strip()]
        unknown = [t for t in found if t not in types]
        if unknown or (doc, n) in seen:
            print(f"{sheet}:{lineno}: skipped ({'unknown type ' + str(unknown) if unknown else 'repeated'})",
                  file=sys.stderr)
            bad += 1
            continue
        seen.add((doc, n))
        text = document(shared, doc)[s:e]
        row: dict[str, Any] = {"doc": doc, "n": n, "start": s, "end": e, "sha1": sha1(text), "types": found}
        if len(cols) > 3 and cols[3].strip():
            row["note"] = cols[3].strip()
        print(json.dumps(row, ensure_ascii=False))
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=None, help="the shared data folder (default: found as the evals find it)")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list").add_argument("collection")
    sub.add_parser("show").add_argument("docs", nargs="+")
    b = sub.add_parser("build")
    b.add_argument("sheet", type=Path)
    b.add_argument("--provenance", type=Path, required=True, help="a JSON file: source, coded_by, codebook, licence...")
    args = parser.parse_args(argv)
    shared = shared_dir(args.shared)
    if args.cmd == "list":
        for doc in documents(shared, args.collection):
            print(f"{doc}\t{len(document(shared, doc))}")
    elif args.cmd == "show":
        for doc in args.docs:
            _show(shared, doc)
    else:
        return _build(shared, args.sheet, json.loads(args.provenance.read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
