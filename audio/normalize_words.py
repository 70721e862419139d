"""Abbreviations and acronyms, as a person reading aloud says them.

Abbreviations take their context: "Dr." is "Doctor" before a name and "Drive" after a street's name, "St." is
"Saint" before a name and "Street" after one ("St. James St." -> "Saint James Street"). Title suffixes are
spelled ("PhD" -> "P.H.D", "LMFT" -> "L.M.F.T"; "PsyD" and "EdD" as people say them, "Psy D", "Ed D").

An all-capitals token that is not an English word is spelled letter by letter ("PTSD" -> "P.T.S.D"); an
all-capitals English word, used for emphasis, is read as the word ("you can SEE" -> "you can see"). English
words come from Webster's Second International word list (the ``english-words`` package), with common endings
taken off ("THINGS", "STOPPED"). Letters are joined with dots, not spaces: the voice reads a spaced "A" as the
article ("uh"), and dotted letters as letter names. The author's lexicon comes first: a token it names is never
touched here.
"""

from __future__ import annotations

import re
from functools import cache

from gentle_steps.audio.spoken_numbers import cardinal

# --- Abbreviations ------------------------------------------------------------------------------------------

_FIXED = [(re.compile(p, flags), words) for p, words, flags in (
    (r"\be\.g\.,?", "for example,", re.IGNORECASE),
    (r"\bi\.e\.,?", "that is,", re.IGNORECASE),
    (r"\bet al\.", "and colleagues", 0),
    (r"\betc\.", "and so on", 0),
)]
_DOTTED = {"vs": "versus", "approx": "approximately", "Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "Mx": "Mix",
           "Prof": "Professor", "Jr": "Junior", "Sr": "Senior", "Dept": "Department", "Univ": "University",
           "Ave": "Avenue", "Blvd": "Boulevard", "Rd": "Road", "Ln": "Lane", "Ste": "Suite", "Apt": "Apartment",
           "Mt": "Mount", "cf": "compare", "a.k.a": "also known as"}
_DOTTED_RE = re.compile(r"(?<![\w.])(" + "|".join(re.escape(k) for k in sorted(_DOTTED, key=len, reverse=True))
                        + r")\.(?P<end>(?=[\"')\]]*\s*$))?")
_BARE = [(re.compile(p), words) for p, words in (
    (r"\bvs\b(?!\.)", "versus"), (r"\bapprox\b(?!\.)", "approximately"), (r"\baka\b", "also known as"),
    (r"\bw/o\b", "without"), (r"\bw/(?=\s|[a-z])", "with "), (r"\bb/c\b", "because"),
    (r"\bext\.\s?(?=\d)", "extension "), (r"\bv\.(?=\s[A-Z])", "versus"),
)]
_CONTEXTUAL = re.compile(r"\b(?P<abbr>Dr|St)(?P<dot>\.)?(?=[\s,;:)]|$)")
_TITLES = {"Dr": ("Doctor", "Drive"), "St": ("Saint", "Street")}
_NAME = re.compile(r"[A-Z][a-z'’]+|[0-9]+(?:st|nd|rd|th)?")


def _contextual(text: str, match: re.Match[str], lead: int) -> str:
    """Doctor/Drive, Saint/Street: a name just before means a street; a name just after means a person or saint."""
    title, place = _TITLES[match["abbr"]]
    window_start = max(0, match.start() - 120)
    previous = re.search(r"(\S+)\s+$", text[window_start:match.start()])
    first_word = previous is not None and window_start + previous.start(1) <= lead
    next_name = re.match(r"\s+[A-Z\ue000-\uf8ff]", text[match.end():match.end() + 2]) is not None
    after_name = previous is not None and _NAME.fullmatch(previous.group(1)) is not None
    if after_name and next_name and previous.group(1).isdigit():
        after_name = False  # a house number, then the street's own name: "210 St. James St."
    end = "." if match["dot"] and re.fullmatch(r"[\"')\]]*\s*", text[match.end():match.end() + 8]) \
        and match.end() + 8 >= len(text) else ""
    if after_name and not first_word:
        return place + ("." if match["dot"] and next_name else end)  # "Main St. Then..." ends a sentence
    if next_name:
        return title
    if not match["dot"]:
        return match.group()  # "St" or "Dr" without a dot and no name either side: leave it
    return (place if after_name else title) + end


