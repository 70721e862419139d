"""Whole skill responses, one golden file per scenario, covering every line the skill can say.

Regenerate them on purpose, after reading the diff line by line, with ``scripts/update-golden`` (it sets
``GENTLE_STEPS_UPDATE_GOLDEN=1``). ``skill/SPOKEN_LINES.md`` lists the same lines for a voice designer.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
from pathlib import Path

import pytest
from gentle_steps.skill import lines as L
from gentle_steps.skill.catalog import parse_catalog
from gentle_steps.skill.runtime import SkillRuntime
from gentle_steps.skill.state import SqlitePersistenceAdapter

FIXTURES = Path(__file__).parent / "fixtures" / "skill"
GOLDEN = FIXTURES / "golden"
sys.path.insert(0, str(FIXTURES))

import envelopes as E  # noqa: E402

CATALOG = json.loads((FIXTURES / "catalog.json").read_text(encoding="utf-8"))
EPISODE = CATALOG["episodes"][0]
T = [f"{EPISODE['id']}|{s['id']}|{s['version']}" for s in EPISODE["sections"]]
BREATH = [f"~breathing|{t['id']}|{t['version']}" for t in CATALOG["breathing"]]
PLAYING = {"token": T[2], "offsetInMilliseconds": 9_000, "playerActivity": "PLAYING"}
LAST = {"token": T[5], "offsetInMilliseconds": 9_000, "playerActivity": "PLAYING"}
SLOT = E.section_slot("betrayal is a trauma", ("betrayal-is-a-trauma", "betrayal is a trauma"))
NO_PLAYER = {"audio_player": False, "device_id": E.SCREENLESS_DEVICE_ID}
FOLLOW = "follow"  # a request that continues the previous answer's session


def _https(data: dict) -> dict:
    return json.loads(json.dumps(data).replace("http://127.0.0.1:8080/", "https://cdn.example.org/"))


def _without(key: str, empty) -> callable:
    return lambda data: {**data, key: empty}


def _long_section(data: dict) -> dict:
    data = _https(data)
    data["episodes"][0]["sections"][0]["duration_ms"] = 241_000
    data["episodes"][0]["sections"][0]["text"] = "This sentence is here to take up room & space. " * 400
    return data


def _undated(data: dict) -> dict:
    data["episodes"][0]["date"] = ""
    return data


def follow(envelope: dict) -> tuple[str, dict]:
    return (FOLLOW, envelope)


# name -> (catalog change or None, the requests of one scenario in order); the last answer is the golden one.
SCENARIOS: dict[str, tuple] = {
    "launch": (None, [E.launch()]),
    "launch_without_breathing": (_without("breathing", []), [E.launch()]),
    "launch_returning": (None, [E.audio_event("PlaybackStopped", T[2], 31_000), E.launch()]),
    "launch_returning_no": (None, [E.audio_event("PlaybackStopped", T[2], 31_000), E.launch(),
                                   follow(E.intent("AMAZON.NoIntent"))]),
    "launch_returning_yes": (None, [E.audio_event("PlaybackStopped", T[2], 31_000), E.launch(),
                                    follow(E.intent("AMAZON.YesIntent"))]),
    "grounding": (None, [E.intent("GroundingIntent")]),
    "grounding_https": (_https, [E.intent("GroundingIntent")]),
    "grounding_another": (None, [E.intent("GroundingIntent"), follow(E.intent("AMAZON.YesIntent"))]),
    "grounding_repeat": (None, [E.intent("GroundingIntent"), follow(E.intent("AMAZON.RepeatIntent"))]),
    "grounding_without_prompts": (_without("prompts", []), [E.intent("GroundingIntent")]),
    "list_sections": (None, [E.intent("ListSectionsIntent")]),
    "list_sections_undated": (_undated, [E.intent("ListSectionsIntent")]),
    "list_sections_en_gb": (None, [E.intent("ListSectionsIntent", locale="en-GB")]),
    "list_sections_more": (None, [E.intent("ListSectionsIntent"), follow(E.intent("AMAZON.YesIntent"))]),
    "list_sections_no_more": (None, [E.intent("ListSectionsIntent"), follow(E.intent("AMAZON.NoIntent"))]),
    "list_sections_repeat": (None, [E.intent("ListSectionsIntent"), follow(E.intent("AMAZON.RepeatIntent"))]),
    "play_section": (None, [E.intent("PlaySectionIntent", SLOT)]),
    "play_section_unknown": (None, [E.intent("PlaySectionIntent", E.section_slot("the weather", None))]),
    "play_episode": (None, [E.intent("PlayEpisodeIntent")]),
    "play_section_without_audio_player": (None, [E.intent("PlaySectionIntent", SLOT, **NO_PLAYER)]),
    "play_section_without_audio_player_https": (_https, [E.intent("PlaySectionIntent", SLOT, **NO_PLAYER)]),
    "play_last_section_without_audio_player": (None, [E.intent("PlaySectionIntent", E.section_slot(
        "part six", None), **NO_PLAYER)]),
    "play_long_section_without_audio_player": (_long_section, [E.intent("PlayEpisodeIntent", **NO_PLAYER)]),
    "resume": (None, [E.audio_event("PlaybackStopped", T[3], 4_321), E.intent("AMAZON.ResumeIntent")]),
    "resume_nothing_saved": (None, [E.intent("AMAZON.ResumeIntent")]),
    "next": (None, [E.intent("AMAZON.NextIntent", player=PLAYING)]),
    "next_after_the_last_section": (None, [E.intent("AMAZON.NextIntent", player=LAST)]),
    "next_nothing_playing": (None, [E.intent("AMAZON.NextIntent")]),
    "previous": (None, [E.intent("AMAZON.PreviousIntent", player=PLAYING)]),
    "start_over": (None, [E.intent("AMAZON.StartOverIntent", player=PLAYING)]),
    "repeat_while_playing": (None, [E.intent("AMAZON.RepeatIntent", player=PLAYING, new=True)]),
    "repeat_nothing": (None, [E.intent("AMAZON.RepeatIntent", new=True)]),
    "pause_while_playing": (None, [E.intent("AMAZON.PauseIntent", player=PLAYING)]),
    "stop_when_idle": (None, [E.intent("AMAZON.StopIntent")]),
    "no_when_nothing_was_asked": (None, [E.intent("AMAZON.NoIntent")]),
    "stop_after_this_section": (None, [E.intent("StopAfterSectionIntent", player=PLAYING, new=True)]),
    "stop_after_this_section_idle": (None, [E.intent("StopAfterSectionIntent")]),
    "loop_on": (None, [E.intent("AMAZON.LoopOnIntent")]),
    "support": (None, [E.intent("SupportIntent", new=True)]),
    "support_while_playing": (None, [E.intent("SupportIntent", player=PLAYING, new=True)]),
    "support_en_gb": (None, [E.intent("SupportIntent", locale="en-GB")]),
    "support_en_au": (None, [E.intent("SupportIntent", locale="en-AU")]),
    "support_en_in": (None, [E.intent("SupportIntent", locale="en-IN")]),
    "support_en_ca": (None, [E.intent("SupportIntent", locale="en-CA")]),
    "support_unknown_country": (None, [E.intent("SupportIntent", locale="en-ZA")]),
    "support_on_a_screen": (None, [E.intent("SupportIntent", screen=True)]),
    "support_repeat": (None, [E.intent("SupportIntent"), follow(E.intent("AMAZON.RepeatIntent"))]),
    "support_yes": (None, [E.intent("SupportIntent"), follow(E.intent("AMAZON.YesIntent"))]),
    "support_no": (None, [E.intent("SupportIntent"), follow(E.intent("AMAZON.NoIntent"))]),
    "support_not_understood": (None, [E.intent("SupportIntent"), follow(E.intent("AMAZON.FallbackIntent"))]),
    "breathing": (None, [E.intent("BreathingIntent")]),
    "breathing_three_minutes": (None, [E.intent("BreathingIntent", {"length": {
        "name": "length", "value": "three minutes", "confirmationStatus": "NONE"}})]),
    "breathing_off": (_without("breathing", []), [E.intent("BreathingIntent")]),
    "breathing_without_audio_player": (_https, [E.intent("BreathingIntent", **NO_PLAYER)]),
    "breathing_nearly_finished": (None, [E.audio_event("PlaybackNearlyFinished", BREATH[0], 55_000)]),
    "help": (None, [E.intent("AMAZON.HelpIntent")]),
    "help_without_breathing": (_without("breathing", []), [E.intent("AMAZON.HelpIntent")]),
    "fallback": (None, [E.intent("AMAZON.FallbackIntent")]),
    "can_fulfill_grounding": (None, [E.can_fulfill("GroundingIntent")]),
    "can_fulfill_section": (None, [E.can_fulfill("PlaySectionIntent", SLOT)]),
    "can_fulfill_unknown_section": (None, [E.can_fulfill("PlaySectionIntent", E.section_slot("the weather", None))]),
    "can_fulfill_built_in": (None, [E.can_fulfill("AMAZON.ShuffleOnIntent")]),
    "playback_started": (None, [E.audio_event("PlaybackStarted", T[1], 0)]),
    "playback_nearly_finished": (None, [E.audio_event("PlaybackNearlyFinished", T[1], 20_000)]),
    "playback_finished": (None, [E.audio_event("PlaybackFinished", T[1], 24_600)]),
    "controller_next": (None, [E.controller("Next", T[1], 1_000, activity="PLAYING")]),
    "controller_pause": (None, [E.controller("Pause", T[1], 1_000, activity="PLAYING")]),
    "exception_encountered": (None, [E.exception_encountered()]),
    "session_ended": (None, [E.session_ended()]),
    "error": (None, [E.intent("GroundingIntent")]),
}


def run(name: str, tmp_path: Path, monkeypatch) -> dict:
    """The last answer of a scenario, from a fresh runtime and state file."""
    change, requests = SCENARIOS[name]
    data = change(json.loads(json.dumps(CATALOG))) if change else CATALOG
    runtime = SkillRuntime(parse_catalog(data), SqlitePersistenceAdapter(tmp_path / "state.sqlite3"),
                           rng=random.Random(7))
    if name == "error":
        monkeypatch.setattr("gentle_steps.skill.conversation.ConversationHandlers.next_prompt",
                            lambda *a: 1 / 0)
    answer: dict = {}
    for request in requests:
        if isinstance(request, tuple):  # the same session: carry the attributes, no longer new
            request = request[1]
            request["session"]["attributes"] = answer.get("sessionAttributes") or {}
            request["session"]["new"] = False
        answer = runtime.answer(json.loads(json.dumps(request)))
    answer.pop("userAgent", None)  # names the Python version
    return answer


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_response_matches_golden(name, tmp_path, monkeypatch):
    text = json.dumps(run(name, tmp_path, monkeypatch), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    path = GOLDEN / f"{name}.json"
    if os.environ.get("GENTLE_STEPS_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run scripts/update-golden to create it"
    assert text == path.read_text(encoding="utf-8")


def test_no_golden_file_is_left_over():
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(SCENARIOS)


def _speech(data: object) -> list[str]:
    """Every SSML string in a response (speech and reprompts)."""
    if isinstance(data, dict):
        return [s for key, value in data.items() for s in
                ([value] if key == "ssml" and isinstance(value, str) else _speech(value))]
    if isinstance(data, list):
        return [s for item in data for s in _speech(item)]
    return []


def test_every_line_is_heard_in_some_golden_response():
    # Compared as words: tags (pauses, prosody) dropped, spaces collapsed.
    heard = "\n".join(" ".join(re.sub(r"<[^>]+>", " ", s).split()) for path in GOLDEN.glob("*.json")
                      for s in _speech(json.loads(path.read_text(encoding="utf-8"))))
    inside = {"CHOICES", "CHOICES_BREATHING", "HINT", "HELP_BREATHING", "ONE_MINUTE", "MINUTES"}
    for name, line in L.all_lines().items():
        pattern = "".join(".*?" if part == "\0" else r"\s*".join(map(re.escape, part.split()))
                          for part in re.split(r"(\0)", re.sub(r"\{\w+\}", "\0", line.text)))
        assert re.search(pattern, heard), f"{name} is in no golden response" + (" (it is said inside other "
                                                                                 "lines)" if name in inside else "")


def test_no_announcement_reads_a_title_as_a_question():
    titles = [s["title"] for s in EPISODE["sections"]] + [EPISODE["title"]]
    for path in GOLDEN.glob("*.json"):
        for ssml in _speech(json.loads(path.read_text(encoding="utf-8"))):
            for title in titles:
                plain = title.strip("\u201c\u201d").rstrip("?.\u2026!")
                assert f"{plain}?" not in ssml or "Would you like the next section" in ssml, (path.name, title)
                assert "\u2026" not in ssml, path.name
