"""The listening pages' HTML, parsed with lxml: structure, links, and the shared support block."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from gentle_steps.audio.model import Manifest
from gentle_steps.deploy.output import encode
from gentle_steps.feed.pages import split_decoration
from gentle_steps.feed.site import render_site
from lxml import html

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    return Manifest.from_dict(json.loads((GOLDEN / "manifest.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def files(manifest) -> dict[str, bytes]:
    return encode(render_site(manifest))


@pytest.fixture(scope="module")
def pages(files) -> dict[str, html.HtmlElement]:
    return {path: html.fromstring(data) for path, data in files.items() if path.endswith(".html")}


def episode_page(pages, episode):
    return pages[f"episodes/{episode.id}/index.html"]


def text(el) -> str:
    return " ".join(el.text_content().split())


def test_every_page_has_lang_title_one_h1_and_a_skip_link(pages, manifest):
    for path, doc in pages.items():
        assert doc.get("lang") == "en-US", path
        assert manifest.show.title in doc.findtext(".//title"), path
        assert len(doc.xpath("//h1")) == 1, path
        first_link = doc.xpath("//body//a")[0]
        assert first_link.get("href") == "#main" and "Skip" in text(first_link), path
        assert doc.xpath("//main[@id='main']"), path
        assert doc.xpath("//meta[@name='viewport']"), path


def test_headings_do_not_skip_levels(pages):
    for path, doc in pages.items():
        levels = [int(h.tag[1]) for h in doc.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
        # The footer's support heading sits under the page, at h2, after the main content.
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, (path, levels)


def test_support_block_is_identical_and_in_the_same_place_everywhere(pages, manifest):
    blocks = set()
    for path, doc in pages.items():
        (support,) = doc.xpath("//section[@id='support']")
        assert support.getparent().getparent().tag == "footer", path
        # The same place: the first thing in the footer, and the header links to it.
        assert support.getparent().index(support) == 0, path
        assert doc.xpath("//header//a[@href='#support']"), path
        blocks.add(html.tostring(support))
    assert len(blocks) == 1
    block = html.fromstring(blocks.pop())
    assert manifest.show.disclaimer in text(block)
    for resource in manifest.show.crisis_resources:
        assert resource.name in text(block)
    assert block.xpath(".//a[@href='tel:988']") and block.xpath(".//a[@href='tel:18007997233']")


def test_episode_page_player(pages, manifest):
    for ep in manifest.episodes:
        doc = episode_page(pages, ep)
        assert text(doc.xpath("//h1")[0]) == ep.title
        assert doc.findtext(".//title").startswith(ep.title)
        (audio,) = doc.xpath("//audio")
        assert audio.get("controls") is not None and audio.get("preload") == "metadata"
        assert audio.get("autoplay") is None
        assert posixpath.normpath(posixpath.join(f"episodes/{ep.id}", audio.get("src"))) == ep.audio.path
        (speed,) = doc.xpath("//select[@id='speed']")
        assert [o.get("value") for o in speed.xpath("option")] == ["0.75", "1", "1.25", "1.5", "1.75", "2"]
        assert doc.xpath("//label[@for='speed']")
        download = doc.xpath("//a[@download]")
        assert download and download[0].get("href") == audio.get("src")
        assert doc.xpath("//main//a[@href='../../feed.xml']")


def test_section_links_move_to_each_section_start_without_script(pages, manifest):
    for ep in manifest.episodes:
        doc = episode_page(pages, ep)
        links = doc.xpath("//nav[contains(@class,'sections')]//a")
        src = doc.xpath("//audio/@src")[0]
        assert [a.get("href").split("#t=")[0] for a in links] == [src] * len(ep.sections)
        assert [float(a.get("href").split("#t=")[1]) for a in links] == [s.episode_start_ms / 1000 for s in ep.sections]
        assert [float(a.get("data-start")) for a in links] == [s.episode_start_ms / 1000 for s in ep.sections]
        assert [text(a).rsplit(" (", 1)[0] for a in links] == [s.title for s in ep.sections]


def test_transcript_has_section_headings_with_play_from_here(pages, manifest):
    ep = manifest.episodes[0]
    doc = episode_page(pages, ep)
    headings = doc.xpath("//section[contains(@class,'transcript')]//h3")
    assert [h.get("id") for h in headings] == [f"section-{s.id}" for s in ep.sections]
    assert [text(h) for h in headings] == [s.heading or s.title for s in ep.sections]
    for sec in ep.sections:
        (link,) = doc.xpath(f"//h3[@id='section-{sec.id}']/following-sibling::p[1]/a")
        assert text(link).startswith("Play from here")
        assert float(link.get("data-start")) == sec.episode_start_ms / 1000
    # Emoji are hidden from screen readers; the words stay.
    emoji = doc.xpath("//h3//span[@aria-hidden='true']")
    assert [e.text for e in emoji] == ["🧨", "💬"]


def test_transcript_shows_every_sentence_in_the_articles_words(pages, manifest):
    for ep in manifest.episodes:
        doc = episode_page(pages, ep)
        spans = doc.xpath("//section[contains(@class,'transcript')]//span[contains(@class,'s')][@data-start]")
        expected = [s for sec in ep.sections for s in sec.sentences]
        assert [text(s) for s in spans] == [" ".join(s.text.split()) for s in expected]
        assert [float(s.get("data-start")) for s in spans] == [s.episode_start_ms / 1000 for s in expected]
        page_text = text(doc)
        for s in expected:
            if s.spoken != s.text and s.spoken not in s.text:
                assert s.spoken not in page_text
    doc = episode_page(pages, manifest.episodes[0])
    items = doc.xpath("//section[@aria-labelledby='section-introduction']/ul/li")
    assert [text(li) for li in items] == ["Was any of it real?", "Am I stupid for staying—or weak if I leave?"]
    assert "Gottman" in text(doc.xpath("//section[contains(@class,'references')]")[0])


def test_index_lists_episodes_subscription_and_alexa(pages, manifest):
    doc = pages["index.html"]
    links = [a.get("href") for a in doc.xpath("//ol[contains(@class,'episode-list')]//h3/a")]
    assert links == [f"episodes/{ep.id}/" for ep in reversed(manifest.episodes)]
    assert doc.xpath("//code[@id='feed-url']")[0].text == manifest.base_url + "feed.xml"
    assert doc.xpath("//main//a[@href='feed.xml']")
    assert "“Alexa, open Gentle Steps.”" in text(doc)
    assert "Follow a Show by URL" in text(doc)


def test_every_relative_link_resolves_inside_dist(pages, files, manifest):
    audio = {f.path for f in manifest.all_audio()} | {manifest.artwork.path}
    for path, doc in pages.items():
        here = posixpath.dirname(path)
        for _el, _attr, link, _pos in doc.iterlinks():
            parts = urlsplit(link)
            if parts.scheme in ("tel", "mailto") or link.startswith("#"):
                continue
            assert not parts.scheme and not parts.netloc, f"{path}: absolute link {link}"
            target = posixpath.normpath(posixpath.join(here, parts.path))
            if parts.path.endswith("/") or target == ".":
                target = posixpath.join(target, "index.html") if target != "." else "index.html"
            assert target in files or target in audio, f"{path}: {link} -> {target} missing"
        for anchor in doc.xpath("//a[starts-with(@href,'#')]/@href"):
            assert doc.xpath(f"//*[@id='{anchor[1:]}']"), f"{path}: {anchor} has no target"


def test_split_decoration():
    assert split_decoration("🛠️ What Trust Repair Actually Looks Like") == ("🛠️", "What Trust Repair Actually Looks Like")
    assert split_decoration("💬 “But I Don’t Know If I Can Stay…”") == ("💬", "“But I Don’t Know If I Can Stay…”")
    assert split_decoration("Plain heading") == ("", "Plain heading")
    assert split_decoration("👩🏽‍⚕️ Care") == ("👩🏽‍⚕️", "Care")


def test_a_heading_narrated_as_two_sentences_stays_one_heading(manifest):
    import copy
    import dataclasses

    from gentle_steps.feed.pages import render_episode

    changed = copy.deepcopy(manifest)
    sec = changed.episodes[0].sections[2]
    first = sec.sentences[0]
    half = (first.episode_start_ms + first.episode_end_ms) // 2
    sec.sentences[0:1] = [
        dataclasses.replace(first, text="💬 “But I Don’t Know", episode_end_ms=half),
        dataclasses.replace(first, text="If I Can Stay…”", episode_start_ms=half + 10),
    ]
    doc = html.fromstring(render_episode(changed, changed.episodes[0]))
    (h3,) = doc.xpath(f"//h3[@id='section-{sec.id}']")
    assert text(h3) == "💬 “But I Don’t Know If I Can Stay…”"
    assert len(h3.xpath(".//span[@data-start]")) == 2
    assert "If I Can Stay" not in text(doc.xpath(f"//section[@aria-labelledby='section-{sec.id}']/p[2]")[0])


def test_text_only_crisis_lines_get_an_sms_link(manifest):
    import dataclasses

    from gentle_steps.audio.settings import CrisisResource
    from gentle_steps.feed.pages import support_block

    show = dataclasses.replace(manifest.show, crisis_resources=(
        CrisisResource(name="Crisis Text Line", contact="Text HOME to 741741", spoken="x"),))
    block = html.fromstring(support_block(show))
    assert block.xpath(".//a/@href") == ["sms:741741"]


def test_templates_escape_what_the_article_and_show_say(manifest):
    """Titles, descriptions and sentences are text, never markup: the templates autoescape them."""
    import copy
    import dataclasses

    from gentle_steps.feed.pages import render_episode, render_index

    changed = copy.deepcopy(manifest)
    changed.show = dataclasses.replace(changed.show, title='Show "<b>bold</b>"', copyright="<i>c</i> & co")
    ep = changed.episodes[0]
    ep.title = "<script>alert(1)</script>"
    ep.description = 'He said "stop" & <em>left</em>'
    ep.sections[1].sentences[2].text = "<img src=x onerror=alert(1)>"
    for page in (render_episode(changed, ep), render_index(changed)):
        doc = html.fromstring(page)
        assert not doc.xpath("//script[not(@src)]|//b|//i|//img|//em"), "markup from the content was rendered"
        assert 'Show "<b>bold</b>"' in doc.findtext(".//title")
        assert doc.xpath("//meta[@name='description']/@content")[0] in (
            'He said "stop" & <em>left</em>', " ".join(changed.show.description.split()))
    doc = html.fromstring(render_episode(changed, ep))
    assert text(doc.xpath("//h1")[0]) == "<script>alert(1)</script>"
    assert "<img src=x onerror=alert(1)>" in text(doc.xpath("//section[contains(@class,'transcript')]")[0])


def test_compact_player_markup_waits_for_the_script(pages, manifest):
    """The compact player ships hidden; without the script the page has the native player and plain links."""
    for ep in manifest.episodes:
        doc = episode_page(pages, ep)
        (dock,) = doc.xpath("//article/section[contains(@class,'dock')]")
        assert dock.xpath("./audio[@id='player'][@controls]"), "the native player is the dock's first child"
        (controls,) = dock.xpath("./div[contains(@class,'dock-controls')]")
        assert controls.get("hidden") is not None
        (toolbar,) = controls.xpath(".//*[@role='toolbar']")
        assert toolbar.get("aria-label") == "Playback" and toolbar.get("aria-controls") == "player"
        names = [text(b) for b in toolbar.xpath(".//button")]
        assert names == ["Back 15 seconds", "Play", "Forward 15 seconds"]
        assert [b.get("data-skip") for b in toolbar.xpath(".//button")] == ["-15", None, "15"]
        # One Tab stop for the toolbar: the other two buttons are reached with the arrow keys.
        assert [b.get("tabindex") for b in toolbar.xpath(".//button")] == ["-1", None, "-1"]
        (slider,) = controls.xpath(".//input[@type='range']")
        assert doc.xpath(f"//label[@for='{slider.get('id')}']")
        assert float(slider.get("max")) == ep.audio.duration_ms / 1000
        (follow,) = controls.xpath(".//input[@type='checkbox'][@id='follow']")
        assert follow.get("checked") is None, "follow along is off by default"
        assert text(doc.xpath("//label[@for='follow']")[0]) == "Follow along"
        assert text(controls.xpath(".//*[contains(@class,'now-title')]")[0]) == ep.sections[0].title
        for svg in controls.xpath(".//*[local-name()='svg']"):
            assert svg.get("aria-hidden") == "true"


def test_epub_links_appear_only_when_the_books_exist(manifest, files):
    from gentle_steps.feed.pages import episode_epub_path, render_episode, render_index, show_epub_path

    assert not any(".epub" in (a or "") for doc in (html.fromstring(d) for p, d in files.items()
                                                    if p.endswith(".html")) for a in doc.xpath("//a/@href"))
    ep = manifest.episodes[0]
    sizes = {episode_epub_path(ep): 1_234_567, show_epub_path(manifest): 2_500_000}
    page = html.fromstring(render_episode(manifest, ep, epubs=sizes))
    (link,) = page.xpath("//a[contains(@href,'.epub')]")
    assert link.get("href") == f"{ep.id}.epub" and "1.2 MB" in text(link)
    assert not html.fromstring(render_episode(manifest, manifest.episodes[1], epubs=sizes)).xpath(
        "//a[contains(@href,'.epub')]"), "an episode without its book links none"
    (show_link,) = html.fromstring(render_index(manifest, epubs=sizes)).xpath("//a[contains(@href,'.epub')]")
    assert show_link.get("href") == "gentle-steps.epub" and "2.5 MB" in text(show_link)


def test_render_site_links_the_epubs_the_build_made(manifest):
    from gentle_steps.feed.pages import episode_epub_path, show_epub_path

    ep = manifest.episodes[1]
    books = {episode_epub_path(ep): 1_234, show_epub_path(manifest): 5_678}
    files = encode(render_site(manifest, epubs=books))
    assert episode_epub_path(ep) not in files, "the build copies the books; the pages only link them"
    page = html.fromstring(files[f"episodes/{ep.id}/index.html"])
    assert page.xpath(f"//a[@href='{ep.id}.epub']")
    assert html.fromstring(files["index.html"]).xpath("//a[@href='gentle-steps.epub']")
    other = html.fromstring(files[f"episodes/{manifest.episodes[0].id}/index.html"])
    assert not other.xpath("//a[contains(@href,'.epub')]")
