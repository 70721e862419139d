"""The few filters mastering needs, in numpy alone: second-order sections, a zero-phase low-pass, BS.1770's
K-weighting and true-peak interpolator, and running minimum and mean.

scipy has all of these, but importing ``scipy.signal`` maps about 75 MB (it pulls in linalg, optimize and
interpolate) into a build that otherwise holds a voice model and two inferences; these few functions need none of
that. Each is checked against scipy (and loudness against pyloudnorm and ffmpeg's ebur128 meter) by the tests.

Recursive filters are run as their impulse responses through the FFT (:class:`Convolver`): numpy has no
recursive filter in C, and a Python loop over samples would be hundreds of times slower.
"""

from __future__ import annotations

import math

import numpy as np

# --- Recursive filters as their impulse responses ---------------------------------------------------------------


def _biquad_loop(x: np.ndarray, section: np.ndarray) -> np.ndarray:
    """One second-order section ``[b0, b1, b2, a0, a1, a2]`` over ``x`` from rest, a sample at a time
    (transposed direct form II); used only to compute impulse responses, a few thousand samples long."""
    b0, b1, b2, a0, a1, a2 = (float(v) / float(section[3]) for v in section)
    s1 = s2 = 0.0
    out = []
    for v in x.tolist():
        y = b0 * v + s1
        s1, s2 = b1 * v - a1 * y + s2, b2 * v - a2 * y
        out.append(y)
    return np.array(out, dtype=np.float64)


def impulse_response(sos: np.ndarray, tolerance: float = 1e-13) -> np.ndarray:
    """The impulse response of the cascade ``sos`` (rows ``[b0, b1, b2, a0, a1, a2]``), up to where it has
    decayed below ``tolerance`` times its peak for good."""
    length = 1024
    while True:
        h = np.zeros(length)
        h[0] = 1.0
        for section in np.asarray(sos, dtype=np.float64).reshape(-1, 6):
            h = _biquad_loop(h, section)
        above = np.flatnonzero(np.abs(h) > tolerance * np.abs(h).max())
        if above[-1] < length * 3 // 4 or length >= 1 << 18:
            return h[: above[-1] + 1]
        length *= 2


