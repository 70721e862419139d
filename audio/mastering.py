"""Mastering and encoding: loudness to a profile, a true-peak-safe limiter, MP3 through pydub and ffmpeg, ID3 tags.

Loudness is measured per ITU-R BS.1770 with pyloudnorm; true peak on a 4x oversampled signal (BS.1770 Annex 2).
Every encoded file is decoded again and re-measured: the manifest records what the listener's player gets.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Profile:
    """A delivery target."""

    name: str
    """``podcast`` or ``alexa``."""

    sample_rate: int
    """Output sample rate."""

    bitrate_kbps: int
    """Constant bit rate."""

    loudness_lufs: float
    """Integrated loudness target."""

    true_peak_dbtp: float
    """Highest allowed true peak."""

    encode_margin_db: float = 0.8
    """How far below the ceiling the limiter aims: MP3 encoding adds overshoot, more at low bit rates."""

    encode_loudness_loss_db: float = 0.0
    """Loudness that resampling and encoding take off (measured on the seed: the top octave, which K-weighting
    counts extra, is partly filtered); mastering aims this much higher so the decoded file lands on target."""

    lowpass_hz: int = 0
    """Band limit applied before limiting and given to the encoder (0: none), so the encoder's own low-pass
    filter cannot ring above the ceiling limiting set."""


# Apple Podcasts: -16 LUFS integrated, true peak at most -1 dBTP; 44.1 kHz, CBR 64-128 kbps for speech.
PODCAST = Profile("podcast", 44100, 96, -16.0, -1.0, encode_loudness_loss_db=0.4)
# Alexa SSML <audio>: MP3 48 kbps at 16, 22.05 or 24 kHz, at most 240 s; Amazon asks -14 LUFS and -2 dBTP.
ALEXA = Profile("alexa", 24000, 48, -14.0, -2.0, encode_margin_db=3.0, encode_loudness_loss_db=0.2,
                lowpass_hz=8000)
PROFILES = {p.name: p for p in (PODCAST, ALEXA)}

ALEXA_MAX_SECONDS = 240
"""Longest clip Alexa plays through SSML <audio>."""

_FADE_MS = 6


class EncodeError(RuntimeError):
    """ffmpeg could not encode or decode a file."""


def ffmpeg_exe() -> str:
    """The ffmpeg binary shipped inside imageio-ffmpeg (no system ffmpeg needed)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def declick(samples: np.ndarray, rate: int) -> np.ndarray:
    """Short fades at both ends so joins with silence never click."""
    n = min(len(samples) // 2, int(rate * _FADE_MS / 1000))
    if n <= 1:
        return samples
    out = samples.copy()
    ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
    out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return out


def loudness(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS measured by pyloudnorm (ITU-R BS.1770-4); -70 for silence.

    This is the figure the manifest reports. :func:`fast_loudness` gives the same number faster for the
    mastering loop.
    """
    import pyloudnorm

    samples = _pad_for_gating(samples, rate)
    value = pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64))
    return float(value) if np.isfinite(value) else -70.0


def fast_loudness(samples: np.ndarray, rate: int) -> float:
    """BS.1770-4 integrated loudness with pyloudnorm's K-weighting filters, gated with vectorized block sums.

    pyloudnorm walks the 400 ms gating blocks in a Python loop; cumulative sums give the same energies at
    once (a test checks both agree).
    """
    return _gated_loudness(_k_weighted(_pad_for_gating(samples, rate), rate), rate)


def _k_weighted(samples: np.ndarray, rate: int) -> np.ndarray:
    """The signal through BS.1770's K-weighting (pyloudnorm's two filter stages)."""
    import pyloudnorm
    from scipy.signal import lfilter

    weighted = samples.astype(np.float64)
    for stage in pyloudnorm.Meter(rate)._filters.values():
        weighted = lfilter(stage.b, stage.a, weighted)
    return weighted


def _gated_loudness(weighted: np.ndarray, rate: int) -> float:
    """Integrated loudness of a K-weighted signal: 400 ms blocks every 100 ms, absolute then relative gate."""
    step = int(0.1 * rate)
    block = 4 * step  # 400 ms blocks overlapping by 75 %: each is four consecutive 100 ms steps
    if len(weighted) < block:
        weighted = np.pad(weighted, (0, block - len(weighted)))
    n = len(weighted) // step
    steps = np.einsum("ij,ij->i", weighted[: n * step].reshape(n, step), weighted[: n * step].reshape(n, step))
    z = (steps[:-3] + steps[1:-2] + steps[2:-1] + steps[3:]) / block
    levels = -0.691 + 10 * np.log10(np.maximum(z, 1e-20))
    z = z[levels > -70.0]  # absolute gate
    if not len(z):
        return -70.0
    relative = -0.691 + 10 * np.log10(z.mean()) - 10.0
    z = z[-0.691 + 10 * np.log10(z) > relative]  # relative gate
    return float(-0.691 + 10 * np.log10(z.mean())) if len(z) else -70.0


def _pad_for_gating(samples: np.ndarray, rate: int) -> np.ndarray:
    """Clips shorter than one 400 ms gating block are padded with silence so they can be measured."""
    need = int(0.4 * rate) + 1
    if len(samples) < need:
        return np.concatenate([samples, np.zeros(need - len(samples), dtype=np.float32)])
    return samples


_TRUE_PEAK_FIR: np.ndarray | None = None


def _oversampled_peaks(samples: np.ndarray) -> np.ndarray:
    """Per-sample peak of the 4x oversampled signal (the true-peak meter of BS.1770 Annex 2).

    A 48-tap low-pass FIR split into its four polyphase branches (12 taps each, as in Annex 2); each branch
    gives one of the four interpolated points between samples, aligned for the filter's delay.
    """
    global _TRUE_PEAK_FIR
    if _TRUE_PEAK_FIR is None:
        from scipy.signal import firwin

        _TRUE_PEAK_FIR = (firwin(48, 0.25) * 4).astype(np.float32)
    x = samples.astype(np.float32)
    peaks = np.abs(x)
    delay = 6  # (48 - 1) / 2 taps at 4x, in input samples, rounded
    for phase in range(4):
        branch = np.convolve(x, _TRUE_PEAK_FIR[phase::4], mode="full")[delay: delay + len(x)]
        np.maximum(peaks, np.abs(branch), out=peaks)
    return peaks


def true_peak(samples: np.ndarray) -> float:
    """True peak in dBTP."""
    if not len(samples):
        return -120.0
    peak = float(_oversampled_peaks(samples).max())
    return 20 * np.log10(peak) if peak > 1e-6 else -120.0


def lowpass(samples: np.ndarray, rate: int, cutoff_hz: int) -> np.ndarray:
    """Zero-phase low-pass filter (8th-order Butterworth, run forwards and backwards)."""
    from scipy.signal import butter, sosfiltfilt

    if cutoff_hz <= 0 or cutoff_hz >= rate / 2:
        return samples
    return sosfiltfilt(butter(8, cutoff_hz, fs=rate, output="sos"), samples).astype(np.float32)


def phase_rotate(samples: np.ndarray, rate: int) -> np.ndarray:
    """All-pass filters at 150, 300 and 600 Hz, as broadcast speech processors use.

    A voice's glottal pulses make a lopsided, peaky waveform; rotating the phase makes it more symmetric, so the
    limiter has less to take off at -14 LUFS. Magnitude (what one hears) is unchanged.
    """
    from scipy.signal import lfilter

    out = samples.astype(np.float64)
    for freq in (150.0, 300.0, 600.0):
        w0 = 2 * np.pi * freq / rate
        alpha, cos = np.sin(w0) / (2 * 0.7), np.cos(w0)
        out = lfilter([1 - alpha, -2 * cos, 1 + alpha], [1 + alpha, -2 * cos, 1 - alpha], out)
    return out.astype(np.float32)


def _limiter_gain(peaks: np.ndarray, gain: float, rate: int, ceiling_dbtp: float) -> np.ndarray:
    """Per-sample gain that keeps ``gain * peaks`` under the ceiling, with 1 ms look-ahead and release."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    ceiling = 10 ** (ceiling_dbtp / 20)
    needed = np.minimum(1.0, ceiling / np.maximum(peaks * gain, 1e-9)).astype(np.float32)
    if needed.min() >= 1.0:
        return needed
    span = max(1, int(rate * 0.001))
    # Hold the lowest gain over +-2 ms, then average over 1 ms: an average of values that are all at or below
    # the needed gain stays at or below it, so the ceiling holds while the gain moves without clicks.
    held = minimum_filter1d(needed, size=4 * span + 1)
    return np.minimum(uniform_filter1d(held, size=2 * span + 1), needed)


def normalize(samples: np.ndarray, rate: int, target_lufs: float, ceiling_dbtp: float) -> np.ndarray:
    """Gain to ``target_lufs`` through a true-peak limiter with its ceiling at ``ceiling_dbtp``.

    The oversampled peaks and the K-weighted signal are computed once: peaks scale with the gain, and the
    limiter's gain moves slowly enough that weighting-then-gaining equals gaining-then-weighting for the
    loudness estimate. Each round (secant steps) raises the gain by what the limiter took away.
    """
    source = _pad_for_gating(samples.astype(np.float32), rate)
    weighted = _k_weighted(source, rate)
    measured = _gated_loudness(weighted, rate)
    if measured <= -69:
        return samples.astype(np.float32)
    peaks = _oversampled_peaks(source)
    gain_db = target_lufs - measured
    tried: list[tuple[float, float]] = []  # (gain, loudness reached)
    for _ in range(12):
        gain = 10 ** (gain_db / 20)
        curve = _limiter_gain(peaks, gain, rate, ceiling_dbtp) * np.float32(gain)
        reached = _gated_loudness(weighted * curve, rate)
        if abs(reached - target_lufs) < 0.1:
            break
        tried.append((gain_db, reached))
        if len(tried) >= 2 and abs(tried[-1][1] - tried[-2][1]) > 1e-3:
            # Secant step: the limiter makes loudness grow ever more slowly with gain.
            (g0, l0), (g1, l1) = tried[-2], tried[-1]
            gain_db = g1 + (target_lufs - l1) * (g1 - g0) / (l1 - l0)
        else:
            gain_db += target_lufs - reached
        gain_db = min(gain_db, tried[-1][0] + 12.0)
    return (source * curve)[: len(samples)].astype(np.float32)


@dataclass(frozen=True)
class Tags:
    """ID3v2 tags for one file."""

    title: str
    """TIT2."""

    artist: str
    """TPE1."""

    album: str
    """TALB: the show."""

    track: str
    """TRCK, e.g. ``"2/6"``."""

    year: str
    """TDRC."""

    chapters: tuple[tuple[str, int, int], ...] = ()
    """(title, start ms, end ms) for CTOC/CHAP frames (the episode file)."""


@dataclass(frozen=True)
class Encoded:
    """An encoded file and what was measured on its decoded audio."""

    data: bytes
    """The MP3 file, tags included."""

    duration_ms: int
    """Decoded duration."""

    loudness_lufs: float
    """Measured integrated loudness of the decoded file."""

    true_peak_dbtp: float
    """Measured true peak of the decoded file."""


def encode_mp3(samples: np.ndarray, rate: int, profile: Profile) -> bytes:
    """Float samples at ``profile.sample_rate`` -> CBR mono MP3 bytes (no tags), through pydub and ffmpeg."""
    from pydub import AudioSegment

    AudioSegment.converter = ffmpeg_exe()  # pydub looks for a system ffmpeg otherwise
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    segment = AudioSegment(data=pcm, sample_width=2, frame_rate=rate, channels=1)
    with tempfile.TemporaryDirectory(prefix="gentle-steps-enc-") as tmp:
        target = Path(tmp) / "out.mp3"
        try:
            # -fflags/-flags bitexact: no encoder version strings, so the same samples give the same bytes.
            segment.export(target, format="mp3", codec="libmp3lame", bitrate=f"{profile.bitrate_kbps}k",
                           parameters=["-ar", str(profile.sample_rate), "-ac", "1", "-map_metadata", "-1",
                                       "-id3v2_version", "0", "-write_id3v1", "0", "-fflags", "+bitexact",
                                       "-flags:a", "+bitexact", "-write_xing", "1"]
                           + (["-cutoff", str(profile.lowpass_hz)] if profile.lowpass_hz else []))
        except Exception as exc:  # pydub raises CouldntEncodeError with ffmpeg's output
            raise EncodeError(f"ffmpeg could not encode MP3: {str(exc)[-300:]}") from None
        return target.read_bytes()


def decode_mp3(data: bytes, rate: int) -> np.ndarray:
    """MP3 bytes -> float samples at ``rate`` (ffmpeg honours the LAME header's encoder delay and padding)."""
    with tempfile.NamedTemporaryFile(suffix=".mp3") as tmp:
        tmp.write(data)
        tmp.flush()
        result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", tmp.name,
                                 "-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"],
                                capture_output=True, check=False)
    if result.returncode != 0:
        raise EncodeError(f"ffmpeg could not decode MP3: {result.stderr.decode(errors='replace')[:300]}")
    return np.frombuffer(result.stdout, dtype="<i2").astype(np.float32) / 32768.0


