"""What the browser tests of the listening pages share: the rendered site served over HTTP, Chromium, axe-core.

The site is rendered from the hand-made manifest in ``tests/golden/manifest.json``; each episode MP3 is a real
tone of the manifest's duration made with ffmpeg, served by a small threaded HTTP server on 127.0.0.1 that
answers Range requests (Chromium needs them to seek in audio; Python's http.server does not do ranges).

Without a browser the tests skip and say why; with ``CI`` set they fail instead, because CI must run them.
Test modules import the fixtures they use from here (pytest finds fixtures in a module's namespace).
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
    """A missing browser is a failure: the page tests always run (.ci/run installs Debian's chromium)."""
    pytest.fail(f"{reason} (the browser tests need Debian's chromium; .ci/run installs it)")


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




def wait_for_settled_highlight(page) -> None:
    """Wait until a sentence is highlighted and its colour transition has finished (computed styles are final)."""
    page.wait_for_selector(".s.is-current")
    page.wait_for_function("() => document.getAnimations().length === 0")


def seek(page, seconds: float) -> None:
    """Move the page's player to ``seconds`` and wait until the page has handled the seek."""
    page.evaluate("async t => { const a = document.getElementById('player');"
                  " const done = new Promise(r => a.addEventListener('seeked', r, {once: true}));"
                  " a.currentTime = t; await done; }", seconds)


def luminance(css_colour: str) -> float:
    """WCAG 2 relative luminance of a computed CSS colour (``rgb(r, g, b)`` or opaque ``rgba``)."""
    values = [float(v) for v in css_colour[css_colour.index("(") + 1:-1].split(",")]
    assert len(values) == 3 or values[3] == 1, f"not an opaque colour: {css_colour}"

    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in values[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two computed CSS colours."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
