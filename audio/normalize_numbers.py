"""Plain numbers in words: ratios, fractions, counted sequences, ranges, plurals, ordinals, cardinals, years.

Run after the shaped rules (phone numbers, money, times, dates, units), which take their own digits first.
"1:1 sessions" -> "one-on-one sessions", "5-4-3-2-1" -> "five, four, three, two, one", "3-5" -> "three to
five", "by 7s" -> "by sevens", "#1" -> "number one", "8th" -> "eighth", "1.5" -> "one point five", "the 1990s"
-> "the nineteen nineties", "10+ years" -> "ten or more years".
"""

from __future__ import annotations

import re

from gentle_steps.audio.spoken_numbers import (
    NUMBER,
    cardinal,
    fraction_words,
    number_words,
    ordinal,
    plural_words,
)

_VULGAR = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅖": (2, 5), "⅗": (3, 5),
           "⅘": (4, 5), "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8), "⅞": (7, 8)}
_A_FRACTION = {2: "a half", 3: "a third", 4: "a quarter"}

_COMPARISON = [(re.compile(r"(?:~|≈)\s?(?=\d)"), "about "), (re.compile(r"(?:<=|≤)\s?(?=\d)"), "at most "),
               (re.compile(r"(?:>=|≥)\s?(?=\d)"), "at least "), (re.compile(r"<\s?(?=\d)"), "less than "),
               (re.compile(r"(?<![\w-])>\s?(?=\d)"), "more than ")]
_NUMBER_SIGN = re.compile(r"(?:#|\b[Nn]o\.|\b[Nn]um\.)\s?(?=\d)")
_RATIO = re.compile(r"(?<![\w:.])(?P<a>\d{1,2}):(?P<b>\d)(?![\d:])(?P<ratio>\s+ratios?\b)?")
_UNICODE_FRACTION = re.compile(rf"(?<![\w.])(?P<whole>\d+)?\s?(?P<f>[{''.join(_VULGAR)}])")
_FRACTION = re.compile(r"(?<![\w/.,])(?:(?P<whole>\d+)\s)?(?P<a>\d{1,3})/(?P<b>\d{1,3})(?![\w/]|[.,]\d)")
_RATING = re.compile(rf"(?<![\w/.,])(?P<a>{NUMBER})/(?P<b>{NUMBER})(?![\w/]|[.,]\d)")
_NUMBER_WORD = (r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
                r"ninety|hundred|thousand|million|billion|point|oh|o'clock|a\.m|p\.m)(?:-[a-z]+)?")
_BETWEEN = re.compile(rf"\b(?P<head>[Bb]etween\s+(?:{_NUMBER_WORD}\s+){{0,6}}?{_NUMBER_WORD})\s+to\s+")
_SEQUENCE = re.compile(r"(?<![\w.,/-])\d{1,2}(?:[-–]\d{1,2}){2,}(?![\w/-]|[.,]\d)")
_RANGE = re.compile(rf"(?<![\w.,/$£€-])(?P<a>{NUMBER})\s?[-–]\s?(?P<b>{NUMBER})(?![\w/-]|[.,]\d)")
_PLURAL = re.compile(r"(?<![\w.,'’])(?P<apos>['’])?(?P<n>\d+)(?P<s>['’]?s)\b")
_ORDINAL = re.compile(r"(?<![\w.,])(?P<n>\d{1,3}(?:,\d{3})*|\d+)(?:st|nd|rd|th)\b")
_PLUS = re.compile(rf"(?<![\w.,])(?P<n>{NUMBER})\+(?P<word>(?=\s+[a-z]))?")
_THOUSANDS = re.compile(r"(?<![\w.,])(?P<n>\d+(?:\.\d+)?)k\b")
_GLUE = re.compile(r"(?<=\d)-(?=[A-Za-z])|(?<=[A-Za-z])-(?=\d)|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_MINUS = re.compile(r"(?:(?<=\s)|^)[-−](?=\d)")
_CARDINAL = re.compile(rf"(?<![\w.])(?P<n>{NUMBER})(?![\w])")
_ROUND = {100: "hundreds", 1000: "thousands", 1_000_000: "millions"}


def _ratio(match: re.Match[str]) -> str:
    a, b = int(match["a"]), int(match["b"])
    if a == b == 1 and not match["ratio"]:
        return "one-on-one"  # "1:1 sessions", "we meet 1:1"
    return f"{cardinal(a)} to {cardinal(b)}" + (match["ratio"] or "")


def _fraction(whole: str | None, a: int, b: int) -> str:
    if whole:
        part = _A_FRACTION.get(b) if a == 1 else None
        return f"{number_words(whole, years=False)} and {part or fraction_words(a, b)}"
    return fraction_words(a, b)


def _ascii_fraction(match: re.Match[str]) -> str:
    a, b = int(match["a"]), int(match["b"])
    if (a, b) == (24, 7):
        return "twenty-four seven"
    if b in (10, 100) and a <= b:
        return fraction_words(a, b)  # "10/10" -> "ten out of ten"
    if a == b and a >= 10:
        return f"{cardinal(a)}-{cardinal(b)}"  # "50/50" -> "fifty-fifty"
    if b == 0 or (a > b and b not in (10, 100)):
        return match.group()  # not a fraction; read as a score by the next rule ("7/2" -> "seven out of two")
    return _fraction(match["whole"], a, b)


def _plural(match: re.Match[str]) -> str:
    n, apostrophe = match["n"], match["apos"] or match["s"].startswith(("'", "’"))
    if apostrophe and not n.endswith("0"):
        return match.group()  # "2023's events": a possessive, not a decade
    if len(n) <= 2 and match["apos"]:
        return plural_words(cardinal(int(n)))  # "'90s" -> "nineties"
    if int(n) in _ROUND:
        return _ROUND[int(n)]  # "100s of people" -> "hundreds of people"
    return plural_words(number_words(n))


def numbers(text: str) -> str:
    """Every remaining number in ``text`` in words (see the module docstring for the rules, in their order)."""
    for pattern, words in _COMPARISON:
        text = pattern.sub(words, text)
    text = _NUMBER_SIGN.sub("number ", text)
    text = _RATIO.sub(_ratio, text)
    text = _UNICODE_FRACTION.sub(lambda m: _fraction(m["whole"], *_VULGAR[m["f"]]), text)
    text = _FRACTION.sub(_ascii_fraction, text)
    text = _RATING.sub(lambda m: f"{number_words(m['a'], years=False)} out of {number_words(m['b'], years=False)}",
                       text)  # "4.9/5 stars"
    text = _SEQUENCE.sub(lambda m: ", ".join(cardinal(int(n)) for n in re.split(r"[-–]", m.group())), text)
    text = _RANGE.sub(lambda m: f"{number_words(m['a'])} to {number_words(m['b'])}", text)
    text = _PLURAL.sub(_plural, text)
    text = _ORDINAL.sub(lambda m: ordinal(int(m["n"].replace(",", ""))), text)
    text = _PLUS.sub(lambda m: f"{m['n']} or more" if m["word"] is not None else f"{m['n']} and over", text)
    text = _THOUSANDS.sub(lambda m: f"{number_words(m['n'], years=False)} thousand", text)
    text = _GLUE.sub(" ", text)
    text = _MINUS.sub("minus ", text)
    text = _CARDINAL.sub(lambda m: number_words(m["n"]), text)
    return _BETWEEN.sub(lambda m: f"{m['head']} and ", text)  # "between 9-12 months": between nine and twelve
