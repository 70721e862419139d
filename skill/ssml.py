"""Small SSML helpers: every piece of text the skill speaks goes through :func:`escape`.

Alexa refuses an SSML document over 8000 characters and any raw ``&``, ``<`` or ``>``, so speech is assembled from
escaped text and the few tags below, and :func:`fit` trims long readings at a sentence boundary.
"""

from __future__ import annotations

import re

MAX_SSML_CHARS = 8000
"""Alexa's limit on one outputSpeech SSML document."""

# ask-sdk wraps our speech in <speak>...</speak>; keep room for that and a closing question.
BUDGET = MAX_SSML_CHARS - 400

_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+")


def escape(text: str) -> str:
    """Text made safe inside SSML: ``&``, ``<`` and ``>`` escaped, control characters dropped."""
    text = "".join(ch for ch in text if ch >= " " or ch in "\n\t")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attribute(value: str) -> str:
    """A value made safe inside a double-quoted SSML attribute."""
    return escape(value).replace('"', "&quot;")


def pause(ms: int) -> str:
    """A silent pause of ``ms`` milliseconds (Alexa allows at most 10 s)."""
    return f'<break time="{max(0, min(ms, 10000))}ms"/>'


def audio(url: str) -> str:
    """Play an https MP3 clip inside speech (48 kbps, at most 240 s; Alexa's SSML audio rules)."""
    return f'<audio src="{attribute(url)}"/>'


def gentle(text: str) -> str:
    """A short text spoken slowly, with a breath after each sentence and clause (for grounding prompts)."""
    parts = [p.strip() for p in re.split(r"(?<=[.!?:;\u2026])\s+", text) if p.strip()]
    body = pause(400).join(escape(p) for p in parts)
    return f'<prosody rate="90%">{body}</prosody>'


def sentences(text: str) -> list[str]:
    """``text`` split into sentences (keeps the punctuation)."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def fit(text: str, budget: int = BUDGET) -> tuple[str, bool]:
    """Escaped ``text`` cut at a sentence boundary to fit ``budget`` characters; also whether it was cut."""
    out: list[str] = []
    used = 0
    for sentence in sentences(text):
        piece = escape(sentence)
        if used + len(piece) + 1 > budget:
            if not out:  # one enormous sentence: cut it at a word boundary
                out.append(piece[:budget].rsplit(" ", 1)[0].rsplit("&", 1)[0])
            return " ".join(out), True
        out.append(piece)
        used += len(piece) + 1
    return " ".join(out), False
