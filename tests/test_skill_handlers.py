"""The skill's behaviour, in process, through the Lambda handler with realistic Alexa request envelopes."""

from __future__ import annotations

import json
import sqlite3
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from gentle_steps.skill import lambda_function
from gentle_steps.skill.handlers import GentleSteps

FIXTURES = Path(__file__).parent / "fixtures" / "skill"
sys.path.insert(0, str(FIXTURES))

import envelopes as E  # noqa: E402

CATALOG = json.loads((FIXTURES / "catalog.json").read_text(encoding="utf-8"))
EPISODE = CATALOG["episodes"][0]
SECTIONS = EPISODE["sections"]
PROMPTS = {p["id"]: p for p in CATALOG["prompts"]}


def token(index: int, version: str | None = None) -> str:
    sec = SECTIONS[index]
    return f"{EPISODE['id']}|{sec['id']}|{version or sec['version']}"


def write_catalog(tmp_path: Path, data: dict[str, Any], name: str = "catalog.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def https_catalog() -> dict[str, Any]:
    text = json.dumps(CATALOG).replace("http://127.0.0.1:8080/", "https://cdn.example.org/")
    return json.loads(text)


@pytest.fixture
def configure(tmp_path, monkeypatch):
    """Point the Lambda handler at a catalog and a fresh state file; returns the handler."""

    def setup(catalog: Path = FIXTURES / "catalog.json", state: Path | None = None):
        monkeypatch.setenv("GENTLE_STEPS_CATALOG", str(catalog))
        monkeypatch.setenv("GENTLE_STEPS_STATE", str(state or tmp_path / "state.sqlite3"))
        monkeypatch.delenv("GENTLE_STEPS_TABLE", raising=False)
        monkeypatch.delenv("GENTLE_STEPS_SKILL_ID", raising=False)
        lambda_function.reset()
        return lambda_function.handler

    yield setup
    lambda_function.reset()


@pytest.fixture
def ask(configure):
    return configure()


# --- assertions ---------------------------------------------------------------------------------------------


def speech(answer: dict[str, Any]) -> str:
    ssml = answer["response"]["outputSpeech"]["ssml"]
    check_ssml(ssml)
    return ssml


def check_ssml(ssml: str) -> None:
    assert len(ssml) < 8000
    ET.fromstring(ssml)  # raises on an unescaped & or <


def directives(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return answer["response"].get("directives") or []


def the_play(answer: dict[str, Any]) -> dict[str, Any]:
    plays = [d for d in directives(answer) if d["type"] == "AudioPlayer.Play"]
    assert len(plays) == 1, directives(answer)
    return plays[0]


def assert_replace_all(answer: dict[str, Any], index: int, offset: int = 0) -> None:
    play = the_play(answer)
    stream = play["audioItem"]["stream"]
    assert play["playBehavior"] == "REPLACE_ALL"
    assert stream["token"] == token(index)
    assert stream["url"] == SECTIONS[index]["audio_url"]
    assert stream["offsetInMilliseconds"] == offset
    assert "expectedPreviousToken" not in stream
    metadata = play["audioItem"]["metadata"]
    assert metadata["title"] == SECTIONS[index]["title"]
    assert metadata["subtitle"] == EPISODE["title"]
    assert metadata["art"]["sources"][0]["url"] == CATALOG["show"]["artwork_url"]


def assert_silent(answer: dict[str, Any]) -> None:
    """AudioPlayer and PlaybackController responses: no speech, card or reprompt."""
    response = answer["response"]
    assert "outputSpeech" not in response and "card" not in response and "reprompt" not in response


def assert_ends(answer: dict[str, Any]) -> None:
    assert answer["response"]["shouldEndSession"] is True


def assert_open(answer: dict[str, Any]) -> None:
    assert answer["response"]["shouldEndSession"] is False
    check_ssml(answer["response"]["reprompt"]["outputSpeech"]["ssml"])


def follow(answer: dict[str, Any]) -> dict[str, Any]:
    """The session attributes to send with the next request of the same session."""
    return answer.get("sessionAttributes") or {}


# --- launch -------------------------------------------------------------------------------------------------


def test_launch_welcomes_offers_choices_and_keeps_the_session_open(ask):
    answer = ask(E.launch())
    said = speech(answer)
    assert "Welcome to Gentle Steps" in said
    assert "grounding message" in said and "list of sections" in said and "play the episode" in said
    assert_open(answer)
    assert len(said) < 300  # one breath


def test_launch_asks_a_returning_listener_whether_to_resume_and_yes_resumes_at_the_offset(ask):
    ask(E.audio_event("PlaybackStarted", token(2), 0))
    ask(E.audio_event("PlaybackStopped", token(2), 31_250))
    answer = ask(E.launch())
    said = speech(answer)
    assert "Welcome back" in said and "Betrayal Is a Trauma" in said and "pick up where you left off" in said
    assert_open(answer)
    resumed = ask(E.intent("AMAZON.YesIntent", attributes=follow(answer)))
    assert_replace_all(resumed, 2, 31_250)
    assert_ends(resumed)


def test_no_to_resume_offers_the_choices_instead(ask):
    ask(E.audio_event("PlaybackStopped", token(1), 5_000))
    answer = ask(E.launch())
    declined = ask(E.intent("AMAZON.NoIntent", attributes=follow(answer)))
    assert "grounding message" in speech(declined)
    assert not directives(declined)
    assert_open(declined)


# --- grounding ----------------------------------------------------------------------------------------------


def test_grounding_never_repeats_the_listeners_previous_prompt_across_sessions(ask):
    heard = []
    for _ in range(len(PROMPTS) + 3):
        answer = ask(E.intent("GroundingIntent", new=True))  # a fresh session each time: only the store remembers
        heard.append(answer["response"]["card"]["content"])
    assert all(a != b for a, b in zip(heard, heard[1:], strict=False))
    assert set(heard) == {p["text"] for p in PROMPTS.values()}


def test_grounding_speaks_the_text_gently_when_audio_is_not_https(ask):
    answer = ask(E.intent("GroundingIntent"))
    said = speech(answer)
    text = answer["response"]["card"]["content"]
    assert text in {p["text"] for p in PROMPTS.values()}
    assert "<audio" not in said and "<break" in said and "<prosody" in said
    assert answer["response"]["card"]["type"] == "Simple"
    assert "another" in said
    assert_open(answer)


def test_grounding_plays_the_narrated_clip_when_audio_is_https(configure, tmp_path):
    ask = configure(write_catalog(tmp_path, https_catalog()))
    answer = ask(E.intent("GroundingIntent"))
    said = speech(answer)
    prompt = next(p for p in PROMPTS.values() if p["text"] == answer["response"]["card"]["content"])
    assert f'<audio src="{prompt["audio_url"].replace("http://127.0.0.1:8080/", "https://cdn.example.org/")}"/>' in said


def test_yes_after_a_prompt_gives_another_and_no_ends_gently(ask):
    first = ask(E.intent("GroundingIntent"))
    second = ask(E.intent("AMAZON.YesIntent", attributes=follow(first)))
    assert second["response"]["card"]["content"] != first["response"]["card"]["content"]
    done = ask(E.intent("AMAZON.NoIntent", attributes=follow(second)))
    assert "Take care" in speech(done)
    assert_ends(done)


def test_rotation_is_kept_per_user(ask):
    other = "amzn1.ask.account.ANOTHERLISTENER"
    mine = [ask(E.intent("GroundingIntent"))["response"]["card"]["content"] for _ in range(3)]
    theirs = ask(E.intent("GroundingIntent", user_id=other))["response"]["card"]["content"]
    after = ask(E.intent("GroundingIntent"))["response"]["card"]["content"]
    texts = [p["text"] for p in PROMPTS.values()]
    # My rotation continues from my own last prompt, whatever the other listener heard.
    assert after == texts[(texts.index(mine[-1]) + 1) % len(texts)]
    assert theirs in texts


# --- playing ------------------------------------------------------------------------------------------------


def test_play_section_by_entity_resolution(ask):
    answer = ask(E.intent("PlaySectionIntent", E.section_slot("betrayal is a trauma",
                                                               ("betrayal-is-a-trauma", "betrayal is a trauma"))))
    assert_replace_all(answer, 2)
    assert_ends(answer)
    # A brief lead-in that does not name the section: its narration opens with its heading.
    assert speech(answer) == "<speak>Playing that section.</speak>"


@pytest.mark.parametrize("heard, index", [
    ("part five", 4),
    ("what trust repair looks like", 3),
    ("trust repair", 3),
    ("the second part", 1),
])
def test_play_section_by_what_was_heard_when_resolution_found_nothing(ask, heard, index):
    answer = ask(E.intent("PlaySectionIntent", E.section_slot(heard, None)))
    assert_replace_all(answer, index)


def test_a_section_name_that_matches_nothing_gets_a_hint_naming_what_exists(ask):
    answer = ask(E.intent("PlaySectionIntent", E.section_slot("quantum chromodynamics", None)))
    said = speech(answer)
    assert not directives(answer)
    assert "couldn't find" in said and SECTIONS[1]["title"] in said and "what sections are there" in said
    assert_open(answer)


def test_play_episode_starts_at_the_first_section(ask):
    answer = ask(E.intent("PlayEpisodeIntent"))
    assert_replace_all(answer, 0)
    assert_ends(answer)


def test_list_sections_reads_three_titles_at_a_time_then_asks_which(ask):
    answer = ask(E.intent("ListSectionsIntent"))
    said = speech(answer)
    assert said.startswith("<speak>This episode, from July 2, 2025, has 6 sections.")
    assert all(f"{i}. " in said for i in (1, 2, 3)) and "4. " not in said
    assert said.endswith("Want to hear more?</speak>") and "part" not in said
    assert answer["response"]["card"]["content"].splitlines()[2] == "3. Betrayal Is a Trauma"
    assert answer["response"]["card"]["title"] == "Can You Rebuild Trust After Betrayal?, July 2, 2025"
    assert_open(answer)
    more = ask(E.intent("AMAZON.YesIntent", attributes=follow(answer)))
    said = speech(more)
    assert all(f"{i}. " in said for i in (4, 5, 6)) and "3. " not in said
    assert "But I Don’t Know If I Can Stay." in said and "\u2026" not in said  # no trailing ellipsis
    assert said.endswith("Which one would you like to hear?</speak>")
    assert_open(more)


def test_the_list_writes_the_date_the_way_the_locale_does(ask):
    answer = ask(E.intent("ListSectionsIntent", locale="en-GB"))
    assert speech(answer).startswith("<speak>This episode, from 2 July 2025, has 6 sections.")


def test_no_to_more_of_the_list_asks_which(ask):
    answer = ask(E.intent("ListSectionsIntent"))
    no = ask(E.intent("AMAZON.NoIntent", attributes=follow(answer)))
    assert speech(no) == "<speak>All right. Which one would you like to hear?</speak>"
    assert_open(no)


def test_nearly_finished_enqueues_the_next_section_once(ask):
    ask(E.audio_event("PlaybackStarted", token(1), 0))
    answer = ask(E.audio_event("PlaybackNearlyFinished", token(1), 20_000))
    assert_silent(answer)
    play = the_play(answer)
    assert play["playBehavior"] == "ENQUEUE"
    assert play["audioItem"]["stream"]["expectedPreviousToken"] == token(1)
    assert play["audioItem"]["stream"]["token"] == token(2)
    assert play["audioItem"]["stream"]["offsetInMilliseconds"] == 0
    again = ask(E.audio_event("PlaybackNearlyFinished", token(1), 20_100))
    assert not directives(again)
    assert "shouldEndSession" not in again["response"]


def test_nothing_is_enqueued_after_the_last_section(ask):
    answer = ask(E.audio_event("PlaybackNearlyFinished", token(5), 25_000))
    assert answer["response"] == {}


def test_a_repeated_section_enqueues_again_after_it_restarts(ask):
    ask(E.audio_event("PlaybackStarted", token(1), 0))
    assert directives(ask(E.audio_event("PlaybackNearlyFinished", token(1), 20_000)))
    ask(E.audio_event("PlaybackStarted", token(1), 0))  # Repeat
    assert directives(ask(E.audio_event("PlaybackNearlyFinished", token(1), 20_000)))


@pytest.mark.parametrize("kind", ["PlaybackStarted", "PlaybackStopped", "PlaybackFinished", "PlaybackFailed"])
def test_audio_player_events_are_answered_silently_and_never_with_play(ask, kind):
    answer = ask(E.audio_event(kind, token(3), 12_000))
    assert_silent(answer)
    assert not directives(answer)
    assert "shouldEndSession" not in answer["response"]
    assert "sessionAttributes" not in answer  # these requests have no session


def test_resume_uses_the_offset_saved_on_playback_stopped(ask):
    ask(E.audio_event("PlaybackStarted", token(3), 0))
    ask(E.audio_event("PlaybackStopped", token(3), 17_345))
    answer = ask(E.intent("AMAZON.ResumeIntent", session=True, new=True,
                          player={"token": token(3), "offsetInMilliseconds": 17_345, "playerActivity": "STOPPED"}))
    assert_replace_all(answer, 3, 17_345)
    assert_ends(answer)


def test_resume_after_a_rebuild_of_that_section_starts_it_from_the_top(ask):
    ask(E.audio_event("PlaybackStopped", token(3, version="0ld0ld0ld0ld"), 17_345))
    answer = ask(E.intent("AMAZON.ResumeIntent"))
    assert_replace_all(answer, 3, 0)


def test_resume_with_nothing_saved_says_so_and_offers_choices(ask):
    answer = ask(E.intent("AMAZON.ResumeIntent"))
    assert "nothing to pick up" in speech(answer)
    assert not directives(answer)


def test_failed_playback_is_remembered_and_resumable(ask):
    ask(E.audio_event("PlaybackFailed", token(2), 4_000))
    assert_replace_all(ask(E.intent("AMAZON.ResumeIntent")), 2, 4_000)


def test_next_previous_start_over_and_repeat(ask):
    playing = {"token": token(2), "offsetInMilliseconds": 9_000, "playerActivity": "PLAYING"}
    assert_replace_all(ask(E.intent("AMAZON.NextIntent", player=playing)), 3)
    assert_replace_all(ask(E.intent("AMAZON.PreviousIntent", player=playing)), 1)
    assert_replace_all(ask(E.intent("AMAZON.StartOverIntent", player=playing)), 0)
    assert_replace_all(ask(E.intent("AMAZON.RepeatIntent", player=playing)), 2)
    last = {"token": token(5), "offsetInMilliseconds": 9_000, "playerActivity": "PLAYING"}
    answer = ask(E.intent("AMAZON.NextIntent", player=last))
    assert not directives(answer) and "last section" in speech(answer)


@pytest.mark.parametrize("name", ["AMAZON.PauseIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_pause_stop_cancel_while_playing_stop_the_audio_without_a_word(ask, name):
    playing = {"token": token(2), "offsetInMilliseconds": 9_000, "playerActivity": "PLAYING"}
    answer = ask(E.intent(name, player=playing))
    assert [d["type"] for d in directives(answer)] == ["AudioPlayer.Stop"]
    assert_silent(answer)


@pytest.mark.parametrize("name", ["AMAZON.PauseIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_pause_stop_cancel_otherwise_say_a_short_goodbye(ask, name):
    answer = ask(E.intent(name))
    assert not directives(answer)
    assert len(speech(answer)) < 60
    assert_ends(answer)
    # Someone else's audio playing is not ours to stop.
    other = ask(E.intent(name, player={"token": "spotify:track:1", "offsetInMilliseconds": 1,
                                       "playerActivity": "PLAYING"}))
    assert not directives(other)


@pytest.mark.parametrize("name", ["AMAZON.LoopOnIntent", "AMAZON.LoopOffIntent", "AMAZON.ShuffleOnIntent",
                                  "AMAZON.ShuffleOffIntent"])
def test_loop_and_shuffle_are_not_available(ask, name):
    answer = ask(E.intent(name))
    assert "can't do that here" in speech(answer)
    assert not directives(answer)


# --- device buttons -----------------------------------------------------------------------------------------


def test_playback_controller_buttons_act_without_speech(ask):
    ask(E.audio_event("PlaybackStopped", token(1), 8_000))
    play = ask(E.controller("Play", token(1), 8_000))
    assert_silent(play)
    assert_replace_all(play, 1, 8_000)
    assert "shouldEndSession" not in play["response"]
    pause = ask(E.controller("Pause", token(1), 9_000, activity="PLAYING"))
    assert_silent(pause)
    assert [d["type"] for d in directives(pause)] == ["AudioPlayer.Stop"]
    nxt = ask(E.controller("Next", token(1), 9_000, activity="PLAYING"))
    assert_silent(nxt)
    assert_replace_all(nxt, 2)
    prev = ask(E.controller("Previous", token(2), 1_000, activity="PLAYING"))
    assert_silent(prev)
    assert_replace_all(prev, 1)


def test_buttons_still_work_after_playback_finished(ask):
    ask(E.audio_event("PlaybackFinished", token(5), SECTIONS[5]["duration_ms"]))
    play = ask(E.controller("Play", token(5), SECTIONS[5]["duration_ms"], activity="FINISHED"))
    assert_silent(play)
    assert_replace_all(play, 0)  # the episode is done: Play starts it again
    prev = ask(E.controller("Previous", token(5), 0, activity="FINISHED"))
    assert_replace_all(prev, 4)
    ask(E.audio_event("PlaybackFinished", token(5), SECTIONS[5]["duration_ms"]))
    nxt = ask(E.controller("Next", token(5), 0, activity="FINISHED"))
    assert nxt["response"] == {}


def test_play_after_a_middle_section_finished_plays_the_next(ask):
    ask(E.audio_event("PlaybackFinished", token(2), SECTIONS[2]["duration_ms"]))
    assert_replace_all(ask(E.controller("Play", token(2), 0, activity="FINISHED")), 3)


# --- support, help, fallback --------------------------------------------------------------------------------


def test_support_gives_the_crisis_resources_at_once_and_calmly(ask):
    answer = ask(E.intent("SupportIntent"))
    said = speech(answer)
    assert said.startswith('<speak>You can call or text <prosody rate="80%"><say-as interpret-as="digits">988'
                           '</say-as></prosody> to reach the Suicide and Crisis Lifeline')
    for resource in CATALOG["crisis"]["US"]:
        assert resource["contact"] in answer["response"]["card"]["content"]
    # The domestic violence line is read digit by digit in its groups, never "seventy-two thirty-three".
    assert ('<say-as interpret-as="digits">799</say-as><break time="300ms"/><say-as interpret-as="digits">72'
            '</say-as><break time="300ms"/><say-as interpret-as="digits">33</say-as>') in said
    assert "can't help in an emergency" in said and said.endswith("Would you like me to repeat that?</speak>")
    lowered = said.lower()
    for clinical in ("diagnos", "disorder", "symptom", "therapy session", "i can help you"):
        assert clinical not in lowered
    assert [d["type"] for d in directives(answer)] == ["AudioPlayer.Stop"]  # nothing of ours plays over it
    assert_open(answer)


def test_crisis_answers_each_locale_with_its_own_lines(ask):
    said = speech(ask(E.intent("SupportIntent", locale="en-GB")))
    assert "Samaritans" in said and '<say-as interpret-as="digits">999</say-as>' in said
    assert "988" not in said and "911" not in said
    unknown = speech(ask(E.intent("SupportIntent", locale="en-ZA")))
    assert "local emergency number" in unknown and "988" not in unknown


def test_yes_repeats_the_crisis_answer_and_no_ends_gently(ask):
    answer = ask(E.intent("SupportIntent"))
    again = ask(E.intent("AMAZON.YesIntent", attributes=follow(answer)))
    assert speech(again) == speech(answer)
    assert_open(again)
    for name in ("AMAZON.NoIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent"):
        done = ask(E.intent(name, attributes=follow(again)))
        assert "The numbers are in your Alexa app too" in speech(done)
        assert_ends(done)


def test_a_screen_shows_the_numbers_with_tap_to_call_links(ask):
    answer = ask(E.intent("SupportIntent", screen=True))
    (render,) = [d for d in directives(answer) if d["type"] == "Alexa.Presentation.APL.RenderDocument"]
    presses = json.dumps(render["document"])
    assert '"tel:988"' in presses and '"tel:911"' in presses and '"tel:18007997233"' in presses


def test_help_mentions_urgent_help_and_that_this_is_not_therapy_or_emergency_help(ask):
    answer = ask(E.intent("AMAZON.HelpIntent"))
    said = speech(answer)
    assert "I need help now" in said
    assert "isn't therapy" in said and "isn't emergency help" in said
    assert answer["response"]["card"]["content"] == CATALOG["show"]["disclaimer"]
    assert_open(answer)


@pytest.mark.parametrize("name", ["AMAZON.FallbackIntent", "SomeRetiredIntent"])
def test_fallback_hints_at_what_exists(ask, name):
    answer = ask(E.intent(name))
    said = speech(answer)
    assert "grounding message" in said and SECTIONS[2]["title"] in said
    assert_open(answer)


def test_yes_with_no_question_pending_is_a_gentle_hint(ask):
    answer = ask(E.intent("AMAZON.YesIntent"))
    assert "grounding message" in speech(answer)


def test_navigate_home_says_goodbye(ask):
    assert_ends(ask(E.intent("AMAZON.NavigateHomeIntent")))


# --- devices without AudioPlayer ----------------------------------------------------------------------------


def test_device_without_audio_player_hears_the_short_clip_through_ssml(configure, tmp_path):
    ask = configure(write_catalog(tmp_path, https_catalog()))
    answer = ask(E.intent("PlaySectionIntent", E.section_slot("betrayal is a trauma",
                                                               ("betrayal-is-a-trauma", "betrayal is a trauma")),
                          audio_player=False, device_id=E.SCREENLESS_DEVICE_ID))
    said = speech(answer)
    assert not directives(answer)
    assert '<audio src="https://cdn.example.org/episodes/' in said
    assert "next section, What Trust Repair Actually Looks Like?" in said
    nxt = ask(E.intent("AMAZON.YesIntent", attributes=follow(answer), audio_player=False))
    assert SECTIONS[3]["audio_url"].split("/")[-1] in speech(nxt)


def test_device_without_audio_player_hears_the_text_of_a_long_section(configure, tmp_path):
    data = https_catalog()
    data["episodes"][0]["sections"][2]["duration_ms"] = 241_000  # over Alexa's 240 s SSML audio limit
    ask = configure(write_catalog(tmp_path, data))
    answer = ask(E.intent("PlaySectionIntent", E.section_slot("part three", None), audio_player=False))
    said = speech(answer)
    assert "<audio" not in said
    assert "That's not overreacting" in said
    assert said.count("Betrayal Is a Trauma") == 1  # the heading is said once


def test_device_without_audio_player_hears_text_when_audio_is_not_https(ask):
    answer = ask(E.intent("PlayEpisodeIntent", audio_player=False))
    said = speech(answer)
    assert "<audio" not in said and "Betrayal doesn't just break trust." in said


def test_a_very_long_section_text_is_cut_to_fit_alexas_limit(configure, tmp_path):
    data = json.loads(json.dumps(CATALOG))
    data["episodes"][0]["sections"][0]["text"] = "This sentence is here to take up room & space. " * 400
    ask = configure(write_catalog(tmp_path, data))
    answer = ask(E.intent("PlayEpisodeIntent", audio_player=False))
    said = speech(answer)
    assert "whole reading is on the show" in said and "&amp;" in said


# --- escaping, system requests, errors ----------------------------------------------------------------------


def test_speech_is_ssml_escaped(configure, tmp_path):
    data = json.loads(json.dumps(CATALOG))
    data["show"]["title"] = "Steps & <Breath>"
    data["episodes"][0]["sections"][1]["title"] = "Love & Trust <Repair>"
    ask = configure(write_catalog(tmp_path, data))
    for envelope in (E.launch(), E.intent("ListSectionsIntent"), E.intent("SupportIntent"),
                     E.intent("AMAZON.FallbackIntent"), E.intent("AMAZON.HelpIntent")):
        said = speech(ask(envelope))
        assert "<Breath>" not in said and "<Repair>" not in said


def test_exception_encountered_and_session_ended_are_logged_and_answered_empty(ask, caplog):
    answer = ask(E.exception_encountered())
    assert answer["response"] == {}
    assert "INVALID_RESPONSE" in caplog.text
    for envelope in (E.session_ended(), E.session_ended(error=True)):
        assert ask(envelope)["response"] == {}


def test_catch_all_answers_validly_for_the_request_type(ask, monkeypatch, caplog):
    def broken(self, turn):
        raise RuntimeError("boom")

    monkeypatch.setattr(GentleSteps, "grounding", broken)
    monkeypatch.setattr(GentleSteps, "playback_started", broken)
    lambda_function.reset()
    answer = ask(E.intent("GroundingIntent"))
    assert "something went wrong" in speech(answer)
    assert_ends(answer)
    assert "boom" in caplog.text
    silent = ask(E.audio_event("PlaybackStarted", token(0), 0))
    assert silent["response"] == {}


def test_malformed_event_gets_an_empty_response(ask):
    assert ask({"version": "1.0", "request": {"type": "Nonsense"}})["response"] == {}
    assert ask(["not", "an", "envelope"])["response"] == {}


def test_skill_id_is_enforced_when_configured(ask, monkeypatch):
    monkeypatch.setenv("GENTLE_STEPS_SKILL_ID", E.SKILL_ID)
    assert "Welcome" in speech(ask(E.launch()))
    with pytest.raises(PermissionError):
        ask(E.launch(skill_id="amzn1.ask.skill.someone-else"))


# --- state --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("breakage", ["missing folder", "corrupt file", "locked", "unwritable"])
def test_a_failing_state_store_does_not_silence_the_skill(configure, tmp_path, breakage, caplog):
    state = tmp_path / "state.sqlite3"
    holder = None
    if breakage == "missing folder":
        state = tmp_path / "no" / "such" / "folder" / "state.sqlite3"
    elif breakage == "corrupt file":
        state.write_bytes(b"this is not a database" * 100)
    elif breakage == "unwritable":
        # A WAL database whose -wal and -shm files cannot be created (works even as root, unlike chmod).
        from gentle_steps.skill.state import SqlitePersistenceAdapter

        SqlitePersistenceAdapter(state).save_attributes(user_envelope(), {"x": 1})
        for suffix in ("-wal", "-shm"):
            extra = Path(f"{state}{suffix}")
            if extra.exists():
                extra.unlink()
            extra.mkdir()
    else:
        holder = sqlite3.connect(state, isolation_level=None)
        holder.execute("PRAGMA journal_mode=DELETE")
        holder.execute("CREATE TABLE t (x)")
        holder.execute("BEGIN EXCLUSIVE")
    ask = configure(state=state)
    lambda_function.runtime().store.adapter.timeout = 0.05  # the lock never clears: don't wait long for it
    try:
        assert "Welcome" in speech(ask(E.launch()))
        first = ask(E.intent("GroundingIntent"))
        second = ask(E.intent("GroundingIntent", attributes=follow(first)))
        # Without the store, the session still keeps the rotation.
        assert first["response"]["card"]["content"] != second["response"]["card"]["content"]
        assert ask(E.audio_event("PlaybackStopped", token(1), 500))["response"] == {}
        assert_replace_all(ask(E.intent("PlayEpisodeIntent")), 0)
        assert "state store unavailable" in caplog.text
    finally:
        if holder is not None:
            holder.close()


def user_envelope():
    from ask_sdk_model import Context, RequestEnvelope, User
    from ask_sdk_model.interfaces.system import SystemState

    return RequestEnvelope(context=Context(system=SystemState(user=User(user_id="someone"))))


class DecimalAdapter(AbstractPersistenceAdapter):
    """Hands numbers back as Decimal, the way DynamoDB does."""

    def __init__(self):
        self.docs: dict[str, dict[str, Any]] = {}

    def get_attributes(self, request_envelope):
        doc = self.docs.get(request_envelope.context.system.user.user_id, {})
        return {k: Decimal(v) if isinstance(v, int) else v for k, v in doc.items()}

    def save_attributes(self, request_envelope, attributes):
        self.docs[request_envelope.context.system.user.user_id] = json.loads(json.dumps(
            attributes, default=int))

    def delete_attributes(self, request_envelope):
        self.docs.pop(request_envelope.context.system.user.user_id, None)


def test_decimal_numbers_from_dynamodb_are_coerced(configure, monkeypatch):
    import gentle_steps.skill.dynamo

    adapter = DecimalAdapter()
    calls = []
    monkeypatch.setattr(gentle_steps.skill.dynamo, "make_adapter", lambda table: calls.append(table) or adapter)
    ask = configure()
    monkeypatch.setenv("GENTLE_STEPS_TABLE", "gentle-steps-state")
    lambda_function.reset()
    ask(E.audio_event("PlaybackStopped", token(4), 12_000))
    answer = ask(E.intent("AMAZON.ResumeIntent"))
    assert calls == ["gentle-steps-state"]
    stream = the_play(answer)["audioItem"]["stream"]
    assert stream["offsetInMilliseconds"] == 12_000 and type(stream["offsetInMilliseconds"]) is int
    assert all(key.startswith(("device:", "user:")) for key in adapter.docs)
    assert E.DEVICE_ID not in json.dumps(adapter.docs)  # raw Alexa ids never reach the store


def test_only_positions_and_rotation_are_stored(ask, tmp_path):
    ask(E.intent("PlaySectionIntent", E.section_slot("something i said about my marriage", None)))
    ask(E.intent("GroundingIntent"))
    ask(E.audio_event("PlaybackStopped", token(1), 700))
    rows = sqlite3.connect(tmp_path / "state.sqlite3").execute("SELECT id, doc FROM attributes").fetchall()
    assert {json.loads(doc).keys() <= {"token", "offset_ms", "activity", "enqueued_for", "last_prompt"}
            for _, doc in rows} == {True}
    assert "marriage" not in json.dumps(rows)


def test_a_long_list_of_sections_stays_brief(configure, tmp_path):
    data = json.loads(json.dumps(CATALOG))
    template = data["episodes"][0]["sections"][1]
    data["episodes"][0]["sections"] = [
        dict(template, id=f"part-{i}", index=i, title=f"A rather long section title number {i} about trust & repair")
        for i in range(60)]
    ask = configure(write_catalog(tmp_path, data))
    answer = ask(E.intent("ListSectionsIntent"))
    said = speech(answer)
    assert "number 2 about" in said and "number 3 about" not in said and said.endswith("Want to hear more?</speak>")
    assert len(answer["response"]["card"]["content"].splitlines()) == 60
    for _ in range(19):
        answer = ask(E.intent("AMAZON.YesIntent", attributes=follow(answer)))
    said = speech(answer)
    assert "58. A rather long section title number 57" in said and said.endswith("Which one would you like to hear?</speak>")


def test_lambda_configuration_defaults(monkeypatch, tmp_path):
    for name in ("GENTLE_STEPS_CATALOG", "GENTLE_STEPS_STATE", "GENTLE_STEPS_TABLE", "AWS_LAMBDA_FUNCTION_NAME"):
        monkeypatch.delenv(name, raising=False)
    beside = Path(lambda_function.__file__).resolve().parent.parent / "catalog.json"
    expected = str(beside) if beside.is_file() else str(Path("dist") / "catalog.json")
    assert lambda_function.catalog_path() == expected
    monkeypatch.setenv("GENTLE_STEPS_CATALOG", "/opt/catalog.json")
    assert lambda_function.catalog_path() == "/opt/catalog.json"
    assert lambda_function.make_adapter().path == "state.sqlite3"
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "gentle-steps")
    assert lambda_function.make_adapter().path == "/tmp/gentle-steps-state.sqlite3"
    monkeypatch.setenv("GENTLE_STEPS_STATE", str(tmp_path / "x.sqlite3"))
    assert lambda_function.make_adapter().path == str(tmp_path / "x.sqlite3")


# --- stop after this section, CanFulfillIntentRequest ---------------------------------------------------------


def test_stop_after_this_section_clears_an_enqueued_next_and_saves_its_start(ask, tmp_path):
    ask(E.audio_event("PlaybackStarted", token(1), 0))
    assert directives(ask(E.audio_event("PlaybackNearlyFinished", token(1), 20_000)))  # the next is queued
    playing = {"token": token(1), "offsetInMilliseconds": 21_000, "playerActivity": "PLAYING"}
    answer = ask(E.intent("StopAfterSectionIntent", player=playing, new=True))
    assert [d["type"] for d in directives(answer)] == ["AudioPlayer.ClearQueue"]
    assert directives(answer)[0]["clearBehavior"] == "CLEAR_ENQUEUED"
    assert speech(answer) == "<speak>All right. I'll stop at the end of this section.</speak>"
    assert not directives(ask(E.audio_event("PlaybackNearlyFinished", token(1), 22_000)))
    ask(E.audio_event("PlaybackFinished", token(1), 23_046))
    assert_replace_all(ask(E.intent("AMAZON.ResumeIntent")), 2, 0)


def test_can_fulfill_answers_from_the_catalog_without_touching_the_store(ask, tmp_path):
    state = tmp_path / "state.sqlite3"
    answer = ask(E.can_fulfill("PlaySectionIntent", E.section_slot("betrayal is a trauma", None)))
    assert answer["response"]["canFulfillIntent"] == {
        "canFulfill": "YES", "slots": {"section": {"canUnderstand": "YES", "canFulfill": "YES"}}}
    assert ask(E.can_fulfill("SupportIntent"))["response"]["canFulfillIntent"]["canFulfill"] == "YES"
    assert ask(E.can_fulfill("AMAZON.LoopOnIntent"))["response"]["canFulfillIntent"]["canFulfill"] == "NO"
    unknown = ask(E.can_fulfill("PlaySectionIntent", E.section_slot("the weather", None)))["response"]
    assert unknown["canFulfillIntent"]["canFulfill"] == "NO"
    assert not state.exists()  # never even opened


def test_repeat_after_a_long_reading_reads_the_section_again(configure, tmp_path):
    data = json.loads(json.dumps(CATALOG))
    data["episodes"][0]["sections"][0]["text"] = "This sentence is here to take up room and space. " * 400
    ask = configure(write_catalog(tmp_path, data))
    answer = ask(E.intent("PlayEpisodeIntent", audio_player=False))
    again = ask(E.intent("AMAZON.RepeatIntent", attributes=follow(answer), audio_player=False))
    assert speech(again) == speech(answer)
    assert len(json.dumps(follow(answer))) < 200  # the reading is not carried in the session
