"""``gentle-steps voices sample``: a real process narrating a line of the sample show with the shipped voice and an
installed one (a copy of joe served by the loopback piper-voices look-alike), the MP3s decoded and measured by
Debian's ffmpeg, and the comparison page checked with axe-core in Chromium (light and dark)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pages_browser_support as pages_browser
import pytest
from lxml import html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages_browser_support import run_axe, serve  # noqa: E402
from voices_server import VoiceServer  # noqa: E402

browser = pages_browser.browser
page = pages_browser.page
axe_source = pages_browser.axe_source

ROOT = Path(__file__).resolve().parent.parent
TESTVOICE = "en_US-testvoice-medium"


def cli(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gentle_steps.deploy.cli", "voices", *args,
                           "--voices-dir", str(tmp / "voices")],
                          cwd=tmp, capture_output=True, text=True, timeout=600, check=False)


def sample(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return cli(tmp, "sample", *args, "--content", str(tmp / "content"), "--out", str(tmp / "dist"),
               "--cache", str(tmp / "cache"))


def ffmpeg() -> str:
    exe = shutil.which("ffmpeg")
    if exe is None:
        pytest.fail("Debian's ffmpeg is needed for the independent checks (.ci/run installs it)")
    return exe


def measured(path: Path) -> tuple[float, float]:
    """Duration (s) and integrated loudness (LUFS) as Debian's ffmpeg decodes and meters the file."""
    err = subprocess.run([ffmpeg(), "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128", "-f", "null",
                          "-"], capture_output=True, text=True, check=True).stderr
    hours, minutes, seconds = re.search(r"time=(\d+):(\d+):([\d.]+)", err).groups()
    lufs = float(re.search(r"I:\s+(-?[\d.]+) LUFS", err[err.rindex("Summary:"):]).group(1))
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds), lufs


