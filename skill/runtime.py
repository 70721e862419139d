"""One skill instance behind both front doors (Lambda and the web service): check, deserialize, answer, serialize.

:func:`check_envelope` refuses what is not an Alexa request before ask-sdk sees it, so a malformed request is a
clear 400 at the web service instead of an error deep inside the SDK.
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from gentle_steps.skill.catalog import Catalog, CatalogError, load_catalog
from gentle_steps.skill.handlers import REQUEST_TYPES, build_skill
from gentle_steps.skill.state import StateStore

log = logging.getLogger(__name__)

EMPTY_RESPONSE: dict[str, Any] = {"version": "1.0", "response": {}}
"""A valid response with nothing in it."""


class BadRequest(ValueError):
    """The request is not a well-formed Alexa request; the message is for logs only, never for the caller."""


def _field(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def check_envelope(envelope: Any) -> dict[str, Any]:
    """``envelope`` if it has the fields every Alexa request carries; raises :class:`BadRequest` otherwise."""
    if not isinstance(envelope, dict):
        raise BadRequest("body is not a JSON object")
    request = envelope.get("request")
    if not isinstance(request, dict):
        raise BadRequest("request missing")
    request_type = request.get("type")
    if not isinstance(request_type, str) or request_type not in REQUEST_TYPES:
        raise BadRequest(f"unknown request type {str(request_type)[:60]!r}")
    for key in ("requestId", "timestamp"):
        if not isinstance(request.get(key), str) or not request[key]:
            raise BadRequest(f"request.{key} missing")
    required = [("context", "System", "application", "applicationId")]
    if request_type != "CanFulfillIntentRequest":  # Amazon's certification sends it without a user or device
        required += [("context", "System", "user", "userId"), ("context", "System", "device", "deviceId")]
    for path in required:
        if not isinstance(_field(envelope, *path), str):
            raise BadRequest(f"{'.'.join(path)} missing")
    if request_type in ("IntentRequest", "CanFulfillIntentRequest") and not isinstance(
            _field(request, "intent", "name"), str):
        raise BadRequest("request.intent.name missing")
    session = envelope.get("session")
    if session is not None:
        if not isinstance(session, dict):
            raise BadRequest("session is not an object")
        attributes = session.get("attributes")
        if attributes is not None and not isinstance(attributes, dict):
            raise BadRequest("session.attributes is not an object")
    slots = _field(request, "intent", "slots")
    if slots is not None and (not isinstance(slots, dict) or not all(isinstance(s, dict) for s in slots.values())):
        raise BadRequest("request.intent.slots malformed")
    return envelope


def application_id(envelope: dict[str, Any]) -> str | None:
    """The skill id a request is addressed to."""
    value = _field(envelope, "context", "System", "application", "applicationId")
    return value if isinstance(value, str) else None


class SkillRuntime:
    """The built skill plus its serializer: turns request JSON into response JSON."""

    def __init__(self, catalog: Catalog, adapter: AbstractPersistenceAdapter | None,
                 rng: random.Random | None = None) -> None:
        """Answer from ``catalog`` with state kept by ``adapter`` (None keeps none)."""
        self.catalog = catalog
        self.store = StateStore(adapter)
        self.skill = build_skill(catalog, self.store, rng)
        self.serializer = DefaultSerializer()

    @classmethod
    def from_path(cls, catalog_path: str | os.PathLike[str], adapter: AbstractPersistenceAdapter | None) -> SkillRuntime:
        """Load the catalog at ``catalog_path`` (raises ``CatalogError``) and build the skill."""
        return cls(load_catalog(catalog_path), adapter)

    def answer(self, envelope: dict[str, Any], body: str | None = None, context: Any = None) -> dict[str, Any]:
        """The response envelope for a checked request; ``body`` is its JSON text when already at hand.

        Raises :class:`BadRequest` when ask-sdk cannot read the envelope (wrong field types, bad dates).
        Errors while answering are handled by the skill's catch-all handler and never raise.
        """
        check_envelope(envelope)
        try:
            request = self.serializer.deserialize(body if body is not None else json.dumps(envelope), RequestEnvelope)
        except Exception as exc:  # the SDK raises assorted types for malformed fields
            raise BadRequest(f"envelope not readable: {type(exc).__name__}") from exc
        response = self.skill.invoke(request_envelope=request, context=context)
        return self.serializer.serialize(response)


class ReloadingRuntime:
    """A :class:`SkillRuntime` that follows its catalog file: for a long-running web service, whose catalog a
    build replaces (a new ``dist/`` renamed into place) while it runs.

    At most once every ``check_every_s`` the file's identity (inode, size, modification time) is looked at; when
    it changed, the new catalog is loaded and a new skill built beside the old one, then swapped in. A catalog
    that does not load is logged once (per version of the file) and the previous one is kept.
    """

    def __init__(self, catalog_path: str | os.PathLike[str], adapter: AbstractPersistenceAdapter | None,
                 check_every_s: float = 1.0) -> None:
        """Load ``catalog_path`` now (raises ``CatalogError``); listener state in ``adapter`` is shared by every
        catalog this runtime loads."""
        self.path = os.fspath(catalog_path)
        self.adapter = adapter
        self.check_every_s = check_every_s
        self._seen = self._identity()
        self.current = SkillRuntime(load_catalog(self.path), adapter)
        self._next_check = time.monotonic() + check_every_s
        self._lock = threading.Lock()

    @property
    def catalog(self) -> Catalog:
        """The catalog being served."""
        return self.current.catalog

    def _identity(self) -> tuple[int, int, int] | None:
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return info.st_ino, info.st_size, info.st_mtime_ns

    def refresh(self) -> None:
        """Load the catalog again if its file changed (at most once every ``check_every_s``)."""
        if time.monotonic() < self._next_check or not self._lock.acquire(blocking=False):
            return  # not yet, or another thread is looking: answer from the current catalog meanwhile
        try:
            self._next_check = time.monotonic() + self.check_every_s
            identity = self._identity()
            if identity == self._seen:
                return
            self._seen = identity
            if identity is None:
                log.warning("%s: missing; still serving the previous catalog", self.path)
                return
            try:
                self.current = SkillRuntime(load_catalog(self.path), self.adapter)
            except CatalogError as exc:
                log.warning("%s; still serving the previous catalog", exc)
                return
            log.info("%s: reloaded (%d episodes)", self.path, len(self.current.catalog.episodes))
        finally:
            self._lock.release()

    def answer(self, envelope: dict[str, Any], body: str | None = None, context: Any = None) -> dict[str, Any]:
        """:meth:`SkillRuntime.answer` from the newest catalog that loaded."""
        self.refresh()
        return self.current.answer(envelope, body, context)
