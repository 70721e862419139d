"""How listeners name things: the spoken form of a title, and the other names a section answers to.

The build (``deploy/catalog.py``) and the skill both go through :func:`spoken_form`, so slot values, synonyms
and what Alexa hears compare equal.
"""

from __future__ import annotations

import re

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth")
"""Ordinal words for "the third section"."""

NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
"""Number words for "section three"."""

_LEADING = {"what", "why", "how", "the", "a", "an", "if", "but", "is", "are", "can", "you", "your", "when"}
_TRAILING_NOISE = {"actually", "alone", "right", "now", "really"}


def spoken_form(text: str) -> str:
    """Text as a listener would say it: lowercase words, apostrophes kept, other punctuation dropped."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return " ".join(w.strip("'") for w in text.split() if w.strip("'"))


def synonyms_for(title: str, index: int) -> list[str]:
    """Other ways a listener may name a section: its key words, and "part three" / "the third section"."""
    full = spoken_form(title)
    words = full.split()
    found: list[str] = []
    trimmed = list(words)
    while len(trimmed) > 2 and trimmed[0] in _LEADING:
        trimmed.pop(0)
    for candidate in (" ".join(trimmed), " ".join(w for w in trimmed if w not in _TRAILING_NOISE)):
        if candidate and candidate != full and candidate not in found:
            found.append(candidate)
    if index < len(NUMBERS):
        found += [f"part {NUMBERS[index]}", f"section {NUMBERS[index]}", f"the {ORDINALS[index]} section",
                  f"the {ORDINALS[index]} part"]
    return found
