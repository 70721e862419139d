"""The command line: --version, help with descriptions and examples, "did you mean", folders named in full."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from gentle_steps.deploy.cli import main

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ("init", "check", "build", "serve", "package-lambda", "publish")


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gentle_steps.deploy.cli", *args], cwd=cwd, capture_output=True,
                          text=True, check=False, env={**os.environ, "COLUMNS": "120"})


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == "gentle-steps 0.1.0"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_a_description_and_examples(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    description = out.split("\n\n")[1]
    assert len(description.split()) >= 6, out
    examples = out.split("examples:\n", 1)[1]
    assert f"gentle-steps {command}" in examples


def test_voice_lists_its_forms(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--voice VOICE" in help_text
    for form in ("piper (the shipped voice)", "piper:NAME", "a path to a Piper .onnx", "gtts", "tone"):
        assert form in help_text


@pytest.mark.parametrize("value, problem", [
    ("piper:", "'piper:' is not a voice; write piper:NAME"),
    ("piper:../elsewhere", "'piper:../elsewhere' is not a voice; write piper:NAME"),
    ("espeak", "'espeak' is not a voice; choose piper, gtts, tone, piper:NAME"),
])
def test_a_voice_in_no_known_form_is_refused_before_anything_runs(value, problem):
    result = run("build", "--voice", value)
    assert result.returncode == 2 and problem in result.stderr, result.stderr


@pytest.mark.parametrize("args, hint", [
    (["buidl"], "did you mean 'build'?"),
    (["chek"], "did you mean 'check'?"),
    (["build", "--bse-url", "https://x.net/"], "did you mean --base-url?"),
    (["check", "--jsno"], "did you mean --json?"),
    (["build", "--voice", "pipr"], "did you mean 'piper'?"),
])
def test_a_mistyped_command_flag_or_choice_gets_did_you_mean(args, hint):
    result = run(*args)
    assert result.returncode == 2 and hint in result.stderr, result.stderr


@pytest.mark.parametrize("command, flag", [("build", "--content"), ("check", "--content"), ("serve", "--dist"),
                                           ("package-lambda", "--dist")])
def test_a_missing_folder_is_named_by_its_absolute_path(tmp_path, command, flag):
    result = run(command, flag, "nowhere", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"gentle-steps {command}: {tmp_path / 'nowhere'}: ")
    assert len(result.stderr.strip().splitlines()) == 1
