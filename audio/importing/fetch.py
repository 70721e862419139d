"""Polite HTTP for the importer: one user agent, robots.txt, timeouts, bounded retries and sizes, redirects
followed by hand (so a loop is named and robots.txt is checked on every host), and conditional requests.

Everything a remote site can send is bounded: the body is read in chunks and dropped past
:attr:`FetchPolicy.max_bytes`, a whole response must arrive within :attr:`FetchPolicy.total_timeout`, at most
:attr:`FetchPolicy.attempts` tries are made with a capped backoff, and at most :attr:`FetchPolicy.max_pages`
requests are made in one run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from importlib import metadata
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests
import urllib3


def _user_agent() -> str:
    try:
        version = metadata.version("gentle-steps")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"gentle-steps-import/{version} (Gentle Steps article importer; respects robots.txt)"


USER_AGENT = _user_agent()
"""What every request says it is: the project, the importer and that it obeys robots.txt."""

_RETRY_STATUS = {429, 500, 502, 503, 504}


class FetchError(Exception):
    """A URL cannot be fetched; ``str()`` is one line naming the URL and the problem."""

    def __init__(self, message: str, *, network: bool = False, cap: bool = False) -> None:
        super().__init__(message)
        self.network = network
        """True when the site could not be reached (exit status 1 rather than 2)."""
        self.cap = cap
        """True when the run's page cap stopped this request (the item is skipped, not an error)."""


@dataclass(frozen=True)
class FetchPolicy:
    """How politely and how far the importer fetches."""

    user_agent: str = USER_AGENT
    """User-Agent header, also the name looked up in robots.txt."""

    connect_timeout: float = 10.0
    """Seconds to wait for a connection."""

    read_timeout: float = 20.0
    """Seconds to wait for each chunk of a response."""

    total_timeout: float = 60.0
    """Seconds a whole response (headers and body) may take, so a trickling server cannot stall a run."""

    attempts: int = 3
    """Tries per request for connection errors, timeouts and 429/5xx answers."""

    backoff: float = 0.5
    """Seconds before the second try; doubled for each later one."""

    max_backoff: float = 10.0
    """Longest wait between tries, whatever Retry-After asks for."""

    max_bytes: int = 10 * 1024 * 1024
    """Largest response body read; a larger one is refused."""

    max_pages: int = 200
    """Most requests in one run (robots.txt not counted)."""

    max_redirects: int = 10
    """Most redirects followed for one request."""

    max_crawl_delay: float = 10.0
    """Longest robots.txt Crawl-delay honoured between requests to one host."""


@dataclass
class Fetched:
    """One answered request: the body (empty for 304) and the validators for the next conditional request."""

    url: str
    """The URL asked for."""

    final_url: str
    """Where redirects ended."""

    status: int
    """200, or 304 when the stored ETag / Last-Modified still hold."""

    body: bytes = b""
    """The response body (decoded from gzip/deflate), at most ``max_bytes``."""

    content_type: str = ""
    """Content-Type header, lowercased."""

    etag: str = ""
    """ETag header, if any."""

    last_modified: str = ""
    """Last-Modified header, if any."""


