"""Numbers as words, US English: the small vocabulary every normalizer rule speaks in.

num2words does the counting; this module only shapes its output the way an American narrator says it
("one hundred twenty", not "one hundred and twenty"), and adds what num2words does not know: years as people
say them, digit-by-digit reading, plurals of numbers and fractions.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from num2words import num2words

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
"""A written number: 7, 1,200, 3.5 (the pattern other rules build on)."""


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
        words = plural_words(words)
    return words


def is_year(token: str) -> bool:
    """A four-digit number read as a year (1100-2099), as the narration always has."""
    return bool(re.fullmatch(r"1[1-9]\d\d|20\d\d", token))


def cardinal(n: int) -> str:
    """A whole number in words, US style: 120 -> "one hundred twenty", 1005 -> "one thousand five"."""
    words = num2words(n, lang="en")
    return re.sub(r"\s+", " ", words.replace(",", "").replace(" and ", " ")).strip()


def ordinal(n: int) -> str:
    """1 -> "first", 21 -> "twenty-first", 100 -> "one hundredth"."""
    words = num2words(n, lang="en", to="ordinal")
    return re.sub(r"\s+", " ", words.replace(",", "").replace(" and ", " ")).strip()


def digits(text: str) -> str:
    """Every digit of ``text`` as a word: "988" -> "nine eight eight"."""
    return " ".join(_ONES[int(d)] for d in text if d.isdigit())


def number_words(token: str, years: bool = True) -> str:
    """A written number in words: "1,200" -> "one thousand two hundred", "3.5" -> "three point five".

    Four-digit numbers from 1100 to 2099 read as years ("1990" -> "nineteen ninety") unless ``years`` is
    false; a number with leading zeros ("007") is read digit by digit.
    """
    plain = token.replace(",", "")
    whole, _, fraction = plain.partition(".")
    if years and not fraction and "," not in token and is_year(whole):
        return year_words(int(whole))
    if len(whole) > 1 and whole.startswith("0"):
        words = digits(whole)
    elif len(whole) > 15:
        words = digits(whole)
    else:
        words = cardinal(int(whole or "0"))
    if fraction:
        words += " point " + digits(fraction)
    return words


def is_one(token: str) -> bool:
    """True when a written number is exactly one (the unit after it is singular)."""
    try:
        return Decimal(token.replace(",", "")) == 1 and "." not in token
    except InvalidOperation:
        return False


def plural_words(words: str) -> str:
    """The plural of a number in words: "seven" -> "sevens", "twenty" -> "twenties", "six" -> "sixes"."""
    if words.endswith("y"):
        return words[:-1] + "ies"
    if words.endswith(("x", "s")):
        return words + "es"
    return words + "s"


_FRACTION_NAMES = {2: ("half", "halves"), 4: ("quarter", "quarters")}


def fraction_words(numerator: int, denominator: int) -> str:
    """3/4 -> "three quarters", 1/2 -> "one half", 2/3 -> "two thirds", 9/10 -> "nine out of ten"."""
    if denominator in (10, 100) or denominator == 0:
        return f"{cardinal(numerator)} out of {cardinal(denominator)}"
    single, plural = _FRACTION_NAMES.get(denominator, (ordinal(denominator), plural_words(ordinal(denominator))))
    return f"{cardinal(numerator)} {single if numerator == 1 else plural}"
