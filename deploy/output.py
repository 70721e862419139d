"""The build's last stage: ``dist/`` written whole into a temporary folder, then swapped into place.

Also the one JSON writer every generated JSON file goes through, and the guard that keeps ``--out`` from ever
naming a folder the author made.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class OutputError(ValueError):
    """The output folder cannot be used; the message names it and the problem."""


def json_bytes(data: Any) -> bytes:
    """JSON as every generated file writes it: UTF-8, two-space indent, keys in the order given, final newline."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def encode(files: dict[str, Any]) -> dict[str, bytes]:
    """Rendered files as bytes: JSON-ready values (dicts, lists) through :func:`json_bytes`."""
    return {path: data if isinstance(data, bytes) else json_bytes(data) for path, data in files.items()}


OUTPUT_MARKER = ".gentle-steps-output"
"""A file every output folder holds: only a folder with it (or a manifest of ours) is ever replaced."""

MARKER_TEXT = b"This folder is written by gentle-steps build and replaced whole on every build.\n"


def default_cache(content: Path) -> Path:
    """The synthesis cache beside the content folder."""
    return content.resolve().parent / ".cache" / "gentle-steps"


def _is_previous_output(folder: Path) -> bool:
    if (folder / OUTPUT_MARKER).is_file():
        return True
    try:  # an output written before the marker existed
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "schema_version" in data and "episodes" in data


def _holds(outer: Path, inner: Path) -> bool:
    return inner == outer or outer in inner.parents


def check_out(out: Path, content: Path, cache: Path) -> None:
    """Refuse an output folder whose replacement would lose anything the author made.

    The build replaces ``out`` whole, so it must be new, empty, or a previous output of ours; never the
    current folder, the content, the cache, a git work tree, a file, or a folder that holds any of them.
    """
    name = str(out)
    if not name.strip():
        raise OutputError("--out is empty; name the output folder, e.g. --out dist")
    where = f"--out {name!r}"
    target = Path(os.path.abspath(out))
    resolved = target.resolve()
    if target.is_symlink():
        raise OutputError(f"{where} is a symbolic link; name the folder itself")
    if resolved.exists() and not resolved.is_dir():
        raise OutputError(f"{where} is a file, not a folder; name a new folder, e.g. --out dist")
    if _holds(resolved, Path.cwd().resolve()):
        raise OutputError(f"{where} is the current folder (or holds it); name a new folder, e.g. --out dist")
    content, cache = content.resolve(), cache.resolve()
    if _holds(resolved, content):
        raise OutputError(f"{where} holds the content folder {content}; name a new folder, e.g. --out dist")
    if _holds(content, resolved):
        raise OutputError(f"{where} is inside the content folder {content}; name a folder outside it")
    if _holds(resolved, cache) or _holds(cache, resolved):
        raise OutputError(f"{where} holds the cache {cache} (or is inside it); name another folder")
    if not resolved.exists():
        return
    if (resolved / ".git").exists():
        raise OutputError(f"{where} is a git work tree; name a new folder, e.g. --out dist")
    if any(resolved.iterdir()) and not _is_previous_output(resolved):
        raise OutputError(f"{where} is not a previous Gentle Steps output (it has no {OUTPUT_MARKER} file) "
                         "and is not empty; name a new or empty folder")



def write_atomically(out: Path, outputs: dict[str, bytes], copies: dict[str, Path] | None = None) -> None:
    """Write every output (and the output marker) into a sibling temporary folder, then swap it into place.

    ``copies`` are files copied in (the audio, from the cache), so no audio is ever held in memory.
    """
    outputs = {**outputs, OUTPUT_MARKER: MARKER_TEXT}
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        for rel, data in sorted(outputs.items()):
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for rel, source in sorted((copies or {}).items()):
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(new: Path, out: Path) -> None:
    """Put ``new`` in place of ``out``: one atomic exchange on Linux, so ``out`` is never missing."""
    if out.exists() and _exchange(new, out):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the previous output
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.rename(out, old)
    os.rename(new, out)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths with renameat2(RENAME_EXCHANGE); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the output folder for one build: a second build on the same folder is refused at once.

    The lock is a hidden file beside the folder, removed when the build ends.
    """
    import fcntl

    out = Path(os.path.abspath(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    path = out.parent / f".{out.name}.lock"
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held open for the whole build
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.stat(path).st_ino != os.fstat(handle.fileno()).st_ino:
                raise BlockingIOError  # the file was removed and made again by a build that just finished
        except (BlockingIOError, FileNotFoundError):
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise OutputError(f"--out {str(out)!r}: another build is writing it (pid {holder}); wait for it to "
                              "finish") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            path.unlink(missing_ok=True)  # while still locked: a newcomer then makes a fresh file
    finally:
        handle.close()


def recover(out: Path) -> None:
    """Undo what a build killed mid-swap left: restore the old output, remove stale temporary folders.

    Run before anything reads or writes ``out`` (every command that reads ``dist/`` calls it).
    """
    olds = sorted(out.parent.glob(f".{out.name}.old-*"))
    if not out.exists() and olds:
        os.rename(olds[-1], out)
        olds = olds[:-1]
    for stale in olds + list(out.parent.glob(f".{out.name}.tmp-*")):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue
        shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


