"""The catalog the skill speaks from: ``dist/catalog.json``. This module owns its shape.

The build fills these dataclasses (``deploy/catalog.py``) and writes them with :meth:`Catalog.to_dict`; the skill
reads the file back with :func:`load_catalog`, validated once, every error naming the file and the field. The
skill never imports the narration stack.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from typing import Any

CATALOG_SCHEMA_VERSION = 1
"""The only ``schema_version`` this skill understands."""


class CatalogError(ValueError):
    """The catalog is missing, unreadable or not the expected shape; the message names the file and the field."""


@dataclass(frozen=True)
class CrisisResource:
    """One place to turn to in an emergency."""

    name: str
    """Who they are, e.g. "988 Suicide & Crisis Lifeline"."""

    contact: str
    """How to reach them, as written on a card."""

    spoken: str
    """One calm sentence for the voice."""


@dataclass(frozen=True)
class Show:
    """The show facts the skill needs."""

    title: str
    """Show title, spoken in the welcome and shown on cards."""

    invocation_name: str
    """Alexa invocation name."""

    language: str
    """Locale of the interaction model, e.g. en-US."""

    disclosure: str
    """The synthetic-voice disclosure line."""

    disclaimer: str
    """Not therapy, not emergency help: said by Help."""

    artwork_url: str
    """Square artwork for AudioPlayer metadata (may be empty)."""

    crisis_resources: tuple[CrisisResource, ...]
    """Spoken by SupportIntent and shown on its card."""


@dataclass(frozen=True)
class Section:
    """One section of an episode: the unit the skill plays and navigates by."""

    episode_id: str
    """Id of the episode holding it."""

    id: str
    """Slug of the title; unique within the episode."""

    index: int
    """Position in the episode, from 0."""

    title: str
    """Heading as shown (no emoji)."""

    synonyms: tuple[str, ...]
    """Other ways a listener may name it ("part three")."""

    audio_url: str
    """The section's Alexa-profile MP3."""

    duration_ms: int
    """Length of that file."""

    version: str
    """Short content hash of the audio; part of the playback token."""

    text: str
    """Plain sentences, spoken on devices that cannot play the audio."""


@dataclass(frozen=True)
class Episode:
    """One article as an episode."""

    id: str
    """Stable episode id."""

    number: int
    """Episode number from 1, oldest first."""

    title: str
    """Article title."""

    page_url: str
    """The episode's listening page."""

    audio_url: str
    """Whole-episode podcast file (not played by the skill)."""

    duration_ms: int
    """Length of the whole-episode file."""

    sections: tuple[Section, ...]
    """Sections in order."""


@dataclass(frozen=True)
class Prompt:
    """A short grounding prompt with its narrated clip."""

    id: str
    """Slug of the text; what rotation remembers."""

    text: str
    """The prompt as authored; shown on the card and spoken when the clip cannot play."""

    audio_url: str
    """Narrated Alexa-profile clip."""

    duration_ms: int
    """Length of the clip."""


@dataclass(frozen=True)
class Catalog:
    """Everything the skill says and plays."""

    base_url: str
    """Public URL the audio was built for; SSML ``<audio>`` is used only when it is https."""

    show: Show
    """Show facts."""

    episodes: tuple[Episode, ...]
    """Episodes oldest first; at least one."""

    prompts: tuple[Prompt, ...]
    """Grounding prompts; may be empty (the skill then offers a kind line of its own)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready catalog, keys in a fixed order (a section's episode id is implied by its episode)."""
        data = {"schema_version": CATALOG_SCHEMA_VERSION, **asdict(self)}
        for episode in data["episodes"]:
            for section in episode["sections"]:
                del section["episode_id"]
        return data

    @property
    def https(self) -> bool:
        """Whether the audio is served over https (Alexa plays SSML audio only from https URLs)."""
        return self.base_url.lower().startswith("https://")

    @property
    def latest(self) -> Episode:
        """The newest episode: what "play the episode" plays."""
        return self.episodes[-1]

    def episode(self, episode_id: str) -> Episode | None:
        """The episode with this id, if any."""
        for ep in self.episodes:
            if ep.id == episode_id:
                return ep
        return None

    def section(self, episode_id: str, section_id: str) -> Section | None:
        """The section with these ids, if any."""
        ep = self.episode(episode_id)
        if ep is None:
            return None
        for sec in ep.sections:
            if sec.id == section_id:
                return sec
        return None

    def next_section(self, section: Section) -> Section | None:
        """The section after ``section`` in its episode; None after the last."""
        sections = self.episode(section.episode_id).sections  # type: ignore[union-attr]
        return sections[section.index + 1] if section.index + 1 < len(sections) else None

    def previous_section(self, section: Section) -> Section | None:
        """The section before ``section`` in its episode; None before the first."""
        sections = self.episode(section.episode_id).sections  # type: ignore[union-attr]
        return sections[section.index - 1] if section.index > 0 else None

    def find_section(self, said: str, prefer_episode: str | None = None) -> Section | None:
        """The section a listener most likely named, matching titles and synonyms; None when nothing fits.

        Exact spoken forms win; otherwise the section sharing the largest share of the listener's words (at least
        half of them, ignoring filler words). Sections of ``prefer_episode`` win ties, then newer episodes.
        """
        wanted = spoken_form(said)
        if not wanted:
            return None
        order = sorted(self.episodes, key=lambda ep: (ep.id != prefer_episode, -ep.number))
        for ep in order:
            for sec in ep.sections:
                if wanted == spoken_form(sec.title) or wanted in sec.synonyms:
                    return sec
        words = set(wanted.split()) - _FILLER
        if not words:
            return None
        best: tuple[float, Section] | None = None
        for ep in order:
            for sec in ep.sections:
                names = [spoken_form(sec.title), *sec.synonyms]
                score = max(len(words & (set(n.split()) - _FILLER)) / len(words) for n in names)
                if score >= 0.5 and (best is None or score > best[0]):
                    best = (score, sec)
        return best[1] if best else None


