"""The Piper voice catalog: ``voices.json`` as rhasspy/piper-voices publishes it, parsed into small dataclasses.

Upstream shape (one entry per voice key)::

    "en_US-lessac-high": {"key": "en_US-lessac-high", "name": "lessac", "quality": "high",
        "language": {"code": "en_US", "family": "en", "region": "US", "name_english": "English",
                     "country_english": "United States", ...},
        "num_speakers": 1, "speaker_id_map": {},
        "files": {"en/en_US/lessac/high/en_US-lessac-high.onnx": {"size_bytes": ..., "md5_digest": ...},
                  "en/en_US/lessac/high/en_US-lessac-high.onnx.json": {...}, "en/.../MODEL_CARD": {...}},
        "aliases": []}

The catalog states a size and an MD5 for every file, and nothing else: no SHA-256 and no sample rate. The
store (``store.py``) adds the SHA-256 at install time. A snapshot of the English voices ships as package data
(``piper_voices.json``) so ``voices list`` works offline; ``voices list --refresh`` saves a newer copy beside the
installed voices, which is then preferred.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

DEFAULT_BASE_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/main/"
"""Where piper-voices lives (the same place piper-tts's own downloader uses)."""

BASE_URL_ENV = "GENTLE_STEPS_VOICES_URL"
"""Environment variable replacing :data:`DEFAULT_BASE_URL` (a mirror, or a loopback server in tests)."""

SNAPSHOT = "piper_voices.json"
"""The shipped snapshot (package data beside this module)."""

MAX_CATALOG_BYTES = 32 * 1024 * 1024
"""Largest catalog accepted (the full upstream file is a few MB; this bounds memory)."""

# Piper's quality levels fix the sample rate (piper's training guide: x_low and low 16 kHz, medium and
# high 22.05 kHz); the catalog does not state it, an installed voice's .onnx.json does.
QUALITY_SAMPLE_RATES = {"x_low": 16000, "low": 16000, "medium": 22050, "high": 22050}

_KEY = re.compile(r"^[a-z]{2,3}_\w+-\w+-[a-z_]+$")


class CatalogError(ValueError):
    """The catalog is not the shape piper-voices publishes; the message names its source and the problem."""


class UnknownVoice(LookupError):
    """A name that is not in the catalog; :attr:`suggestions` holds close names for "did you mean"."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        listed = ", ".join(suggestions[:-1]) + " or " + suggestions[-1] if len(suggestions) > 1 else "".join(suggestions)
        hint = f"; did you mean {listed}?" if suggestions else ""
        super().__init__(f"{name} is not in the Piper voice catalog{hint}")
        self.name = name
        self.suggestions = suggestions


@dataclass(frozen=True)
class CatalogFile:
    """One file of a voice, as the catalog lists it."""

    path: str
    """Path inside piper-voices, e.g. ``en/en_US/lessac/high/en_US-lessac-high.onnx``."""

    size_bytes: int
    """Exact size the download must have."""

    md5: str
    """MD5 hex digest the catalog publishes (the only digest it has)."""

    @property
    def filename(self) -> str:
        """Last path component, the name the file gets on disk."""
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Licence:
    """What a voice's MODEL_CARD says about its training data, where we know it."""

    dataset_licence: str
    """The card's "License:" line for the dataset, verbatim (a name such as ``CC0`` or a link)."""

    dataset_url: str = ""
    """The card's dataset URL."""

    training: str = ""
    """The card's training note (e.g. "Finetuned from U.S. English lessac voice")."""

    source: str = ""
    """Where this was read (which MODEL_CARD)."""


@dataclass(frozen=True)
class CatalogVoice:
    """One voice of the catalog."""

    key: str
    """Full voice name, ``<language>-<name>-<quality>``, e.g. ``en_US-lessac-high``."""

    name: str
    """Speaker or dataset name, e.g. ``lessac``."""

    language: str
    """Language code, e.g. ``en_US``."""

    language_family: str
    """Language family, e.g. ``en``."""

    language_english: str
    """Language and country in English, e.g. "English (United States)"."""

    quality: str
    """``x_low``, ``low``, ``medium`` or ``high``."""

    num_speakers: int
    """Speakers in the model (more than one: choose with ``speaker``)."""

    speakers: tuple[str, ...]
    """Speaker names of a multi-speaker voice, in id order."""

    model: CatalogFile
    """The ONNX model."""

    config: CatalogFile
    """The model's ``.onnx.json`` config."""

    card: CatalogFile | None
    """The MODEL_CARD (dataset, licence, training), if listed."""

    aliases: tuple[str, ...] = ()
    """Older names for the same voice."""

    licence: Licence | None = None
    """Dataset licence from the MODEL_CARD, where the snapshot records it."""

    @property
    def files(self) -> tuple[CatalogFile, ...]:
        """Every file to download, model first."""
        return (self.model, self.config) + ((self.card,) if self.card else ())

    @property
    def size_bytes(self) -> int:
        """Total download size."""
        return sum(f.size_bytes for f in self.files)

    @property
    def expected_sample_rate(self) -> int | None:
        """The sample rate the voice's quality level implies (the config, once installed, is authoritative)."""
        return QUALITY_SAMPLE_RATES.get(self.quality)

    def matches_language(self, language: str) -> bool:
        """True for ``en`` (family), ``en_US`` or ``en-us`` (code), case-insensitively."""
        wanted = language.replace("-", "_").lower()
        return wanted in (self.language_family.lower(), self.language.lower())


@dataclass(frozen=True)
class Catalog:
    """The voices on offer and where that list came from."""

    voices: dict[str, CatalogVoice]
    """Voice key -> voice, sorted by key."""

    origin: str
    """Human description of the source, e.g. "shipped snapshot (2026-09)" or a file path."""

    def find(self, name: str) -> CatalogVoice:
        """The voice called ``name`` (a key, an alias, or ``piper:KEY``); raises :class:`UnknownVoice`."""
        name = name.strip().removeprefix("piper:")
        if name in self.voices:
            return self.voices[name]
        for voice in self.voices.values():
            if name in voice.aliases:
                return voice
        folded = {key.lower(): key for key in self.voices}
        if name.lower() in folded:
            return self.voices[folded[name.lower()]]
        close = difflib.get_close_matches(name, list(self.voices), n=3, cutoff=0.6)
        raise UnknownVoice(name, close)

    def select(self, language: str | None = None) -> list[CatalogVoice]:
        """Voices in key order, only those of ``language`` (family or code) when given."""
        return [v for v in self.voices.values() if language is None or v.matches_language(language)]


def base_url() -> str:
    """The piper-voices base URL: ``$GENTLE_STEPS_VOICES_URL`` or :data:`DEFAULT_BASE_URL`, ending in ``/``."""
    url = os.environ.get(BASE_URL_ENV, "").strip() or DEFAULT_BASE_URL
    return url if url.endswith("/") else url + "/"


def parse(data: Any, origin: str, licences: dict[str, Licence] | None = None) -> Catalog:
    """Parse upstream ``voices.json`` content; raises :class:`CatalogError` naming ``origin`` and the entry."""
    if not isinstance(data, dict) or not data:
        raise CatalogError(f"{origin}: expected a JSON object of voices")
    voices = {}
    for key in sorted(data):
        try:
            voices[key] = _voice(key, data[key], (licences or {}).get(key))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CatalogError(f"{origin}: voice {key!r}: {_reason(exc)}") from None
    return Catalog(voices=voices, origin=origin)


def _reason(exc: Exception) -> str:
    return f"missing {exc}" if isinstance(exc, KeyError) else str(exc) or type(exc).__name__


def _voice(key: str, entry: dict[str, Any], licence: Licence | None) -> CatalogVoice:
    if not _KEY.match(key):
        raise ValueError("the name is not <language>-<name>-<quality>")
    if entry["key"] != key:
        raise ValueError(f"its key field says {entry['key']!r}")
    by_suffix: dict[str, CatalogFile] = {}
    for path, info in entry["files"].items():
        size, md5 = info["size_bytes"], info["md5_digest"]
        if not isinstance(size, int) or size <= 0 or not re.fullmatch(r"[0-9a-f]{32}", str(md5)):
            raise ValueError(f"file {path}: size_bytes or md5_digest is not valid")
        parts = path.split("/")
        if path.startswith("/") or "\\" in path or any(part in ("", ".", "..") for part in parts):
            raise ValueError(f"file {path}: not a plain relative path")
        for suffix in (".onnx.json", ".onnx", "MODEL_CARD"):
            if path.endswith(suffix):
                by_suffix.setdefault(suffix, CatalogFile(path, size, str(md5)))
                break
    if ".onnx" not in by_suffix or ".onnx.json" not in by_suffix:
        raise ValueError("no .onnx model or no .onnx.json config among its files")
    language = entry["language"]
    speaker_map = entry.get("speaker_id_map") or {}
    return CatalogVoice(
        key=key,
        name=str(entry["name"]),
        language=str(language["code"]),
        language_family=str(language["family"]),
        language_english=f"{language.get('name_english', '')} ({language.get('country_english', '')})",
        quality=str(entry["quality"]),
        num_speakers=int(entry.get("num_speakers", 1)),
        speakers=tuple(name for name, _ in sorted(speaker_map.items(), key=lambda item: item[1])),
        model=by_suffix[".onnx"],
        config=by_suffix[".onnx.json"],
        card=by_suffix.get("MODEL_CARD"),
        aliases=tuple(entry.get("aliases") or ()),
        licence=licence,
    )


def _licences(data: dict[str, Any]) -> dict[str, Licence]:
    return {key: Licence(**value) for key, value in data.items()}


def load_snapshot() -> Catalog:
    """The catalog snapshot shipped with the package (English voices, with the licences we know)."""
    wrapper = json.loads(files("gentle_steps.audio.voices").joinpath(SNAPSHOT).read_text(encoding="utf-8"))
    return parse(wrapper["voices"], f"shipped snapshot ({wrapper['retrieved']})", _licences(wrapper["licences"]))


def load(refreshed: Path | None = None) -> tuple[Catalog, str | None]:
    """The shipped snapshot, updated by the ``refreshed`` copy when it exists and parses.

    Returns the catalog and a warning (``None`` when all is well): a refreshed copy that does not parse is
    ignored with a one-line warning naming it, never fatal.
    """
    snapshot = load_snapshot()
    if refreshed is None or not refreshed.is_file():
        return snapshot, None
    licences = {key: voice.licence for key, voice in snapshot.voices.items() if voice.licence}
    try:
        newer = parse(json.loads(refreshed.read_bytes()[:MAX_CATALOG_BYTES]), str(refreshed), licences)
    except (OSError, ValueError) as exc:
        return snapshot, f"{refreshed}: ignored ({str(exc).splitlines()[0]}); using the shipped snapshot"
    merged = dict(snapshot.voices) | newer.voices
    return Catalog(voices=dict(sorted(merged.items())), origin=f"{refreshed} (refreshed)"), None
