"""A tiny deterministic engine for fast tests: a soft tone whose length follows the text, no speech.

It lets tests exercise timing, mastering, encoding, caching and the feed without loading a neural model.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np

SAMPLE_RATE = 22050
MS_PER_CHAR = 45


class ToneVoice:
    """Text -> a gently modulated tone, the same samples for the same text."""

    engine = "tone"
    name = "tone"
    version = "1"
    sample_rate = SAMPLE_RATE
    phonemes = True  # stands in for Piper in tests: takes what Piper takes

    def __init__(self, pace: float = 1.0) -> None:
        self.ms_per_char = MS_PER_CHAR if pace == 1 else round(MS_PER_CHAR * pace, 3)  # unchanged key at 1

    def identity(self) -> dict[str, object]:
        """Engine and its one setting."""
        return {"engine": self.engine, "voice": self.name, "version": self.version, "ms_per_char": self.ms_per_char}

    def check(self) -> None:
        """Always usable."""

    def preload(self) -> None:
        """Nothing to load."""

    def release(self) -> None:
        """Nothing to let go."""

    def synthesize(self, text: str) -> np.ndarray:
        """Duration proportional to the text; pitch from its hash so sentences differ."""
        hook = os.environ.get("GENTLE_STEPS_TEST_HOOK")
        if hook:  # tests only: a file to touch, then a pause, so a test can act while a build is narrating
            with open(hook, "a", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()}\n")
            import time

            time.sleep(0.2)
        seconds = max(0.3, len(text) * self.ms_per_char / 1000)
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


def voice(pace: float = 1.0) -> ToneVoice:
    """The engine needs no loading. ``pace`` is the show's ``length_scale`` over the default one: the tone
    slows with it as Piper would."""
    return ToneVoice(pace)
