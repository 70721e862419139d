"""Podcasting 2.0 extras from show.toml: podcast:funding, podcast:license, podcast:txt and podcast:soundbite.

show.toml text is parsed by the real settings loader; the feed is parsed back with lxml and checked with XPath
against the attributes of the namespace's tag specifications (podcastindex.org/namespace/1.0).
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import feedparser
import pytest
from gentle_steps.audio.model import Manifest
from gentle_steps.audio.settings import (
    Funding,
    License,
    SettingsError,
    ShowSettings,
    Soundbite,
    Txt,
    parse_show,
)
from gentle_steps.feed.extensions import PODCAST_NS
from gentle_steps.feed.rss import FeedError, build_feed
from lxml import etree

GOLDEN = Path(__file__).parent / "golden"
NS = {"podcast": PODCAST_NS}
EPISODE = "can-you-rebuild-trust-after-betrayal"
BASE = 'title = "Quiet Show"\nauthor = "A"\ndescription = "D"\n'
EXTRAS = '''
[[funding]]
url = "https://example.org/support"
text = "Support the practice"

[[funding]]
url = "https://example.org/members"
text = "Become a member"

[license]
id = "CC-BY-NC-ND-4.0"
url = "https://creativecommons.org/licenses/by-nc-nd/4.0/"

[[txt]]
purpose = "verify"
value = "S6lpp-7ZCn8-dZfGc-OoyaG"

[[txt]]
value = "free-form note"

[[soundbite]]
episode = "can-you-rebuild-trust-after-betrayal"
start = "its easy to say"
end = "Space for grief"
title = "Why apologies are not enough"

[[soundbite]]
episode = "can-you-rebuild-trust-after-betrayal"
start = "“But I don’t know"
'''


def parse(text: str, tmp_path: Path) -> ShowSettings:
    return parse_show(tomllib.loads(text), tmp_path / "show.toml", tmp_path)


def manifest_with(show_toml: str, tmp_path: Path) -> Manifest:
    manifest = Manifest.from_dict(json.loads((GOLDEN / "manifest.json").read_text(encoding="utf-8")))
    extras = parse(BASE + show_toml, tmp_path)
    manifest.show = dataclasses.replace(manifest.show, funding=extras.funding, license=extras.license,
                                        txt=extras.txt, soundbite=extras.soundbite)
    return manifest


def test_settings_read_the_extras(tmp_path):
    show = parse(BASE + EXTRAS, tmp_path)
    assert show.funding == (Funding("https://example.org/support", "Support the practice"),
                            Funding("https://example.org/members", "Become a member"))
    assert show.license == License("CC-BY-NC-ND-4.0", "https://creativecommons.org/licenses/by-nc-nd/4.0/")
    assert show.txt == (Txt("S6lpp-7ZCn8-dZfGc-OoyaG", "verify"), Txt("free-form note"))
    assert show.soundbite[0] == Soundbite(EPISODE, "its easy to say", "Space for grief", "Why apologies are not enough")
    assert show.soundbite[1].end == "" and show.soundbite[1].title == ""
    # The manifest stores them and reads them back unchanged.
    assert ShowSettings.from_dict(json.loads(json.dumps(show.to_dict()))) == show


def test_without_extras_nothing_changes(tmp_path):
    show = parse(BASE, tmp_path)
    assert (show.funding, show.license, show.txt, show.soundbite) == ((), None, (), ())
    doc = etree.fromstring(build_feed(Manifest.from_dict(json.loads((GOLDEN / "manifest.json").read_text("utf-8")))))
    assert not doc.xpath("//podcast:funding|//podcast:license|//podcast:txt|//podcast:soundbite", namespaces=NS)


@pytest.mark.parametrize(("toml", "key", "problem"), [
    ('[[funding]]\ntext = "Support"\n', "funding[0].url", "is missing"),
    ('[[funding]]\nurl = "http://example.org/x"\ntext = "Support"\n', "funding[0].url", "https"),
    ('[[funding]]\nurl = "https://example.org/x"\ntext = ""\n', "funding[0].text", "is empty"),
    ('[[funding]]\nurl = "https://example.org/x"\ntext = "' + "x" * 129 + '"\n', "funding[0].text", "128"),
    ('[[funding]]\nurl = "https://example.org/x"\ntext = "a"\ncolour = "red"\n', "funding[0].colour", "not a known"),
    ('[funding]\nurl = "https://example.org/x"\ntext = "a"\n', "funding", "[[funding]]"),
    ('[license]\nurl = "https://example.org/l"\n', "license.id", "is missing"),
    ('[license]\nid = "mine"\nurl = "ftp://example.org/l"\n', "license.url", "https"),
    ('license = "CC-BY-4.0"\n', "license", "must be a table"),
    ('[[txt]]\npurpose = "verify"\n', "txt[0].value", "is missing"),
    ('[[txt]]\nvalue = "' + "x" * 4001 + '"\n', "txt[0].value", "4000"),
    ('[[txt]]\nvalue = 5\n', "txt[0].value", "must be a string"),
    ('[[soundbite]]\nepisode = "x"\n', "soundbite[0].start", "is missing"),
    ('[[soundbite]]\nstart = "x"\n', "soundbite[0].episode", "is missing"),
])
def test_bad_extras_are_one_clear_error_naming_the_key(tmp_path, toml, key, problem):
    with pytest.raises(SettingsError) as caught:
        parse(BASE + toml, tmp_path)
    message = str(caught.value)
    assert "show.toml" in message and f"'{key}'" in message and problem in message, message
    assert "\n" not in message


def test_channel_funding_license_and_txt(tmp_path):
    doc = etree.fromstring(build_feed(manifest_with(EXTRAS, tmp_path)))
    funding = doc.xpath("/rss/channel/podcast:funding", namespaces=NS)
    assert [(f.get("url"), f.text) for f in funding] == [
        ("https://example.org/support", "Support the practice"), ("https://example.org/members", "Become a member")]
    (lic,) = doc.xpath("/rss/channel/podcast:license", namespaces=NS)
    assert lic.text == "CC-BY-NC-ND-4.0" and lic.get("url") == "https://creativecommons.org/licenses/by-nc-nd/4.0/"
    txts = doc.xpath("/rss/channel/podcast:txt", namespaces=NS)
    assert [(t.get("purpose"), t.text) for t in txts] == [("verify", "S6lpp-7ZCn8-dZfGc-OoyaG"),
                                                          (None, "free-form note")]
    assert not doc.xpath("/rss/channel/item/podcast:funding|/rss/channel/item/podcast:txt", namespaces=NS)


def test_license_without_url_has_no_url_attribute(tmp_path):
    doc = etree.fromstring(build_feed(manifest_with('[license]\nid = "cc-by-4.0"\n', tmp_path)))
    (lic,) = doc.xpath("/rss/channel/podcast:license", namespaces=NS)
    assert lic.text == "cc-by-4.0" and lic.attrib == {}


def test_soundbites_are_the_chosen_passages_in_their_episode(tmp_path):
    manifest = manifest_with(EXTRAS, tmp_path)
    doc = etree.fromstring(build_feed(manifest))
    episode = manifest.episodes[0]
    trust, stay = episode.sections[1], episode.sections[2]
    items = doc.xpath("/rss/channel/item", namespaces=NS)
    bites = items[0].xpath("podcast:soundbite", namespaces=NS)
    assert [(float(b.get("startTime")), float(b.get("duration")), b.text) for b in bites] == [
        # "It’s easy to say “I’m sorry.”" to the end of "Space for grief—...", both in the second section.
        (trust.sentences[1].episode_start_ms / 1000,
         (trust.sentences[-1].episode_end_ms - trust.sentences[1].episode_start_ms) / 1000,
         "Why apologies are not enough"),
        # From the third section's heading to the end of that section; no title, an empty element.
        (stay.sentences[0].episode_start_ms / 1000,
         (stay.sentences[-1].episode_end_ms - stay.sentences[0].episode_start_ms) / 1000, None),
    ]
    assert bites[0].get("startTime") == "21.51" and bites[1].get("startTime") == "35.45"
    assert not items[1].xpath("podcast:soundbite", namespaces=NS)
    # Every attribute a number, as the spec asks, and feedparser still reads the feed.
    assert all(float(b.get("duration")) > 0 for b in bites)
    assert not feedparser.parse(build_feed(manifest)).bozo


@pytest.mark.parametrize(("bite", "problem"), [
    ('episode = "no-such-episode"\nstart = "That’s okay"', "no episode has the id 'no-such-episode'"),
    (f'episode = "{EPISODE}"\nstart = "Nobody wrote this"', "start 'Nobody wrote this' matches no sentence"),
    (f'episode = "{EPISODE}"\nstart = "It’s"', "matches 2 sentences; quote more words"),
    (f'episode = "{EPISODE}"\nstart = "That’s okay"\nend = "It’s easy to say"', "comes before start"),
])
def test_a_soundbite_that_names_nothing_is_one_clear_error(tmp_path, bite, problem):
    manifest = manifest_with(f"[[soundbite]]\n{bite}\n", tmp_path)
    with pytest.raises(FeedError) as caught:
        build_feed(manifest)
    assert str(caught.value).startswith("show.toml soundbite[0]:") and problem in str(caught.value), caught.value


def test_the_build_refuses_bad_extras_with_exit_status_2(content_copy):
    show = content_copy / "show.toml"
    original = show.read_text(encoding="utf-8")
    show.write_text(original + '\n[[funding]]\nurl = "http://example.org/support"\ntext = "Support"\n',
                    encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "gentle_steps.deploy.cli", "build", "--content", str(content_copy),
                             "--out", str(content_copy.parent / "dist")], check=False, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "funding[0].url" in lines[0] and "https" in lines[0], result.stderr
    assert not (content_copy.parent / "dist").exists()
    assert show.read_text(encoding="utf-8").startswith(original), "the author's file is untouched"
