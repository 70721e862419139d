"""Reading ``dist/catalog.json`` back into :class:`~gentle_steps.skill.catalog.Catalog`, validated once.

Every error is a :class:`~gentle_steps.skill.catalog.CatalogError` naming the file and the field
("dist/catalog.json: episodes[0].sections[2].audio_url must be a non-empty string").
"""

from __future__ import annotations

import re
from typing import Any

from gentle_steps.skill.catalog import (
    CATALOG_SCHEMA_VERSION,
    Catalog,
    CatalogError,
    CrisisLine,
    Episode,
    Prompt,
    Section,
    Show,
    Track,
    spoken_form,
)

RESERVED_PREFIX = "~"
"""Episode ids never start with it: playback tokens of breathing tracks do (``skill/tokens.py``)."""


class _Reader:
    """Typed field access that names ``source`` and the field's path in every error."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> CatalogError:
        return CatalogError(f"{self.source}: {where} {problem}")

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "must be an object")
        return value

    def text(self, parent: dict[str, Any], key: str, where: str, required: bool = True) -> str:
        value = parent.get(key, "" if not required else None)
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(f"{where}.{key}", "must be a non-empty string" if required else "must be a string")
        return value

    def number(self, parent: dict[str, Any], key: str, where: str) -> int:
        value = parent.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.fail(f"{where}.{key}", "must be a number of at least 0")
        return int(value)

    def items(self, parent: dict[str, Any], key: str, where: str, required: bool = True) -> list[Any]:
        value = parent.get(key, None if required else [])
        if not isinstance(value, list) or (required and not value):
            raise self.fail(f"{where}.{key}", "must be a non-empty list" if required
                            else "must be a list (it may be empty)")
        return value

    def strings(self, parent: dict[str, Any], key: str, where: str) -> list[str]:
        value = parent.get(key, [])
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            raise self.fail(f"{where}.{key}", "must be a list of strings")
        return value


def read_catalog(data: Any, source: str = "catalog") -> Catalog:
    """A :class:`Catalog` from its parsed JSON; raises :class:`CatalogError` naming ``source`` and the field."""
    r = _Reader(source)
    data = r.obj(data, "the file")
    version = data.get("schema_version")
    if version != CATALOG_SCHEMA_VERSION:
        raise r.fail("schema_version", f"is {version!r}; this skill reads version {CATALOG_SCHEMA_VERSION} "
                                       "(rebuild with the matching `gentle-steps build`)")
    episodes = tuple(_episode(r, r.obj(raw, f"episodes[{i}]"), f"episodes[{i}]")
                     for i, raw in enumerate(r.items(data, "episodes", "catalog")))
    prompts = tuple(_prompt(r, r.obj(raw, f"prompts[{i}]"), f"prompts[{i}]")
                    for i, raw in enumerate(r.items(data, "prompts", "catalog", required=False)))
    tracks = tuple(_track(r, r.obj(raw, f"breathing[{i}]"), f"breathing[{i}]")
                   for i, raw in enumerate(r.items(data, "breathing", "catalog", required=False)))
    if len({t.id for t in tracks}) != len(tracks):
        raise r.fail("catalog.breathing", "lists a track id twice")
    return Catalog(base_url=r.text(data, "base_url", "catalog"), show=_show(r, r.obj(data.get("show"), "show")),
                   episodes=episodes, prompts=prompts, crisis=_crisis(r, data.get("crisis", {})), breathing=tracks)


def _show(r: _Reader, raw: dict[str, Any]) -> Show:
    locales = tuple(r.strings(raw, "locales", "show"))
    for i, locale in enumerate(locales):
        if not re.fullmatch(r"[a-z]{2}-[A-Z]{2}", locale):
            raise r.fail(f"show.locales[{i}]", f"is {locale!r}; a locale looks like en-GB")
    return Show(title=r.text(raw, "title", "show"), invocation_name=r.text(raw, "invocation_name", "show"),
                language=r.text(raw, "language", "show"), disclosure=r.text(raw, "disclosure", "show", False),
                disclaimer=r.text(raw, "disclaimer", "show"), artwork_url=r.text(raw, "artwork_url", "show", False),
                locales=locales)


def _crisis(r: _Reader, raw: Any) -> dict[str, tuple[CrisisLine, ...]]:
    raw = r.obj(raw, "crisis")
    found = {}
    for country, lines in raw.items():
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise r.fail(f"crisis.{country}", "must be keyed by a two-letter country code like GB")
        if not isinstance(lines, list):
            raise r.fail(f"crisis.{country}", "must be a list")
        found[country] = tuple(_crisis_line(r, r.obj(item, f"crisis.{country}[{i}]"), f"crisis.{country}[{i}]")
                               for i, item in enumerate(lines))
    return found


def _crisis_line(r: _Reader, raw: dict[str, Any], where: str) -> CrisisLine:
    line = CrisisLine(kind=r.text(raw, "kind", where), name=r.text(raw, "name", where),
                      contact=r.text(raw, "contact", where), spoken=r.text(raw, "spoken", where),
                      number=r.text(raw, "number", where, False), display=r.text(raw, "display", where, False),
                      text=r.text(raw, "text", where, False), hours=r.text(raw, "hours", where, False))
    if line.kind not in ("crisis", "emergency"):
        raise r.fail(f"{where}.kind", "must be crisis or emergency")
    for key in ("number", "text"):
        if getattr(line, key) and not getattr(line, key).isdigit():
            raise r.fail(f"{where}.{key}", "must be digits only")
    return line


def _episode(r: _Reader, raw: dict[str, Any], where: str) -> Episode:
    ep_id = r.text(raw, "id", where)
    if ep_id.startswith(RESERVED_PREFIX):
        raise r.fail(f"{where}.id", f"must not start with {RESERVED_PREFIX!r} (breathing tracks' tokens do)")
    sections = tuple(_section(r, ep_id, j, r.obj(raw_sec, f"{where}.sections[{j}]"), f"{where}.sections[{j}]")
                     for j, raw_sec in enumerate(r.items(raw, "sections", where)))
    date = r.text(raw, "date", where, False)
    if date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise r.fail(f"{where}.date", "must be a date like 2025-07-02")
    return Episode(id=ep_id, number=r.number(raw, "number", where), title=r.text(raw, "title", where),
                   page_url=r.text(raw, "page_url", where, False), audio_url=r.text(raw, "audio_url", where, False),
                   duration_ms=r.number(raw, "duration_ms", where), sections=sections, date=date)


def _section(r: _Reader, ep_id: str, index: int, raw: dict[str, Any], where: str) -> Section:
    synonyms = r.strings(raw, "synonyms", where)
    sec_id = r.text(raw, "id", where)
    if "|" in sec_id or "|" in ep_id:
        raise r.fail(f"{where}.id", "must not contain '|' (it separates the parts of a playback token)")
    return Section(episode_id=ep_id, id=sec_id, index=index, title=r.text(raw, "title", where),
                   synonyms=tuple(spoken_form(s) for s in synonyms if spoken_form(s)),
                   audio_url=r.text(raw, "audio_url", where), duration_ms=r.number(raw, "duration_ms", where),
                   version=r.text(raw, "version", where).replace("|", ""), text=r.text(raw, "text", where, False))


def _prompt(r: _Reader, raw: dict[str, Any], where: str) -> Prompt:
    return Prompt(r.text(raw, "id", where), r.text(raw, "text", where), r.text(raw, "audio_url", where, False),
                  r.number(raw, "duration_ms", where))


def _track(r: _Reader, raw: dict[str, Any], where: str) -> Track:
    track_id = r.text(raw, "id", where)
    if "|" in track_id:
        raise r.fail(f"{where}.id", "must not contain '|' (it separates the parts of a playback token)")
    return Track(id=track_id, title=r.text(raw, "title", where), seconds=r.number(raw, "seconds", where),
                 audio_url=r.text(raw, "audio_url", where), duration_ms=r.number(raw, "duration_ms", where),
                 version=r.text(raw, "version", where).replace("|", ""))
