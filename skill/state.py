"""Listener state: where each device stopped, and which grounding prompt each listener heard last.

Nothing a listener says is stored, and no health information: only a playback token and offset per device, and
the id of the last prompt per user. Keys are SHA-256 digests of Alexa's device and user ids.

:class:`SqlitePersistenceAdapter` is the embedded store (ask-sdk's ``AbstractPersistenceAdapter`` on stdlib
sqlite3). :class:`StateStore` wraps any adapter (SQLite, or DynamoDB from ``skill.dynamo``) so that a failing store
never silences the skill: it logs and carries on with empty state.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import Context, Device, RequestEnvelope, User
from ask_sdk_model.interfaces.system import SystemState

log = logging.getLogger(__name__)


def user_id_key(request_envelope: RequestEnvelope) -> str:
    """Partition key: the envelope's user id (the same rule as ask-sdk's DynamoDB adapter default)."""
    try:
        return request_envelope.context.system.user.user_id
    except AttributeError:
        raise PersistenceException("request envelope has no user id") from None


class SqlitePersistenceAdapter(AbstractPersistenceAdapter):
    """ask-sdk persistence on one SQLite file: one JSON document per key, WAL journal, upserts.

    The file is opened lazily, so a missing or unwritable file is reported on use, as
    :class:`PersistenceException`, not at start-up. One connection serves every thread, one statement at a time
    (each is a primary-key lookup or upsert of well under a millisecond). At most once every ``reopen_check_s``
    the file is looked at: if it was replaced (another inode, e.g. a restored backup renamed over it) or
    deleted, every connection to the old file is closed before the new one is opened, since a connection left
    on the old file would share its WAL and shared-memory files with the new one and read the old data.
    """

    def __init__(self, path: str | os.PathLike[str], partition_keygen: Callable[[RequestEnvelope], str] = user_id_key,
                 timeout: float = 2.0, checkpoint_every: float | None = None, reopen_check_s: float = 1.0) -> None:
        """Store in ``path``; ``partition_keygen`` maps an envelope to its key; ``timeout`` waits on locks.

        ``checkpoint_every`` (seconds) moves WAL checkpoints to a background thread: a checkpoint fsyncs the
        database, which otherwise lands on whichever request happens to trigger it (a 100 ms stall on a busy
        disk). None keeps SQLite's automatic checkpoints (right for one-shot processes such as Lambda).
        ``reopen_check_s`` is how often, at most, the file is checked for replacement.
        """
        self.path = os.fspath(path)
        self.partition_keygen = partition_keygen
        self.timeout = timeout
        self.checkpoint_every = checkpoint_every
        self.reopen_check_s = reopen_check_s
        self._conn: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._next_check = 0.0
        self._reopen = False
        self._lock = threading.RLock()  # the connection, and replacing it
        self._checkpoint_conn: sqlite3.Connection | None = None
        self._checkpoint_lock = threading.Lock()
        self._stop = threading.Event()
        self._checkpointer: threading.Thread | None = None
        self.checkpoints = 0
        """Background checkpoints run so far."""

    def _file_identity(self) -> tuple[int, int] | None:
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return info.st_dev, info.st_ino

    def _connection(self) -> sqlite3.Connection:
        """The open connection (call with the lock held), opening or reopening the file as needed."""
        if self._conn is not None:
            now = time.monotonic()
            if not self._reopen and self.reopen_check_s is not None and now >= self._next_check:
                self._next_check = now + self.reopen_check_s
                identity = self._file_identity()
                if identity != self._identity:
                    log.warning("state store %s was %s; reopening it", self.path,
                                "deleted" if identity is None else "replaced")
                    self._reopen = True
            if self._reopen:
                self._close_all()
        if self._conn is None:
            self._open_all()
        assert self._conn is not None
        return self._conn

    def _open_all(self) -> None:
        # The checkpointer's connection is opened here, beside the main one, never later on its own: opened
        # after the file was replaced, it would checkpoint the old database's WAL into the new file.
        for _ in range(2):
            before = self._file_identity()
            conn = self._open()
            checkpoint_conn = None
            if self.checkpoint_every:
                try:
                    checkpoint_conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None,
                                                      check_same_thread=False)
                except sqlite3.Error:
                    conn.close()
                    raise
            after = self._file_identity()
            if before is None or before == after:
                break
            for opened in (conn, checkpoint_conn):  # replaced while opening: once more
                if opened is not None:
                    opened.close()
        with self._checkpoint_lock:
            self._checkpoint_conn = checkpoint_conn
        self._conn, self._identity, self._reopen = conn, after, False
        self._next_check = time.monotonic() + (self.reopen_check_s or 0)
        if self.checkpoint_every:
            self._start_checkpointer()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoints, fast commits
            conn.execute("CREATE TABLE IF NOT EXISTS attributes ("
                         "id TEXT PRIMARY KEY, doc TEXT NOT NULL, updated_at INTEGER NOT NULL)")
            if self.checkpoint_every:
                conn.execute("PRAGMA wal_autocheckpoint=0")
        except BaseException:
            conn.close()
            raise
        return conn

    def _start_checkpointer(self) -> None:
        if self._checkpointer is None and not self._stop.is_set():
            self._checkpointer = threading.Thread(target=self._checkpoint_loop, name="sqlite-checkpoint",
                                                  daemon=True)
            self._checkpointer.start()

    def _checkpoint_loop(self) -> None:
        while not self._stop.wait(self.checkpoint_every):
            # Its own connection, outside the request lock: a checkpoint fsyncs, and requests must not wait on it.
            with self._checkpoint_lock:
                if self._checkpoint_conn is None:
                    continue
                try:
                    self._checkpoint_conn.execute("PRAGMA wal_checkpoint(PASSIVE)")  # never waits for writers
                    self.checkpoints += 1
                except sqlite3.Error as exc:
                    log.warning("state store %s: checkpoint failed (%s)", self.path, exc)
                    self._close_checkpoint_conn()
                    self._reopen = True  # the next request reopens both connections

    def _close_checkpoint_conn(self) -> None:
        # Call with the checkpoint lock held.
        conn, self._checkpoint_conn = self._checkpoint_conn, None
        if conn is not None:
            try:
                conn.close()
            except sqlite3.Error:
                pass

    def _close_all(self) -> None:
        """Close every connection to the file (call with the lock held); the next use opens it again."""
        with self._checkpoint_lock:
            self._close_checkpoint_conn()
            conn, self._conn = self._conn, None
            if conn is None:
                return
            try:
                # Empty the WAL first. SQLite keeps the WAL when its database was renamed over or deleted, and
                # the next connection would replay the old database's pages into the new file.
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass
            try:
                conn.close()
            except sqlite3.Error:
                pass

    def _reset(self) -> None:
        # A connection that failed (file replaced, disk error) is reopened on the next call.
        with self._lock:
            self._close_all()

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        """The document stored for the envelope's key, or ``{}`` when there is none."""
        key = self.partition_keygen(request_envelope)
        try:
            with self._lock:
                row = self._connection().execute("SELECT doc FROM attributes WHERE id = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            self._reset()
            raise PersistenceException(f"state store {self.path}: cannot read ({exc})") from exc
        if row is None:
            return {}
        try:
            doc = json.loads(row[0])
        except ValueError as exc:
            raise PersistenceException(f"state store {self.path}: stored document is not JSON") from exc
        if not isinstance(doc, dict):
            raise PersistenceException(f"state store {self.path}: stored document is not an object")
        return doc

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        """Replace the document stored for the envelope's key."""
        key = self.partition_keygen(request_envelope)
        try:
            doc = json.dumps(attributes, separators=(",", ":"), sort_keys=True, default=_json_default)
        except (TypeError, ValueError) as exc:
            raise PersistenceException(f"state store {self.path}: attributes are not JSON-serialisable") from exc
        try:
            with self._lock:
                self._connection().execute(
                    "INSERT INTO attributes (id, doc, updated_at) VALUES (?, ?, ?) "
                    "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at",
                    (key, doc, int(time.time())))
        except sqlite3.Error as exc:
            self._reset()
            raise PersistenceException(f"state store {self.path}: cannot write ({exc})") from exc

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        """Forget the document stored for the envelope's key (no error when there is none)."""
        key = self.partition_keygen(request_envelope)
        try:
            with self._lock:
                self._connection().execute("DELETE FROM attributes WHERE id = ?", (key,))
        except sqlite3.Error as exc:
            self._reset()
            raise PersistenceException(f"state store {self.path}: cannot delete ({exc})") from exc

    def close(self) -> None:
        """Stop the checkpointer and close the file."""
        self._stop.set()
        if self._checkpointer is not None:
            self._checkpointer.join(5)
        self._reset()


def _json_default(value: Any) -> Any:
    # DynamoDB hands numbers back as Decimal; keep them numbers.
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def _keyed_envelope(key: str) -> RequestEnvelope:
    # Adapters take a request envelope and derive the key from it (by user id or device id, depending on the
    # adapter's keygen); an envelope whose user and device ids are both our key works with either.
    return RequestEnvelope(context=Context(system=SystemState(user=User(user_id=key), device=Device(device_id=key))))


def as_int(value: Any, default: int = 0) -> int:
    """A stored number as int (DynamoDB returns Decimal), or ``default`` for anything else."""
    if isinstance(value, bool):
        return default
    try:
        return max(0, int(value))
    except (TypeError, ValueError, ArithmeticError):
        return default


class StateStore:
    """Per-device playback and per-user prompt rotation on top of any persistence adapter, never raising."""

    def __init__(self, adapter: AbstractPersistenceAdapter | None) -> None:
        """Use ``adapter``; ``None`` keeps no state at all."""
        self.adapter = adapter

    @staticmethod
    def key(kind: str, alexa_id: str) -> str:
        """The storage key for a device or user id: a digest, so raw Alexa ids never reach the store."""
        return f"{kind}:{hashlib.sha256(alexa_id.encode('utf-8', 'replace')).hexdigest()[:40]}"

    def _get(self, kind: str, alexa_id: str | None) -> dict[str, Any]:
        if self.adapter is None or not alexa_id:
            return {}
        try:
            doc = self.adapter.get_attributes(_keyed_envelope(self.key(kind, alexa_id)))
            return dict(doc) if isinstance(doc, dict) else {}
        except Exception as exc:  # any adapter, any failure: answer without saved state
            log.warning("state store unavailable, answering without saved %s state: %s", kind, exc)
            return {}

    def _save(self, kind: str, alexa_id: str | None, doc: dict[str, Any]) -> bool:
        if self.adapter is None or not alexa_id:
            return False
        try:
            self.adapter.save_attributes(_keyed_envelope(self.key(kind, alexa_id)), doc)
            return True
        except Exception as exc:
            log.warning("state store unavailable, %s state not saved: %s", kind, exc)
            return False

    def device(self, device_id: str | None) -> dict[str, Any]:
        """Saved playback for a device: ``token``, ``offset_ms``, ``activity``, ``enqueued_for`` (or ``{}``)."""
        return self._get("device", device_id)

    def save_device(self, device_id: str | None, doc: dict[str, Any]) -> bool:
        """Save playback for a device; False (logged) when the store failed."""
        return self._save("device", device_id, doc)

    def user(self, user_id: str | None) -> dict[str, Any]:
        """Saved rotation for a user: ``last_prompt`` (or ``{}``)."""
        return self._get("user", user_id)

    def save_user(self, user_id: str | None, doc: dict[str, Any]) -> bool:
        """Save rotation for a user; False (logged) when the store failed."""
        return self._save("user", user_id, doc)
