"""The listening pages in a real headless Chromium: axe-core (WCAG 2.2 A/AA), keyboard reach, seeking, speed.

The site, the browser and axe-core come from ``pages_browser_support``; the reading-along features (compact
player, highlight, follow along) are tested in ``test_pages_reading.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gentle_steps.audio.model import Manifest

pytest.register_assert_rewrite("pages_browser_support")
from gentle_steps.feed.site import render_site  # noqa: E402
from pages_browser_support import EPISODE, open_episode, run_axe, seek, serve, wait_for_settled_highlight  # noqa: E402

# The fixtures (manifest, site, browser, page, axe_source) live in the shared support module.
pytest_plugins = ("pages_browser_support",)
pytestmark = pytest.mark.browser


# --- Tests --------------------------------------------------------------------------------------------------


PAGES = ["", f"episodes/{EPISODE}/", "episodes/when-everything-feels-loud/"]
"""Every page of the golden site (checked against the rendered site below)."""


def test_axe_pages_are_every_page_of_the_site(manifest):
    rendered = {p.removesuffix("index.html") for p in render_site(manifest) if p.endswith(".html")}
    assert rendered == set(PAGES)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_wcag_22_violations(page, site, axe_source, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(site + path)
    if path:
        # Include the highlighted sentence and the dock stuck over the transcript: their colours must pass too.
        page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=10_000)
        seek(page, 19)
        wait_for_settled_highlight(page)
        page.evaluate("() => window.scrollTo({top: document.querySelector('.files').offsetTop, behavior: 'instant'})")
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
            " inDock: !!e.closest('.dock'),"
            " outline: getComputedStyle(e).outlineStyle}; }"
        )
        if info is None or (stops and info == stops[0]):
            break
        stops.append(info)
    return stops


def test_keyboard_reaches_player_sections_and_speed(page, site, manifest):
    open_episode(page, site)
    stops = _tab_stops(page)
    tags = [(s["tag"], s["id"] or s["cls"]) for s in stops]
    assert stops[0]["cls"] == "skip-link", "the skip link is the first tab stop"
    # The compact player replaces the native controls' six stops with four: the Back/Play/Forward toolbar (one
    # stop, arrow keys inside), the position slider, speed, and follow along.
    assert [t for t, s in zip(tags, stops, strict=True) if s["inDock"]] == [
        ("button", "play"), ("input", "position"), ("select", "speed"), ("input", "follow")]
    assert ("audio", "player") not in tags
    episode = manifest.episodes[0]
    nav_starts = [float(s["start"]) for s in stops if s["inNav"]]
    assert nav_starts == [sec.episode_start_ms / 1000 for sec in episode.sections]
    play_from_here = [s for s in stops if s["text"].startswith("Play from here")]
    assert len(play_from_here) == len(episode.sections)
    # Visible focus: every focused link, button, select and input shows an outline.
    for stop in stops:
        if stop["tag"] in ("a", "select", "button", "input"):
            assert stop["outline"] != "none", f"no visible focus on {stop}"
    # Order: player, then the section list.
    assert tags.index(("input", "follow")) < next(i for i, s in enumerate(stops) if s["inNav"])


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
                          " preload: a.getAttribute('preload'), label: document.querySelector('.play').textContent.trim()}; }")
    assert state == {"paused": True, "time": 0, "autoplay": False, "preload": "metadata", "label": "Play"}


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
        "() => Array.from(document.querySelectorAll('a, button, select, audio, input'))"
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
    assert pg.is_visible("audio#player") and pg.get_attribute("audio#player", "controls") is not None
    for control in ("#speed", "#follow", "#position", "button.play"):
        assert not pg.is_visible(control), f"{control} needs the script, so it stays hidden without it"
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
    root = Path(request.getfixturevalue("tone_dist"))
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
