"""Reading along in a real headless Chromium: the compact player, the current-sentence highlight, follow along.

200% zoom is a 1280 x 900 window at zoom 200%: the page lays out in 640 x 450 CSS pixels at two device
pixels each, exactly as the browser's own zoom does.
"""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("pages_browser_support")
from pages_browser_support import EPISODE, contrast, open_episode, seek, wait_for_settled_highlight  # noqa: E402

pytest_plugins = ("pages_browser_support",)
pytestmark = pytest.mark.browser

ZOOM_200 = {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}
DOCK_CONTROLS = ("button[data-skip='-15']", "button.play", "button[data-skip='15']", "#position", "#speed", "#follow")

MEASURED: dict[str, dict[str, float]] = {}
"""Contrast ratios the highlight test measured, by scheme (printed with ``-s``)."""


@pytest.fixture
def zoomed(browser):
    """A page at 200% zoom; fails the test on any script error."""
    context = browser.new_context(**ZOOM_200)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"script errors on the page: {errors}"


def settle_scroll(page) -> float:
    """Wait until the page has stopped scrolling (eight frames without movement); returns ``scrollY``."""
    return page.evaluate(
        "() => new Promise(done => { let last = -1, still = 0;"
        " const tick = () => { if (window.scrollY === last) { still += 1; } else { still = 0; last = window.scrollY; }"
        " if (still >= 8) { done(window.scrollY); } else { requestAnimationFrame(tick); } };"
        " requestAnimationFrame(tick); })"
    )


def rects(page, selector: str) -> dict:
    """The viewport height, the dock's box and the box of ``selector``."""
    return page.evaluate(
        "s => { const box = e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom,"
        " left: r.left, right: r.right, height: r.height}; };"
        " return {vh: window.innerHeight, vw: window.innerWidth, dock: box(document.querySelector('.dock')),"
        " el: box(document.querySelector(s))}; }",
        selector,
    )


def test_compact_player_stays_in_view_at_the_end_of_the_transcript_at_200_percent(zoomed, site, manifest):
    page = zoomed
    open_episode(page, site)
    start = page.evaluate("document.querySelector('.dock').getBoundingClientRect().top + window.scrollY")
    page.evaluate("() => document.querySelector('.transcript .files').scrollIntoView({block: 'end', behavior: 'instant'})")
    scrolled = settle_scroll(page)
    assert scrolled > start + 300, "the page really scrolled well past the player's own place"
    box = rects(page, ".transcript .files")
    dock = box["dock"]
    assert 0 <= dock["top"] and dock["bottom"] <= box["vh"], f"the player left the window: {box}"
    assert dock["height"] <= box["vh"] / 3, f"the player takes more than a third of the window: {box}"
    assert box["el"]["top"] >= dock["bottom"], "the player covers the end of the transcript"
    for control in DOCK_CONTROLS:
        # Each control is on screen and not covered by anything: the point at its centre is the control.
        hit = page.evaluate(
            "s => { const e = document.querySelector(s); const r = e.getBoundingClientRect();"
            " const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;"
            " return x >= 0 && y >= 0 && x <= innerWidth && y <= innerHeight"
            " && e.contains(document.elementFromPoint(x, y)); }", control)
        assert hit, f"{control} is not visible at the end of the transcript"
    # Operable from there by keyboard: play, then pause.
    page.focus("button.play")
    page.keyboard.press("Enter")
    # The label follows the audio's play and pause events, which come a moment after the state changes.
    label_is = "t => document.querySelector('.play-label').textContent === t"
    page.wait_for_function("() => !document.getElementById('player').paused")
    page.wait_for_function(label_is, arg="Pause", timeout=5000)
    page.keyboard.press("Space")
    page.wait_for_function("() => document.getElementById('player').paused")
    page.wait_for_function(label_is, arg="Play", timeout=5000)
    assert settle_scroll(page) == scrolled, "using the player did not move the page"
    # The current section follows the audio.
    last = manifest.episodes[0].sections[-1]
    seek(page, last.episode_start_ms / 1000 + 0.5)
    assert page.text_content(".now-title") == last.title


def _press_and_wait_for_seek(page, key: str) -> float:
    page.evaluate("() => { window.__seeked = new Promise(r => document.getElementById('player')"
                  ".addEventListener('seeked', r, {once: true})); }")
    page.keyboard.press(key)
    return page.evaluate("async () => { await window.__seeked; return document.getElementById('player').currentTime; }")


