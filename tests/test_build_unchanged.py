"""An unchanged rebuild stops at once, and anything that could change the output makes a real build."""

from __future__ import annotations

from pathlib import Path

from gentle_steps.deploy.cli import main
from test_audio_build import tree_hashes

NOTHING = "Nothing changed since the last build"


def build(capsys, content: Path, tmp: Path, *extra: str) -> str:
    code = main(["build", "--content", str(content), "--out", str(tmp / "dist"), "--voice", "tone", "--jobs", "1",
                 "--cache", str(tmp / "cache"), *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_an_unchanged_rebuild_does_nothing_and_any_change_rebuilds(content_copy: Path, tmp_path: Path, capsys):
    assert NOTHING not in build(capsys, content_copy, tmp_path)
    first = tree_hashes(tmp_path / "dist")
    assert NOTHING in build(capsys, content_copy, tmp_path)
    assert tree_hashes(tmp_path / "dist") == first

    # An output file changed or removed by hand: rebuilt, and the output is as before.
    (tmp_path / "dist" / "feed.xml").write_text("edited by hand", encoding="utf-8")
    assert NOTHING not in build(capsys, content_copy, tmp_path)
    assert tree_hashes(tmp_path / "dist") == first
    (tmp_path / "dist" / "index.html").unlink()
    assert NOTHING not in build(capsys, content_copy, tmp_path)
    assert tree_hashes(tmp_path / "dist") == first

    # Another option, or a changed content file: rebuilt.
    assert NOTHING not in build(capsys, content_copy, tmp_path, "--base-url", "https://listen.quiet-readings.net/")
    assert "https://listen.quiet-readings.net/feed.xml" in (tmp_path / "dist" / "feed.xml").read_text(encoding="utf-8")
    prompts = content_copy / "prompts.toml"
    prompts.write_text(prompts.read_text(encoding="utf-8").replace("\n]", '\n  "Breathe out slowly.",\n]'),
                       encoding="utf-8")
    assert NOTHING not in build(capsys, content_copy, tmp_path)
    assert "Breathe out slowly." in (tmp_path / "dist" / "catalog.json").read_text(encoding="utf-8")


def test_the_trace_file_setting_does_not_count_as_a_change(content_copy: Path, tmp_path: Path, capsys, monkeypatch):
    # GENTLE_STEPS_TRACE only asks for a timing file next to the build; the output is the same with or without it.
    monkeypatch.setenv("GENTLE_STEPS_TRACE", str(tmp_path / "trace.json"))
    assert NOTHING not in build(capsys, content_copy, tmp_path)
    assert (tmp_path / "trace.json").is_file()
    monkeypatch.delenv("GENTLE_STEPS_TRACE")
    assert NOTHING in build(capsys, content_copy, tmp_path)
