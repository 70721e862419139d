"""The podcast feed, from the hand-made manifest in tests/golden/manifest.json.

Parsed back by feedparser and by gPodder's podcastparser (which ignores podcast: tags under the canonical
namespace, so it checks the RSS and iTunes parts), and checked tag by tag with XPath on the XML itself.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import time
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import podcastparser
import pytest
from gentle_steps.audio.model import Manifest
from gentle_steps.feed.extensions import ITUNES_NS, PODCAST_NS, PSC_NS, podcast_guid
from gentle_steps.feed.rss import FeedError, build_feed, episode_guid
from gentle_steps.feed.site import render_site
from lxml import etree

GOLDEN = Path(__file__).parent / "golden"
NS = {"itunes": ITUNES_NS, "podcast": PODCAST_NS, "psc": PSC_NS, "atom": "http://www.w3.org/2005/Atom",
      "content": "http://purl.org/rss/1.0/modules/content/"}


def load_manifest() -> Manifest:
    return Manifest.from_dict(json.loads((GOLDEN / "manifest.json").read_text(encoding="utf-8")))


@pytest.fixture
def manifest() -> Manifest:
    return load_manifest()


@pytest.fixture
def xml(manifest) -> bytes:
    return build_feed(manifest)


@pytest.fixture
def doc(xml):
    return etree.fromstring(xml)


def one(doc, path: str):
    found = doc.xpath(path, namespaces=NS)
    assert len(found) == 1, f"{path}: {len(found)} matches"
    return found[0]


# --- podcast:guid ---------------------------------------------------------------------------------------------


def test_podcast_guid_reproduces_the_specs_own_example():
    # The Podcasting 2.0 spec's example: https://podnews.net/rss -> 9b024349-ccf0-5f69-a609-6b82873eab3c.
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    # Scheme and trailing slashes are stripped before hashing.
    assert podcast_guid("http://podnews.net/rss/") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("https://podnews.net/other") != "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_channel_podcast_guid_is_that_of_the_feed_url(doc, manifest):
    assert one(doc, "/rss/channel/podcast:guid/text()") == podcast_guid(manifest.base_url + "feed.xml")


# --- Channel ------------------------------------------------------------------------------------------------


def test_channel_tags(doc, manifest):
    show = manifest.show
    assert one(doc, "/rss/@version") == "2.0"
    assert one(doc, "/rss/channel/title/text()") == show.title
    assert one(doc, "/rss/channel/link/text()") == show.website
    assert one(doc, "/rss/channel/description/text()") == show.description
    assert len(one(doc, "/rss/channel/description/text()").encode()) <= 4000
    assert one(doc, "/rss/channel/language/text()") == "en-US"
    assert one(doc, "/rss/channel/copyright/text()") == show.copyright
    self_link = one(doc, "/rss/channel/atom:link[@rel='self']")
    assert self_link.get("href") == manifest.base_url + "feed.xml"
    assert self_link.get("type") == "application/rss+xml"
    assert one(doc, "/rss/channel/itunes:author/text()") == show.author
    assert one(doc, "/rss/channel/itunes:owner/itunes:name/text()") == show.owner_name
    assert one(doc, "/rss/channel/itunes:owner/itunes:email/text()") == show.owner_email
    assert one(doc, "/rss/channel/itunes:image/@href") == manifest.artwork.url
    assert one(doc, "/rss/channel/itunes:type/text()") == "episodic"
    assert one(doc, "/rss/channel/itunes:explicit/text()") == "false"
    locked = one(doc, "/rss/channel/podcast:locked")
    assert (locked.text, locked.get("owner")) == ("yes", show.owner_email)
    assert one(doc, "/rss/channel/podcast:medium/text()") == "podcast"
    person = one(doc, "/rss/channel/podcast:person")
    assert (person.get("role"), person.text) == ("author", show.author)


def test_categories_are_nested_apple_names(doc):
    cats = doc.xpath("/rss/channel/itunes:category", namespaces=NS)
    nested = [(c.get("text"), [s.get("text") for s in c.xpath("itunes:category", namespaces=NS)]) for c in cats]
    assert nested == [("Health & Fitness", ["Mental Health"]), ("Education", ["Self-Improvement"])]


@pytest.mark.parametrize(("explicit", "word"), [(False, "false"), (True, "true")])
def test_explicit_is_written_true_or_false(manifest, explicit, word):
    manifest.show = dataclasses.replace(manifest.show, explicit=explicit)
    doc = etree.fromstring(build_feed(manifest))
    assert one(doc, "/rss/channel/itunes:explicit/text()") == word
    assert {e.text for e in doc.xpath("//item/itunes:explicit", namespaces=NS)} == {word}
    parsed = podcastparser.parse(manifest.base_url + "feed.xml", io.BytesIO(build_feed(manifest)))
    assert parsed["explicit"] is explicit
    assert all(ep["explicit"] is explicit for ep in parsed["episodes"])


def test_last_build_date_comes_from_the_newest_episode(doc, manifest):
    newest = max(ep.date for ep in manifest.episodes)
    built = parsedate_to_datetime(one(doc, "/rss/channel/lastBuildDate/text()"))
    assert built.date().isoformat() == newest


def test_a_second_render_is_byte_identical(manifest, xml):
    time.sleep(1.1)  # a clock-derived lastBuildDate would now differ by a second
    assert build_feed(load_manifest()) == xml
    assert render_site(manifest) == render_site(load_manifest())


# --- Items --------------------------------------------------------------------------------------------------


def test_items_in_publication_order(doc, manifest):
    # feedgen's add_entry prepends by default; the feed must keep the manifest's order.
    assert doc.xpath("//item/title/text()") == [ep.title for ep in manifest.episodes]


def test_item_tags(doc, manifest):
    for i, ep in enumerate(manifest.episodes, start=1):
        item = one(doc, f"/rss/channel/item[{i}]")
        page = f"{manifest.base_url}episodes/{ep.id}/"
        assert one(item, "title/text()") == ep.title
        assert one(item, "link/text()") == page
        guid = one(item, "guid")
        assert guid.get("isPermaLink") == "false" and guid.text == episode_guid(load_show(manifest), ep)
        assert parsedate_to_datetime(one(item, "pubDate/text()")).date().isoformat() == ep.date
        enclosure = one(item, "enclosure")
        assert enclosure.attrib == {"url": ep.audio.url, "length": str(ep.audio.bytes), "type": "audio/mpeg"}
        assert enclosure.get("url").startswith("https://")
        assert one(item, "itunes:duration/text()") == str(round(ep.audio.duration_ms / 1000))
        assert one(item, "itunes:episode/text()") == str(ep.number)
        assert one(item, "itunes:image/@href") == manifest.artwork.url
        transcripts = {t.get("type"): t.attrib for t in item.xpath("podcast:transcript", namespaces=NS)}
        assert transcripts["text/vtt"] == {"url": page + "transcript.vtt", "type": "text/vtt", "language": "en-US",
                                           "rel": "captions"}
        assert transcripts["application/x-subrip"]["url"] == page + "transcript.srt"
        assert transcripts["application/json"]["url"] == page + "transcript.json"
        chapters = one(item, "podcast:chapters")
        assert chapters.attrib == {"url": page + "chapters.json", "type": "application/json+chapters"}
        psc = one(item, "psc:chapters")
        assert psc.get("version") == "1.2"
        starts = [(c.get("start"), c.get("title")) for c in psc.xpath("psc:chapter", namespaces=NS)]
        assert [t for _s, t in starts] == [s.title for s in ep.sections]
        assert starts[1][0] == _npt(ep.sections[1].episode_start_ms)


def _npt(ms: int) -> str:
    return time.strftime("%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}"


def test_item_description_lists_sections_with_timestamps(doc, manifest):
    ep = manifest.episodes[0]
    text = one(doc, "/rss/channel/item[1]/description/text()")
    assert text.startswith(ep.description)
    assert "(0:00) Introduction" in text
    assert "(0:18) Trust Isn’t Rebuilt With Apologies Alone" in text
    assert "(0:35) “But I Don’t Know If I Can Stay…”" in text
    assert "<li>(0:18) Trust Isn’t Rebuilt With Apologies Alone</li>" in one(doc, "/rss/channel/item[1]/content:encoded/text()")


def test_item_guid_never_changes_with_the_host(manifest, doc):
    moved = copy.deepcopy(manifest)
    moved.base_url = "https://cdn.example.net/podcast/"
    other = etree.fromstring(build_feed(moved))
    assert other.xpath("//item/guid/text()") == doc.xpath("//item/guid/text()")
    assert len(set(doc.xpath("//item/guid/text()"))) == len(manifest.episodes)


def load_show(manifest):
    return manifest.show


# --- Two independent parsers --------------------------------------------------------------------------------


def test_feedparser_reads_the_feed(xml, manifest):
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    feed = parsed.feed
    assert feed.title == "Gentle Steps"
    assert feed.link == "https://example.org/"
    assert feed.language == "en-US"
    assert feed.image.href == manifest.artwork.url
    assert feed.author_detail.email == "hello@example.org"
    assert [t.term for t in feed.tags] == ["Health & Fitness", "Mental Health", "Education", "Self-Improvement"]
    assert feed.itunes_type == "episodic"
    assert feed.podcast_guid == podcast_guid(manifest.base_url + "feed.xml")
    assert feed.podcast_medium == "podcast"
    assert feed.podcast_locked["owner"] == "hello@example.org"
    assert [e.title for e in parsed.entries] == [ep.title for ep in manifest.episodes]
    for entry, ep in zip(parsed.entries, manifest.episodes, strict=True):
        assert entry.id == episode_guid(load_show(manifest), ep) and entry.guidislink is False
        assert time.strftime("%Y-%m-%d", entry.published_parsed) == ep.date
        (enc,) = entry.enclosures
        assert (enc.href, int(enc.length), enc.type) == (ep.audio.url, ep.audio.bytes, "audio/mpeg")
        assert int(entry.itunes_duration) == round(ep.audio.duration_ms / 1000)
        assert int(entry.itunes_episode) == ep.number
        assert entry.podcast_chapters["url"].endswith(f"/episodes/{ep.id}/chapters.json")
        assert [c["title"] for c in entry.psc_chapters["chapters"]] == [s.title for s in ep.sections]
        starts = [c["start_parsed"].total_seconds() for c in entry.psc_chapters["chapters"]]
        assert starts == [s.episode_start_ms / 1000 for s in ep.sections]


def test_podcastparser_reads_the_rss_and_itunes_parts(xml, manifest):
    parsed = podcastparser.parse(manifest.base_url + "feed.xml", io.BytesIO(xml))
    assert parsed["title"] == "Gentle Steps"
    assert parsed["link"] == "https://example.org/"
    assert parsed["cover_url"] == manifest.artwork.url
    assert parsed["itunes_owner"] == {"name": "Gentle Steps", "email": "hello@example.org"}
    assert parsed["itunes_categories"] == [["Health & Fitness", "Mental Health"], ["Education", "Self-Improvement"]]
    assert parsed["explicit"] is False
    assert parsed["type"] == "episodic"
    by_number = {e["number"]: e for e in parsed["episodes"]}
    for ep in manifest.episodes:
        got = by_number[ep.number]
        assert got["title"] == ep.title
        assert got["enclosures"] == [{"url": ep.audio.url, "file_size": ep.audio.bytes, "mime_type": "audio/mpeg"}]
        assert got["total_time"] == round(ep.audio.duration_ms / 1000)
        assert time.strftime("%Y-%m-%d", time.gmtime(got["published"])) == ep.date
        assert [c["title"] for c in got["chapters"]] == [s.title for s in ep.sections]
        assert got["description"].startswith(ep.description)


# --- feedgen traps and bad input -----------------------------------------------------------------------------


def test_artwork_url_that_feedgen_would_drop_is_refused(manifest):
    manifest.artwork = dataclasses.replace(manifest.artwork, url=manifest.artwork.url.replace(".png", ".jpeg"))
    with pytest.raises(FeedError, match=r"\.jpg or \.png"):
        build_feed(manifest)


def test_missing_artwork_is_refused(manifest):
    manifest.artwork = None
    with pytest.raises(FeedError, match="artwork"):
        build_feed(manifest)


def test_bad_date_and_empty_audio_are_named(manifest):
    bad = copy.deepcopy(manifest)
    bad.episodes[0].date = "15/01/2026"
    with pytest.raises(FeedError, match="15/01/2026"):
        build_feed(bad)
    bad = copy.deepcopy(manifest)
    bad.episodes[1].audio.bytes = 0
    with pytest.raises(FeedError, match="when-everything-feels-loud"):
        build_feed(bad)


def test_duplicate_ids_and_base_url_are_refused(manifest):
    bad = copy.deepcopy(manifest)
    bad.episodes[1].id = bad.episodes[0].id
    with pytest.raises(FeedError, match="share the id"):
        render_site(bad)
    bad = copy.deepcopy(manifest)
    bad.base_url = bad.base_url.rstrip("/")
    with pytest.raises(FeedError, match="end with '/'"):
        render_site(bad)


def test_overlong_show_description_is_refused(manifest):
    manifest.show = dataclasses.replace(manifest.show, description="calm " * 900)
    with pytest.raises(FeedError, match="4000 bytes"):
        build_feed(manifest)
