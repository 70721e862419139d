"""Hypothesis over article shapes, through the whole build: it succeeds, or fails with one line naming the file
(exit 2), and the previous dist/ is untouched; never a traceback.

Shapes: other scripts (Greek, Hebrew, Chinese), emoji lines and emoji-only headings, control characters, very
long paragraphs, bare URLs, Markdown and plain text. The tone voice keeps each build to a few seconds.
"""

from __future__ import annotations

import shutil

from gentle_steps.deploy.cli import main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_audio_build import ROOT, tree_hashes

PIECES = st.sampled_from([
    "✨✨✨", "🧨 Trust Isn't Rebuilt", "## ✨✨", "## Καλημέρα", "## שלום", "## 你好", "# Ψ", "---", "***",
    "Breathe in slowly, and out.", "Call or text 988 any time.", "Αυτό είναι ελληνικό κείμενο.",
    "这是中文。", "See https://example.com/a?b=c for more.", "- a list item", "1. a numbered item",
    "\x07\x1b[31mred\x1b[0m", "\u200b\ufeff", "> quoted words", "(Kurz et al., 2023)", "$120/hr, 10:00AM",
    "A long sentence that goes on " + "and on " * 120 + "until it ends.",
])


def article(pieces: list[str], markdown: bool) -> str:
    title = "# A Fuzzed Article\n\n" if markdown else "A Fuzzed Article\n\n"
    return title + "\n\n".join(pieces) + "\n"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(PIECES, min_size=1, max_size=8), markdown=st.booleans())
def test_any_article_builds_or_fails_with_one_named_line(tmp_path_factory, capsys, pieces, markdown):
    tmp = tmp_path_factory.mktemp("fuzz")
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    for old in (content / "articles").iterdir():
        old.unlink()
    (content / "articles" / "calm.md").write_text("# A Calm Note\n\n## Breathing\n\nBreathe in, and out.\n",
                                                  encoding="utf-8")
    args = ["build", "--content", str(content), "--out", str(tmp / "dist"), "--voice", "tone", "--jobs", "1",
            "--cache", str(tmp / "cache")]
    assert main(args) == 0
    capsys.readouterr()
    before = tree_hashes(tmp / "dist")
    name = "fuzz.md" if markdown else "fuzz.txt"
    (content / "articles" / name).write_text(article(pieces, markdown), encoding="utf-8")
    code = main(args)
    _, err = capsys.readouterr()
    assert "Traceback" not in err
    if code != 0:
        lines = [line for line in err.splitlines() if line.startswith("gentle-steps build:")]
        assert code == 2 and len(lines) == 1 and f"articles/{name}" in lines[0], err
        assert tree_hashes(tmp / "dist") == before
    else:
        manifest = (tmp / "dist" / "manifest.json").read_text(encoding="utf-8")
        assert "\\u0007" not in manifest and "\\u001b" not in manifest
        assert "firecracker" not in manifest
