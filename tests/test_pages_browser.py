"""The listening pages in a real headless Chromium: axe-core (WCAG 2.2 A/AA), keyboard reach, seeking, speed.

The site is rendered from the hand-made manifest in ``tests/golden/manifest.json``; each episode MP3 is a real
tone of the manifest's duration made with ffmpeg, served by a small threaded HTTP server on 127.0.0.1 that
answers Range requests (Chromium needs them to seek in audio; Python's http.server does not do ranges).

Without a browser the tests skip and say why; with ``CI`` set they fail instead, because CI must run them.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import shutil
import subprocess
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from gentle_steps.audio.model import Manifest
from gentle_steps.deploy.output import encode
from gentle_steps.feed.site import render_site

pytestmark = pytest.mark.browser

GOLDEN = Path(__file__).parent / "golden"
# Debian's chromium package; GENTLE_STEPS_CHROMIUM points elsewhere. Playwright's own browser download is not used.
CHROMIUM = os.environ.get("GENTLE_STEPS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 # Let media play without a gesture, so an autoplay attribute would really play and be caught.
                 "--autoplay-policy=no-user-gesture-required"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
EPISODE = "can-you-rebuild-trust-after-betrayal"


def _unavailable(reason: str):
    """Skip with the reason, except in CI, where a missing browser is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the browser tests; .ci/run installs chromium)")
    pytest.skip(reason)


# --- Serving dist/ with Range support -----------------------------------------------------------------------


class RangeHandler(BaseHTTPRequestHandler):
    """GET/HEAD of files under ``root`` with single-range ``Range: bytes=a-b`` support."""

    root: Path

    def log_message(self, format, *args):
        pass

    def _resolve(self) -> Path | None:
        path = unquote(urlsplit(self.path).path)
        target = (self.root / path.lstrip("/")).resolve()
        if self.root not in target.parents and target != self.root:
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def do_HEAD(self):
        self._serve(send_body=False)

    def do_GET(self):
        self._serve(send_body=True)

    def _serve(self, send_body: bool) -> None:
        target = self._resolve()
        if target is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        data = target.read_bytes()
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        start, end, status = 0, len(data) - 1, HTTPStatus.OK
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", ""))
        if match and (match.group(1) or match.group(2)):
            if match.group(1):
                start = int(match.group(1))
                end = min(int(match.group(2)), end) if match.group(2) else end
            else:
                start = max(0, len(data) - int(match.group(2)))
            if start > end:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.end_headers()
                return
            status = HTTPStatus.PARTIAL_CONTENT
        body = data[start:end + 1]
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(body)))
        if status == HTTPStatus.PARTIAL_CONTENT:
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def serve(root: Path) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``root`` on a free loopback port; returns the server and its base URL."""
    mimetypes.add_type("text/vtt", ".vtt")
    mimetypes.add_type("audio/mpeg", ".mp3")
    handler = type("Handler", (RangeHandler,), {"root": root.resolve()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def tone_mp3(path: Path, duration_ms: int) -> None:
    """A real MP3 of the given length (podcast profile: 44.1 kHz mono CBR), made with imageio-ffmpeg's ffmpeg."""
    import imageio_ffmpeg

    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi",
         "-i", f"sine=frequency=220:sample_rate=44100:duration={duration_ms / 1000}",
         "-ac", "1", "-c:a", "libmp3lame", "-b:a", "64k", str(path)],
        check=True,
    )