def abbreviations(text: str) -> str:
    """Abbreviations read in full: "e.g." -> "for example", "Dr. Lee" -> "Doctor Lee", "Oak Dr." -> "Oak Drive"."""
    for pattern, words in _FIXED:
        text = pattern.sub(words, text)
    text = _DOTTED_RE.sub(lambda m: _DOTTED[m[1]] + ("." if m["end"] is not None else ""), text)
    for pattern, words in _BARE:
        text = pattern.sub(words, text)
    lead = len(text) - len(text.lstrip())  # where the first word starts
    return _CONTEXTUAL.sub(lambda m: _contextual(text, m, lead), text)


# --- Acronyms ------------------------------------------------------------------------------------------------

_CREDENTIALS = {"PhD": "P.H.D", "Ph.D.": "P.H.D", "Ph.D": "P.H.D", "PsyD": "Psy D", "Psy.D.": "Psy D",
                "EdD": "Ed D", "Ed.D.": "Ed D", "MEd": "M Ed", "M.Ed.": "M Ed", "MSc": "M.S.C", "BSc": "B.S.C",
                "MPhil": "M Phil", "DrPH": "D.R.P.H", "PharmD": "Pharm D"}
_CREDENTIAL_RE = re.compile(r"(?<![\w.])(" + "|".join(re.escape(c) for c in sorted(_CREDENTIALS, key=len,
                                                                                  reverse=True)) + r")(?![\w])")
# Said as words, though not in the word list.
_SAID_AS_WORDS = {"NAMI": "Nahmee", "SAMHSA": "Samsa", "HIPAA": "Hippa", "NASA": "Nasa", "NATO": "Nato",
                  "UNICEF": "Unicef", "COVID": "Covid", "AIDS": "aids", "FOMO": "fomo", "YOLO": "yolo",
                  "AASECT": "Aasect", "RAINN": "Rainn", "CHADD": "Chadd", "OK": "okay"}
# Words in the list, but as capitals in an article almost always an acronym.
_SPELLED_WORDS = {"ADD", "APA", "EFT", "GAD", "MAT", "AMA", "IFS"}
_EMPHASIS_2 = {"AM", "AN", "AS", "AT", "BE", "BY", "DO", "GO", "HE", "HI", "IF", "IN", "IS", "IT", "ME", "MY",
               "NO", "OF", "OH", "ON", "OR", "SO", "TO", "UP", "US", "WE"}
_CREDENTIAL_END = re.compile(r"\s*(?:[,;)]|$)")
_AFTER_THE = {"US", "WHO"}  # "the US", "the WHO": the country and the organisation
_ROMAN_AFTER = r"(?:Type|Phase|Part|Chapter|Stage|Level|Step|Title|Class|Schedule|Book|Volume|Act|War|DSM)"
_ROMAN = re.compile(rf"\b(?P<ctx>{_ROMAN_AFTER})[\s-](?P<r>[IVX]{{1,5}})(?![\w])")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
_CONTRACTION = re.compile(r"(?<![\w.])[A-Z]+['’][A-Z]+(?![\w])")
_TOKEN = re.compile(r"(?<![\w.'’-])(?P<t>[A-Z]{2,})(?P<s>['’]s|s)?(?![\w]|['’][A-Za-z]|\.[A-Za-z])(?P<plus>\+)?")
_ALLOWED_CLUSTERS = {"str", "scr", "spr", "spl", "thr", "shr", "chr", "sch", "ght", "nch", "tch", "nst", "rst",
                     "nds", "nts", "ngs", "nks", "rds", "rts", "lds", "mps", "nth", "rth", "lth", "ngth", "phr",
                     "ths", "cks", "lls", "nct", "mpt", "rld", "rch"}


