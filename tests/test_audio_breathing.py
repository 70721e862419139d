"""The breathing exercise, built: cues on a steady schedule, measured on the decoded MP3.

The schedule is checked against the NHS rhythm the script asks for (breath k starts at ``start + k * 10 s``, the
breath out 5 s after it, no holding), worked out here from the script, not from the code under test; the cue
onsets are then found in the decoded file by its loudness alone and compared with that schedule.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
from gentle_steps.audio.breathing import BreathingError, parse_script
from gentle_steps.audio.encoding import decode_mp3
from gentle_steps.deploy.cli import main
from gentle_steps.skill.catalog import load_catalog

ROOT = Path(__file__).parent.parent
SHIPPED = tomllib.loads((ROOT / "audio" / "data" / "breathing.toml").read_text(encoding="utf-8"))
RATE = 24000  # the Alexa profile

SHOW = """title = "Quiet Breaths"
author = "Dr. Ana Ruiz"
description = "Short readings for hard moments."
invocation_name = "quiet breaths"
breathing = true
{extra}"""

ARTICLE = """# A Short Note

## Breathing Out

When things feel loud, it can help to slow down. One breath at a time is enough.
"""


def make_show(folder: Path, extra: str = "") -> Path:
    (folder / "articles").mkdir(parents=True)
    (folder / "show.toml").write_text(SHOW.format(extra=extra), encoding="utf-8")
    (folder / "articles" / "a-short-note.md").write_text(ARTICLE, encoding="utf-8")
    return folder


def build(tmp_path: Path, voice: str, extra: str = "") -> Path:
    content = make_show(tmp_path / "content", extra)
    dist = tmp_path / "dist"
    assert main(["build", "--content", str(content), "--out", str(dist), "--voice", voice, "--jobs", "2",
                 "--cache", str(tmp_path / "cache"), "--base-url", "https://listen.quiet-readings.net/"]) == 0
    return dist


def onsets(samples: np.ndarray, rate: int = RATE, quiet_ms: int = 150) -> list[int]:
    """Where sound starts after at least ``quiet_ms`` of quiet, in ms: 10 ms frames, 30 dB under the loudest."""
    frame = rate // 100
    count = len(samples) // frame
    rms = np.sqrt((samples[:count * frame].astype(np.float64).reshape(count, frame) ** 2).mean(axis=1))
    loud = rms > rms.max() * 10 ** (-30 / 20)
    found, quiet = [], quiet_ms // 10
    for i in np.flatnonzero(loud):
        if i >= quiet and not loud[i - quiet:i].any():
            found.append(int(i) * 10)
        elif i < quiet and not found:
            found.append(int(i) * 10)
    return found


def expected_breaths(cues: list[dict], seconds: int) -> list[int]:
    """The breath-in times the NHS rhythm gives, from the script: steady 10 s cycles after the opening."""
    opening = len(SHIPPED["opening"])
    start = cues[opening]["at_ms"]
    cycle = (SHIPPED["breath_in"] + SHIPPED["breath_out"]) * 1000
    closing = len(SHIPPED["closing"])
    count = sum(1 for c in cues[opening:len(cues) - closing]
                if c["text"] in (SHIPPED["counted_in"], SHIPPED["breath_in_cue"]))
    assert start % 1000 == 0 and (count + 1) * cycle > seconds * 1000 - start - 20_000
    return [start + k * cycle for k in range(count)]


def check_track(dist: Path, track: dict, tolerance_ms: int) -> list[int]:
    """The track's schedule is the NHS rhythm, and every cue is heard within ``tolerance_ms`` of it."""
    cues = track["cues"]
    ins = [c["at_ms"] for c in cues if c["text"] in (SHIPPED["counted_in"], SHIPPED["breath_in_cue"])]
    outs = [c["at_ms"] for c in cues if c["text"] in (SHIPPED["counted_out"], SHIPPED["breath_out_cue"])]
    assert ins == expected_breaths(cues, track["seconds"])
    assert outs == [t + SHIPPED["breath_in"] * 1000 for t in ins]  # out straight after in: no holding
    counted = [c for c in cues if c["text"] in SHIPPED["count"]]
    assert len(counted) == 2 * SHIPPED["counted_breaths"] * len(SHIPPED["count"])
    heard = onsets(decode_mp3(dist / track["audio"]["path"], RATE))
    errors = [min(abs(h - c["at_ms"]) for h in heard) for c in cues]
    assert max(errors) <= tolerance_ms, [(c["text"], c["at_ms"], e) for c, e in zip(cues, errors, strict=True)]
    # During the breaths (single words and short cues), nothing is heard off the schedule.
    closing_at = cues[len(cues) - len(SHIPPED["closing"])]["at_ms"]
    during = [h for h in heard if ins[0] - 200 <= h < closing_at - 200]
    assert all(min(abs(h - c["at_ms"]) for c in cues) <= tolerance_ms for h in during), during
    assert abs(track["audio"]["duration_ms"] - track["seconds"] * 1000) <= 5500  # within half a breath
    return errors


