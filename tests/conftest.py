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
    from gentle_steps.deploy.pipeline import BuildOptions, build

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


@pytest.fixture
def blog():
    """The loopback blog that `import` reads (tests/fixtures/import/blogserver.py), for one test."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "import"))
    from blogserver import BlogServer

    server = BlogServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def endpoint():
    """A moto server (S3, DynamoDB, CloudFront) on a free loopback port, for one test module."""
    from moto import server as moto_server
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def use_fake_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, region: str) -> None:
    """Credentials and region for the local server only; no shared AWS config is read."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)


# --- Proof-listening (tests/test_proof*.py) ------------------------------------------------------------------


def _cli(argv: list[str]) -> tuple[int, str]:
    """Run the ``gentle-steps`` command in this process; returns its exit status and what it printed."""
    import contextlib
    import io

    from gentle_steps.deploy.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(argv)
    return status, out.getvalue()


@pytest.fixture(scope="session")
def seed_proof(seed_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """A copy of the Piper seed build after ``gentle-steps proof``: (dist, exit status, printed summary)."""
    dist = tmp_path_factory.mktemp("seed-proof") / "dist"
    shutil.copytree(seed_dist, dist)
    status, out = _cli(["proof", "--dist", str(dist), "--content", str(CONTENT)])
    return dist, status, out


WRONG_ENTRY = ("shoulders", "zorp blee")
"""A deliberately wrong lexicon entry: a common word respelled into nonsense."""


@pytest.fixture(scope="session")
def wrong_lexicon_proof(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """A one-section article narrated by Piper with :data:`WRONG_ENTRY` in its lexicon, built with
    ``gentle-steps build --proof``: (dist, exit status, printed output)."""
    tmp = tmp_path_factory.mktemp("wrong-lexicon")
    content = tmp / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("articles"))
    shutil.copytree(FIXTURES / "proof" / "articles", content / "articles")
    (content / "prompts.toml").write_text('prompts = ["Be gentle with yourself."]\n', encoding="utf-8")
    with (content / "lexicon.toml").open("a", encoding="utf-8") as lexicon:
        lexicon.write(f'"{WRONG_ENTRY[0]}" = "{WRONG_ENTRY[1]}"\n')
    dist = tmp / "dist"
    status, out = _cli(["build", "--content", str(content), "--out", str(dist), "--voice", "piper", "--jobs", "1",
                        "--cache", str(tmp / "cache"), "--proof"])
    return dist, status, out


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped test is a failure: every test must run on a fresh clone (.ci/run installs what they need)."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and os.environ.get("CI") and exitstatus == 0:
        for report in skipped:
            print(f"\nunexpected skip in CI: {report.nodeid}: {report.longrepr}")
        session.exitstatus = 1
