"""gTTS: never the default, refused at once offline, and (with Google's answer replayed) a working engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses
from gentle_steps.audio.voices import gtts as gtts_voice
from gentle_steps.deploy.pipeline import BuildError, BuildOptions, build

RECORDED = Path(__file__).resolve().parent / "fixtures" / "gtts" / "batchexecute_response.txt"
ENDPOINT = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"


def test_offline_gtts_stops_before_writing_and_names_piper(content_copy: Path, tmp_path: Path, monkeypatch):
    # An address that cannot resolve stands for "no network": the check must fail at once, whatever this
    # machine's connectivity.
    monkeypatch.setattr(gtts_voice, "HOST", "translate.google.invalid")
    out = tmp_path / "dist"
    with pytest.raises(BuildError, match=r"gtts needs internet .*--voice piper"):
        build(BuildOptions(content=content_copy, out=out, voice="gtts", jobs=1, cache=tmp_path / "cache",
                           progress=False))
    assert not out.exists()
    assert not (tmp_path / "cache").exists(), "nothing written, not even the cache"


def test_gtts_is_not_the_default(content_copy: Path):
    from gentle_steps.audio.settings import load_show

    assert load_show(content_copy).voice == "piper"


@responses.activate
def test_gtts_build_with_recorded_responses(content_copy: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(gtts_voice, "preflight", lambda timeout=3.0: None)
    responses.add(responses.POST, ENDPOINT, body=RECORDED.read_text(encoding="utf-8"), status=200)
    (content_copy / "prompts.toml").write_text('prompts = ["Be gentle with yourself."]\n', encoding="utf-8")
    report = build(BuildOptions(content=content_copy, out=tmp_path / "dist", voice="gtts", jobs=1,
                                cache=tmp_path / "cache", progress=False))
    manifest = json.loads((tmp_path / "dist" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["voice"]["engine"] == "gtts"
    calls = [c for c in responses.calls if c.request.url == ENDPOINT]
    assert report.synthesized == report.sentences > 0
    assert len(calls) >= report.synthesized  # gTTS splits sentences over 100 characters into several calls
    # The request carries the spoken text, never emoji.
    bodies = " ".join(c.request.body for c in calls)
    assert "Trust%20Isn" in bodies and "%F0%9F%A7%A8" not in bodies
    assert manifest["episodes"][0]["audio"]["duration_ms"] > 30_000


@responses.activate
def test_gtts_error_response_is_a_clear_failure(content_copy: Path, tmp_path: Path, monkeypatch):
    from gentle_steps.audio.voices import VoiceError

    monkeypatch.setattr(gtts_voice, "preflight", lambda timeout=3.0: None)
    responses.add(responses.POST, ENDPOINT, body="rate limited", status=429)
    with pytest.raises(VoiceError, match="gtts failed"):
        build(BuildOptions(content=content_copy, out=tmp_path / "dist", voice="gtts", jobs=1,
                           cache=tmp_path / "cache", progress=False))
    assert not (tmp_path / "dist").exists()
