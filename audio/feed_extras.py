"""The optional Podcasting 2.0 extras of show.toml: ``[[funding]]``, ``[license]``, ``[[txt]]``, ``[[soundbite]]``.

Each table is validated to the namespace's rules (https links, text limits), errors naming the key.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Funding:
    """A way to support the show (``podcast:funding``): apps show the text next to the link."""

    url: str
    """Where the link goes; https, as the Podcasting 2.0 namespace requires."""

    text: str
    """What apps show next to the link, at most 128 characters, e.g. "Support the practice"."""


@dataclass(frozen=True)
class License:
    """The licence of the audio (``podcast:license``)."""

    id: str
    """A well-known licence identifier (e.g. ``CC-BY-NC-ND-4.0``) or the short name of your own, at most 128
    characters."""

    url: str = ""
    """https link to the licence's full text; needed for a licence of your own."""


@dataclass(frozen=True)
class Txt:
    """Free-form text for a service (``podcast:txt``), e.g. the code a directory gives you to verify ownership."""

    value: str
    """The text itself, at most 4000 characters."""

    purpose: str = ""
    """What it is for, at most 128 characters: ``verify`` for an ownership-verification code,
    ``applepodcastsverify`` for Apple's."""


@dataclass(frozen=True)
class Soundbite:
    """A passage apps may play as a preview (``podcast:soundbite``), chosen by its first and last sentences."""

    episode: str
    """The episode's id: the folder name of its page, ``episodes/<id>/``."""

    start: str
    """The first words of the sentence the passage starts with, as the article writes them (enough words to
    match one sentence of the episode; case, curly quotes and spacing are ignored)."""

    end: str = ""
    """The first words of the passage's last sentence; empty: the passage runs to the end of its section.
    Apps recommend 15 to 120 seconds."""

    title: str = ""
    """A title for the passage, at most 128 characters; empty lets apps use the episode title."""


TABLES: dict[str, type] = {"funding": Funding, "txt": Txt, "soundbite": Soundbite}
# Limits of the Podcasting 2.0 namespace (podcastindex.org/namespace/1.0): aggregators truncate longer values.
_SHORT_TEXT = 128
_TXT_VALUE = 4000


def parse_table(item: Any, name: str, kind: type, bad) -> Any:
    """One TOML table as ``kind``: only its fields, strings, the required ones not empty."""
    if not isinstance(item, dict):
        raise bad(name, "must be a table")
    names = {f.name: f for f in fields(kind)}
    for key, value in item.items():
        if key not in names:
            raise bad(f"{name}.{key}", "is not a known setting")
        if not isinstance(value, str):
            raise bad(f"{name}.{key}", "must be a string")
    for key, f in names.items():
        if f.default is MISSING and not str(item.get(key, "")).strip():
            raise bad(f"{name}.{key}", "is missing" if key not in item else "is empty")
    return kind(**{k: v.strip() for k, v in item.items()})


def _check_https(url: str, name: str, bad) -> None:
    if url and not re.match(r"^https://[^\s/]+(/\S*)?$", url):
        raise bad(name, "must be an https URL (the Podcasting 2.0 namespace allows no other)")


def _check_length(text: str, limit: int, name: str, bad) -> None:
    if len(text) > limit:
        raise bad(name, f"is longer than {limit} characters (podcast apps cut it)")


def parse_feed_extras(raw: dict[str, Any], bad) -> dict[str, Any]:
    """The optional Podcasting 2.0 extras: ``[[funding]]``, ``[license]``, ``[[txt]]``, ``[[soundbite]]``."""
    values: dict[str, Any] = {}
    for key, kind in TABLES.items():
        if key not in raw:
            continue
        if not isinstance(raw[key], list):
            raise bad(key, f"must be a list of tables: [[{key}]]")
        values[key] = tuple(parse_table(item, f"{key}[{i}]", kind, bad) for i, item in enumerate(raw[key]))
    if "license" in raw:
        values["license"] = parse_table(raw["license"], "license", License, bad)
        _check_length(values["license"].id, _SHORT_TEXT, "license.id", bad)
        _check_https(values["license"].url, "license.url", bad)
    for i, f in enumerate(values.get("funding", ())):
        _check_https(f.url, f"funding[{i}].url", bad)
        _check_length(f.text, _SHORT_TEXT, f"funding[{i}].text", bad)
    for i, t in enumerate(values.get("txt", ())):
        _check_length(t.value, _TXT_VALUE, f"txt[{i}].value", bad)
        _check_length(t.purpose, _SHORT_TEXT, f"txt[{i}].purpose", bad)
    for i, b in enumerate(values.get("soundbite", ())):
        _check_length(b.title, _SHORT_TEXT, f"soundbite[{i}].title", bad)
    return values
