"""Narration engines behind one small protocol (:class:`Voice`), one module per engine.

``get_voice(name)`` is cheap: it reads no model. A voice loads its model on the first :meth:`Voice.synthesize`
(so a rebuild with nothing to synthesize never loads one), once, and is then safe to call from several threads
at a time: the build narrates with one voice and one thread per core.
"""

from __future__ import annotations

from importlib import import_module
from typing import Protocol

import numpy as np

ENGINES = {"piper": "gentle_steps.audio.voices.piper", "gtts": "gentle_steps.audio.voices.gtts",
           "tone": "gentle_steps.audio.voices.tone"}
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
    """Engine package version."""

    sample_rate: int
    """Rate of the samples :meth:`synthesize` returns."""

    def identity(self) -> dict[str, object]:
        """Everything that changes the sound (engine, version, the model, settings): part of every cache key."""
        ...

    def check(self) -> None:
        """Fail fast, before anything is written, when the engine cannot work here (e.g. gtts offline)."""
        ...

    def preload(self) -> None:
        """Start loading the model in the background (the build calls it when something must be narrated)."""
        ...

    def release(self) -> None:
        """Let the model go (every sentence exists); :meth:`synthesize` would load it again."""
        ...

    def synthesize(self, text: str) -> np.ndarray:
        """Mono float32 samples in [-1, 1] for one sentence of spoken text; safe to call from several threads."""
        ...


def get_voice(name: str) -> Voice:
    """The voice for engine ``name`` (nothing loaded yet); raises :class:`VoiceError` for an unknown name."""
    if name not in ENGINES:
        raise VoiceError(f"unknown voice '{name}'; choose piper (offline, default) or gtts (needs internet)")
    return import_module(ENGINES[name]).voice()
