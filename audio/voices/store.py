"""Installing Piper voices into the voices folder: whole and verified, or not at all.

Verification: the catalog publishes a size and an MD5 per file, so both must match exactly. When the server
states a SHA-256 (Hugging Face does for its LFS files), it must match too. The SHA-256 of every file is
recorded at install time (``installed.py`` reads it back).

Installing: every file is downloaded into a hidden temporary folder beside the voices, verified, fsynced, and
then the folder is renamed into place in one step. A failure, Ctrl-C or a refused file removes the temporary
folder, so a voice folder only ever exists whole.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from gentle_steps.audio.voices.catalog import MAX_CATALOG_BYTES, CatalogFile, CatalogVoice, parse
from gentle_steps.audio.voices.download import DownloadError, fetch_bytes, fetch_file
from gentle_steps.audio.voices.installed import (
    RECORD,
    InstalledVoice,
    VoiceStoreError,
    installed_keys,
    read_installed,
    require,
    voices_dir,
)

CATALOG_COPY = "voices.json"
"""Where ``voices list --refresh`` keeps the newer catalog, inside the voices folder."""

_LEFTOVER = re.compile(r"^\.(?P<key>.+)\.(?:partial|old)-(?P<pid>\d+)")


class VoiceStore:
    """The voices folder: what is installed there, and installing more."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = voices_dir(root)
        """The folder (created on first install)."""

    @property
    def catalog_copy(self) -> Path:
        """The refreshed catalog, if ``voices list --refresh`` has saved one."""
        return self.root / CATALOG_COPY

    def get(self, key: str) -> InstalledVoice | None:
        """The installed voice ``key`` (the shipped one included), or ``None``."""
        return read_installed(self.root, key)

    def require(self, key: str, full: bool = False) -> InstalledVoice:
        """The installed voice ``key``, checked (sizes; ``full``: SHA-256); raises ``VoiceNotInstalled``."""
        return require(self.root, key, full)

    def installed(self) -> list[str]:
        """Keys of the installed voices, the shipped one included, sorted."""
        return installed_keys(self.root)

    def refresh_catalog(self, base_url: str) -> None:
        """Download the catalog, check it parses, and keep it (atomically) as :attr:`catalog_copy`."""
        url = base_url + CATALOG_COPY
        data = fetch_bytes(url, MAX_CATALOG_BYTES)
        try:
            parse(json.loads(data), url)
        except ValueError as exc:
            raise VoiceStoreError(f"the voice catalog at {str(exc).splitlines()[0]}") from None
        self.root.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.catalog_copy, data)

    def install(self, voice: CatalogVoice, base_url: str,
                progress: Callable[[int], None] | None = None) -> InstalledVoice:
        """Download ``voice``'s files, verify them, and move the whole voice into place; nothing on failure.

        Raises :class:`VoiceStoreError` (refused, with the reason) or :class:`DownloadError` (network).
        """
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.root / voice.key
        if target.exists() and not (target / RECORD).is_file():
            raise VoiceStoreError(f"{target} exists and was not made by gentle-steps; move it away first")
        self._remove_abandoned(voice.key)
        free = shutil.disk_usage(self.root).free
        if free < voice.size_bytes + 64 * 1024 * 1024:
            raise VoiceStoreError(f"voice {voice.key} needs {voice.size_bytes // 1_000_000} MB and {self.root} "
                                  f"has {free // 1_000_000} MB free; nothing was installed")
        temp = Path(tempfile.mkdtemp(prefix=f".{voice.key}.partial-{os.getpid()}-", dir=self.root))
        try:
            record = {"schema_version": 1, "voice": voice.key, "source": base_url, "files": {}}
            for role, expected in (("model", voice.model), ("config", voice.config), ("card", voice.card)):
                if expected is not None:
                    url = base_url + quote(expected.path)
                    record["files"][role] = _download_verified(voice.key, url, temp / expected.filename,
                                                               expected, progress)
            _write_atomic(temp / RECORD, json.dumps(record, indent=1, sort_keys=True).encode() + b"\n")
            _fsync_dir(temp)
            self._move_into_place(temp, target)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        installed = self.get(voice.key)
        assert installed is not None
        return installed

    def _move_into_place(self, temp: Path, target: Path) -> None:
        # A damaged earlier install of ours (it has our record) is replaced; it is set aside first, so the
        # folder name only ever points at a whole voice.
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.rename(target, old)
        try:
            os.rename(temp, target)
        except OSError:
            if self.get(target.name) is None:
                if old is not None and not target.exists():
                    os.rename(old, target)
                raise
            shutil.rmtree(temp, ignore_errors=True)  # another `voices add` of this voice finished first
        _fsync_dir(self.root)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _remove_abandoned(self, key: str) -> None:
        """Remove hidden folders of ``key`` left by an install that was killed (its process is gone)."""
        for path in self.root.glob(f".{glob.escape(key)}.*-*"):
            match = _LEFTOVER.match(path.name)
            if match and match.group("key") == key and not _alive(int(match.group("pid"))):
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _download_verified(key: str, url: str, dest: Path, expected: CatalogFile,
                       progress: Callable[[int], None] | None) -> dict[str, object]:
    """Download one file into ``dest`` and check it; raises :class:`VoiceStoreError` when it is not right."""
    with dest.open("wb") as out:
        try:
            got = fetch_file(url, out, expected.size_bytes, progress)
        except DownloadError as exc:
            raise type(exc)(f"voice {key}: {exc}; nothing was installed") from None
        out.flush()
        os.fsync(out.fileno())
    name = expected.filename
    if got.size_bytes != expected.size_bytes:
        more = "more than" if got.size_bytes > expected.size_bytes else "only"
        raise VoiceStoreError(f"voice {key}: {name} arrived with {more} {min(got.size_bytes, expected.size_bytes)}"
                              f" of the catalog's {expected.size_bytes} bytes; refused, nothing was installed")
    if got.md5 != expected.md5:
        raise VoiceStoreError(f"voice {key}: {name} does not match the catalog's MD5 (damaged, or changed "
                              "upstream: try `gentle-steps voices list --refresh`); refused, nothing was installed")
    if got.stated_sha256 is not None and got.stated_sha256 != got.sha256:
        raise VoiceStoreError(f"voice {key}: {name} does not match the SHA-256 the server states for it; "
                              "refused, nothing was installed")
    return {"name": name, "size_bytes": got.size_bytes, "md5": got.md5, "sha256": got.sha256,
            "sha256_stated_by_server": got.stated_sha256 is not None}


def _write_atomic(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with temp.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

