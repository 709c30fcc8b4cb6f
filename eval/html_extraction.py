"""Score HTML extraction on trafilatura's evaluation pages (English subset).

Each page of ``../shared/data/html/trafilatura-eval-en`` comes with ``with``
snippets that must appear in the extracted article and ``without`` snippets
that must not. A snippet found where it belongs is a true positive; a
``with`` snippet missing is a false negative; a ``without`` snippet present is
a false positive. Precision, recall and F1 are computed over all snippets.

The text scored is the story text tidings keeps: the extracted text minus the
sections marked as not part of the story (boilerplate, credits, bylines) and
minus the headline, which the evaluation does not count as body.

Usage: python eval/html_extraction.py [--floor 0.90] [--all] [-v]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import check_floors, shared_data_dir, skipped  # noqa: E402

from tidings.ingest import Failure, ReadOptions, read_bytes  # noqa: E402
from tidings.records import NON_STORY_KINDS, Article  # noqa: E402

FLOOR = 0.90


def story_text(article: Article) -> str:
    """The article text without the headline and the sections that are not story."""
    drop = NON_STORY_KINDS | {"headline"}
    return "\n".join(article.text[s.start:s.end] for s in article.sections if s.kind not in drop)


def score(base: Path, *, english_only: bool = True, verbose: bool = False) -> dict[str, float]:
    """Extract every page and count snippets.

    Args:
        base: the ``trafilatura-eval-en`` directory.
        english_only: score only the pages in ``selected_urls_en.json``.
        verbose: print each page that loses a snippet.

    Returns:
        Counts, precision, recall, F1, pages and seconds.
    """
    data = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))
    urls = json.loads((base / "selected_urls_en.json").read_text(encoding="utf-8")) if english_only else list(data)
    tp = fp = fn = tn = 0
    failed = 0
    started = time.perf_counter()
    for url in urls:
        entry = data[url]
        path = next((p for p in (base / "html" / "eval" / entry["file"], base / "html" / "cache" / entry["file"])
                     if p.is_file()), None)
        if path is None:
            continue
        # Extraction is scored here, not language: the subset is "English-leaning" only.
        items = list(read_bytes(path.read_bytes(), source_path=str(path), options=ReadOptions(allow_languages=None)))
        articles = [i for i in items if isinstance(i, Article)]
        if not articles:
            failed += 1
            if verbose:
                print(f"no article: {url}: {[i.message for i in items if isinstance(i, Failure)]}")
        text = story_text(articles[0]) if articles else ""
        missing = [s for s in entry["with"] if s not in text]
        present = [s for s in entry["without"] if s in text]
        tp += len(entry["with"]) - len(missing)
        fn += len(missing)
        fp += len(present)
        tn += len(entry["without"]) - len(present)
        if verbose and (missing or present):
            print(f"{url}\n  missing: {missing}\n  present: {present}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pages": len(urls), "no_article": failed, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "precision": precision, "recall": recall, "f1": f1, "seconds": time.perf_counter() - started}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floor", type=float, default=FLOOR, help="fail below this F1 (default %(default)s)")
    parser.add_argument("--all", action="store_true", help="score every page, not only the English subset")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the pages that lose snippets")
    args = parser.parse_args()
    data_dir = shared_data_dir()
    base = data_dir / "html" / "trafilatura-eval-en" if data_dir else None
    if base is None or not base.is_dir():
        return skipped("html_extraction: html/trafilatura-eval-en")
    result = score(base, english_only=not args.all, verbose=args.verbose)
    print(f"pages {result['pages']} (no article: {result['no_article']})  "
          f"snippets tp {result['tp']} fp {result['fp']} fn {result['fn']} tn {result['tn']}")
    print(f"precision {result['precision']:.4f}  recall {result['recall']:.4f}  F1 {result['f1']:.4f}  "
          f"(floor {args.floor:.2f}; {result['seconds']:.1f} s)")
    return 0 if check_floors(result, {"f1": args.floor}) else 1


if __name__ == "__main__":
    raise SystemExit(main())