@cache
def english_words() -> frozenset[str]:
    """Lowercase English words (Webster's Second, public domain), loaded once when first needed."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2"], lower=True, alpha=True))


def release_word_list() -> None:
    """Forget the word list (about 25 MB) once the narration is planned; it is loaded again if needed."""
    english_words.cache_clear()


def is_english_word(word: str) -> bool:
    """True for a dictionary word or a regular inflection of one ("things", "stopped", "happier", "breathing")."""
    words = english_words()
    w = word.lower()
    if w in words:
        return True
    for suffix, replacements in (("ies", ("y",)), ("ied", ("y",)), ("ier", ("y",)), ("iest", ("y",)),
                                 ("es", ("", "e")), ("s", ("",)), ("ed", ("", "e")), ("ing", ("", "e")),
                                 ("er", ("", "e")), ("est", ("", "e")), ("ly", ("",)), ("ness", ("",)),
                                 ("ful", ("",)), ("d", ("",))):
        if w.endswith(suffix) and len(w) - len(suffix) >= 2:
            stem = w[: -len(suffix)]
            for r in replacements:
                if stem + r in words:
                    return True
            if len(stem) >= 3 and stem[-1] == stem[-2] and stem[:-1] in words:
                return True  # "stopped" -> "stop"
    return False


def said_as_acronym(label: str) -> bool:
    """True when a lower-case name ("adaa", "nimh", "nami", "apa") is an acronym: one the built-in lists know,
    or a short one that is not an English word. Web addresses' names go through the acronym rule when it is."""
    upper = label.upper()
    if upper in _SAID_AS_WORDS or upper in _SPELLED_WORDS:
        return True
    return len(label) <= 5 and not is_english_word(label)


def spell(letters: str) -> str:
    """Letters as the voice says letter names: "LPC" -> "L.P.C"."""
    return ".".join(letters.upper())


def _sounds_like_a_word(token: str) -> bool:
    """A long capitalised name ("GOTTMAN") rather than a string of initials ("LICSW", "LGBTQ")."""
    collapsed = re.sub(r"(.)\1", r"\1", token.lower())
    if not re.search(r"[aeiouy]", collapsed):
        return False
    return all(run in _ALLOWED_CLUSTERS for run in re.findall(r"[^aeiouy]{3,}", collapsed))


def _roman(match: re.Match[str]) -> str:
    values = [_ROMAN_VALUES[c] for c in match["r"]]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return f"{match['ctx']} {cardinal(total)}"


def _contraction(match: re.Match[str]) -> str:
    word = match.group().lower()
    return "I" + word[1:] if word[:2] in ("i'", "i’") else word


def _acronym(text: str, match: re.Match[str]) -> str:
    token, suffix = match["t"], match["s"] or ""
    plus = " plus" if match["plus"] else ""  # "LGBTQ+"
    before = text[max(0, match.start() - 40):match.start()]
    if token in _SAID_AS_WORDS:
        return _SAID_AS_WORDS[token] + suffix + plus
    spelled = token in _SPELLED_WORDS or (len(token) == 2 and token not in _EMPHASIS_2)
    if token in _AFTER_THE and re.search(r"\bthe\s+$", before, re.IGNORECASE):
        spelled = True
    if token == "DO" and re.search(r"(?:[A-Z][a-z]+|[A-Z]{2,}),\s+$", before) and _CREDENTIAL_END.match(text, match.end()):
        spelled = True  # "Jane Doe, DO": the credential
    if not spelled:
        if is_english_word(token + ("s" if suffix == "s" else "")) or is_english_word(token):
            return (token + suffix).lower() + plus
        if len(token) >= 5 and _sounds_like_a_word(token):
            return token.capitalize() + suffix + plus
    return spell(token) + ("'s" if suffix else "") + plus


def acronyms(text: str) -> str:
    """All-capitals tokens: spelled when initials, lowercased when an English word said with emphasis."""
    text = _CREDENTIAL_RE.sub(lambda m: _CREDENTIALS[m[1]], text)
    text = _ROMAN.sub(_roman, text)
    text = _CONTRACTION.sub(_contraction, text)
    return _TOKEN.sub(lambda m: _acronym(text, m), text)
