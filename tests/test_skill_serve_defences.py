"""A stranger cannot stall ``gentle-steps serve``: fresh certificate URLs, slow clients, and a warning when the
skill id is missing. Real server processes on loopback; a tarpit stands in for the certificate host."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest
import requests

FIXTURES = Path(__file__).parent / "fixtures" / "skill"
sys.path.insert(0, str(FIXTURES))

import envelopes as E  # noqa: E402
from hostile import SlowClients, Tarpit, post, unsigned_request  # noqa: E402
from pki import make_pki  # noqa: E402
from serving import Server  # noqa: E402
from webdist import make_dist  # noqa: E402

# Generous on purpose: a healthy answer takes milliseconds; a stalled server took 5-10 s here.
PROMPT_S = 2.0


@pytest.fixture
def tarpit():
    pit = Tarpit()
    yield pit
    pit.close()


@pytest.fixture
def verifying_server(tmp_path, tarpit):
    roots = tmp_path / "roots.pem"
    roots.write_bytes(make_pki().root_pem)
    srv = Server(make_dist(tmp_path), tmp_path / "state.sqlite3", "--skill-id", E.SKILL_ID,
                 env={"GENTLE_STEPS_TRUST_ROOTS": str(roots), **tarpit.proxy_env()})
    yield srv
    assert srv.stop() == 0
    assert "Traceback" not in srv.errors()


def healthz_time(base: str) -> float:
    started = time.monotonic()
    response = requests.get(f"{base}/healthz", timeout=30)
    assert response.status_code == 200
    return time.monotonic() - started


def test_fresh_certificate_urls_do_not_stall_healthz(verifying_server, tarpit):
    statuses: list[object] = []
    senders = [threading.Thread(target=lambda: statuses.append(post(verifying_server.base, *unsigned_request())))
               for _ in range(12)]
    for sender in senders:
        sender.start()
    time.sleep(0.3)  # the requests are in; their certificate fetches hang in the tarpit
    try:
        assert healthz_time(verifying_server.base) < PROMPT_S
    finally:
        for sender in senders:
            sender.join(60)
    assert statuses == [400] * 12
    assert 1 <= tarpit.accepted <= 2  # the cap: never a download per request


def test_slow_clients_do_not_lock_out_other_clients(verifying_server):
    host, port = verifying_server.base.removeprefix("http://").split(":")
    slow = SlowClients(host, int(port), count=120, interval=0.5)
    try:
        time.sleep(1.5)  # every slow client has sent a few header lines
        assert healthz_time(verifying_server.base) < PROMPT_S
        assert requests.get(f"{verifying_server.base}/feed.xml", timeout=30).status_code == 200
    finally:
        slow.close()


def test_verification_without_a_skill_id_warns_at_start(tmp_path):
    roots = tmp_path / "roots.pem"
    roots.write_bytes(make_pki().root_pem)
    srv = Server(make_dist(tmp_path), tmp_path / "state.sqlite3", env={"GENTLE_STEPS_TRUST_ROOTS": str(roots)})
    try:
        time.sleep(0.2)
        warning = [line for line in srv.errors().splitlines() if "--skill-id" in line]
    finally:
        srv.stop()
    assert len(warning) == 1 and "WARNING" in warning[0]


def test_no_warning_when_the_skill_id_is_set(verifying_server):
    assert "--skill-id" not in verifying_server.errors()


# --- the request deadline, on waitress in a thread with short limits ------------------------------------------


@pytest.fixture
def quick_server(tmp_path):
    """Our waitress set-up serving a small dist/, with a 1 s request deadline and a 3 s idle timeout."""
    from gentle_steps.skill.httpserver import ServeLimits, make_server
    from gentle_steps.skill.web import MAX_BODY_BYTES, WebApp

    limits = ServeLimits(request_timeout=1.0, idle_timeout=3, cleanup_interval=1)
    server = make_server(WebApp(make_dist(tmp_path), None, None), "127.0.0.1", 0, MAX_BODY_BYTES, limits)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield server.effective_port
    server.close()


def closed_within(sock, seconds: float, trickle: bytes | None = None) -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (sending ``trickle`` every 0.2 s meanwhile)."""
    deadline = time.monotonic() + seconds
    sock.settimeout(0.2)
    while time.monotonic() < deadline:
        try:
            if trickle:
                sock.sendall(trickle)
            data = sock.recv(4096)
            if not data:
                return True
        except TimeoutError:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


def connect(port: int):
    import socket

    return socket.create_connection(("127.0.0.1", port), timeout=5)


def test_headers_trickling_in_are_cut_off_at_the_deadline(quick_server):
    sock = connect(quick_server)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: slow\r\n")
    assert closed_within(sock, 6, trickle=b"X-Slow: 1\r\n")


def test_a_connection_that_never_sends_is_cut_off_at_the_deadline(quick_server):
    assert closed_within(connect(quick_server), 6)


def test_a_body_trickling_in_is_cut_off_at_the_deadline(quick_server):
    sock = connect(quick_server)
    sock.sendall(b"POST /alexa HTTP/1.1\r\nHost: slow\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n")
    assert closed_within(sock, 6, trickle=b" ")


def test_a_finished_request_keeps_its_connection_until_the_idle_timeout(quick_server):
    sock = connect(quick_server)
    sock.sendall(b"GET /feed.xml HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.2)
    assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
    assert not closed_within(sock, 1.8)  # past the request deadline: still open
    assert closed_within(sock, 6)  # the idle timeout


def test_oversized_headers_are_refused(quick_server):
    sock = connect(quick_server)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n")
    sock.settimeout(5)
    assert sock.recv(4096).split(b" ", 2)[1] == b"431"


def test_stopped_as_soon_as_it_prints_an_address_it_exits_cleanly(tmp_path):
    # Whoever reads the first address may stop the server at once (a supervisor, a test): SIGTERM while it is
    # still printing its other lines is a clean stop (exit 0), never an uncaught KeyboardInterrupt (-2).
    import signal
    import subprocess

    from serving import serve_command

    dist = make_dist(tmp_path)
    for n in range(6):
        proc = subprocess.Popen([*serve_command(), "--dist", str(dist), "--host", "127.0.0.1", "--port", "0",
                                 "--state", str(tmp_path / "state.sqlite3"), "--insecure-skip-verify"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout.readline().startswith("Feed:")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, f"run {n}: exit {proc.returncode}: {err[-500:]}"
        assert "Traceback" not in err
