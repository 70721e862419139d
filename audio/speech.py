"""Preparing what the voice says: the article's words stay for pages and transcripts; the voice gets a clean copy.

:func:`plan_section` turns one :class:`ArticleSection` into :class:`Utterance` items: the text to show, the text
to speak, and the silence to leave after it. Pauses carry the rhythm (headings, paragraphs, list items), so the
spoken text never contains emoji, markup, bullet glyphs, URLs or entities.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from gentle_steps.audio.model import ArticleSection
from gentle_steps.audio.text import collapse_spaces, strip_emoji

MAX_SPOKEN_CHARS = 300
"""Longer sentences are split at commas, semicolons or spaces: Piper's quality drops on very long input."""


@dataclass(frozen=True)
class Pauses:
    """Silences, in milliseconds, that give the narration its rhythm."""

    before_heading: int = 1200
    """Before a section heading in the whole episode (sections join here)."""

    after_heading: int = 800
    """After a heading is spoken."""

    sentence: int = 350
    """Between sentences of one paragraph."""

    paragraph: int = 750
    """Between paragraphs."""

    item: int = 500
    """After each list item."""

    edge: int = 400
    """Silence at the start and end of every file (0.3-0.5 s)."""


PAUSES = Pauses()


@dataclass(frozen=True)
class Utterance:
    """One thing the voice says, and the silence after it."""

    text: str
    """The article's own words."""

    spoken: str
    """What the voice is given."""

    kind: str
    """``title``, ``disclosure``, ``heading``, ``paragraph`` or ``item``."""

    pause_ms: int
    """Silence after it, in milliseconds."""

    paragraph: int
    """Block index within the section."""


class LexiconError(ValueError):
    """The lexicon file is invalid; the message names the file and the entry."""


