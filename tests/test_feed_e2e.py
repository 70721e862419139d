"""The feed stage against a real build of content/: real MP3 sizes, decoded durations and ID3 chapters.

Uses the session fixtures from tests/conftest.py: ``tone_dist`` (the build with the fast deterministic test
voice) and, marked slow, ``seed_dist`` (the real Piper build). Each is a dist/ folder with manifest.json.
"""

from __future__ import annotations

import html
import io
import json
import posixpath
import subprocess
from pathlib import Path

import podcastparser
import pytest
import regex
import webvtt
from gentle_steps.audio.model import Manifest
from gentle_steps.deploy.output import encode
from gentle_steps.feed.extensions import ITUNES_NS, PODCAST_NS
from gentle_steps.feed.site import render_site
from lxml import etree
from lxml import html as lxml_html

NS = {"itunes": ITUNES_NS, "podcast": PODCAST_NS}


def _dist(request, name: str) -> Path:
    return Path(request.getfixturevalue(name))


@pytest.fixture(scope="module", params=["tone_dist", pytest.param("seed_dist", marks=pytest.mark.slow)])
def dist(request) -> Path:
    return _dist(request, request.param)


@pytest.fixture(scope="module")
def manifest(dist) -> Manifest:
    return Manifest.from_dict(json.loads((dist / "manifest.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def files(dist, manifest) -> dict[str, bytes]:
    """What the feed stage wrote into dist/ (checked equal to a fresh render)."""
    books = {p.relative_to(dist).as_posix(): p.stat().st_size for p in dist.rglob("*.epub")}
    assert books, "the build wrote the EPUB books the pages link"
    rendered = encode(render_site(manifest, books))
    for rel, data in rendered.items():
        assert (dist / rel).is_file(), f"the build did not write {rel}"
        assert (dist / rel).read_bytes() == data, f"dist/{rel} differs from render_site(manifest)"
    return rendered


def decoded_seconds(path: Path) -> float:
    """Length of the audio after decoding with ffmpeg: samples / rate, not a header's estimate."""
    import imageio_ffmpeg

    pcm = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", "8000",
         "-"], check=True, capture_output=True,
    ).stdout
    return len(pcm) / 2 / 8000


def id3_chapters(path: Path) -> list[tuple[float, float, str]]:
    """(start s, end s, title) of the MP3's ID3 chapters, in table-of-contents order, read with mutagen."""
    from mutagen.id3 import ID3

    tags = ID3(path)
    (toc,) = tags.getall("CTOC")
    chapters = {c.element_id: c for c in tags.getall("CHAP")}
    out = []
    for element in toc.child_element_ids:
        chap = chapters[element]
        out.append((chap.start_time / 1000, chap.end_time / 1000, str(chap.sub_frames["TIT2"].text[0])))
    return out


def seconds(ts: str) -> float:
    """A WebVTT timestamp in seconds (webvtt-py's own *_in_seconds drop the milliseconds)."""
    h, m, s = ts.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_build_wrote_the_rendered_site(files, manifest):
    assert "feed.xml" in files and "index.html" in files
    assert len([f for f in files if f.endswith("/index.html")]) == len(manifest.episodes)


def test_enclosures_are_the_real_files(files, dist, manifest):
    doc = etree.fromstring(files["feed.xml"])
    for ep, item in zip(manifest.episodes, doc.xpath("//item"), strict=True):
        enclosure = item.find("enclosure")
        assert enclosure.get("url") == manifest.base_url + ep.audio.path
        assert int(enclosure.get("length")) == (dist / ep.audio.path).stat().st_size
        assert enclosure.get("type") == "audio/mpeg"


def test_itunes_duration_within_a_second_of_the_decoded_audio(files, dist, manifest):
    doc = etree.fromstring(files["feed.xml"])
    for ep, item in zip(manifest.episodes, doc.xpath("//item"), strict=True):
        stated = int(item.find("itunes:duration", NS).text)
        assert abs(stated - decoded_seconds(dist / ep.audio.path)) <= 1.0, ep.id
    parsed = podcastparser.parse(manifest.base_url + "feed.xml", io.BytesIO(files["feed.xml"]))
    assert {e["title"] for e in parsed["episodes"]} == {ep.title for ep in manifest.episodes}


def test_chapters_json_equals_the_id3_chapters(files, dist, manifest):
    for ep in manifest.episodes:
        data = json.loads(files[f"episodes/{ep.id}/chapters.json"])
        got = [(c["startTime"], c["endTime"], c["title"]) for c in data["chapters"]]
        assert got == id3_chapters(dist / ep.audio.path), ep.id


def test_every_cue_lies_inside_the_decoded_audio(files, dist, manifest):
    for ep in manifest.episodes:
        length = decoded_seconds(dist / ep.audio.path)
        vtt = webvtt.from_string(files[f"episodes/{ep.id}/transcript.vtt"].decode(), strict=True)
        # Long sentences become several cues (test_feed_captions.py checks the limits).
        assert len(vtt.captions) >= sum(len(s.sentences) for s in ep.sections)
        for cue in vtt.captions:
            assert 0 <= seconds(cue.start) < seconds(cue.end) <= length + 0.05, (ep.id, cue.start, cue.text)
        texts = {" ".join(html.unescape(c.text).split()) for c in vtt.captions}
        headings = {" ".join(html.unescape(c.text).split()) for c in vtt.captions if c.raw_text.startswith("<c.heading>")}
        for sec in ep.sections:
            if sec.heading:
                # Captions leave out the heading's emoji; the words are a cue of their own, marked as a heading.
                words = " ".join(regex.sub(r"[\p{Extended_Pictographic}\uFE0F]", "", sec.heading).split())
                assert words in headings, f"heading {sec.heading!r} is not a cue of its own"
        # What the voice was given differs from what captions show only by respellings (a heading's spoken form
        # is its words without the emoji, which is what captions show too).
        spoken_only = {s.spoken for sec in ep.sections for s in sec.sentences
                       if s.spoken != " ".join(regex.sub(r"[\p{Extended_Pictographic}\uFE0F]", "", s.text).split())}
        assert not (spoken_only - {s.text for sec in ep.sections for s in sec.sentences}) & texts


def test_page_links_point_at_real_files(files, dist, manifest):
    for ep in manifest.episodes:
        doc = lxml_html.fromstring(files[f"episodes/{ep.id}/index.html"])
        here = f"episodes/{ep.id}"
        src = doc.xpath("//audio/@src")[0]
        assert (dist / posixpath.normpath(posixpath.join(here, src))).is_file()
        for link in doc.xpath("//a/@href"):
            if link.startswith(("#", "tel:")):
                continue
            target = posixpath.normpath(posixpath.join(here, link.split("#")[0]))
            if link.split("#")[0].endswith("/"):
                target = posixpath.join(target, "index.html")
            assert (dist / target).is_file(), f"{here}: {link}"
