"""The voice settings of show.toml: which voice narrates, its speaker and pace, and the pauses between parts.

``voice`` takes one of the forms :func:`voice_problem` accepts (``--voice`` on the command line takes the same);
``speaker``, ``voices_dir``, ``length_scale`` and a ``[pauses]`` table are validated here, each error naming
the key. Whether a named voice is installed, or has the speaker asked for, needs its files: ``gentle-steps
check`` and the build report that (``audio/checks.py``, ``audio/voices``).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, fields
from typing import Any

ENGINES = ("piper", "gtts", "tone")
"""Engine names a voice setting may be: ``piper`` (the shipped voice), ``gtts`` (online), ``tone`` (tests)."""

SHOW_ENGINES = ("piper", "gtts")
"""Plain engine names show.toml accepts (``tone`` is a silent test engine: command line only)."""

DEFAULT_LENGTH_SCALE = 1.08
"""Piper's length scale: 1.08 is slightly slower than a voice's own pace, calmer for listeners under stress."""

LENGTH_SCALE_RANGE = (0.5, 2.0)
"""Smallest and largest ``length_scale`` accepted (half and twice the voice's own duration)."""

MAX_PAUSE_MS = 10_000
"""Longest pause accepted, in milliseconds."""


@dataclass(frozen=True)
class Pauses:
    """Silences, in milliseconds, that give the narration its rhythm (show.toml's ``[pauses]`` table)."""

    before_heading: int = 1200
    """Before a section heading in the whole episode (sections join here)."""

    after_heading: int = 800
    """After a heading (and after the episode's title) is spoken."""

    sentence: int = 350
    """Between sentences of one paragraph."""

    paragraph: int = 750
    """Between paragraphs (and after the synthetic-voice disclosure)."""

    item: int = 500
    """After each list item."""

    edge: int = 400
    """Silence at the start and end of every file."""


PAUSES = Pauses()
"""The default pauses."""


def voice_problem(spec: str, engines: tuple[str, ...] = ENGINES) -> str | None:
    """What to write instead, when ``spec`` is not a voice setting; ``None`` when it is one.

    A voice setting is an engine name of ``engines``, ``piper:NAME`` (an installed Piper voice) or a path ending
    in ``.onnx`` (a Piper model with its ``.onnx.json`` beside it). Callers put the value in front: "'x' is not
    a voice; " + the answer.
    """
    spec = spec.strip()
    if spec in engines or spec.endswith(".onnx") and len(spec) > len(".onnx"):
        return None
    if spec.startswith("piper:"):
        name = spec.removeprefix("piper:").strip()
        if name and "/" not in name and "\\" not in name and not name.startswith("."):
            return None
        return "write piper:NAME with a voice name from `gentle-steps voices list`"
    close = difflib.get_close_matches(spec, list(engines), n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return (f"choose {', '.join(engines)}, piper:NAME (a voice installed with `gentle-steps voices add NAME`) or a "
            f"path to a Piper .onnx file{hint}")


def parse_voice_settings(raw: dict[str, Any], bad) -> dict[str, Any]:
    """Validated ``voice``, ``speaker``, ``voices_dir``, ``length_scale`` and ``pauses`` from show.toml."""
    values: dict[str, Any] = {}
    for key in ("voice", "voices_dir"):
        if key in raw:
            if not isinstance(raw[key], str):
                raise bad(key, "must be a string")
            values[key] = raw[key].strip()
    if "voice" in values and (fix := voice_problem(values["voice"], SHOW_ENGINES)):
        raise bad("voice", f"is '{values['voice']}'; {fix}")
    if "speaker" in raw:
        speaker = raw["speaker"]
        if isinstance(speaker, bool) or not isinstance(speaker, str | int) or isinstance(speaker, int) and speaker < 0:
            raise bad("speaker", 'must be a speaker name like "p225" or a speaker number like 3')
        values["speaker"] = str(speaker).strip()
    if "length_scale" in raw:
        scale = raw["length_scale"]
        low, high = LENGTH_SCALE_RANGE
        if isinstance(scale, bool) or not isinstance(scale, int | float) or not math.isfinite(scale) \
                or not low <= scale <= high:
            raise bad("length_scale", f"must be a number from {low} to {high} (1 is the voice's own pace, larger is "
                                      f"slower; the default is {DEFAULT_LENGTH_SCALE})")
        values["length_scale"] = float(scale)
    if "pauses" in raw:
        values["pauses"] = _pauses(raw["pauses"], bad)
    return values


def _pauses(table: Any, bad) -> Pauses:
    names = [f.name for f in fields(Pauses)]
    if not isinstance(table, dict):
        raise bad("pauses", f"must be a table: [pauses] with any of {', '.join(names)} (milliseconds)")
    values = {}
    for name, value in table.items():
        if name not in names:
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]}?" if close else f"; the pauses are {', '.join(names)}"
            raise bad(f"pauses.{name}", f"is not a known pause{hint}")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PAUSE_MS:
            raise bad(f"pauses.{name}", f"must be a whole number of milliseconds from 0 to {MAX_PAUSE_MS}")
        values[name] = value
    return Pauses(**values)


def pauses_from_dict(data: Any) -> Pauses:
    """:class:`Pauses` from a manifest's ``show.pauses`` (missing: the defaults)."""
    if not isinstance(data, dict):
        return PAUSES
    known = {f.name for f in fields(Pauses)}
    return Pauses(**{k: int(v) for k, v in data.items() if k in known})
