"""The SQLite persistence adapter and the never-raising state store on top of it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import Context, RequestEnvelope, User
from ask_sdk_model.interfaces.system import SystemState
from gentle_steps.skill.state import SqlitePersistenceAdapter, StateStore, as_int


def envelope_for(user_id: str) -> RequestEnvelope:
    return RequestEnvelope(context=Context(system=SystemState(user=User(user_id=user_id))))


def test_missing_key_is_an_empty_dict(tmp_path):
    assert SqlitePersistenceAdapter(tmp_path / "s.sqlite3").get_attributes(envelope_for("u1")) == {}


def test_save_upserts_one_json_document_per_key(tmp_path):
    path = tmp_path / "s.sqlite3"
    adapter = SqlitePersistenceAdapter(path)
    adapter.save_attributes(envelope_for("u1"), {"offset_ms": 1, "token": "a|b|c"})
    adapter.save_attributes(envelope_for("u1"), {"offset_ms": 2})
    adapter.save_attributes(envelope_for("u2"), {"last_prompt": "p"})
    assert adapter.get_attributes(envelope_for("u1")) == {"offset_ms": 2}
    assert adapter.get_attributes(envelope_for("u2")) == {"last_prompt": "p"}
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM attributes").fetchone() == (2,)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_delete_forgets(tmp_path):
    adapter = SqlitePersistenceAdapter(tmp_path / "s.sqlite3")
    adapter.save_attributes(envelope_for("u1"), {"x": 1})
    adapter.delete_attributes(envelope_for("u1"))
    adapter.delete_attributes(envelope_for("never-saved"))
    assert adapter.get_attributes(envelope_for("u1")) == {}


def test_threads_share_the_file(tmp_path):
    adapter = SqlitePersistenceAdapter(tmp_path / "s.sqlite3")
    errors = []

    def work(n: int) -> None:
        try:
            for i in range(30):
                adapter.save_attributes(envelope_for(f"u{n}"), {"i": i})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert [adapter.get_attributes(envelope_for(f"u{n}")) for n in range(8)] == [{"i": 29}] * 8


def test_failures_raise_persistence_exception(tmp_path):
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(b"garbage" * 1000)
    with pytest.raises(PersistenceException):
        SqlitePersistenceAdapter(corrupt).get_attributes(envelope_for("u"))
    with pytest.raises(PersistenceException):
        SqlitePersistenceAdapter(tmp_path / "missing" / "s.sqlite3").save_attributes(envelope_for("u"), {})
    good = SqlitePersistenceAdapter(tmp_path / "s.sqlite3")
    with pytest.raises(PersistenceException):
        good.save_attributes(envelope_for("u"), {"not json": object()})
    good.save_attributes(envelope_for("u"), {})
    sqlite3.connect(tmp_path / "s.sqlite3").execute("UPDATE attributes SET doc = '[broken'").connection.commit()
    with pytest.raises(PersistenceException):
        good.get_attributes(envelope_for("u"))


def _without_root_overrides() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Drop root's power to ignore file permissions (CI runs as root), so a read-only file is read-only."""
    if os.geteuid() == 0:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
            libc.prctl(24, capability)  # PR_CAPBSET_DROP: gone after exec


def test_a_read_only_store_raises_on_write(tmp_path):
    path = tmp_path / "ro.sqlite3"
    SqlitePersistenceAdapter(path).save_attributes(envelope_for("u"), {"x": 1})
    for p in tmp_path.iterdir():
        p.chmod(0o444)
    tmp_path.chmod(0o555)
    code = textwrap.dedent(f"""
        from ask_sdk_core.exceptions import PersistenceException
        from ask_sdk_model import Context, RequestEnvelope, User
        from ask_sdk_model.interfaces.system import SystemState
        from gentle_steps.skill.state import SqlitePersistenceAdapter
        envelope = RequestEnvelope(context=Context(system=SystemState(user=User(user_id="u"))))
        try:
            SqlitePersistenceAdapter({str(path)!r}).save_attributes(envelope, {{"x": 2}})
        except PersistenceException:
            print("refused")
        """)
    try:
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                                check=False, preexec_fn=_without_root_overrides)
    finally:
        tmp_path.chmod(0o755)
    assert result.stdout.strip() == "refused", result.stderr


