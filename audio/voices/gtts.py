"""gTTS: Google Translate's text-to-speech, as the client's design card names it. Needs internet; never the default."""

from __future__ import annotations

import io
import socket
import subprocess
from importlib.metadata import version

import numpy as np
from gentle_steps.audio.voices import VoiceError

SAMPLE_RATE = 22050
HOST = "translate.google.com"


def preflight(timeout: float = 3.0) -> None:
    """Refuse at once, before anything is written, when Google's servers cannot be reached."""
    try:
        socket.create_connection((HOST, 443), timeout=timeout).close()
    except OSError:
        raise VoiceError(f"gtts needs internet and cannot reach {HOST}; build offline with --voice piper") from None


class GttsVoice:
    """Google's voice, decoded from its MP3 to mono samples at 22.05 kHz."""

    engine = "gtts"
    name = "en-com"
    sample_rate = SAMPLE_RATE
    phonemes = False  # Google reads [[ ... ]] aloud as written: the lexicon's phoneme entries are left out

    def __init__(self) -> None:
        self.version = version("gtts")

    def identity(self) -> dict[str, object]:
        """Engine, version, language and accent (top-level domain)."""
        return {"engine": self.engine, "voice": self.name, "version": self.version, "lang": "en", "tld": "com"}

    def check(self) -> None:
        """Refuse at once when Google's servers cannot be reached."""
        preflight()

    def preload(self) -> None:
        """Nothing to load."""

    def release(self) -> None:
        """Nothing to let go."""

    def synthesize(self, text: str) -> np.ndarray:
        """One sentence through Google's service."""
        import imageio_ffmpeg
        from gtts import gTTS, gTTSError

        buffer = io.BytesIO()
        try:
            gTTS(text, lang="en", tld="com").write_to_fp(buffer)
        except gTTSError as exc:
            raise VoiceError(f"gtts failed ({exc}); build offline with --voice piper") from None
        decoded = subprocess.run(
            [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", "pipe:0",
             "-f", "s16le", "-ac", "1", "-ar", str(SAMPLE_RATE), "pipe:1"],
            input=buffer.getvalue(), capture_output=True, check=False, timeout=60)
        if decoded.returncode != 0:
            raise VoiceError(f"gtts returned audio that does not decode: {decoded.stderr.decode()[:200]}")
        return np.frombuffer(decoded.stdout, dtype=np.int16).astype(np.float32) / 32768.0


def voice() -> GttsVoice:
    """Nothing to load; the network is checked by :meth:`GttsVoice.check`."""
    return GttsVoice()
