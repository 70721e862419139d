"""Load on loopback: can strangers stall ``gentle-steps serve``? (issue 8; a script, never a timed test)

Runs the real ``gentle-steps serve`` (verification on, ``--skill-id`` set) on a free loopback port against a
small dist/, then for ``--seconds``:

- ``--attackers`` clients (default 20, in a second process) send unsigned requests as fast as they are answered,
  each well-formed and current, for the right skill id, naming a never-seen certificate URL of Amazon's shape,
  so only the certificate download can refuse it. The machine has no internet, so downloads go through
  ``HTTPS_PROXY`` to a loopback tarpit that accepts and never answers: every download waits its full timeout,
  the worst a certificate host can do;
- ``--slow`` clients (default 120) each send a request line and then one header line a second, never finishing
  (the server cuts them at its request deadline; they connect again at once);
- one client asks ``GET /healthz`` every 25 ms on a new connection and times the answer.

Prints the figures and exits 1 if ``/healthz`` p99 is not under ``--target-ms`` (default 50), if any health
check failed, or if any stranger's request got anything but a 400. Run: ``./scripts/load``.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "skill"
sys.path.insert(0, str(FIXTURES))

import envelopes as E  # noqa: E402
from gentle_steps.skill.certs import FetchLimits  # noqa: E402
from hostile import SlowClients, Tarpit, unsigned_request  # noqa: E402
from serving import Server  # noqa: E402
from webdist import make_dist  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (0-1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def attack(host: str, port: int, clients: int, rate: float, seconds: float, results: multiprocessing.Queue) -> None:
    """``clients`` threads sending unsigned requests with fresh certificate URLs for ``seconds``, each at most
    ``rate`` a second (0: each as soon as the last was answered)."""
    # Real strangers use their own machines' CPU, not the server's: here they share its two cores, so they
    # run at a lower priority than the server and the health checks.
    os.nice(10)
    statuses: collections.Counter[str] = collections.Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        next_at = time.monotonic()
        while time.monotonic() < deadline:
            if rate:
                time.sleep(max(0.0, next_at - time.monotonic()))
                next_at += 1 / rate
            body, headers = unsigned_request()
            started = time.perf_counter()
            try:
                conn.request("POST", "/alexa", body, headers)
                response = conn.getresponse()
                response.read()
                outcome = str(response.status)
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                outcome = type(exc).__name__
                conn.close()
            with lock:
                statuses[outcome] += 1
                latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    results.put((dict(statuses), latencies))


def probe(host: str, port: int, seconds: float, every_s: float = 0.025) -> tuple[list[float], list[str]]:
    """``GET /healthz`` on a new connection every ``every_s``: the times of the answers, and the failures."""
    times: list[float] = []
    failures: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        conn = http.client.HTTPConnection(host, port, timeout=10)
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                failures.append(str(response.status))
            else:
                times.append(time.perf_counter() - started)
        except (OSError, http.client.HTTPException) as exc:
            failures.append(type(exc).__name__)
        finally:
            conn.close()
        time.sleep(max(0.0, every_s - (time.perf_counter() - started)))
    return times, failures


def hold_slow_clients(host: str, port: int, count: int, stop: Any, results: multiprocessing.Queue) -> None:
    """Keep ``count`` slow clients trickling until ``stop`` is set, at a lower priority (see :func:`attack`);
    then report (header lines sent, connections the server cut)."""
    os.nice(10)
    slow = SlowClients(host, port, count=count, interval=1.0)
    stop.wait()
    slow.close()
    results.put((slow.lines_sent, slow.closed_by_server))


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Phase:
    """One stretch of load and what it measured."""

    name: str
    rate: float
    times: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    cpu_share: float = 0.0

    def p99_ms(self) -> float:
        """The 99th percentile of /healthz, in milliseconds."""
        return percentile(self.times, 0.99) * 1000 if self.times else float("inf")


def run_phase(phase: Phase, server: Server, clients: int, seconds: float) -> None:
    """Attack for ``seconds`` while probing /healthz; fills ``phase``."""
    host, port = server.base.removeprefix("http://").split(":")
    results: multiprocessing.Queue = multiprocessing.Queue()
    attackers = multiprocessing.Process(target=attack, args=(host, int(port), clients, phase.rate, seconds, results))
    attackers.start()
    time.sleep(1)  # the attackers are at full speed
    cpu_before, wall_before = cpu_seconds(server.proc.pid), time.monotonic()
    phase.times, phase.failures = probe(host, int(port), seconds - 2)
    phase.cpu_share = (cpu_seconds(server.proc.pid) - cpu_before) / (time.monotonic() - wall_before)
    phase.statuses, phase.latencies = results.get(timeout=seconds + 90)
    attackers.join(30)


def report(phase: Phase, clients: int, seconds: float) -> None:
    """Print one phase's figures."""
    ms = [t * 1000 for t in phase.times]
    sent = sum(phase.statuses.values())
    pace = f"{phase.rate:g}/s each" if phase.rate else "each as soon as answered"
    print(f"{phase.name}: {clients} strangers, {pace}: {sent} requests ({sent / seconds:.0f}/s), "
          f"answers {dict(sorted(phase.statuses.items()))}, answered in p50 "
          f"{statistics.median(phase.latencies) * 1000:.1f} ms, p99 {percentile(phase.latencies, 0.99) * 1000:.1f} ms")
    print(f"  /healthz: p50 {percentile(ms, 0.5):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
          f"p99 {phase.p99_ms():.1f} ms, max {max(ms):.1f} ms ({len(ms)} requests, {len(phase.failures)} failed); "
          f"server CPU {phase.cpu_share:.0%} of one core", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=12, help="length of each phase (default 12)")
    parser.add_argument("--attackers", type=int, default=20, help="clients with fresh certificate URLs")
    parser.add_argument("--rate", type=float, default=10,
                        help="requests a second per stranger in the measured phase (default 10)")
    parser.add_argument("--slow", type=int, default=120, help="slow clients holding connections")
    parser.add_argument("--target-ms", type=float, default=50, help="/healthz p99 must be under this")
    args = parser.parse_args()

    paced = Phase("paced (the target)", args.rate)
    flood = Phase("flood (no target: rate limits in the proxy)", 0)
    with tempfile.TemporaryDirectory(prefix="gentle-load-") as tmp:
        root = Path(tmp)
        tarpit = Tarpit()
        server = Server(make_dist(root), root / "state.sqlite3", "--skill-id", E.SKILL_ID, env=tarpit.proxy_env())
        host, port = server.base.removeprefix("http://").split(":")
        print(f"gentle-steps serve on loopback, verification on, certificate host a tarpit (every download waits "
              f"its full timeout); machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
              flush=True)
        try:
            idle, _ = probe(host, int(port), 2)
            print(f"idle: /healthz p50 {percentile(idle, 0.5) * 1000:.1f} ms, "
                  f"p99 {percentile(idle, 0.99) * 1000:.1f} ms ({len(idle)} requests)", flush=True)
            stop, slow_results = multiprocessing.Event(), multiprocessing.Queue()
            slow = multiprocessing.Process(target=hold_slow_clients,
                                           args=(host, int(port), args.slow, stop, slow_results))
            slow.start()
            time.sleep(3)  # every slow client connected and trickling
            for phase in (paced, flood):
                run_phase(phase, server, args.attackers, args.seconds)
                report(phase, args.attackers, args.seconds)
            stop.set()
            lines_sent, cut = slow_results.get(timeout=60)
            slow.join(30)
        finally:
            code = server.stop()
            tarpit.close()
        errors = server.errors()

    print(f"certificate downloads started: {tarpit.accepted} in {2 * args.seconds:g} s "
          f"(at most {FetchLimits.max_fetches} at a time, each held {FetchLimits.timeout_s:g} s by the tarpit)")
    print(f"slow clients ({args.slow}): {lines_sent} header lines sent, {cut} connections "
          f"cut by the server's request deadline (and reopened)")
    answers = set(paced.statuses) | set(flood.statuses)
    ok = (paced.p99_ms() < args.target_ms and not paced.failures and not flood.failures and answers == {"400"}
          and code == 0 and "Traceback" not in errors)
    if "Traceback" in errors:
        print(errors, file=sys.stderr)
    print(f"/healthz p99 {paced.p99_ms():.1f} ms, target < {args.target_ms:g} ms: "
          f"{'met' if ok else 'MISSED'} (machine load average now {os.getloadavg()[0]:.1f})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