_FILLER = {"the", "a", "an", "about", "part", "section", "on", "of", "to", "is", "it", "that", "one", "with"}


def spoken_form(text: str) -> str:
    """Text as a listener would say it: lowercase words, apostrophes kept, other punctuation dropped.

    :func:`synonyms_for` (used by the build) goes through this same function, so slot values, synonyms and
    what Alexa hears compare equal.
    """
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return " ".join(w.strip("'") for w in text.split() if w.strip("'"))


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


def load_catalog(path: str | os.PathLike[str]) -> Catalog:
    """Read and validate a catalog file; raises :class:`CatalogError` naming the file and the field."""
    path = os.fspath(path)  # os.path, not pathlib: pathlib alone adds ~10 ms to a Lambda cold start
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        raise CatalogError(f"{path}: catalog not found (run `gentle-steps build` first)") from None
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read the catalog ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise CatalogError(f"{path}: not valid JSON ({exc})") from None
    return parse_catalog(data, path)


def parse_catalog(data: Any, source: str = "catalog") -> Catalog:
    """Validate a parsed catalog mapping into a :class:`Catalog`; ``source`` names it in errors."""

    def fail(where: str, problem: str) -> CatalogError:
        return CatalogError(f"{source}: {where} {problem}")

    def obj(value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise fail(where, "must be an object")
        return value

    def text(parent: dict[str, Any], key: str, where: str, required: bool = True) -> str:
        value = parent.get(key, "" if not required else None)
        if not isinstance(value, str) or (required and not value.strip()):
            raise fail(f"{where}.{key}", "must be a non-empty string" if required else "must be a string")
        return value

    def number(parent: dict[str, Any], key: str, where: str) -> int:
        value = parent.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise fail(f"{where}.{key}", "must be a number of at least 0")
        return int(value)

    def items(parent: dict[str, Any], key: str, where: str) -> list[Any]:
        value = parent.get(key)
        if not isinstance(value, list) or not value:
            raise fail(f"{where}.{key}", "must be a non-empty list")
        return value

    data = obj(data, "the file")
    version = data.get("schema_version")
    if version != CATALOG_SCHEMA_VERSION:
        raise fail("schema_version", f"is {version!r}; this skill reads version {CATALOG_SCHEMA_VERSION} "
                                     "(rebuild with the matching `gentle-steps build`)")
    base_url = text(data, "base_url", "catalog")
    show_raw = obj(data.get("show"), "show")
    resources = []
    for i, item in enumerate(show_raw.get("crisis_resources") or []):
        where = f"show.crisis_resources[{i}]"
        item = obj(item, where)
        resources.append(CrisisResource(text(item, "name", where), text(item, "contact", where),
                                        text(item, "spoken", where)))
    show = Show(
        title=text(show_raw, "title", "show"),
        invocation_name=text(show_raw, "invocation_name", "show"),
        language=text(show_raw, "language", "show"),
        disclosure=text(show_raw, "disclosure", "show", required=False),
        disclaimer=text(show_raw, "disclaimer", "show"),
        artwork_url=text(show_raw, "artwork_url", "show", required=False),
        crisis_resources=tuple(resources),
    )
    episodes = []
    for i, ep_raw in enumerate(items(data, "episodes", "catalog")):
        where = f"episodes[{i}]"
        ep_raw = obj(ep_raw, where)
        ep_id = text(ep_raw, "id", where)
        sections = []
        for j, sec_raw in enumerate(items(ep_raw, "sections", where)):
            swhere = f"{where}.sections[{j}]"
            sec_raw = obj(sec_raw, swhere)
            synonyms = sec_raw.get("synonyms", [])
            if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
                raise fail(f"{swhere}.synonyms", "must be a list of strings")
            sec_id = text(sec_raw, "id", swhere)
            if "|" in sec_id or "|" in ep_id:
                raise fail(f"{swhere}.id", "must not contain '|' (it separates the parts of a playback token)")
            sections.append(Section(
                episode_id=ep_id,
                id=sec_id,
                index=j,
                title=text(sec_raw, "title", swhere),
                synonyms=tuple(spoken_form(s) for s in synonyms if spoken_form(s)),
                audio_url=text(sec_raw, "audio_url", swhere),
                duration_ms=number(sec_raw, "duration_ms", swhere),
                version=text(sec_raw, "version", swhere).replace("|", ""),
                text=text(sec_raw, "text", swhere, required=False),
            ))
        episodes.append(Episode(
            id=ep_id,
            number=number(ep_raw, "number", where),
            title=text(ep_raw, "title", where),
            page_url=text(ep_raw, "page_url", where, required=False),
            audio_url=text(ep_raw, "audio_url", where, required=False),
            duration_ms=number(ep_raw, "duration_ms", where),
            sections=tuple(sections),
        ))
    prompts = []
    raw_prompts = data.get("prompts", [])
    if not isinstance(raw_prompts, list):
        raise fail("catalog.prompts", "must be a list (it may be empty)")
    for i, p_raw in enumerate(raw_prompts):
        where = f"prompts[{i}]"
        p_raw = obj(p_raw, where)
        prompts.append(Prompt(text(p_raw, "id", where), text(p_raw, "text", where),
                              text(p_raw, "audio_url", where, required=False), number(p_raw, "duration_ms", where)))
    return Catalog(base_url=base_url, show=show, episodes=tuple(episodes), prompts=tuple(prompts))
