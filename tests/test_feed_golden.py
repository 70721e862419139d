"""Every file the feed stage renders, compared byte for byte with tests/golden/site/.

The input is the hand-made tests/golden/manifest.json (never Piper audio), so the goldens change only when the
feed, transcripts, chapters or pages change. After an intended change run ``scripts/update-golden`` and review
the diff.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
from gentle_steps.audio.model import Manifest
from gentle_steps.deploy.output import encode
from gentle_steps.feed.site import render_site

GOLDEN = Path(__file__).parent / "golden"
SITE = GOLDEN / "site"


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    return encode(render_site(Manifest.from_dict(json.loads((GOLDEN / "manifest.json").read_text(encoding="utf-8")))))


def test_golden_covers_feed_transcript_chapters_and_page():
    for name in ("feed.xml", "index.html", "episodes/can-you-rebuild-trust-after-betrayal/transcript.vtt",
                 "episodes/can-you-rebuild-trust-after-betrayal/chapters.json",
                 "episodes/can-you-rebuild-trust-after-betrayal/index.html"):
        assert (SITE / name).is_file(), f"{name} has no golden file; run scripts/update-golden"


def test_rendered_files_are_exactly_the_golden_ones(rendered):
    golden = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*") if p.is_file())
    assert sorted(rendered) == golden, "files added or removed; run scripts/update-golden if intended"


@pytest.mark.parametrize("name", sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*") if p.is_file()))
def test_rendered_file_matches_golden(rendered, name):
    expected = (SITE / name).read_bytes()
    got = rendered.get(name)
    assert got is not None, f"{name} is no longer rendered"
    if got != expected:
        diff = "\n".join(difflib.unified_diff(expected.decode().splitlines(), got.decode().splitlines(),
                                              f"golden/{name}", f"rendered/{name}", lineterm="", n=2))
        pytest.fail(f"{name} differs from its golden file (run scripts/update-golden if intended):\n{diff[:4000]}")
