"""HTTP for the voice store: stream one file to disk while hashing it, or fetch a small document, bounded.

Only ``voices add`` and ``voices list --refresh`` come here; the build never does. Every network failure
becomes :class:`Unreachable` (offline, refused, timed out) or :class:`DownloadError` (the server answered, but
not with the file), each with a message short enough for one line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

import requests

TIMEOUT = (10, 60)
"""Seconds to connect, and to wait for each chunk: a stalled server ends the download instead of hanging it."""

CHUNK = 1024 * 1024
"""Bytes read at a time (memory stays bounded whatever the file's size)."""

USER_AGENT = "gentle-steps voices"

_SHA256 = re.compile(r'^(?:W/)?"?([0-9a-f]{64})"?$')


class DownloadError(RuntimeError):
    """The server answered, but not with what was asked for (an HTTP error, or too many bytes)."""


class Unreachable(DownloadError):
    """No answer at all: offline, connection refused, DNS failure or a time-out."""


@dataclass(frozen=True)
class Fetched:
    """What was written, measured while it streamed."""

    size_bytes: int
    """Bytes written."""

    md5: str
    """MD5 hex digest (compared with the catalog's)."""

    sha256: str
    """SHA-256 hex digest (recorded, and the voice's identity)."""

    stated_sha256: str | None
    """SHA-256 the server stated for the file, if any (Hugging Face's ``X-Linked-Etag``: the Git LFS object id)."""


def _get(url: str) -> requests.Response:
    try:
        response = requests.get(url, stream=True, timeout=TIMEOUT, headers={"User-Agent": USER_AGENT})
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise Unreachable(f"cannot reach {url} ({_why(exc)})") from None
    except requests.RequestException as exc:
        raise DownloadError(f"{url}: {_why(exc)}") from None
    if response.status_code != 200:
        response.close()
        raise DownloadError(f"{url} answered HTTP {response.status_code}")
    return response


def _why(exc: Exception) -> str:
    text = str(exc)
    if "Connection refused" in text or "Failed to establish" in text or "NameResolution" in text:
        return "offline?"
    if isinstance(exc, requests.Timeout):
        return "timed out"
    return type(exc).__name__


def _stated_sha256(response: requests.Response) -> str | None:
    # Hugging Face answers a resolve URL with a redirect to its CDN; that first answer carries the LFS object
    # id (a SHA-256) in X-Linked-Etag. Look through the redirect chain as well as the final answer.
    for answer in [*response.history, response]:
        match = _SHA256.match(answer.headers.get("X-Linked-Etag", "").strip().lower())
        if match:
            return match.group(1)
    return None


def fetch_file(url: str, out: BinaryIO, limit: int, progress: Callable[[int], None] | None = None) -> Fetched:
    """Stream ``url`` into ``out``, hashing as it goes; stops reading past ``limit`` bytes.

    The caller compares the result with what it expected; a body longer than ``limit`` is never written in
    full (the count then reads ``limit + 1``).
    """
    md5, sha256, written = hashlib.md5(usedforsecurity=False), hashlib.sha256(), 0
    with _get(url) as response:
        stated = _stated_sha256(response)
        try:
            for chunk in response.iter_content(CHUNK):
                chunk = chunk[: limit + 1 - written]
                out.write(chunk)
                md5.update(chunk)
                sha256.update(chunk)
                written += len(chunk)
                if progress:
                    progress(len(chunk))
                if written > limit:
                    break
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise Unreachable(f"{url}: the download broke off after {written} bytes ({_why(exc)})") from None
        except requests.RequestException as exc:
            raise DownloadError(f"{url}: the download broke off after {written} bytes ({_why(exc)})") from None
    return Fetched(written, md5.hexdigest(), sha256.hexdigest(), stated)


def fetch_bytes(url: str, limit: int) -> bytes:
    """A small document (the catalog), at most ``limit`` bytes; raises :class:`DownloadError` past that."""
    parts, total = [], 0
    with _get(url) as response:
        try:
            for chunk in response.iter_content(CHUNK):
                total += len(chunk)
                if total > limit:
                    raise DownloadError(f"{url} is larger than {limit} bytes")
                parts.append(chunk)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise Unreachable(f"{url}: the download broke off ({_why(exc)})") from None
        except requests.RequestException as exc:
            raise DownloadError(f"{url}: the download broke off ({_why(exc)})") from None
    return b"".join(parts)
