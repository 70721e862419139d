"""Measure main-content extractors on saved web pages (a figure for the README, never a timed test).

Two kinds of evaluation folders are understood, both made of real saved pages with a statement of what the
article is, so no expected output comes from the code under test:

- ``--snippets DIR``: ``DIR/evaldata.json`` maps a URL to ``{"file", "with": [...], "without": [...]}``; the page
  is ``DIR/cache/FILE`` or ``DIR/eval/FILE``. "with" are sentences of the article, "without" are page furniture
  (menus, footers, share buttons, comments). This is the shape of trafilatura's evaluation set.
- ``--expected DIR``: one folder per page holding ``source.html`` (the saved page) and ``expected.html`` (the
  article alone). This is the shape of Mozilla Readability's test pages. Article blocks are the text blocks of
  ``expected.html``; furniture blocks are the body's text blocks that do not occur in the article.
- ``--corpus DIR``: our own fixtures: every ``*.html`` beside a ``*.expected.txt`` reference (see
  tests/fixtures/corpus/README.md); article blocks are the reference's lines, furniture the page's other blocks.

readability-lxml is not a project dependency (trafilatura won the measurement); install it to compare
(``.venv/bin/python -m pip install readability-lxml``); without it that row reports every page empty.

For each extractor it prints the share of article blocks kept and of furniture blocks dropped, per page with
``--per-page`` and in total (micro-averaged over blocks and macro-averaged over pages), plus the pages where an
extractor found nothing.

    .venv/bin/python scripts/measure_extract.py --snippets ~/trafilatura/tests --expected ~/readability/test/test-pages
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

_BLOCKS = "//p | //li | //h1 | //h2 | //h3 | //h4 | //h5 | //h6 | //pre | //blockquote | //td | //dd | //dt"


def _norm(text: str) -> str:
    # Footnote markers ("[12]") are left out of the comparison: a reader drops them, and no one misses them.
    return re.sub(r"\s+", " ", re.sub(r"\[\d{1,3}\]", "", text)).strip().lower()


def _text(fragment: str | None) -> str:
    if not fragment:
        return ""
    try:
        return _norm(lxml.html.fromstring(fragment).text_content())
    except (ValueError, lxml.etree.ParserError):
        return ""


def _blocks(html: str, min_words: int = 5) -> list[str]:
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    for bad in root.xpath("//script | //style | //noscript | //template"):
        bad.drop_tree()
    out = []
    for el in root.xpath(_BLOCKS):
        if el.xpath(".//p | .//li | .//blockquote"):
            continue  # only innermost blocks, so a container does not count twice
        text = _norm(el.text_content())
        if len(text.split()) >= min_words:
            out.append(text)
    return out


# --- Candidates ---------------------------------------------------------------------------------------------


def _trafilatura(recall: bool) -> Callable[[str, str | None], str | None]:
    import trafilatura

    def run(html: str, url: str | None) -> str | None:
        return trafilatura.extract(html, url=url, output_format="html", include_comments=False, include_tables=True,
                                   include_links=True, include_images=False, favor_recall=recall)
    return run


def _readability(html: str, url: str | None) -> str | None:
    try:
        from readability import Document  # not a project dependency: pip install readability-lxml
    except ImportError:
        return None

    return Document(html, url=url).summary(html_partial=True)


def _ours(html: str, url: str | None) -> str | None:
    from gentle_steps.audio.extract import extract_main_html

    return extract_main_html(html, url)


def _narration(html: str, url: str | None) -> str | None:
    """What the HTML reader narrates (title, then every block): references, footnotes and markers left out."""
    from html import escape

    from gentle_steps.audio.readers import ArticleError, read_text

    try:
        article = read_text(html, "page.html", "html")
    except ArticleError:
        return None
    blocks = [article.title] + [s.title for s in article.sections] + [b.text for s in article.sections
                                                                      for b in s.blocks]
    return "<div>" + "".join(f"<p>{escape(b)}</p>" for b in blocks) + "</div>"


CANDIDATES: dict[str, Callable[[str, str | None], str | None]] = {
    "trafilatura": _trafilatura(False),
    "trafilatura-recall": _trafilatura(True),
    "readability-lxml": _readability,
    "extract_main_html": _ours,
    "narration": _narration,
}


# --- Cases --------------------------------------------------------------------------------------------------


@dataclass
class Case:
    """One page with what belongs to the article and what is furniture (normalized text)."""

    name: str
    html: str
    url: str | None
    article: list[str]
    furniture: list[str]


def snippet_cases(folder: Path) -> list[Case]:
    """Pages of a trafilatura-style evaluation set."""
    data = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    cases = []
    for url, entry in data.items():
        path = next((p for p in (folder / "cache" / entry["file"], folder / "eval" / entry["file"]) if p.is_file()),
                    None)
        if path is None:
            continue
        html = path.read_bytes().decode("utf-8", "replace")
        cases.append(Case(entry["file"], html, url, [_norm(s) for s in entry.get("with", []) if s.strip()],
                          [_norm(s) for s in entry.get("without", []) if s.strip()]))
    return cases


def expected_cases(folder: Path) -> list[Case]:
    """Pages of a Readability-style test folder."""
    cases = []
    for page in sorted(p for p in folder.iterdir() if (p / "source.html").is_file()):
        source = (page / "source.html").read_text(encoding="utf-8", errors="replace")
        article = _blocks((page / "expected.html").read_text(encoding="utf-8", errors="replace"))
        whole = " ".join(article)
        furniture = [b for b in dict.fromkeys(_blocks(source)) if b not in whole]
        cases.append(Case(page.name, source, None, article, furniture))
    return cases


def corpus_cases(folder: Path) -> list[Case]:
    """Our own saved-page fixtures with their hand-written narration references."""
    cases = []
    for page in sorted(folder.glob("*.html")):
        ref = page.with_name(page.stem + ".expected.txt")
        if not ref.is_file():
            continue
        article: list[str] = []
        started = False
        for line in ref.read_text(encoding="utf-8").splitlines():
            if line.startswith("title:") and not started:
                article.append(_norm(line.partition(":")[2]))
            started = started or line.startswith("## ")
            if not started or not line.strip() or line == "## Introduction":
                continue
            article.append(_norm(re.sub(r"^(##|-|\d+\.)\s+", "", line)))
        html = page.read_text(encoding="utf-8")
        whole = " ".join(article)
        furniture = [b for b in dict.fromkeys(_blocks(html, 1)) if b not in whole]
        cases.append(Case(page.name, html, None, article, furniture))
    return cases


# --- Scoring ------------------------------------------------------------------------------------------------


@dataclass
class Score:
    """Counts for one extractor over a set of pages."""

    kept: int = 0
    article: int = 0
    dropped: int = 0
    furniture: int = 0
    page_kept: list[float] = field(default_factory=list)
    page_dropped: list[float] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self, name: str) -> str:
        def pct(a: int, b: int) -> str:
            return f"{100 * a / b:5.1f}%" if b else "   - "

        def mean(xs: list[float]) -> str:
            return f"{100 * sum(xs) / len(xs):5.1f}%" if xs else "   - "

        return (f"{name:20} article kept {pct(self.kept, self.article)} (pages {mean(self.page_kept)})  "
                f"furniture dropped {pct(self.dropped, self.furniture)} (pages {mean(self.page_dropped)})  "
                f"empty {len(self.empty):3}  {self.seconds:6.1f} s")


def score(cases: list[Case], names: list[str], per_page: bool) -> dict[str, Score]:
    """Run every candidate on every case."""
    scores = {n: Score() for n in names}
    for case in cases:
        row = []
        for name in names:
            start = time.perf_counter()
            try:
                out = CANDIDATES[name](case.html, case.url)
            except Exception as exc:  # a crash on a real page counts as finding nothing
                print(f"  {name} failed on {case.name}: {exc!r}", file=sys.stderr)
                out = None
            s = scores[name]
            s.seconds += time.perf_counter() - start
            text = _text(out)
            if not text:
                s.empty.append(case.name)
            kept = sum(1 for a in case.article if a in text)
            dropped = sum(1 for f in case.furniture if f not in text)
            s.kept += kept
            s.article += len(case.article)
            s.dropped += dropped
            s.furniture += len(case.furniture)
            if case.article:
                s.page_kept.append(kept / len(case.article))
            if case.furniture:
                s.page_dropped.append(dropped / len(case.furniture))
            row.append(f"{name}={kept}/{len(case.article)},{dropped}/{len(case.furniture)}")
        if per_page:
            print(f"  {case.name}: " + "  ".join(row))
    return scores


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, measure, print one table per evaluation folder."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--snippets", type=Path, help="trafilatura-style folder (evaldata.json)")
    parser.add_argument("--expected", type=Path, help="Readability-style folder (*/source.html, expected.html)")
    parser.add_argument("--corpus", type=Path, help="our fixtures folder (*.html with *.expected.txt)")
    parser.add_argument("--only", nargs="*", choices=sorted(CANDIDATES), default=sorted(CANDIDATES))
    parser.add_argument("--limit", type=int, default=0, help="at most this many pages per folder")
    parser.add_argument("--per-page", action="store_true")
    args = parser.parse_args(argv)
    folders = [(label, fn, path) for label, fn, path in (
        ("snippets", snippet_cases, args.snippets), ("expected", expected_cases, args.expected),
        ("corpus", corpus_cases, args.corpus)) if path]
    if not folders:
        parser.error("name at least one of --snippets, --expected, --corpus")
    for label, load, path in folders:
        cases = load(path)
        if args.limit:
            cases = cases[:args.limit]
        print(f"{label}: {len(cases)} pages from {path}")
        for name, s in score(cases, args.only, args.per_page).items():
            print("  " + s.line(name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
