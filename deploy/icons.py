"""The skill's icons as build outputs: 108 and 512 px PNGs made from the show's artwork (``audio/artwork.py``),
placed where ``skill.json`` points (``skill/interaction.py: icon_files``)."""

from __future__ import annotations

from gentle_steps.audio.artwork import cached_skill_icons
from gentle_steps.skill.interaction import icon_files


def skill_icon_files(artwork: bytes, cache, locale: str) -> dict[str, bytes]:
    """``dist/`` path -> PNG bytes for the skill package's icons, from the artwork bytes (cached in ``cache``)."""
    icons = cached_skill_icons(artwork, cache)
    return {f"skill-package/{path}": icons[size] for size, path in icon_files(locale).items()}
