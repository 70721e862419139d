"""Proof-listen the article collection: the share of words an independent recognizer misses, per article.

Builds every article of ``tests/fixtures/corpus`` (and the sample article of ``content/``) with the real Piper
voice into a temporary folder, as one show (the sample's show.toml, lexicon and prompts), runs
``gentle-steps proof`` on it (faster-whisper, Whisper tiny.en) and prints one line per article: words, words
missed, the miss rate and the sentences flagged, against the targets (at most 3% per article, 2% on the sample).
For an article over its target, and with ``--flagged`` for every article, it lists the flagged sentences: what
the voice was given and what the recognizer heard. A flagged sentence is worth a listen, not an error by
itself: the recognizer mishears some clean speech.

    .venv/bin/python scripts/proof_corpus.py [--corpus DIR] [--only NAME ...] [--jobs N] [--flagged]
                                             [--keep DIR]

Needs the ``proof`` extra (``./scripts/setup test`` installs it). Takes a few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_TARGET = 0.03
SAMPLE_TARGET = 0.02
_REFERENCES = (".expected.txt", ".spoken.txt")


def corpus_articles(corpus: Path, only: list[str]) -> list[Path]:
    """The collection's article files (not their references), optionally only those named."""
    from gentle_steps.audio.readers import EXTENSIONS

    found = sorted(p for p in corpus.iterdir()
                   if p.suffix in EXTENSIONS and not p.name.endswith(_REFERENCES) and p.name != "README.md")
    if only:
        found = [p for p in found if p.name in only or p.stem in only]
        missing = set(only) - {p.name for p in found} - {p.stem for p in found}
        if missing:
            sys.exit(f"proof_corpus: not in {corpus}: {', '.join(sorted(missing))}")
    return found


def make_content(tmp: Path, articles: list[Path], with_sample: bool) -> Path:
    """A content folder: the sample's settings, lexicon and prompts; the chosen articles (and the sample's)."""
    content = tmp / "content"
    (content / "articles").mkdir(parents=True)
    for name in ("show.toml", "lexicon.toml", "prompts.toml"):
        shutil.copy2(ROOT / "content" / name, content / name)
    for path in articles:
        shutil.copy2(path, content / "articles" / path.name)
    if with_sample:
        for path in sorted((ROOT / "content" / "articles").iterdir()):
            shutil.copy2(path, content / "articles" / path.name)
    return content


def build_and_proof(content: Path, out: Path, jobs: int):
    """Build ``content`` with Piper into ``out``, then proof-listen it; returns the manifest and the report."""
    from gentle_steps.deploy.pipeline import BuildOptions, build
    from gentle_steps.deploy.proof import run_proof

    started = time.monotonic()
    built = build(BuildOptions(content=content, out=out, voice="piper", jobs=jobs, cache=out.parent / "cache",
                               progress=False))
    print(f"{built.summary()}", file=sys.stderr)
    listened = time.monotonic()
    report, _page = run_proof(out, content)
    print(f"Proof-listened in {time.monotonic() - listened:.0f} s (total {time.monotonic() - started:.0f} s)",
          file=sys.stderr)
    return built.manifest, report


def print_table(manifest, report, sample_names: set[str], show_flagged: bool) -> int:
    """One line per article (the worst first), flagged sentences where asked; returns how many miss a target."""
    sources = {ep.id: Path(ep.source).name for ep in manifest.episodes}
    rows = sorted(report.episodes, key=lambda ep: -ep.miss_rate)
    width = max(len(sources[ep.id]) for ep in rows)
    print(f"{'article':<{width}}  words  missed  miss rate  flagged  target")
    over = 0
    for ep in rows:
        name = sources[ep.id]
        target = SAMPLE_TARGET if name in sample_names else ARTICLE_TARGET
        flagged = [s for sec in ep.sections for s in sec.sentences if s.flagged]
        sentences = sum(len(sec.sentences) for sec in ep.sections)
        met = ep.miss_rate <= target
        over += not met
        print(f"{name:<{width}}  {ep.words:>5}  {ep.missed:>6}  {ep.miss_rate * 100:>8.1f}%  "
              f"{len(flagged):>3} of {sentences:<3}  <= {target * 100:.0f}% {'met' if met else 'NOT met'}")
    print(f"{'all':<{width}}  {report.words:>5}  {report.missed:>6}  {report.miss_rate * 100:>8.1f}%  "
          f"{report.flagged:>3} of {report.sentences:<3}")
    for ep in rows:
        name = sources[ep.id]
        target = SAMPLE_TARGET if name in sample_names else ARTICLE_TARGET
        if not (show_flagged or ep.miss_rate > target):
            continue
        print(f"\n{name}: flagged sentences, least confident first")
        flagged = [s for sec in ep.sections for s in sec.sentences if s.flagged]
        for s in sorted(flagged, key=lambda s: s.confidence):
            changes = "; ".join(f"{c.expected or '(nothing)'} -> {c.heard or '(nothing)'}" for c in s.changes)
            print(f"  [{s.missed}/{s.words} missed, confidence {s.confidence:.2f}] {s.spoken}\n"
                  f"      heard: {s.heard.strip()}\n      changes: {changes}")
    return over


def main() -> int:
    """Build, listen, print the table; exit 0 (the figures are for reading, not a gate), 2 on bad input."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "fixtures" / "corpus",
                        help="folder of articles (default: tests/fixtures/corpus)")
    parser.add_argument("--only", nargs="+", default=[], help="only these articles (file names or stems)")
    parser.add_argument("--no-sample", action="store_true", help="leave the sample article out")
    parser.add_argument("--jobs", type=int, default=2, help="narration threads (default: 2)")
    parser.add_argument("--flagged", action="store_true", help="list flagged sentences of every article")
    parser.add_argument("--keep", type=Path, help="copy the build (dist/, with proof/) to this new folder")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"proof_corpus: {args.corpus.resolve()}: folder not found", file=sys.stderr)
        return 2
    if args.keep and args.keep.exists():
        print(f"proof_corpus: {args.keep.resolve()}: already exists (never overwritten)", file=sys.stderr)
        return 2
    from gentle_steps.audio.proof import ProofError, require_extra

    try:
        require_extra()
    except ProofError as exc:
        print(f"proof_corpus: {exc}", file=sys.stderr)
        return 2
    articles = corpus_articles(args.corpus, args.only)
    sample_names = set() if args.no_sample else {p.name for p in (ROOT / "content" / "articles").iterdir()}
    with tempfile.TemporaryDirectory(prefix="proof-corpus-") as tmp:
        content = make_content(Path(tmp), articles, not args.no_sample)
        manifest, report = build_and_proof(content, Path(tmp) / "dist", args.jobs)
        if args.keep:
            shutil.copytree(Path(tmp) / "dist", args.keep)
    rec = report.recognizer
    print(f"Recognizer: {rec['engine']} {rec['engine_version']}, Whisper {rec['model']} {rec['compute_type']}, "
          f"beam {rec['beam_size']}; {report.audio_ms / 60000:.1f} min of section audio")
    over = print_table(manifest, report, sample_names, args.flagged)
    print(f"\n{over} article(s) over target" if over else "\nEvery article within its target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
