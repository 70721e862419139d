"""Whole conversations through virtual-alexa (an independent Alexa request simulator, npm) against a real
``gentle-steps serve`` on loopback: tests/virtual-alexa/conversation.test.mjs holds them.

The simulator matches what a listener says against the built interaction model and plays the AudioPlayer
directives back, so pause, resume, ENQUEUE and the crisis answer during playback are exercised the way an Echo
would. Its npm package is pinned in tests/virtual-alexa/package-lock.json; ``.ci/run`` installs it, and this test
installs it from the registry (``npm ci``) when it is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gentle_steps.audio.settings import load_show
from gentle_steps.skill.catalog import parse_catalog
from gentle_steps.skill.interaction import build_skill_package

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "skill"
RUNNER = Path(__file__).parent / "virtual-alexa"
sys.path.insert(0, str(FIXTURES))

import envelopes as E  # noqa: E402
from serving import Server  # noqa: E402


def _installed() -> None:
    node = shutil.which("node")
    assert node, "node is needed for the conversation tests (.ci/run installs Debian's nodejs)"
    if not (RUNNER / "node_modules" / "virtual-alexa").is_dir():
        subprocess.run([shutil.which("npm") or "npm", "ci", "--no-audit", "--no-fund", "--prefix", str(RUNNER)],
                       check=True, capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    _installed()
    dist = tmp_path_factory.mktemp("dist")
    # https audio: Alexa (and the simulator) play only https streams.
    text = (FIXTURES / "catalog.json").read_text(encoding="utf-8").replace("http://127.0.0.1:8080/",
                                                                          "https://cdn.example.org/")
    (dist / "catalog.json").write_text(text, encoding="utf-8")
    show = {**load_show(ROOT / "content").to_dict(), "locales": ["en-US", "en-GB"]}
    package = build_skill_package(parse_catalog(json.loads(text)), show)
    (dist / "models").mkdir()
    for path, data in package.items():
        if path.startswith("interactionModels/custom/"):
            (dist / "models" / Path(path).name).write_text(json.dumps(data), encoding="utf-8")
    state = dist / "state.sqlite3"
    server = Server(dist, state, "--insecure-skip-verify")
    try:
        yield server, dist, state
    finally:
        server.stop()


def test_conversations_through_virtual_alexa(served):
    server, dist, state = served
    env = {**os.environ, "SKILL_URL": f"{server.base}/alexa", "MODELS": str(dist / "models"),
           "STATE_FILE": str(state), "SKILL_ID": E.SKILL_ID}
    result = subprocess.run([shutil.which("node") or "node", "--test", "--test-reporter=spec",
                             str(RUNNER / "conversation.test.mjs")],
                            cwd=RUNNER, env=env, check=False, capture_output=True, text=True, timeout=600)
    report = result.stdout + result.stderr
    assert result.returncode == 0, f"{report}\n--- server log ---\n{server.errors()[-4000:]}"
    assert "ℹ fail 0" in report and "ℹ pass 12" in report, report