def tag_mp3(data: bytes, tags: Tags, cover: bytes | None, cover_mime: str) -> bytes:
    """Add ID3v2.4 tags (and CTOC + CHAP chapter frames) with mutagen."""
    from mutagen.id3 import APIC, CHAP, CTOC, ID3, TALB, TDRC, TIT2, TPE1, TRCK, CTOCFlags

    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TRCK(encoding=3, text=tags.track))
    if tags.year:
        id3.add(TDRC(encoding=3, text=tags.year))
    if cover:
        id3.add(APIC(encoding=3, mime=cover_mime, type=3, desc="Cover", data=cover))
    if tags.chapters:
        ids = [f"chp{i}" for i in range(len(tags.chapters))]
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                     sub_frames=[TIT2(encoding=3, text="Chapters")]))
        for eid, (title, start, end) in zip(ids, tags.chapters, strict=True):
            id3.add(CHAP(element_id=eid, start_time=start, end_time=end, start_offset=0xFFFFFFFF,
                         end_offset=0xFFFFFFFF, sub_frames=[TIT2(encoding=3, text=title)]))
    buffer = io.BytesIO(data)
    id3.save(buffer, v2_version=4, padding=lambda info: 0)
    return buffer.getvalue()


def prepare(samples: np.ndarray, rate: int, profile: Profile) -> np.ndarray:
    """Narration mastered for ``profile`` but not encoded: band limit, phase rotation, gain through the limiter.

    The build prepares each section this way for the podcast profile as soon as the section is narrated, so the
    whole episode is then only joined, encoded and measured (section-by-section normalization, as a chaptered
    audiobook is mastered): the episode lands on the target because every section does.
    """
    prepared = lowpass(phase_rotate(samples, rate), rate, profile.lowpass_hz)
    return normalize(prepared, rate, profile.loudness_lufs + profile.encode_loudness_loss_db,
                     profile.true_peak_dbtp - profile.encode_margin_db)


