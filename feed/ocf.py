"""The EPUB container (OCF): a ZIP written the same way every time, streaming large files from disk.

EPUB 3.3's OCF rules: the first entry is ``mimetype``, stored (not compressed), with no extra field and the
bytes ``application/epub+zip``. Everything else is ours to choose, so the choices serve determinism: a fixed
timestamp on every entry, Unix attributes, entries in sorted order, text deflated at zlib's default level, media
(already compressed: MP3, PNG, JPEG) stored. Files given as paths are copied in chunks, never read whole.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MIMETYPE = b"application/epub+zip"
"""The content of the ``mimetype`` entry (EPUB 3.3, OCF ZIP container)."""

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every entry's timestamp: the earliest a ZIP can hold, so nothing depends on the clock or on file times."""

STORED_SUFFIXES = (".mp3", ".m4a", ".png", ".jpg", ".jpeg")
"""Entries stored as they are: deflating compressed media costs time and saves nothing."""

_CHUNK = 1 << 16


@dataclass(frozen=True)
class Entry:
    """One file in the container."""

    name: str
    """Path inside the container (POSIX, relative)."""

    source: bytes | Path
    """The content, or a file to stream it from."""


def _info(name: str, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = compress
    info.create_system = 3  # Unix; ZipInfo's default depends on the platform that writes it
    info.external_attr = 0o100644 << 16
    return info


def write_container(target: BinaryIO, entries: Iterable[Entry]) -> None:
    """Write an EPUB container to ``target`` (a seekable binary file): ``mimetype`` first, then ``entries`` sorted.

    Raises :class:`FileNotFoundError` (or another :class:`OSError`) when a source file cannot be read.
    """
    ordered = sorted(entries, key=lambda e: e.name)
    names = [e.name for e in ordered]
    if len(set(names)) != len(names) or "mimetype" in names:
        raise ValueError(f"container entries must be unique and must not include mimetype: {names}")
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr(_info("mimetype", zipfile.ZIP_STORED), MIMETYPE)
        for entry in ordered:
            stored = entry.name.lower().endswith(STORED_SUFFIXES)
            info = _info(entry.name, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
            if isinstance(entry.source, bytes):
                zf.writestr(info, entry.source)
                continue
            size = entry.source.stat().st_size
            info.file_size = size
            with entry.source.open("rb") as src, zf.open(info, "w", force_zip64=size > zipfile.ZIP64_LIMIT) as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
