"""Mastering pieces on synthetic signals: loudness meters agree, the limiter holds its ceiling, joins don't click."""

from __future__ import annotations

import numpy as np
import pytest
from gentle_steps.audio import mastering as m
from gentle_steps.audio.encoding import Tags, decode_mp3, join_mp3, tag_file

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


def test_loudness_agrees_with_pyloudnorm():
    import pyloudnorm

    for rate in (22050, 24000, 44100):
        x = np.repeat(speechlike(8.0), 1)[: int(8 * rate)]
        assert m.loudness(x, rate) == pytest.approx(pyloudnorm.Meter(rate).integrated_loudness(
            x.astype(np.float64)), abs=0.01)


def test_the_build_does_not_import_scipy():
    import subprocess
    import sys

    code = ("import sys, numpy as np; from gentle_steps.audio import mastering as m; "
            "m.master_unit(np.zeros(22050, np.float32) + 0.1, 22050, m.ALEXA); print('scipy' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


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


def test_a_unit_is_encoded_to_its_profile_and_measured_on_its_decoded_audio():
    x = np.concatenate([np.zeros(RATE // 2, np.float32), speechlike(), np.zeros(RATE // 2, np.float32)])
    unit = m.master_unit(x, RATE, m.ALEXA)
    decoded = decode_mp3(unit.data, m.ALEXA.sample_rate)
    assert len(decoded) == unit.decoded_samples
    assert abs(len(decoded) / m.ALEXA.sample_rate * 1000 - len(x) / RATE * 1000) < 50
    assert unit.true_peak_dbtp == pytest.approx(m.true_peak(decoded), abs=0.01)
    assert unit.true_peak_dbtp <= m.ALEXA.true_peak_dbtp
    # Loudness from the kept bins is the meter's own figure for the decoded audio.
    from_bins = m.loudness_of_bins(unit.bins, m.ALEXA.sample_rate)
    assert from_bins == pytest.approx(m.loudness(decoded, m.ALEXA.sample_rate), abs=0.1)
    assert abs(from_bins - m.ALEXA.loudness_lufs) <= 0.5
    # Deterministic: the same samples give the same bytes.
    assert m.master_unit(x, RATE, m.ALEXA).data == unit.data


def test_in_process_decoding_gives_what_ffmpeg_decodes(tmp_path):
    from gentle_steps.audio import encoding

    x = np.concatenate([speechlike(3.0), np.zeros(RATE // 3, np.float32)])
    for profile in (m.PODCAST, m.ALEXA):
        data = m.master_unit(x, RATE, profile).data
        path = tmp_path / f"{profile.name}.mp3"
        path.write_bytes(data)
        ours = encoding._decode_in_process(data, profile.sample_rate)
        # ffmpeg is what a window or another rate still goes through: the same samples, to 16-bit precision.
        theirs = encoding._decode_with_ffmpeg(path, profile.sample_rate)
        assert ours is not None and len(ours) == len(theirs)
        assert np.abs(ours - theirs).max() < 1e-4
        assert encoding._decode_in_process(data, 16000) is None  # another rate: left to ffmpeg
        assert len(decode_mp3(data, 16000)) == pytest.approx(len(ours) * 16000 / profile.sample_rate, abs=2)
    assert encoding._decode_in_process(b"not an mp3" * 100, 24000) is None


def beep_at(seconds: float, total: float) -> np.ndarray:
    x = speechlike(total, seed=int(seconds * 10)) * 0.05
    start = int(seconds * RATE)
    x[start:start + RATE // 10] += 0.6 * np.sin(np.arange(RATE // 10) * 2 * np.pi * 1000 / RATE)
    return x.astype(np.float32)


def onsets(decoded: np.ndarray, rate: int) -> list[float]:
    loud = np.abs(decoded) > 0.3
    starts = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    kept: list[int] = []
    for index in starts:
        if not kept or index - kept[-1] > rate // 2:
            kept.append(int(index))
    return [i / rate for i in kept]


def test_joined_units_land_where_the_timeline_says(tmp_path):
    units = [m.master_unit(beep_at(b, t), RATE, m.PODCAST) for b, t in ((1.0, 3.0), (0.5, 2.0), (1.5, 3.3))]
    parts = []
    for i, unit in enumerate(units):
        parts.append(tmp_path / f"{i}.mp3")
        parts[-1].write_bytes(unit.data)
    join_mp3(parts, tmp_path / "joined.mp3")
    rate = m.PODCAST.sample_rate
    decoded = decode_mp3(tmp_path / "joined.mp3", rate)
    offsets = [0, units[0].frame_samples, units[0].frame_samples + units[1].frame_samples]
    expected = [offsets[0] / rate + 1.0, offsets[1] / rate + 0.5, offsets[2] / rate + 1.5]
    assert onsets(decoded, rate) == pytest.approx(expected, abs=0.003)
    duration_ms, lufs, peak = m.combine(list(zip(offsets, units, strict=True)), rate)
    assert duration_ms == pytest.approx(len(decoded) * 1000 / rate, abs=1)
    assert lufs == pytest.approx(m.loudness(decoded, rate), abs=0.1)
    assert peak == pytest.approx(m.true_peak(decoded), abs=0.1)


def test_tags_and_chapters_are_written_in_place(tmp_path):
    from mutagen.id3 import ID3

    path = tmp_path / "a.mp3"
    path.write_bytes(m.master_unit(speechlike(2.0), RATE, m.ALEXA).data)
    tag_file(path, Tags("Title", "Artist", "Show", "1/1", "2026", (("One", 0, 900), ("Two", 900, 1800))), b"")
    id3 = ID3(path)
    assert id3["TIT2"].text == ["Title"] and id3["TALB"].text == ["Show"]
    assert [(c.start_time, c.end_time) for c in id3.getall("CHAP")] == [(0, 900), (900, 1800)]
    assert path.read_bytes().startswith(b"ID3")
