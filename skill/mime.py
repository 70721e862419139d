"""The one Content-Type table for files of ``dist/``: ``serve`` answers with it and ``publish`` stores it in S3.

A fixed table, so answers never depend on the host's ``/etc/mime.types``. Text types carry ``charset=utf-8``
(the build writes UTF-8); ``application/json`` does not, since JSON is UTF-8 by definition (RFC 8259).
"""

from __future__ import annotations

import os

MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".json": "application/json",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".epub": "application/epub+zip",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
    ".zip": "application/zip",
}
"""Content-Type by lower-case extension."""

FEED_NAMES = {"feed.xml"}
"""Files served as RSS (``application/rss+xml``) rather than generic XML."""

DEFAULT_TYPE = "application/octet-stream"
"""The type of a file whose extension is not in :data:`MIME_TYPES`."""


def mime_type(name: str) -> str:
    """The Content-Type for a file name (a path's last component; a path also works)."""
    name = name.rsplit("/", 1)[-1]
    if name in FEED_NAMES:
        return MIME_TYPES[".rss"]
    return MIME_TYPES.get(os.path.splitext(name)[1].lower(), DEFAULT_TYPE)
