"""The proof report page in a real headless Chromium: axe-core (WCAG 2.2 A/AA, light and dark) on the seed's
report and on the wrong-lexicon report, and the "Play this sentence" button playing exactly its sentence of the
real section MP3 (seek to its start, pause at its end) from the keyboard."""

from __future__ import annotations

import json

import pages_browser_support as pages_browser
import pytest
from pages_browser_support import run_axe, serve

# The listening pages' browser fixtures (Debian chromium through Playwright, axe-core), shared.
browser = pages_browser.browser
page = pages_browser.page
axe_source = pages_browser.axe_source

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def seed_site(seed_proof):
    server, base = serve(seed_proof[0])
    yield base
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def lexicon_site(wrong_lexicon_proof):
    server, base = serve(wrong_lexicon_proof[0])
    yield base
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("which", ["seed", "lexicon"])
def test_proof_page_passes_axe(page, seed_site, lexicon_site, axe_source, which, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto((seed_site if which == "seed" else lexicon_site) + "proof/")
    page.wait_for_selector("button.play-sentence")
    violations = run_axe(page, axe_source)
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)


def test_play_button_plays_exactly_its_sentence(page, lexicon_site, wrong_lexicon_proof):
    report = json.loads((wrong_lexicon_proof[0] / "proof" / "report.json").read_text(encoding="utf-8"))
    (sentence,) = [s for ep in report["episodes"] for sec in ep["sections"] for s in sec["sentences"] if s["flagged"]]
    start, end = sentence["start_ms"] / 1000, sentence["end_ms"] / 1000
    page.goto(lexicon_site + "proof/")
    assert page.locator("a.play-sentence").count() == 0, "the script turns every link into a button"
    button = page.locator("button.play-sentence")
    assert button.count() == 1
    assert button.get_attribute("data-start") and sentence["text"] in button.inner_text()
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => { const a = document.querySelector('audio'); "
                           "return a.played.length > 0 && a.paused; }", timeout=20_000)
    state = page.evaluate("() => { const a = document.querySelector('audio'); "
                          "return {time: a.currentTime, from: a.played.start(0), to: a.played.end(a.played.length - 1)}; }")
    assert abs(state["from"] - start) < 0.05, state
    assert end - 0.02 <= state["time"] <= end + 0.25, state
    assert state["to"] <= end + 0.25, state


def test_without_javascript_the_link_opens_the_sentence_span(browser, lexicon_site, wrong_lexicon_proof):
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(lexicon_site + "proof/")
        link = pg.locator("a.play-sentence")
        assert link.count() == 1
        href = link.get_attribute("href")
        audio = pg.locator("audio").get_attribute("src")
        assert href.startswith(audio + "#t=") and "," in href
    finally:
        context.close()
