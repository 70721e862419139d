"""The breathing exercise: a script of cues turned into tracks whose cues start on a steady schedule.

A script (``audio/data/breathing.toml``, or the show's own ``breathing_script``) says what the voice says and
how long each breath lasts. :func:`plan_breathing` makes one :class:`BreathingPlan` per track: the lines to
synthesize, known before synthesis like every other line. Once the voice has said them, :func:`breathing_job`
places them: every breath cue on a fixed grid (breath ``k`` starts at ``start + k * (in + out)``), each count a
whole second after its cue, and the measured silences between them computed so that the *audible* start of
each clip (its speech onset, found on the voice's own samples) lands on its scheduled time. The track is one
unit of audio, so no join moves anything; mastering and encoding keep sample positions, so the cue times hold
in the decoded MP3 (a test measures them there).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources

import numpy as np
from gentle_steps.audio.assemble import FileJob, Placed, Unit
from gentle_steps.audio.encoding import Tags
from gentle_steps.audio.mastering import ALEXA
from gentle_steps.audio.plan import Line, line_for
from gentle_steps.audio.settings import ShowSettings
from gentle_steps.audio.speech import PAUSES, Utterance, speakable

MAX_SECONDS = 300
"""Longest track a script may ask for (one unit of audio, mastered at once)."""

LINE_GAP_MS = 700
"""Silence between the lines of the opening and of the closing."""

CUE_MARGIN_MS = 100
"""Least silence between the end of one cue and the start of the next."""

ONSET_DB = -30.0
"""A clip's speech starts at its first 10 ms frame this loud relative to its loudest frame."""


class BreathingError(ValueError):
    """The breathing script is missing, malformed, or its cues do not fit their times; names the file."""


@dataclass(frozen=True)
class TrackSpec:
    """One track the script asks for."""

    id: str
    """Slug; the file is ``breathing/<id>.mp3``."""

    title: str
    """What the exercise is called on screens."""

    seconds: int
    """How long it should last."""


@dataclass(frozen=True)
class Script:
    """A breathing script as read from its TOML file (the keys are described in ``audio/data/breathing.toml``)."""

    path: str
    breath_in_ms: int
    breath_out_ms: int
    opening: tuple[str, ...]
    counted_breaths: int
    counted_in: str
    counted_out: str
    count: tuple[str, ...]
    breath_in_cue: str
    breath_out_cue: str
    closing: tuple[str, ...]
    tracks: tuple[TrackSpec, ...]


@dataclass(frozen=True)
class BreathingPlan:
    """One track before synthesis: its spec and every line it says, by text."""

    script: Script
    track: TrackSpec
    lines: dict[str, Line]
    """Text -> the line that says it (each text synthesized once)."""

    @property
    def path(self) -> str:
        """The track's file in ``dist/``."""
        return f"breathing/{self.track.id}.mp3"


def load_script(show: ShowSettings) -> Script:
    """The show's script (``breathing_script``), else the shipped one; raises :class:`BreathingError`."""
    if show.breathing_script:
        path = show.path(show.breathing_script)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BreathingError(f"{path}: cannot read the breathing script ({exc})") from None
        where = str(path)
    else:
        text = resources.files("gentle_steps.audio").joinpath("data/breathing.toml").read_text("utf-8")
        where = "audio/data/breathing.toml"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BreathingError(f"{where}: not valid TOML ({exc})") from None
    return parse_script(raw, where)


def parse_script(raw: dict, where: str) -> Script:
    """Validate a parsed script; every error names ``where`` and the key."""

    def bad(key: str, problem: str) -> BreathingError:
        return BreathingError(f"{where}: key '{key}' {problem}")

    def seconds(key: str, low: float, high: float) -> int:
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise bad(key, f"must be a number of seconds from {low:g} to {high:g}")
        return round(value * 1000)

    def words(key: str, many: bool = False) -> tuple[str, ...]:
        value = raw.get(key)
        items = value if many else [value]
        if not isinstance(items, list) or not items or not all(isinstance(v, str) and v.strip() for v in items):
            raise bad(key, "must be a list of lines" if many else "must be a line of text")
        return tuple(v.strip() for v in items)

    tracks = raw.get("track")
    if not isinstance(tracks, list) or not tracks:
        raise bad("track", "must list at least one [[track]] with id, title and seconds")
    specs = []
    for i, item in enumerate(tracks):
        ok = isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"].replace("-", "").isalnum()
        ok = ok and isinstance(item.get("title"), str) and isinstance(item.get("seconds"), int)
        if not ok or not 30 <= item["seconds"] <= MAX_SECONDS:
            raise bad(f"track[{i}]", f"needs id (letters, digits, hyphens), title and seconds (30 to {MAX_SECONDS})")
        specs.append(TrackSpec(item["id"], item["title"].strip(), item["seconds"]))
    if len({s.id for s in specs}) != len(specs):
        raise bad("track", "lists an id twice")
    counted = raw.get("counted_breaths", 0)
    if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0:
        raise bad("counted_breaths", "must be a whole number, 0 or more")
    return Script(where, seconds("breath_in", 2, 10), seconds("breath_out", 2, 10), words("opening", True), counted,
                  words("counted_in")[0], words("counted_out")[0],
                  words("count", True) if counted else (), words("breath_in_cue")[0], words("breath_out_cue")[0],
                  words("closing", True), tuple(specs))


