"""Narration engines behind one small protocol, one module per engine.

``load_voice(name)`` is called once per worker process; engines import their heavy dependencies only there.
"""

from __future__ import annotations

from importlib import import_module
from typing import Protocol

import numpy as np

ENGINES = {"piper": "gentle_steps.audio.voices.piper", "gtts": "gentle_steps.audio.voices.gtts", "tone": "gentle_steps.audio.voices.tone"}
"""Engine name -> module. ``tone`` is a deterministic test engine (no speech), for fast tests."""


class VoiceError(RuntimeError):
    """The voice cannot be used (unknown engine, no network for an online engine, missing model)."""


class Voice(Protocol):
    """What the build needs from a narration engine."""

    engine: str
    """Engine name (``piper``, ``gtts``, ``tone``)."""

    name: str
    """Voice name, e.g. ``en_US-joe-medium``."""

    version: str
    """Engine package version: part of the cache key, so an upgrade re-synthesizes."""

    sample_rate: int
    """Rate of the samples :meth:`synthesize` returns."""

    def settings(self) -> dict[str, object]:
        """Everything else that changes the sound (noise scales, speed...): part of the cache key."""
        ...

    def synthesize(self, text: str) -> np.ndarray:
        """Mono float32 samples in [-1, 1] for one sentence of spoken text."""
        ...


def voice_module(name: str):
    """The module implementing engine ``name``; raises :class:`VoiceError` for an unknown name."""
    if name not in ENGINES:
        raise VoiceError(f"unknown voice '{name}'; choose piper (offline, default) or gtts (needs internet)")
    return import_module(ENGINES[name])


def describe(name: str) -> dict[str, str]:
    """Engine, voice and version without loading the model (cache keys and the manifest)."""
    return voice_module(name).describe()


def load_voice(name: str, threads: int = 0) -> Voice:
    """Load engine ``name`` ready to synthesize (``threads``: inference threads, 0 = engine default)."""
    return voice_module(name).load(threads)


def preflight(name: str) -> None:
    """Fail fast, before anything is written, when the engine cannot work here (e.g. gtts offline)."""
    check = getattr(voice_module(name), "preflight", None)
    if check:
        check()
