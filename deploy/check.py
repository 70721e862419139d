"""``gentle-steps check``: every stage's checks of a show, one line per finding naming the file and key with the fix.

Runs the content and settings checks (``audio/checks.py``), the feed's (``feed/checks.py``) and the skill's
(``skill/package_rules.py``). The build runs the same checks once its settings are loaded
(:func:`findings_for_build`). Exit status: 0, 1 when ``--strict`` and there are warnings, 2 when there are errors.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

from gentle_steps.audio.checks import (
    ERROR,
    WARNING,
    Finding,
    check_articles,
    check_lexicon,
    check_prompts,
    check_settings,
    check_voice,
)
from gentle_steps.audio.settings import SettingsError, ShowSettings, load_show, parse_show
from gentle_steps.feed.checks import check_feed
from gentle_steps.skill.package_rules import show_problems

CHECK_SCHEMA_VERSION = 1
"""``schema_version`` of the ``--json`` report."""

BUILD_REPORTS_ITSELF = frozenset({"settings-invalid", "content-not-found", "no-articles", "article-unreadable",
                                  "prompts-file-missing", "prompts-invalid", "prompt-too-long", "lexicon-invalid",
                                  "artwork-invalid", "base-url-invalid", "voice-not-installed", "voice-unusable",
                                  "voice-speaker-unknown", "lexicon-phonemes-unused"})
"""Codes the build already reports in its own words (or stops on), left out of its copy of the checks."""


def check_show(show: ShowSettings, content: Path, base_url: str,
               skip: frozenset[str] = frozenset()) -> list[Finding]:
    """Every finding about a loaded show, errors first, each stage's in a fixed order."""
    path = str(Path(show.content_dir) / "show.toml")
    found = check_settings(show, base_url) + check_feed(show)
    for item in show_problems(show.to_dict(), base_url):
        file = item["key"] if item["key"].startswith("--") else path
        key = "" if item["key"].startswith("--") else item["key"]
        found.append(Finding(item["code"], item["level"], file, key, item["message"], item["fix"]))
    found += check_voice(show) + check_lexicon(show) + check_prompts(show)
    found += check_articles(content, skip_reading="article-unreadable" in skip)
    found = [f for f in found if f.code not in skip]
    return sorted(found, key=lambda f: f.level != ERROR)


def run_checks(content: Path, base_url: str, skill_endpoint: str | None = None) -> list[Finding]:
    """Load ``content``'s show.toml and check everything; a show that cannot be loaded is one finding."""
    content = content.absolute()
    if not content.is_dir():
        return [Finding("content-not-found", ERROR, str(content), "", "content folder not found",
                        "pass --content DIR, or make one with `gentle-steps init DIR`")]
    if not re.match(r"^https?://[^\s/]+(/\S*)?$", base_url):
        return [Finding("base-url-invalid", ERROR, "--base-url", "", f"{base_url!r} is not an http(s) URL",
                        "pass the address the show is served from, e.g. https://listen.your-practice.org/")]
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    try:
        show = load_show(content)
        if skill_endpoint:
            raw = tomllib.loads((content / "show.toml").read_text(encoding="utf-8"))
            show = parse_show({**raw, "skill_endpoint": skill_endpoint}, content / "show.toml", content)
    except SettingsError as exc:
        return [settings_finding(str(exc), content / "show.toml")]
    return check_show(show, content, base_url)


def settings_finding(message: str, path: Path) -> Finding:
    """A :class:`SettingsError` as a finding: ``PATH: key 'K' problem`` split into file, key and message."""
    match = re.match(r"^(.*?): key '([^']+)' (.*)$", message, re.DOTALL)
    if match:
        return Finding("settings-invalid", ERROR, match.group(1), match.group(2), match.group(3),
                       "correct the key (every key is described in the README's Configuration table)")
    file, _, problem = message.partition(": ")
    return Finding("settings-invalid", ERROR, file or str(path), "", problem or message,
                   "run `gentle-steps init` for a commented show.toml, or correct this one")


def findings_for_build(show: ShowSettings, content: Path, base_url: str) -> tuple[list[str], list[str]]:
    """The checks as the build reports them: (error lines, warning lines), without the level prefix and without
    what the build already reports itself (:data:`BUILD_REPORTS_ITSELF`)."""
    found = check_show(show, content, base_url, skip=BUILD_REPORTS_ITSELF)

    def line(f: Finding) -> str:
        return f.text().split(": ", 1)[1]

    return [line(f) for f in found if f.level == ERROR], [line(f) for f in found if f.level == WARNING]


def exit_status(findings: list[Finding], strict: bool) -> int:
    """2 with any error, 1 with warnings under ``--strict``, else 0."""
    if any(f.level == ERROR for f in findings):
        return 2
    return 1 if strict and findings else 0


def report(findings: list[Finding], content: Path, strict: bool) -> dict:
    """The ``--json`` report."""
    return {"schema_version": CHECK_SCHEMA_VERSION, "content": str(content.absolute()),
            "errors": sum(f.level == ERROR for f in findings), "warnings": sum(f.level == WARNING for f in findings),
            "strict": strict, "exit_status": exit_status(findings, strict),
            "findings": [f.to_dict() for f in findings]}


def run(args) -> int:
    """``gentle-steps check``: print the findings (or the JSON report) and exit 0, 1 or 2."""
    content = Path(args.content)
    findings = run_checks(content, args.base_url, args.skill_endpoint)
    if args.json:
        print(json.dumps(report(findings, content, args.strict), indent=2, ensure_ascii=False))
        return exit_status(findings, args.strict)
    for finding in findings:
        print(finding.text())
    errors = sum(f.level == ERROR for f in findings)
    warnings = len(findings) - errors
    if not findings:
        print(f"No problems found in {content.absolute()}.")
    else:
        strict = " (--strict: warnings fail)" if args.strict and warnings else ""
        print(f"{errors} error(s), {warnings} warning(s){strict}.", file=sys.stderr)
    return exit_status(findings, args.strict)
