"""``--out`` can never name a folder the author made: it is refused before anything is read or written.

Each case here once renamed the named folder away and deleted it (content/, .git, notes, the cache).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An author's project folder: content/, a git work tree, notes and a cache."""
    top = tmp_path / "show"
    shutil.copytree(ROOT / "content", top / "content")
    (top / "notes").mkdir()
    (top / "notes" / "ideas.txt").write_text("my own notes\n", encoding="utf-8")
    (top / "cache").mkdir()
    (top / "cache" / "keep.bin").write_bytes(b"cached")
    (top / "episode-art.png").write_bytes(b"\x89PNG not really")
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top


def build(project: Path, out: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gentle_steps.deploy.cli", "build", "--content", "content",
                           "--out", out, "--voice", "tone", "--jobs", "1", "--cache", "cache"],
                          cwd=project, capture_output=True, text=True, check=False, timeout=300)


@pytest.mark.parametrize("out, problem", [
    ("", "is empty"),
    (".", "is the current folder"),
    ("content", "holds the content"),
    ("content/articles", "inside the content"),
    ("..", "current folder"),
    ("cache", "holds the cache"),
    ("notes", "not a previous Gentle Steps output"),
    ("episode-art.png", "is a file"),
])
def test_out_that_would_destroy_author_files_is_refused(project: Path, out: str, problem: str):
    before = tree(project.parent)
    result = build(project, out)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("gentle-steps build: --out") and problem in lines[0], lines[0]
    assert tree(project.parent) == before


def test_out_naming_a_git_work_tree_is_refused(project: Path, tmp_path: Path):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "README").write_text("mine\n", encoding="utf-8")
    before = tree(repo)
    result = build(project, str(repo))
    assert result.returncode == 2 and "git work tree" in result.stderr, result.stderr
    assert tree(repo) == before


def test_a_previous_output_and_a_new_or_empty_folder_are_accepted(project: Path):
    assert build(project, "dist").returncode == 0
    assert (project / "dist" / "feed.xml").is_file()
    second = build(project, "dist")
    assert second.returncode == 0, second.stderr
    os.mkdir(project / "empty")
    assert build(project, "empty").returncode == 0
    assert (project / "empty" / "manifest.json").is_file()
    assert (project / "notes" / "ideas.txt").read_text(encoding="utf-8") == "my own notes\n"
