"""Shared fixtures: real builds of the sample content, made once per test session.

``seed_dist`` narrates content/ with the real Piper voice; ``tone_dist`` uses the deterministic test engine
(fast, no speech) for tests about structure rather than sound. Both return the built dist/ folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _build(tmp: Path, voice: str, jobs: int) -> Path:
    from audio.build import BuildOptions, build

    content = tmp / "content"
    shutil.copytree(CONTENT, content)
    out = tmp / "dist"
    build(BuildOptions(content=content, out=out, voice=voice, jobs=jobs, cache=tmp / "cache",
                       base_url="http://127.0.0.1:8080/", progress=False))
    return out


@pytest.fixture(scope="session")
def seed_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ built from content/ with the real Piper voice (the slow, real path)."""
    return _build(tmp_path_factory.mktemp("seed"), "piper", min(2, os.cpu_count() or 1))


@pytest.fixture(scope="session")
def tone_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ built from content/ with the fast deterministic test engine."""
    return _build(tmp_path_factory.mktemp("tone"), "tone", 1)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A private copy of content/ to edit."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target
