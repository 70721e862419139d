"""Alexa invocation names made from a show's title under Amazon's rules (lowercase words, numbers spelled out,
none of the words Amazon forbids)."""

from __future__ import annotations

import re
import unicodedata

# Amazon refuses these in invocation names (Alexa Skills Kit, "Choose the invocation name").
FORBIDDEN_INVOCATION_WORDS = {"alexa", "amazon", "echo", "skill", "app", "launch", "ask", "tell", "open",
                               "load", "begin", "enable", "computer", "skills", "play", "start", "run", "resume"}


_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
         "seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """A whole number as Alexa wants it written in an invocation name ("21" -> "twenty one"); digits above
    9999 are read one by one."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        return _ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + number_words(n % 100))
    if n < 10000:
        return _ONES[n // 1000] + " thousand" + ("" if n % 1000 == 0 else " " + number_words(n % 1000))
    return " ".join(_ONES[int(d)] for d in str(n))


def invocation_name_from(title: str) -> str:
    """An invocation name made from a title under Amazon's rules: lowercase letters, numbers spelled out,
    possessive apostrophes kept, none of the words Amazon forbids. It may still be one word: callers check."""
    for letter, plain in (("œ", "oe"), ("Œ", "Oe"), ("æ", "ae"), ("Æ", "Ae"), ("ß", "ss"), ("ø", "o"), ("Ø", "O")):
        title = title.replace(letter, plain)  # letters NFKD does not decompose
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()  # "é" -> "e"
    text = text.lower().replace("&", " and ").replace("+", " plus ")
    text = re.sub(r"\d+", lambda m: f" {number_words(int(m.group()))} ", text)
    words = []
    for raw in re.split(r"[^a-z']+", text):
        word = raw.strip("'")
        if "'" in word and not word.endswith("'s"):
            word = word.replace("'", "")  # only a possessive keeps its apostrophe
        if word and word not in FORBIDDEN_INVOCATION_WORDS:
            words.append(word)
    return " ".join(words)
