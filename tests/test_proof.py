"""``gentle-steps proof`` on real Piper narration: the seed build's report, a deliberately wrong lexicon entry
caught by ``build --proof``, and the command's answers to a missing build or a missing extra."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import WRONG_ENTRY, _cli
from gentle_steps.audio.model import Manifest
from gentle_steps.audio.proof_report import ProofReport

MAX_SAMPLE_MISS_RATE = 0.02
"""Issue 10: on the sample, the recognizer misses at most 2% of the words."""


def _report(dist: Path) -> ProofReport:
    return ProofReport.from_dict(json.loads((dist / "proof" / "report.json").read_text(encoding="utf-8")))


def _manifest(dist: Path) -> Manifest:
    return Manifest.from_dict(json.loads((dist / "manifest.json").read_text(encoding="utf-8")))


def _hashes(root: Path, skip: str | None = None) -> dict[str, str]:
    files = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}
    return {rel: hashlib.sha256(p.read_bytes()).hexdigest() for rel, p in files.items()
            if skip is None or not rel.startswith(skip)}


@pytest.mark.slow
def test_proof_of_the_sample_lists_every_sentence_with_miss_rates(seed_proof):
    dist, status, out = seed_proof
    assert status == 0
    report, manifest = _report(dist), _manifest(dist)
    sections = [sec for ep in manifest.episodes for sec in ep.sections]
    # It listens to what podcast listeners hear: each section's stretch of the whole episode.
    assert [(s.id, s.audio) for s in report.sections()] == [(s.id, ep.audio.path) for ep in manifest.episodes
                                                              for s in ep.sections]
    for proof, section in zip(report.sections(), sections, strict=True):
        assert [(s.text, s.spoken, s.start_ms, s.end_ms) for s in proof.sentences] == [
            (s.text, s.spoken, s.episode_start_ms, s.episode_end_ms) for s in section.sentences]
        assert proof.words == sum(s.words for s in proof.sentences) > 0
        assert proof.miss_rate == round(proof.missed / proof.words, 4)
        for s in proof.sentences:
            assert s.words > 0 and 0 <= s.miss_rate <= 1 and 0 <= s.confidence <= 1
            assert s.flagged == bool(s.changes)
            assert s.heard, f"nothing heard for {s.text!r}"
    assert report.sentences == sum(len(s.sentences) for s in sections)
    assert report.words == sum(s.words for s in report.sections())
    assert report.miss_rate <= MAX_SAMPLE_MISS_RATE, f"missed {report.missed} of {report.words} words"
    assert report.recognizer["model"] == "tiny.en"
    summary = out.strip().splitlines()[-1]
    assert summary.startswith(f"Proof-listened {len(sections)} section(s), {report.sentences} sentences")
    assert f"missed {report.missed} of {report.words} words" in summary
    assert ProofReport.from_dict(report.to_dict()) == report


@pytest.mark.slow
def test_proof_writes_only_dist_proof(seed_dist, seed_proof):
    dist, _status, _out = seed_proof
    before = _hashes(seed_dist)
    assert before and _hashes(dist, skip="proof/") == before
    assert sorted(p.name for p in (dist / "proof").iterdir()) == ["index.html", "proof.css", "proof.js",
                                                                  "report.json"]


@pytest.mark.slow
def test_a_wrong_lexicon_entry_flags_exactly_its_sentence(wrong_lexicon_proof):
    dist, status, out = wrong_lexicon_proof
    assert status == 0, out
    word, respelling = WRONG_ENTRY
    report = _report(dist)
    sentences = [s for sec in report.sections() for s in sec.sentences]
    flagged = [s for s in sentences if s.flagged]
    assert [s.text for s in flagged] == [s.text for s in sentences if word in s.text.lower()]
    (sentence,) = flagged
    assert respelling in sentence.spoken
    assert any(word in c.expected.split() and c.heard != word for c in sentence.changes)
    assert word not in sentence.heard.lower().split()
    entry = f'{word} = "{respelling}"'
    assert sentence.lexicon == [entry]
    assert entry in sentence.suggestion
    assert [(s.action, s.entry) for s in report.suggestions] == [("check", entry)]
    assert out.strip().splitlines()[-1].startswith("Proof-listened 1 section(s)")


def test_proof_without_a_build_is_one_line_and_exit_2(tmp_path, capsys):
    status, out = _cli(["proof", "--dist", str(tmp_path / "dist")])
    err = capsys.readouterr().err
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and str(tmp_path / "dist") in err and "gentle-steps build" in err


def test_proof_without_the_extra_names_it_in_one_line(tmp_path):
    # The recognizer's package made unimportable, as in an install without the extra.
    code = ("import sys; sys.modules['faster_whisper'] = None; from gentle_steps.deploy.cli import main; "
            f"sys.exit(main(['proof', '--dist', {str(tmp_path)!r}]))")
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "gentle-steps[proof]" in result.stderr and "faster_whisper" in result.stderr


def test_proof_of_an_unreadable_manifest_is_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    status, out = _cli(["proof", "--dist", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and str(tmp_path / "manifest.json") in err
    assert not (tmp_path / "proof").exists()


def test_proof_with_the_episode_file_missing_names_it_and_writes_nothing(tone_dist, tmp_path, capsys):
    dist = tmp_path / "dist"
    shutil.copytree(tone_dist, dist)
    missing = dist / _manifest(dist).episodes[0].audio.path
    missing.unlink()
    status, out = _cli(["proof", "--dist", str(dist)])
    err = capsys.readouterr().err
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and str(missing) in err
    assert not (dist / "proof").exists()
