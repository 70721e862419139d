"""The talking book's content documents in a real headless Chromium (the engine inside Thorium and Readest):
axe-core finds no WCAG 2.2 A/AA violation, light and dark, with and without the sentence highlight on.

Without a browser the tests skip and say why; with ``CI`` set they fail instead, because CI must run them.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from importlib import resources
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("GENTLE_STEPS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ACTIVE = "-epub-media-overlay-active"


def _unavailable(reason: str):
    """A missing browser is a failure: the page tests always run (.ci/run installs Debian's chromium)."""
    pytest.fail(f"{reason} (the browser tests need Debian's chromium; .ci/run installs it)")


@pytest.fixture(scope="module")
def unpacked(tone_dist: Path, tmp_path_factory) -> Path:
    """The show's EPUB of the sample build, unzipped, so Chromium opens its documents as files."""
    (book,) = tone_dist.glob("*.epub")
    target = tmp_path_factory.mktemp("book")
    with zipfile.ZipFile(book) as zf:
        zf.extractall(target)
    return target / "EPUB"


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
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        except Exception as exc:  # any launch failure means "no usable browser here"
            _unavailable(f"Chromium at {CHROMIUM} did not start: {exc}")
        yield chromium
        chromium.close()


def _axe(page) -> list[str]:
    source = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    page.add_script_tag(content=source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS)
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in result["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_content_documents_have_no_axe_violations_even_while_highlighted(unpacked, browser, scheme):
    documents = sorted(unpacked.glob("*.xhtml"))
    assert len(documents) == 2, documents  # the episode and the navigation document
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        for doc in documents:
            page.goto(doc.as_uri())
            assert _axe(page) == [], doc.name
            spans = page.locator("span[id^='s']")
            if not spans.count():
                continue
            # What a reading system does for the sentence being read: add media:active-class to it.
            for n in (0, spans.count() // 2, spans.count() - 1):
                spans.nth(n).evaluate(f"el => el.classList.add('{ACTIVE}')")
            style = spans.nth(0).evaluate(
                "el => { const s = getComputedStyle(el); return [s.backgroundColor, s.textDecorationLine]; }")
            assert style == ["rgb(47, 111, 189)", "underline"]
            assert _axe(page) == [], f"{doc.name} with sentences highlighted"
    finally:
        context.close()
