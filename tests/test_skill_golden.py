"""Whole skill responses per request type, compared with golden files in tests/fixtures/skill/golden/.

Regenerate them on purpose, after reading the diff, with ``GENTLE_STEPS_UPDATE_GOLDEN=1 pytest
tests/test_skill_golden.py`` (``scripts/update-golden`` sets the same variable).
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

import pytest
from gentle_steps.skill.catalog import load_catalog
from gentle_steps.skill.runtime import SkillRuntime
from gentle_steps.skill.state import SqlitePersistenceAdapter

FIXTURES = Path(__file__).parent / "fixtures" / "skill"
GOLDEN = FIXTURES / "golden"
sys.path.insert(0, str(FIXTURES))

import envelopes as E  # noqa: E402

CATALOG = json.loads((FIXTURES / "catalog.json").read_text(encoding="utf-8"))
EPISODE = CATALOG["episodes"][0]
T = [f"{EPISODE['id']}|{s['id']}|{s['version']}" for s in EPISODE["sections"]]
PLAYING = {"token": T[2], "offsetInMilliseconds": 9_000, "playerActivity": "PLAYING"}
SLOT = E.section_slot("betrayal is a trauma", ("betrayal-is-a-trauma", "betrayal is a trauma"))

# name -> the requests of one scenario, in order; the last answer is the golden one.
SCENARIOS = {
    "launch": [E.launch()],
    "launch_returning": [E.audio_event("PlaybackStopped", T[2], 31_000), E.launch()],
    "grounding": [E.intent("GroundingIntent")],
    "list_sections": [E.intent("ListSectionsIntent")],
    "play_section": [E.intent("PlaySectionIntent", SLOT)],
    "play_section_unknown": [E.intent("PlaySectionIntent", E.section_slot("the weather", None))],
    "play_episode": [E.intent("PlayEpisodeIntent")],
    "play_section_without_audio_player": [E.intent("PlaySectionIntent", SLOT, audio_player=False)],
    "resume": [E.audio_event("PlaybackStopped", T[3], 4_321), E.intent("AMAZON.ResumeIntent")],
    "next": [E.intent("AMAZON.NextIntent", player=PLAYING)],
    "pause_while_playing": [E.intent("AMAZON.PauseIntent", player=PLAYING)],
    "stop_when_idle": [E.intent("AMAZON.StopIntent")],
    "loop_on": [E.intent("AMAZON.LoopOnIntent")],
    "support": [E.intent("SupportIntent")],
    "help": [E.intent("AMAZON.HelpIntent")],
    "fallback": [E.intent("AMAZON.FallbackIntent")],
    "playback_started": [E.audio_event("PlaybackStarted", T[1], 0)],
    "playback_nearly_finished": [E.audio_event("PlaybackNearlyFinished", T[1], 20_000)],
    "playback_finished": [E.audio_event("PlaybackFinished", T[1], 24_600)],
    "controller_next": [E.controller("Next", T[1], 1_000, activity="PLAYING")],
    "controller_pause": [E.controller("Pause", T[1], 1_000, activity="PLAYING")],
    "exception_encountered": [E.exception_encountered()],
    "session_ended": [E.session_ended()],
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_response_matches_golden(name, tmp_path):
    runtime = SkillRuntime(load_catalog(FIXTURES / "catalog.json"),
                           SqlitePersistenceAdapter(tmp_path / "state.sqlite3"), rng=random.Random(7))
    for envelope in SCENARIOS[name]:
        answer = runtime.answer(json.loads(json.dumps(envelope)))
    answer.pop("userAgent", None)  # names the Python version
    text = json.dumps(answer, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    path = GOLDEN / f"{name}.json"
    if os.environ.get("GENTLE_STEPS_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with GENTLE_STEPS_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8")
