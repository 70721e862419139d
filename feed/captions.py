"""Captions (WebVTT and SRT) that read well: short cues cut at natural places, no pictographs.

Every narrated sentence becomes one or more cues of at most :data:`MAX_LINES` lines of at most
:data:`MAX_LINE` characters, shown for at most :data:`MAX_CUE_MS` (the limits of common caption guidelines:
42 characters a line, two lines, seven seconds). A sentence that does not fit is cut at clause boundaries
(after a comma, semicolon, colon, dash or ellipsis) where it can be, otherwise between words, into as few cues as fit.
Each cue's time is a share of its own sentence's time, in proportion to the syllables it holds (the sentence
timings are exact; the places inside a sentence are estimated), so no cue ever starts before or ends after
its sentence.

Captions drop emoji and other pictographs (every character with Unicode's ``Extended_Pictographic``
property, and the modifiers, joiners and selectors that build emoji sequences): screen readers would
announce them by name ("firecracker"). The JSON transcript keeps the article's own text.

Heading cues (section headings, and the episode title) carry a WebVTT class, ``<c.heading>`` or
``<c.title>``, and the file's ``STYLE`` block sets them in bold for players that read it. SRT has no classes,
so its cues are plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex
from gentle_steps.audio.text import strip_emoji

MAX_LINE = 42
"""Most characters on one caption line."""

MAX_LINES = 2
"""Most lines in one cue."""

MAX_CUE_MS = 7000
"""Longest time one cue stays on screen."""

CUE_CLASSES = {"heading": "heading", "title": "title"}
"""Sentence kind -> WebVTT cue class; cues of other kinds carry none."""

VTT_STYLE = "STYLE\n::cue(.heading), ::cue(.title) {\n  font-weight: bold;\n}\n"
"""The WebVTT style block: heading and title cues in bold, for players that honour it."""

_CLAUSE_END = (",", ";", ":", "—", "–", "…")
_VOWEL_GROUPS = regex.compile(r"[aeiouy]+")
# An em dash between words is a clause boundary even without spaces ("staying—or weak").
_DASH_JOIN = regex.compile(r"(?<=\p{L}—)(?=\p{L})")


def caption_text(text: str) -> str:
    """The article's words as a caption shows them: no pictographs, single spaces."""
    return strip_emoji(text)


@dataclass(frozen=True)
class Token:
    """One word of a caption with what follows it."""

    text: str
    space_after: bool = True
    """False inside a word cut at an em dash or at :data:`MAX_LINE` (the pieces join without a space)."""


def tokens(text: str) -> list[Token]:
    """Words of ``text`` (already :func:`caption_text`), each cut after a joining em dash or to MAX_LINE."""
    found: list[Token] = []
    for word in text.split(" "):
        pieces = _DASH_JOIN.split(word)
        # A word longer than a line (a URL) is cut into line-sized pieces.
        pieces = [p[i:i + MAX_LINE] for p in pieces for i in range(0, len(p), MAX_LINE)]
        found += [Token(p, space_after=False) for p in pieces[:-1]]
        found.append(Token(pieces[-1]))
    return found


def join(words: list[Token]) -> str:
    """Tokens back into text."""
    out = ""
    for i, t in enumerate(words):
        out += t.text + (" " if t.space_after and i < len(words) - 1 else "")
    return out


def syllables(word: str) -> float:
    """An estimate of how long a word takes to say, in syllables, with a pause after clause punctuation."""
    letters = regex.sub(r"[^a-z]", "", word.lower())
    count = len(_VOWEL_GROUPS.findall(letters))
    if letters.endswith("e") and not letters.endswith(("le", "ee")) and count > 1:
        count -= 1  # a silent final e
    # Digits are read as words ("6" is "six", "12" is "twelve"): about one syllable each.
    count = max(1 if letters else 0, count) + sum(ch.isdigit() for ch in word)
    return max(count, 1) + (0.5 if word.endswith(_CLAUSE_END) else 0)


def lines(words: list[Token]) -> list[str] | None:
    """``words`` as at most MAX_LINES lines of at most MAX_LINE characters, or None when they do not fit.

    One line when it fits; otherwise the most even break, preferring one after clause punctuation.
    """
    whole = join(words)
    if len(whole) <= MAX_LINE:
        return [whole]
    best: tuple[float, list[str]] | None = None
    for k in range(1, len(words)):
        top, bottom = join(words[:k]), join(words[k:])
        if len(top) > MAX_LINE or len(bottom) > MAX_LINE:
            continue
        score = max(len(top), len(bottom)) - (12 if words[k - 1].text.endswith(_CLAUSE_END) else 0)
        if best is None or score < best[0]:
            best = (score, [top, bottom])
    return best[1] if best else None


@dataclass(frozen=True)
class Caption:
    """One caption cue: a piece of one sentence, timed inside it."""

    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    """At most MAX_LINES lines of at most MAX_LINE characters."""

    kind: str
    """The sentence's kind (``heading`` and ``title`` cues get a class in WebVTT)."""

    section: str
    """Id of the section the sentence belongs to."""


