"""show.toml's voice settings: the forms ``voice`` takes, speaker, voices_dir, length_scale and [pauses], with
today's values as defaults and one error naming the key for each mistake."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gentle_steps.audio.settings import SettingsError, ShowSettings, load_show

BASE = 'title = "Quiet Hours"\nauthor = "Ana Ruiz"\ndescription = "Calm readings."\n'


def show(tmp_path: Path, extra: str = "") -> ShowSettings:
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    (content / "show.toml").write_text(BASE + extra, encoding="utf-8")
    return load_show(content)


def test_defaults_are_the_values_the_build_used_before(tmp_path: Path):
    settings = show(tmp_path)
    assert (settings.voice, settings.speaker, settings.voices_dir, settings.length_scale) == ("piper", "", "", 1.08)
    pauses = settings.pauses
    assert (pauses.before_heading, pauses.after_heading, pauses.sentence, pauses.paragraph, pauses.item,
            pauses.edge) == (1200, 800, 350, 750, 500, 400)


@pytest.mark.parametrize("value", ["piper", "gtts", "piper:en_US-lessac-high", "voices/mine.onnx",
                                   "/opt/voices/en_GB-alan-low.onnx"])
def test_every_voice_form_is_accepted(tmp_path: Path, value: str):
    assert show(tmp_path, f'voice = "{value}"\n').voice == value


@pytest.mark.parametrize("extra, key, problem", [
    ('voice = "espeak"\n', "voice", "is 'espeak'; choose piper, gtts, piper:NAME"),
    ('voice = "tone"\n', "voice", "is 'tone'; choose piper, gtts, piper:NAME"),
    ('voice = "piper:"\n', "voice", "is 'piper:'; write piper:NAME with a voice name from `gentle-steps voices list`"),
    ('voice = "pipr"\n', "voice", "did you mean 'piper'?"),
    ("voice = 3\n", "voice", "must be a string"),
    ("speaker = true\n", "speaker", "must be a speaker name"),
    ("speaker = -1\n", "speaker", "must be a speaker name"),
    ('length_scale = "slow"\n', "length_scale", "must be a number from 0.5 to 2.0"),
    ("length_scale = 3\n", "length_scale", "must be a number from 0.5 to 2.0"),
    ("length_scale = nan\n", "length_scale", "must be a number"),
    ('pauses = "long"\n', "pauses", "must be a table"),
    ("[pauses]\nsentense = 400\n", "pauses.sentense", "is not a known pause; did you mean sentence?"),
    ("[pauses]\nsentence = 0.4\n", "pauses.sentence", "whole number of milliseconds from 0 to 10000"),
    ("[pauses]\nedge = 60000\n", "pauses.edge", "whole number of milliseconds from 0 to 10000"),
    ("voices_dir = 1\n", "voices_dir", "must be a string"),
])
def test_each_mistake_is_one_error_naming_the_file_and_key(tmp_path: Path, extra: str, key: str, problem: str):
    with pytest.raises(SettingsError) as error:
        show(tmp_path, extra)
    message = str(error.value)
    assert message.startswith(f"{tmp_path / 'content' / 'show.toml'}: key '{key}' "), message
    assert problem in message and "\n" not in message


def test_pauses_given_replace_only_those_and_survive_the_manifest(tmp_path: Path):
    settings = show(tmp_path, 'speaker = 3\nlength_scale = 1\nvoices_dir = "~/voices"\n'
                              "[pauses]\nsentence = 600\nedge = 0\n")
    assert settings.speaker == "3" and settings.length_scale == 1.0 and settings.voices_dir == "~/voices"
    assert (settings.pauses.sentence, settings.pauses.edge, settings.pauses.paragraph) == (600, 0, 750)
    data = json.loads(json.dumps(settings.to_dict()))  # as the manifest stores it
    assert data["pauses"]["sentence"] == 600
    assert ShowSettings.from_dict(data) == settings
