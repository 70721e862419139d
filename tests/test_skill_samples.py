"""The sample requests in tests/fixtures/skill/requests/ (used by the README's curl walk-through) still work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gentle_steps.skill.runtime import SkillRuntime
from gentle_steps.skill.state import SqlitePersistenceAdapter

FIXTURES = Path(__file__).parent / "fixtures" / "skill"


@pytest.mark.parametrize("path", sorted((FIXTURES / "requests").glob("*.json")), ids=lambda p: p.stem)
def test_sample_request_is_answered(path, tmp_path):
    runtime = SkillRuntime.from_path(FIXTURES / "catalog.json", SqlitePersistenceAdapter(tmp_path / "s.sqlite3"))
    answer = runtime.answer(json.loads(path.read_text(encoding="utf-8")))
    response = answer["response"]
    assert response.get("outputSpeech") or response.get("directives")
