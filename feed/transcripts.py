"""Transcripts and chapters from the real sentence timings: WebVTT, SRT, Podcasting 2.0 JSON, JSON chapters 1.2.

Everything carries the article's own words (``Sentence.text``), never the respelling the voice was given.
The JSON transcript has one segment per narrated sentence, in the article's text. The captions (WebVTT, SRT)
are cut from the same sentences into short cues without pictographs (see :mod:`feed.captions`). Headings are
cues of their own because they are sentences of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gentle_steps.audio.model import Episode, Section
from gentle_steps.feed import captions

SPEAKER = "Narrator (synthetic voice)"
"""Speaker named in the JSON transcript: the narration is a synthetic voice and says so."""

INTRODUCTION = "Introduction"
"""Chapter title of a section that has none (text before the first heading)."""


@dataclass(frozen=True)
class Cue:
    """One timed line of a transcript."""

    start_ms: int
    """Start in the episode file."""

    end_ms: int
    """End in the episode file; always after the start and inside the audio."""

    text: str
    """The article's words, on one line."""

    kind: str
    """The sentence kind (``heading`` cues mark section starts)."""

    section: str
    """Id of the section the cue belongs to."""


def section_title(section: Section) -> str:
    """The chapter title of a section: its title, or "Introduction" when it has none."""
    return section.title.strip() or INTRODUCTION


def cues(episode: Episode) -> list[Cue]:
    """Every sentence of the episode as a cue, in order, clamped to the episode's audio."""
    found: list[Cue] = []
    limit = episode.audio.duration_ms
    for section in episode.sections:
        for s in section.sentences:
            text = " ".join(s.text.split())
            start = max(0, min(s.episode_start_ms, limit))
            end = min(max(s.episode_end_ms, start), limit)
            # A zero-length cue is invalid WebVTT; a sentence the build timed as empty has nothing to show.
            if not text or end <= start:
                continue
            found.append(Cue(start, end, text, s.kind, section.id))
    return found


def caption_cues(episode: Episode) -> list[captions.Caption]:
    """The episode's caption cues: every sentence cut to the caption limits, pictographs dropped."""
    return captions.captions([(c.start_ms, c.end_ms, c.text, c.kind, c.section) for c in cues(episode)])


def to_vtt(episode: Episode) -> str:
    """The episode as WebVTT: short cues identified ``<section id>-<n>``, heading cues classed ``heading``."""
    return captions.vtt(caption_cues(episode))


def to_srt(episode: Episode) -> str:
    """The episode as SubRip: the same cues as the WebVTT, numbered, as plain text."""
    return captions.srt(caption_cues(episode))


def to_json_transcript(episode: Episode) -> dict[str, Any]:
    """The Podcasting 2.0 JSON transcript: version and segments (speaker, startTime, endTime, body)."""
    return {
        "version": "1.0.0",
        "segments": [
            {"speaker": SPEAKER, "startTime": c.start_ms / 1000, "endTime": c.end_ms / 1000, "body": c.text}
            for c in cues(episode)
        ],
    }


def chapters(episode: Episode) -> list[tuple[int, int, str]]:
    """``(start_ms, end_ms, title)`` per section: the same starts and titles as the episode MP3's ID3 chapters."""
    return [(s.episode_start_ms, s.episode_end_ms, section_title(s)) for s in episode.sections]


def to_json_chapters(episode: Episode, show_title: str, page_url: str) -> dict[str, Any]:
    """JSON chapters 1.2 (Podcasting 2.0): version and chapters with startTime, endTime and title."""
    return {
        "version": "1.2.0",
        "author": episode.author,
        "title": episode.title,
        "podcastName": show_title,
        "chapters": [
            {"startTime": start / 1000, "endTime": end / 1000, "title": title, "url": f"{page_url}#section-{sec.id}"}
            for (start, end, title), sec in zip(chapters(episode), episode.sections, strict=True)
        ],
    }
