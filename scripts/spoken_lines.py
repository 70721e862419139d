#!/usr/bin/env python3
"""Write skill/SPOKEN_LINES.md: every line the skill can say, for a voice designer to review without code.

Made from ``skill/lines.py`` (each line's words and when it is said) and the crisis lines of
``audio/data/crisis.toml`` (what the skill reads for each country). ``--check`` exits 1 when the file is not
current (tests/test_skill_lines.py runs it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "skill" / "SPOKEN_LINES.md"

SECTIONS = [
    ("Choices and the welcome", "CHOICES"), ("Grounding", "NO_PROMPTS"), ("The list of sections", "LIST_OPENING"),
    ("Playing", "PLAY_EPISODE"), ("Reading a section aloud (devices without the AudioPlayer)", "NEXT_QUESTION"),
    ("Breathing", "BREATHING_START"), ("Crisis", "CRISIS_NO_LINES"),
]


def render() -> str:
    """The whole document."""
    from gentle_steps.audio.crisis import table
    from gentle_steps.skill.lines import all_lines

    starts = {first: title for title, first in SECTIONS}
    out = ["# What the skill can say", "",
           "Generated from `skill/lines.py` by `scripts/spoken_lines.py`; do not edit by hand (a test checks it is",
           "current). `{name}` is filled in when the line is said: `{show}` the show's title, `{title}` a section",
           "title read without its question marks or trailing dots, `{choices}` one of the two choice lines,",
           "`{hint}` the hint line. Every response is also kept whole in `tests/fixtures/skill/golden/`.", ""]
    for name, line in all_lines().items():
        if name in starts:
            out += [f"## {starts[name]}", "", "| line | words | when |", "|---|---|---|"]
        out.append(f"| `{name}` | {line.text} | {line.when} |")
        if name == list(all_lines())[-1] or _next_starts(name, starts):
            out.append("")
    out += ["## Crisis lines by country", "",
            "The crisis answer reads its country's lines first (the request's locale picks the country; a show's",
            "own `crisis_resources` replace its country's), every number digit by digit in its groups, slowly.",
            "", "| country | sentence | card |", "|---|---|---|"]
    out += [f"| {line.country} | {line.spoken} | {line.name}: {line.contact} |" for line in table()]
    return "\n".join(out) + "\n"


def _next_starts(name: str, starts: dict[str, str]) -> bool:
    from gentle_steps.skill.lines import all_lines

    names = list(all_lines())
    index = names.index(name)
    return index + 1 < len(names) and names[index + 1] in starts


def main(argv: list[str] | None = None) -> int:
    """Write the file, or with ``--check`` say whether it is current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if skill/SPOKEN_LINES.md is not current")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = TARGET.is_file() and TARGET.read_text(encoding="utf-8") == text
        if not current:
            print(f"{TARGET}: not current; run scripts/spoken_lines.py", file=sys.stderr)
        return 0 if current else 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
