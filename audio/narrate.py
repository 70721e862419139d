"""Narrate a plan into finished MP3s in the cache: synthesize what is missing, master, encode, join, tag.

One process, one loaded voice, a pool of threads (one per core): synthesis runs in reading order a few
sentences ahead, and each unit of audio is mastered as soon as its own sentences exist, so mastering overlaps
narration. Every step's result is cached, so a rebuild redoes only what changed. Nothing here writes to
``dist/``: the build copies the finished files from the cache when it writes its output.
"""

from __future__ import annotations

import base64
import os
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from gentle_steps.audio.assemble import (
    FileJob,
    Layout,
    Unit,
    episode_job,
    episode_units,
    prompt_job,
    section_job,
)
from gentle_steps.audio.breathing import breathing_job, speech_onset
from gentle_steps.audio.cache import Cache
from gentle_steps.audio.encoding import join_mp3, tag_file
from gentle_steps.audio.plan import NarrationPlan
from gentle_steps.audio.voices import Voice

EMPTY_SPEECH_MS = 250
"""Silence used when the voice returns nothing for a line (the build warns)."""


@dataclass(frozen=True)
class FinishedFile:
    """A finished MP3 in the cache and what is known about it."""

    job: FileJob
    """What it is made of."""

    source: Path
    """The file in the cache (copy it to ``dist/``; never change it)."""

    sha256: str
    bytes: int
    duration_ms: int
    loudness_lufs: float
    true_peak_dbtp: float

    starts: tuple[float, ...]
    """Where each unit starts in the file, in seconds."""

    chapters: tuple[tuple[int, int], ...]
    """(start ms, end ms) of each chapter (the whole episode), else empty."""


@dataclass
class NarratedShow:
    """Everything :func:`narrate` made."""

    prompts: list[FinishedFile] = field(default_factory=list)
    """One clip per prompt, in plan order."""

    sections: list[list[FinishedFile]] = field(default_factory=list)
    """Per episode, one file per section."""

    episodes: list[FinishedFile] = field(default_factory=list)
    """Per episode, the whole episode."""

    breathing: list[tuple[FinishedFile, list[tuple[str, int]]]] = field(default_factory=list)
    """Per breathing track in plan order, its file and its cues' (text, scheduled onset in ms)."""

    synthesized: int = 0
    """Sentences synthesized (the rest came from the cache)."""

    files_encoded: int = 0
    """Files made (not found in the cache)."""

    warnings: list[str] = field(default_factory=list)
    """Lines the voice could not say, and similar."""

    cpu_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    """CPU seconds per kind of task (synthesize, master, join), for the bench."""

    tasks: list[tuple[str, str, float, float]] = field(default_factory=list)
    """(thread, kind, start, end) of every task, monotonic seconds: how busy the threads were."""


