"""The article collection as the voice hears it: every line against a reference of what a careful person says.

Each article in tests/fixtures/corpus has ``NAME.spoken.txt``, written by hand from the article (never produced
by the code): one line per utterance, in order (the title, then each heading and sentence; the show's disclosure
is left out), with numbers, phone lines, money, times, abbreviations and acronyms as a person reads them aloud
and as the README's conventions write them for the voice ("L.P.C", "a.m"). Lines starting with "#" are comments;
blank lines are ignored.

Lines are compared as a listener hears them: the words (case, quotes and hyphens aside) and where the pauses
fall (any of , ; : . ! ? between words). The generic checks hold for every article whatever its reference says.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path

import pytest
from gentle_steps.audio.plan import plan_narration
from gentle_steps.audio.readers import EXTENSIONS, read_article
from gentle_steps.audio.settings import ShowSettings

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
ARTICLES = sorted(p for p in CORPUS.iterdir()
                  if p.suffix in EXTENSIONS and not p.name.endswith((".expected.txt", ".spoken.txt"))
                  and p.name != "README.md")
SHOW = ShowSettings(title="Corpus", author="Corpus", description="The article collection.")


def reference_lines(path: Path) -> list[str]:
    """The hand-written spoken lines of one article."""
    text = path.with_name(path.stem + ".spoken.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def spoken_lines(path: Path) -> tuple[list[str], list[str]]:
    """What the plan gives the voice for one article (disclosure left out), and the reader's warnings."""
    article = read_article(path, CORPUS)
    plan = plan_narration([article], [], SHOW, {}, {})
    lines = [line.utterance.spoken for section in plan.episodes[0].sections for line in section.lines
             if line.utterance.kind != "disclosure"]
    return lines, article.warnings


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_PAUSE = ",;:.!?"


def heard(line: str) -> tuple[str, ...]:
    """A line as a listener hears it: lower-case words, and "," wherever a pause falls between words.

    A dot inside a token ("a.m.", "L.P.C.") belongs to it and is not a pause; quotes and hyphens are not heard.
    """
    out: list[str] = []
    for token in line.translate(_QUOTES).split():
        token = token.strip("\"'([")
        body = token.rstrip(_PAUSE + "\"')]")
        tail = token[len(body):]
        if "." in body:  # an abbreviation keeps its closing dot
            tail = tail.replace(".", "", 1) if tail.startswith(".") else tail
        words = [w for w in re.split(r"-+", body.strip("'").lower()) if w]
        out.extend(words)
        if any(c in _PAUSE for c in tail) and out and out[-1] != ",":
            out.append(",")
    while out and out[-1] == ",":
        out.pop()
    return tuple(out)


