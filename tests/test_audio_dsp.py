"""The numpy filters mastering uses, against scipy's (the reference the build no longer imports)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage
import scipy.signal
from gentle_steps.audio import dsp

RNG = np.random.default_rng(7)
PHASE_SECTIONS = [(150.0, 0.7), (300.0, 0.7), (600.0, 0.7)]


def cascades(rate: int) -> dict[str, np.ndarray]:
    return {"butterworth": dsp.butter_lowpass(8, min(8000, rate // 3), rate), "k-weighting": dsp.k_weighting(rate),
            "all-pass": np.array([dsp.allpass(f, q, rate) for f, q in PHASE_SECTIONS])}


def test_butterworth_sections_have_scipy_s_response():
    for rate, cutoff in ((22050, 8000), (16000, 5000), (48000, 8000)):
        ours = scipy.signal.sosfreqz(dsp.butter_lowpass(8, cutoff, rate), 1024)[1]
        theirs = scipy.signal.sosfreqz(scipy.signal.butter(8, cutoff, fs=rate, output="sos"), 1024)[1]
        assert np.abs(np.abs(ours) - np.abs(theirs)).max() < 1e-12


def test_k_weighting_is_pyloudnorm_s_and_within_0_05_db_of_the_standard_s_table():
    import pyloudnorm

    for rate in (16000, 22050, 24000, 44100, 48000):
        theirs = [np.concatenate([f.b, f.a]) for f in pyloudnorm.Meter(rate)._filters.values()]
        assert np.abs(dsp.k_weighting(rate) - np.array(theirs)).max() < 1e-12
    # ITU-R BS.1770-4, Tables 1 and 2 (the pre-filter, then the RLB high-pass), at 48 kHz.
    table = np.array([[1.53512485958697, -2.69169618940638, 1.19839281085285, 1.0, -1.69065929318241,
                       0.73248077421585], [1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621]])
    freqs = np.geomspace(20, 20000, 400)
    ours = np.abs(scipy.signal.sosfreqz(dsp.k_weighting(48000), worN=freqs, fs=48000)[1])
    standard = np.abs(scipy.signal.sosfreqz(table, worN=freqs, fs=48000)[1])
    assert np.abs(20 * np.log10(ours / standard)).max() < 0.05


def test_a_cutoff_at_or_over_nyquist_is_refused():
    with pytest.raises(ValueError):
        dsp.butter_lowpass(8, 8000, 16000)


def test_all_pass_sections_pass_every_frequency_unchanged():
    response = scipy.signal.sosfreqz(cascades(22050)["all-pass"], 2048)[1]
    assert np.abs(np.abs(response) - 1).max() < 1e-9


@pytest.mark.parametrize("rate", [16000, 22050, 44100])
@pytest.mark.parametrize("name", ["butterworth", "k-weighting", "all-pass"])
def test_causal_filtering_equals_scipy_sosfilt(rate: int, name: str):
    sos = cascades(rate)[name]
    filt = dsp.causal(sos)
    for n in (1, 7, 1000, 50_001, 400_000):
        x = RNG.standard_normal(n)
        assert np.abs(filt.run(x) - scipy.signal.sosfilt(sos, x)).max() < 1e-9, n


def test_a_long_signal_filtered_in_pieces_with_its_history_equals_filtering_it_whole():
    sos = dsp.k_weighting(44100)
    filt = dsp.causal(sos)
    x = RNG.standard_normal(300_001)
    pieces = [filt.run(x[a:b], x[:a]) for a, b in ((0, 1), (1, 123_457), (123_457, 300_001))]
    assert np.abs(np.concatenate(pieces) - scipy.signal.sosfilt(sos, x)).max() < 1e-9


def test_zero_phase_filtering_equals_scipy_sosfiltfilt_away_from_the_ends():
    # The ends are padded differently (zeros here, an odd reflection in scipy): narration starts and ends in
    # silence, where both agree.
    sos = dsp.butter_lowpass(8, 8000, 22050)
    x = np.concatenate([np.zeros(2000), RNG.standard_normal(100_000), np.zeros(2000)])
    ours = dsp.zero_phase(sos).run(x)
    assert np.abs(ours - scipy.signal.sosfiltfilt(sos, x)).max() < 1e-9
    # Zero phase: a symmetric pulse stays centred where it was.
    pulse = np.zeros(4001)
    pulse[1990:2011] = np.hanning(21)
    assert int(np.argmax(dsp.zero_phase(sos).run(pulse))) == 2000


def test_the_true_peak_interpolator_is_scipy_s_firwin_and_upfirdn():
    fir = dsp.true_peak_fir()
    assert np.abs(fir - scipy.signal.firwin(48, 0.25) * 4).max() < 1e-6
    x = RNG.standard_normal(5000).astype(np.float32)
    ours = dsp.interpolate(x, dsp.interpolator(fir)).reshape(-1)
    theirs = scipy.signal.upfirdn(fir, x, up=4)
    assert np.abs(ours[: len(theirs)] - theirs).max() < 1e-5


@pytest.mark.parametrize("size", [1, 3, 45, 89])
def test_running_min_and_mean_equal_scipy_ndimage(size: int):
    for n in (1, 2, 50, 1000, 100_001):
        x = RNG.random(n).astype(np.float32)
        assert np.array_equal(dsp.running_min(x, size), scipy.ndimage.minimum_filter1d(x, size))
        assert np.abs(dsp.running_mean(x, size) - scipy.ndimage.uniform_filter1d(x, size)).max() < 1e-6
