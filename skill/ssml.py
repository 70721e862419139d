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


class Ssml(str):
    """Text that is already SSML (escaped, with tags): :class:`~gentle_steps.skill.lines.Line` keeps it as it is."""


def escape(text: str) -> str:
    """Text made safe inside SSML: ``&``, ``<`` and ``>`` escaped, control characters dropped."""
    text = "".join(ch for ch in text if ch >= " " or ch in "\n\t")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attribute(value: str) -> str:
    """A value made safe inside a double-quoted SSML attribute."""
    return escape(value).replace('"', "&quot;")


def pause(ms: int) -> Ssml:
    """A silent pause of ``ms`` milliseconds (Alexa allows at most 10 s)."""
    return Ssml(f'<break time="{max(0, min(ms, 10000))}ms"/>')


def audio(url: str) -> Ssml:
    """Play an https MP3 clip inside speech (48 kbps, at most 240 s; Alexa's SSML audio rules)."""
    return Ssml(f'<audio src="{attribute(url)}"/>')


def join(*parts: str, gap_ms: int = 0) -> Ssml:
    """SSML fragments one after another (a space, or a pause of ``gap_ms``, between them); empty ones dropped."""
    glue = pause(gap_ms) if gap_ms else " "
    return Ssml(glue.join(p for p in parts if p))


def gentle(text: str) -> Ssml:
    """A short text spoken slowly, with a breath after each sentence and clause (for grounding prompts)."""
    parts = [p.strip() for p in re.split(r"(?<=[.!?:;\u2026])\s+", text) if p.strip()]
    body = pause(400).join(p if isinstance(text, Ssml) else escape(p) for p in parts)
    return Ssml(f'<prosody rate="90%">{body}</prosody>')


def title(text: str) -> Ssml:
    """A title as the skill reads it aloud: escaped, without wrapping quotes, and without the punctuation that
    would change its intonation ("Can You Rebuild Trust After Betrayal?" is not read as a question; a trailing
    ellipsis or full stop goes too, since the line around it ends the sentence)."""
    text = text.strip().strip("\u201c\u201d\"' ")
    text = re.sub(r"[?!]+(?=\s)", ",", text)
    text = text.rstrip(" .?!\u2026:;,").strip("\u201c\u201d\"' ").rstrip(" .?!\u2026:;,")
    return Ssml(escape(text))


def digits(groups: list[str], rate: str = "80%", gap_ms: int = 300) -> Ssml:
    """A phone number read slowly, digit by digit, with a short pause between its groups ("116 123")."""
    spoken = pause(gap_ms).join(f'<say-as interpret-as="digits">{escape(g)}</say-as>' for g in groups if g)
    return Ssml(f'<prosody rate="{rate}">{spoken}</prosody>')


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
