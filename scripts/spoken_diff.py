"""Which sentences would the voice now say differently? (The build caches audio by the spoken text.)

Runs the same planning (title, disclosure, every section's sentences, the grounding prompts) under two
installations of gentle-steps, the baseline's and this one's, and prints every sentence whose spoken text
differs, with before and after. Nothing is synthesized and nothing is written.

    .venv/bin/python scripts/spoken_diff.py --baseline-python /work/main/.venv/bin/python [--content content]
                                            [--sentences FILE]   # also: one sentence per line, spoken by both

Exit status 0 whether or not anything changed; 2 when an interpreter cannot plan the content.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs inside each interpreter; uses only the API both sides share.
_DUMP = r"""
import json, sys, tomllib
from pathlib import Path
from gentle_steps.audio.readers import read_article
from gentle_steps.audio.settings import load_show
from gentle_steps.audio.speech import lead_in, load_lexicon, plan_section, speakable

content, sentences = Path(sys.argv[1]), sys.argv[2:]
show = load_show(content)
lexicon = load_lexicon(show.path(show.lexicon))
rows = []
for path in sorted((content / "articles").iterdir()):
    if path.suffix.lower() not in (".txt", ".md", ".markdown", ".html", ".htm"):
        continue
    article = read_article(path, content)
    for i, section in enumerate(article.sections):
        lead = lead_in(article.title, show.disclosure, lexicon) if i == 0 else None
        for n, u in enumerate(plan_section(section, lexicon, lead)):
            rows.append({"where": f"{path.name} #{i} {n}", "kind": u.kind, "text": u.text, "spoken": u.spoken})
prompts = show.path(show.prompts)
if prompts.is_file():
    for n, p in enumerate(tomllib.loads(prompts.read_text(encoding="utf-8")).get("prompts", [])):
        rows.append({"where": f"prompts {n}", "kind": "prompt", "text": p, "spoken": speakable(p, lexicon)})
for n, s in enumerate(sentences):
    rows.append({"where": f"sentences {n}", "kind": "sentence", "text": s, "spoken": speakable(s, lexicon)})
print(json.dumps(rows, ensure_ascii=False))
"""


def plan(python: str, content: Path, sentences: list[str]) -> list[dict[str, str]]:
    """Every planned utterance under ``python``'s installation of gentle-steps."""
    result = subprocess.run([python, "-c", _DUMP, str(content), *sentences], capture_output=True, text=True, check=False,
                            cwd="/")
    if result.returncode != 0:
        raise SystemExit(f"error: {python} could not plan {content}:\n{result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout)


def main(argv: list[str] | None = None) -> int:
    """Print the sentences whose spoken form differs between the baseline and this checkout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-python", required=True, help="python of the baseline installation")
    parser.add_argument("--content", type=Path, default=ROOT / "content", help="content folder (default content/)")
    parser.add_argument("--sentences", type=Path, help="a text file of extra sentences, one per line")
    args = parser.parse_args(argv)
    extra = []
    if args.sentences:
        extra = [line.strip() for line in args.sentences.read_text(encoding="utf-8").splitlines() if line.strip()]
    content = args.content.resolve()
    before = plan(args.baseline_python, content, extra)
    after = plan(sys.executable, content, extra)
    if [r["text"] for r in before] != [r["text"] for r in after]:
        print("note: the two sides split the content differently; comparing by position")
    changed = 0
    for old, new in zip(before, after, strict=False):
        if old["spoken"] != new["spoken"]:
            changed += 1
            print(f"{new['where']} ({new['kind']}): {new['text']}\n  before: {old['spoken']}\n  after:  {new['spoken']}")
    print(f"{changed} of {len(after)} spoken sentences changed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
