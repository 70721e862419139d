"""The skill's catalog: the small JSON the build writes to ``dist/catalog.json`` for ``skill/``.

The skill reads only this file (never ``audio/`` or ``feed/``), so it holds exactly what the skill says and
plays: section titles with spoken synonyms, audio URLs and durations, grounding prompts, and the support text.
"""

from __future__ import annotations

from typing import Any

from gentle_steps.audio.model import Manifest
from gentle_steps.skill.catalog import spoken_form  # one definition: the skill matches what it hears with it

CATALOG_SCHEMA_VERSION = 1
"""Version of ``catalog.json``; ``skill/`` refuses any other."""

_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth"]
_NUMBERS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
_LEADING = {"what", "why", "how", "the", "a", "an", "if", "but", "is", "are", "can", "you", "your", "when"}
_TRAILING_NOISE = {"actually", "alone", "right", "now", "really"}


def synonyms_for(title: str, index: int) -> list[str]:
    """Other ways a listener may name a section: its key words, and "part three" / "the third section"."""
    full = spoken_form(title)
    words = full.split()
    found: list[str] = []
    trimmed = list(words)
    while len(trimmed) > 2 and trimmed[0] in _LEADING:
        trimmed.pop(0)
    for candidate in (" ".join(trimmed), " ".join(w for w in trimmed if w not in _TRAILING_NOISE)):
        if candidate and candidate != full and candidate not in found:
            found.append(candidate)
    if index < len(_NUMBERS):
        found += [f"part {_NUMBERS[index]}", f"section {_NUMBERS[index]}", f"the {_ORDINALS[index]} section",
                  f"the {_ORDINALS[index]} part"]
    return found


def section_text(sentences: list[Any]) -> str:
    """The section as plain sentences, for devices that cannot play its audio."""
    return " ".join(s.spoken for s in sentences if s.kind not in ("title", "disclosure"))


def build_catalog(manifest: Manifest) -> dict[str, Any]:
    """The catalog for ``manifest`` as a JSON-ready dict (keys in a fixed order for byte-identical output)."""
    show = manifest.show
    base = manifest.base_url
    return {
        "schema_version": CATALOG_SCHEMA_VERSION,
        "base_url": base,
        "show": {
            "title": show["title"],
            "invocation_name": show["invocation_name"],
            "language": show["language"],
            "disclosure": show["disclosure"],
            "disclaimer": show["disclaimer"],
            "artwork_url": manifest.artwork.get("url", ""),
            "crisis_resources": show["crisis_resources"],
        },
        "episodes": [
            {
                "id": ep.id,
                "number": ep.number,
                "title": ep.title,
                "page_url": f"{base}episodes/{ep.id}/",
                "audio_url": ep.audio.url,
                "duration_ms": ep.audio.duration_ms,
                "sections": [
                    {
                        "id": sec.id,
                        "index": sec.index,
                        "title": sec.title,
                        "synonyms": synonyms_for(sec.title, sec.index),
                        "audio_url": sec.audio.url,
                        "duration_ms": sec.audio.duration_ms,
                        "version": sec.audio.sha256[:12],
                        "text": section_text(sec.sentences),
                    }
                    for sec in ep.sections
                ],
            }
            for ep in manifest.episodes
        ],
        "prompts": [
            {"id": p.id, "text": p.text, "audio_url": p.audio.url, "duration_ms": p.audio.duration_ms}
            for p in manifest.prompts
        ],
    }
