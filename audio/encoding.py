"""MP3 through ffmpeg (the binary shipped inside imageio-ffmpeg): encode, decode, join, and ID3 tags; files at
their own rate are decoded in-process by libsndfile.

Every ffmpeg process is fed through pipes and bounded in time, and ends with the build: it reads its input from
the build (end of input when the build is gone) and writes to it (a broken pipe then). No pre-exec hook, so the
child starts with vfork rather than copying the build's memory map (seconds of system time otherwise).
Output is bit-exact: the same samples give the same bytes.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from gentle_steps.audio.mastering import Profile

TIMEOUT_SECONDS = 1800
"""Longest a single ffmpeg run may take (a 5-minute unit takes well under a second)."""


class EncodeError(RuntimeError):
    """ffmpeg could not encode, decode or join a file."""


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


def ffmpeg_exe() -> str:
    """The ffmpeg binary shipped inside imageio-ffmpeg (no system ffmpeg needed)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _ffmpeg(args: list[str], data: bytes | None = None) -> bytes:
    """Run ffmpeg with ``data`` on stdin; its stdout, or :class:`EncodeError` with its last words."""
    try:
        result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
                                 *(["-nostdin"] if data is None else []), *args],
                                input=data, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise EncodeError(f"ffmpeg took longer than {TIMEOUT_SECONDS} s") from None
    except OSError as exc:
        raise EncodeError(f"cannot run ffmpeg ({exc.strerror or exc})") from None
    if result.returncode != 0:
        if result.returncode < 0 and -result.returncode in (signal.SIGINT, signal.SIGTERM):
            raise KeyboardInterrupt  # the terminal's Ctrl-C reached ffmpeg too
        raise EncodeError(f"ffmpeg failed: {result.stderr.decode(errors='replace').strip()[-300:]}")
    return result.stdout


def pcm16(samples: np.ndarray) -> bytes:
    """Float samples in [-1, 1] as 16-bit little-endian PCM."""
    import numpy as np

    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def encode_mp3(samples: np.ndarray, rate: int, profile: Profile) -> bytes:
    """Float samples at ``rate`` -> CBR mono MP3 bytes at the profile's rate (no tags; a LAME/Xing header)."""
    with tempfile.TemporaryDirectory(prefix="gentle-steps-enc-") as tmp:
        target = Path(tmp) / "out.mp3"  # a file, not a pipe: the Xing header is written last, by seeking back
        # -fflags/-flags bitexact: no encoder version strings, so the same samples give the same bytes.
        _ffmpeg(["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", "-acodec", "libmp3lame",
                 "-b:a", f"{profile.bitrate_kbps}k", "-ar", str(profile.sample_rate), "-ac", "1",
                 "-map_metadata", "-1", "-id3v2_version", "0", "-write_id3v1", "0", "-fflags", "+bitexact",
                 "-flags:a", "+bitexact", "-write_xing", "1",
                 *(["-cutoff", str(profile.lowpass_hz)] if profile.lowpass_hz else []), str(target)],
                pcm16(samples))
        return target.read_bytes()


def decode_mp3(source: bytes | Path, rate: int, start_ms: int | None = None,
               duration_ms: int | None = None) -> np.ndarray:
    """MP3 bytes or file -> float samples at ``rate`` (the LAME header's delay and padding honoured); from a
    file, optionally only ``duration_ms`` from ``start_ms`` (a sample-accurate seek)."""
    if start_ms is None and duration_ms is None:
        decoded = _decode_in_process(source, rate)
        if decoded is not None:
            return decoded
    return _decode_with_ffmpeg(source, rate, start_ms, duration_ms)


def _decode_with_ffmpeg(source: bytes | Path, rate: int, start_ms: int | None = None,
                        duration_ms: int | None = None) -> np.ndarray:
    import numpy as np

    if isinstance(source, bytes):
        # From a file, not a pipe: ffmpeg removes the encoder's end padding only when it can seek.
        with tempfile.NamedTemporaryFile(suffix=".mp3") as tmp:
            tmp.write(source)
            tmp.flush()
            return _decode_with_ffmpeg(Path(tmp.name), rate)
    window = ([] if start_ms is None else ["-ss", f"{start_ms / 1000:.3f}"]) + \
        ([] if duration_ms is None else ["-t", f"{duration_ms / 1000:.3f}"])
    out = _ffmpeg([*window, "-i", str(source), "-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"])
    return np.frombuffer(out, dtype="<i2").astype(np.float32) / 32768.0


def _decode_in_process(source: bytes | Path, rate: int) -> np.ndarray | None:
    """A mono MP3 at ``rate`` decoded by libsndfile (mpg123, through soundfile) in this process: gapless as
    ffmpeg is (the LAME header's delay and padding removed), ten times faster than starting ffmpeg for it.
    None when the file is at another rate or not mono (ffmpeg converts those) or this libsndfile cannot read
    it (ffmpeg then says why)."""
    import soundfile

    try:
        with soundfile.SoundFile(io.BytesIO(source) if isinstance(source, bytes) else source) as audio:
            if audio.samplerate != rate or audio.channels != 1:
                return None
            return audio.read(dtype="float32")
    except (soundfile.SoundFileError, TypeError, ValueError):
        return None


def frame_samples(data: bytes, rate: int) -> int:
    """Samples the MP3's frames hold, encoder delay and padding included (what a join adds to the timeline)."""
    from mutagen.mp3 import MP3, HeaderNotFoundError

    try:
        info = MP3(fileobj=io.BytesIO(data)).info
    except HeaderNotFoundError as exc:
        raise EncodeError(f"not an MP3 file ({exc})") from None
    return round(info.length * rate)


def join_mp3(parts: list[Path], target: Path) -> None:
    """Join MP3 files of one profile into ``target`` without re-encoding (ffmpeg's concat demuxer).

    The result keeps the first part's encoder delay and the last part's padding for gapless players; the
    delays and paddings in between stay in the audio as a few milliseconds of silence, which is where parts
    meet (the pause before a heading). A part therefore starts at the sum of the earlier parts'
    :func:`frame_samples`.
    """
    if len(parts) == 1:
        _copy(parts[0], target)
        return
    with tempfile.TemporaryDirectory(prefix="gentle-steps-join-") as tmp:
        listing = Path(tmp) / "parts.txt"
        listing.write_text("".join(f"file '{_quote(p)}'\n" for p in parts), encoding="utf-8")
        try:
            _ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", "-map_metadata", "-1",
                     "-id3v2_version", "0", "-write_id3v1", "0", "-write_xing", "1", "-fflags", "+bitexact",
                     "-flags:a", "+bitexact", "-y", str(target)])
        except EncodeError as exc:
            if target.is_file() and target.stat().st_size:
                return  # the concat demuxer reports a timestamp quirk of joined MP3 as an error; the file is whole
            raise exc


def _quote(path: Path) -> str:
    return str(path.resolve()).replace("'", "'\\''")


def _copy(source: Path, target: Path) -> None:
    with open(source, "rb") as src, open(target, "wb") as out:
        while chunk := src.read(1 << 20):
            out.write(chunk)


def tag_file(path: Path, tags: Tags, cover: bytes | None, cover_mime: str = "image/jpeg") -> None:
    """Add ID3v2.4 tags (and CTOC + CHAP chapter frames) to the MP3 at ``path``, in place."""
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
    id3.save(os.fspath(path), v2_version=4, padding=lambda info: 0)
