"""The text normalizer: one sentence of the article in, what the voice is given out.

Pages and transcripts keep the article's words; only the spoken copy goes through here. The rules run in a
fixed order, each on what the last left: citations and links; emoji and markup; the author's lexicon is lifted
out (so no rule touches a word the author spelled out); words in other scripts in Latin letters; abbreviations; dates, telephone numbers, money, times,
units and every other number; acronyms; stray symbols; pauses for dashes and ellipses; and last the lexicon's
respellings go back in. Each rule lives in its own module (``normalize_*``) with its own table of tests.
"""

from __future__ import annotations

import html
import re

import regex
from anyascii import anyascii
from gentle_steps.audio.lexicon import PRIVATE_USE, protect, restore
from gentle_steps.audio.normalize_links import citations, links
from gentle_steps.audio.normalize_numbers import numbers
from gentle_steps.audio.normalize_phone import phone_numbers
from gentle_steps.audio.normalize_quantities import dates, degrees, money, times, units
from gentle_steps.audio.normalize_words import abbreviations, acronyms
from gentle_steps.audio.text import collapse_spaces, strip_emoji

_MARKUP = re.compile(r"[*_`\[\]{}]|•|◦|▪")
_SYMBOLS = [(re.compile(p), words) for p, words in (
    (r"\s*(?:->|=>|→|⇒|⟶|←|<-)\s*", ", "),  # arrows between steps are a pause
    (r"\band/or\b", "and or"),
    (r"(?<=[A-Za-z])\s?/\s?(?=[A-Za-z])", " or "),  # "he/she" -> "he or she"
    (r"\s*\|\s*", ", "),
    (r"(?<=[A-Za-z])\+(?=[A-Za-z])", " and "),  # "mind+body"
    (r"\s=\s|(?<=\w)=(?=\w)", " is "),
    (r"(?:^|(?<=\s))@(?=\s)", "at"),
    (r"§\s?", "section "),
    (r"[#@~^\\/+=<>%$£€¥¶]", " "),
)]


_OTHER_SCRIPT = regex.compile(r"(?:(?!\p{Latin})\p{L}\p{M}*)+")


def other_scripts(text: str) -> str:
    """Words in a script other than Latin, in Latin letters ("σχολή" -> "scholi", "привет" -> "privet").

    The voice reads Latin-script English: given Greek it says each letter's name ("sigma chi omicron"). A
    transliteration is the nearest a reader without the language comes; the reader warns the author, whose
    lexicon entry for the word (applied before this) says it properly.
    """
    return _OTHER_SCRIPT.sub(lambda m: anyascii(m.group()), text)


def symbols(text: str) -> str:
    """Stray symbols are never read by name: "/" reads "or" between words, "|" and arrows are pauses, the rest go."""
    for pattern, words in _SYMBOLS:
        text = pattern.sub(words, text)
    return text


def pauses(text: str) -> str:
    """Em and en dashes, spaced hyphens and mid-sentence ellipses become short pauses (commas)."""
    text = re.sub(r"\s*[\u2014\u2013]\s*|\s+-\s+", ", ", text)
    # An ellipsis mid-sentence is a pause; at the end it closes the sentence.
    text = re.sub(r"(\u2026|\.\.\.)(?=\s*[\"')]*\s*$)", ".", text)
    return re.sub(r"\s*(\u2026|\.\.\.)\s*", ", ", text)


def tidy(text: str) -> str:
    """Parentheses become pauses; no space before punctuation, no doubled or leading commas, a closing stop."""
    text = re.sub(r"\(\s*", ", ", text)
    text = re.sub(r"\s*\)", ",", text)
    text = re.sub(r"\s+([,.!?;:])", r"\1", text)
    text = re.sub(r",\s*([,.!?;:])", r"\1", text)
    text = re.sub(r"^[\s,;:]+", "", text)
    text = collapse_spaces(text)
    if text and text[-1] == ",":
        text = text[:-1] + "."
    return text


def normalize(text: str, lexicon: dict[str, str] | None = None, *, read_citations: bool = False) -> str:
    """The spoken form of ``text``: every rule of this module's docstring, in order, then the lexicon."""
    text = html.unescape(text)
    text = citations(text, read_citations)
    text = links(text)
    text = degrees(text)
    text = PRIVATE_USE.sub("", strip_emoji(text))  # icon-font glyphs; the lexicon's placeholders use these
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = _MARKUP.sub(" ", text)
    text, held = protect(text, lexicon)
    text = other_scripts(text)
    text = abbreviations(text)
    for rule in (dates, phone_numbers, money, times, units, numbers, acronyms, symbols, pauses):
        text = rule(text)
    text = re.sub(r"\s*&\s*", " and ", text)
    text = restore(text, held, lexicon)
    return tidy(text)
