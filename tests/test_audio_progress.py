"""Progress during a build: a bar on a terminal, plain lines otherwise, and silence when asked."""

from __future__ import annotations

from gentle_steps.audio.narrate import _Progress


def run(progress: _Progress) -> None:
    for kind in ("synthesize", "synthesize", "master"):
        progress.add(kind)
    for kind in ("synthesize", "synthesize", "master"):
        progress.step(kind)
    progress.close()


def test_a_bar_counts_sentences_and_audio(capsys):
    run(_Progress(True))
    assert "narrated 2 of 2 sentences, mastered 1 of 1 pieces of audio" in capsys.readouterr().err


def test_without_a_terminal_plain_lines_and_asked_for_nothing_nothing(capsys):
    run(_Progress(None, every=0.0))  # not a terminal under pytest: plain lines
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "narrated 2 of 2 sentences, mastered 1 of 1 pieces of audio"
    run(_Progress(False))
    assert capsys.readouterr().err == ""
