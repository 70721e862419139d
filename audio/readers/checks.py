"""Checks on what a reader found, before anything is narrated: characters that are not text, and letters the
voice cannot read.

The voice reads Latin-script English. A letter of another script (Greek, Hebrew, Chinese...) comes out as
character names or noise, so it is reported with its file and line; a heading with no Latin letter gets a
spoken fallback title instead (see :mod:`~gentle_steps.audio.readers.assemble`).
"""

from __future__ import annotations

import re
import unicodedata

from gentle_steps.audio.text import find_control, remove_control

# Invisible formatting pasted along with text: zero-width space, soft hyphen, word joiner, byte-order mark,
# directional marks, embeddings and isolates. Never words; removed without a report. (The zero-width joiner
# stays: it holds emoji sequences together, and emoji are stripped from the spoken text elsewhere.)
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SCRIPT_NAMES = {"CJK": "Chinese", "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean",
                 "MATHEMATICAL": "styled (mathematical)"}
_LATIN_EXTRA = {"MICRO SIGN", "FEMININE ORDINAL INDICATOR", "MASCULINE ORDINAL INDICATOR"}
MAX_SCRIPT_WARNINGS = 5
"""Lines reported one by one per file; the rest are counted in one more warning."""


def clean_source(text: str, source: str) -> tuple[str, list[str]]:
    """``text`` without control characters, noncharacters or invisible formatting; a warning if any was removed.

    The warning names the file, the first line holding one, and the code points found.
    """
    offsets = find_control(text)
    warnings = []
    if offsets:
        line = text.count("\n", 0, offsets[0]) + 1
        codes = sorted({f"U+{ord(text[i]):04X}" for i in offsets})
        shown = ", ".join(codes[:5]) + (", ..." if len(codes) > 5 else "")
        warnings.append(f"{source}:{line}: removed {len(offsets)} control character(s) ({shown}); "
                        "they are not text and cannot go into the pages, transcripts or feed")
        text = remove_control(text)
    return _INVISIBLE.sub("", text), warnings


def clean(text: str) -> str:
    """Any text after parsing (entities may decode to control characters): made safe for XML and HTML."""
    return _INVISIBLE.sub("", remove_control(text))


def script_of(ch: str) -> str:
    """The script of a letter as a reader would name it ("Latin", "Greek", "Chinese"...); "" for non-letters."""
    if not ch.isalpha():
        return ""
    name = unicodedata.name(ch, "")
    if not name:
        return "unknown"
    words = name.split()
    if words[0] == "FULLWIDTH" and len(words) > 1:
        words = words[1:]
    if words[0] == "LATIN" or name in _LATIN_EXTRA:
        return "Latin"
    if words[0] == "MODIFIER":
        return ""  # modifier letters (apostrophe-like marks) belong to no script
    return _SCRIPT_NAMES.get(words[0], words[0].title())


# Letters up to U+024F (Basic Latin to Latin Extended-B) are all Latin; only the rest need their names read.
_ASCII_LETTER = re.compile("[A-Za-z]")
_BEYOND_LATIN = re.compile("[^\x00-\u024f]")


def has_latin(text: str) -> bool:
    """True when ``text`` has at least one Latin letter."""
    if _ASCII_LETTER.search(text):
        return True
    return any(script_of(ch) == "Latin" for ch in text)


def foreign_text(text: str) -> tuple[str, str] | None:
    """The first script other than Latin in ``text`` and a short excerpt of it, or None."""
    for match in _BEYOND_LATIN.finditer(text):
        i, ch = match.start(), match.group()
        script = script_of(ch)
        if script and script != "Latin":
            end = i
            while end < len(text) and end - i < 30 and (script_of(text[end]) in (script, "") and
                                                         text[end] != "\n"):
                end += 1
            excerpt = text[i:end]
            while excerpt and unicodedata.category(excerpt[-1])[0] in "PZS":
                excerpt = excerpt[:-1]  # the comma or space after the word is not part of it
            return script, excerpt
    return None
