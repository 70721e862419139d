"""Mastering pieces on synthetic signals: loudness meters agree, the limiter holds its ceiling, joins don't click."""

from __future__ import annotations

import numpy as np
import pytest
from gentle_steps.audio import mastering as m

RATE = 22050


def speechlike(seconds: float = 6.0, seed: int = 1) -> np.ndarray:
    """Pulses at a voice's pitch under a syllable envelope: peaky like speech, unlike a sine."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    pulses = np.zeros_like(t)
    pulses[:: RATE // 110] = 1.0
    kernel = np.exp(-np.arange(200) / 25.0) * np.sin(np.arange(200) / 3.0)
    voiced = np.convolve(pulses, kernel)[: len(t)]
    envelope = np.clip(np.sin(2 * np.pi * 3.3 * t), 0, None) ** 2
    return (0.3 * voiced * envelope + 0.002 * rng.standard_normal(len(t))).astype(np.float32)


def test_fast_loudness_agrees_with_pyloudnorm():
    for rate in (22050, 24000, 44100):
        x = np.repeat(speechlike(8.0), 1)[: int(8 * rate)]
        assert m.fast_loudness(x, rate) == pytest.approx(m.loudness(x, rate), abs=0.02)


def test_true_peak_sees_peaks_between_samples():
    # A sine at a quarter of the rate, sampled off its crests: sample peak 0.707, true peak 1.0.
    n = np.arange(4096)
    x = np.sin(2 * np.pi * n / 4 + np.pi / 4).astype(np.float32)
    assert 20 * np.log10(np.abs(x).max()) == pytest.approx(-3.01, abs=0.05)
    assert m.true_peak(x) == pytest.approx(0.0, abs=0.3)


@pytest.mark.parametrize(("target", "ceiling"), [(-16.0, -1.8), (-14.0, -4.0)])
def test_normalize_reaches_target_under_the_ceiling(target: float, ceiling: float):
    out = m.normalize(m.phase_rotate(speechlike(), RATE), RATE, target, ceiling)
    assert m.loudness(out, RATE) == pytest.approx(target, abs=0.3)
    assert m.true_peak(out) <= ceiling + 0.1


def test_declick_fades_both_ends():
    x = np.ones(RATE, dtype=np.float32)
    y = m.declick(x, RATE)
    assert y[0] == 0.0 and y[-1] == 0.0 and y[RATE // 2] == 1.0


def test_master_encodes_to_profile_and_reports_measurements():
    x = np.concatenate([np.zeros(RATE // 2, np.float32), speechlike(), np.zeros(RATE // 2, np.float32)])
    tags = m.Tags("Title", "Artist", "Show", "1/1", "2026", (("One", 0, 3000), ("Two", 3000, 7000)))
    encoded = m.master(x, RATE, m.ALEXA, tags)
    decoded = m.decode_mp3(encoded.data, m.ALEXA.sample_rate)
    assert abs(len(decoded) / m.ALEXA.sample_rate * 1000 - len(x) / RATE * 1000) < 50
    assert encoded.true_peak_dbtp <= m.ALEXA.true_peak_dbtp
    assert abs(encoded.loudness_lufs - m.ALEXA.loudness_lufs) <= 1.0
    assert encoded.data.startswith(b"ID3")
    # Deterministic: the same samples give the same bytes.
    assert m.master(x, RATE, m.ALEXA, tags).data == encoded.data
