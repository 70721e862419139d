"""The skill stays small: its modules never pull in the build (audio/, feed/) or its heavy dependencies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent

MODULES = ["skill", "skill.catalog", "skill.ssml", "skill.tokens", "skill.state", "skill.handlers", "skill.runtime",
           "skill.lambda_function", "skill.interaction", "skill.verify", "skill.web", "skill.server"]
FORBIDDEN = ["audio", "feed", "numpy", "onnxruntime", "piper", "pydub", "scipy", "boto3", "feedgen", "lxml"]


def test_skill_modules_import_nothing_from_the_build():
    code = (
        "import importlib, json, sys\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            check=True)
    loaded = set(json.loads(result.stdout))
    assert not loaded & set(FORBIDDEN), sorted(loaded & set(FORBIDDEN))


def test_the_lambda_path_does_not_load_the_web_service_or_crypto():
    code = (
        "import json, sys\n"
        "import skill.lambda_function\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            check=True)
    loaded = set(json.loads(result.stdout))
    assert not {"waitress", "cryptography", "skill.web", "skill.verify", "skill.dynamo"} & loaded


def test_no_skill_source_mentions_the_build_packages():
    for path in (ROOT / "skill").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "from audio" not in text and "import audio" not in text, path
        assert "from feed" not in text and "import feed" not in text, path