class _Progress:
    """``True``: a bar; ``None``: a bar on a terminal, otherwise a plain line every ``every`` seconds (never for
    short builds); ``False``: nothing. Counts sentences narrated and pieces of audio mastered."""

    def __init__(self, enabled: bool | None, every: float = 10.0) -> None:
        self.enabled = enabled if enabled is not None else (True if sys.stderr.isatty() else None)
        self.total: dict[str, int] = defaultdict(int)
        self.done: dict[str, int] = defaultdict(int)
        self.every, self.last = every, time.monotonic()
        self.bar = None
        self.lock = threading.Lock()

    def _label(self) -> str:
        return (f"narrated {self.done['synthesize']} of {self.total['synthesize']} sentences, mastered "
                f"{self.done['master']} of {self.total['master']} pieces of audio")

    def add(self, kind: str) -> None:
        with self.lock:
            self.total[kind] += 1
            if self.enabled and self.bar is None:
                from tqdm import tqdm

                self.bar = tqdm(total=0, unit="step", file=sys.stderr, leave=False, bar_format="{l_bar}{bar}")
            if self.bar is not None:
                self.bar.total = sum(self.total.values())
                self.bar.set_description(self._label(), refresh=True)

    def step(self, kind: str) -> None:
        with self.lock:
            self.done[kind] += 1
            if self.bar is not None:
                self.bar.update(1)
                self.bar.set_description(self._label(), refresh=True)
            elif self.enabled is None and time.monotonic() - self.last >= self.every:
                self.last = time.monotonic()
                print(self._label(), file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _release_memory() -> None:
    """Give the C heap's freed pages back to the system after a unit is mastered (its arrays are tens of MB;
    glibc otherwise keeps them, and the build's memory would grow with the number of units)."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass


class Narrator:
    """Runs one plan's synthesis and mastering on a thread pool."""

    def __init__(self, voice: Voice, cache: Cache, workers: int, progress: bool | None,
                 cover: bytes | None, cover_mime: str, cover_sha: str) -> None:
        self.voice, self.cache = voice, cache
        self.cover, self.cover_mime, self.cover_sha = cover, cover_mime, cover_sha
        # Synthesis on every core (onnxruntime releases the GIL); mastering on one more thread of its own, so
        # it overlaps synthesis (most of its time is ffmpeg, a child process) and only one unit's arrays exist
        # at a time.
        self.pool = ThreadPoolExecutor(max(1, workers), thread_name_prefix="narrate")
        self.master_pool = ThreadPoolExecutor(2, thread_name_prefix="master")
        # One unit mastered at a time while the voice is loaded (memory); two once every sentence exists and
        # the voice is let go, so the units left at the end are done on both cores.
        self.master_slots = threading.Semaphore(1)
        self.synthesis_left = 0
        self.lookahead = 2 * max(1, workers)
        self.progress = _Progress(progress)
        self.result = NarratedShow()
        self.lock = threading.Lock()
        self.synth: dict[str, Future] = {}
        self.units: dict[str, Future] = {}

    # --- Tasks (run in the pool) ---------------------------------------------------------------------------

    def _timed(self, kind: str, fn, *args):
        started, wall = time.thread_time(), time.monotonic()
        try:
            return fn(*args)
        finally:
            with self.lock:
                self.result.cpu_seconds[kind] += time.thread_time() - started
                self.result.tasks.append((threading.current_thread().name, kind, wall, time.monotonic()))

    def _synthesize(self, key: str, spoken: str) -> None:
        import numpy as np
        from gentle_steps.audio.mastering import declick

        samples = self.voice.synthesize(spoken)
        with self.lock:
            self.result.synthesized += 1
        if not len(samples):
            samples = np.zeros(round(EMPTY_SPEECH_MS * self.voice.sample_rate / 1000), dtype=np.float32)
            with self.lock:
                self.result.warnings.append(f"the voice said nothing for '{spoken[:60]}'; a short pause "
                                            "stands in for it")
        self.cache.put_sentence(key, declick(samples, self.voice.sample_rate))
        with self.lock:
            self.synthesis_left -= 1
            finished = self.synthesis_left == 0
        if finished:
            self.voice.release()
            self.master_slots.release()

    def _master(self, unit: Unit) -> None:
        import numpy as np
        from gentle_steps.audio.mastering import master_unit

        chunks = []
        for kind, value in unit.parts:
            if kind == "s":
                chunks.append(np.zeros(int(value), dtype=np.float32))
                continue
            samples = self.cache.get_sentence(str(value))
            if samples is None:  # damaged since it was checked: make it again
                self._synthesize(str(value), self._spoken[str(value)])
                samples = self.cache.get_sentence(str(value))
            chunks.append(samples)
        with self.master_slots:
            encoded = master_unit(np.concatenate(chunks), unit.rate, unit.profile)
        del chunks
        _release_memory()
        self.cache.put_file(unit.key, encoded.data, {
            "frame_samples": encoded.frame_samples, "decoded_samples": encoded.decoded_samples,
            "true_peak_dbtp": encoded.true_peak_dbtp,
            "bins": base64.b64encode(encoded.bins.astype("<f8").tobytes()).decode("ascii")})

    # --- Scheduling (main thread) --------------------------------------------------------------------------

    def _submit(self, kind: str, fn, *args) -> Future:
        self.progress.add(kind)
        pool = self.master_pool if kind == "master" else self.pool
        future = pool.submit(self._timed, kind, fn, *args)
        future.add_done_callback(lambda _: self.progress.step(kind))
        return future

    def _ensure(self, keys: tuple[str, ...]) -> dict[str, int]:
        """Synthesis of ``keys`` finished (and a few sentences beyond in flight); their lengths in samples."""
        wanted = [k for k in keys if k in self._position]
        upto = max((self._position[k] for k in wanted), default=-1) + 1 + self.lookahead
        for key in self._order[len(self.synth): min(upto, len(self._order))]:
            self.synth[key] = self._submit("synthesize", self._synthesize, key, self._spoken[key])
        for key in wanted:
            self.synth[key].result()
        lengths = {}
        for key in keys:
            length = self.cache.sentence_length(key)
            if length is None:  # damaged after it was checked: make it again, now
                self._synthesize(key, self._spoken[key])
                length = self.cache.sentence_length(key)
            lengths[key] = length
        return lengths

    def _start_units(self, units: tuple[Unit, ...]) -> None:
        for unit in units:
            if unit.key not in self.units and self.cache.file_facts(unit.key) is None:
                self.units[unit.key] = self._submit("master", self._master, unit)

    def _queue(self, job: FileJob) -> tuple[FileJob, str]:
        key = job.key(self.cover_sha)
        if self.cache.file_path(key) is None:
            self._start_units(job.units)
        return job, key

    def _finish(self, job: FileJob, key: str) -> FinishedFile:
        """The file from the cache, or its units joined and tagged now."""
        facts = self.cache.file_facts(key)
        path = self.cache.file_path(key) if facts else None
        if path is None:
            started = time.thread_time()
            facts = self._join(job, key)
            path = self.cache.file_path(key)
            self.result.cpu_seconds["join"] += time.thread_time() - started
            self.result.files_encoded += 1
        return FinishedFile(job, path, facts["sha256"], facts["bytes"], facts["duration_ms"],
                            facts["loudness_lufs"], facts["true_peak_dbtp"], tuple(facts["starts"]),
                            tuple(tuple(c) for c in facts.get("chapters", ())))

    def _join(self, job: FileJob, key: str) -> dict:
        import numpy as np
        from gentle_steps.audio.mastering import MasteredUnit, combine

        placed, offset, parts = [], 0, []
        for unit in job.units:
            if unit.key in self.units:
                self.units[unit.key].result()
            facts = self.cache.file_facts(unit.key)
            source = self.cache.file_path(unit.key)
            if facts is None or source is None:  # damaged after it was made: master it again
                self._master(unit)
                facts, source = self.cache.file_facts(unit.key), self.cache.file_path(unit.key)
            bins = np.frombuffer(base64.b64decode(facts["bins"]), dtype="<f8")
            placed.append((offset, MasteredUnit(b"", facts["frame_samples"], facts["decoded_samples"],
                                                facts["true_peak_dbtp"], bins)))
            parts.append(source)
            offset += facts["frame_samples"]
        duration_ms, lufs, peak = combine(placed, job.profile.sample_rate)
        starts = [at / job.profile.sample_rate for at, _ in placed]
        chapters = job.chapter_times(starts, duration_ms)
        tags = replace(job.tags, chapters=tuple((c.title, a, b) for c, (a, b) in zip(job.chapters, chapters,
                                                                                   strict=True)))
        self.cache.root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".join-", dir=self.cache.root) as tmp:
            target = Path(tmp) / "joined.mp3"
            join_mp3(parts, target)
            tag_file(target, tags, self.cover, self.cover_mime)
            return self.cache.put_file_from(key, target, {"duration_ms": duration_ms, "loudness_lufs": lufs,
                                                         "true_peak_dbtp": peak, "starts": starts,
                                                         "chapters": chapters})

    def run(self, plan: NarrationPlan, show_title: str, author: str) -> NarratedShow:
        """Narrate ``plan``; raises what a task raised (the pool is stopped first)."""
        self._spoken = plan.pieces()
        self._order = [k for k in self._spoken if not self.cache.has_sentence(k)]
        self._position = {k: i for i, k in enumerate(self._order)}
        self.synthesis_left = len(self._order)
        if not self._order:
            self.master_slots.release()  # nothing to narrate: master on both cores from the start
        try:
            self._run(plan, show_title, author)
        except BaseException:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.master_pool.shutdown(wait=True, cancel_futures=True)
            self.progress.close()
            raise
        self.pool.shutdown(wait=True)
        self.master_pool.shutdown(wait=True)
        self.progress.close()
        return self.result

    def _run(self, plan: NarrationPlan, show_title: str, author: str) -> None:
        rate = self.voice.sample_rate
        pending: list[tuple[str, int, FileJob, str]] = []  # (kind, episode index, job, key)
        for i, prompt in enumerate(plan.prompts):  # first: see NarrationPlan.pieces
            layout = Layout(self._ensure(tuple(p.key for p in prompt.line.pieces)), rate)
            pending.append(("prompt", 0, *self._queue(prompt_job(layout, plan, i, show_title, author))))
        for e, episode in enumerate(plan.episodes):
            lengths: dict[str, int] = {}
            for s, section in enumerate(episode.sections):
                lengths.update(self._ensure(tuple(p.key for ln in section.lines for p in ln.pieces)))
                layout = Layout(lengths, rate)
                pending.append(("section", e, *self._queue(section_job(layout, episode, s, section, show_title))))
                self._start_units(episode_units(layout, episode, s))  # its part of the whole episode, now
            pending.append(("episode", e, *self._queue(episode_job(Layout(lengths, rate), episode, show_title))))
        cues = []
        for track in plan.breathing:
            keys = tuple(dict.fromkeys(line.pieces[0].key for line in track.lines.values()))
            lengths = self._ensure(keys)
            onsets = {k: speech_onset(self.cache.get_sentence(k), rate) for k in keys}
            job, timed = breathing_job(track, lengths, onsets, rate, show_title, author)
            pending.append(("breathing", len(cues), *self._queue(job)))
            cues.append(timed)
        self.result.sections = [[] for _ in plan.episodes]
        for kind, e, job, key in pending:
            finished = self._finish(job, key)
            if kind == "breathing":
                self.result.breathing.append((finished, cues[e]))
            elif kind == "prompt":
                self.result.prompts.append(finished)
            elif kind == "section":
                self.result.sections[e].append(finished)
            else:
                self.result.episodes.append(finished)


def narrate(plan: NarrationPlan, voice: Voice, cache: Cache, *, workers: int | None = None,
            progress: bool | None = None, cover: bytes | None = None, cover_mime: str = "image/jpeg",
            cover_sha: str = "", show_title: str = "", author: str = "") -> NarratedShow:
    """Narrate every prompt, section and episode of ``plan`` into finished files in ``cache``."""
    narrator = Narrator(voice, cache, workers or os.cpu_count() or 1, progress, cover, cover_mime, cover_sha)
    return narrator.run(plan, show_title, author)