def plan_breathing(show: ShowSettings, lexicon: dict[str, str], voice_key: dict[str, object]
                   ) -> tuple[BreathingPlan, ...]:
    """One plan per track of the show's script; nothing unless show.toml turns the exercise on."""
    if not show.breathing:
        return ()
    script = load_script(show)
    texts = [*script.opening, script.counted_in, script.counted_out, *script.count, script.breath_in_cue,
             script.breath_out_cue, *script.closing]
    lines = {t: line_for(Utterance(t, speakable(t, lexicon), "paragraph", 0, 0), voice_key)
             for t in dict.fromkeys(texts)}
    for text, line in lines.items():
        if len(line.pieces) > 1:
            raise BreathingError(f"{script.path}: '{text[:60]}...' is too long for one cue; split it in two")
    return tuple(BreathingPlan(script, spec, lines) for spec in script.tracks)


def speech_onset(samples: np.ndarray, rate: int) -> int:
    """Where speech starts in a clip, in samples: its first 10 ms frame within :data:`ONSET_DB` of its loudest."""
    frame = max(1, rate // 100)
    count = len(samples) // frame
    if count == 0:
        return 0
    rms = np.sqrt((samples[:count * frame].astype(np.float64).reshape(count, frame) ** 2).mean(axis=1))
    loud = rms > rms.max() * 10 ** (ONSET_DB / 20)
    return int(np.argmax(loud)) * frame if loud.any() else 0


def schedule(plan: BreathingPlan, length_ms: dict[str, float]) -> tuple[list[tuple[str, int]], int]:
    """Every cue's text and onset (ms from the file's start), and the file's length, given how long each text's
    speech lasts (from its onset to its end)."""
    script = plan.script
    cues: list[tuple[str, int]] = []
    at = PAUSES.edge
    for text in script.opening:
        cues.append((text, at))
        at += round(length_ms[text]) + LINE_GAP_MS
    start = math.ceil((at + 300) / 1000) * 1000  # breaths start on a whole second
    closing_ms = sum(length_ms[t] + LINE_GAP_MS for t in script.closing)
    cycle = script.breath_in_ms + script.breath_out_ms
    breaths = max(1, round((plan.track.seconds * 1000 - start - closing_ms - PAUSES.edge) / cycle))
    for k in range(breaths):
        begin = start + k * cycle
        counted = k < script.counted_breaths
        for offset, cue in ((0, script.counted_in if counted else script.breath_in_cue),
                            (script.breath_in_ms, script.counted_out if counted else script.breath_out_cue)):
            cues.append((cue, begin + offset))
            if counted:  # "two", "three"... on the whole seconds after the cue, within its breath
                span = script.breath_in_ms if offset == 0 else script.breath_out_ms
                cues += [(word, begin + offset + 1000 * (i + 1)) for i, word in enumerate(script.count)
                         if 1000 * (i + 1) < span]
    at = start + breaths * cycle
    for text in script.closing:
        cues.append((text, at))
        at += round(length_ms[text]) + LINE_GAP_MS
    return cues, round(at - LINE_GAP_MS + PAUSES.edge)


def check_fit(script: Script, speech_ms: dict[str, float]) -> None:
    """Every cue can be said before the next one is due (a cue a track does not reach is checked too)."""
    limits = {script.breath_in_cue: script.breath_in_ms, script.breath_out_cue: script.breath_out_ms}
    if script.counted_breaths:
        step = 1000 if script.count else min(script.breath_in_ms, script.breath_out_ms)
        limits.update({text: step for text in (script.counted_in, script.counted_out, *script.count)})
    for text, limit in limits.items():
        if speech_ms[text] > limit - CUE_MARGIN_MS:
            raise BreathingError(f"{script.path}: '{text}' takes the voice {speech_ms[text] / 1000:.1f} s, more "
                                 f"than the {limit / 1000:g} s it has; shorten it or give the breaths more seconds")


def breathing_job(plan: BreathingPlan, lengths: dict[str, int], onsets: dict[str, int], rate: int,
                  show_title: str, author: str) -> tuple[FileJob, list[tuple[str, int]]]:
    """The track as one unit, each clip placed so its speech starts on schedule, and the schedule.

    ``lengths`` and ``onsets`` are each synthesized clip's length and speech onset in samples, by cache key.
    Raises :class:`BreathingError` when a cue is still speaking when the next one is due.
    """
    key = {text: line.pieces[0].key for text, line in plan.lines.items()}
    speech_ms = {t: (lengths[k] - onsets[k]) * 1000 / rate for t, k in key.items()}
    check_fit(plan.script, speech_ms)
    cues, total_ms = schedule(plan, speech_ms)
    parts: list[tuple[str, str | int]] = []
    placed: list[Placed] = []
    position = 0
    for text, at in cues:
        begin = round(at * rate / 1000) - onsets[key[text]]
        if begin < position + round(CUE_MARGIN_MS * rate / 1000) and placed:
            raise BreathingError(f"{plan.script.path}: '{placed[-1].line.utterance.text}' takes the voice "
                                 f"{speech_ms[placed[-1].line.utterance.text] / 1000:.1f} s, more than the time "
                                 f"before '{text}'; shorten it or give the breaths more seconds")
        parts += [("s", begin - position), ("k", key[text])]
        placed.append(Placed(plan.lines[text], begin, lengths[key[text]]))
        position = begin + lengths[key[text]]
    parts.append(("s", max(0, round(total_ms * rate / 1000) - position)))
    unit = Unit(tuple(p for p in parts if p != ("s", 0)), rate, ALEXA, tuple(placed))
    tags = Tags(plan.track.title, author, show_title, "", "")
    return FileJob(plan.path, (unit,), ALEXA, tags), cues

