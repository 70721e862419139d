"""Waitress set up for a service that faces the internet.

Waitress reads each request whole (headers and body) in its single I/O thread before a worker thread sees it,
so slow uploads never hold a worker; what it lacks is a deadline on *receiving* a request: its
``channel_timeout`` counts only silence, so a client sending one header line a second keeps its connection
forever, and its default ``connection_limit`` of 100 let 120 such clients lock everyone else out. Here:

- connections are many (:attr:`ServeLimits.connection_limit`) and polled with ``poll()``, not ``select()``,
  which cannot watch more than 1024 sockets;
- a request must arrive whole within :attr:`ServeLimits.request_timeout` of its first byte, and a new
  connection must start its first request within the same time, or the connection is closed;
- idle keep-alive connections are closed after :attr:`ServeLimits.idle_timeout`;
- headers are capped at 16 KiB and bodies at the ``/alexa`` limit, both refused by waitress before the
  application runs.

What this cannot do (a reverse proxy in front must): TLS, rate limits per client address, and caps on
connections per address (behind a proxy every connection comes from the proxy's own address).
"""

from __future__ import annotations

import logging
import resource
import time
from dataclasses import dataclass
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

log = logging.getLogger("gentle_steps.serve")


@dataclass(frozen=True)
class ServeLimits:
    """How much of itself the web service lends to any one client."""

    threads: int = 6
    """Worker threads. At most two can be waiting on certificate downloads (``skill.certs``); the rest answer
    everything else. Python runs one thread at a time, so more threads would only add waiting, not speed."""

    connection_limit: int = 1000
    """Open connections at most (lowered to fit the process's file limit: each may also hold a file open)."""

    request_timeout: float = 10.0
    """Seconds a request may take to arrive whole, from its first byte (and a new connection to start one)."""

    idle_timeout: int = 30
    """Seconds an idle keep-alive connection is kept (waitress's ``channel_timeout``: silence, both ways)."""

    cleanup_interval: int = 1
    """Seconds between sweeps for connections past either timeout (a sweep looks at every connection once)."""

    max_request_header_size: int = 16 * 1024
    """Largest request head (request line and headers); Alexa's are under 2 KiB, a browser's a few KiB."""


class _Channel(HTTPChannel):
    """Waitress's connection, remembering when the request it is receiving began."""

    request_started = 0.0

    def received(self, data: bytes) -> bool:
        before = self.request
        result = super().received(data)
        if self.request is not None and self.request is not before:
            self.request_started = time.time()
        return result


class _Server(TcpWSGIServer):
    """Waitress's TCP server with a deadline on receiving a request."""

    channel_class = _Channel
    request_timeout = ServeLimits.request_timeout

    def maintenance(self, now: float) -> None:
        super().maintenance(now)  # idle connections
        cutoff = now - self.request_timeout
        for channel in list(self.active_channels.values()):
            if channel.requests or channel.will_close:
                continue  # being answered, or closing anyway
            if channel.request is not None:
                started = channel.request_started  # a request still arriving
            elif channel.last_activity == channel.creation_time:
                started = channel.creation_time  # connected, never sent a byte
            else:
                continue  # idle between requests: the idle timeout's business
            if started < cutoff:
                channel.will_close = True


def fitted_connection_limit(wanted: int) -> int:
    """``wanted``, or fewer if the process may not open enough files (each connection may also hold a file
    it is sending); raises the soft file limit towards the hard one first."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = 2 * wanted + 64
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(16, min(wanted, (soft - 64) // 2))


def make_server(app: Any, host: str, port: int, max_body: int, limits: ServeLimits | None = None) -> Any:
    """A waitress server for ``app`` on ``host``:``port`` within ``limits``; raises OSError if it cannot listen.

    Like ``waitress.create_server`` for TCP (one server per address ``host`` resolves to), with our channel
    and sweep. The result has ``run()`` and ``close()``, and ``effective_port`` when it listens once.
    """
    limits = limits or ServeLimits()
    adj = Adjustments(
        host=host, port=port, threads=limits.threads, ident="gentle-steps",
        connection_limit=fitted_connection_limit(limits.connection_limit),
        channel_timeout=limits.idle_timeout, cleanup_interval=limits.cleanup_interval,
        max_request_header_size=limits.max_request_header_size, max_request_body_size=max_body,
        asyncore_use_poll=True,  # select() fails on file descriptors above 1023
        clear_untrusted_proxy_headers=True)
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    socket_map: dict[int, Any] = {}
    servers = []
    for sockinfo in adj.listen:
        server = _Server(app, socket_map, dispatcher=dispatcher, adj=adj, sockinfo=sockinfo)
        server.request_timeout = limits.request_timeout
        servers.append(server)
    if len(servers) == 1:
        return servers[0]
    listening = [(s.effective_host, s.effective_port) for s in servers]
    return MultiSocketServer(socket_map, adj, listening, dispatcher, servers[-1].log_info)
