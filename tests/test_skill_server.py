"""A real ``gentle-steps serve`` on loopback: a whole conversation over HTTP, static files, fuzzing, start-up errors."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from gentle_steps.skill.runtime import SkillRuntime
from gentle_steps.skill.state import SqlitePersistenceAdapter
from gentle_steps.skill.verify import RequestVerifier
from gentle_steps.skill.web import WebApp
from hypothesis import HealthCheck, given, settings

FIXTURES = Path(__file__).parent / "fixtures" / "skill"
sys.path.insert(0, str(FIXTURES))

import envelopes as E  # noqa: E402
from fuzzing import assert_valid_answer, envelopes  # noqa: E402
from pki import CERT_URL, make_pki  # noqa: E402
from serving import Server, serve_command  # noqa: E402
from webdist import MP3, make_dist  # noqa: E402

CATALOG = json.loads((FIXTURES / "catalog.json").read_text(encoding="utf-8"))
EPISODE = CATALOG["episodes"][0]
SECTIONS = EPISODE["sections"]


def token(index: int) -> str:
    return f"{EPISODE['id']}|{SECTIONS[index]['id']}|{SECTIONS[index]['version']}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    dist = make_dist(root)
    srv = Server(dist, root / "state.sqlite3", "--insecure-skip-verify")
    yield srv
    assert srv.stop() == 0
    assert "Traceback" not in srv.errors()


def test_it_prints_the_feed_pages_and_skill_urls(server):
    printed = "".join(server.lines)
    assert f"{server.base}/feed.xml" in printed
    assert f"{server.base}/\n" in printed
    assert f"{server.base}/alexa" in printed


def play_of(answer: dict) -> dict:
    plays = [d for d in answer["response"].get("directives", []) if d["type"] == "AudioPlayer.Play"]
    assert len(plays) == 1, answer
    return plays[0]


def test_a_whole_conversation(server):
    say = server.alexa
    user = {"user_id": "amzn1.ask.account.CONVERSATION", "device_id": "amzn1.ask.device.CONVERSATION"}

    welcome = say(E.launch(**user))
    assert "Welcome to Gentle Steps" in welcome["response"]["outputSpeech"]["ssml"]
    assert welcome["response"]["shouldEndSession"] is False

    first = say(E.intent("GroundingIntent", attributes=welcome.get("sessionAttributes"), **user))
    second = say(E.intent("GroundingIntent", attributes=first.get("sessionAttributes"), **user))
    assert first["response"]["card"]["content"] != second["response"]["card"]["content"]

    listed = say(E.intent("ListSectionsIntent", attributes=second.get("sessionAttributes"), **user))
    assert "Betrayal Is a Trauma" in listed["response"]["outputSpeech"]["ssml"]  # the first three titles
    more = say(E.intent("AMAZON.YesIntent", attributes=listed.get("sessionAttributes"), **user))
    assert "What Trust Repair Actually Looks Like" in more["response"]["outputSpeech"]["ssml"]

    playing = say(E.intent("PlaySectionIntent", E.section_slot(
        "what trust repair actually looks like",
        ("what-trust-repair-actually-looks-like", "what trust repair actually looks like")), **user))
    stream = play_of(playing)["audioItem"]["stream"]
    assert play_of(playing)["playBehavior"] == "REPLACE_ALL" and stream["token"] == token(3)
    assert playing["response"]["shouldEndSession"] is True

    assert say(E.audio_event("PlaybackStarted", token(3), 0, **user))["response"] == {}
    enqueued = say(E.audio_event("PlaybackNearlyFinished", token(3), 30_000, **user))
    assert play_of(enqueued)["playBehavior"] == "ENQUEUE"
    assert play_of(enqueued)["audioItem"]["stream"]["expectedPreviousToken"] == token(3)
    assert play_of(enqueued)["audioItem"]["stream"]["token"] == token(4)
    assert say(E.audio_event("PlaybackNearlyFinished", token(3), 30_100, **user))["response"] == {}

    assert say(E.audio_event("PlaybackStopped", token(3), 12_345, **user))["response"] == {}
    resumed = say(E.intent("AMAZON.ResumeIntent", new=True, **user))
    assert play_of(resumed)["audioItem"]["stream"]["offsetInMilliseconds"] == 12_345
    assert play_of(resumed)["audioItem"]["stream"]["token"] == token(3)

    now_playing = {"token": token(3), "offsetInMilliseconds": 13_000, "playerActivity": "PLAYING"}
    nxt = say(E.intent("AMAZON.NextIntent", player=now_playing, **user))
    assert play_of(nxt)["audioItem"]["stream"]["token"] == token(4)

    pause = say(E.controller("Pause", token(4), 2_000, activity="PLAYING", **user))
    assert [d["type"] for d in pause["response"]["directives"]] == ["AudioPlayer.Stop"]
    say(E.audio_event("PlaybackStopped", token(4), 2_000, **user))
    play = say(E.controller("Play", token(4), 2_000, **user))
    assert play_of(play)["audioItem"]["stream"]["offsetInMilliseconds"] == 2_000
    assert "outputSpeech" not in play["response"]
    button_next = say(E.controller("Next", token(4), 2_500, activity="PLAYING", **user))
    assert play_of(button_next)["audioItem"]["stream"]["token"] == token(5)
    button_previous = say(E.controller("Previous", token(5), 100, activity="PLAYING", **user))
    assert play_of(button_previous)["audioItem"]["stream"]["token"] == token(4)

    support = say(E.intent("SupportIntent", **user))
    assert '<say-as interpret-as="digits">988</say-as>' in support["response"]["outputSpeech"]["ssml"]

    stop = say(E.intent("AMAZON.StopIntent", player={"token": token(4), "offsetInMilliseconds": 500,
                                                     "playerActivity": "PLAYING"}, **user))
    assert [d["type"] for d in stop["response"]["directives"]] == ["AudioPlayer.Stop"]
    goodbye = say(E.intent("AMAZON.StopIntent", **user))
    assert "Take care" in goodbye["response"]["outputSpeech"]["ssml"]
    assert goodbye["response"]["shouldEndSession"] is True


# --- static files over HTTP ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path, mime", [
    ("/audio/ep/01-introduction.mp3", "audio/mpeg"),
    ("/feed.xml", "application/rss+xml; charset=utf-8"),
    ("/", "text/html; charset=utf-8"),
    ("/catalog.json", "application/json"),
    ("/episodes/ep/transcript.vtt", "text/vtt; charset=utf-8"),
])
def test_static_mime_types(server, path, mime):
    response = server.http.get(server.base + path, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"] == mime


def test_range_and_head(server):
    url = f"{server.base}/audio/ep/01-introduction.mp3"
    partial = server.http.get(url, headers={"Range": "bytes=1000-1999"}, timeout=10)
    assert partial.status_code == 206
    assert partial.headers["Content-Range"] == f"bytes 1000-1999/{len(MP3)}"
    assert partial.content == MP3[1000:2000]
    head = server.http.head(url, timeout=10)
    assert head.status_code == 200 and head.headers["Content-Length"] == str(len(MP3)) and head.content == b""
    beyond = server.http.get(url, headers={"Range": f"bytes={len(MP3)}-"}, timeout=10)
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(MP3)}"


@pytest.mark.parametrize("raw_path", ["/../outside.txt", "/audio/../../outside.txt", "/%2e%2e/outside.txt",
                                      "/audio/%2e%2e/%2e%2e/outside.txt", "/.secret"])
def test_traversal_is_refused(server, raw_path):
    host, port = server.base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("GET", raw_path, skip_accept_encoding=True)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 404
    assert b"not for the public" not in body and b"hidden" not in body


def test_oversized_and_wrong_requests_are_4xx(server):
    url = f"{server.base}/alexa"
    big = server.http.post(url, data=b"{" + b" " * (300 * 1024) + b"}", headers={"Content-Type": "application/json"},
                           timeout=10)
    assert big.status_code == 413
    assert server.http.post(url, data=b"hello", headers={"Content-Type": "text/plain"}, timeout=10).status_code == 415
    bad = server.http.post(url, data=b"{nope", headers={"Content-Type": "application/json"}, timeout=10)
    assert bad.status_code == 400 and "Traceback" not in bad.text
    deep = server.http.post(url, data=b"[" * (200 * 1024), headers={"Content-Type": "application/json"}, timeout=10)
    assert deep.status_code == 400 and deep.text == "400 Bad Request\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(envelope=envelopes())
def test_fuzzed_envelopes_against_the_live_server(server, envelope):
    response = server.http.post(f"{server.base}/alexa", data=json.dumps(envelope),
                                headers={"Content-Type": "application/json"}, timeout=10)
    assert_valid_answer(response.status_code, response.content, envelope)


def test_the_server_keeps_serving_after_the_fuzzing(server):
    assert server.http.get(f"{server.base}/healthz", timeout=10).json()["status"] == "ok"
    assert server.proc.poll() is None


# --- verification on ----------------------------------------------------------------------------------------


def test_with_verification_on_unsigned_requests_get_a_bare_400(tmp_path):
    pki = make_pki()
    roots = tmp_path / "roots.pem"
    roots.write_bytes(pki.root_pem)
    srv = Server(make_dist(tmp_path), tmp_path / "state.sqlite3", "--skill-id", E.SKILL_ID,
                 env={"GENTLE_STEPS_TRUST_ROOTS": str(roots)})
    try:
        body = json.dumps(E.launch()).encode()
        url = f"{srv.base}/alexa"
        for headers in ({}, {"SignatureCertChainUrl": "http://s3.amazonaws.com/echo.api/x.pem",
                             "Signature-256": pki.sign(body)},
                        {"SignatureCertChainUrl": "https://s3.amazonaws.com:8443/echo.api/x.pem",
                         "Signature-256": pki.sign(body)}):
            response = srv.http.post(url, data=body, headers={"Content-Type": "application/json", **headers},
                                     timeout=10)
            assert response.status_code == 400 and response.text == "400 Bad Request\n"
        assert srv.http.get(f"{srv.base}/feed.xml", timeout=10).status_code == 200
    finally:
        assert srv.stop() == 0
    assert "insecure" not in srv.errors().lower()


def test_a_signed_request_is_answered_over_http_with_verification_on(tmp_path):
    """Waitress in a thread with an injected trust store and fetcher (Amazon's S3 is not reachable from tests)."""
    from waitress.server import create_server

    pki = make_pki()
    dist = make_dist(tmp_path)
    verifier = RequestVerifier(skill_id=E.SKILL_ID, trust_roots=[pki.root], fetcher=lambda url: pki.chain_pem)
    app = WebApp(dist, SkillRuntime.from_path(dist / "catalog.json", SqlitePersistenceAdapter(tmp_path / "s.db")),
                 verifier, skill_id=E.SKILL_ID)
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        body = json.dumps(E.launch()).encode()
        url = f"http://127.0.0.1:{server.effective_port}/alexa"
        ok = requests.post(url, data=body, timeout=10, headers={
            "Content-Type": "application/json", "SignatureCertChainUrl": CERT_URL, "Signature-256": pki.sign(body)})
        assert ok.status_code == 200 and "Welcome" in ok.json()["response"]["outputSpeech"]["ssml"]
        forged = requests.post(url, data=body.replace(b"Launch", b"launch"), timeout=10, headers={
            "Content-Type": "application/json", "SignatureCertChainUrl": CERT_URL, "Signature-256": pki.sign(body)})
        assert forged.status_code == 400
    finally:
        server.close()  # the daemon thread's idle loop ends with the test process


# --- start-up errors ----------------------------------------------------------------------------------------


def run_serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*serve_command(), "--port", "0", *args], check=False, capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def test_a_missing_dist_is_one_clear_line(tmp_path):
    result = run_serve("--dist", str(tmp_path / "nowhere"))
    assert result.returncode != 0
    assert str(tmp_path / "nowhere") in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_a_missing_catalog_is_one_clear_line(tmp_path):
    dist = make_dist(tmp_path)
    (dist / "catalog.json").unlink()
    result = run_serve("--dist", str(dist))
    assert result.returncode != 0 and str(dist / "catalog.json") in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_catalog_of_another_schema_version_is_refused(tmp_path):
    dist = make_dist(tmp_path)
    data = dict(CATALOG, schema_version=1)
    (dist / "catalog.json").write_text(json.dumps(data))
    result = run_serve("--dist", str(dist), "--insecure-skip-verify")
    assert result.returncode != 0 and "schema_version" in result.stderr and "Traceback" not in result.stderr


