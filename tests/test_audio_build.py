"""The build as a whole, with the fast test engine: manifest, incremental cache, atomic output, bad input."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gentle_steps.audio.model import SCHEMA_VERSION, Manifest
from gentle_steps.deploy.cli import main
from gentle_steps.deploy.output import OUTPUT_MARKER, recover
from gentle_steps.deploy.pipeline import BuildError, BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
SEED_NAME = "can-you-rebuild-trust-after-betrayal"


def tree_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def start_narrating_build(content: Path, tmp: Path, *extra: str) -> tuple[subprocess.Popen, Path]:
    """A real build process, returned once it is narrating (the tone voice's test hook says so)."""
    hook = tmp / "narrating.hook"
    hook.unlink(missing_ok=True)
    env = {**os.environ, "GENTLE_STEPS_TEST_HOOK": str(hook)}
    proc = subprocess.Popen([sys.executable, "-m", "gentle_steps.deploy.cli", "build", "--content", str(content),
                             "--out", str(tmp / "dist"), "--cache", str(tmp / "cold-cache"), "--voice", "tone",
                             "--jobs", "1", *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    deadline = time.monotonic() + 120
    while not hook.exists():
        assert proc.poll() is None, f"the build ended before narrating: {proc.communicate()}"
        assert time.monotonic() < deadline, "the build never started narrating"
        time.sleep(0.05)
    return proc, hook
def publishable(content: Path) -> None:
    """Give the sample show the addresses a published show has, so `check` finds nothing under --strict."""
    keys = ('website = "https://quiet-readings.net/"\nowner_email = "hello@quiet-readings.net"\n'
            'privacy_url = "https://quiet-readings.net/privacy"\nterms_url = "https://quiet-readings.net/terms"\n'
            'skill_endpoint = "arn:aws:lambda:us-east-1:123456789012:function:readings"\n')
    show = content / "show.toml"
    text = show.read_text(encoding="utf-8")
    show.write_text(text.replace("[[crisis_resources]]", keys + "[[crisis_resources]]", 1), encoding="utf-8")


def tone_build(content: Path, tmp: Path, **kwargs):
    options = BuildOptions(content=content, out=tmp / "dist", voice="tone", jobs=1, cache=tmp / "cache",
                           progress=False, **kwargs)
    return build(options)


def test_manifest_lists_every_episode_section_sentence_and_file(tone_dist: Path):
    data = json.loads((tone_dist / "manifest.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION
    manifest = Manifest.from_dict(data)
    episode = manifest.episodes[0]
    assert episode.id == SEED_NAME and episode.number == 1
    assert [s.index for s in episode.sections] == list(range(6))
    for audio in manifest.all_audio():
        path = tone_dist / audio.path
        payload = path.read_bytes()
        assert audio.bytes == len(payload)
        assert audio.sha256 == hashlib.sha256(payload).hexdigest()
        assert audio.url == "http://127.0.0.1:8080/" + audio.path
        assert audio.duration_ms > 0
    sentences = [s for sec in episode.sections for s in sec.sentences]
    assert sentences[0].kind == "title" and sentences[1].kind == "disclosure"
    assert all(s.start_ms < s.end_ms for s in sentences)
    # Monotonic in the episode, and inside each section's own file.
    starts = [s.episode_start_ms for s in sentences]
    assert starts == sorted(starts)
    for sec in episode.sections:
        assert sec.sentences[-1].end_ms <= sec.audio.duration_ms
        assert sec.episode_start_ms <= sec.sentences[0].episode_start_ms
    assert episode.sections[-1].episode_end_ms == episode.audio.duration_ms
    assert len(manifest.prompts) == 7 and manifest.prompts[0].text == "Be gentle with yourself."


def test_chapters_start_at_each_section_heading(tone_dist: Path):
    manifest = Manifest.from_dict(json.loads((tone_dist / "manifest.json").read_text(encoding="utf-8")))
    episode = manifest.episodes[0]
    assert episode.sections[0].episode_start_ms == 0
    for prev, sec in zip(episode.sections, episode.sections[1:], strict=False):
        assert prev.episode_end_ms == sec.episode_start_ms
        assert sec.sentences[0].kind == "heading"
        assert sec.sentences[0].episode_start_ms == sec.episode_start_ms


def test_unchanged_rebuild_synthesizes_nothing_and_is_byte_identical(content_copy: Path, tmp_path: Path):
    first = tone_build(content_copy, tmp_path)
    before = tree_hashes(tmp_path / "dist")
    second = tone_build(content_copy, tmp_path)
    assert first.synthesized == first.sentences > 0
    assert second.synthesized == 0 and second.files_encoded == 0
    assert tree_hashes(tmp_path / "dist") == before


def test_editing_one_paragraph_resynthesizes_only_its_sentences(content_copy: Path, tmp_path: Path):
    tone_build(content_copy, tmp_path)
    article = content_copy / "articles" / f"{SEED_NAME}.txt"
    text = article.read_text(encoding="utf-8")
    old = "That’s okay.\nYou don’t have to decide right now."
    assert old in text
    article.write_text(text.replace(old, "That is okay.\nYou do not have to decide today."), encoding="utf-8")
    report = tone_build(content_copy, tmp_path)
    assert report.synthesized == 2
    # Only the edited section's file, the episode and what describes them change; other sections stay.
    assert report.files_encoded == 2


def test_failure_while_writing_leaves_previous_dist_intact(content_copy: Path, tmp_path: Path, monkeypatch):
    tone_build(content_copy, tmp_path)
    before = tree_hashes(tmp_path / "dist")
    (content_copy / "articles" / "second.md").write_text("# Another\n\n## Part\n\nWords.\n", encoding="utf-8")
    written = []
    real_write = Path.write_bytes

    def failing_write(self: Path, data: bytes) -> int:
        written.append(self)
        if len(written) == 5:
            raise OSError(28, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write)
    with pytest.raises(OSError):
        tone_build(content_copy, tmp_path)
    monkeypatch.undo()
    assert tree_hashes(tmp_path / "dist") == before
    assert not list(tmp_path.glob(".dist.*")), "the temporary folder is cleaned up"


def test_killed_build_leaves_previous_dist_intact(content_copy: Path, tmp_path: Path):
    tone_build(content_copy, tmp_path)
    before = tree_hashes(tmp_path / "dist")
    article = content_copy / "articles" / f"{SEED_NAME}.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("Betrayal", "Broken trust"), encoding="utf-8")
    proc, _ = start_narrating_build(content_copy, tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert tree_hashes(tmp_path / "dist") == before
    # The next build recovers: it succeeds and leaves no stale folders.
    tone_build(content_copy, tmp_path)
    assert not list(tmp_path.glob(".dist.*"))


def test_interrupted_swap_is_recovered(tmp_path: Path):
    old = tmp_path / ".dist.old-999999"
    old.mkdir()
    (old / "feed.xml").write_text("previous", encoding="utf-8")
    recover(tmp_path / "dist")
    assert (tmp_path / "dist" / "feed.xml").read_text(encoding="utf-8") == "previous"


# --- Bad input: one clear line naming the file and the problem, non-zero exit, nothing written --------------


def _expect_failure(capsys, args: list[str], *needles: str) -> None:
    code = main(["build", *args])
    err = capsys.readouterr().err
    assert code != 0
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err


def _prepare(content_copy: Path, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "feed.xml").write_text("the previous feed", encoding="utf-8")
    (dist / OUTPUT_MARKER).write_text("", encoding="utf-8")
    args = ["--content", str(content_copy), "--out", str(dist), "--voice", "tone", "--jobs", "1",
            "--cache", str(tmp_path / "cache")]
    return args, tree_hashes(dist)


ARTICLE_CASES = {
    "empty.txt": (b"", "empty.txt: the article is empty"),
    "blank.txt": (b" \n\t\n", "blank.txt: the article is empty"),
    "latin1.txt": ("Caf\u00e9\n\nWords".encode("latin-1"), "latin1.txt: not UTF-8"),
    "binary.txt": (b"\x00\x01\x02binary", "binary.txt: looks like a binary file"),
    "nav-only.txt": (b"Title\n\nPrevious\nPrevious\n\nA\n\nNext\nNext\n\nB\n", "nav-only.txt: no article text left"),
    "huge.txt": (b"Title\n\n" + b"x" * (2 * 1024 * 1024 + 1), "huge.txt: file is 2.0 MB"),
}


@pytest.mark.parametrize("name", sorted(ARTICLE_CASES))
def test_bad_article_fails_cleanly(name: str, content_copy: Path, tmp_path: Path, capsys):
    args, before = _prepare(content_copy, tmp_path)
    data, message = ARTICLE_CASES[name]
    (content_copy / "articles" / name).write_bytes(data)
    _expect_failure(capsys, args, message)
    assert tree_hashes(tmp_path / "dist") == before


SHOW_CASES = {
    "missing": (None, "show.toml: show settings file is missing"),
    "not toml": ("title = ", "show.toml: not valid TOML"),
    "no title": ('author = "A"\ndescription = "D"\n', "show.toml: key 'title' is missing"),
    "bad explicit": ('title = "Two Words"\nauthor = "A"\ndescription = "D"\nexplicit = "no"\n',
                     "show.toml: key 'explicit' must be true or false"),
    "unknown key": ('title = "Two Words"\nauthor = "A"\ndescription = "D"\ncolour = "blue"\n',
                    "show.toml: key 'colour' is not a known setting"),
    "bad voice": ('title = "Two Words"\nauthor = "A"\ndescription = "D"\nvoice = "robot"\n',
                  "key 'voice' is 'robot'; choose piper, gtts, piper:NAME"),
    "bad invocation": ('title = "Two Words"\nauthor = "A"\ndescription = "D"\ninvocation_name = "alexa steps"\n',
                       "key 'invocation_name' uses a word Amazon forbids: alexa"),
}


@pytest.mark.parametrize("case", sorted(SHOW_CASES))
def test_bad_show_settings_name_the_key(case: str, content_copy: Path, tmp_path: Path, capsys):
    args, before = _prepare(content_copy, tmp_path)
    text, message = SHOW_CASES[case]
    show = content_copy / "show.toml"
    if text is None:
        show.unlink()
    else:
        show.write_text(text, encoding="utf-8")
    _expect_failure(capsys, args, message)
    assert tree_hashes(tmp_path / "dist") == before


def test_missing_content_folder_and_empty_articles(tmp_path: Path, content_copy: Path, capsys):
    args, before = _prepare(content_copy, tmp_path)
    _expect_failure(capsys, ["--content", str(tmp_path / "nowhere"), "--out", str(tmp_path / "dist")],
                    "nowhere: content folder not found")
    shutil.rmtree(content_copy / "articles")
    (content_copy / "articles").mkdir()
    _expect_failure(capsys, args, "articles: no articles")
    shutil.rmtree(content_copy / "articles")
    _expect_failure(capsys, args, "articles: articles folder not found")
    assert tree_hashes(tmp_path / "dist") == before


def test_unknown_voice(content_copy: Path, tmp_path: Path, capsys):
    args, before = _prepare(content_copy, tmp_path)
    args[args.index("--voice") + 1] = "espeak"
    with pytest.raises(SystemExit) as stopped:  # --voice checks its form: argparse refuses it
        main(["build", *args])
    assert stopped.value.code == 2
    assert "argument --voice: 'espeak' is not a voice; choose piper, gtts, tone, piper:NAME" in capsys.readouterr().err
    (content_copy / "show.toml").write_text((content_copy / "show.toml").read_text(encoding="utf-8")
                                            .replace('voice = "piper"', 'voice = "espeak"'), encoding="utf-8")
    _expect_failure(capsys, args[:args.index("--voice")] + args[args.index("--voice") + 2:], "'espeak'", "piper")
    assert tree_hashes(tmp_path / "dist") == before


def test_no_headings_warns_and_strict_fails(content_copy: Path, tmp_path: Path, capsys):
    args, before = _prepare(content_copy, tmp_path)
    (content_copy / "articles" / "note.txt").write_text("A Note\n\nJust a few words.\n", encoding="utf-8")
    _expect_failure(capsys, [*args, "--strict"], "note.txt: no headings found", "(--strict)")
    assert tree_hashes(tmp_path / "dist") == before
    assert main(["build", *args]) == 0
    captured = capsys.readouterr()
    assert "warning: articles/note.txt: no headings found" in captured.err
    # The sample's own `check` warnings (README: expected for a local sample) are counted too.
    assert f"{captured.err.count('warning: ')} warning(s)" in captured.out


def test_too_long_prompt_is_left_out_with_a_warning(content_copy: Path, tmp_path: Path):
    long_prompt = " ".join(["breathe"] * 30)
    (content_copy / "prompts.toml").write_text(f'prompts = ["Be gentle with yourself.", "{long_prompt}"]\n',
                                               encoding="utf-8")
    report = tone_build(content_copy, tmp_path)
    assert [p.text for p in report.manifest.prompts] == ["Be gentle with yourself."]
    assert any("30 words" in w for w in report.warnings)
    with pytest.raises(BuildError, match="at most 25"):
        tone_build(content_copy, tmp_path, strict=True)


def test_several_articles_become_episodes_in_date_then_title_order(content_copy: Path, tmp_path: Path):
    articles = content_copy / "articles"
    (articles / "b.md").write_text("---\ntitle: Beta Note\ndate: 2020-01-02\n---\n\n## One\n\nWords.\n", encoding="utf-8")
    (articles / "a.md").write_text("---\ntitle: Alpha Note\ndate: 2020-01-02\n---\n\n## One\n\nWords.\n", encoding="utf-8")
    (articles / "z.md").write_text("---\ntitle: Zed Note\ndate: 2019-05-05\n---\n\n## One\n\nWords.\n", encoding="utf-8")
    report = tone_build(content_copy, tmp_path)
    titles = [e.title for e in report.manifest.episodes]
    assert titles[:3] == ["Zed Note", "Alpha Note", "Beta Note"]
    assert [e.number for e in report.manifest.episodes] == list(range(1, len(titles) + 1))


def test_cli_process_reports_bad_input_without_traceback(tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "gentle_steps.deploy.cli", "build", "--content", str(tmp_path / "none"),
                             "--out", str(tmp_path / "dist")], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(f"gentle-steps build: {tmp_path / 'none'}: content folder not found (")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "dist").exists()


def test_a_section_over_alexas_240_seconds_is_listed_but_not_a_warning(tmp_path: Path, capsys):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for old in (content / "articles").iterdir():
        old.unlink()
    # The test engine speaks 45 ms per character: 6,000 characters is about 270 s.
    sentence = "Trust grows back slowly, one honest and ordinary day at a time, and that is enough. "
    body = sentence * (6000 // len(sentence) + 1)
    (content / "articles" / "long.md").write_text(f"# Long\n\n## Slow Part\n\n{body}\n\n## Short Part\n\nDone.\n",
                                                  encoding="utf-8")
    publishable(content)
    args = ["build", "--content", str(content), "--out", str(tmp_path / "dist"), "--voice", "tone", "--jobs", "1",
            "--cache", str(tmp_path / "cache"), "--strict", "--base-url", "https://listen.quiet-readings.net/"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "note: articles/long.md: section 'Slow Part' is" in out and "over Alexa's 240 s" in out
    manifest = json.loads((tmp_path / "dist" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["episodes"][0]["sections"][0]["audio"]["duration_ms"] > 240_000
