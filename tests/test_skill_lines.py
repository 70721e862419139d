"""Every line the skill says: written once, for the ear, and listed in skill/SPOKEN_LINES.md for review."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from gentle_steps.skill import lines as L
from gentle_steps.skill import ssml

ROOT = Path(__file__).parent.parent


def test_the_readable_list_of_lines_is_current():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "spoken_lines.py"), "--check"],
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    text = (ROOT / "skill" / "SPOKEN_LINES.md").read_text(encoding="utf-8")
    for name, line in L.all_lines().items():
        assert f"| `{name}` | {line.text} |" in text


def test_lines_use_one_word_for_sections_and_no_clinical_or_emergency_claims():
    for name, line in L.all_lines().items():
        lowered = line.text.lower()
        assert not re.search(r"\bparts?\b", lowered), name
        assert not re.search(r"[&<>]", line.text), name
        for clinical in ("diagnos", "disorder", "symptom", "patient", "treatment", "i can help you", "therapy session"):
            assert clinical not in lowered, name
        assert line.when, name


def test_placeholders_are_escaped_unless_already_ssml():
    assert L.WELCOME_BACK(show="Tom & Jerry", title=ssml.title("Why? <Because>")) == (
        "Welcome back to Tom &amp; Jerry. Last time you were listening to: Why, &lt;Because&gt;. Would you like "
        "to pick up where you left off?")
    assert L.WELCOME_BACK.placeholders == ["show", "title"]