@pytest.fixture(scope="module")
def sampled(tmp_path_factory) -> Path:
    """The sample show, a second voice installed, and `voices sample` run for it; returns the folder."""
    tmp = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "content", tmp / "content")
    with VoiceServer() as server:
        from gentle_steps.audio.voices.catalog import parse
        from gentle_steps.audio.voices.store import VoiceStore

        VoiceStore(tmp / "voices").install(parse(server.catalog, "test").find(TESTVOICE), server.url)
    result = sample(tmp, TESTVOICE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(str(tmp / "dist" / "voices" / "index.html"))
    return tmp


def listed(page_file: Path) -> list[tuple[str, str]]:
    tree = html.fromstring(page_file.read_bytes())
    return [(" ".join(s.xpath("string(.//h2)").split()), s.xpath("string(.//audio/@src)"))
            for s in tree.xpath("//section[.//audio]")]


pytestmark = pytest.mark.slow


def test_the_page_lists_the_chosen_voice_first_and_every_installed_voice(sampled: Path):
    voices = sampled / "dist" / "voices"
    assert sorted(p.name for p in voices.iterdir()) == ["en_US-joe-medium.mp3", f"{TESTVOICE}.mp3", "index.html",
                                                        "style.css"]
    assert listed(voices / "index.html") == [(TESTVOICE, f"{TESTVOICE}.mp3"),
                                             ("en_US-joe-medium (this show's voice)", "en_US-joe-medium.mp3")]
    assert (voices / "style.css").read_bytes() == (ROOT / "feed" / "static" / "style.css").read_bytes()
    assert (sampled / "dist" / ".gentle-steps-output").is_file()  # a later build may replace this dist/
    tree = html.fromstring((voices / "index.html").read_bytes())
    passage = " ".join(tree.xpath("string(//blockquote)").split())
    article = " ".join((sampled / "content" / "articles" / "can-you-rebuild-trust-after-betrayal.txt")
                       .read_text(encoding="utf-8").split())
    assert passage in article and 8 <= len(passage.split()) <= 30  # a line of the show's own article
    assert 'voice = "piper:en_US-testvoice-medium"' in tree.xpath("string(//section[1])")


def test_each_sample_is_mastered_like_an_episode(sampled: Path):
    for mp3 in sorted((sampled / "dist" / "voices").glob("*.mp3")):
        seconds, lufs = measured(mp3)
        assert 1.5 < seconds < 20, (mp3.name, seconds)
        assert -17.5 <= lufs <= -14.5, (mp3.name, lufs)  # the podcast profile's -16 LUFS


def test_sampling_again_comes_from_the_cache_and_gives_the_same_files(sampled: Path):
    before = {p.name: p.read_bytes() for p in (sampled / "dist" / "voices").iterdir()}
    cached = sorted(p.name for p in (sampled / "cache").rglob("*.pcm"))
    again = sample(sampled, TESTVOICE)
    assert again.returncode == 0, again.stderr
    assert {p.name: p.read_bytes() for p in (sampled / "dist" / "voices").iterdir()} == before
    assert sorted(p.name for p in (sampled / "cache").rglob("*.pcm")) == cached  # nothing narrated anew


def test_a_text_of_ones_own_through_the_spoken_text_preparation(sampled: Path, tmp_path: Path):
    shutil.copytree(sampled, tmp_path / "s")
    tmp = tmp_path / "s"
    result = sample(tmp, "en_US-joe-medium", "Call 988 at 3:30 pm, or text HOME.")
    assert result.returncode == 0, result.stderr
    tree = html.fromstring((tmp / "dist" / "voices" / "index.html").read_bytes())
    assert " ".join(tree.xpath("string(//blockquote)").split()) == "Call 988 at 3:30 pm, or text HOME."
    spoken = tree.xpath("string(//p[@class='meta'][contains(., 'What the voices are given')])")
    assert "nine eight eight" in spoken and "three thirty" in spoken, spoken
    assert listed(tmp / "dist" / "voices" / "index.html")[0][1] == "en_US-joe-medium.mp3"


@pytest.mark.parametrize("args, line", [
    (("en_US-lessac-high",), "voice en_US-lessac-high is not installed in {voices}; install it with: gentle-steps "
                             "voices add en_US-lessac-high --voices-dir {voices}"),
    (("piper", "x" * 401), "the passage to read must be 1 to 400 characters (it is 401)"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path, args, line):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    result = sample(tmp_path, *args)
    assert result.returncode == 2
    assert result.stderr.strip() == "gentle-steps voices sample: " + line.format(voices=tmp_path / "voices")
    assert not (tmp_path / "dist").exists() and not (tmp_path / "cache").exists()


def test_an_output_folder_someone_else_made_is_never_written(tmp_path: Path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = sample(tmp_path, "piper")
    assert result.returncode == 2 and "is not a previous Gentle Steps output" in result.stderr
    assert [p.name for p in (tmp_path / "dist").iterdir()] == ["notes.txt"]


@pytest.fixture(scope="module")
def sample_site(sampled: Path):
    server, base = serve(sampled / "dist")
    yield base
    server.shutdown()
    server.server_close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_page_passes_axe_and_its_players_load(page, sample_site, axe_source, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(sample_site + "voices/")
    violations = run_axe(page, axe_source)
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)
    names = page.evaluate("() => [...document.querySelectorAll('audio')].map(a => "
                          "document.getElementById(a.getAttribute('aria-labelledby')).textContent)")
    assert names[0] == TESTVOICE and names[1].startswith("en_US-joe-medium")
    durations = page.evaluate("async () => Promise.all([...document.querySelectorAll('audio')].map(a => "
                              "new Promise(r => { a.addEventListener('loadedmetadata', () => r(a.duration), "
                              "{once: true}); a.preload = 'metadata'; a.load(); })))")
    assert all(1.5 < d < 20 for d in durations), durations


def test_help_names_the_command():
    result = subprocess.run([sys.executable, "-m", "gentle_steps.deploy.cli", "voices", "sample", "--help"],
                            capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "120"})
    assert result.returncode == 0 and "a sentence from the show's articles" in result.stdout
