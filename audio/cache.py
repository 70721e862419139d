"""Content-addressed cache of synthesized sentences and encoded audio, verified on every read.

A sentence's key hashes everything that changes its sound (engine, voice model, settings, spoken text), so an
unchanged rebuild synthesizes nothing and editing one paragraph re-synthesizes only its sentences. Encoded
audio is cached by a key over its narration, pauses, profile and tags, so a warm rebuild encodes nothing.

Every entry carries its own length and checksum and is checked when read: a truncated, empty or damaged entry
is a miss, made again, never used. Writes go through a temporary file that is flushed and fsynced before the
rename, so a crash leaves either the old entry or the new one.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported only when samples are read or written
    import numpy as np

DEFAULT_MAX_BYTES = 10 * 1024**3
"""After a build the cache is pruned to 80 % of this (least recently used first); ``cache prune`` too."""

_SENTENCE_MAGIC = b"GSPC"
_SENTENCE_HEADER = struct.Struct("<4sBxxxQII")  # magic, version, samples, crc32(data), crc32(header fields)
_SENTENCE_VERSION = 1


def digest(*parts: object) -> str:
    """SHA-256 over a canonical JSON rendering of ``parts``."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, flushed and fsynced, then renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_sha256(path: Path) -> tuple[str, int]:
    """Hex SHA-256 and size of a file, read in chunks (bounded memory)."""
    sha, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


class Cache:
    """The cache folder: ``sentences/`` (16-bit PCM with a checked header) and ``files/`` (MP3 plus facts)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    # --- Sentences ----------------------------------------------------------------------------------------

    def _sentence(self, key: str) -> Path:
        return self.root / "sentences" / key[:2] / f"{key}.pcm"

    def sentence_length(self, key: str) -> int | None:
        """Samples in a cached sentence, or None when it is missing or its header or size is wrong."""
        path = self._sentence(key)
        try:
            with open(path, "rb") as handle:
                header = handle.read(_SENTENCE_HEADER.size)
            size = path.stat().st_size
        except OSError:
            return None
        if len(header) != _SENTENCE_HEADER.size:
            return None
        magic, version, samples, data_crc, header_crc = _SENTENCE_HEADER.unpack(header)
        if (magic, version) != (_SENTENCE_MAGIC, _SENTENCE_VERSION) or samples == 0:
            return None
        if header_crc != zlib.crc32(struct.pack("<QI", samples, data_crc)):
            return None
        if size != _SENTENCE_HEADER.size + 2 * samples:
            return None
        self._touch(path)
        return samples

    def has_sentence(self, key: str) -> bool:
        """True when the sentence is cached with a sound header (its samples are checked when read)."""
        return self.sentence_length(key) is not None

    def put_sentence(self, key: str, samples: np.ndarray) -> None:
        """Store float samples as 16-bit PCM with their length and checksum; empty audio is never stored."""
        import numpy as np

        if not len(samples):
            raise ValueError("refusing to cache an empty sentence")
        pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        data_crc = zlib.crc32(pcm)
        header = _SENTENCE_HEADER.pack(_SENTENCE_MAGIC, _SENTENCE_VERSION, len(samples), data_crc,
                                       zlib.crc32(struct.pack("<QI", len(samples), data_crc)))
        atomic_write(self._sentence(key), header + pcm)

    def get_sentence(self, key: str) -> np.ndarray | None:
        """Cached samples as float32, or None when the entry is missing or damaged (then it is removed)."""
        import numpy as np

        path = self._sentence(key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        ok = len(raw) > _SENTENCE_HEADER.size
        if ok:
            magic, version, samples, data_crc, _ = _SENTENCE_HEADER.unpack(raw[:_SENTENCE_HEADER.size])
            pcm = raw[_SENTENCE_HEADER.size:]
            ok = (magic == _SENTENCE_MAGIC and version == _SENTENCE_VERSION and samples > 0
                  and len(pcm) == 2 * samples and zlib.crc32(pcm) == data_crc)
        if not ok:
            path.unlink(missing_ok=True)
            return None
        return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0

    # --- Encoded audio ------------------------------------------------------------------------------------

    def _file(self, key: str, suffix: str) -> Path:
        return self.root / "files" / key[:2] / f"{key}{suffix}"

    def file_facts(self, key: str) -> dict | None:
        """What is known about a cached file (its sha256, size and measurements), or None when missing.

        The MP3 itself is checked against these facts when it is read (:meth:`file_path`).
        """
        try:
            facts = json.loads(self._file(key, ".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(facts, dict) or not isinstance(facts.get("sha256"), str):
            return None
        return facts

    def file_path(self, key: str) -> Path | None:
        """The cached MP3 for ``key`` after checking its size and sha256, or None (a damaged entry is removed)."""
        facts = self.file_facts(key)
        path = self._file(key, ".mp3")
        if facts is None:
            return None
        try:
            sha, size = file_sha256(path)
        except OSError:
            return None
        if (sha, size) != (facts["sha256"], facts.get("bytes")):
            path.unlink(missing_ok=True)
            self._file(key, ".json").unlink(missing_ok=True)
            return None
        self._touch(path)
        return path

    def put_file(self, key: str, data: bytes, facts: dict) -> dict:
        """Store an encoded file and its facts (sha256 and size added); facts are written last."""
        facts = {**facts, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        atomic_write(self._file(key, ".mp3"), data)
        atomic_write(self._file(key, ".json"), json.dumps(facts, sort_keys=True).encode())
        return facts

    def put_file_from(self, key: str, source: Path, facts: dict) -> dict:
        """Store an encoded file that is already on disk (copied in chunks), with its facts."""
        sha, size = file_sha256(source)
        target = self._file(key, ".mp3")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                while chunk := src.read(1 << 20):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        facts = {**facts, "sha256": sha, "bytes": size}
        atomic_write(self._file(key, ".json"), json.dumps(facts, sort_keys=True).encode())
        return facts

    # --- Size ---------------------------------------------------------------------------------------------

    @staticmethod
    def _touch(path: Path) -> None:
        try:
            os.utime(path)  # "recently used" for pruning
        except OSError:
            pass

    def _entries(self) -> Iterator[tuple[float, int, Path]]:
        for folder in ("sentences", "files"):
            for path in (self.root / folder).glob("*/*"):
                try:
                    stat = path.stat()
                except OSError:
                    continue
                yield stat.st_mtime, stat.st_size, path

    def size(self) -> int:
        """Bytes the cache holds."""
        return sum(size for _, size, _ in self._entries())

    def prune(self, max_bytes: int) -> tuple[int, int]:
        """Remove least recently used entries until the cache holds at most ``max_bytes``.

        Returns (entries removed, bytes freed). An MP3 and its facts go together.
        """
        entries = sorted(self._entries())
        total = sum(size for _, size, _ in entries)
        removed = freed = 0
        for _, _size, path in entries:
            if total <= max_bytes:
                break
            if not path.exists():
                continue
            partner = path.with_suffix(".json" if path.suffix == ".mp3" else ".mp3") \
                if path.suffix in (".mp3", ".json") else None
            for victim in filter(None, (path, partner)):
                try:
                    victim_size = victim.stat().st_size
                    victim.unlink()
                except OSError:
                    continue
                total -= victim_size
                freed += victim_size
                removed += 1
        return removed, freed