def _boundaries(weights: list[float], start: int, end: int) -> list[int]:
    total = sum(weights) or 1.0
    out, running = [start], 0.0
    for w in weights:
        running += w
        out.append(start + round((end - start) * running / total))
    out[-1] = end
    return out


# Costs of a way of cutting a sentence into cues (lower is better). A cut between two words of one clause costs
# more than one more cue, so clauses stay whole unless that would take two more cues; among equals, evener wins.
_CUE = 100
_CLAUSE_CUT = 10
_WORD_CUT = 150
_SHORT_CUE = 60
_SHORT = 16


def _cost(words: list[Token], j: int, i: int) -> float:
    """The cost of a cue holding ``words[j:i]``."""
    length = len(join(words[j:i]))
    cut = 0 if i == len(words) else _CLAUSE_CUT if words[i - 1].text.endswith(_CLAUSE_END) else _WORD_CUT
    # A sliver of a sentence flashes by: a short cue costs extra unless it is the whole sentence.
    short = _SHORT_CUE if length < _SHORT and (j, i) != (0, len(words)) else 0
    # Squared lengths: of two cuts equally good, the one giving more even cues costs less.
    return _CUE + cut + short + length**2 / 500


def split_sentence(text: str, start_ms: int, end_ms: int) -> list[tuple[int, int, list[str]]]:
    """A sentence as cues ``(start_ms, end_ms, lines)``: as few as fit the limits, cut at the best places.

    Dynamic programming over word boundaries: each cue must fit MAX_LINES x MAX_LINE and last at most
    MAX_CUE_MS; cuts at clause boundaries win over cuts between words (unless keeping clauses whole takes two
    more cues), then fewer cues, then the most even lengths.
    """
    words = tokens(text)
    weights = [syllables(t.text) for t in words]
    times = _boundaries(weights, start_ms, end_ms)
    n = len(words)
    best: list[tuple[float, int, list[str]] | None] = [None] * (n + 1)
    best[0] = (0.0, -1, [])
    for i in range(1, n + 1):
        for j in range(i - 1, -1, -1):
            if best[j] is None:
                continue
            chunk = words[j:i]
            if len(join(chunk)) > MAX_LINE * MAX_LINES:
                break
            if times[i] - times[j] > MAX_CUE_MS and i - j > 1:
                continue
            shown = lines(chunk)
            if shown is None:
                continue
            cost = best[j][0] + _cost(words, j, i)
            if best[i] is None or cost < best[i][0]:
                best[i] = (cost, j, shown)
    cues: list[tuple[int, int, list[str]]] = []
    i = n
    while i > 0:
        entry = best[i]
        assert entry is not None  # a single word always fits: tokens() cuts words to MAX_LINE
        _total, j, shown = entry
        # A single word said for longer than a cue may last stays on screen for MAX_CUE_MS.
        cues.append((times[j], min(times[i], times[j] + MAX_CUE_MS), shown))
        i = j
    return [c for c in reversed(cues) if c[1] > c[0]]


def captions(sentences: list[tuple[int, int, str, str, str]]) -> list[Caption]:
    """Caption cues for ``(start_ms, end_ms, text, kind, section)`` sentences (already clamped to the audio)."""
    found: list[Caption] = []
    for start, end, text, kind, section in sentences:
        shown = caption_text(text)
        if not shown or end <= start:
            continue
        for cue_start, cue_end, cue_lines in split_sentence(shown, start, end):
            found.append(Caption(cue_start, cue_end, tuple(cue_lines), kind, section))
    return found


def _clock(ms: int, sep: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}{millis:03d}"


def _vtt_escape(text: str) -> str:
    # WebVTT cue text: & and < start entities and tags, and "-->" would end the timing line.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def vtt(cues: list[Caption]) -> str:
    """WebVTT with the style block; cues identified ``<section id>-<n>``, heading and title cues classed."""
    out = ["WEBVTT", "", VTT_STYLE]
    counters: dict[str, int] = {}
    for cue in cues:
        counters[cue.section] = counters.get(cue.section, 0) + 1
        text = "\n".join(_vtt_escape(line) for line in cue.lines)
        if cue.kind in CUE_CLASSES:
            text = f"<c.{CUE_CLASSES[cue.kind]}>{text}</c>"
        out += [f"{cue.section}-{counters[cue.section]}",
                f"{_clock(cue.start_ms, '.')} --> {_clock(cue.end_ms, '.')}", text, ""]
    return "\n".join(out)


def srt(cues: list[Caption]) -> str:
    """SubRip: numbered cues, comma before the milliseconds, plain text."""
    out: list[str] = []
    for n, cue in enumerate(cues, start=1):
        out += [str(n), f"{_clock(cue.start_ms, ',')} --> {_clock(cue.end_ms, ',')}", *cue.lines, ""]
    return "\n".join(out)

