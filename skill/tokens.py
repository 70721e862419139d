"""Playback tokens: the string Alexa hands back with every AudioPlayer event.

A token names the episode, the section and the audio version (``"<episode>|<section>|<version>"``), so an event
can be traced to the exact file that was playing, and a saved offset is ignored once that file has been rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass

from gentle_steps.skill.catalog import Catalog, Section

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


def make_token(section: Section) -> str:
    """The token for playing ``section``'s current audio."""
    return f"{section.episode_id}|{section.id}|{section.version}"


def parse_token(value: object) -> Token | None:
    """A token parsed defensively: None for anything that is not one of ours."""
    if not isinstance(value, str) or not value or len(value) > _MAX_TOKEN:
        return None
    parts = value.split("|")
    if len(parts) != 3 or not all(parts):
        return None
    return Token(*parts)


def resolve(catalog: Catalog, value: object) -> tuple[Section, bool] | None:
    """The section a token names, and whether its audio is still the same version; None if unknown."""
    token = parse_token(value)
    if token is None:
        return None
    section = catalog.section(token.episode_id, token.section_id)
    if section is None:
        return None
    return section, section.version == token.version
