"""The web service as a WSGI application: ``POST /alexa`` (the skill), ``GET /healthz``, and the files of ``dist/``.

Static files get fixed MIME types, HEAD, conditional GET (ETag) and single byte ranges (206, or 416 when
unsatisfiable), which podcast apps and Alexa's player rely on to seek, and ``Access-Control-Allow-Origin: *``
(with an answer to CORS preflights) so web players elsewhere can fetch them. Nothing outside ``dist/`` is ever
served: dot segments, hidden files and symlinks leading out are all 404. A HEAD request never gets a body.

Bad requests to ``/alexa`` get a 4xx whose body names only the status; the reason goes to the log.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from gentle_steps.skill.jsonshape import shape_problem
from gentle_steps.skill.mime import mime_type
from gentle_steps.skill.runtime import BadRequest, ReloadingRuntime, SkillRuntime
from gentle_steps.skill.verify import RequestVerifier, VerificationError, check_skill_id

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
"""Largest request body ``/alexa`` accepts (Alexa requests are a few KiB)."""

CORS_HEADERS = [("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Expose-Headers", "Content-Length, Content-Range, Accept-Ranges, ETag, Last-Modified")]
"""Sent with every file of ``dist/``: all of it is public and no request carries credentials, so web players on
other sites may fetch the feed, transcripts, chapters and audio (and read Content-Range to seek)."""

PREFLIGHT_HEADERS = [*CORS_HEADERS, ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
                     ("Access-Control-Allow-Headers", "Range, If-Range, If-None-Match, If-Modified-Since"),
                     ("Access-Control-Max-Age", "86400"), ("Allow", "GET, HEAD, OPTIONS")]
"""The answer to a CORS preflight (``OPTIONS``) for a file of ``dist/``."""

_CHUNK = 64 * 1024
_REASONS = {200: "OK", 206: "Partial Content", 301: "Moved Permanently", 304: "Not Modified",
            400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 411: "Length Required",
            413: "Content Too Large", 415: "Unsupported Media Type", 416: "Range Not Satisfiable",
            500: "Internal Server Error"}

StartResponse = Callable[..., Any]


class RefusalLog:
    """Logs why ``/alexa`` requests were refused, at most ``burst`` lines per ``window_s`` seconds, then one line
    counting the rest: a flood of bad requests must not become a flood of log lines."""

    def __init__(self, burst: int = 20, window_s: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        """Allow ``burst`` lines per ``window_s`` seconds of ``clock``."""
        self.burst = burst
        self.window_s = window_s
        self.clock = clock
        self._window_end = 0.0
        self._logged = 0
        self._suppressed = 0
        self._lock = threading.Lock()

    def log(self, level: int, reason: str) -> None:
        """Log one refusal (or count it, if this window's lines are used up)."""
        with self._lock:
            now = self.clock()
            suppressed = 0
            if now >= self._window_end:
                suppressed, self._suppressed = self._suppressed, 0
                self._window_end, self._logged = now + self.window_s, 0
            allowed = self._logged < self.burst
            if allowed:
                self._logged += 1
            else:
                self._suppressed += 1
        if suppressed:
            log.warning("%d more /alexa requests refused in the last %g s (not logged one by one)",
                        suppressed, self.window_s)
        if allowed:
            log.log(level, "refused /alexa request: %s", reason)


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """A single ``bytes=`` range as inclusive (start, end); None to ignore the header (malformed or several
    ranges: RFC 9110 lets a server send the whole file); False when unsatisfiable."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    first, last = first.strip(), last.strip()
    if not dash or not (_digits(first) or (not first and _digits(last))) or (last and not _digits(last)):
        return None
    if not first:
        length = int(last)
        if length == 0 or size == 0:
            return False
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size:
        return False
    if end < start:
        return None
    return start, min(end, size - 1)


class WebApp:
    """The WSGI application."""

    def __init__(self, dist: str | Path, runtime: SkillRuntime | ReloadingRuntime | None,
                 verifier: RequestVerifier | None,
                 skill_id: str | None = None, max_body: int = MAX_BODY_BYTES) -> None:
        """Serve ``dist``; answer ``/alexa`` with ``runtime`` after ``verifier`` (None: no signature checks)
        and, when given, a check that requests are for ``skill_id``."""
        self.root = Path(dist).resolve()
        self.runtime = runtime
        self.verifier = verifier
        self.skill_id = skill_id
        self.max_body = max_body
        self.refusals = RefusalLog()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer one request; a HEAD request never gets a body, whatever the status."""
        result = self._route(environ, start_response)
        if environ.get("REQUEST_METHOD", "GET").upper() == "HEAD":
            # A body after a HEAD response would be read as the start of the next response on a
            # keep-alive connection.
            close = getattr(result, "close", None)
            if close is not None:
                close()
            return []
        return result

    def _route(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET").upper()
        try:
            if path == "/alexa":
                if method != "POST":
                    return self._status(start_response, 405, [("Allow", "POST")])
                return self._alexa(environ, start_response)
            if path == "/healthz":
                if method not in ("GET", "HEAD"):
                    return self._status(start_response, 405, [("Allow", "GET, HEAD")])
                return self._health(method, start_response)
            if method == "OPTIONS":
                start_response("204 No Content", PREFLIGHT_HEADERS)
                return []
            if method not in ("GET", "HEAD"):
                return self._status(start_response, 405, [("Allow", "GET, HEAD, OPTIONS")])
            return self._static(environ, path, method, start_response)
        except Exception:  # never a traceback to the caller
            log.exception("error serving %s %s", method, path[:200])
            return self._status(start_response, 500)

    # --- responses ---------------------------------------------------------------------------------------

    @staticmethod
    def _status(start_response: StartResponse, code: int, headers: list[tuple[str, str]] | None = None,
                head: bool = False) -> list[bytes]:
        body = f"{code} {_REASONS[code]}\n".encode()
        start_response(f"{code} {_REASONS[code]}", [
            ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
            ("X-Content-Type-Options", "nosniff"), *(headers or [])])
        return [] if head else [body]

    @staticmethod
    def _json(start_response: StartResponse, data: Any, head: bool = False) -> list[bytes]:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        start_response("200 OK", [("Content-Type", "application/json;charset=UTF-8"),
                                  ("Content-Length", str(len(body))), ("X-Content-Type-Options", "nosniff")])
        return [] if head else [body]

    def _health(self, method: str, start_response: StartResponse) -> list[bytes]:
        data = {"status": "ok", "skill": self.runtime is not None, "verification": self.verifier is not None}
        return self._json(start_response, data, head=method == "HEAD")

    # --- the skill -----------------------------------------------------------------------------------------

    def _alexa(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        if self.runtime is None:
            return self._status(start_response, 404)
        media_type = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if media_type != "application/json":
            return self._status(start_response, 415)
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return self._status(start_response, 411)
        if length < 0:
            return self._status(start_response, 400)
        if length > self.max_body:
            return self._status(start_response, 413)
        body = environ["wsgi.input"].read(length) if length else b""
        if len(body) != length:
            return self._status(start_response, 400)
        problem = shape_problem(body)
        if problem is not None:
            self.refusals.log(logging.INFO, problem)
            return self._status(start_response, 400)
        try:
            text = body.decode("utf-8")
            envelope = json.loads(text)
        except ValueError:
            self.refusals.log(logging.INFO, "body is not JSON")
            return self._status(start_response, 400)
        if not isinstance(envelope, dict):
            return self._status(start_response, 400)
        try:
            if self.verifier is not None:
                headers = {"signaturecertchainurl": environ.get("HTTP_SIGNATURECERTCHAINURL", ""),
                           "signature-256": environ.get("HTTP_SIGNATURE_256", "")}
                self.verifier.verify(headers, body, envelope)
            else:
                check_skill_id(envelope, self.skill_id)
        except VerificationError as exc:
            self.refusals.log(logging.WARNING, str(exc))
            return self._status(start_response, 400)
        try:
            answer = self.runtime.answer(envelope, text)
        except BadRequest as exc:
            self.refusals.log(logging.INFO, str(exc))
            return self._status(start_response, 400)
        return self._json(start_response, answer)

    # --- files ---------------------------------------------------------------------------------------------

    def _resolve(self, path: str) -> Path | None:
        try:
            # PEP 3333: PATH_INFO is the decoded path as latin-1 code points; recover the UTF-8 text.
            path = path.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return None
        segments = [s for s in path.split("/") if s]
        for segment in segments:
            if segment.startswith(".") or "\\" in segment or "\x00" in segment or ":" in segment:
                return None
        target = self.root.joinpath(*segments)
        try:
            resolved = target.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if resolved != self.root and self.root not in resolved.parents:
            return None  # a symlink leading out of dist/
        return resolved

    def _static(self, environ: dict[str, Any], path: str, method: str,
                start_response: StartResponse) -> Iterable[bytes]:
        head = method == "HEAD"
        target = self._resolve(path)
        if target is None:
            return self._status(start_response, 404, head=head)
        if target.is_dir():
            if not path.endswith("/"):
                query = environ.get("QUERY_STRING")
                location = path + "/" + (f"?{query}" if query else "")
                return self._status(start_response, 301, [("Location", location)], head=head)
            target = target / "index.html"
        try:
            handle = open(target, "rb")  # noqa: SIM115 - closed by the iterator or file_wrapper
        except OSError:
            return self._status(start_response, 404, head=head)
        try:
            stat = os.fstat(handle.fileno())
            size = stat.st_size
            etag = f'"{size:x}-{stat.st_mtime_ns:x}"'
            last_modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
            headers = [("Content-Type", mime_type(target.name)), ("Accept-Ranges", "bytes"), ("ETag", etag),
                       ("Last-Modified", last_modified), ("X-Content-Type-Options", "nosniff"), *CORS_HEADERS]
            if etag in (environ.get("HTTP_IF_NONE_MATCH") or ""):
                handle.close()
                start_response("304 Not Modified", headers)
                return []
            span: tuple[int, int] | None | bool = None
            range_header = environ.get("HTTP_RANGE")
            if_range = environ.get("HTTP_IF_RANGE")
            if range_header and (not if_range or if_range in (etag, last_modified)):
                span = parse_range(range_header, size)
            if span is False:
                handle.close()
                return self._status(start_response, 416, [("Content-Range", f"bytes */{size}"), *CORS_HEADERS],
                                    head=head)
            if span:
                start, end = span  # type: ignore[misc]
                length = end - start + 1
                start_response("206 Partial Content", [*headers, ("Content-Range", f"bytes {start}-{end}/{size}"),
                                                       ("Content-Length", str(length))])
            else:
                start, length = 0, size
                start_response("200 OK", [*headers, ("Content-Length", str(size))])
            if head:
                handle.close()
                return []
            if start == 0 and length == size and "wsgi.file_wrapper" in environ:
                return environ["wsgi.file_wrapper"](handle, _CHUNK)
            return _read_span(handle, start, length)
        except BaseException:
            handle.close()
            raise


def _read_span(handle: Any, start: int, length: int) -> Iterator[bytes]:
    """Yield ``length`` bytes of ``handle`` from ``start`` in chunks, closing it at the end."""
    try:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(_CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()
