"""A tiny deterministic engine for fast tests: a soft tone whose length follows the text, no speech.

It lets tests exercise timing, mastering, encoding, caching and the feed without loading a neural model.
"""

from __future__ import annotations

import hashlib

import numpy as np

SAMPLE_RATE = 22050
MS_PER_CHAR = 45


def settings() -> dict[str, object]:
    """Settings that change the sound (part of the cache key)."""
    return {"ms_per_char": MS_PER_CHAR}


def sample_rate() -> int:
    """Rate of the samples this engine returns."""
    return SAMPLE_RATE


def describe() -> dict[str, str]:
    """Engine, voice and version."""
    return {"engine": "tone", "voice": "tone", "version": "1"}


class ToneVoice:
    """Text -> a gently modulated tone, the same samples for the same text."""

    engine = "tone"
    name = "tone"
    version = "1"
    sample_rate = SAMPLE_RATE

    def settings(self) -> dict[str, object]:
        """Nothing configurable."""
        return settings()

    def synthesize(self, text: str) -> np.ndarray:
        """Duration proportional to the text; pitch from its hash so sentences differ."""
        seconds = max(0.3, len(text) * MS_PER_CHAR / 1000)
        t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
        pitch = 140 + int(hashlib.sha256(text.encode()).hexdigest()[:2], 16)
        # A syllable-rate envelope gives speech-like loudness dynamics for the mastering stage.
        envelope = 0.55 + 0.45 * np.sin(2 * np.pi * 4.0 * t) ** 2
        wave = 0.3 * envelope * (np.sin(2 * np.pi * pitch * t) + 0.3 * np.sin(2 * np.pi * 2 * pitch * t))
        fade = min(len(t) // 2, int(0.02 * SAMPLE_RATE))
        ramp = np.linspace(0, 1, fade)
        wave[:fade] *= ramp
        wave[len(wave) - fade:] *= ramp[::-1]
        return wave.astype(np.float32)


def load(threads: int = 0) -> ToneVoice:
    """The engine needs no loading."""
    return ToneVoice()
