"""The skill stays small: its modules never pull in the build (audio/, feed/) or its heavy dependencies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent

MODULES = ["gentle_steps.skill", "gentle_steps.skill.catalog", "gentle_steps.skill.ssml", "gentle_steps.skill.tokens", "gentle_steps.skill.state", "gentle_steps.skill.handlers", "gentle_steps.skill.runtime",
           "gentle_steps.skill.catalog_read", "gentle_steps.skill.names", "gentle_steps.skill.lines",
           "gentle_steps.skill.turn", "gentle_steps.skill.crisis", "gentle_steps.skill.playback",
           "gentle_steps.skill.events", "gentle_steps.skill.lists", "gentle_steps.skill.conversation",
           "gentle_steps.skill.canfulfill",
           "gentle_steps.skill.lambda_function", "gentle_steps.skill.interaction", "gentle_steps.skill.verify", "gentle_steps.skill.web", "gentle_steps.skill.server"]
FORBIDDEN = ["gentle_steps.audio", "gentle_steps.feed", "gentle_steps.deploy", "numpy", "onnxruntime", "piper", "pydub", "scipy", "boto3", "feedgen", "lxml"]


def test_skill_modules_import_nothing_from_the_build():
    code = (
        "import importlib, json, sys\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} | {'.'.join(m.split('.')[:2]) for m in sys.modules})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            check=True)
    loaded = set(json.loads(result.stdout))
    assert not loaded & set(FORBIDDEN), sorted(loaded & set(FORBIDDEN))


def test_the_lambda_path_does_not_load_the_web_service_or_crypto():
    code = (
        "import json, sys\n"
        "import gentle_steps.skill.lambda_function\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            check=True)
    loaded = set(json.loads(result.stdout))
    assert not {"waitress", "cryptography", "gentle_steps.skill.web", "gentle_steps.skill.verify", "gentle_steps.skill.dynamo"} & loaded


def test_no_skill_source_mentions_the_build_packages():
    for path in (ROOT / "skill").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for package in ("audio", "feed", "deploy"):
            assert f"gentle_steps.{package}" not in text, path