def load_lexicon(path: Path) -> dict[str, str]:
    """Read ``[words]`` from a lexicon TOML file (missing file -> empty lexicon)."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: not valid TOML ({exc})") from None
    words = data.get("words", {})
    if not isinstance(words, dict):
        raise LexiconError(f"{path}: [words] must be a table of word = \"respelling\"")
    for word, respelling in words.items():
        if not isinstance(respelling, str) or not respelling.strip():
            raise LexiconError(f"{path}: entry '{word}' must be a non-empty string")
        if respelling.strip().startswith("[[") != respelling.strip().endswith("]]"):
            raise LexiconError(f"{path}: entry '{word}' has unbalanced [[ ]] phonemes")
    return {k: v.strip() for k, v in words.items()}


# --- Sentences ----------------------------------------------------------------------------------------------

_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "etc.", "Dr.", "Mr.", "Mrs.", "Ms.", "vs.", "St.", "Jr.", "Sr.",
                  "Prof.", "approx.", "No.")
_PLACEHOLDER = "\u0000"


def split_sentences(text: str) -> list[str]:
    """Sentences of one block: each line is at least one sentence; lines split after . ! ? or an ellipsis."""
    sentences: list[str] = []
    for line in text.split("\n"):
        line = collapse_spaces(line)
        if not line:
            continue
        protected = line
        for abbr in _ABBREVIATIONS:
            protected = re.sub(r"(?<!\w)" + re.escape(abbr), abbr.replace(".", _PLACEHOLDER), protected, flags=re.IGNORECASE)
        parts = re.split(r"(?<=[.!?\u2026][\"\u201d\u2019)])\s+|(?<=[.!?\u2026])\s+(?=[\"\u201c\u2018(]*[A-Z0-9])",
                         protected)
        sentences.extend(p.replace(_PLACEHOLDER, ".").strip() for p in parts if p and p.strip())
    return sentences


# --- Spoken text --------------------------------------------------------------------------------------------

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _two_digits(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def year_words(year: int, plural: bool = False) -> str:
    """A year as people say it: 1990 -> "nineteen ninety", 2005 -> "two thousand five", 2024 -> "twenty twenty-four"."""
    hi, lo = divmod(year, 100)
    if 2000 <= year <= 2009:
        words = "two thousand" + (f" {_ONES[lo]}" if lo else "")
    elif lo == 0:
        words = f"{_two_digits(hi)} hundred"
    elif lo < 10:
        words = f"{_two_digits(hi)} oh {_ONES[lo]}"
    else:
        words = f"{_two_digits(hi)} {_two_digits(lo)}"
    if plural:
        words = re.sub(r"y$", "ies", words) if words.endswith("y") else words + "s"
    return words


_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+@[\w-]+\.[\w.]+\b")


def speakable(text: str, lexicon: dict[str, str] | None = None) -> str:
    """The words of ``text`` as the voice should hear them.

    Emoji, bullet glyphs, markup characters, URLs and entities are removed; "&" reads "and"; common
    abbreviations, percentages and years read naturally; em dashes and ellipses become short pauses (commas)
    rather than run-ons; the lexicon's respellings or ``[[ phonemes ]]`` replace whole words.
    """
    text = html.unescape(text)
    text = _URL.sub("", text)
    text = strip_emoji(text)
    text = (text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"'))
    text = re.sub(r"[*_#`>|~\[\]{}<]|•|◦|▪", " ", text)
    # Em and en dashes between words are a short pause; a spaced hyphen likewise.
    text = re.sub(r"\s*[\u2014\u2013]\s*|\s+-\s+", ", ", text)
    # An ellipsis mid-sentence is a pause; at the end it closes the sentence.
    text = re.sub(r"(\u2026|\.\.\.)(?=\s*[\"')]*\s*$)", ".", text)
    text = re.sub(r"\s*(\u2026|\.\.\.)\s*", ", ", text)
    text = re.sub(r"\be\.g\.,?", "for example,", text, flags=re.IGNORECASE)
    text = re.sub(r"\bi\.e\.,?", "that is,", text, flags=re.IGNORECASE)
    text = re.sub(r"\bet al\.", "and colleagues", text)
    text = re.sub(r"\betc\.", "and so on", text)
    text = re.sub(r"\s*&\s*", " and ", text)
    text = re.sub(r"(\d)\s*%", r"\1 percent", text)
    text = re.sub(r"\b(1[1-9]\d\d|20\d\d)('?s)?\b",
                  lambda m: year_words(int(m.group(1)), plural=bool(m.group(2))), text)
    if lexicon:
        for word, respelling in lexicon.items():
            text = re.sub(rf"(?<![\w\[]){re.escape(word)}(?![\w\]])", respelling, text, flags=re.IGNORECASE)
    text = re.sub(r"\(\s*", ", ", text)
    text = re.sub(r"\s*\)", ",", text)
    text = re.sub(r"\s+([,.!?;:])", r"\1", text)
    text = re.sub(r",\s*([,.!?;:])", r"\1", text)
    text = re.sub(r"^[\s,;:]+", "", text)
    text = collapse_spaces(text)
    if text and text[-1] == ",":
        text = text[:-1] + "."
    return text


def split_long(spoken: str, limit: int = MAX_SPOKEN_CHARS) -> list[str]:
    """A sentence too long for the voice, split at the last comma, semicolon or space before ``limit``.

    The pieces are synthesized separately and joined with a short pause, but stay one sentence (one cue).
    """
    pieces: list[str] = []
    while len(spoken) > limit:
        cut = max(spoken.rfind(sep, 0, limit) for sep in (", ", "; ", ": "))
        if cut <= limit // 3:
            cut = spoken.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(spoken[:cut + 1].strip())
        spoken = spoken[cut + 1:].strip()
    if spoken:
        pieces.append(spoken)
    return pieces


def plan_section(section: ArticleSection, lexicon: dict[str, str], lead: list[Utterance] | None = None,
                 pauses: Pauses = PAUSES) -> list[Utterance]:
    """Everything one section's narration says, in order, with the silence after each part.

    ``lead`` goes first (the episode's title and disclosure before the introduction). A section with a heading
    opens with it, spoken once.
    """
    plan: list[Utterance] = list(lead or [])
    if section.heading:
        spoken = speakable(section.title, lexicon)
        if spoken:
            plan.append(Utterance(section.heading, spoken, "heading", pauses.after_heading, 0))
    for index, block in enumerate(section.blocks, start=1):
        sentences = split_sentences(block.text) if block.kind == "paragraph" else [collapse_spaces(block.text)]
        for n, sentence in enumerate(sentences):
            spoken = speakable(sentence, lexicon)
            if not re.search(r"\w", spoken):
                continue
            if block.kind == "item" and spoken[-1] not in ".!?":
                spoken += "."  # each bullet item is its own sentence
            last = n == len(sentences) - 1
            pause = pauses.item if block.kind == "item" else (pauses.paragraph if last else pauses.sentence)
            plan.append(Utterance(sentence, spoken, block.kind, pause, index))
    if plan:
        last = plan[-1]
        plan[-1] = Utterance(last.text, last.spoken, last.kind, 0, last.paragraph)
    return plan


def lead_in(title: str, disclosure: str, lexicon: dict[str, str], pauses: Pauses = PAUSES) -> list[Utterance]:
    """The episode's opening: its title, then the synthetic-voice disclosure."""
    items = [Utterance(title, speakable(title, lexicon), "title", pauses.after_heading, 0)]
    if disclosure.strip():
        items.append(Utterance(disclosure, speakable(disclosure, lexicon), "disclosure", pauses.paragraph, 0))
    return items
