"""Alexa request signature verification against a CA and signing leaf generated here."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from gentle_steps.skill.runtime import SkillRuntime
from gentle_steps.skill.state import SqlitePersistenceAdapter
from gentle_steps.skill.verify import RequestVerifier, VerificationError, check_cert_url
from gentle_steps.skill.web import WebApp

FIXTURES = Path(__file__).parent / "fixtures" / "skill"
sys.path.insert(0, str(FIXTURES))

import envelopes as E  # noqa: E402
from pki import CERT_URL, make_pki  # noqa: E402
from wsgi_call import call  # noqa: E402


@pytest.fixture(scope="module")
def pki():
    return make_pki()


class Fetcher:
    """Serves chains by URL and counts fetches."""

    def __init__(self, chains: dict[str, bytes]):
        self.chains = chains
        self.calls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        return self.chains[url]


def body_of(envelope) -> bytes:
    return json.dumps(envelope).encode()


def verifier_for(pki, chain: bytes | None = None, skill_id: str | None = E.SKILL_ID, url: str = CERT_URL):
    fetcher = Fetcher({url: chain or pki.chain_pem})
    return RequestVerifier(skill_id=skill_id, trust_roots=[pki.root], fetcher=fetcher), fetcher


def headers(pki, body: bytes, url: str = CERT_URL) -> dict[str, str]:
    return {"signaturecertchainurl": url, "signature-256": pki.sign(body)}


def test_a_good_signature_passes_and_the_chain_is_fetched_once(pki):
    verifier, fetcher = verifier_for(pki)
    for _ in range(3):
        envelope = E.launch()
        body = body_of(envelope)
        verifier.verify(headers(pki, body), body, envelope)
    assert fetcher.calls == [CERT_URL]


@pytest.mark.parametrize("url", [
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
    "HTTPS://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
])
def test_acceptable_cert_urls(url):
    assert check_cert_url(url) == url


@pytest.mark.parametrize("url", [
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://notamazon.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/%2e%2e/invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com:8443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:notaport/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api",
    "not a url",
])
def test_refused_cert_urls(url):
    with pytest.raises(VerificationError):
        check_cert_url(url)


def refuse(verifier, hdrs, body, envelope, why: str):
    with pytest.raises(VerificationError, match=why):
        verifier.verify(hdrs, body, envelope)


@pytest.mark.parametrize("drop", ["signaturecertchainurl", "signature-256"])
def test_missing_headers_are_refused(pki, drop):
    verifier, _ = verifier_for(pki)
    envelope = E.launch()
    body = body_of(envelope)
    hdrs = headers(pki, body)
    del hdrs[drop]
    refuse(verifier, hdrs, body, envelope, "headers missing")


@pytest.mark.parametrize("url, why", [
    ("http://s3.amazonaws.com/echo.api/echo-api-cert-12.pem", "not https"),
    ("https://s3.amazonaws.org/echo.api/echo-api-cert-12.pem", "host"),
    ("https://s3.amazonaws.com/echo.api/../echo-api-cert-12.pem", "path"),
    ("https://s3.amazonaws.com:8443/echo.api/echo-api-cert-12.pem", "port"),
])
def test_bad_cert_urls_are_refused_before_any_fetch(pki, url, why):
    verifier, fetcher = verifier_for(pki, url=url)
    envelope = E.launch()
    body = body_of(envelope)
    refuse(verifier, headers(pki, body, url), body, envelope, why)
    assert fetcher.calls == []


@pytest.mark.parametrize("start, end", [(-400, -1), (2, 300)])
def test_a_certificate_outside_its_dates_is_refused(pki, start, end):
    stale = make_pki(leaf_start_days=start, leaf_end_days=end)
    verifier, _ = verifier_for(stale)
    envelope = E.launch()
    body = body_of(envelope)
    refuse(verifier, headers(stale, body), body, envelope, "validity dates")


def test_a_certificate_for_another_name_is_refused():
    other = make_pki(san="echo-api.example.com")
    verifier, _ = verifier_for(other)
    envelope = E.launch()
    body = body_of(envelope)
    refuse(verifier, headers(other, body), body, envelope, "echo-api.amazon.com")


def test_a_chain_to_an_untrusted_root_is_refused(pki):
    stranger = make_pki(other_root=True)  # same names, a root key we were not told to trust
    verifier = RequestVerifier(skill_id=None, trust_roots=[pki.root], fetcher=Fetcher({CERT_URL: stranger.chain_pem}))
    envelope = E.launch()
    body = body_of(envelope)
    refuse(verifier, headers(stranger, body), body, envelope, "trusted root")


def test_a_tampered_body_is_refused(pki):
    verifier, _ = verifier_for(pki)
    envelope = E.launch()
    body = body_of(envelope)
    hdrs = headers(pki, body)
    tampered = body.replace(b"LaunchRequest", b"LaunchRequesT")
    refuse(verifier, hdrs, tampered, json.loads(tampered), "does not match")


def test_a_signature_that_is_not_base64_is_refused(pki):
    verifier, _ = verifier_for(pki)
    envelope = E.launch()
    body = body_of(envelope)
    refuse(verifier, {"signaturecertchainurl": CERT_URL, "signature-256": "%%%not-base64%%%"}, body, envelope,
           "base64")


@pytest.mark.parametrize("offset", [-151, -600, 151])
def test_a_timestamp_more_than_150_seconds_away_is_refused(pki, offset):
    verifier, _ = verifier_for(pki)
    envelope = E.launch(timestamp=E.now_iso(offset))
    body = body_of(envelope)
    refuse(verifier, headers(pki, body), body, envelope, "150 s")


def test_a_timestamp_within_150_seconds_passes(pki):
    verifier, _ = verifier_for(pki)
    envelope = E.launch(timestamp=E.now_iso(-120))
    body = body_of(envelope)
    verifier.verify(headers(pki, body), body, envelope)


def test_another_skill_id_is_refused(pki):
    verifier, _ = verifier_for(pki)
    envelope = E.launch(skill_id="amzn1.ask.skill.00000000-someone-else")
    body = body_of(envelope)
    refuse(verifier, headers(pki, body), body, envelope, "skill id")


def test_a_fetch_failure_is_a_refusal(pki):
    def failing(url):
        raise OSError("network unreachable")

    verifier = RequestVerifier(trust_roots=[pki.root], fetcher=failing)
    envelope = E.launch()
    body = body_of(envelope)
    refuse(verifier, headers(pki, body), body, envelope, "cannot fetch")


def test_a_cached_chain_is_still_checked_for_expiry(pki):
    now = [time.time()]
    verifier = RequestVerifier(trust_roots=[pki.root], fetcher=Fetcher({CERT_URL: pki.chain_pem}),
                               clock=lambda: now[0])
    envelope = E.launch()
    body = body_of(envelope)
    verifier.verify(headers(pki, body), body, envelope)
    now[0] += 400 * 86400  # past the leaf's end date
    with pytest.raises(VerificationError):
        verifier._signing_key(CERT_URL)


# --- through the web service ------------------------------------------------------------------------------


@pytest.fixture
def app(pki, tmp_path):
    runtime = SkillRuntime.from_path(FIXTURES / "catalog.json", SqlitePersistenceAdapter(tmp_path / "s.sqlite3"))
    verifier, _ = verifier_for(pki)
    return WebApp(tmp_path, runtime, verifier, skill_id=E.SKILL_ID)


def post(app, body: bytes, hdrs: dict[str, str]):
    return call(app, "POST", "/alexa", body, {"SignatureCertChainUrl": hdrs.get("signaturecertchainurl", ""),
                                               "Signature-256": hdrs.get("signature-256", "")})


def test_the_web_service_answers_a_signed_request(app, pki):
    body = body_of(E.launch())
    status, hdrs, data = post(app, body, headers(pki, body))
    assert status == 200 and hdrs["content-type"].startswith("application/json")
    assert "Welcome" in json.loads(data)["response"]["outputSpeech"]["ssml"]


def test_every_refusal_is_a_bare_400(app, pki):
    good = body_of(E.launch())
    cases = [
        (good, {}),
        (good, {"signaturecertchainurl": "http://s3.amazonaws.com/echo.api/x.pem", "signature-256": pki.sign(good)}),
        (good, {"signaturecertchainurl": CERT_URL, "signature-256": pki.sign(good + b" ")}),
        (body_of(E.launch(timestamp=E.now_iso(-3600))), None),
        (body_of(E.launch(skill_id="amzn1.ask.skill.other")), None),
    ]
    for body, hdrs in cases:
        status, _, data = post(app, body, hdrs if hdrs is not None else headers(pki, body))
        assert status == 400
        assert data == b"400 Bad Request\n"


def test_the_default_trust_store_loads(monkeypatch):
    from gentle_steps.skill.verify import TRUST_ROOTS_ENV, load_trust_roots

    monkeypatch.delenv(TRUST_ROOTS_ENV, raising=False)
    assert len(load_trust_roots()) > 50


def test_the_trust_store_can_be_named_by_environment(monkeypatch, tmp_path, pki):
    from gentle_steps.skill.verify import TRUST_ROOTS_ENV, load_trust_roots

    path = tmp_path / "roots.pem"
    path.write_bytes(b"junk before\n" + pki.root_pem + b"junk after\n")
    monkeypatch.setenv(TRUST_ROOTS_ENV, str(path))
    assert load_trust_roots() == [pki.root]
    path.write_text("no certificates here")
    with pytest.raises(VerificationError):
        load_trust_roots()


def test_a_deeply_nested_body_is_a_bare_400_before_verification(app, caplog):
    body = b"[" * (200 * 1024)
    status, _, data = post(app, body, {"signaturecertchainurl": CERT_URL, "signature-256": "AAAA"})
    assert status == 400 and data == b"400 Bad Request\n"
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


# --- fetching chains: off the request threads, cached both ways, capped ------------------------------------


def fresh_url() -> str:
    import uuid

    return f"https://s3.amazonaws.com/echo.api/{uuid.uuid4().hex}.pem"


def signed(pki, url: str):
    envelope = E.launch()
    body = body_of(envelope)
    return headers(pki, body, url), body, envelope


def test_a_failed_url_is_refused_without_a_new_fetch_until_it_expires(pki):
    from gentle_steps.skill.certs import FetchLimits

    calls: list[str] = []

    def failing(url):
        calls.append(url)
        raise OSError("no route to host")

    now = [1000.0]
    verifier = RequestVerifier(trust_roots=[pki.root], fetcher=failing, monotonic=lambda: now[0],
                               limits=FetchLimits(failed_ttl_s=300, unreachable_ttl_s=15))
    for _ in range(3):
        refuse(verifier, *signed(pki, CERT_URL), "cannot fetch|failed recently")
    assert calls == [CERT_URL]
    now[0] += 16  # a network failure may be ours and passing: it is tried again soon
    refuse(verifier, *signed(pki, CERT_URL), "cannot fetch")
    assert calls == [CERT_URL, CERT_URL]


def test_a_url_the_host_refuses_is_remembered_longer(pki):
    import urllib.error

    from gentle_steps.skill.certs import FetchLimits

    calls: list[str] = []

    def not_found(url):
        calls.append(url)
        raise urllib.error.HTTPError(url, 404, "Not Found", {}, None)

    now = [1000.0]
    verifier = RequestVerifier(trust_roots=[pki.root], fetcher=not_found, monotonic=lambda: now[0],
                               limits=FetchLimits(failed_ttl_s=300, unreachable_ttl_s=15))
    refuse(verifier, *signed(pki, CERT_URL), "HTTPError 404")
    now[0] += 60
    refuse(verifier, *signed(pki, CERT_URL), "failed recently")
    now[0] += 300
    refuse(verifier, *signed(pki, CERT_URL), "HTTPError 404")
    assert calls == [CERT_URL, CERT_URL]


def test_a_bad_chain_is_remembered_as_failed_too(pki):
    stranger = make_pki(other_root=True)
    fetcher = Fetcher({CERT_URL: stranger.chain_pem})
    verifier = RequestVerifier(trust_roots=[pki.root], fetcher=fetcher)
    refuse(verifier, *signed(stranger, CERT_URL), "trusted root")
    refuse(verifier, *signed(stranger, CERT_URL), "failed recently")
    assert fetcher.calls == [CERT_URL]


class Gate:
    """A fetcher that holds every download until released, counting them."""

    def __init__(self, chain: bytes):
        import threading

        self.chain = chain
        self.release = threading.Event()
        self.calls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        self.release.wait(30)
        return self.chain


def in_thread(fn, *args):
    import threading

    result: dict[str, object] = {}

    def run():
        try:
            result["value"] = fn(*args)
        except Exception as exc:
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def test_fetches_and_waiters_beyond_the_caps_are_refused_at_once(pki):
    from gentle_steps.skill.certs import FetchLimits

    gate = Gate(pki.chain_pem)
    verifier = RequestVerifier(trust_roots=[pki.root], fetcher=gate,
                               limits=FetchLimits(max_fetches=2, max_waiters=2, wait_s=30))
    first, second = fresh_url(), fresh_url()
    waiting = [in_thread(verifier.verify, *signed(pki, url)) for url in (first, second)]
    deadline = time.monotonic() + 10
    while len(gate.calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        started = time.monotonic()
        refuse(verifier, *signed(pki, fresh_url()), "too many")  # a third URL: no third download
        refuse(verifier, *signed(pki, first), "too many")  # the same URL: no third waiter either
        assert time.monotonic() - started < 5  # at once, not after the 30 s the others may wait
        assert len(gate.calls) == 2
    finally:
        gate.release.set()
    for thread, result in waiting:
        thread.join(10)
        assert "error" not in result, result
    verifier.verify(*signed(pki, first))  # now cached
    assert len(gate.calls) == 2


def test_a_slow_fetch_stops_the_wait_but_still_fills_the_cache(pki):
    from gentle_steps.skill.certs import FetchLimits

    gate = Gate(pki.chain_pem)
    verifier = RequestVerifier(trust_roots=[pki.root], fetcher=gate, limits=FetchLimits(wait_s=0.2))
    started = time.monotonic()
    refuse(verifier, *signed(pki, CERT_URL), "too slow")
    assert time.monotonic() - started < 5
    gate.release.set()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            verifier.verify(*signed(pki, CERT_URL))
            break
        except VerificationError:
            time.sleep(0.05)
    verifier.verify(*signed(pki, CERT_URL))
    assert gate.calls == [CERT_URL]


def test_requests_for_the_same_url_share_one_fetch(pki):
    gate = Gate(pki.chain_pem)
    verifier = RequestVerifier(trust_roots=[pki.root], fetcher=gate)
    waiting = [in_thread(verifier.verify, *signed(pki, CERT_URL)) for _ in range(2)]
    time.sleep(0.2)
    gate.release.set()
    for thread, result in waiting:
        thread.join(10)
        assert "error" not in result, result
    assert gate.calls == [CERT_URL]


def test_nothing_is_fetched_for_a_request_that_fails_the_free_checks(pki):
    verifier, fetcher = verifier_for(pki)
    for envelope in (E.launch(timestamp=E.now_iso(-3600)), E.launch(skill_id="amzn1.ask.skill.other")):
        body = body_of(envelope)
        with pytest.raises(VerificationError):
            verifier.verify(headers(pki, body), body, envelope)
    envelope = E.launch()
    with pytest.raises(VerificationError, match="base64"):
        verifier.verify({"signaturecertchainurl": CERT_URL, "signature-256": "%%"}, body_of(envelope), envelope)
    assert fetcher.calls == []


def test_the_fetcher_never_follows_a_redirect(tmp_path):
    """Only a URL that passed the shape check is ever fetched: a redirect elsewhere is a failure, not a hop."""
    import http.server
    import threading

    from gentle_steps.skill.verify import default_fetcher

    hits: list[str] = []

    class Redirecting(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            if self.path == "/echo.api/cert.pem":
                self.send_response(302)
                self.send_header("Location", "/elsewhere.pem")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                body = b"-----BEGIN CERTIFICATE-----\n"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(Exception):  # noqa: B017 - urllib's HTTPError for the refused redirect
            default_fetcher(f"http://127.0.0.1:{server.server_port}/echo.api/cert.pem", timeout=5)
    finally:
        server.shutdown()
    assert hits == ["/echo.api/cert.pem"]