@dataclass
class Fetcher:
    """An HTTP session with the importer's manners; ``validators`` maps URL -> {etag, last_modified}."""

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    validators: dict[str, dict[str, str]] = field(default_factory=dict)
    requests_made: int = 0
    not_modified: int = 0

    def __post_init__(self) -> None:
        self._session = requests.Session()
        self._session.headers.update({"User-Agent": self.policy.user_agent,
                                      "Accept-Encoding": "gzip, deflate"})
        self._robots: dict[str, RobotFileParser | None] = {}
        self._last_request: dict[str, float] = {}

    def close(self) -> None:
        """Close pooled connections."""
        self._session.close()

    def get(self, url: str, *, conditional: bool = True, accept: str = "*/*") -> Fetched:
        """Fetch ``url`` following redirects; raises :class:`FetchError` with one line naming the problem."""
        if self.requests_made >= self.policy.max_pages:
            raise FetchError(f"{url}: not fetched, the run's cap of {self.policy.max_pages} pages was reached",
                             cap=True)
        headers = {"Accept": accept}
        stored = self.validators.get(url, {}) if conditional else {}
        if stored.get("etag"):
            headers["If-None-Match"] = stored["etag"]
        if stored.get("last_modified"):
            headers["If-Modified-Since"] = stored["last_modified"]
        chain = [url]
        current = url
        while True:
            _check_scheme(current, url)
            self._obey_robots(current, url)
            response = self._request(current, headers, url)
            if response.is_redirect:
                location = response.headers.get("Location", "")
                response.close()
                current = urljoin(current, location)
                if current in chain:
                    raise FetchError(f"{url}: redirect loop: {' -> '.join([*chain[chain.index(current):], current])}")
                chain.append(current)
                if len(chain) > self.policy.max_redirects + 1:
                    raise FetchError(f"{url}: more than {self.policy.max_redirects} redirects")
                continue
            return self._finish(url, current, response)

    def _finish(self, url: str, final: str, response: requests.Response) -> Fetched:
        with response:
            status = response.status_code
            if status == 304:
                self.not_modified += 1
                return Fetched(url, final, 304, etag=self.validators.get(url, {}).get("etag", ""),
                               last_modified=self.validators.get(url, {}).get("last_modified", ""))
            if status != 200:
                where = "" if final == url else f" (redirected to {final})"
                reason = {404: "not found", 410: "gone", 401: "needs a login", 403: "refused"}.get(status, "failed")
                raise FetchError(f"{url}{where}: {reason} (HTTP {status})", network=status >= 500)
            body = self._read_body(url, response)
            return Fetched(url, final, 200, body, response.headers.get("Content-Type", "").lower(),
                           response.headers.get("ETag", ""), response.headers.get("Last-Modified", ""))

    def _read_body(self, url: str, response: requests.Response) -> bytes:
        limit = self.policy.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(f"{url}: response is {int(declared) / 1048576:.1f} MB; the limit is "
                             f"{limit / 1048576:.0f} MB")
        deadline = time.monotonic() + self.policy.total_timeout
        chunks, size = [], 0
        try:
            for chunk in _chunks(response):
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"{url}: response is over the {limit / 1048576:.0f} MB limit; stopped reading")
                if time.monotonic() > deadline:
                    raise FetchError(f"{url}: the site sent too slowly (over {self.policy.total_timeout:.0f} s)",
                                     network=True)
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise FetchError(f"{url}: the connection broke while reading ({_reason(exc)})", network=True) from None
        return b"".join(chunks)

    def _request(self, current: str, headers: dict[str, str], asked: str) -> requests.Response:
        """One request with bounded retries; counts toward the page cap."""
        self._pause_for(current)
        self.requests_made += 1
        policy = self.policy
        for attempt in range(policy.attempts):
            last = attempt == policy.attempts - 1
            try:
                response = self._session.get(current, headers=headers, stream=True, allow_redirects=False,
                                             timeout=(policy.connect_timeout, policy.read_timeout))
            except requests.RequestException as exc:
                if last:
                    host = urlsplit(current).netloc
                    raise FetchError(f"{asked}: cannot reach {host} ({_reason(exc)})", network=True) from None
                time.sleep(self._backoff(attempt, None))
                continue
            if response.status_code in _RETRY_STATUS and not last:
                wait = self._backoff(attempt, response.headers.get("Retry-After"))
                response.close()
                time.sleep(wait)
                continue
            return response
        raise AssertionError("unreachable")  # the loop returns or raises on its last attempt

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        wait = self.policy.backoff * (2 ** attempt)
        if retry_after and retry_after.strip().isdigit():
            wait = max(wait, float(retry_after.strip()))
        return min(wait, self.policy.max_backoff)

    def _pause_for(self, url: str) -> None:
        """Honour robots.txt Crawl-delay between requests to one host (capped)."""
        origin = _origin(url)
        robots = self._robots.get(origin)
        delay = robots.crawl_delay(self.policy.user_agent) if robots is not None else None
        if delay and origin in self._last_request:
            wait = min(float(delay), self.policy.max_crawl_delay) - (time.monotonic() - self._last_request[origin])
            if wait > 0:
                time.sleep(wait)
        self._last_request[origin] = time.monotonic()

    def _obey_robots(self, url: str, asked: str) -> None:
        origin = _origin(url)
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin, asked)
        robots = self._robots[origin]
        if robots is not None and not robots.can_fetch(self.policy.user_agent, url):
            raise FetchError(f"{url}: robots.txt of {urlsplit(url).netloc} does not allow fetching it")

    def _load_robots(self, origin: str, asked: str) -> RobotFileParser | None:
        """The site's robots.txt rules; None when it has none (everything allowed)."""
        url = origin + "/robots.txt"
        parser = RobotFileParser(url)
        for _ in range(5):  # robots.txt itself may redirect (http -> https, or to www.)
            try:
                response = self._session.get(url, stream=True, allow_redirects=False,
                                             timeout=(self.policy.connect_timeout, self.policy.read_timeout))
            except requests.RequestException as exc:
                raise FetchError(f"{asked}: cannot reach {urlsplit(origin).netloc} ({_reason(exc)})",
                                 network=True) from None
            with response:
                if response.is_redirect:
                    url = urljoin(url, response.headers.get("Location", ""))
                    continue
                if response.status_code in (401, 403):
                    parser.disallow_all = True  # as urllib.robotparser reads these: nothing allowed
                    return parser
                if 400 <= response.status_code < 500:
                    return None
                if response.status_code != 200:
                    raise FetchError(f"{asked}: robots.txt answered HTTP {response.status_code}; not fetching "
                                     "until the site is well", network=True)
                text = self._read_body(url, response).decode("utf-8", "replace")
            parser.parse(text.splitlines())
            return parser
        return None


def _chunks(response: requests.Response):
    """The body as it arrives: each read returns what one receive brought (urllib3's ``read1``), so a server that
    trickles a byte at a time still lets the caller check its deadline; ``iter_content`` would wait for 64 KB."""
    raw = response.raw
    if not hasattr(raw, "read1"):  # urllib3 < 2
        yield from response.iter_content(64 * 1024)
        return
    try:
        while chunk := raw.read1(64 * 1024, decode_content=True):
            yield chunk
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise requests.ConnectionError(exc) from None


def _check_scheme(url: str, asked: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(f"{asked}: only http and https addresses can be fetched, not {url!r}")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _reason(exc: BaseException) -> str:
    """A short reason for a network failure, without the library's nested repr."""
    if isinstance(exc, requests.Timeout):
        return "timed out"
    text = str(exc)
    for known in ("Connection refused", "Name or service not known", "No route to host", "Network is unreachable",
                  "Temporary failure in name resolution", "certificate verify failed", "Connection reset"):
        if known.lower() in text.lower():
            return known[0].lower() + known[1:]
    return type(exc).__name__
