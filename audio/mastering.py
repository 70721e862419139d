"""Mastering: loudness to a profile through a true-peak-safe limiter, then encoded, decoded and measured.

Loudness is measured per ITU-R BS.1770-4 (K-weighting, gated blocks); true peak on a 4x oversampled signal
(BS.1770 Annex 2). The filters are numpy's (:mod:`gentle_steps.audio.dsp`), not scipy's, which would add about
75 MB to the build's memory. Audio is mastered in units of at most :data:`MAX_UNIT_SECONDS` (a section, or part of a
long one), each encoded on its own and measured once on its decoded audio; a file is its units joined
(:func:`gentle_steps.audio.encoding.join_mp3`) and its figures are combined from the units' measurements
(:func:`combine`), so memory never grows with an episode's length.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from gentle_steps.audio import dsp
from gentle_steps.audio.encoding import decode_mp3, encode_mp3, frame_samples


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

MAX_UNIT_SECONDS = 90
"""Longest stretch of narration mastered and encoded as one piece (longer sections are split at sentences)."""

BIN_MS = 10
"""Resolution of the K-weighted energies a unit keeps for combining loudness across units."""

_FADE_MS = 6


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
    """Integrated loudness in LUFS (ITU-R BS.1770-4); -70 for silence. The 400 ms gating blocks' energies come
    from cumulative 100 ms sums (tests check the figure against pyloudnorm and ffmpeg's ebur128 meter)."""
    return _gated_loudness(_k_weighted(_pad_for_gating(samples, rate), rate), rate)


@functools.lru_cache(maxsize=8)
def _k_filter(rate: int) -> dsp.Convolver:
    return dsp.causal(dsp.k_weighting(rate))


def _k_weighted(samples: np.ndarray, rate: int) -> np.ndarray:
    """The signal through BS.1770's K-weighting (float64)."""
    return _k_filter(rate).run(samples)


def _gated_loudness(weighted: np.ndarray, rate: int) -> float:
    """Integrated loudness of a K-weighted signal: 400 ms blocks every 100 ms, absolute then relative gate."""
    step = int(0.1 * rate)
    block = 4 * step  # 400 ms blocks overlapping by 75 %: each is four consecutive 100 ms steps
    if len(weighted) < block:
        weighted = np.pad(weighted, (0, block - len(weighted)))
    n = len(weighted) // step
    steps = np.einsum("ij,ij->i", weighted[: n * step].reshape(n, step), weighted[: n * step].reshape(n, step))
    z = (steps[:-3] + steps[1:-2] + steps[2:-1] + steps[3:]) / block
    return _gate(z)


def _gate(z: np.ndarray) -> float:
    """BS.1770-4 integrated loudness of 400 ms block energies: absolute gate, then relative gate."""
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


@functools.lru_cache(maxsize=1)
def _peak_filter() -> np.ndarray:
    """The true-peak meter's 48-tap low-pass FIR at 4x (made once)."""
    return dsp.true_peak_fir()


@functools.lru_cache(maxsize=1)
def _peak_interpolator() -> np.ndarray:
    return dsp.interpolator(_peak_filter())


_PEAK_BLOCK = 1 << 16
"""Samples measured at a time: the 4x oversampled signal is never held whole (bounded memory)."""


def _oversampled_peaks(samples: np.ndarray) -> np.ndarray:
    """Per-sample peak of the 4x oversampled signal (the true-peak meter of BS.1770 Annex 2).

    A 48-tap low-pass FIR at 4x, applied as a polyphase interpolator (four 12-tap branches, as in Annex 2);
    each input sample's peak is the largest of itself and the four points after it, aligned for the filter's
    delay. Blocks of :data:`_PEAK_BLOCK` samples overlap by the filter's span, so the result
    is the same as for the whole signal at once.
    """
    x = samples.astype(np.float32, copy=False)
    peaks = np.abs(x)
    for start in range(0, len(x), _PEAK_BLOCK):
        stop = min(len(x), start + _PEAK_BLOCK)
        points = _interpolated(x, start, stop)
        # Largest and smallest of each sample's four points, column by column (numpy's reduction over an axis
        # of four is several times slower).
        high = np.maximum(np.maximum(points[:, 0], points[:, 1]), np.maximum(points[:, 2], points[:, 3]))
        low = np.minimum(np.minimum(points[:, 0], points[:, 1]), np.minimum(points[:, 2], points[:, 3]))
        np.maximum(peaks[start:stop], np.maximum(high, -low), out=peaks[start:stop])
    return peaks


def _interpolated(x: np.ndarray, start: int, stop: int) -> np.ndarray:
    """The four interpolated points after each of ``x[start:stop]`` (a row each), computed from the samples
    around them (12 on either side: the filter's span), aligned for the filter's delay of 6 samples."""
    span, delay = 12, 6
    lo = max(0, start - span)
    points = dsp.interpolate(x[lo: stop + span], _peak_interpolator())
    first = start - lo + delay
    return points[first: first + stop - start]


def true_peak(samples: np.ndarray) -> float:
    """True peak in dBTP: the largest value of the 4x oversampled signal (BS.1770 Annex 2).

    Exact, but measured only where it can matter: an interpolated point is at most the filter's gain (the
    largest sum of one branch's absolute taps) times the largest nearby sample, so blocks whose samples are too
    small to beat the peak found so far are skipped, loudest blocks first.
    """
    if not len(samples):
        return -120.0
    fir = _peak_filter()
    gain = float(max(np.abs(fir[p::4]).sum() for p in range(4)))
    block, span = _PEAK_BLOCK, 12
    x = samples.astype(np.float32, copy=False)
    starts = range(0, len(x), block)
    bounds = [float(np.abs(x[max(0, s - span): s + block + span]).max()) for s in starts]
    best = 0.0
    for bound, start in sorted(zip(bounds, starts, strict=True), reverse=True):
        if max(bound, bound * gain) <= best:
            break
        points = _interpolated(x, start, min(len(x), start + block))
        best = max(best, bound, float(points.max(initial=0.0)), float(-points.min(initial=0.0)))
    return 20 * np.log10(best) if best > 1e-6 else -120.0


def lowpass(samples: np.ndarray, rate: int, cutoff_hz: int) -> np.ndarray:
    """Zero-phase low-pass filter (8th-order Butterworth, run forwards and backwards)."""
    if cutoff_hz <= 0 or cutoff_hz >= rate / 2:
        return samples
    return _lowpass_filter(cutoff_hz, rate).run(samples).astype(np.float32)


@functools.lru_cache(maxsize=8)
def _lowpass_filter(cutoff_hz: int, rate: int) -> dsp.Convolver:
    return dsp.zero_phase(dsp.butter_lowpass(8, cutoff_hz, rate))


def phase_rotate(samples: np.ndarray, rate: int) -> np.ndarray:
    """All-pass filters at 150, 300 and 600 Hz, as broadcast speech processors use.

    A voice's glottal pulses make a lopsided, peaky waveform; rotating the phase makes it more symmetric, so the
    limiter has less to take off at -14 LUFS. Magnitude (what one hears) is unchanged.
    """
    return _phase_filter(rate).run(samples).astype(np.float32)


@functools.lru_cache(maxsize=8)
def _phase_filter(rate: int) -> dsp.Convolver:
    return dsp.causal(np.array([dsp.allpass(freq, 0.7, rate) for freq in (150.0, 300.0, 600.0)]))


def _limiter_gain(peaks: np.ndarray, gain: float, rate: int, ceiling_dbtp: float) -> np.ndarray:
    """Per-sample gain that keeps ``gain * peaks`` under the ceiling, with 1 ms look-ahead and release."""
    ceiling = 10 ** (ceiling_dbtp / 20)
    needed = np.minimum(1.0, ceiling / np.maximum(peaks * gain, 1e-9)).astype(np.float32)
    if needed.min() >= 1.0:
        return needed
    span = max(1, int(rate * 0.001))
    # Hold the lowest gain over +-2 ms, then average over 1 ms: an average of values that are all at or below
    # the needed gain stays at or below it, so the ceiling holds while the gain moves without clicks.
    held = dsp.running_min(needed, 4 * span + 1)
    return np.minimum(dsp.running_mean(held, 2 * span + 1), needed)


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


def prepare(samples: np.ndarray, rate: int, profile: Profile) -> np.ndarray:
    """Band limit and phase rotation for ``profile``: the part of mastering done once per unit."""
    return lowpass(phase_rotate(samples, rate), rate, profile.lowpass_hz)


@dataclass(frozen=True)
class MasteredUnit:
    """One unit encoded, with what was measured on its decoded audio."""

    data: bytes
    """The MP3 (no tags)."""

    frame_samples: int
    """Samples its frames hold at the profile's rate (encoder delay and padding included)."""

    decoded_samples: int
    """Samples a player decodes from it alone (delay and padding removed)."""

    true_peak_dbtp: float
    """True peak of the decoded audio."""

    bins: np.ndarray
    """K-weighted energy of the decoded audio per :data:`BIN_MS` (float64), for :func:`combine`."""


def measure(decoded: np.ndarray, rate: int) -> tuple[float, np.ndarray]:
    """True peak (dBTP) and K-weighted energy bins of decoded audio, filtered a block at a time (each block with the samples before it as the filter's history, so the figures equal
    those of the whole signal at once)."""
    size = rate * BIN_MS // 1000
    block = size * 1000
    weighting = _k_filter(rate)
    bins = []
    for start in range(0, max(len(decoded), 1), block):
        chunk = weighting.run(decoded[start:start + block], decoded[max(0, start - len(weighting.kernel)):start])
        energy = chunk * chunk
        bins.append(np.pad(energy, (0, -len(energy) % size)).reshape(-1, size).sum(axis=1))
    return true_peak(decoded), np.concatenate(bins) if bins else np.zeros(1)


def master_unit(samples: np.ndarray, rate: int, profile: Profile) -> MasteredUnit:
    """Narration at ``rate`` -> an encoded unit for ``profile``, measured after encoding.

    Loudness and limiting work at the narration's own rate (same loudness, and with 4x oversampling the same
    true peak, as at the output rate, for less work); ffmpeg resamples while encoding. If encoding moved the
    decoded audio off the loudness target or over the peak ceiling, the unit is mastered again with the target
    and ceiling corrected by what was measured.
    """
    prepared = prepare(samples, rate, profile)
    target = profile.loudness_lufs + profile.encode_loudness_loss_db
    ceiling = profile.true_peak_dbtp - profile.encode_margin_db
    for _ in range(4):
        mp3 = encode_mp3(normalize(prepared, rate, target, ceiling), rate, profile)
        decoded = decode_mp3(mp3, profile.sample_rate)
        peak, bins = measure(decoded, profile.sample_rate)
        lufs = loudness_of_bins(bins, profile.sample_rate)
        # 0.3 dB of headroom: other true-peak meters (ffmpeg's ebur128 oversamples to 192 kHz) read a little
        # higher than a 4x meter, and a player's decoder may too.
        peak_ok = peak <= profile.true_peak_dbtp - 0.3
        if peak_ok and (abs(lufs - profile.loudness_lufs) <= 0.5 or lufs <= -69):
            break
        if not peak_ok:
            ceiling -= peak - profile.true_peak_dbtp + 0.4
        target += profile.loudness_lufs - lufs
    return MasteredUnit(mp3, frame_samples(mp3, profile.sample_rate), len(decoded), peak, bins)


def loudness_of_bins(bins: np.ndarray, rate: int) -> float:
    """Integrated loudness (BS.1770-4 gating) from K-weighted energy bins."""
    per_step = 100 // BIN_MS
    steps = np.pad(bins, (0, -len(bins) % per_step)).reshape(-1, per_step).sum(axis=1)
    if len(steps) < 4:
        steps = np.pad(steps, (0, 4 - len(steps)))
    block = 0.4 * rate
    z = (steps[:-3] + steps[1:-2] + steps[2:-1] + steps[3:]) / block
    return _gate(z)


def combine(units: list[tuple[int, MasteredUnit]], rate: int) -> tuple[int, float, float]:
    """Duration (ms), integrated loudness and true peak of units joined at the given sample offsets.

    Each unit's bins are placed at its offset (rounded to a bin: units meet in silence, so the rounding
    moves no energy that counts).
    """
    size = rate * BIN_MS // 1000
    end = max(offset + unit.decoded_samples for offset, unit in units)
    bins = np.zeros(end // size + 2)
    for offset, unit in units:
        start = round(offset / size)
        bins[start:start + len(unit.bins)] += unit.bins[: len(bins) - start]
    peak = max(unit.true_peak_dbtp for _, unit in units)
    return round(end * 1000 / rate), round(loudness_of_bins(bins, rate), 2), round(peak, 2)