# --- Fixtures -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    return Manifest.from_dict(json.loads((GOLDEN / "manifest.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def site(manifest, tmp_path_factory) -> str:
    """The rendered site plus real episode MP3s, served over HTTP; yields the base URL."""
    root = tmp_path_factory.mktemp("dist")
    for rel, data in encode(render_site(manifest)).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    for ep in manifest.episodes:
        tone_mp3(root / ep.audio.path, ep.audio.duration_ms)
    server, base = serve(root)
    yield base
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).is_file():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # any launch failure means "no usable browser here"
            _unavailable(f"Chromium at {CHROMIUM} did not start: {exc}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    try:
        from importlib import resources

        return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    except (ImportError, FileNotFoundError):
        _unavailable("axe-core is missing: pip install axe-playwright-python (it bundles axe.min.js)")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"script errors on the page: {errors}"


def run_axe(page, axe_source: str) -> list[dict]:
    """axe-core's violations for the WCAG 2.0/2.1/2.2 A and AA rules on the current page."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["html"][:160] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def open_episode(page, site: str, episode: str = EPISODE) -> None:
    page.goto(f"{site}episodes/{episode}/")
    page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=10_000)


# --- Tests --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["", f"episodes/{EPISODE}/", "episodes/when-everything-feels-loud/"])
def test_axe_finds_no_wcag_22_violations(page, site, axe_source, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(site + path)
    if path:
        # Include the highlighted sentence in the check: its colours must pass too.
        page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=10_000)
        page.evaluate("() => { const a = document.getElementById('player'); a.currentTime = 19; "
                      "a.dispatchEvent(new Event('timeupdate')); }")
        page.wait_for_selector(".s.is-current")
    violations = run_axe(page, axe_source)
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)


def test_axe_ran_rules_that_can_fail(page, site, axe_source):
    """The same check flags a page with a real problem, so a clean result means something."""
    page.goto(f"{site}episodes/{EPISODE}/")
    page.evaluate("() => { document.documentElement.removeAttribute('lang'); "
                  "document.querySelector('.seek').textContent = ''; }")
    ids = {v["id"] for v in run_axe(page, axe_source)}
    assert {"html-has-lang", "link-name"} <= ids


def _tab_stops(page, limit: int = 80) -> list[dict]:
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(
            "() => { const e = document.activeElement; if (!e || e === document.body) return null;"
            " return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: e.textContent.trim(),"
            " start: e.getAttribute('data-start'), inNav: !!e.closest('nav.sections'),"
            " outline: getComputedStyle(e).outlineStyle}; }"
        )
        if info is None or (stops and info == stops[0]):
            break
        stops.append(info)
    return stops


def test_keyboard_reaches_player_sections_and_speed(page, site, manifest):
    open_episode(page, site)
    stops = _tab_stops(page)
    tags = [(s["tag"], s["id"]) for s in stops]
    assert stops[0]["cls"] == "skip-link", "the skip link is the first tab stop"
    assert ("audio", "player") in tags
    assert ("select", "speed") in tags
    episode = manifest.episodes[0]
    nav_starts = [float(s["start"]) for s in stops if s["inNav"]]
    assert nav_starts == [sec.episode_start_ms / 1000 for sec in episode.sections]
    play_from_here = [s for s in stops if s["text"].startswith("Play from here")]
    assert len(play_from_here) == len(episode.sections)
    # Visible focus: every focused link, button and select shows an outline.
    for stop in stops:
        if stop["tag"] in ("a", "select", "button"):
            assert stop["outline"] != "none", f"no visible focus on {stop}"
    # Order: player, then speed, then the section list.
    assert tags.index(("audio", "player")) < tags.index(("select", "speed"))
    assert tags.index(("select", "speed")) < next(i for i, s in enumerate(stops) if s["inNav"])


def _activate_and_read(page, selector: str) -> dict:
    page.focus(selector)
    page.evaluate("() => { window.__seeked = new Promise(r => document.getElementById('player')"
                  ".addEventListener('seeked', r, {once: true})); }")
    page.keyboard.press("Enter")
    return page.evaluate(
        "async () => { await window.__seeked; const a = document.getElementById('player');"
        " return {time: a.currentTime, focus: document.activeElement.getAttribute('data-start'),"
        " url: location.href}; }"
    )


def test_section_controls_move_the_player(page, site, manifest):
    open_episode(page, site)
    episode = manifest.episodes[0]
    # Last section first, so every activation is a real move.
    for i, sec in reversed(list(enumerate(episode.sections))):
        got = _activate_and_read(page, f"nav.sections li:nth-child({i + 1}) a.seek")
        assert abs(got["time"] - sec.episode_start_ms / 1000) <= 0.3, (sec.id, got)
        assert got["focus"] is not None and float(got["focus"]) == sec.episode_start_ms / 1000, "focus stays put"
        assert got["url"].endswith(f"/episodes/{EPISODE}/"), "the page stays; only the player moves"
    for sec in (episode.sections[1], episode.sections[0]):
        got = _activate_and_read(page, f"#section-{sec.id} ~ .from-here a.seek")
        assert abs(got["time"] - sec.episode_start_ms / 1000) <= 0.3, (sec.id, got)


def test_speed_control_changes_rate_with_pitch_preserved(page, site):
    open_episode(page, site)
    options = page.eval_on_selector_all("#speed option", "os => os.map(o => parseFloat(o.value))")
    assert min(options) == 0.75 and max(options) == 2 and 1 in options
    for value in ("0.75", "2", "1.5"):
        page.select_option("#speed", value)
        rate, pitch = page.evaluate("() => { const a = document.getElementById('player');"
                                    " return [a.playbackRate, a.preservesPitch]; }")
        assert rate == float(value) and pitch is True
    page.reload()
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    assert page.evaluate("document.getElementById('player').playbackRate") == 1.5, "the chosen speed is kept"


def test_highlight_follows_audio_without_moving_focus_or_scrolling(page, site, manifest):
    open_episode(page, site)
    sentence = manifest.episodes[0].sections[1].sentences[2]
    page.focus("#speed")
    before = page.evaluate("() => [window.scrollY, document.activeElement.id]")
    page.evaluate(f"() => {{ const a = document.getElementById('player'); a.currentTime = "
                  f"{(sentence.episode_start_ms + 100) / 1000}; }}")
    page.wait_for_selector(".s.is-current")
    assert page.text_content(".s.is-current") == sentence.text
    assert page.eval_on_selector_all(".s.is-current", "es => es.length") == 1
    assert page.evaluate("() => [window.scrollY, document.activeElement.id]") == before


def test_audio_never_autoplays(page, site):
    open_episode(page, site)
    page.wait_for_timeout(800)
    state = page.evaluate("() => { const a = document.getElementById('player');"
                          " return {paused: a.paused, time: a.currentTime, autoplay: a.autoplay,"
                          " preload: a.getAttribute('preload'), controls: a.controls}; }")
    assert state == {"paused": True, "time": 0, "autoplay": False, "preload": "metadata", "controls": True}


@pytest.mark.parametrize("path", ["", f"episodes/{EPISODE}/"])
def test_text_scales_to_200_percent_and_reflows_at_320px(browser, site, path):
    for width, scale in ((1280, "200%"), (320, "100%")):
        context = browser.new_context(viewport={"width": width, "height": 800})
        pg = context.new_page()
        pg.goto(site + path)
        pg.evaluate(f"() => {{ document.documentElement.style.fontSize = '{scale}'; }}")
        sizes = pg.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
                            " parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)]")
        context.close()
        assert sizes[0] <= sizes[1], f"horizontal scrolling at {width}px, text {scale}: {sizes}"
        if scale == "200%":
            assert sizes[2] >= 32, f"body text did not scale: {sizes[2]}px"


def test_targets_are_at_least_24px(page, site):
    open_episode(page, site)
    small = page.evaluate(
        "() => Array.from(document.querySelectorAll('a, button, select, audio'))"
        ".filter(e => e.offsetParent !== null && !e.closest('p:not(.from-here), li.resource-inline'))"
        ".filter(e => !e.closest('.resources, .fine-print, .files'))"
        ".map(e => { const r = e.getBoundingClientRect(); return {html: e.outerHTML.slice(0, 80),"
        " w: r.width, h: r.height}; }).filter(r => r.w < 24 || r.h < 24)"
    )
    assert small == []


def test_reduced_motion_and_color_scheme_are_respected(browser, site):
    seen = {}
    for motion, scheme in (("reduce", "dark"), ("no-preference", "light")):
        context = browser.new_context(reduced_motion=motion, color_scheme=scheme)
        pg = context.new_page()
        pg.goto(f"{site}episodes/{EPISODE}/")
        seen[(motion, scheme)] = pg.evaluate(
            "() => [getComputedStyle(document.documentElement).scrollBehavior,"
            " getComputedStyle(document.querySelector('.s')).transitionDuration,"
            " getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
        )
        context.close()
    reduce, normal = seen[("reduce", "dark")], seen[("no-preference", "light")]
    assert reduce[:2] == ["auto", "0s"]
    assert normal[0] == "smooth" and normal[1] != "0s"
    assert reduce[2] != normal[2] and reduce[3] != normal[3], "dark scheme changes the colours"


def test_pages_work_without_javascript(browser, site, manifest):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(f"{site}episodes/{EPISODE}/")
    assert pg.is_visible("audio#player")
    assert not pg.is_visible("#speed"), "the speed control needs the script, so it stays hidden without it"
    links = pg.eval_on_selector_all("nav.sections a", "as => as.map(a => a.href)")
    episode = manifest.episodes[0]
    assert [link.split("#t=")[0] for link in links] == [site + episode.audio.path] * len(episode.sections)
    assert [float(link.split("#t=")[1]) for link in links] == [s.episode_start_ms / 1000 for s in episode.sections]
    # The media fragment link really opens the audio at that point.
    response = pg.request.get(links[1].split("#")[0], headers={"Range": "bytes=0-1"})
    assert response.status == 206 and response.headers["content-type"] == "audio/mpeg"
    pg.goto(site)
    assert pg.is_visible(f"a[href='episodes/{EPISODE}/']")
    assert not pg.is_visible("button.copy")
    context.close()


# --- The real build of content/ -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_site(request):
    """tone_dist (the lead's build of content/ with the test voice) served over HTTP: (base URL, manifest)."""
    try:
        root = Path(request.getfixturevalue("tone_dist"))
    except pytest.FixtureLookupError:
        pytest.skip("the tone_dist fixture is not defined in tests/conftest.py yet")
    built = Manifest.from_dict(json.loads((root / "manifest.json").read_text(encoding="utf-8")))
    server, base = serve(root)
    yield base, built
    server.shutdown()
    server.server_close()


def test_built_seed_page_passes_axe_and_seeks_to_every_section(page, built_site, axe_source):
    base, built = built_site
    episode = built.episodes[0]
    open_episode(page, base, episode.id)
    assert run_axe(page, axe_source) == []
    duration = page.evaluate("document.getElementById('player').duration")
    assert abs(duration - episode.audio.duration_ms / 1000) < 1.0
    for i, sec in reversed(list(enumerate(episode.sections))):
        got = _activate_and_read(page, f"nav.sections li:nth-child({i + 1}) a.seek")
        assert abs(got["time"] - sec.episode_start_ms / 1000) <= 0.3, (sec.id, got)