def test_the_store_never_raises_and_hashes_ids(tmp_path, caplog):
    broken = StateStore(SqlitePersistenceAdapter(tmp_path / "missing" / "s.sqlite3"))
    assert broken.device("amzn1.ask.device.X") == {}
    assert broken.save_user("amzn1.ask.account.Y", {"last_prompt": "p"}) is False
    assert "state store unavailable" in caplog.text
    key = StateStore.key("device", "amzn1.ask.device.X")
    assert key.startswith("device:") and "amzn1" not in key
    assert StateStore(None).device("d") == {}


@pytest.mark.parametrize("value, expected", [(5, 5), ("7", 7), (3.9, 3), (-4, 0), (None, 0), (True, 0), ("x", 0)])
def test_as_int(value, expected):
    from decimal import Decimal

    assert as_int(value) == expected
    if isinstance(value, int) and not isinstance(value, bool):
        assert as_int(Decimal(value)) == expected


def test_background_checkpoints_replace_the_automatic_ones(tmp_path):
    path = tmp_path / "s.sqlite3"
    adapter = SqlitePersistenceAdapter(path, checkpoint_every=0.05)
    try:
        for i in range(200):
            adapter.save_attributes(envelope_for(f"u{i}"), {"offset_ms": i, "token": "x" * 200})
        assert adapter._connection().execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)
        deadline = time.monotonic() + 5
        while adapter.checkpoints == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert adapter.checkpoints > 0
        assert adapter.get_attributes(envelope_for("u199"))["offset_ms"] == 199
    finally:
        adapter.close()
    assert SqlitePersistenceAdapter(path).get_attributes(envelope_for("u7")) == {"offset_ms": 7, "token": "x" * 200}


def restored_copy(tmp_path, name: str, doc: dict):
    """A complete state file made elsewhere (as a restored backup would be), closed and checkpointed."""
    path = tmp_path / name
    other = SqlitePersistenceAdapter(path)
    other.save_attributes(envelope_for("u1"), doc)
    other.close()
    return path


@pytest.mark.parametrize("checkpoint_every", [None, 0.05])
def test_a_replaced_state_file_is_reopened(tmp_path, caplog, checkpoint_every):
    path = tmp_path / "s.sqlite3"
    adapter = SqlitePersistenceAdapter(path, checkpoint_every=checkpoint_every)
    adapter.save_attributes(envelope_for("u1"), {"offset_ms": 1})
    assert adapter.get_attributes(envelope_for("u1")) == {"offset_ms": 1}

    os.replace(restored_copy(tmp_path, "restored.sqlite3", {"offset_ms": 2}), path)
    time.sleep(1.1)  # the file is looked at once a second at most

    assert adapter.get_attributes(envelope_for("u1")) == {"offset_ms": 2}
    adapter.save_attributes(envelope_for("u2"), {"offset_ms": 3})
    assert "replaced" in caplog.text and str(path) in caplog.text
    adapter.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT count(*) FROM attributes").fetchone() == (2,)


def test_a_deleted_state_file_is_made_again(tmp_path):
    path = tmp_path / "s.sqlite3"
    adapter = SqlitePersistenceAdapter(path)
    adapter.save_attributes(envelope_for("u1"), {"offset_ms": 1})
    for leftover in tmp_path.glob("s.sqlite3*"):
        leftover.unlink()
    time.sleep(1.1)
    assert adapter.get_attributes(envelope_for("u1")) == {}
    adapter.save_attributes(envelope_for("u1"), {"offset_ms": 5})
    adapter.close()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM attributes").fetchone() == (1,)


def test_threads_see_the_replacement_too(tmp_path):
    path = tmp_path / "s.sqlite3"
    adapter = SqlitePersistenceAdapter(path, checkpoint_every=0.05)
    seen: list[dict] = []

    def read():
        seen.append(adapter.get_attributes(envelope_for("u1")))

    first = threading.Thread(target=read)
    first.start()
    first.join()
    adapter.save_attributes(envelope_for("u1"), {"offset_ms": 1})
    os.replace(restored_copy(tmp_path, "restored.sqlite3", {"offset_ms": 2}), path)
    time.sleep(1.1)
    for _ in range(4):
        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
    adapter.close()
    assert seen == [{}] + [{"offset_ms": 2}] * 4
