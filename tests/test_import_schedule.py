"""The scheduled-sync recipes (README cron line, three-command start, GitHub Actions example) name only commands
and options the CLI has, so the documented way to run the import on a schedule cannot rot unnoticed."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from gentle_steps.deploy.cli import _parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
WORKFLOW = ROOT / "deploy" / "github-actions-sync.yml"


def commands(text: str) -> list[list[str]]:
    """Every ``gentle-steps ...`` invocation in a shell snippet, as argument lists (expressions made plain words)."""
    text = re.sub(r"\$\{\{[^}]*\}\}", "VALUE", text)
    found = []
    for match in re.finditer(r"\.venv/bin/gentle-steps ([^&;|>'\n]+)", text):
        words = shlex.split(match.group(1), comments=True)
        found.append(words)
    return found


def section(title: str) -> str:
    start = README.index(f"### {title}")
    return README[start:README.index("\n### ", start + 1)]


def test_workflow_is_scheduled_and_imports_builds_and_publishes():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"][0]["cron"].split() == ["17", "6", "*", "*", "*"]
    runs = "\n".join(step.get("run", "") for step in workflow["jobs"]["sync"]["steps"])
    subcommands = [c[0] for c in commands(runs)]
    assert subcommands[:3] == ["import", "build", "publish"]
    assert "content/.import-state.json" in runs  # committed back: the next run is conditional


@pytest.mark.parametrize("where", ["workflow", "cron", "start"])
def test_documented_commands_parse(where):
    text = {"workflow": WORKFLOW.read_text(encoding="utf-8"),
            "cron": next(block for block in section("Keep in sync on a schedule").split("```") if "17 6 * * *" in block),
            "start": section("Start from your blog").split("```")[1]}[where]
    found = commands(text)
    assert found, where
    for args in found:
        _parser().parse_args(args)  # SystemExit (a failed test) on an unknown command or option
