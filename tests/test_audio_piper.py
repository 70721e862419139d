"""The real path: content/ narrated by the Piper voice, encoded, then decoded and measured independently.

The cross-checks use Debian's ffmpeg (``.ci/run`` installs it), not the ffmpeg inside imageio-ffmpeg that the
build uses, so a decoding or measuring bug in the build cannot hide itself.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from gentle_steps.audio.model import Manifest
from mutagen.id3 import ID3

pytestmark = pytest.mark.slow


def system_ffmpeg() -> str:
    exe = shutil.which("ffmpeg")
    if exe is None:
        pytest.fail("Debian's ffmpeg is needed for the independent cross-checks (.ci/run installs it)")
    return exe


def decode(path: Path, rate: int) -> np.ndarray:
    out = subprocess.run([system_ffmpeg(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-f", "s16le",
                          "-ac", "1", "-ar", str(rate), "pipe:1"], capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype="<i2").astype(np.float32) / 32768.0


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness and true peak as ffmpeg's own EBU R128 meter reports them."""
    err = subprocess.run([system_ffmpeg(), "-hide_banner", "-nostats", "-i", str(path), "-af",
                          "ebur128=peak=true", "-f", "null", "-"], capture_output=True, text=True, check=True).stderr
    summary = err[err.rindex("Summary:"):]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return integrated, peak


@pytest.fixture(scope="module")
def manifest(seed_dist: Path) -> Manifest:
    return Manifest.from_dict(json.loads((seed_dist / "manifest.json").read_text(encoding="utf-8")))


def test_every_file_decodes_and_its_duration_matches_the_manifest(seed_dist: Path, manifest: Manifest):
    for audio in manifest.all_audio():
        samples = decode(seed_dist / audio.path, audio.sample_rate)
        decoded_ms = len(samples) * 1000 / audio.sample_rate
        assert abs(decoded_ms - audio.duration_ms) <= 50, audio.path
        assert np.abs(samples).max() > 0.05, f"{audio.path} is silent"


def test_files_are_the_right_format(seed_dist: Path, manifest: Manifest):
    from mutagen.mp3 import MP3, BitrateMode

    episode = MP3(seed_dist / manifest.episodes[0].audio.path)
    assert (episode.info.sample_rate, episode.info.channels, episode.info.bitrate) == (44100, 1, 96000)
    assert episode.info.bitrate_mode in (BitrateMode.CBR, BitrateMode.UNKNOWN)
    for section in manifest.episodes[0].sections:
        clip = MP3(seed_dist / section.audio.path)
        assert (clip.info.sample_rate, clip.info.channels, clip.info.bitrate) == (24000, 1, 48000)
        assert clip.info.version == 2 and clip.info.layer == 3  # MPEG-2 layer III, as Alexa's SSML requires


def test_loudness_and_true_peak_meet_both_profiles(seed_dist: Path, manifest: Manifest):
    episode = manifest.episodes[0].audio
    lufs, peak = ebur128(seed_dist / episode.path)
    assert -17.0 <= lufs <= -15.0 and peak <= -1.0, (lufs, peak)
    assert -17.0 <= episode.loudness_lufs <= -15.0 and episode.true_peak_dbtp <= -1.0
    for audio in [s.audio for s in manifest.episodes[0].sections] + [p.audio for p in manifest.prompts]:
        lufs, peak = ebur128(seed_dist / audio.path)
        assert -15.0 <= lufs <= -13.0, (audio.path, lufs)
        assert peak <= -2.0, (audio.path, peak)
        assert audio.true_peak_dbtp <= -2.0


def test_each_file_starts_and_ends_with_a_short_silence(seed_dist: Path, manifest: Manifest):
    for audio in manifest.all_audio():
        samples = decode(seed_dist / audio.path, audio.sample_rate)
        edge = int(0.3 * audio.sample_rate)
        assert np.abs(samples[:edge]).max() < 0.01, audio.path
        assert np.abs(samples[-edge:]).max() < 0.01, audio.path


def test_episode_id3_chapters_match_the_sections(seed_dist: Path, manifest: Manifest):
    episode = manifest.episodes[0]
    tags = ID3(seed_dist / episode.audio.path)
    toc = tags.getall("CTOC")[0]
    chapters = [tags[f"CHAP:{eid}"] for eid in toc.child_element_ids]
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == [s.title for s in episode.sections]
    assert [c.start_time for c in chapters] == [s.episode_start_ms for s in episode.sections]
    assert [c.end_time for c in chapters] == [s.episode_end_ms for s in episode.sections]
    assert abs(chapters[-1].end_time - episode.audio.duration_ms) <= 50
    assert tags["TALB"].text[0] == manifest.show.title and tags["TIT2"].text[0] == episode.title
    assert tags.getall("APIC"), "cover art is embedded"
    section_tags = ID3(seed_dist / episode.sections[2].audio.path)
    assert section_tags["TRCK"].text[0] == f"3/{len(episode.sections)}"


def _speech_bounds(samples: np.ndarray, rate: int, start_ms: int, end_ms: int) -> tuple[float, float]:
    """First and last moment (ms from ``start_ms``) where the audio between the two timings is audible.

    Audible means above a tenth of the sentence's own peak, so files mastered to different loudness compare.
    """
    part = np.abs(samples[start_ms * rate // 1000: end_ms * rate // 1000])
    loud = np.flatnonzero(part > 0.1 * part.max()) if len(part) and part.max() > 0.01 else []
    assert len(loud), "no speech between the sentence's timings"
    return loud[0] * 1000 / rate, loud[-1] * 1000 / rate


def test_sentence_timings_match_the_encoded_audio(seed_dist: Path, manifest: Manifest):
    episode = manifest.episodes[0]
    whole = decode(seed_dist / episode.audio.path, 24000)
    for section in episode.sections:
        clip = decode(seed_dist / section.audio.path, 24000)
        for sentence, following in zip(section.sentences, section.sentences[1:], strict=False):
            # The pause between two sentences is silent in the section file...
            gap = clip[(sentence.end_ms + 40) * 24: (following.start_ms - 40) * 24]
            if len(gap) > 24 * 100:
                assert np.sqrt((gap ** 2).mean()) < 0.003, (section.id, sentence.text)
        for sentence in section.sentences:
            # ...speech starts just after a sentence's start and stops just before its end...
            first, last = _speech_bounds(clip, 24000, sentence.start_ms, sentence.end_ms)
            duration = sentence.end_ms - sentence.start_ms
            assert first < 200 and duration - last < 500, (section.id, sentence.text, first, duration - last)
            # ...and the episode file has the same speech at the sentence's episode timings: the onsets agree.
            # (Tails are soft consonants that the two masters shape differently, so only onsets are compared.)
            e_first, _ = _speech_bounds(whole, 24000, sentence.episode_start_ms, sentence.episode_end_ms)
            assert abs(first - e_first) <= 50, (section.id, sentence.text, first, e_first)


def test_no_emoji_or_markup_reaches_the_voice(manifest: Manifest):
    from gentle_steps.audio.text import is_emoji

    spoken = [s.spoken for e in manifest.episodes for sec in e.sections for s in sec.sentences]
    spoken += [p.spoken for p in manifest.prompts]
    for line in spoken:
        assert not any(is_emoji(ch) for ch in line) and "•" not in line and "http" not in line, line
    headings = [s for sec in manifest.episodes[0].sections for s in sec.sentences if s.kind == "heading"]
    assert headings[0].text.startswith("🧨") and headings[0].spoken == "Trust Isn't Rebuilt With Apologies Alone"
