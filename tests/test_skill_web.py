"""The web service's WSGI application in process: static files, /healthz, /alexa's refusals, and fuzzing."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from gentle_steps.skill.handlers import REQUEST_TYPES
from gentle_steps.skill.runtime import SkillRuntime
from gentle_steps.skill.state import SqlitePersistenceAdapter
from gentle_steps.skill.web import WebApp, parse_range
from hypothesis import HealthCheck, given, settings

FIXTURES = Path(__file__).parent / "fixtures" / "skill"
sys.path.insert(0, str(FIXTURES))

import envelopes as E  # noqa: E402
from fuzzing import assert_valid_answer, envelopes, json_values  # noqa: E402
from webdist import MP3, make_dist  # noqa: E402
from wsgi_call import call  # noqa: E402


@pytest.fixture
def dist(tmp_path):
    return make_dist(tmp_path)


@pytest.fixture
def app(dist, tmp_path):
    runtime = SkillRuntime.from_path(dist / "catalog.json", SqlitePersistenceAdapter(tmp_path / "state.sqlite3"))
    return WebApp(dist, runtime, verifier=None)


# --- static files -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, mime", [
    ("/audio/ep/01-introduction.mp3", "audio/mpeg"),
    ("/feed.xml", "application/rss+xml; charset=utf-8"),
    ("/sitemap.xml", "application/xml; charset=utf-8"),
    ("/", "text/html; charset=utf-8"),
    ("/episodes/ep/", "text/html; charset=utf-8"),
    ("/episodes/ep/transcript.vtt", "text/vtt; charset=utf-8"),
    ("/episodes/ep/chapters.json", "application/json"),
    ("/catalog.json", "application/json"),
])
def test_files_are_served_with_their_mime_type(app, dist, path, mime):
    status, headers, body = call(app, "GET", path, content_type=None)
    assert status == 200
    assert headers["content-type"] == mime
    expected = dist / path.lstrip("/")
    expected = expected / "index.html" if expected.is_dir() else expected
    assert body == expected.read_bytes()
    assert headers["content-length"] == str(len(body))
    assert headers["accept-ranges"] == "bytes"


def test_head_gives_the_headers_without_the_body(app):
    status, headers, body = call(app, "HEAD", "/audio/ep/01-introduction.mp3", content_type=None)
    assert status == 200 and body == b""
    assert headers["content-length"] == str(len(MP3)) and headers["content-type"] == "audio/mpeg"


@pytest.mark.parametrize("header, start, end", [
    ("bytes=0-99", 0, 99),
    ("bytes=100-", 100, len(MP3) - 1),
    ("bytes=-500", len(MP3) - 500, len(MP3) - 1),
    ("bytes=10000-99999", 10000, len(MP3) - 1),
    ("bytes=0-0", 0, 0),
])
def test_byte_ranges_get_206_with_content_range(app, header, start, end):
    status, headers, body = call(app, "GET", "/audio/ep/01-introduction.mp3", headers={"Range": header},
                                 content_type=None)
    assert status == 206
    assert headers["content-range"] == f"bytes {start}-{end}/{len(MP3)}"
    assert body == MP3[start:end + 1]
    assert headers["content-length"] == str(end - start + 1)


@pytest.mark.parametrize("header", ["bytes=10240-", "bytes=99999-100000", "bytes=-0"])
def test_unsatisfiable_ranges_get_416(app, header):
    status, headers, _ = call(app, "GET", "/audio/ep/01-introduction.mp3", headers={"Range": header},
                              content_type=None)
    assert status == 416
    assert headers["content-range"] == f"bytes */{len(MP3)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "items=0-5", "bytes=abc", "bytes=9-2", "bytes=²-"])
def test_ranges_we_do_not_serve_get_the_whole_file(app, header):
    status, _, body = call(app, "GET", "/audio/ep/01-introduction.mp3", headers={"Range": header},
                           content_type=None)
    assert status == 200 and body == MP3


def test_head_with_a_range(app):
    status, headers, body = call(app, "HEAD", "/audio/ep/01-introduction.mp3", headers={"Range": "bytes=5-9"},
                                 content_type=None)
    assert status == 206 and body == b"" and headers["content-range"] == f"bytes 5-9/{len(MP3)}"


def test_if_range_with_a_stale_etag_serves_the_whole_file(app):
    status, _, body = call(app, "GET", "/audio/ep/01-introduction.mp3",
                           headers={"Range": "bytes=5-9", "If-Range": '"stale"'}, content_type=None)
    assert status == 200 and body == MP3


def test_etag_revalidation_gets_304(app):
    _, headers, _ = call(app, "GET", "/feed.xml", content_type=None)
    status, _, body = call(app, "GET", "/feed.xml", headers={"If-None-Match": headers["etag"]}, content_type=None)
    assert status == 304 and body == b""


@pytest.mark.parametrize("path", [
    "/../outside.txt", "/audio/../../outside.txt", "/..", "/./catalog.json", "/.secret", "/audio/ep/..%2f..%2f",
    "/audio\\..\\..\\outside.txt", "/nope.mp3", "/audio/ep/01-introduction.mp3/x",
])
def test_nothing_outside_dist_or_hidden_is_served(app, path):
    status, _, body = call(app, "GET", path, content_type=None)
    assert status == 404
    assert b"not for the public" not in body and b"hidden" not in body


def test_a_symlink_leading_out_of_dist_is_not_followed(app, dist):
    os.symlink(dist.parent / "outside.txt", dist / "link.txt")  # Linux, where serve runs, always has symlinks
    assert call(app, "GET", "/link.txt", content_type=None)[0] == 404


def test_a_folder_without_its_slash_redirects(app):
    status, headers, _ = call(app, "GET", "/episodes/ep", content_type=None)
    assert status == 301 and headers["location"] == "/episodes/ep/"


def test_other_methods_are_refused(app):
    assert call(app, "DELETE", "/feed.xml", content_type=None)[0] == 405
    assert call(app, "GET", "/alexa", content_type=None)[0] == 405


def test_healthz(app):
    status, headers, body = call(app, "GET", "/healthz", content_type=None)
    assert status == 200 and json.loads(body)["status"] == "ok"


def test_parse_range_edges():
    assert parse_range("bytes=0-", 0) is False
    assert parse_range("bytes=-5", 3) == (0, 2)
    assert parse_range("bytes= 1 - 2 ", 10) == (1, 2)


# --- /alexa refusals ----------------------------------------------------------------------------------------


def test_a_good_request_is_answered(app):
    status, headers, body = call(app, "POST", "/alexa", json.dumps(E.launch()).encode())
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert "Welcome" in json.loads(body)["response"]["outputSpeech"]["ssml"]


@pytest.mark.parametrize("body, content_type, status", [
    (b"{}", "text/plain", 415),
    (b"{}", None, 415),
    (b"not json", "application/json", 400),
    (b"\xff\xfe", "application/json", 400),
    (b"[1, 2]", "application/json", 400),
    (b"{}", "application/json", 400),
    (json.dumps({"request": {"type": "LaunchRequest"}}).encode(), "application/json", 400),
    (json.dumps(E.envelope({"type": "Alexa.Presentation.APL.UserEvent"})).encode(), "application/json", 400),
    (json.dumps(E.envelope({"type": "IntentRequest"})).encode(), "application/json", 400),
    (json.dumps(E.launch(timestamp="yesterday-ish")).encode(), "application/json", 400),
    (json.dumps(E.launch())[:200].encode(), "application/json", 400),
])
def test_bad_requests_get_a_4xx_with_no_detail(app, body, content_type, status):
    got, _, data = call(app, "POST", "/alexa", body, content_type=content_type)
    assert got == status
    assert data.decode().split("\n")[0].startswith(str(status))
    assert b"Traceback" not in data and b"Error" not in data


def test_a_body_over_256_kib_is_refused_unread(app):
    envelope = E.launch()
    envelope["session"]["attributes"] = {"padding": "x" * (256 * 1024)}
    status, _, _ = call(app, "POST", "/alexa", json.dumps(envelope).encode())
    assert status == 413


def test_a_missing_content_length_is_refused(app):
    status, _, _ = call(app, "POST", "/alexa", b"", content_type="application/json")
    assert status == 411


def test_the_skill_id_is_checked_without_verification_too(dist, tmp_path):
    runtime = SkillRuntime.from_path(dist / "catalog.json", SqlitePersistenceAdapter(tmp_path / "s.sqlite3"))
    app = WebApp(dist, runtime, verifier=None, skill_id=E.SKILL_ID)
    assert call(app, "POST", "/alexa", json.dumps(E.launch()).encode())[0] == 200
    assert call(app, "POST", "/alexa", json.dumps(E.launch(skill_id="amzn1.ask.skill.x")).encode())[0] == 400


# --- fuzzing ------------------------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(envelope=envelopes())
def test_fuzzed_envelopes_get_valid_json_or_a_4xx(app, envelope):
    status, _, body = call(app, "POST", "/alexa", json.dumps(envelope).encode())
    assert_valid_answer(status, body, envelope)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=json_values)
def test_arbitrary_json_gets_a_4xx(app, body):
    status, _, data = call(app, "POST", "/alexa", json.dumps(body).encode())
    assert_valid_answer(status, data)
    if not (isinstance(body, dict) and isinstance(body.get("request"), dict)
            and body["request"].get("type") in REQUEST_TYPES):
        assert status == 400


# --- bodies shaped to hurt the JSON parser ------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    b"[" * (200 * 1024),
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 3000 + b"1" + b"}" * 3000,
    b'{"request": ' + b"[" * 100 + b"]" * 100 + b"}",
    b"]" * 1000,
])
def test_deeply_nested_json_is_a_400_not_a_500(app, body, caplog):
    status, _, data = call(app, "POST", "/alexa", body)
    assert status == 400, data
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_brackets_inside_strings_do_not_count_as_nesting(app):
    envelope = E.launch()
    envelope["session"]["attributes"] = {"note": "[{" * 500 + '\\"]' * 100}
    status, _, body = call(app, "POST", "/alexa", json.dumps(envelope).encode())
    assert status == 200 and "Welcome" in json.loads(body)["response"]["outputSpeech"]["ssml"]


@pytest.mark.parametrize("body, refused", [
    (b"[" * 32 + b"]" * 32, False),
    (b"[" * 33 + b"]" * 33, True),
    (b'{"a": "' + b"[" * 100 + b'"}', False),
    (b'{"a": "\\\\"' + b"[" * 40 + b"]" * 40 + b"}", True),  # an escaped backslash ends the string
    (b'{"a": "\\"]' + b"[" * 40 + b'"}', False),  # an escaped quote does not
    (b"[" * 40 + b'"unterminated', True),
    (b"[" * 3000 + b"]" * 3000, True),
    (b"[" * 40 + b'"\\\\"' * 5000 + b"]" * 40, True),
])
def test_shape_problem(body, refused):
    from gentle_steps.skill.jsonshape import shape_problem

    assert (shape_problem(body) is not None) == refused


def test_a_flood_of_refusals_is_logged_in_bounded_lines(app, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="gentle_steps.skill.web")
    for _ in range(500):
        call(app, "POST", "/alexa", b"not json")
    lines = [r for r in caplog.records if r.name == "gentle_steps.skill.web"]
    assert 1 <= len(lines) <= 21


def test_refusal_log_counts_what_it_did_not_log(caplog):
    import logging

    from gentle_steps.skill.web import RefusalLog

    caplog.set_level(logging.INFO, logger="gentle_steps.skill.web")
    now = [0.0]
    refusals = RefusalLog(burst=3, window_s=10, clock=lambda: now[0])
    for _ in range(10):
        refusals.log(logging.INFO, "bad")
    now[0] = 11
    refusals.log(logging.INFO, "bad")
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["refused /alexa request: bad"] * 3 + [
        "7 more /alexa requests refused in the last 10 s (not logged one by one)", "refused /alexa request: bad"]


def test_a_missing_catalog_keeps_the_previous_one_and_says_so_once(dist, tmp_path, caplog):
    from gentle_steps.skill.runtime import ReloadingRuntime

    runtime = ReloadingRuntime(dist / "catalog.json", None, check_every_s=0)
    app = WebApp(dist, runtime, verifier=None)
    (dist / "catalog.json").rename(tmp_path / "aside.json")
    for _ in range(3):
        assert call(app, "POST", "/alexa", json.dumps(E.launch()).encode())[0] == 200
    assert len([r for r in caplog.records if "missing" in r.getMessage()]) == 1
