"""The content model every stage shares: article, sections, sentences with timings, and the build manifest.

Data passes between stages as these small dataclasses; JSON crosses the boundaries (``dist/manifest.json``),
always with ``SCHEMA_VERSION``. ``feed/`` reads the manifest through :meth:`Manifest.from_dict`; ``skill/``
never imports this module (it reads ``dist/catalog.json`` instead).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from gentle_steps.audio.settings import SettingsError, ShowSettings
from gentle_steps.audio.tracks import BreathingTrack, Cue

SCHEMA_VERSION = 1
"""Version of ``manifest.json``. Bump it on any change a reader would notice."""


class ManifestError(ValueError):
    """The manifest is missing, of another schema version, or malformed."""


# --- What the readers produce -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One unit of article text as a reader found it."""

    kind: str
    """``"paragraph"``, ``"item"`` (one list item) or ``"heading"``."""

    text: str
    """The article's own words, markup removed, emoji kept (pages and transcripts show them)."""

    ordered: bool = False
    """For items: part of a numbered list."""


@dataclass
class ArticleSection:
    """A heading and the blocks under it, before narration."""

    heading: str
    """The heading exactly as written (may start with an emoji); empty for the introduction."""

    title: str
    """The heading without emoji or decoration: what chapters, pages and the skill show."""

    id: str
    """Slug of the title: ASCII, URL-safe, stable while the title stays the same."""

    blocks: list[Block] = field(default_factory=list)
    """Paragraphs and list items in reading order."""


@dataclass
class Article:
    """One article read from ``content/articles/``."""

    id: str
    """Front-matter id, or the slug of the title."""

    title: str
    """The article's title."""

    source: str
    """Path of the source file, relative to the content folder."""

    date: str = ""
    """Publication date, ISO ``YYYY-MM-DD`` (front matter or show default)."""

    description: str = ""
    """One-paragraph summary (front matter, or the introduction's first sentences)."""

    author: str = ""
    """Author named in front matter; the show's author otherwise."""

    canonical_url: str = ""
    """Where the article is published (``<link rel="canonical">``, front-matter ``canonical``); "" if unknown."""

    sections: list[ArticleSection] = field(default_factory=list)
    """The introduction (when there is text before the first heading) and every section."""

    references: list[str] = field(default_factory=list)
    """A trailing References/Sources/Footnotes list: shown in the transcript page, never narrated."""

    previous_title: str = ""
    """The blog's "Previous" neighbour title found in navigation residue, if any (metadata only)."""

    next_title: str = ""
    """The blog's "Next" neighbour title found in navigation residue, if any (metadata only)."""

    warnings: list[str] = field(default_factory=list)
    """Non-fatal problems found while reading (``--strict`` makes them failures)."""


# --- What the build produces --------------------------------------------------------------------------------


@dataclass
class Sentence:
    """One narrated sentence with its place in the section file and in the episode file."""

    text: str
    """The article's own words (transcripts and pages show these)."""

    spoken: str
    """What the voice was given: no emoji, markup or URLs; lexicon applied."""

    kind: str
    """``"title"``, ``"disclosure"``, ``"heading"``, ``"paragraph"`` or ``"item"``."""

    start_ms: int
    """Start in the section's own audio file, in milliseconds."""

    end_ms: int
    """End in the section's own audio file, in milliseconds."""

    episode_start_ms: int = 0
    """Start in the whole-episode audio file, in milliseconds."""

    episode_end_ms: int = 0
    """End in the whole-episode audio file, in milliseconds."""

    paragraph: int = 0
    """Index of the block (paragraph, item or heading) within its section: sentences sharing it form one paragraph."""


@dataclass
class AudioFile:
    """One encoded MP3 in ``dist/``."""

    path: str
    """Path relative to ``dist/`` (POSIX separators)."""

    url: str
    """Absolute URL built from ``--base-url``."""

    profile: str
    """``"podcast"`` (whole episode) or ``"alexa"`` (sections and prompts)."""

    duration_ms: int
    """Duration of the decoded audio."""

    bytes: int
    """File size."""

    sha256: str
    """Hex digest of the file's bytes."""

    loudness_lufs: float
    """Integrated loudness measured on the decoded file (ITU-R BS.1770)."""

    true_peak_dbtp: float
    """True peak measured on the decoded file (4x oversampled)."""

    sample_rate: int
    """Sample rate of the file."""

    bitrate_kbps: int
    """Constant bit rate of the file."""


@dataclass
class Section:
    """A narrated section: its sentences with timings and its own Alexa-profile file."""

    id: str
    """Slug of the title; unique within the episode."""

    index: int
    """Position in the episode, from 0."""

    title: str
    """Heading without emoji (chapter title)."""

    heading: str
    """Heading as written, emoji included (empty for the introduction)."""

    sentences: list[Sentence]
    """Every narrated sentence, heading first."""

    audio: AudioFile
    """The section's own file (alexa profile)."""

    episode_start_ms: int
    """Where the section (its chapter) starts in the episode file."""

    episode_end_ms: int
    """Where the section ends in the episode file."""


