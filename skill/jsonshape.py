"""A cheap look at a request body before ``json.loads`` sees it: how deeply its arrays and objects nest.

Python's JSON parser recurses once per nesting level, so ``[[[[...`` a few thousand deep raises RecursionError
inside the parser. :func:`shape_problem` refuses such a body first, in time bounded by the body's size:
counting brackets is C-speed, and the exact scan (which skips strings, so ``"[["`` is text, not nesting) runs
only when the body has more brackets than the depth allowed, and only on bodies with few strings and escapes.
"""

from __future__ import annotations

import re

MAX_DEPTH = 32
"""Deepest nesting of arrays and objects accepted (an Alexa request nests about 7 deep)."""

MAX_CONTAINERS = 2048
"""Most arrays and objects a body may open (an Alexa request opens a few dozen)."""

MAX_QUOTES = 8192
"""Most quote characters a body with more than :data:`MAX_DEPTH` brackets may hold (bounds the exact scan)."""

MAX_ESCAPES = 8192
"""Most backslashes a body with more than :data:`MAX_DEPTH` brackets may hold (bounds the exact scan)."""

# A string literal, or an unterminated one running to the end; linear, never backtracks.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPENERS = frozenset(b"[{")


def shape_problem(body: bytes, max_depth: int = MAX_DEPTH) -> str | None:
    """Why ``body`` must not be parsed as JSON (for the log), or None when its nesting is safe to parse."""
    openers = body.count(b"[") + body.count(b"{")
    if openers <= max_depth:
        return None  # it cannot nest deeper than it has brackets
    if openers > MAX_CONTAINERS:
        return f"more than {MAX_CONTAINERS} arrays and objects"
    if body.count(b'"') > MAX_QUOTES or body.count(b"\\") > MAX_ESCAPES:
        return "too many strings or escapes to check its nesting"
    depth = 0
    for byte in _STRING.sub(b"", body).translate(None, _NOT_BRACKETS):
        if byte in _OPENERS:
            depth += 1
            if depth > max_depth:
                return f"arrays and objects nested more than {max_depth} deep"
        else:
            depth -= 1
            if depth < 0:
                return "unbalanced brackets"
    return None