class Convolver:
    """Filtering by a fixed kernel through the FFT (overlap-save), in batches of frames so memory stays small.

    A recursive (IIR) filter is run as its impulse response cut where it has decayed below 1e-13 of its peak:
    the result differs from running the recursion by less than 1e-11, far under what 16-bit audio can hold, and
    one FFT pass costs about what one second-order section does in scipy, whatever the number of sections.
    """

    def __init__(self, kernel: np.ndarray, centre: int = 0) -> None:
        self.kernel = np.asarray(kernel, dtype=np.float64)
        self.centre = centre
        """Output ``i`` is aligned with kernel tap ``centre`` (0: causal; the middle: zero phase)."""
        taps = len(self.kernel)
        # FFT frames about eight kernels long (measured fastest on 2-32 s of audio), within 8192-32768 points.
        self.nfft = max(1 << (2 * taps - 1).bit_length(), min(32768, max(8192, 1 << (8 * taps - 1).bit_length())))
        self.step = self.nfft - taps + 1
        self.spectrum = np.fft.rfft(self.kernel, self.nfft)

    def run(self, x: np.ndarray, history: np.ndarray | None = None) -> np.ndarray:
        """``x`` filtered (float64, same length). For a causal kernel, ``history`` is the signal just before
        ``x`` (its last ``len(kernel) - 1`` samples count; silence if None), so a long signal can be filtered a
        piece at a time with the same result."""
        from numpy.lib.stride_tricks import sliding_window_view

        taps, n = len(self.kernel), len(x)
        if not n:
            return np.zeros(0)
        before = np.zeros(taps - 1)
        if history is not None and taps > 1:
            kept = np.asarray(history, dtype=np.float64)[-(taps - 1):]
            before[len(before) - len(kept):] = kept
        frames = -(-(n + self.centre) // self.step)
        padded = np.zeros(taps - 1 + frames * self.step)
        padded[: taps - 1] = before
        padded[taps - 1: taps - 1 + n] = x
        windows = sliding_window_view(padded, self.nfft)[:: self.step]
        out = np.empty(frames * self.step)
        batch = max(1, (1 << 20) // self.nfft)
        for first in range(0, frames, batch):
            spectra = np.fft.rfft(windows[first: first + batch], axis=1)
            spectra *= self.spectrum
            filtered = np.fft.irfft(spectra, self.nfft, axis=1)[:, taps - 1:]
            out[first * self.step: first * self.step + filtered.size] = filtered.reshape(-1)
        return out[self.centre: self.centre + n]


def causal(sos: np.ndarray) -> Convolver:
    """The cascade ``sos`` as a :class:`Convolver` (what ``scipy.signal.sosfilt`` computes)."""
    return Convolver(impulse_response(sos))


def zero_phase(sos: np.ndarray) -> Convolver:
    """The cascade run forwards and then backwards, as one symmetric kernel: the magnitude response squared, no
    phase shift or delay (what ``scipy.signal.sosfiltfilt`` computes, but for how the ends are padded)."""
    h = impulse_response(sos)
    return Convolver(np.convolve(h, h[::-1]), centre=len(h) - 1)


def butter_lowpass(order: int, cutoff_hz: float, rate: int) -> np.ndarray:
    """A Butterworth low-pass of even ``order`` as second-order sections (bilinear transform, cutoff prewarped):
    the analog prototype's pole pairs, each a section with its own Q."""
    if order % 2 or not 0 < cutoff_hz < rate / 2:
        raise ValueError(f"a low-pass needs an even order and a cutoff under {rate / 2:g} Hz")
    k = math.tan(math.pi * cutoff_hz / rate)
    sections = []
    for pair in range(order // 2):
        q = 1.0 / (2.0 * math.cos(math.pi * (2 * pair + 1) / (2 * order)))
        norm = 1.0 + k / q + k * k
        b0 = k * k / norm
        sections.append([b0, 2 * b0, b0, 1.0, 2 * (k * k - 1) / norm, (1 - k / q + k * k) / norm])
    return np.array(sections)


def allpass(freq_hz: float, q: float, rate: int) -> np.ndarray:
    """A second-order all-pass centred on ``freq_hz`` (flat magnitude; the phase turns through 360 degrees)."""
    w0 = 2 * math.pi * freq_hz / rate
    alpha, cos = math.sin(w0) / (2 * q), math.cos(w0)
    a0 = 1 + alpha
    return np.array([(1 - alpha) / a0, -2 * cos / a0, 1.0, 1.0, -2 * cos / a0, (1 - alpha) / a0])


# --- BS.1770 -----------------------------------------------------------------------------------------------------


def k_weighting(rate: int) -> np.ndarray:
    """BS.1770's K-weighting at ``rate`` as two sections, each an Audio EQ Cookbook biquad: a high shelf of
    +4 dB from about 1.5 kHz (Q 0.707: the head's effect) and a 38 Hz high-pass (Q 0.5). These are pyloudnorm's
    parameters, which this meter replaced: loudness figures stay what they were (within 0.01 LU; within 0.1 LU
    of meters built on the standard's 48 kHz table, such as ffmpeg's ebur128)."""
    w0 = 2 * math.pi * 1500.0 / rate
    gain, alpha, cos = 10 ** (4.0 / 40), math.sin(w0) / (2 * (1 / math.sqrt(2))), math.cos(w0)
    root = 2 * math.sqrt(gain) * alpha
    shelf = [gain * ((gain + 1) + (gain - 1) * cos + root), -2 * gain * ((gain - 1) + (gain + 1) * cos),
             gain * ((gain + 1) + (gain - 1) * cos - root),
             (gain + 1) - (gain - 1) * cos + root, 2 * ((gain - 1) - (gain + 1) * cos),
             (gain + 1) - (gain - 1) * cos - root]
    w0 = 2 * math.pi * 38.0 / rate
    alpha, cos = math.sin(w0) / (2 * 0.5), math.cos(w0)
    highpass = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha]
    return np.array([shelf, highpass]) / np.array([[row[3]] for row in (shelf, highpass)])


def true_peak_fir() -> np.ndarray:
    """The true-peak meter's interpolator: a 48-tap low-pass at a quarter of the 4x rate (Hamming-windowed sinc,
    unity gain at DC per branch), times 4 so each of its four 12-tap branches interpolates at unity gain."""
    taps, cutoff = 48, 0.25  # cutoff as a fraction of the 4x signal's Nyquist frequency
    m = np.arange(taps) - (taps - 1) / 2
    h = cutoff * np.sinc(cutoff * m) * np.hamming(taps)
    return (h / h.sum() * 4).astype(np.float32)


def interpolator(fir: np.ndarray) -> np.ndarray:
    """``fir`` (4x interpolation) as a 12 x 4 matrix: a window of 12 input samples times it gives the four
    interpolated points after the window's last sample."""
    return np.stack([fir[p::4][::-1] for p in range(4)], axis=1).astype(np.float32)


def interpolate(x: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """The 4x interpolated signal, one row of four points per input sample: row ``i`` holds the points
    ``4 * i .. 4 * i + 3`` of the full convolution with the filter (``len(x) + 11`` rows). A matrix product
    (one BLAS call) rather than four convolutions: about four times faster."""
    from numpy.lib.stride_tricks import sliding_window_view

    taps = len(matrix)
    padded = np.zeros(len(x) + 2 * (taps - 1), dtype=np.float32)
    padded[taps - 1: taps - 1 + len(x)] = x
    return sliding_window_view(padded, taps) @ matrix


# --- Running minimum and mean ------------------------------------------------------------------------------------


def running_min(x: np.ndarray, size: int) -> np.ndarray:
    """Minimum over a centred window of odd ``size`` (edges mirrored, as scipy.ndimage's default ``reflect``).

    Minima over windows of 1, 2, 4... samples, each from two of the one before; a window of ``size`` is two
    overlapping windows of the largest power of two that fits."""
    half = size // 2
    if half == 0 or not len(x):
        return x.copy()
    low, width = np.pad(x, (half, half), mode="symmetric"), 1
    while width * 2 <= size:
        low = np.minimum(low[:-width], low[width:])
        width *= 2
    return np.minimum(low[: len(x)], low[size - width: size - width + len(x)])


def running_mean(x: np.ndarray, size: int) -> np.ndarray:
    """Mean over a centred window of odd ``size`` (edges mirrored): sums over windows of 1, 2, 4... samples,
    one for each bit of ``size``, added at their offsets."""
    half = size // 2
    if half == 0 or not len(x):
        return x.copy()
    sums, width, total, offset = np.pad(x, (half, half), mode="symmetric"), 1, None, 0
    while width <= size:
        if size & width:
            part = sums[offset: offset + len(x)]
            total = part.copy() if total is None else total + part
            offset += width
        if width * 2 <= size:
            sums = sums[:-width] + sums[width:]
        width *= 2
    return (total / size).astype(x.dtype)
