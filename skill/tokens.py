"""Playback tokens: the string Alexa hands back with every AudioPlayer event.

A token names the episode, the section and the audio version (``"<episode>|<section>|<version>"``), so an event
can be traced to the exact file that was playing, and a saved offset is ignored once that file has been rebuilt.
A breathing track's token names the reserved group :data:`BREATHING` instead of an episode (episode ids never
start with ``~``).
"""

from __future__ import annotations

from dataclasses import dataclass

from gentle_steps.skill.catalog import Catalog, Section, Track

BREATHING = "~breathing"
"""The first part of a breathing track's token."""

Playable = Section | Track
"""What the skill plays through the AudioPlayer."""

_MAX_TOKEN = 1024  # Alexa's limit on AudioPlayer tokens


@dataclass(frozen=True)
class Token:
    """A parsed playback token."""

    episode_id: str
    """Episode id."""

    section_id: str
    """Section id within the episode."""

    version: str
    """Audio version (short content hash) of the section file that was playing."""


def make_token(item: Playable) -> str:
    """The token for playing a section's or a breathing track's current audio."""
    if isinstance(item, Track):
        return f"{BREATHING}|{item.id}|{item.version}"
    return f"{item.episode_id}|{item.id}|{item.version}"


def parse_token(value: object) -> Token | None:
    """A token parsed defensively: None for anything that is not one of ours."""
    if not isinstance(value, str) or not value or len(value) > _MAX_TOKEN:
        return None
    parts = value.split("|")
    if len(parts) != 3 or not all(parts):
        return None
    return Token(*parts)


def resolve(catalog: Catalog, value: object) -> tuple[Playable, bool] | None:
    """The section or track a token names, and whether its audio is still the same version; None if unknown."""
    token = parse_token(value)
    if token is None:
        return None
    if token.episode_id == BREATHING:
        item: Playable | None = catalog.track(token.section_id)
    else:
        item = catalog.section(token.episode_id, token.section_id)
    if item is None:
        return None
    return item, item.version == token.version


def resolve_section(catalog: Catalog, value: object) -> Section | None:
    """The section a token names (None for a breathing track or anything unknown)."""
    found = resolve(catalog, value)
    return found[0] if found and isinstance(found[0], Section) else None
