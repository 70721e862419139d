"""What proof-listening found: the ``dist/proof/report.json`` schema, one dataclass per level.

Written by :mod:`gentle_steps.audio.proof`, read by the report page (``feed/proof_page.py``). This module
imports nothing heavy, so the page can be rendered without the recognizer installed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PROOF_SCHEMA_VERSION = 1
"""Version of ``report.json``. Bump it on any change a reader would notice."""


class ProofReportError(ValueError):
    """``report.json`` is of another schema version or malformed."""


def plural(count: int, noun: str) -> str:
    """``1 sentence``, ``2 sentences``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def rate(missed: int, words: int) -> float:
    """Share of words missed, rounded for stable JSON (0.0 when there are no words)."""
    return round(missed / words, 4) if words else 0.0


@dataclass
class Change:
    """One place where what was heard differs from what was expected (consecutive differing words)."""

    expected: str
    """The expected words, normalized (empty: the recognizer heard extra words here)."""

    heard: str
    """What the recognizer heard instead, normalized (empty: it heard nothing for these words)."""


@dataclass
class SentenceProof:
    """One narrated sentence: what the voice was given, what the recognizer heard, and how they differ."""

    index: int
    """Position of the sentence in its section, from 0."""

    kind: str
    """``title``, ``disclosure``, ``heading``, ``paragraph`` or ``item`` (as in the manifest)."""

    text: str
    """The article's own words."""

    spoken: str
    """What the voice was given (lexicon applied)."""

    expected: str
    """What a listener should hear, normalized: the spoken text with lexicon respellings read as their word."""

    heard: str
    """What the recognizer heard in this sentence's time span, as it wrote it."""

    start_ms: int
    """Start of the sentence in the section file."""

    end_ms: int
    """End of the sentence in the section file."""

    words: int
    """Number of expected words (after normalization)."""

    missed: int
    """Expected words the recognizer did not hear (substituted or left out)."""

    inserted: int
    """Words the recognizer heard that were not expected."""

    miss_rate: float
    """``missed / words``."""

    confidence: float
    """Mean word probability the recognizer gave to what it heard here (0 when it heard nothing)."""

    flagged: bool
    """The recognizer heard something different here (there are changes): worth a listen."""

    changes: list[Change] = field(default_factory=list)
    """Every difference, in order."""

    lexicon: list[str] = field(default_factory=list)
    """Lexicon entries applied in this sentence, as TOML lines (``Gottman = "Gott man"``)."""

    suggestion: str = ""
    """What to try, in words, when there is something to try (a lexicon entry to add or to check)."""


@dataclass
class SectionProof:
    """One narrated section file and its sentences."""

    episode_id: str
    """The episode the section belongs to."""

    id: str
    """Section id (as in the manifest)."""

    index: int
    """Position of the section in its episode, from 0."""

    title: str
    """Section title."""

    audio: str
    """The section's MP3, relative to ``dist/``."""

    duration_ms: int
    """Length of the section file."""

    words: int
    """Expected words in the section."""

    missed: int
    """Expected words not heard."""

    inserted: int
    """Words heard that were not expected (including any heard outside every sentence)."""

    miss_rate: float
    """``missed / words``."""

    sentences: list[SentenceProof] = field(default_factory=list)
    """Every sentence, in order."""

    unplaced: str = ""
    """Words heard far from every sentence (in silence), if any."""


@dataclass
class EpisodeProof:
    """One episode's sections."""

    id: str
    """Episode id."""

    title: str
    """Episode title."""

    words: int
    """Expected words in the episode."""

    missed: int
    """Expected words not heard."""

    miss_rate: float
    """``missed / words``."""

    sections: list[SectionProof] = field(default_factory=list)
    """Sections in order."""


@dataclass
class Suggestion:
    """A lexicon entry to add (or to check) because one word keeps being misheard."""

    word: str
    """The word as written in the spoken text."""

    action: str
    """``add`` (a new entry for a word misheard again and again) or ``check`` (an existing entry whose word
    was not heard where it applies: its respelling may be wrong)."""

    entry: str
    """The TOML line to put under ``[words]`` in the lexicon (``LMFT = "L M F T"``); for a word whose
    sound cannot be guessed, the respelling is left as ``"..."`` for the author to write."""

    reason: str
    """Why, in words: how often and how it was misheard."""

    sentences: int
    """Number of sentences where the word was misheard."""

    heard: list[str] = field(default_factory=list)
    """What the recognizer heard instead, most frequent first."""


@dataclass
class ProofReport:
    """Everything ``gentle-steps proof`` found, written to ``dist/proof/report.json``."""

    recognizer: dict[str, Any]
    """Engine, engine version, model, compute type and beam size that listened."""

    normalizer: str
    """How both sides were normalized before comparing."""

    words: int
    """Expected words over all sections."""

    missed: int
    """Expected words not heard, over all sections."""

    inserted: int
    """Words heard that were not expected, over all sections."""

    miss_rate: float
    """``missed / words`` over all sections."""

    sentences: int
    """Sentences listened to."""

    flagged: int
    """Sentences where the recognizer heard something different."""

    audio_ms: int
    """Total length of the section files listened to."""

    episodes: list[EpisodeProof] = field(default_factory=list)
    """Per episode, per section, per sentence."""

    suggestions: list[Suggestion] = field(default_factory=list)
    """Lexicon entries to add or check, most misheard first."""

    schema_version: int = PROOF_SCHEMA_VERSION
    """Report schema version."""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict, keys in a fixed order."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProofReport:
        """Rebuild a report from JSON; raises :class:`ProofReportError` naming what is wrong."""
        if not isinstance(data, dict) or data.get("schema_version") != PROOF_SCHEMA_VERSION:
            raise ProofReportError(f"proof report: schema_version is not {PROOF_SCHEMA_VERSION}")
        try:
            episodes = [
                EpisodeProof(**{**ep, "sections": [
                    SectionProof(**{**sec, "sentences": [
                        SentenceProof(**{**s, "changes": [Change(**c) for c in s["changes"]]})
                        for s in sec["sentences"]]})
                    for sec in ep["sections"]]})
                for ep in data["episodes"]
            ]
            suggestions = [Suggestion(**s) for s in data["suggestions"]]
            return cls(**{**data, "episodes": episodes, "suggestions": suggestions})
        except (KeyError, TypeError) as exc:
            raise ProofReportError(f"proof report: malformed ({exc})") from exc

    def sections(self) -> list[SectionProof]:
        """Every section, episodes in order."""
        return [sec for ep in self.episodes for sec in ep.sections]