def test_the_shipped_script_is_valid_and_bad_scripts_are_named():
    script = parse_script(SHIPPED, "breathing.toml")
    assert (script.breath_in_ms, script.breath_out_ms) == (5000, 5000)
    assert [t.seconds for t in script.tracks] == [60, 180]
    for change, key in (({"breath_in": 0}, "breath_in"), ({"track": []}, "track"), ({"opening": "x"}, "opening"),
                        ({"track": [{"id": "a", "title": "A", "seconds": 9999}]}, "track[0]")):
        with pytest.raises(BreathingError, match=rf"my\.toml: key '{re.escape(key)}'"):
            parse_script({**SHIPPED, **change}, "my.toml")


def test_tracks_are_built_only_when_the_show_turns_them_on(tmp_path):
    content = make_show(tmp_path / "content")
    (content / "show.toml").write_text(SHOW.format(extra="").replace("breathing = true\n", ""), encoding="utf-8")
    dist = tmp_path / "dist"
    assert main(["build", "--content", str(content), "--out", str(dist), "--voice", "tone", "--jobs", "1",
                 "--cache", str(tmp_path / "cache")]) == 0
    assert not (dist / "breathing").exists()
    assert load_catalog(dist / "catalog.json").breathing == ()


def test_a_therapists_own_script_replaces_the_shipped_one_and_a_cue_too_long_is_named(tmp_path, capsys):
    mine = dict(SHIPPED, track=[{"id": "short", "title": "A short breath", "seconds": 40}], counted_breaths=0,
                breath_in_cue="In through the nose, slowly and gently, all the way down to the belly, and then a "
                              "little more, as slowly as you can.")
    content = make_show(tmp_path / "content", 'breathing_script = "mine.toml"\n')
    (content / "mine.toml").write_text(_toml(mine), encoding="utf-8")
    assert main(["build", "--content", str(content), "--out", str(tmp_path / "dist"), "--voice", "tone",
                 "--cache", str(tmp_path / "cache")]) != 0
    err = capsys.readouterr().err
    assert "mine.toml" in err and "In through the nose" in err and "Traceback" not in err


def test_the_tone_voice_track_keeps_its_schedule(tmp_path):
    dist = build(tmp_path, "tone")
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    tracks = {t["id"]: t for t in manifest["breathing"]}
    assert set(tracks) == {"one-minute", "three-minutes"}
    catalog = load_catalog(dist / "catalog.json")
    assert [t.audio_url for t in catalog.breathing] == ["https://listen.quiet-readings.net/breathing/one-minute.mp3",
                                                       "https://listen.quiet-readings.net/breathing/three-minutes.mp3"]
    check_track(dist, tracks["one-minute"], 100)


@pytest.mark.slow
def test_the_piper_voice_cues_are_heard_within_100_ms_of_their_schedule(tmp_path):
    dist = build(tmp_path, "piper")
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    worst = [max(check_track(dist, track, 100)) for track in manifest["breathing"]]
    assert len(worst) == 2
    print(f"worst cue onset error: {max(worst)} ms")


def _toml(data: dict) -> str:
    lines = []
    for key, value in data.items():
        if key != "track":
            lines.append(f"{key} = {json.dumps(value)}")
    for track in data["track"]:
        lines += ["[[track]]", *(f"{k} = {json.dumps(v)}" for k, v in track.items())]
    return "\n".join(lines) + "\n"





@pytest.mark.parametrize(("extra", "said"), [
    ('breathing_script = "missing.toml"\n', "key 'breathing_script' names missing.toml, which does not exist"),
    ('locales = ["en-GB", "fr-FR"]\n', "key 'locales' must be a list of Alexa's English locales"),
])
def test_bad_breathing_and_locale_settings_are_one_line_naming_the_key(tmp_path, capsys, extra, said):
    content = make_show(tmp_path / "content", extra)
    assert main(["build", "--content", str(content), "--out", str(tmp_path / "dist"), "--voice", "tone",
                 "--cache", str(tmp_path / "cache")]) == 2
    err = capsys.readouterr().err
    assert said in err and "show.toml" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "dist").exists()