def differences(want: list[str], got: list[str]) -> list[str]:
    """Line-by-line differences between the reference and the spoken lines, as readable report lines."""
    report = []
    matcher = difflib.SequenceMatcher(a=[heard(x) for x in want], b=[heard(x) for x in got], autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        report.append(f"line {a0 + 1}:")
        report.extend(f"  reference: {line}" for line in want[a0:a1])
        report.extend(f"  spoken:    {line}" for line in got[b0:b1])
    return report


@pytest.mark.parametrize(("line", "words"), [
    ("Call or text nine eight eight.", ("call", "or", "text", "nine", "eight", "eight")),
    ("ten a.m to six thirty p.m, and", ("ten", "a.m", "to", "six", "thirty", "p.m", ",", "and")),
    ("at nine a.m.", ("at", "nine", "a.m")),
    ("“Dear worried part of me.” I", ("dear", "worried", "part", "of", "me", ",", "i")),
    ("one-on-one; twenty-four hours' notice", ("one", "on", "one", ",", "twenty", "four", "hours", "notice")),
    ("Name:", ("name",)),
    ("L.P.C. Then", ("l.p.c", "then")),
])
def test_a_line_is_compared_as_it_is_heard(line, words):
    assert heard(line) == words


def test_every_article_has_a_spoken_reference():
    assert len(ARTICLES) >= 12
    assert not [p.name for p in ARTICLES if not p.with_name(p.stem + ".spoken.txt").is_file()]


def test_a_wrong_line_is_reported_with_both_sides():
    report = differences(["Call nine one one.", "Rest."], ["Call nine hundred eleven.", "Rest."])
    assert report == ["line 1:", "  reference: Call nine one one.", "  spoken:    Call nine hundred eleven."]


@pytest.mark.parametrize("path", ARTICLES, ids=[p.name for p in ARTICLES])
def test_the_voice_says_what_a_careful_reader_would(path: Path):
    got, _ = spoken_lines(path)
    report = differences(reference_lines(path), got)
    assert not report, f"{path.name}: spoken text differs from {path.stem}.spoken.txt\n" + "\n".join(report)


# --- What no article may ever send to the voice, whatever its reference says ------------------------------

_MARKUP = re.compile(r"[*_`\[\]{}<>|#@~^\\/=+%$£€¥§&()•◦▪·]|\.\.\.|!!!|\?\?\?")
_URL = re.compile(r"https?|://|www\.|\.(?:com|org|net|uk|example|io|html?)\b", re.IGNORECASE)
_CITATION = re.compile(r"\bet al\b|\bn\.d\b|\bpp?\.\s|\b(?:19|20)\d\d[a-z]?\)|\bVol\.|\bdoi\b", re.IGNORECASE)
_SYMBOL_NAMES = re.compile(r"\b(?:slash|backslash|dash|hyphen|hashtag|hash|pound sign|asterisk|star|pipe|tilde|"
                           r"caret|underscore|equals|plus|percent sign|ampersand|bullet|at sign)\b", re.IGNORECASE)
_SHOUTED = re.compile(r"\b[A-Z]{2,}\b")


def _emoji_names(source: str) -> set[str]:
    """Names of every pictograph in the article's source (what a voice would say for it: "sparkles")."""
    return {unicodedata.name(c, "").lower() for c in source if unicodedata.category(c) == "So"} - {""}


@pytest.mark.parametrize("path", ARTICLES, ids=[p.name for p in ARTICLES])
def test_nothing_but_words_reaches_the_voice(path: Path):
    got, warnings = spoken_lines(path)
    reference = "\n".join(reference_lines(path))
    allowed_digits = set(re.findall(r"\S*\d\S*", reference))
    emoji = _emoji_names(path.read_text(encoding="utf-8"))
    problems = []
    for line in got:
        for name, pattern in (("markup or symbol", _MARKUP), ("address", _URL), ("citation", _CITATION),
                              ("capitals the voice may spell", _SHOUTED)):
            if found := pattern.search(line):
                problems.append(f"{name} {found.group(0)!r}: {line}")
        # A symbol's name is allowed only where the reference says it ("plus four four" in a phone number).
        problems += [f"symbol name {m.group(0)!r}: {line}" for m in _SYMBOL_NAMES.finditer(line)
                     if m.group(0).lower() not in reference.lower()]
        problems += [f"digits {d!r}: {line}" for d in re.findall(r"\S*\d\S*", line) if d not in allowed_digits]
        problems += [f"emoji name {n!r}: {line}" for n in emoji if n in line.lower()]
        foreign = {c for c in line if c.isalpha() and not unicodedata.name(c, "").startswith("LATIN")}
        if foreign and not any(c in w for w in warnings for c in foreign):
            problems.append(f"letters the voice cannot read {''.join(sorted(foreign))!r} with no warning: {line}")
        if any(unicodedata.category(c) == "So" for c in line):
            problems.append(f"pictograph: {line}")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_the_generic_checks_meet_what_they_look_for():
    """The collection holds emoji, addresses, citations and digits, so the checks above can fail."""
    sources = "\n".join(p.read_text(encoding="utf-8") for p in ARTICLES)
    assert _emoji_names(sources) >= {"sparkles", "seedling", "herb"}
    assert _URL.search(sources) and _CITATION.search(sources) and _MARKUP.search(sources)
    assert re.search(r"\b988\b", sources) and re.search(r"\b555-123-4567\b", sources)
    assert _SYMBOL_NAMES.search("five five five dash one two three") and _SHOUTED.search("name five things you can SEE")
