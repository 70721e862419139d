"""Content-addressed cache of synthesized sentences and encoded files, written atomically.

A sentence's key hashes everything that changes its sound (engine, voice, engine version, settings, spoken
text), so an unchanged rebuild synthesizes nothing and editing one paragraph re-synthesizes only its sentences.
Encoded files are cached by a key over their narration, pauses, profile and tags, so a warm rebuild encodes
nothing either.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np


def digest(*parts: object) -> str:
    """SHA-256 over a canonical JSON rendering of ``parts``."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Cache:
    """The cache folder: ``sentences/`` (16-bit PCM) and ``files/`` (MP3 plus its measurements)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _sentence(self, key: str) -> Path:
        return self.root / "sentences" / key[:2] / f"{key}.pcm"

    def has_sentence(self, key: str) -> bool:
        """True when the sentence is cached."""
        return self._sentence(key).is_file()

    def put_sentence(self, key: str, samples: np.ndarray) -> None:
        """Store float samples as 16-bit PCM."""
        pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        atomic_write(self._sentence(key), pcm)

    def sentence_length(self, key: str) -> int:
        """Number of samples of a cached sentence."""
        return self._sentence(key).stat().st_size // 2

    def get_sentence(self, key: str) -> np.ndarray:
        """Cached samples as float32."""
        return np.frombuffer(self._sentence(key).read_bytes(), dtype="<i2").astype(np.float32) / 32768.0

    def _file(self, key: str, suffix: str) -> Path:
        return self.root / "files" / key[:2] / f"{key}{suffix}"

    def get_file(self, key: str) -> tuple[bytes, dict] | None:
        """A cached encoded file and its measurements, or None."""
        data, meta = self._file(key, ".mp3"), self._file(key, ".json")
        if not (data.is_file() and meta.is_file()):
            return None
        try:
            return data.read_bytes(), json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put_file(self, key: str, data: bytes, meta: dict) -> None:
        """Store an encoded file; the measurements are written last, so a half-stored entry is a miss."""
        atomic_write(self._file(key, ".mp3"), data)
        atomic_write(self._file(key, ".json"), json.dumps(meta, sort_keys=True).encode())