def master(samples: np.ndarray, rate: int, profile: Profile, tags: Tags, cover: bytes | None = None,
           cover_mime: str = "image/jpeg", premastered: bool = False) -> Encoded:
    """Narration at ``rate`` -> a finished, tagged MP3 for ``profile``, re-measured after encoding.

    Loudness and limiting work at the narration's own rate (same loudness, and with 4x oversampling the same
    true peak, as at the output rate, for less work); ffmpeg resamples while encoding. The decoded file is
    measured again: if encoding moved it off the loudness target or over the peak ceiling, the file is
    mastered again with the target and ceiling corrected by what was measured. ``premastered`` samples (from
    :func:`prepare`) are encoded as they are first, and mastered as a whole only if they miss the target.
    """
    prepared = None if premastered else lowpass(phase_rotate(samples, rate), rate, profile.lowpass_hz)
    target = profile.loudness_lufs + profile.encode_loudness_loss_db
    ceiling = profile.true_peak_dbtp - profile.encode_margin_db
    for _ in range(4):
        if prepared is None:
            mp3 = encode_mp3(samples, rate, profile)
        else:
            mp3 = encode_mp3(normalize(prepared, rate, target, ceiling), rate, profile)
        decoded = decode_mp3(mp3, profile.sample_rate)
        peak, lufs = true_peak(decoded), fast_loudness(decoded, profile.sample_rate)
        # 0.3 dB of headroom: other true-peak meters (ffmpeg's ebur128 oversamples to 192 kHz) read a little
        # higher than a 4x meter, and a player's decoder may too.
        peak_ok = peak <= profile.true_peak_dbtp - 0.3
        if peak_ok and abs(lufs - profile.loudness_lufs) <= 0.5:
            break
        if prepared is None:
            prepared = lowpass(phase_rotate(samples, rate), rate, profile.lowpass_hz)
            continue
        if not peak_ok:
            ceiling -= peak - profile.true_peak_dbtp + 0.4
        target += profile.loudness_lufs - lufs
    data = tag_mp3(mp3, tags, cover, cover_mime)
    return Encoded(data=data, duration_ms=round(len(decoded) * 1000 / profile.sample_rate),
                   loudness_lufs=round(lufs, 2), true_peak_dbtp=round(peak, 2))
