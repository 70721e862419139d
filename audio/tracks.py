"""Breathing exercise tracks as the manifest records them (``Manifest.breathing``; ``audio/breathing.py`` makes
them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gentle_steps.audio.model import AudioFile


@dataclass
class Cue:
    """One spoken cue of a breathing track and when it starts."""

    text: str
    """What the voice says ("Breathe in gently through your nose")."""

    at_ms: int
    """When the voice is heard, in milliseconds from the start of the track's file (its schedule)."""


@dataclass
class BreathingTrack:
    """A paced-breathing exercise narrated into an Alexa-profile file (``audio/breathing.py``)."""

    id: str
    """Slug, e.g. ``one-minute``."""

    title: str
    """What the exercise is called ("One minute of slow breathing")."""

    seconds: int
    """The length the script asks for."""

    audio: AudioFile
    """The narrated track (alexa profile)."""

    cues: list[Cue] = field(default_factory=list)
    """Every cue with its scheduled start."""
