"""``gentle-steps proof``: proof-listen an existing ``dist/`` and write ``dist/proof/`` (report.json, the page).

Reads ``dist/manifest.json`` and the section MP3s it lists; writes only inside ``dist/proof/`` (replaced whole,
through a temporary folder and a rename), so every other file of the build stays as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from gentle_steps.audio.model import Manifest, ManifestError
from gentle_steps.audio.proof import ProofError, Recognizer, proof_manifest, require_extra
from gentle_steps.audio.proof_report import ProofReport
from gentle_steps.deploy.output import json_bytes
from gentle_steps.feed.proof_page import PAGE_DIR, proof_files

REPORT = f"{PAGE_DIR}/report.json"
"""The machine-readable report, relative to ``dist/``."""


def load_manifest(dist: Path) -> Manifest:
    """The build's manifest; :class:`ProofError` in one line when it is missing or unreadable."""
    path = dist / "manifest.json"
    if not path.is_file():
        raise ProofError(f"{path}: no manifest; build first (gentle-steps build --out {dist})")
    try:
        return Manifest.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ProofError(f"{path}: {exc}") from None


def load_lexicon_for(manifest: Manifest, content: Path | None) -> dict[str, str]:
    """The lexicon the build used (``show.toml``'s ``lexicon`` in ``content``), or none when it is not there.

    Without it the comparison still runs, against the spoken text as the voice was given it.
    """
    if content is None:
        return {}
    from gentle_steps.audio.speech import LexiconError, load_lexicon

    path = content / (manifest.show.lexicon or "lexicon.toml")
    try:
        return load_lexicon(path)
    except LexiconError as exc:
        raise ProofError(str(exc)) from None


def write_proof(dist: Path, report: ProofReport, manifest: Manifest) -> Path:
    """Write ``dist/proof/`` whole (report.json, index.html, proof.js); returns the page's path."""
    files = {REPORT: json_bytes(report.to_dict())}
    files.update(proof_files(report, manifest))
    target = dist / PAGE_DIR
    tmp = dist / f".{PAGE_DIR}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    for rel, data in files.items():
        path = tmp / Path(rel).relative_to(PAGE_DIR)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    old = dist / f".{PAGE_DIR}.old-{os.getpid()}"
    if target.exists():
        os.rename(target, old)
    os.rename(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
    return target / "index.html"


def run_proof(dist: Path, content: Path | None = None, progress: bool = False) -> tuple[ProofReport, Path]:
    """Proof-listen ``dist`` and write ``dist/proof/``; raises :class:`ProofError` in one line."""
    require_extra()
    manifest = load_manifest(dist)
    lexicon = load_lexicon_for(manifest, content)

    def say(step: str) -> None:
        print(f"Listening: {step}", file=sys.stderr, flush=True)

    report = proof_manifest(manifest, dist, lexicon, Recognizer(), progress=say if progress else None)
    return report, write_proof(dist, report, manifest)


def summary(report: ProofReport, seconds: float, page: Path) -> str:
    """The closing line."""
    sections = sum(len(ep.sections) for ep in report.episodes)
    return (f"Proof-listened {sections} section(s), {report.sentences} sentences, "
            f"{report.audio_ms / 60000:.1f} min of audio in {seconds:.1f} s: missed {report.missed} of "
            f"{report.words} words ({report.miss_rate * 100:.1f}%); {report.flagged} sentence(s) to listen to, "
            f"{len(report.suggestions)} lexicon suggestion(s). Report: {page}")


def run(args) -> int:
    """``gentle-steps proof`` (and ``build --proof`` after a build): exit 0 with a summary, 2 with one line."""
    dist = Path(getattr(args, "dist", None) or args.out)
    content = Path(args.content) if getattr(args, "content", None) else None
    started = time.monotonic()
    try:
        report, page = run_proof(dist, content, progress=sys.stderr.isatty())
    except (ProofError, ManifestError) as exc:
        print(f"gentle-steps proof: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"gentle-steps proof: cannot write {dist / PAGE_DIR}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("gentle-steps proof: interrupted; the build's files are untouched", file=sys.stderr)
        return 130
    print(summary(report, time.monotonic() - started, page))
    return 0
