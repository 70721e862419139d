"""AWS Lambda entry point: ``gentle_steps.skill.lambda_function.handler``.

Configuration, read once per process (warm invocations reuse the built skill):

- ``GENTLE_STEPS_CATALOG``: the catalog file; default ``catalog.json`` at the zip's root (where
  ``gentle-steps package-lambda`` puts it), then ``dist/catalog.json``.
- ``GENTLE_STEPS_SKILL_ID``: when set, requests for any other skill id are refused.
- ``GENTLE_STEPS_TABLE``: a DynamoDB table for listener state (``skill.dynamo``); otherwise SQLite at
  ``GENTLE_STEPS_STATE`` (default ``/tmp/gentle-steps-state.sqlite3`` on Lambda, ``state.sqlite3`` elsewhere).
"""

from __future__ import annotations

import gc
import logging
import os
import threading
from typing import Any

from gentle_steps.skill.runtime import EMPTY_RESPONSE, BadRequest, SkillRuntime, application_id

log = logging.getLogger(__name__)

_runtime: SkillRuntime | None = None
_lock = threading.Lock()


def catalog_path() -> str:
    """The catalog this process reads (see the module docstring)."""
    configured = os.environ.get("GENTLE_STEPS_CATALOG")
    if configured:
        return configured
    # The zip's root: gentle_steps/skill/lambda_function.py is two folders below it.
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    beside = os.path.join(root, "catalog.json")
    return beside if os.path.isfile(beside) else os.path.join("dist", "catalog.json")


def make_adapter():
    """The persistence adapter the environment asks for: DynamoDB when ``GENTLE_STEPS_TABLE`` is set, else SQLite."""
    table = os.environ.get("GENTLE_STEPS_TABLE")
    if table:
        from gentle_steps.skill.dynamo import (
            make_adapter as dynamo_adapter,  # boto3 is loaded only when asked for
        )

        return dynamo_adapter(table)
    from gentle_steps.skill.state import SqlitePersistenceAdapter

    default = "/tmp/gentle-steps-state.sqlite3" if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") else "state.sqlite3"
    return SqlitePersistenceAdapter(os.environ.get("GENTLE_STEPS_STATE") or default)


def runtime() -> SkillRuntime:
    """The process's skill, built on first use."""
    global _runtime
    if _runtime is None:
        with _lock:
            if _runtime is None:
                _runtime = SkillRuntime.from_path(catalog_path(), make_adapter())
                # Start-up objects (SDK classes, catalog) never die: keep them out of every later GC pass.
                gc.freeze()
    return _runtime


def reset() -> None:
    """Forget the built skill (tests change the environment between cases)."""
    global _runtime
    with _lock:
        _runtime = None


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Answer one Alexa request delivered by Lambda."""
    skill_id = os.environ.get("GENTLE_STEPS_SKILL_ID")
    if skill_id and isinstance(event, dict) and application_id(event) != skill_id:
        # Lambda's own Alexa trigger should already enforce this; refusing loudly keeps a misconfiguration visible.
        log.error("refused a request for another skill id")
        raise PermissionError("request is for another skill")
    try:
        return runtime().answer(event, context=context)
    except BadRequest as exc:
        log.warning("malformed request: %s", exc)
        return dict(EMPTY_RESPONSE)
