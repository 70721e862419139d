"""Small text helpers shared by the readers and the speech preparation: slugs, emoji, whitespace."""

from __future__ import annotations

import re
import unicodedata

import regex

EMOJI = regex.compile(
    r"[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\uFE0E\uFE0F\u200D\u20E3\U000E0020-\U000E007F]"
)
"""The one emoji rule (speech, captions, pages): every character with Unicode's Extended_Pictographic property,
plus what builds emoji sequences around them: skin-tone modifiers, regional indicator pairs (flags), variation
selectors, the zero-width joiner, the combining keycap and tag characters."""


def is_emoji(ch: str) -> bool:
    """True for a pictograph or a character that only builds one (selector, joiner, skin tone, flag letter)."""
    return bool(EMOJI.match(ch))


def strip_emoji(text: str) -> str:
    """Remove emoji and pictographs, then tidy the spaces they leave."""
    return collapse_spaces(EMOJI.sub("", text))


def starts_with_emoji(text: str) -> bool:
    """True when the first visible character is an emoji or pictograph."""
    text = text.lstrip()
    return bool(text) and is_emoji(text[0])


def collapse_spaces(text: str) -> str:
    """Single spaces, no leading or trailing space."""
    return re.sub(r"\s+", " ", text).strip()


def slugify(text: str, fallback: str = "item") -> str:
    """ASCII, lowercase, hyphen-separated slug; apostrophes vanish ("Isn't" -> "isnt")."""
    text = strip_emoji(text).replace("\u2019", "").replace("'", "").replace("&", " and ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:80].rstrip("-") or fallback


def unique_slug(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not in ``taken``; records the result."""
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    taken.add(slug)
    return slug


# C0 controls other than tab, line feed and carriage return; DEL and the C1 controls; surrogates; the
# noncharacters (U+FDD0-U+FDEF and the last two code points of every plane). XML 1.0 forbids some of these
# outright and discourages the rest; none of them is ever a word.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)


def find_control(text: str) -> list[int]:
    """Offsets of control characters and noncharacters in ``text`` (see :func:`remove_control`)."""
    return [m.start() for m in _CONTROL.finditer(text)]


def remove_control(text: str) -> str:
    """``text`` without control characters (except tab, newline, carriage return) or noncharacters."""
    return _CONTROL.sub("", text)
