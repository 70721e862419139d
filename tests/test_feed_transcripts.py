"""Transcripts (WebVTT, SRT, Podcasting 2.0 JSON) and JSON chapters from the hand-made manifest's timings.

The caption rules themselves (limits, pictographs, cue timing) are tested in test_feed_captions.py.
"""

from __future__ import annotations

import html
import json
import tempfile
from pathlib import Path

import pytest
import webvtt
from gentle_steps.audio.model import Manifest
from gentle_steps.feed.site import render_site
from gentle_steps.feed.transcripts import SPEAKER, cues, to_json_chapters, to_json_transcript, to_srt, to_vtt

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def manifest() -> Manifest:
    return Manifest.from_dict(json.loads((GOLDEN / "manifest.json").read_text(encoding="utf-8")))


@pytest.fixture
def episode(manifest):
    return manifest.episodes[0]


def seconds(ts: str) -> float:
    h, m, s = ts.replace(",", ".").split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def shown(caption) -> str:
    """A cue's text as a player shows it, on one line: webvtt-py keeps character references and line breaks."""
    return " ".join(html.unescape(caption.text).split())


def sentences(episode):
    return [s for sec in episode.sections for s in sec.sentences]


def test_vtt_parses_strictly_and_short_sentences_are_one_cue_each(episode):
    vtt = webvtt.from_string(to_vtt(episode), strict=True)
    expected = sentences(episode)
    # In this manifest every sentence fits one cue; the emoji of the headings are left out of captions.
    assert [shown(c).replace("— ", "—") for c in vtt.captions] == [
        s.text.split(" ", 1)[1] if s.kind == "heading" else s.text for s in expected]
    assert [(round(seconds(c.start) * 1000), round(seconds(c.end) * 1000)) for c in vtt.captions] == [
        (s.episode_start_ms, s.episode_end_ms) for s in expected
    ]
    assert vtt.captions[0].identifier == "introduction-1"


def test_every_cue_lies_inside_the_audio_in_order(episode):
    vtt = webvtt.from_string(to_vtt(episode), strict=True)
    length = episode.audio.duration_ms / 1000
    previous_end = 0.0
    for cue in vtt.captions:
        start, end = seconds(cue.start), seconds(cue.end)
        assert 0 <= start < end <= length, cue
        assert start >= previous_end, "cues do not overlap"
        previous_end = end


def test_headings_are_cues_of_their_own_marked_as_headings(episode):
    captions = webvtt.from_string(to_vtt(episode)).captions
    for sec in episode.sections[1:]:
        heading = next(s for s in sec.sentences if s.kind == "heading")
        cue = next(c for c in captions if round(seconds(c.start) * 1000) == heading.episode_start_ms)
        assert cue.raw_text == f"<c.heading>{sec.title}</c>"
    assert captions[0].raw_text == f"<c.title>{episode.title}</c>"
    assert "::cue(.heading)" in to_vtt(episode).split("\n\n", 2)[1], "a STYLE block before the cues styles them"
    assert "<c" not in to_srt(episode), "SRT has no classes: plain text"


def test_article_words_not_spoken_respellings(episode):
    for text in (to_vtt(episode), to_srt(episode), json.dumps(to_json_transcript(episode), ensure_ascii=False)):
        assert "for example after an affair" not in text
        assert "six to twelve months" not in text
        assert "Progress over perfection" not in text
    parsed = [shown(c) for c in webvtt.from_string(to_vtt(episode)).captions]
    assert "Couples & individuals, e.g. after an affair, often need 6–12 months." in parsed
    assert "Progress > perfection, always." in parsed
    # Escaped in the file, so "<" and ">" can never open a tag or look like a timing arrow.
    assert "Progress &gt; perfection" in to_vtt(episode)


def test_srt_parses_and_matches_the_vtt(episode):
    with tempfile.NamedTemporaryFile("w", suffix=".srt", encoding="utf-8", delete=False) as f:
        f.write(to_srt(episode))
    srt = webvtt.from_srt(f.name)
    Path(f.name).unlink()
    vtt = webvtt.from_string(to_vtt(episode))
    assert [(c.start, c.end, c.text) for c in srt.captions] == [
        (c.start, c.end, html.unescape(c.text)) for c in vtt.captions]
    assert to_srt(episode).startswith("1\n00:00:00,400 --> 00:00:02,630\n")


def test_json_transcript_is_podcasting_20_shape(episode):
    data = to_json_transcript(episode)
    assert data["version"] == "1.0.0"
    assert [set(s) for s in data["segments"]] == [{"speaker", "startTime", "endTime", "body"}] * len(sentences(episode))
    first = data["segments"][0]
    assert first == {"speaker": SPEAKER, "startTime": 0.4, "endTime": 2.63, "body": "Can You Rebuild Trust After Betrayal?"}


def test_chapters_json_follows_the_sections(manifest, episode):
    data = to_json_chapters(episode, "Gentle Steps", f"{manifest.base_url}episodes/{episode.id}/")
    assert data["version"] == "1.2.0"
    assert [(c["startTime"], c["title"]) for c in data["chapters"]] == [
        (0.0, "Introduction"), (18.48, "Trust Isn’t Rebuilt With Apologies Alone"),
        (35.15, "“But I Don’t Know If I Can Stay…”"),
    ]
    assert data["chapters"][1]["url"].endswith("#section-trust-isnt-rebuilt-with-apologies-alone")


def test_cues_are_clamped_to_the_audio_and_empty_ones_dropped(episode):
    last = episode.sections[-1].sentences[-1]
    last.episode_end_ms = episode.audio.duration_ms + 5000
    episode.sections[0].sentences[0].episode_end_ms = episode.sections[0].sentences[0].episode_start_ms
    found = cues(episode)
    assert found[-1].end_ms == episode.audio.duration_ms
    assert len(found) == len(sentences(episode)) - 1
    webvtt.from_string(to_vtt(episode), strict=True)


def test_site_has_every_file_for_every_episode(manifest):
    files = render_site(manifest)
    for ep in manifest.episodes:
        for name in ("index.html", "transcript.vtt", "transcript.srt", "transcript.json", "chapters.json"):
            assert f"episodes/{ep.id}/{name}" in files
    for name in ("feed.xml", "index.html", "static/style.css", "static/player.js"):
        assert name in files
    assert all(isinstance(v, bytes | dict) for v in files.values())
    assert all("\\" not in k and not k.startswith("/") for k in files)
