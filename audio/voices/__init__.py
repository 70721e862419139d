"""Narration engines behind one small protocol (:class:`Voice`), one module per engine.

``get_voice(name, show)`` is cheap and never touches the network: it finds the voice's files on disk (a Piper
voice not installed is a :class:`VoiceError` naming the ``gentle-steps voices add`` command) and reads no model.
A voice loads its model on the first :meth:`Voice.synthesize` (so a rebuild with nothing to synthesize never
loads one), once, and is then safe to call from several threads at a time: the build narrates with one voice
and one thread per core.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Protocol

import numpy as np
from gentle_steps.audio.voice_settings import voice_problem

if TYPE_CHECKING:
    from gentle_steps.audio.settings import ShowSettings

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

    phonemes: bool
    """True when the voice reads ``[[ espeak-ng phonemes ]]`` in its text (Piper's espeak voices): only then
    does the build keep the lexicon's phoneme entries."""

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


def get_voice(name: str, show: ShowSettings | None = None) -> Voice:
    """The voice ``name`` (nothing loaded yet, nothing downloaded), with ``show``'s voice settings.

    ``name`` is ``piper``, ``piper:NAME``, a path to a Piper ``.onnx`` (relative to the show's content folder),
    ``gtts`` or ``tone``. For a Piper voice, ``show`` gives the voices folder, the pace (``length_scale``) and,
    when ``name`` is the show's own voice, the ``speaker``. Raises :class:`VoiceError` in one line.
    """
    name = name.strip()
    if fix := voice_problem(name):
        raise VoiceError(f"'{name}' is not a voice; {fix}")
    if name == "tone":
        from gentle_steps.audio.voice_settings import DEFAULT_LENGTH_SCALE

        return import_module(ENGINES[name]).voice(show.length_scale / DEFAULT_LENGTH_SCALE if show else 1.0)
    if name == "gtts":
        return import_module(ENGINES[name]).voice()
    from gentle_steps.audio.voices.piper import piper_voice

    return piper_voice(name, show)
