"""Alexa's signing-certificate chains, fetched off the request threads, cached, and never fetched without bound.

A request thread asks :class:`ChainCache` for the signing key behind a certificate URL (already checked to be
Amazon's shape). A good chain is cached; a URL whose fetch or check failed is remembered for a while and refused
at once; at most :attr:`FetchLimits.max_fetches` downloads run at a time, each in its own daemon thread with a
short timeout; and at most :attr:`FetchLimits.max_waiters` request threads wait for one, each for at most
:attr:`FetchLimits.wait_s`. Anything beyond those caps is refused at once, never queued, so strangers sending
fresh certificate URLs can hold at most ``max_waiters`` of the web service's threads, briefly.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


class ChainError(Exception):
    """A certificate chain could not be had; the message says why (for the log only)."""


@dataclass(frozen=True)
class FetchLimits:
    """How hard the service tries to fetch a certificate chain, and how much of itself it lends to that."""

    timeout_s: float = 3.0
    """Socket timeout of one download (Amazon's S3 answers in well under a second)."""

    wait_s: float = 3.0
    """Longest a request thread waits for a download; the download carries on and fills the cache."""

    max_fetches: int = 2
    """Downloads running at once; a request needing another is refused at once."""

    max_waiters: int = 2
    """Request threads waiting for downloads at once; another request needing one is refused at once."""

    failed_ttl_s: float = 300.0
    """How long a URL whose chain was refused (not found, not a chain, not trusted) is refused again at once."""

    unreachable_ttl_s: float = 15.0
    """How long a URL that could not be fetched (timeout, network, server error) is refused again at once:
    short, since it may be Alexa's real one and the fault ours or passing."""

    max_failed: int = 4096
    """Failed URLs remembered (the oldest are forgotten first)."""

    max_good: int = 32
    """Good chains remembered (Alexa uses one URL at a time; a few more cover a rotation)."""


class ChainCache:
    """Signing material by certificate URL: ``load(url)`` downloads and checks one chain (raising
    :class:`ChainError` or anything else on failure) and returns what :meth:`get` hands back."""

    def __init__(self, load: Callable[[str], Any], limits: FetchLimits | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """Cache what ``load`` returns within ``limits``; ``clock`` (seconds) dates failures."""
        self.load = load
        self.limits = limits or FetchLimits()
        self.clock = clock
        self._good: OrderedDict[str, Any] = OrderedDict()
        self._failed: OrderedDict[str, float] = OrderedDict()
        self._in_flight: dict[str, Future[Any]] = {}
        self._waiters = 0
        self._lock = threading.Lock()

    def get(self, url: str) -> Any:
        """What ``load(url)`` returned, from the cache or a download; raises :class:`ChainError` at once when
        the URL failed recently or the caps are reached, and after :attr:`FetchLimits.wait_s` at most."""
        with self._lock:
            if url in self._good:
                return self._good[url]
            failed_until = self._failed.get(url)
            if failed_until is not None:
                if failed_until > self.clock():
                    raise ChainError("certificate URL failed recently")
                del self._failed[url]
            if self._waiters >= self.limits.max_waiters:
                raise ChainError("too many requests already waiting for certificates")
            future = self._in_flight.get(url)
            if future is None:
                if len(self._in_flight) >= self.limits.max_fetches:
                    raise ChainError("too many certificate fetches in progress")
                future = self._start(url)
            self._waiters += 1
        try:
            return future.result(timeout=self.limits.wait_s)
        except FutureTimeout:
            raise ChainError("certificate fetch is too slow") from None
        finally:
            with self._lock:
                self._waiters -= 1

    def forget(self, url: str) -> None:
        """Drop a cached chain (it expired), so the next request fetches it again."""
        with self._lock:
            self._good.pop(url, None)

    def _start(self, url: str) -> Future[Any]:
        future: Future[Any] = Future()
        self._in_flight[url] = future
        # A daemon thread per download (at most max_fetches): a hung fetch never delays the process's exit.
        threading.Thread(target=self._fetch, args=(url, future), name="cert-fetch", daemon=True).start()
        return future

    def _fetch(self, url: str, future: Future[Any]) -> None:
        try:
            value = self.load(url)
        except Exception as exc:
            status = getattr(exc, "code", None)  # urllib's HTTPError carries the HTTP status
            refused = isinstance(exc, ChainError) or (isinstance(status, int) and 400 <= status < 500)
            error = exc if isinstance(exc, ChainError) else ChainError(
                f"cannot fetch the certificate chain ({type(exc).__name__}{f' {status}' if status else ''})")
            ttl = self.limits.failed_ttl_s if refused else self.limits.unreachable_ttl_s
            with self._lock:
                self._failed[url] = self.clock() + ttl
                self._failed.move_to_end(url)
                while len(self._failed) > self.limits.max_failed:
                    self._failed.popitem(last=False)
                del self._in_flight[url]
            future.set_exception(error)
            return
        with self._lock:
            self._good[url] = value
            self._good.move_to_end(url)
            while len(self._good) > self.limits.max_good:
                self._good.popitem(last=False)
            del self._in_flight[url]
        future.set_result(value)
