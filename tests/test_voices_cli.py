"""``gentle-steps voices list|add`` as a person runs them: a real process, a catalog served on loopback."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from voices_server import VoiceServer  # noqa: E402


@pytest.fixture(scope="module")
def server():
    with VoiceServer() as running:
        yield running


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def voices(tmp_path: Path, base_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GENTLE_STEPS_VOICES_DIR": str(tmp_path / "voices"), "GENTLE_STEPS_VOICES_URL": base_url}
    return subprocess.run([sys.executable, "-m", "gentle_steps.deploy.cli", "voices", *args], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def table(stdout: str) -> dict[str, list[str]]:
    """Voice name -> its row's cells, cut at the header's column starts (an empty cell stays "")."""
    lines = stdout.splitlines()
    header = next(line for line in lines if line.startswith("NAME"))
    starts = [header.index(title) for title in ("NAME", "LANGUAGE", "QUALITY", "SIZE", "RATE", "SPEAKERS",
                                                "INSTALLED", "DATA LICENCE")]
    bounds = list(zip(starts, [*starts[1:], None], strict=True))
    rows = [[line[a:b].strip() for a, b in bounds] for line in lines if re.match(r"^[a-z]{2,3}_\w+-", line)]
    return {row[0]: row for row in rows}


def test_list_shows_the_snapshot_offline_with_joe_shipped(tmp_path: Path):
    result = voices(tmp_path, f"http://127.0.0.1:{closed_port()}/", "list", "--language", "en")
    assert result.returncode == 0, result.stderr
    rows = table(result.stdout)
    assert rows["en_US-joe-medium"] == ["en_US-joe-medium", "en_US", "medium", "63 MB", "22050 Hz", "1", "shipped",
                                        "CC0"]
    assert rows["en_US-lessac-high"] == ["en_US-lessac-high", "en_US", "high", "114 MB", "22050 Hz", "1", "",
                                         "https://www.cstr.ed.ac.uk/projects/blizzard/2013/lessac_blizzard2013/"
                                         "license.html"]
    assert rows["en_GB-alan-low"][4] == "16000 Hz"
    assert f"Installed voices live in {tmp_path / 'voices'}" in result.stdout
    assert not (tmp_path / "voices").exists()  # listing writes nothing


def test_add_then_list_then_add_again(server: VoiceServer, tmp_path: Path):
    voices(tmp_path, server.url, "list", "--refresh").check_returncode()
    added = voices(tmp_path, server.url, "add", "en_US-testvoice-medium")
    assert added.returncode == 0, added.stderr
    folder = tmp_path / "voices" / "en_US-testvoice-medium"
    assert added.stdout.splitlines() == [
        f"Installed en_US-testvoice-medium (63 MB, 22050 Hz) in {folder}.",
        "Training data licence (from its MODEL_CARD): CC0",
    ]
    rows = table(voices(tmp_path, server.url, "list").stdout)
    assert rows["en_US-testvoice-medium"][4:7] == ["22050 Hz", "1", "yes"]
    assert rows["en_US-corrupt-medium"][6] == ""
    model_gets = server.requests["en/en_US/testvoice/medium/en_US-testvoice-medium.onnx"]
    again = voices(tmp_path, server.url, "add", "en_US-testvoice-medium")
    assert again.returncode == 0 and again.stdout.strip() == f"en_US-testvoice-medium is already installed in {folder}."
    assert server.requests["en/en_US/testvoice/medium/en_US-testvoice-medium.onnx"] == model_gets  # fetched once


def test_add_a_corrupted_voice_fails_with_one_line_and_leaves_nothing(server: VoiceServer, tmp_path: Path):
    voices(tmp_path, server.url, "list", "--refresh").check_returncode()
    result = voices(tmp_path, server.url, "add", "en_US-corrupt-medium")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "en_US-corrupt-medium" in result.stderr and "MD5" in result.stderr
    assert sorted(p.name for p in (tmp_path / "voices").iterdir()) == ["voices.json"]


def test_add_offline_says_so_in_one_line_naming_the_voice(tmp_path: Path):
    result = voices(tmp_path, f"http://127.0.0.1:{closed_port()}/", "add", "en_US-lessac-high")
    assert result.returncode == 1
    assert result.stderr.startswith("gentle-steps voices add: voice en_US-lessac-high: cannot reach http://127.0.0.1:")
    assert "(offline?); nothing was installed" in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == ""
    leftovers = list((tmp_path / "voices").iterdir()) if (tmp_path / "voices").exists() else []
    assert leftovers == []


def test_add_an_unknown_name_suggests_the_close_one(tmp_path: Path):
    result = voices(tmp_path, f"http://127.0.0.1:{closed_port()}/", "add", "en_US-lesac-high")
    assert result.returncode == 2
    assert result.stderr.startswith("gentle-steps voices add: en_US-lesac-high is not in the Piper voice catalog; "
                                    "did you mean en_US-lessac-high")
    assert result.stderr.count("\n") == 1


def test_add_the_shipped_voice_downloads_nothing(tmp_path: Path):
    result = voices(tmp_path, f"http://127.0.0.1:{closed_port()}/", "add", "en_US-joe-medium")
    assert result.returncode == 0
    assert result.stdout.strip() == "en_US-joe-medium ships with Gentle Steps and is already installed."


def test_list_refresh_offline_still_lists_and_fails(tmp_path: Path):
    result = voices(tmp_path, f"http://127.0.0.1:{closed_port()}/", "list", "--refresh")
    assert result.returncode == 1
    assert result.stderr.startswith("gentle-steps voices list: could not refresh the catalog: cannot reach")
    assert "en_US-joe-medium" in table(result.stdout)


def test_list_an_unknown_language_is_bad_input(tmp_path: Path):
    result = voices(tmp_path, f"http://127.0.0.1:{closed_port()}/", "list", "--language", "xx")
    assert result.returncode == 2 and "no voices for language 'xx'" in result.stderr