def test_skip_buttons_move_the_time_by_15_seconds(page, site, manifest):
    open_episode(page, site)
    duration = manifest.episodes[0].audio.duration_ms / 1000
    seek(page, 20)
    page.focus("button.play")
    assert page.evaluate("document.activeElement.className") == "play"
    # The toolbar is one Tab stop; the arrow keys move between its buttons, and wrap.
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.getAttribute('data-skip')") == "15"
    assert abs(_press_and_wait_for_seek(page, "Enter") - 35) < 0.05
    seek(page, 35)
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.getAttribute('data-skip')") == "-15"
    assert abs(_press_and_wait_for_seek(page, "Enter") - 20) < 0.05
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.getAttribute('data-skip')") == "15"
    page.keyboard.press("Home")
    assert page.evaluate("document.activeElement.getAttribute('data-skip')") == "-15"
    # Never before the start or past the end.
    seek(page, 5)
    assert _press_and_wait_for_seek(page, "Enter") == 0
    seek(page, duration - 5)
    page.keyboard.press("End")
    assert abs(_press_and_wait_for_seek(page, "Enter") - duration) < 0.1
    # By mouse too, and the one Tab stop is the button last used.
    seek(page, 10)
    page.click("button[data-skip='15']")
    page.wait_for_function("() => Math.abs(document.getElementById('player').currentTime - 25) < 0.05")
    tab_stops = page.eval_on_selector_all(".transport button", "bs => bs.map(b => b.tabIndex)")
    assert sorted(tab_stops) == [-1, -1, 0]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_highlight_contrast_is_at_least_3_to_1_with_an_underline(browser, site, manifest, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    open_episode(page, site)
    sentence = manifest.episodes[0].sections[1].sentences[2]
    seek(page, (sentence.episode_start_ms + 100) / 1000)
    wait_for_settled_highlight(page)
    styles = page.evaluate(
        "() => { const s = document.querySelector('.s.is-current'); const other = document.querySelector("
        "'.s:not(.is-current)'); const bg = e => { for (; e; e = e.parentElement) { const c ="
        " getComputedStyle(e).backgroundColor; if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; }"
        " return 'rgb(255, 255, 255)'; }; const cs = getComputedStyle(s);"
        " return {text: s.textContent, highlight: cs.backgroundColor, colour: cs.color,"
        " page: bg(s.parentElement), line: cs.textDecorationLine, thickness: parseFloat(cs.textDecorationThickness),"
        " offset: parseFloat(cs.textUnderlineOffset), padding: parseFloat(cs.paddingBottom),"
        " otherLine: getComputedStyle(other).textDecorationLine, otherBg: bg(other)}; }")
    context.close()
    assert styles["text"] == sentence.text
    against_page = contrast(styles["highlight"], styles["page"])
    text_on_it = contrast(styles["colour"], styles["highlight"])
    MEASURED[scheme] = {"highlight_vs_page": round(against_page, 2), "text_on_highlight": round(text_on_it, 2)}
    print(f"\n{scheme}: highlight {styles['highlight']} on page {styles['page']}: {against_page:.2f}:1;"
          f" text {styles['colour']} on it: {text_on_it:.2f}:1")
    assert against_page >= 3, f"{scheme}: highlight is {against_page:.2f}:1 against the page ({styles})"
    assert text_on_it >= 4.5, f"{scheme}: text on the highlight is {text_on_it:.2f}:1 ({styles})"
    # Not colour alone: the current sentence is underlined, and no other sentence is.
    assert "underline" in styles["line"] and styles["thickness"] >= 2, styles
    # The underline lies on the highlight (its colour is the text's), not below it on the page.
    assert styles["padding"] >= styles["offset"] + styles["thickness"], styles
    assert "underline" not in styles["otherLine"] and styles["otherBg"] == styles["page"], styles


def test_follow_along_is_off_by_default_and_remembered(page, site):
    open_episode(page, site)
    assert page.is_visible("#follow") and not page.is_checked("#follow")
    page.focus("#follow")
    page.keyboard.press("Space")
    assert page.is_checked("#follow")
    page.reload()
    open_episode(page, site)
    assert page.is_checked("#follow"), "follow along is remembered on this device"
    page.click("label[for='follow']")
    page.reload()
    open_episode(page, site)
    assert not page.is_checked("#follow")


def test_follow_along_keeps_the_sentence_in_view_and_never_moves_focus(zoomed, site, manifest):
    page = zoomed
    open_episode(page, site)
    page.focus("#follow")
    page.keyboard.press("Space")
    episode = manifest.episodes[0]
    last = episode.sections[-1].sentences[-1]
    middle = episode.sections[1].sentences[-1]
    first = episode.sections[0].sentences[0]
    positions = []
    for sentence in (last, middle, first, last):
        seek(page, (sentence.episode_start_ms + 50) / 1000)
        page.wait_for_function("t => { const s = document.querySelector('.s.is-current'); return s && s.textContent === t; }",
                               arg=sentence.text)
        positions.append(settle_scroll(page))
        box = rects(page, ".s.is-current")
        assert box["el"]["top"] >= box["dock"]["bottom"] - 1 and box["el"]["bottom"] <= box["vh"] + 1, (
            f"{sentence.text!r} is not in view below the player: {box}")
        assert page.evaluate("document.activeElement.id") == "follow", "follow along moved the focus"
    assert positions[0] > positions[2] + 300, f"the page followed the voice down and back up: {positions}"


def test_without_follow_along_the_page_stays_put(zoomed, site, manifest):
    page = zoomed
    open_episode(page, site)
    before = settle_scroll(page)
    last = manifest.episodes[0].sections[-1].sentences[-1]
    seek(page, (last.episode_start_ms + 50) / 1000)
    page.wait_for_selector(".s.is-current")
    assert settle_scroll(page) == before


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_follow_along_jumps_without_smooth_scrolling_under_reduced_motion(browser, site, manifest, motion):
    context = browser.new_context(reduced_motion=motion, **ZOOM_200)
    page = context.new_page()
    page.add_init_script("localStorage.setItem('gentle-steps-follow', 'on')")
    open_episode(page, site)
    assert page.is_checked("#follow")
    last = manifest.episodes[0].sections[-1].sentences[-1]
    # The scroll position in the same task as the highlight, then once the page has come to rest.
    at_once = page.evaluate(
        "async t => { const a = document.getElementById('player');"
        " const done = new Promise(r => a.addEventListener('seeked', r, {once: true}));"
        " a.currentTime = t; await done; return window.scrollY; }", (last.episode_start_ms + 50) / 1000)
    at_rest = settle_scroll(page)
    context.close()
    assert at_rest > 300
    if motion == "reduce":
        assert at_once == at_rest, "under reduced motion the page jumps straight to the sentence"
    else:
        assert at_once < at_rest, "without the preference the page glides to the sentence"


def _focus_report(page) -> dict | None:
    return page.evaluate(
        "() => { const e = document.activeElement; if (!e || e === document.body) return null;"
        " const r = e.getBoundingClientRect(), d = document.querySelector('.dock').getBoundingClientRect();"
        " return {html: e.outerHTML.slice(0, 70), inDock: !!e.closest('.dock'), top: r.top, bottom: r.bottom,"
        " dockTop: d.top, dockBottom: d.bottom, footer: !!e.closest('footer')}; }")


def _under_dock(info: dict) -> bool:
    return not info["inDock"] and info["top"] < info["dockBottom"] and info["bottom"] > info["dockTop"]


def test_focus_is_never_hidden_behind_the_player(zoomed, site):
    """Tab down the page and Shift+Tab back up (where focus arrives from above, under the dock): WCAG 2.4.11."""
    page = zoomed
    open_episode(page, site)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    covered, seen = [], {"Tab": 0, "Shift+Tab": 0}
    for key in ("Tab", "Shift+Tab"):
        for _ in range(60):
            page.keyboard.press(key)
            settle_scroll(page)
            info = _focus_report(page)
            if info is None or (key == "Tab" and info["footer"]) or (key == "Shift+Tab" and info["inDock"]):
                break
            seen[key] += 1
            if _under_dock(info):
                covered.append((key, info))
    assert seen["Tab"] > 15 and seen["Shift+Tab"] > 10, seen
    assert covered == [], "focused elements under the sticky player"


def test_section_anchors_land_below_the_player(zoomed, site, manifest):
    page = zoomed
    for section in manifest.episodes[0].sections[1:]:
        page.goto(f"{site}episodes/{EPISODE}/#section-{section.id}")
        page.wait_for_function("document.getElementById('player').readyState >= 1")
        settle_scroll(page)
        box = rects(page, f"#section-{section.id}")
        assert box["el"]["top"] >= box["dock"]["bottom"] and box["dock"]["top"] == 0, (section.id, box)


def test_dock_stops_sticking_when_it_would_cover_most_of_a_short_window(browser, site):
    # 400% zoom of a 1280 x 1024 window: 320 x 256 CSS pixels.
    context = browser.new_context(viewport={"width": 320, "height": 256}, device_scale_factor=4)
    page = context.new_page()
    open_episode(page, site)
    state = page.evaluate("() => [getComputedStyle(document.querySelector('.dock')).position,"
                          " document.documentElement.scrollWidth <= innerWidth]")
    context.close()
    assert state == ["static", True]