@dataclass
class Prompt:
    """A short grounding prompt narrated into an Alexa-profile clip."""

    id: str
    """Slug of the prompt text."""

    text: str
    """The prompt as authored."""

    spoken: str
    """What the voice was given."""

    audio: AudioFile
    """The narrated clip."""


@dataclass
class Episode:
    """One article as an episode: sections, the whole-episode file and the article's metadata."""

    id: str
    """Stable id (front-matter id or slug of the title)."""

    number: int
    """Episode number, from 1, in date-then-title order."""

    title: str
    """The article's title."""

    date: str
    """Publication date, ISO ``YYYY-MM-DD``."""

    description: str
    """Short summary."""

    author: str
    """Author's name."""

    source: str
    """Source file relative to the content folder."""

    sections: list[Section]
    """Sections in order; the first may be the introduction."""

    audio: AudioFile
    """The whole episode (podcast profile) with ID3 chapters at the section starts."""

    references: list[str] = field(default_factory=list)
    """Trailing references, shown but never narrated."""

    previous_title: str = ""
    """Neighbouring article title from the blog's navigation, if found."""

    next_title: str = ""
    """Neighbouring article title from the blog's navigation, if found."""

    canonical_url: str = ""
    """Where the article is published (its ``<link rel="canonical">``); the page and feed item link to it."""


@dataclass(frozen=True)
class VoiceInfo:
    """Which voice narrated the audio."""

    engine: str
    """``piper``, ``gtts`` or ``tone``."""

    voice: str
    """Voice name, e.g. ``en_US-joe-medium``."""

    version: str
    """Engine package version."""


@dataclass(frozen=True)
class ArtworkInfo:
    """The show artwork as written to ``dist/``."""

    path: str
    """Path relative to ``dist/``."""

    url: str
    """Absolute URL."""

    mime: str
    """``image/png`` or ``image/jpeg``."""

    width: int
    """Pixels."""

    height: int
    """Pixels."""

    bytes: int
    """File size."""

    sha256: str
    """Hex digest of the file."""


@dataclass
class Manifest:
    """Everything the build knows, written to ``dist/manifest.json``; later stages read only this."""

    base_url: str
    """The ``--base-url`` every absolute URL was built from (ends with ``/``)."""

    show: ShowSettings
    """The validated show settings (JSON: ``ShowSettings.to_dict``)."""

    voice: VoiceInfo
    """Engine, voice name and engine version that narrated the audio."""

    episodes: list[Episode]
    """Episodes in publication order."""

    prompts: list[Prompt] = field(default_factory=list)
    """Grounding prompts with their clips."""

    artwork: ArtworkInfo | None = None
    """The show artwork in ``dist/`` (None only in hand-made manifests)."""

    breathing: list[BreathingTrack] = field(default_factory=list)
    """Breathing exercise tracks (empty unless show.toml's ``breathing`` is on)."""

    schema_version: int = SCHEMA_VERSION
    """Manifest schema version."""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict, keys in a fixed order."""
        return {
            "base_url": self.base_url,
            "show": self.show.to_dict(),
            "voice": asdict(self.voice),
            "episodes": [asdict(ep) for ep in self.episodes],
            "prompts": [asdict(p) for p in self.prompts],
            "artwork": asdict(self.artwork) if self.artwork else {},
            "breathing": [asdict(t) for t in self.breathing],
            "schema_version": self.schema_version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        """Rebuild a manifest from JSON; raises :class:`ManifestError` naming what is wrong."""
        if not isinstance(data, dict):
            raise ManifestError("manifest: expected a JSON object")
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ManifestError(f"manifest: schema_version {version!r} is not {SCHEMA_VERSION}")
        try:
            episodes = [
                Episode(
                    **{
                        **ep,
                        "audio": AudioFile(**ep["audio"]),
                        "sections": [
                            Section(
                                **{
                                    **sec,
                                    "audio": AudioFile(**sec["audio"]),
                                    "sentences": [Sentence(**s) for s in sec["sentences"]],
                                }
                            )
                            for sec in ep["sections"]
                        ],
                    }
                )
                for ep in data["episodes"]
            ]
            prompts = [Prompt(**{**p, "audio": AudioFile(**p["audio"])}) for p in data.get("prompts", [])]
            artwork = data.get("artwork") or None
            breathing = [BreathingTrack(**{**t, "audio": AudioFile(**t["audio"]),
                                           "cues": [Cue(**c) for c in t.get("cues", [])]})
                         for t in data.get("breathing") or []]
            return cls(
                base_url=data["base_url"],
                show=ShowSettings.from_dict(data["show"]),
                voice=VoiceInfo(**data["voice"]),
                episodes=episodes,
                prompts=prompts,
                artwork=ArtworkInfo(**artwork) if artwork else None,
                breathing=breathing,
                schema_version=version,
            )
        except (KeyError, TypeError, SettingsError) as exc:
            raise ManifestError(f"manifest: malformed ({exc})") from exc

    def all_audio(self) -> list[AudioFile]:
        """Every audio file the manifest lists, episodes first."""
        files: list[AudioFile] = []
        for ep in self.episodes:
            files.append(ep.audio)
            files.extend(sec.audio for sec in ep.sections)
        files.extend(p.audio for p in self.prompts)
        files.extend(t.audio for t in self.breathing)
        return files
