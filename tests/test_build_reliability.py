"""Nothing lost, nothing hung: every defect of issue 8's build half, reproduced, then held.

Each test names the defect it reproduces. They run the real command (in-process through ``main`` or as a real
process where signals and children matter) with the fast tone voice.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gentle_steps.audio.cache import Cache
from gentle_steps.deploy.cli import main
from test_audio_build import SEED_NAME, start_narrating_build, tone_build, tree_hashes


def run_build(capsys, content: Path, tmp: Path, *extra: str) -> tuple[int, str, str]:
    code = main(["build", "--content", str(content), "--out", str(tmp / "dist"), "--voice", "tone", "--jobs", "1",
                 "--cache", str(tmp / "cache"), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# --- Bounded resources --------------------------------------------------------------------------------------


def test_an_article_too_long_to_narrate_is_refused_before_synthesis(content_copy: Path, tmp_path: Path, capsys):
    paragraph = "Trust grows back slowly, one honest and ordinary day at a time, and that is enough. " * 40
    body = "\n\n".join(f"## Part {i}\n\n{paragraph}" for i in range(60))  # ~200,000 characters: over 3 hours
    (content_copy / "articles" / "long.md").write_text(f"# A Very Long Article\n\n{body}\n", encoding="utf-8")
    code, _, err = run_build(capsys, content_copy, tmp_path)
    assert code == 2
    line = one_line(err)
    assert "articles/long.md" in line and "hours" in line and "at most 3 hours" in line
    assert not (tmp_path / "cache" / "sentences").exists(), "nothing was synthesized"


def test_a_long_section_is_mastered_in_units_not_whole(content_copy: Path, tmp_path: Path):
    # A section longer than one mastering unit is mastered in units and joined: each unit is a cache entry.
    sentence = "Trust grows back slowly, one honest and ordinary day at a time, and that is enough. "
    (content_copy / "articles" / "long.md").write_text(
        f"# Long\n\n## Slow Part\n\n{sentence * 120}\n", encoding="utf-8")  # ~7 minutes with the tone voice
    report = tone_build(content_copy, tmp_path)
    episode = next(e for e in report.manifest.episodes if e.title == "Long")
    assert episode.sections[0].audio.duration_ms > 360_000
    from gentle_steps.audio.mastering import MAX_UNIT_SECONDS

    units = len(list((tmp_path / "cache" / "files").glob("*/*.json")))
    assert units > episode.sections[0].audio.duration_ms / 1000 / MAX_UNIT_SECONDS


# --- A cache that heals -------------------------------------------------------------------------------------


def _entries(cache: Path, pattern: str) -> list[Path]:
    return sorted(cache.glob(pattern))


@pytest.mark.parametrize("damage", ["truncate", "empty", "odd-length", "garbage"])
def test_a_damaged_sentence_in_the_cache_is_made_again(damage: str, content_copy: Path, tmp_path: Path):
    first = tone_build(content_copy, tmp_path)
    expected = {f.path: f.duration_ms for f in first.manifest.all_audio()}
    victim = _entries(tmp_path / "cache", "sentences/*/*.pcm")[3]
    data = victim.read_bytes()
    victim.write_bytes({"truncate": data[: len(data) // 2], "empty": b"", "odd-length": data + b"\x01",
                        "garbage": data[:24] + bytes(len(data) - 24)}[damage])
    shutil.rmtree(tmp_path / "cache" / "files")  # make the build read the sentences again
    second = tone_build(content_copy, tmp_path)
    assert second.synthesized == 1
    assert {f.path: f.duration_ms for f in second.manifest.all_audio()} == expected
    assert Cache(tmp_path / "cache").get_sentence(victim.stem) is not None


def test_a_truncated_cached_mp3_is_never_copied_into_dist(content_copy: Path, tmp_path: Path):
    first = tone_build(content_copy, tmp_path)
    for mp3 in _entries(tmp_path / "cache", "files/*/*.mp3"):
        mp3.write_bytes(mp3.read_bytes()[:1000])
    second = tone_build(content_copy, tmp_path)
    for audio in second.manifest.all_audio():
        data = (tmp_path / "dist" / audio.path).read_bytes()
        assert len(data) == audio.bytes > 1000
    assert [a.duration_ms for a in second.manifest.all_audio()] == [a.duration_ms for a in first.manifest.all_audio()]


# --- Interrupted builds -------------------------------------------------------------------------------------


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if text in cmdline:
                found.append(cmdline)
    return found


@pytest.mark.parametrize(("sig", "code", "word"), [(signal.SIGTERM, 143, "stopped"),
                                                   (signal.SIGINT, 130, "interrupted")])
def test_a_signal_stops_the_build_cleanly(sig, code: int, word: str, content_copy: Path, tmp_path: Path):
    tone_build(content_copy, tmp_path)
    before = tree_hashes(tmp_path / "dist")
    article = content_copy / "articles" / f"{SEED_NAME}.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("Betrayal", "Broken trust"), encoding="utf-8")
    proc, _ = start_narrating_build(content_copy, tmp_path)
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert word in one_line(err) and "previous output is untouched" in err
    assert tree_hashes(tmp_path / "dist") == before
    assert not list(tmp_path.glob(".dist.*")), "no temporary folder or lock left"
    assert not _processes_mentioning(str(tmp_path)), "no process of the build outlives it"


def test_a_killed_build_leaves_no_process_behind(content_copy: Path, tmp_path: Path):
    proc, _ = start_narrating_build(content_copy, tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while _processes_mentioning(str(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _processes_mentioning(str(tmp_path))


def test_commands_that_read_dist_recover_a_swap_killed_half_way(content_copy: Path, tmp_path: Path):
    tone_build(content_copy, tmp_path)
    os.rename(tmp_path / "dist", tmp_path / f".dist.old-{2**22 + 7}")  # killed between the swap's renames
    code = main(["package-lambda", "--dist", str(tmp_path / "dist"), "--out", str(tmp_path / "lambda.zip")])
    assert code == 0
    assert (tmp_path / "dist" / "catalog.json").is_file()


# --- Clear one-line errors ----------------------------------------------------------------------------------


def test_a_second_build_on_the_same_output_is_refused(content_copy: Path, tmp_path: Path, capsys):
    tmp_path.joinpath(".dist.lock").write_text("4242\n", encoding="utf-8")
    with open(tmp_path / ".dist.lock", encoding="utf-8") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        code, _, err = run_build(capsys, content_copy, tmp_path)
    assert code == 2
    assert "another build is writing it (pid 4242)" in one_line(err)
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(("error", "words"), [(errno.ENOSPC, "the disk is full"),
                                              (errno.EROFS, "cannot write there")])
def test_disk_full_and_read_only_are_one_line(error: int, words: str, content_copy: Path, tmp_path: Path, capsys,
                                              monkeypatch):
    tone_build(content_copy, tmp_path)
    before = tree_hashes(tmp_path / "dist")
    (content_copy / "articles" / "second.md").write_text("# Another\n\n## Part\n\nWords.\n", encoding="utf-8")
    real = shutil.copyfile

    def failing(src, dst, *args, **kwargs):
        if str(dst).endswith(".mp3"):
            raise OSError(error, os.strerror(error), str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", failing)
    code, _, err = run_build(capsys, content_copy, tmp_path)
    assert code == 1
    line = one_line(err)
    assert words in line and ".mp3" in line and "previous output is untouched" in line
    assert tree_hashes(tmp_path / "dist") == before


@pytest.mark.parametrize(("url", "problem"), [
    ("https://listen.example.org/#top", "fragment"),
    ("https://user:secret@listen.example.org/", "password"),
    ("https://listen.example.org:99999/", "Port"),
    ("https://listen.example.org/?a=1", "query"),
    ("ftp://listen.example.org/", "http(s) URL"),
])
def test_a_bad_base_url_is_refused(url: str, problem: str, content_copy: Path, tmp_path: Path, capsys):
    code, _, err = run_build(capsys, content_copy, tmp_path, "--base-url", url)
    assert code == 2
    line = one_line(err)
    assert "--base-url" in line and problem.lower() in line.lower()
    assert not (tmp_path / "dist").exists()


def test_an_upper_case_scheme_is_accepted_and_normalised(content_copy: Path, tmp_path: Path):
    report = tone_build(content_copy, tmp_path, base_url="HTTPS://Listen.Quiet-Readings.NET:8443/shows")
    assert report.manifest.base_url == "https://listen.quiet-readings.net:8443/shows/"


def test_two_text_articles_with_the_same_title_both_build(content_copy: Path, tmp_path: Path, capsys):
    for name in ("a.txt", "b.txt"):
        (content_copy / "articles" / name).write_text("Same Title\n\nSome words here.\n", encoding="utf-8")
    code, _, err = run_build(capsys, content_copy, tmp_path)
    assert code == 0, err
    assert "articles/b.txt: another article already has the id 'same-title'; this one is 'same-title-2'" in err
    assert (tmp_path / "dist" / "episodes" / "same-title-2" / "same-title-2.mp3").is_file()


def test_control_characters_in_show_toml_are_removed_and_named(content_copy: Path, tmp_path: Path, capsys):
    show = content_copy / "show.toml"
    show.write_text(show.read_text(encoding="utf-8").replace('title = "Gentle Steps"', 'title = "Gentle\\u0007 Steps"'),
                    encoding="utf-8")
    code, _, err = run_build(capsys, content_copy, tmp_path)
    assert code == 0, err
    assert "show.toml: key 'title' had control characters (U+0007); they were removed" in err
    for path in (tmp_path / "dist").rglob("*"):
        if path.suffix in (".xml", ".html", ".json", ".vtt", ".srt"):
            assert "\x07" not in path.read_text(encoding="utf-8"), path


def test_the_cli_names_where_it_looked(tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "gentle_steps.deploy.cli", "build", "--content", "nowhere",
                             "--out", str(tmp_path / "dist")], cwd=tmp_path, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"gentle-steps build: {tmp_path / 'nowhere'}: content folder not found")


def test_cache_prune_trims_least_recently_used(content_copy: Path, tmp_path: Path, capsys):
    tone_build(content_copy, tmp_path)
    cache = Cache(tmp_path / "cache")
    size = cache.size()
    assert main(["cache", "prune", "--cache", str(tmp_path / "cache"), "--max-size", str(size // 2)]) == 0
    assert "removed" in capsys.readouterr().out
    assert cache.size() <= size // 2
    again = tone_build(content_copy, tmp_path)  # what was pruned is made again
    assert again.synthesized > 0 and (tmp_path / "dist" / "feed.xml").is_file()