def test_a_missing_trust_store_is_one_clear_line(tmp_path):
    dist = make_dist(tmp_path)
    result = run_serve("--dist", str(dist), env={"GENTLE_STEPS_TRUST_ROOTS": str(tmp_path / "none.pem")})
    assert result.returncode != 0 and "none.pem" in result.stderr and "Traceback" not in result.stderr


def test_the_state_file_defaults_to_the_working_folder(tmp_path):
    dist = make_dist(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.Popen([*serve_command(), "--dist", str(dist), "--port", "0", "--insecure-skip-verify"],
                            cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = ""
        for _ in range(20):
            line = proc.stdout.readline()
            if line.startswith("Skill:"):
                base = line.split()[-1]
                break
        assert base
        requests.post(base, data=json.dumps(E.audio_event("PlaybackStopped", token(1), 10)),
                      headers={"Content-Type": "application/json"}, timeout=10)
        assert (work / "state.sqlite3").is_file()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    shutil.rmtree(work)


# --- one keep-alive connection, several requests ------------------------------------------------------------


def exchange(base: str, raw: bytes, timeout: float = 10) -> bytes:
    """Send ``raw`` (one or more requests, the last with ``Connection: close``) on one socket; all that comes back."""
    import socket

    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def split_head(data: bytes) -> tuple[bytes, bytes]:
    """(status line and headers, everything after them)."""
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def test_head_to_alexa_is_a_bodiless_405_and_the_next_response_is_intact(server):
    data = exchange(server.base, b"HEAD /alexa HTTP/1.1\r\nHost: x\r\n\r\n"
                                 b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head, rest = split_head(data)
    assert head.startswith(b"HTTP/1.1 405 ")
    assert b"\r\nAllow: POST" in head
    assert rest.startswith(b"HTTP/1.1 200 "), rest[:80]
    assert b'"status":"ok"' in rest


def test_an_error_answering_head_has_no_body_either(tmp_path):
    """A 500 (here: /healthz made to fail) to a HEAD request, then a GET on the same connection."""
    from waitress.server import create_server

    class Failing(WebApp):
        def _health(self, method, start_response):
            raise RuntimeError("boom")

    server = create_server(Failing(make_dist(tmp_path), None, None), host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        data = exchange(f"http://127.0.0.1:{server.effective_port}",
                        b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                        b"GET /feed.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    finally:
        server.close()
    head, rest = split_head(data)
    assert head.startswith(b"HTTP/1.1 500 ")
    assert rest.startswith(b"HTTP/1.1 200 "), rest[:80]
    assert rest.endswith(b"<channel/></rss>\n")


# --- CORS: web players on other sites fetch the feed, transcripts, chapters and audio ------------------------

SHARED = ["/feed.xml", "/episodes/ep/transcript.vtt", "/episodes/ep/transcript.srt", "/episodes/ep/transcript.json",
          "/episodes/ep/chapters.json", "/audio/ep/01-introduction.mp3"]


@pytest.mark.parametrize("path", SHARED)
def test_shared_files_allow_any_origin(server, path):
    origin = {"Origin": "https://player.example.net"}
    head = server.http.head(server.base + path, headers=origin, timeout=10)  # what `curl -I` sends
    assert head.status_code == 200 and head.headers["Access-Control-Allow-Origin"] == "*"
    ranged = server.http.get(server.base + path, headers={**origin, "Range": "bytes=0-3"}, timeout=10)
    assert ranged.status_code == 206 and ranged.headers["Access-Control-Allow-Origin"] == "*"
    assert "Content-Range" in ranged.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("path", SHARED)
def test_a_preflight_for_a_ranged_fetch_is_answered(server, path):
    response = server.http.options(server.base + path, timeout=10, headers={
        "Origin": "https://player.example.net", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "range"})
    assert response.status_code == 204 and response.content == b""
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "range" in response.headers["Access-Control-Allow-Headers"].lower()


def test_the_skill_endpoint_is_not_shared_across_origins(server):
    response = server.http.post(f"{server.base}/alexa", data=b"{}", timeout=10, headers={
        "Origin": "https://player.example.net", "Content-Type": "application/json"})
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = server.http.options(f"{server.base}/alexa", timeout=10, headers={
        "Origin": "https://player.example.net", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 405 and "Access-Control-Allow-Origin" not in preflight.headers


# --- a rebuilt catalog and a replaced state file are picked up without a restart ------------------------------


def sections_heard(srv) -> str:
    return srv.alexa(E.intent("ListSectionsIntent"))["response"]["outputSpeech"]["ssml"]


def test_a_rebuilt_catalog_is_served_and_a_bad_one_is_not(tmp_path):
    dist = make_dist(tmp_path)
    srv = Server(dist, tmp_path / "state.sqlite3", "--insecure-skip-verify")
    try:
        assert "Betrayal Is a Trauma" in sections_heard(srv)

        # What a build does: a whole new dist/ renamed into place.
        rebuilt = json.loads((dist / "catalog.json").read_text(encoding="utf-8"))
        rebuilt["episodes"][0]["sections"][2]["title"] = "Betrayal Hurts Like an Injury"
        fresh = make_dist(tmp_path / "next")
        (fresh / "catalog.json").write_text(json.dumps(rebuilt), encoding="utf-8")
        dist.rename(tmp_path / "old-dist")
        fresh.rename(dist)
        time.sleep(1.2)  # the catalog is looked at once a second at most
        assert "Betrayal Hurts Like an Injury" in sections_heard(srv)

        (dist / "catalog.json").write_text('{"schema_version": 1, "episodes": [', encoding="utf-8")
        time.sleep(1.2)
        for _ in range(3):
            assert "Betrayal Hurts Like an Injury" in sections_heard(srv)
            time.sleep(0.6)
    finally:
        assert srv.stop() == 0
    complaints = [line for line in srv.errors().splitlines() if "catalog.json" in line and "WARNING" in line]
    assert len(complaints) == 1, complaints
    assert "previous catalog" in complaints[0] and "Traceback" not in srv.errors()
